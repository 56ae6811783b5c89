#!/usr/bin/env node
// Builds the audio test vectors (run `npm run build` first):
//   fixtures/bach-excerpt.wav            0.2 s of ../shared/data/audio/bach.wav from 2.0 s, 16-bit PCM mono 44.1 kHz
//   fixtures/bach-excerpt.snf            format 2.1: 4 segments of 0.05 s, blended over 32 samples each side of a join, 128 kbps
//   fixtures/bach-excerpt.decoded.wav    what the reference decoder gives back from it, float 32
// The .snf file is frozen: tests check that decoding it still gives the WAV (within 1e-4, spec §4.5),
// and the fuzz tests start from it. Rerun only to replace them.
//   node scripts/make-audio-fixtures.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeAudio } from '../dist/src/decoder/index.js';
import { readWav, writeWav } from '../dist/src/io/wav.js';

const source = readWav(new Uint8Array(readFileSync('../shared/data/audio/bach.wav')));
const first = Math.round(2.0 * source.sampleRate);
const excerpt = { sampleRate: source.sampleRate, channels: source.channels.map((c) => c.slice(first, first + Math.round(0.2 * source.sampleRate))) };
writeFileSync('fixtures/bach-excerpt.wav', writeWav(excerpt, 's16'));
execFileSync(process.execPath, [
  'bin/snfc.js', 'encode', 'fixtures/bach-excerpt.wav', '-o', 'fixtures/bach-excerpt.snf',
  '--kbps', '128', '--segment', '0.05', '--overlap', '32', '--steps', '300', '--seed', '1', '--quiet', '--force',
], { stdio: 'inherit' });
const decoded = await decodeAudio(new Uint8Array(readFileSync('fixtures/bach-excerpt.snf')));
writeFileSync('fixtures/bach-excerpt.decoded.wav', writeWav(decoded, 'f32'));
console.log(`fixtures/bach-excerpt.snf (${readFileSync('fixtures/bach-excerpt.snf').length} bytes), decoded to ${decoded.channels[0].length} samples`);
