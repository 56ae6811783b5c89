import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import wavefile from 'wavefile';
import type { AudioClip } from '../src/audio.js';
import { decodeAudio, DEFAULT_MAX_OUTPUT_SAMPLES } from '../src/decoder/index.js';
import { encodeAudio } from '../src/encoder/audio/encode-audio.js';
import { gainOctaves } from '../src/encoder/audio/output-gain.js';
import { inspectSnf, readSnf, SnfFormatError } from '../src/format/index.js';
import { parameterCount } from '../src/kernels/arch.js';
import type { ForwardFunction } from '../src/kernels/render.js';
import { forwardScalar } from '../src/kernels/forward.js';
import { renderAudio } from '../src/kernels/render-audio.js';
import { readWav, WavError, writeWav } from '../src/io/wav.js';
import { audioPsnr, logSpectralDistance, snr } from '../src/metrics/audio.js';
import { snfc, tempDir } from './helpers/cli.js';
import { mulberry32 } from './helpers/prng.js';
import { AUDIO_FIXTURE_DECODED_WAV, AUDIO_FIXTURE_SNF, AUDIO_FIXTURE_WAV, SHARED_AUDIO_FIXTURE_DECODED_WAV, SHARED_AUDIO_FIXTURE_SNF } from './fuzz/seeds.js';

const dir = tempDir();
const fixtureWav = new Uint8Array(readFileSync(AUDIO_FIXTURE_WAV));
const fixture = readWav(fixtureWav);

/** A clip of `channels` sine tones (channel c at 220·(c + 1) Hz), amplitude 0.5. */
function tones(sampleRate: number, length: number, channels = 1): AudioClip {
  return {
    sampleRate,
    channels: Array.from({ length: channels }, (_, c) => Float32Array.from({ length }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 220 * (c + 1) * i) / sampleRate))),
  };
}

/** A WAV file through wavefile itself (not our writer), of integer or float samples. */
function wavOf(clip: AudioClip, bitDepth: string): Uint8Array {
  const wav = new wavefile.WaveFile();
  const float = bitDepth.startsWith('32f') || bitDepth === '64';
  const bits = Number.parseInt(bitDepth, 10);
  const planes = clip.channels.map((c) => Array.from(c, (v) => (float ? v : bits === 8 ? Math.round(v * 127) + 128 : Math.round(v * (2 ** (bits - 1) - 1)))));
  wav.fromScratch(clip.channels.length, clip.sampleRate, bitDepth, planes);
  return wav.toBuffer();
}

test('WAV input: PCM 8/16/24/32-bit and float 32/64, 1 to 8 channels, 8 to 192 kHz, read back to within the format\'s step', () => {
  for (const [depth, tolerance] of [['8', 1 / 100], ['16', 1e-4], ['24', 1e-6], ['32', 1e-8], ['32f', 1e-7], ['64', 1e-7]] as const) {
    for (const [rate, channels] of [[8000, 1], [44100, 2], [192000, 8]] as const) {
      const clip = tones(rate, 300, channels);
      const read = readWav(wavOf(clip, depth));
      assert.equal(read.sampleRate, rate);
      assert.equal(read.channels.length, channels);
      read.channels.forEach((channel, c) => {
        assert.equal(channel.length, 300);
        for (let i = 0; i < 300; i++) assert.ok(Math.abs(channel[i]! - clip.channels[c]![i]!) <= tolerance, `${depth}-bit ${rate} Hz ch ${c} sample ${i}`);
      });
    }
  }
});

