import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { align, lameRate, mp3RoundTrip, opusRoundTrip } from '../src/rate-distortion/audio-codecs.js';
import { resample } from '../src/rate-distortion/resample.js';
import { readWav, writeWav } from '../src/io/wav.js';
import { snr } from '../src/metrics/audio.js';
import { snfc, tempDir } from './helpers/cli.js';
import { AUDIO_FIXTURE_WAV } from './fuzz/seeds.js';

const clip = readWav(new Uint8Array(readFileSync(AUDIO_FIXTURE_WAV)));

test('resample: a band-limited tone survives 44.1 → 48 → 44.1 kHz; a tone above the new Nyquist rate is removed', () => {
  const tone = (f: number, rate: number, n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * f * i) / rate));
  const x = tone(1000, 44100, 4410);
  const back = resample(resample(x, 44100, 48000), 48000, 44100);
  assert.equal(back.length, 4410);
  // Away from the ends (the kernel's reach), the round trip is within −60 dB.
  const inner = { sampleRate: 44100, channels: [x.subarray(200, 4200)] };
  assert.ok(snr(inner, { sampleRate: 44100, channels: [back.subarray(200, 4200)] }) > 60);
  const high = resample(tone(15000, 44100, 4410), 44100, 22050);
  assert.ok(high.subarray(200, 2000).every((v) => Math.abs(v) < 0.01), '15 kHz is above 22.05 kHz\'s Nyquist rate');
});

test('align finds a known delay; MP3 and Opus round trips come back aligned at their documented delays', async () => {
  const delayed = [new Float32Array(clip.channels[0]!.length + 500)];
  delayed[0]!.set(clip.channels[0]!, 321);
  const aligned = align(clip, delayed);
  assert.equal(aligned.lag, 321);
  assert.equal(snr(clip, aligned.decoded), Infinity);
  assert.equal(lameRate(64, 44100), 44100);
  assert.equal(lameRate(32, 44100), 22050);
  const mp3 = await mp3RoundTrip(clip, 64);
  assert.equal(mp3.lag, 1105, 'LAME: 576 + 529 samples');
  assert.ok(snr(clip, mp3.decoded) > 10);
  const opus = await opusRoundTrip(clip, 64);
  assert.ok(Math.abs(opus.lag - 287) <= 2, `Opus: 312 samples of pre-skip at 48 kHz is 286.7 at 44.1 kHz; found ${opus.lag}`);
  assert.ok(snr(clip, opus.decoded) > 10);
  assert.ok(Math.abs((opus.bytes * 8) / 0.2 / 1000 - 64) < 3, 'hard CBR');
});

test('MP3 of a 48 kHz clip at 32 kbit/s comes back in time and at a real SNR (lamejs marks 32 kbit/s streams 22.05 kHz)', async () => {
  const at48 = { sampleRate: 48000, channels: [resample(clip.channels[0]!, clip.sampleRate, 48000)] };
  assert.equal(lameRate(32, 48000), 22050);
  assert.equal(lameRate(40, 48000), 24000);
  const mp3 = await mp3RoundTrip(at48, 32);
  assert.equal(mp3.decoded.channels[0]!.length, at48.channels[0]!.length);
  // Before, the stream held 24 kHz samples marked 22.05 kHz: pitched down 8.8 %, an SNR of about 0 dB.
  assert.ok(snr(at48, mp3.decoded) > 8, `SNR ${snr(at48, mp3.decoded)}`);
});

test('snfc bench on a WAV: snf, MP3 and Opus at two rates, reports written, a rerun resumes', () => {
  const dir = tempDir();
  const wav = path.join(dir, 'clip.wav');
  copyFileSync(AUDIO_FIXTURE_WAV, wav);
  const out = path.join(dir, 'bench');
  const first = snfc(['bench', wav, '--kbps', '64,128', '--steps', '5', '--out', out, '--quiet'], { cwd: dir });
  assert.equal(first.status, 0, first.stderr);
  for (const file of ['results.json', 'results.csv', 'plot.svg', 'summary.md']) assert.ok(existsSync(path.join(out, file)), file);
  const results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
  assert.equal(results.kind, 'audio');
  assert.deepEqual(results.entries.map((e: { codec: string; targetKbps: number }) => `${e.codec}@${e.targetKbps}`).sort(),
    ['mp3@128', 'mp3@64', 'opus@128', 'opus@64', 'snf@128', 'snf@64']);
  const summary = readFileSync(path.join(out, 'summary.md'), 'utf8');
  assert.match(summary, /\| snf \| 64 \|/);
  assert.match(summary, /BD-rate of snf/);
  assert.match(readFileSync(path.join(out, 'plot.svg'), 'utf8'), /SNR \(dB\)/);
  const again = snfc(['bench', wav, '--kbps', '64,128', '--steps', '5', '--out', out], { cwd: dir });
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /0 entries measured, 6 already done/);
  const wrong = snfc(['bench', wav, '--bpp', '1', '--out', out], { cwd: dir });
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /--bpp is for images/);
});

test('snfc bench refuses a clip of 3 channels for MP3 and Opus before any work, and benches it with --codecs snf', () => {
  const dir = tempDir();
  const mono = clip.channels[0]!.subarray(0, 2000);
  writeFileSync(path.join(dir, 'ch3.wav'), writeWav({ sampleRate: clip.sampleRate, channels: [mono, mono, mono] }));
  const refused = snfc(['bench', 'ch3.wav', '--kbps', '64', '--steps', '5', '--out', 'out'], { cwd: dir });
  assert.equal(refused.status, 2, refused.stderr);
  assert.equal(refused.stderr, "snfc: 'ch3.wav' has 3 channels, and the bench's MP3 and Opus code 1 or 2: bench it with --codecs snf\n");
  const snfOnly = snfc(['bench', 'ch3.wav', '--kbps', '64', '--steps', '5', '--codecs', 'snf', '--out', 'out', '--quiet'], { cwd: dir });
  assert.equal(snfOnly.status, 0, snfOnly.stderr);
});
