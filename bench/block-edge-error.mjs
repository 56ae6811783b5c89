// Does a decode err more on the residual's 8x8 block edges than inside the blocks (docs/studies.md, "The residual's
// coding on today's files")? Prints the PSNR of the whole decode, of the blocks' insides, of their edge columns and
// edge rows, and the ratio of the rms error on the edges to that inside (1: no blocking).
//   npm run build && node bench/block-edge-error.mjs photo.snf photo.png
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { decodeImage } from '../dist/src/decoder/index.js';

const [snf, png] = process.argv.slice(2);
if (!snf || !png) {
  console.error('usage: node bench/block-edge-error.mjs photo.snf photo.png');
  process.exit(2);
}
const decoded = await decodeImage(new Uint8Array(readFileSync(snf)));
const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
// Squared error summed by position in the block (row × 8 + column), over the colour channels.
const sums = new Float64Array(64), counts = new Float64Array(64);
const { width, height } = decoded;
for (let y = 0; y < height; y++) {
  for (let x = 0; x < width; x++) {
    let error = 0;
    for (let c = 0; c < 3; c++) error += (decoded.data[(y * width + x) * 3 + c] - data[(y * width + x) * 3 + c]) ** 2;
    const k = (y % 8) * 8 + (x % 8);
    sums[k] += error / 3;
    counts[k]++;
  }
}
const mse = (where) => {
  let sum = 0, count = 0;
  for (let k = 0; k < 64; k++) if (where(k >> 3, k & 7)) { sum += sums[k]; count += counts[k]; }
  return sum / count;
};
const edge = (v) => v === 0 || v === 7;
const inside = mse((v, u) => !edge(v) && !edge(u));
const db = (m) => (10 * Math.log10((255 * 255) / m)).toFixed(2);
console.log(`${snf}: PSNR ${db(mse(() => true))} dB, inside ${db(inside)}, edge columns ${db(mse((v, u) => edge(u)))}, edge rows ${db(mse((v) => edge(v)))}, ` +
  `edge / inside rms ${Math.sqrt(mse((v, u) => edge(v) || edge(u)) / inside).toFixed(3)}`);
