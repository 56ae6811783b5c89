// The seam ratio (src/metrics/seams.ts) of a .snf file's decode and of mozjpeg and WebP at the size nearest below it,
// on the file's tile lines and on lines shifted by ±d pixels: how much of a photo's ratio is its tile seams and how
// much the content along those lines (session 64). First line: the source's own detail on the same lines. Shifts of 2 and 6 fall inside JPEG's 8×8 and WebP's 4×4 blocks,
// so their own block edges do not count there, as they do on the tile lines (multiples of 64).
//   npm run build && node bench/seam-shift.mjs photo.png file.snf
import { findGrid, gridAxisEdges, readSnf } from '../dist/src/format/index.js';
import { decodeImage } from '../dist/src/decoder/index.js';
import { seamRatio } from '../dist/src/metrics/seams.js';
import { roundTrip } from '../dist/src/rate-distortion/codecs.js';
import { readRgb } from '../dist/bench/rgb-source.js';
import { readFileSync } from 'node:fs';

const [photo, file] = process.argv.slice(2);
const source = await readRgb(photo);
const bytes = new Uint8Array(readFileSync(file));
const { header, networks } = readSnf(bytes);
const sizes = [header.width, header.height];
const grid = findGrid(sizes, networks.map((n) => n.region));
const [xs, ys] = gridAxisEdges(sizes, grid).map((edges) => edges.slice(1, -1));
const shifts = [0, 2, 6, 12];
const ratios = (decoded, against = source) => Object.fromEntries(shifts.map((d) => {
  const at = (edges) => (d === 0 ? [edges] : [edges.map((e) => e + d), edges.map((e) => e - d)]);
  const values = at(xs).flatMap((sx, i) => [seamRatio(against, decoded, { xs: sx, ys: at(ys)[i] }).ratio]);
  return [`shift${d}`, +(values.reduce((a, b) => a + b, 0) / values.length).toFixed(3)];
}));
// The source's own detail on the same lines: each pixel's mean absolute step to its four neighbours (every channel),
// the ratio of its mean on the lines to its mean elsewhere, as seamRatio divides errors.
const detail = (() => {
  const { width, height, channels, data } = source;
  const out = new Float64Array(width * height * channels);
  const step = (a, b) => Math.abs(data[a] - data[b]);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) {
    const at = (y * width + x) * channels + c;
    let sum = 0;
    if (x > 0) sum += step(at, at - channels);
    if (x < width - 1) sum += step(at, at + channels);
    if (y > 0) sum += step(at, at - width * channels);
    if (y < height - 1) sum += step(at, at + width * channels);
    out[at] = sum / 4;
  }
  return { width, height, channels, data: out };
})();
const zero = { ...detail, data: new Float64Array(detail.data.length) };
console.log(JSON.stringify({ photo, codec: 'source detail', ...ratios(detail, zero) }));
console.log(JSON.stringify({ photo, codec: 'snf', bytes: bytes.length, ...ratios(await decodeImage(bytes)) }));
for (const codec of ['jpeg', 'webp']) {
  let best;
  for (let quality = 5; quality <= 98; quality++) {
    const trip = await roundTrip(source, codec, quality);
    if (trip.bytes.length <= bytes.length) best = { quality, ...trip };
    else break;
  }
  console.log(JSON.stringify({ photo, codec, quality: best.quality, bytes: best.bytes.length, ...ratios(best.decoded) }));
}
