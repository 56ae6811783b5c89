/**
 * Band-limited resampling for the audio bench (MP3 and Opus take only some
 * sample rates): a Blackman-windowed sinc interpolator whose cutoff is 0.95
 * of the lower of the two Nyquist rates, 32 zero crossings each side.
 * Evaluated directly at each output time (no polyphase tables): 64 × the
 * input/output ratio taps per sample, a fraction of a second per minute of audio.
 */

/** Zero crossings of the sinc on each side of an output sample (at the cutoff frequency). */
const HALF_TAPS = 32;
/** Cutoff as a fraction of the lower Nyquist rate: leaves the window room to roll off before aliasing. */
const CUTOFF = 0.95;

/** `signal` at `from` Hz resampled to `to` Hz: round(length · to / from) samples. */
export function resample(signal: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return Float32Array.from(signal);
  const outLength = Math.round((signal.length * to) / from);
  const out = new Float32Array(outLength);
  // Cutoff in cycles per input sample; the kernel spans HALF_TAPS of its zero crossings each side.
  const cutoff = (CUTOFF * Math.min(from, to)) / from / 2;
  const reach = HALF_TAPS / (2 * cutoff);
  for (let j = 0; j < outLength; j++) {
    const t = (j * from) / to;
    const lo = Math.max(0, Math.ceil(t - reach));
    const hi = Math.min(signal.length - 1, Math.floor(t + reach));
    let sum = 0;
    for (let k = lo; k <= hi; k++) {
      const d = k - t;
      const x = 2 * cutoff * d;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const w = 0.42 + 0.5 * Math.cos((Math.PI * d) / reach) + 0.08 * Math.cos((2 * Math.PI * d) / reach);
      sum += signal[k]! * 2 * cutoff * sinc * w;
    }
    out[j] = sum;
  }
  return out;
}