test('WAV input: WAVE_FORMAT_EXTENSIBLE with PCM and float subformats', () => {
  for (const depth of ['24', '32f']) {
    const plain = wavOf(tones(48000, 100, 2), depth);
    // Rewrite the 16-byte fmt chunk as a 40-byte extensible one: format 0xFFFE, cbSize 22, valid bits, mask, subformat GUID.
    const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
    const fmtAt = 12;
    assert.equal(String.fromCharCode(...plain.subarray(fmtAt, fmtAt + 4)), 'fmt ');
    const fmtSize = view.getUint32(fmtAt + 4, true);
    const code = view.getUint16(fmtAt + 8, true);
    const extension = new Uint8Array(24);
    const ext = new DataView(extension.buffer);
    ext.setUint16(0, 22, true);
    ext.setUint16(2, view.getUint16(fmtAt + 22, true), true);
    ext.setUint32(4, 3, true);
    ext.setUint16(8, code, true);
    extension.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 10);
    const body = plain.subarray(fmtAt + 8, fmtAt + 8 + 16);
    const rest = plain.subarray(fmtAt + 8 + fmtSize);
    const out = new Uint8Array(12 + 8 + 40 + rest.length);
    out.set(plain.subarray(0, 12));
    const o = new DataView(out.buffer);
    out.set([0x66, 0x6d, 0x74, 0x20], 12);
    o.setUint32(16, 40, true);
    out.set(body, 20);
    o.setUint16(20, 0xfffe, true);
    out.set(extension, 36);
    out.set(rest, 60);
    o.setUint32(4, out.length - 8, true);
    const read = readWav(out);
    assert.equal(read.channels.length, 2);
    assert.ok(Math.abs(read.channels[1]![10]! - tones(48000, 100, 2).channels[1]![10]!) < 1e-5, depth);
  }
});

/** The bad inputs of issue 11, each with the words its one-line error must have. */
function badInputs(): [string, Uint8Array, RegExp][] {
  const good = wavOf(tones(8000, 64), '16');
  const patch = (bytes: Uint8Array, at: number, value: number, size: 2 | 4): Uint8Array => {
    const copy = bytes.slice();
    const view = new DataView(copy.buffer);
    if (size === 2) view.setUint16(at, value, true);
    else view.setUint32(at, value, true);
    return copy;
  };
  const floatNan = wavOf({ sampleRate: 8000, channels: [Float32Array.from([0, 0.5, Number.NaN, 0])] }, '32f');
  const floatInf = wavOf({ sampleRate: 8000, channels: [Float32Array.from([0, Number.POSITIVE_INFINITY])] }, '32f');
  const dataAt = 36; // 'data' id, then its size
  return [
    ['mp3', Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 10, ...new Array(40).fill(0)]), /an MP3 file.*WAV/],
    ['mp3 frame', Uint8Array.from([0xff, 0xfb, 0x90, 0x64, ...new Array(40).fill(0)]), /an MP3 file/],
    ['flac', Uint8Array.from([0x66, 0x4c, 0x61, 0x43, 0, 0, 0, 34, ...new Array(40).fill(0)]), /an FLAC file/],
    ['ogg', Uint8Array.from([0x4f, 0x67, 0x67, 0x53, 0, 2, ...new Array(40).fill(0)]), /an Ogg file/],
    ['adpcm', patch(good, 20, 2, 2), /unsupported WAV codec ADPCM/],
    ['mulaw', patch(good, 20, 7, 2), /unsupported WAV codec µ-law/],
    ['truncated', good.slice(0, good.length - 10), /truncated WAV: the data chunk declares 128 bytes but only 118 follow/],
    ['lying block align', patch(good, 32, 4, 2), /bad WAV header: block align 4/],
    ['lying byte rate', patch(good, 28, 1234, 4), /byte rate 1234/],
    ['no samples', patch(good.slice(0, dataAt + 8), dataAt + 4, 0, 4), /holds no samples/],
    ['nan', floatNan, /a sample of NaN/],
    ['inf', floatInf, /a sample of Infinity/],
    ['9 channels', patch(patch(patch(good, 22, 9, 2), 32, 18, 2), 28, 8000 * 18, 4), /9 channels/],
    ['4 kHz', patch(patch(good, 24, 4000, 4), 28, 8000, 4), /sample rate 4000 Hz/],
    ['12-bit', patch(good, 34, 12, 2), /12-bit PCM/],
    ['rf64', Uint8Array.from([...'RF64'].map((c) => c.charCodeAt(0)).concat([...good.slice(4)])), /RF64 \(64-bit\) WAV files are not supported: convert to a RIFF WAV under 4 GiB/],
  ];
}

