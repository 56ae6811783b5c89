#!/usr/bin/env node
// Builds the small .snf fixture and its reference decode (run `npm run build` first):
//   fixtures/kodim-crop32.snf          the 32×32 crop encoded by `snfc encode` (width 10, depth 2)
//   fixtures/kodim-crop32.decoded.png  what the reference decoder renders from it at 32×32
// The .snf is frozen: tests check that decoding it still gives the PNG (±1 per sample,
// spec §4.5), and the fuzz tests start from it. Rerun only to replace both files.
//   node scripts/make-snf-fixture.mjs
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { decodeImage } from '../dist/src/decoder/index.js';

const snf = 'fixtures/kodim-crop32.snf';
const png = 'fixtures/kodim-crop32.decoded.png';
execFileSync(process.execPath, [
  'bin/snfc.js', 'encode', 'fixtures/kodim-crop32.png', '-o', snf,
  '--width', '10', '--depth', '2', '--steps', '150', '--seed', '1', '--quiet', '--force',
], { stdio: 'inherit' });
const image = await decodeImage(new Uint8Array(readFileSync(snf)));
await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
  .png({ compressionLevel: 9 }).toFile(png);
console.log(`${snf} (${readFileSync(snf).length} bytes) and ${png} (${image.width}x${image.height}, ${image.channels} channels)`);
