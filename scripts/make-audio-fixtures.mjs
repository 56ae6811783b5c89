#!/usr/bin/env node
// Builds the audio test vectors (run `npm run build` first):
//   fixtures/bach-excerpt.wav            0.2 s of ../shared/data/audio/bach.wav from 2.0 s, 16-bit PCM mono 44.1 kHz
//   fixtures/bach-excerpt.snf            format 2.1: 4 segments of 0.05 s, blended over 32 samples each side of a join, 128 kbps
//   fixtures/bach-excerpt.decoded.wav    what the reference decoder gives back from it, float 32
//   fixtures/bach-excerpt-shared.snf     format 4.3 (session 71): the same excerpt in the format the encoder writes today,
//                                        64 kbps (the default rate) in 2 segments blended over 32 samples, shared
//                                        contexts (spec §6.8), compact tensor tables, header deflated
//   fixtures/bach-excerpt-shared.decoded.wav   its decode, float 32
// The .snf files are frozen: tests check that decoding them still gives the WAVs (within 1e-4, spec §4.5),
// and the fuzz tests start from them. Rerun only to replace them; name the ones to make.
//   node scripts/make-audio-fixtures.mjs [bach-excerpt | bach-excerpt-shared …]   (default: all)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeAudio } from '../dist/src/decoder/index.js';
import { readWav, writeWav } from '../dist/src/io/wav.js';

const wanted = process.argv.slice(2);
const make = (name) => wanted.length === 0 || wanted.includes(name);
if (make('bach-excerpt')) {
  const source = readWav(new Uint8Array(readFileSync('../shared/data/audio/bach.wav')));
  const first = Math.round(2.0 * source.sampleRate);
  const excerpt = { sampleRate: source.sampleRate, channels: source.channels.map((c) => c.slice(first, first + Math.round(0.2 * source.sampleRate))) };
  writeFileSync('fixtures/bach-excerpt.wav', writeWav(excerpt, 's16'));
}
const fixtures = [
  ['bach-excerpt', ['--kbps', '128', '--segment', '0.05', '--overlap', '32', '--steps', '300']],
  ['bach-excerpt-shared', ['--kbps', '64', '--segment', '0.1', '--overlap', '32', '--steps', '300']],
];
for (const [name, flags] of fixtures.filter(([name]) => make(name))) {
  execFileSync(process.execPath, [
    'bin/snfc.js', 'encode', 'fixtures/bach-excerpt.wav', '-o', `fixtures/${name}.snf`, ...flags, '--seed', '1', '--quiet', '--force',
  ], { stdio: 'inherit' });
  const decoded = await decodeAudio(new Uint8Array(readFileSync(`fixtures/${name}.snf`)));
  writeFileSync(`fixtures/${name}.decoded.wav`, writeWav(decoded, 'f32'));
  console.log(`fixtures/${name}.snf (${readFileSync(`fixtures/${name}.snf`).length} bytes), decoded to ${decoded.channels[0].length} samples`);
}