test('bad audio inputs: one line naming the problem, exit code 3, no output file (chosen by content, whatever the extension)', () => {
  for (const [name, bytes, pattern] of badInputs()) {
    const input = path.join(dir, `${name.replace(/ /g, '-')}.bin`);
    writeFileSync(input, bytes);
    const output = path.join(dir, `${name.replace(/ /g, '-')}.snf`);
    const run = snfc(['encode', input, '-o', output, '--steps', '1']);
    assert.equal(run.status, 3, `${name}: exit ${run.status}: ${run.stderr}`);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `${name}: ${run.stderr}`);
    assert.match(lines[0]!, /^snfc: /);
    assert.match(lines[0]!, pattern, name);
    assert.ok(!existsSync(output), `${name}: wrote ${output}`);
  }
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('a WAV written to a pipe (data size 0xFFFFFFFF) is read to the end of the file, in whole frames', () => {
  const clip = { sampleRate: 8000, channels: [Float32Array.from({ length: 64 }, (_, i) => Math.sin(i / 3) / 2)] };
  const whole = writeWav(clip, 's16');
  const streamed = whole.slice();
  new DataView(streamed.buffer).setUint32(40, 0xffffffff, true); // the data chunk's size: 'data' at 36
  assert.deepEqual(readWav(streamed).channels, readWav(whole).channels);
  // A half frame at the end (a pipe cut mid-sample) is left out.
  const cut = Uint8Array.from([...streamed, 0x12]);
  assert.equal(readWav(cut).channels[0]!.length, 64);
});

test('readWav throws WavError, never another error, for the bad inputs', () => {
  for (const [name, bytes] of badInputs().filter(([n]) => !['mp3', 'mp3 frame', 'flac', 'ogg'].includes(n))) {
    assert.throws(() => readWav(bytes), WavError, name);
  }
});

test('metrics: SNR, PSNR (peak-to-peak 2) and LSD on known signals', () => {
  const clip = tones(8000, 4096);
  const scaled = { sampleRate: 8000, channels: clip.channels.map((c) => c.map((v) => 0.9 * v)) };
  assert.equal(snr(clip, clip), Infinity);
  assert.ok(Math.abs(snr(clip, scaled) - 20) < 1e-6, 'an error of a tenth of the signal is 20 dB');
  // The error is a tenth of the signal: PSNR = 10 log10(4 / MSE) with MSE = mean of (0.1·x)².
  const mse = clip.channels[0]!.reduce((sum, v) => sum + (0.1 * v) ** 2, 0) / 4096;
  assert.ok(Math.abs(audioPsnr(clip, scaled) - 10 * Math.log10(4 / mse)) < 1e-3);
  // White noise has power well above the −100 dB floor in every bin, so a gain g shifts every bin by 20·log10(g).
  const random = mulberry32(7);
  const noise = { sampleRate: 8000, channels: [Float32Array.from({ length: 4096 }, () => random() - 0.5)] };
  assert.equal(logSpectralDistance(noise, noise), 0);
  const quieter = { sampleRate: 8000, channels: [noise.channels[0]!.map((v) => 0.9 * v)] };
  assert.ok(Math.abs(logSpectralDistance(noise, quieter) - 20 * Math.log10(1 / 0.9)) < 1e-4, 'a 0.9 gain is 0.915 dB at every bin');
  assert.ok(logSpectralDistance(clip, noise) > 10, 'a tone against noise is far apart');
  assert.throws(() => snr(clip, tones(8000, 100)), RangeError);
});

for (const [name, snfPath, decodedPath, major, minor] of [
  ['format 2.1, 4 blended segments', AUDIO_FIXTURE_SNF, AUDIO_FIXTURE_DECODED_WAV, 2, 1],
  ['format 4.3, as the encoder writes today: shared contexts, compact tables', SHARED_AUDIO_FIXTURE_SNF, SHARED_AUDIO_FIXTURE_DECODED_WAV, 4, 3],
] as const) {
  test(`decodeAudio reproduces the frozen test vector (${name})`, async () => {
    const bytes = new Uint8Array(readFileSync(snfPath));
    const info = inspectSnf(bytes);
    assert.equal(info.header.kind, 'audio');
    assert.deepEqual(info.header.blend?.overlap, [32]);
    assert.equal(bytes[8], major);
    assert.equal(bytes[9], minor);
    const decoded = await decodeAudio(bytes);
    const reference = readWav(new Uint8Array(readFileSync(decodedPath)));
    assert.equal(decoded.sampleRate, 44100);
    assert.equal(decoded.channels[0]!.length, reference.channels[0]!.length);
    for (let i = 0; i < reference.channels[0]!.length; i++) assert.ok(Math.abs(decoded.channels[0]![i]! - reference.channels[0]![i]!) < 1e-4, `sample ${i}`);
    assert.ok(snr(fixture, decoded) > 15, `the vector decodes to a ${snr(fixture, decoded).toFixed(1)} dB clip`);
  });
}

test('no clicks at joins: at every join the decoded jump is no larger than the source\'s largest jump within 64 samples', async () => {
  const bytes = new Uint8Array(readFileSync(AUDIO_FIXTURE_SNF));
  const decoded = (await decodeAudio(bytes)).channels[0]!;
  const source = fixture.channels[0]!;
  const joins = inspectSnf(bytes).networks.slice(1).map((n) => n.region[0]!);
  assert.equal(joins.length, 3);
  for (const j of joins) {
    let sourceJump = 0;
    for (let i = j - 64; i < j + 64; i++) sourceJump = Math.max(sourceJump, Math.abs(source[i + 1]! - source[i]!));
    const jump = Math.abs(decoded[j]! - decoded[j - 1]!);
    assert.ok(jump <= sourceJump, `join at ${j}: decoded jump ${jump.toFixed(4)} over the source's ${sourceJump.toFixed(4)}`);
  }
});

test('the crossfade turns a step between two networks into a sin² ramp; hard joins keep the step', async () => {
  // Two constant fields, +0.5 and −0.5 (all weights 0, output bias ±0.5), meeting at sample 100 of 200.
  const arch = { inputs: 1, outputs: 1, width: 2, depth: 1, omega: 30 };
  const constant = (value: number): Float32Array => {
    const params = new Float32Array(parameterCount(arch));
    params[params.length - 1] = value;
    return params;
  };
  const networks = [{ region: [0, 100] as [number, number], arch, params: constant(0.5) }, { region: [100, 200] as [number, number], arch, params: constant(-0.5) }];
  const largestJump = (x: Float32Array): number => x.slice(1).reduce((m, v, i) => Math.max(m, Math.abs(v - x[i]!)), 0);
  const hard = (await renderAudio({ length: 200, channels: 1, overlap: 0 }, networks, 200))[0]!;
  assert.ok(Math.abs(largestJump(hard) - 1) < 1e-6);
  const blended = (await renderAudio({ length: 200, channels: 1, overlap: 20 }, networks, 200))[0]!;
  assert.ok(largestJump(blended) < (Math.PI / 2) / 40 + 1e-3, `a 40-sample sin² ramp climbs at most π/80 a sample; got ${largestJump(blended)}`);
  assert.ok(Math.abs(blended[0]! - 0.5) < 1e-6 && Math.abs(blended[199]! + 0.5) < 1e-6 && Math.abs(blended[99]! + blended[100]!) < 1e-6);
});

test('encodeAudio: 2 channels, rate within ±5 %, the reported SNR is what decodeAudio gives back', async () => {
  const clip = tones(8000, 1600, 2);
  const result = await encodeAudio(clip, { kbps: 48, segmentSeconds: 0.05, overlap: 16, steps: 150 });
  assert.equal(result.segments, 4);
  assert.equal(result.overlap, 16);
  assert.equal(result.arch.outputs, 2);
  assert.ok(result.rateHit, `${result.kbps} kbps`);
  assert.ok(Math.abs(result.kbps / 48 - 1) <= 0.05);
  // Blended segments and compact tensor tables (x.3), shared contexts and the header deflated (major 4, spec §2.2).
  assert.deepEqual([result.bytes[8], result.bytes[9]], [4, 3]);
  const decoded = await decodeAudio(result.bytes);
  assert.equal(decoded.channels.length, 2);
  assert.ok(Math.abs(snr(clip, decoded) - result.snr) < 1e-6);
  // Steps per unit when asked (major 5, spec §5.1): the reported SNR is the file's own dequantization, multipliers included.
  const scaled = await encodeAudio(clip, { kbps: 48, segmentSeconds: 0.05, overlap: 16, steps: 20, unitScales: true });
  assert.deepEqual([scaled.bytes[8], scaled.bytes[9]], [5, 3]);
  assert.ok(Math.abs(snr(clip, await decodeAudio(scaled.bytes)) - scaled.snr) < 1e-6);
  // Fixed bits keep one step a tensor even when asked, as for images: no value may need more bits than asked.
  const fixed = await encodeAudio(clip, { width: 6, segmentSeconds: 0.05, overlap: 16, steps: 5, unitScales: true });
  assert.equal(fixed.bytes[8], 4);
  // A field this small (width 6 at 48 kbps of 8 kHz) fits two tones only roughly in 150 passes; 0 dB would be silence.
  assert.ok(result.snr > 2, `two tones should fit a little after 150 steps: ${result.snr}`);
});

test('silence is coded exactly in its smallest exact file, below any rate asked; snfc encode says lossless and why the file is small', async () => {
  const silence: AudioClip = { sampleRate: 8000, channels: [new Float32Array(1600), new Float32Array(1600)] };
  const result = await encodeAudio(silence, { kbps: 48, segmentSeconds: 0.05, overlap: 16, steps: 20 });
  assert.equal(result.snr, Infinity);
  assert.equal(result.rateHit, false);
  assert.equal(result.steps, 0, 'silence needs no fit');
  // Before, the rate control filled the 48 kbps with a network's noise (1 s at 44.1 kHz: 7,939 bytes, SNR −∞, LSD 46 dB).
  assert.ok(result.kbps < 48 / 4, `${result.kbps} kbps`);
  const decoded = await decodeAudio(result.bytes);
  assert.ok(decoded.channels.every((channel) => channel.every((sample) => sample === 0)));
  const wav = path.join(dir, 'silence.wav');
  writeFileSync(wav, wavOf(silence, '16'));
  const run = snfc(['encode', wav, '-o', path.join(dir, 'silence.snf'), '--kbps', '48', '--segment', '0.05', '--steps', '20']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /silence\.snf: \d+ bytes, [\d.]+ kbps, lossless \(/);
  assert.match(run.stderr, /^snfc: notice: the decode is exact \(lossless\) at [\d.]+ kbps; the 48 kbps asked would add nothing$/m);
  assert.doesNotMatch(run.stderr, /warning|Infinity/);
  const json = snfc(['encode', wav, '-o', path.join(dir, 'silence2.snf'), '--kbps', '48', '--segment', '0.05', '--steps', '20', '--json', '--quiet']);
  assert.equal(json.stderr, '');
  assert.deepEqual(((report) => [report.snr, report.psnr, report.lossless])(JSON.parse(json.stdout) as Record<string, unknown>), [100, 100, true]);
  // A fixed network with no rate (--width, no --kbps) holds silence too, unfitted (it decoded as hiss before: 1 s at
  // 44.1 kHz, width 16: 4,895 bytes, LSD 44 dB).
  const fixed = await encodeAudio(silence, { width: 16, segmentSeconds: 0.05, overlap: 16, steps: 20 });
  assert.deepEqual([fixed.snr, fixed.steps, fixed.arch.width], [Infinity, 0, 16]);
  assert.ok((await decodeAudio(fixed.bytes)).channels.every((channel) => channel.every((sample) => sample === 0)));
});

test('a quiet clip encodes as well as a loud one: its gain is folded into the output layers (a power of two, exactly)', async () => {
  assert.deepEqual([0.75, 0.5, 0.3, 0.0075, 1e-6, 1e-9, 0].map((peak) => gainOctaves({ sampleRate: 8000, channels: [Float32Array.of(0, peak)] })), [0, 0, 1, 7, 19, 20, 0]);
  const loud = tones(8000, 1600);
  const options = { kbps: 48, segmentSeconds: 0.1, steps: 150 };
  const reference = (await encodeAudio(loud, options)).snr;
  for (const scale of [1e-2, 1e-6]) {
    const quiet: AudioClip = { sampleRate: 8000, channels: [Float32Array.from(loud.channels[0]!, (v) => v * scale)] };
    const result = await encodeAudio(quiet, options);
    // Before: 5.4 dB where a loud clip got 8.9 at a hundredth of its level, −43.8 dB at a millionth.
    assert.ok(Math.abs(result.snr - reference) < 1.5, `×${scale}: SNR ${result.snr.toFixed(2)} dB, loud ${reference.toFixed(2)}`);
    assert.ok(Math.abs(snr(quiet, await decodeAudio(result.bytes)) - result.snr) < 1e-6, 'the file decodes to what the encoder measured');
  }
});

test('snfc encode says when a decode is no nearer the clip than silence, and when --kbps is above what 16-bit PCM takes', () => {
  const few = path.join(dir, 'three-samples.wav');
  writeFileSync(few, wavOf({ sampleRate: 8000, channels: [Float32Array.of(0.1, -0.2, 0.3)] }, '16'));
  const run = snfc(['encode', few, '-o', path.join(dir, 'three-samples.snf'), '--quiet']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /^snfc: warning: the decode is no nearer the clip than silence would be \(SNR 0\.00 dB\); give it more --kbps, --steps or --time$/m);
  const rich = snfc(['encode', few, '-o', path.join(dir, 'three-samples-rich.snf'), '--kbps', '200', '--steps', '5']);
  assert.match(rich.stderr, /^snfc: notice: 200 kbps is more than this clip's samples take as 16-bit PCM \(128 kbps\): a WAV file would be smaller$/m);
});

test('samples beyond ±1 are fitted as ±1: one over of 1e30 leaves the rest of the clip intact, and snfc encode says so', async () => {
  const clip = tones(8000, 1600);
  const overs: AudioClip = { sampleRate: 8000, channels: [Float32Array.from(clip.channels[0]!, (v, i) => (i === 800 ? 1e30 : v))] };
  const options = { kbps: 96, segmentSeconds: 0.1, steps: 150 };
  const [plain, withOver] = [await encodeAudio(clip, options), await encodeAudio(overs, options)];
  const decoded = await decodeAudio(withOver.bytes);
  // Against the clip with the over at 1, what a decode can hold: near what the clip without it gets (before: the decode
  // was a full-scale constant, SNR 0 dB).
  const clipped: AudioClip = { sampleRate: 8000, channels: [Float32Array.from(overs.channels[0]!, (v) => Math.min(v, 1))] };
  const held = snr(clipped, decoded);
  assert.ok(held > plain.snr - 6, `SNR ${held.toFixed(1)} dB with the over at 1, ${plain.snr.toFixed(1)} without it`);
  const wav = path.join(dir, 'overs.wav');
  writeFileSync(wav, wavOf(overs, '32f'));
  const run = snfc(['encode', wav, '-o', path.join(dir, 'overs.snf'), '--kbps', '96', '--segment', '0.1', '--steps', '20']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /^snfc: notice: '.*overs\.wav' has 1 sample beyond ±1 \(the largest 1\.0e\+30\): a decode is on \[−1, 1\], so they are fitted as ±1$/m);
});

test('decodeAudio: --rate resamples, a time range evaluates only the networks it touches, limits are checked first', async () => {
  const bytes = new Uint8Array(readFileSync(AUDIO_FIXTURE_SNF));
  const whole = await decodeAudio(bytes);
  const half = await decodeAudio(bytes, { sampleRate: 22050 });
  assert.equal(half.sampleRate, 22050);
  assert.equal(half.channels[0]!.length, 4410);
  const double = await decodeAudio(bytes, { sampleRate: 88200 });
  assert.equal(double.channels[0]!.length, 17640);
  // At twice the rate, every other output sample falls between the source's: the odd ones sit at the source sample centres ± ¼.
  let calls = 0;
  const counting: ForwardFunction = (...args) => {
    calls++;
    return forwardScalar(...args);
  };
  const middle = await decodeAudio(bytes, { start: 0.06, end: 0.09 }, {}, { forward: counting });
  assert.equal(middle.channels[0]!.length, Math.round(0.09 * 44100) - Math.round(0.06 * 44100));
  assert.equal(calls, 1, 'samples 2646 … 3969 lie inside segment 1 alone');
  for (let i = 0; i < middle.channels[0]!.length; i++) assert.ok(Math.abs(middle.channels[0]![i]! - whole.channels[0]![2646 + i]!) < 1e-6);
  calls = 0;
  await decodeAudio(bytes, { start: 0.04, end: 0.06 }, {}, { forward: counting });
  assert.equal(calls, 2, 'a stretch across the join at 0.05 s reaches two segments');
  await assert.rejects(decodeAudio(bytes, {}, { maxOutputSamples: 8819 }), (e: unknown) => e instanceof SnfFormatError && e.code === 'LIMIT_EXCEEDED');
  await assert.rejects(decodeAudio(bytes, {}, { maxAudioLength: 8819 }), (e: unknown) => e instanceof SnfFormatError && e.code === 'LIMIT_EXCEEDED');
  await assert.rejects(decodeAudio(bytes, { start: 1 }), (e: unknown) => e instanceof SnfFormatError && e.code === 'INVALID_ARGUMENT');
  await assert.rejects(decodeAudio(bytes, { sampleRate: 0 }), (e: unknown) => e instanceof SnfFormatError && e.code === 'INVALID_ARGUMENT');
  assert.equal(DEFAULT_MAX_OUTPUT_SAMPLES, 2 ** 27);
});

test('snfc encode/decode/info on a WAV: --json fields, --kbps within ±5 %, --rate, --start/--end, --format', () => {
  const input = path.join(dir, 'clip.wav');
  writeFileSync(input, fixtureWav);
  const encoded = snfc(['encode', input, '--kbps', '96', '--segment', '0.1', '--steps', '20', '--json']);
  assert.equal(encoded.status, 0, encoded.stderr);
  const report = JSON.parse(encoded.stdout);
  for (const key of ['input', 'output', 'bytes', 'kbps', 'snr', 'psnr', 'lsd', 'seconds', 'segments', 'width', 'depth', 'fourier', 'overlap', 'params', 'steps', 'targetKbps', 'rateHit']) {
    assert.ok(key in report, `--json lacks ${key}`);
  }
  assert.equal(report.output, path.join(dir, 'clip.snf'));
  assert.equal(report.bytes, readFileSync(report.output).length);
  assert.ok(Math.abs(report.kbps / 96 - 1) <= 0.05, `${report.kbps} kbps for 96`);
  assert.equal(report.segments, 2);
  assert.equal(report.overlap, 32, 'the default cross-fade');
  // --overlap is the clip's cross-fade in samples; 0 gives hard joins (a 2.0 file).
  const hard = snfc(['encode', input, '-o', path.join(dir, 'hard.snf'), '--kbps', '96', '--segment', '0.1', '--steps', '5', '--overlap', '0', '--json']);
  assert.equal(hard.status, 0, hard.stderr);
  assert.equal(JSON.parse(hard.stdout).overlap, 0);
  assert.equal(readSnf(new Uint8Array(readFileSync(path.join(dir, 'hard.snf')))).header.blend, undefined);
  const info = snfc(['info', report.output, '--json']);
  assert.equal(info.status, 0, info.stderr);
  const summary = JSON.parse(info.stdout);
  assert.equal(summary.duration, 0.2);
  assert.equal(summary.segments, 2);
  assert.ok(Math.abs(summary.kbps - report.kbps) < 1e-9);
  assert.match(snfc(['info', report.output]).stdout, /audio 0\.200 s, 8820 samples x 1 ch @ 44100 Hz/);

  const decoded = snfc(['decode', report.output]);
  assert.equal(decoded.status, 0, decoded.stderr);
  const out = readWav(new Uint8Array(readFileSync(path.join(dir, 'clip.decoded.wav'))));
  assert.equal(out.channels[0]!.length, 8820);
  assert.ok(Math.abs(snr(fixture, out) - report.snr) < 0.05, `16-bit output ${snr(fixture, out)} dB, encode said ${report.snr}`);
  assert.equal(snfc(['decode', report.output, '-o', path.join(dir, 'half.wav'), '--rate', '22050']).status, 0);
  assert.equal(readWav(new Uint8Array(readFileSync(path.join(dir, 'half.wav')))).channels[0]!.length, 4410);
  assert.equal(snfc(['decode', report.output, '-o', path.join(dir, 'range.wav'), '--start', '0.05', '--end', '0.15', '--format', 'f32']).status, 0);
  const range = new wavefile.WaveFile(readFileSync(path.join(dir, 'range.wav')));
  assert.equal(range.bitDepth, '32f');
  assert.equal(readWav(new Uint8Array(readFileSync(path.join(dir, 'range.wav')))).channels[0]!.length, 4410);
  assert.equal(snfc(['decode', report.output, '-o', path.join(dir, 's24.wav'), '--format', 's24']).status, 0);
  assert.equal(new wavefile.WaveFile(readFileSync(path.join(dir, 's24.wav'))).bitDepth, '24');
  const never = path.join(dir, 'never.wav');
  for (const [args, pattern] of [
    [['-o', never, '--format', 'mp3'], /--format/], [['-o', never, '--start', '5'], /--start 5 is at or past the end of the/], [['-o', never, '--end', '0.01', '--start', '0.1'], /--end/],
    [['-o', never, '--start', 'NaN'], /Expected a number ≥ 0 for --start but received 'NaN'/],
    [['-o', never, '--scale', '2'], /--scale is for images/], [['-o', never, '--bit-depth', '16'], /--bit-depth is for images/], [['-o', never, '--rate', '0'], /--rate/],
    [['-o', never, '--max-samples', '100'], /over --max-samples 100/], [['-o', path.join(dir, 'x.png')], /must end in \.wav/],
  ] as const) {
    const run = snfc(['decode', report.output, ...args]);
    assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, pattern);
  }
  assert.ok(!existsSync(path.join(dir, 'never.wav')));
  const wrongFlag = snfc(['encode', input, '--bpp', '1', '-o', path.join(dir, 'never.snf')]);
  assert.equal(wrongFlag.status, 2);
  assert.match(wrongFlag.stderr, /--bpp is for images/);
  const wrongFilter = snfc(['encode', input, '--filter', 'off', '-o', path.join(dir, 'never.snf')]);
  assert.equal(wrongFilter.status, 2);
  assert.match(wrongFilter.stderr, /--filter is for images/);
  const wrongEdges = snfc(['encode', input, '--tile-edges', 'content', '-o', path.join(dir, 'never.snf')]);
  assert.equal(wrongEdges.status, 2);
  assert.match(wrongEdges.stderr, /^snfc: --tile-edges is for images/);
  assert.ok(!existsSync(path.join(dir, 'never.snf')));
});

test('writeWav and readWav round-trip s16, s24 and f32', () => {
  const clip = tones(16000, 500, 3);
  for (const [format, tolerance] of [['s16', 1 / 32768], ['s24', 1 / 8388608], ['f32', 1e-7]] as const) {
    const back = readWav(writeWav(clip, format));
    assert.equal(back.channels.length, 3);
    back.channels.forEach((c, k) => c.forEach((v, i) => assert.ok(Math.abs(v - clip.channels[k]![i]!) <= tolerance, `${format} ${k} ${i}`)));
  }
});
