/**
 * The audio defaults study (docs/audio.md): encodes an excerpt of a WAV file
 * under a list of settings, each given as JSON options of `encodeAudio`, at
 * one or more rates, and appends one JSON line per encode to a results file
 * as it finishes, so a long study can be stopped and resumed (finished
 * variants are skipped).
 *
 *   npm run build && nice -n 10 node dist/bench/study-audio.js --wav ../shared/data/audio/bach.wav \
 *     --start 2 --seconds 1.5 --kbps 64 --out bench/results/study-audio-fourier.jsonl \
 *     '{"fourier":8}' '{"fourier":10}'
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { encodeAudio, type AudioEncodeOptions } from '../src/encoder/audio/encode-audio.js';
import { readWav } from '../src/io/wav.js';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
}

const args = process.argv.slice(2);
const wavPath = flag(args, 'wav') ?? '../shared/data/audio/bach.wav';
const start = Number(flag(args, 'start') ?? 0);
const seconds = flag(args, 'seconds');
const rates = (flag(args, 'kbps') ?? '64').split(',').map(Number);
const out = flag(args, 'out');
if (out === undefined) throw new Error('--out FILE.jsonl is required');
const variants = args.length > 0 ? args : ['{}'];

const clip = readWav(new Uint8Array(readFileSync(wavPath)));
const first = Math.round(start * clip.sampleRate);
const end = seconds === undefined ? clip.channels[0]!.length : Math.min(clip.channels[0]!.length, first + Math.round(Number(seconds) * clip.sampleRate));
const excerpt = { sampleRate: clip.sampleRate, channels: clip.channels.map((c) => c.slice(first, end)) };
const done = new Set(existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).map((line) => {
  const r = JSON.parse(line) as { variant: string; kbps: number; start: number; samples: number };
  return `${r.variant}|${r.kbps}|${r.start}|${r.samples}`;
}) : []);

for (const variant of variants) {
  const options = JSON.parse(variant) as AudioEncodeOptions;
  for (const kbps of rates) {
    const key = `${variant}|${kbps}|${start}|${end - first}`;
    if (done.has(key)) continue;
    const result = await encodeAudio(excerpt, { kbps, ...options });
    const line = {
      variant, kbps, start, samples: end - first, wav: wavPath, measuredKbps: result.kbps, bytes: result.bytes.length,
      snr: result.snr, psnr: result.psnr, lsd: result.lsd, segments: result.segments, overlap: result.overlap,
      width: result.arch.width, depth: result.arch.depth, fourier: result.arch.fourier ?? 0, omega: result.arch.omega, alpha: result.alpha, lr: result.lr,
      steps: result.steps, qatSteps: result.qatSteps, batch: result.batch, params: result.params, bitsPerParam: result.bitsPerParam,
      rateHit: result.rateHit, seconds: result.seconds, load: os.loadavg()[0], node: process.version,
    };
    appendFileSync(out, JSON.stringify(line) + '\n');
    console.log(`${variant} @${kbps}: ${result.snr.toFixed(2)} dB SNR, LSD ${result.lsd.toFixed(2)}, ${result.kbps.toFixed(1)} kbps, width ${result.arch.width}, ${result.segments} seg, ${result.seconds.toFixed(1)} s`);
  }
}
