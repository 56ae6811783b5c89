import type { AudioClip } from '../audio.js';

/**
 * Audio quality metrics over every channel of two clips of the same shape:
 * SNR, PSNR as the SIREN and COIN++ papers report audio, and log-spectral
 * distance. Both clips hold samples on [-1, 1].
 */

function checkShapes(reference: AudioClip, test: AudioClip): void {
  const lengths = (clip: AudioClip): string => clip.channels.map((c) => c.length).join(',');
  if (reference.channels.length !== test.channels.length || lengths(reference) !== lengths(test)) {
    throw new RangeError(`cannot compare clips of ${reference.channels.length} channel(s) of ${lengths(reference)} samples with ${test.channels.length} of ${lengths(test)}`);
  }
}

/** Σx² and Σ(x − y)² over every sample of every channel. */
function energies(reference: AudioClip, test: AudioClip): { signal: number; noise: number; count: number } {
  checkShapes(reference, test);
  let signal = 0;
  let noise = 0;
  let count = 0;
  reference.channels.forEach((x, c) => {
    const y = test.channels[c]!;
    for (let i = 0; i < x.length; i++) {
      signal += x[i]! * x[i]!;
      const d = x[i]! - y[i]!;
      noise += d * d;
    }
    count += x.length;
  });
  return { signal, noise, count };
}

/** Signal-to-noise ratio in dB: 10·log10(Σx² / Σ(x − y)²). Identical clips give Infinity. */
export function snr(reference: AudioClip, test: AudioClip): number {
  const { signal, noise } = energies(reference, test);
  return noise === 0 ? Infinity : 10 * Math.log10(signal / noise);
}

/**
 * PSNR in dB with the peak-to-peak range of [-1, 1], 2, as the peak:
 * 10·log10(4 / MSE), the figure SIREN and COIN++ report for audio.
 */
export function audioPsnr(reference: AudioClip, test: AudioClip): number {
  const { noise, count } = energies(reference, test);
  return noise === 0 ? Infinity : 10 * Math.log10(4 / (noise / count));
}

/** Frame length and hop of the log-spectral distance: 2048-sample Hann frames, half overlapping. */
export const LSD_FRAME = 2048;
export const LSD_HOP = 1024;
/** Power floor of the log spectra (−100 dB), so silence compares as silence rather than −∞. */
const POWER_FLOOR = 1e-10;

/**
 * Log-spectral distance in dB: for each Hann-windowed frame (LSD_FRAME
 * samples, LSD_HOP apart), the root mean square over frequency bins of
 * 10·log10(P_x / P_y) (power spectra floored at −100 dB), averaged over
 * frames and channels. 0 for identical clips; lower is better.
 */
export function logSpectralDistance(reference: AudioClip, test: AudioClip): number {
  checkShapes(reference, test);
  let total = 0;
  let frames = 0;
  reference.channels.forEach((x, c) => {
    const y = test.channels[c]!;
    const size = Math.min(LSD_FRAME, 2 ** Math.ceil(Math.log2(Math.max(2, x.length))));
    const window = Float64Array.from({ length: size }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
    const fft = new RealFft(size);
    for (let start = 0; start === 0 || start + size <= x.length; start += Math.min(LSD_HOP, size / 2)) {
      const px = fft.power(x, start, window);
      const py = fft.power(y, start, window);
      let sum = 0;
      for (let k = 0; k < px.length; k++) {
        const d = 10 * Math.log10((px[k]! + POWER_FLOOR) / (py[k]! + POWER_FLOOR));
        sum += d * d;
      }
      total += Math.sqrt(sum / px.length);
      frames++;
    }
  });
  return total / frames;
}

/** Radix-2 FFT of real frames of a fixed power-of-two size, returning the power of bins 0 … size/2. */
class RealFft {
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly reversed: Uint32Array;

  constructor(private readonly size: number) {
    this.re = new Float64Array(size);
    this.im = new Float64Array(size);
    this.cos = Float64Array.from({ length: size / 2 }, (_, k) => Math.cos((-2 * Math.PI * k) / size));
    this.sin = Float64Array.from({ length: size / 2 }, (_, k) => Math.sin((-2 * Math.PI * k) / size));
    const bits = Math.log2(size);
    this.reversed = Uint32Array.from({ length: size }, (_, i) => {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      return r;
    });
  }

  /** |X_k|² for k = 0 … size/2 of the frame signal[start …] · window (zeros past the end). */
  power(signal: Float32Array, start: number, window: Float64Array): Float64Array {
    const { size, re, im } = this;
    for (let i = 0; i < size; i++) {
      const j = this.reversed[i]!;
      re[j] = start + i < signal.length ? signal[start + i]! * window[i]! : 0;
      im[j] = 0;
    }
    for (let half = 1; half < size; half *= 2) {
      const stride = size / (2 * half);
      for (let block = 0; block < size; block += 2 * half) {
        for (let k = 0; k < half; k++) {
          const wr = this.cos[k * stride]!;
          const wi = this.sin[k * stride]!;
          const a = block + k;
          const b = a + half;
          const tr = re[b]! * wr - im[b]! * wi;
          const ti = re[b]! * wi + im[b]! * wr;
          re[b] = re[a]! - tr;
          im[b] = im[a]! - ti;
          re[a] = re[a]! + tr;
          im[a] = im[a]! + ti;
        }
      }
    }
    const out = new Float64Array(size / 2 + 1);
    for (let k = 0; k <= size / 2; k++) out[k] = re[k]! * re[k]! + im[k]! * im[k]!;
    return out;
  }
}
