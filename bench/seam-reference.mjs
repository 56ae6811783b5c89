// The seam ratio (src/metrics/seams.ts) that mozjpeg and WebP get on the lines where snfc's default tiles meet: how
// much of a photo's ratio is its content along those lines rather than seams (README, issue 10's seam target).
// One JSON line per codec and quality:   npm run build && node bench/seam-reference.mjs photo.png 40,50,70
import { autoTiles } from '../dist/src/encoder/image/image-defaults.js';
import { gridAxisEdges } from '../dist/src/format/index.js';
import { seamRatio } from '../dist/src/metrics/seams.js';
import { roundTrip } from '../dist/src/rate-distortion/codecs.js';
import { readRgb } from '../dist/bench/rgb-source.js';

const [photo, qualities] = process.argv.slice(2);
if (photo === undefined || qualities === undefined) {
  console.error('usage: node bench/seam-reference.mjs photo.png Q1,Q2,…');
  process.exit(2);
}
const source = await readRgb(photo);
// The inner edges of the default grid (equal tiles; `--tile-edges content` moves them only on strong photo edges).
const { columns, rows } = autoTiles(source.width, source.height);
const [xs, ys] = gridAxisEdges([source.width, source.height], [columns, rows]).map((edges) => edges.slice(1, -1));
// Each codec as `snfc bench` runs it (its settings and its decode: SHARP_SETTINGS).
for (const quality of qualities.split(',').map(Number)) {
  for (const codec of ['jpeg', 'webp']) {
    const { bytes, decoded } = await roundTrip(source, codec, quality);
    const bpp = (8 * bytes.length) / (source.width * source.height);
    const seams = seamRatio(source, decoded, { xs, ys }).ratio;
    console.log(JSON.stringify({ photo, codec, quality, bpp: +bpp.toFixed(3), seams: +seams.toFixed(3), xs, ys }));
  }
}
