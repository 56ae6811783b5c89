// The seam ratio (src/metrics/seams.ts) that mozjpeg and WebP get on the lines where snfc's default tiles meet: how
// much of a photo's ratio is its content along those lines rather than seams (README, issue 10's seam target).
// One JSON line per codec and quality:   npm run build && node bench/seam-reference.mjs photo.png 40,50,70
import sharp from 'sharp';
import { autoTiles } from '../dist/src/encoder/image/image-defaults.js';
import { tileRegions } from '../dist/src/encoder/image/encode-image.js';
import { seamRatio } from '../dist/src/metrics/seams.js';

const [photo, qualities] = process.argv.slice(2);
if (photo === undefined || qualities === undefined) {
  console.error('usage: node bench/seam-reference.mjs photo.png Q1,Q2,…');
  process.exit(2);
}
const rgb = async (input) => {
  const { data, info } = await sharp(input).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data };
};
const source = await rgb(photo);
// The inner edges of the default grid (equal tiles; `--tile-edges content` moves them only on strong photo edges).
const { columns, rows } = autoTiles(source.width, source.height);
const regions = tileRegions(source.width, source.height, columns, rows);
const xs = [...new Set(regions.map(([x0]) => x0))].filter((x) => x > 0);
const ys = [...new Set(regions.map(([, y0]) => y0))].filter((y) => y > 0);
const codecs = { jpeg: (image, quality) => image.jpeg({ quality, mozjpeg: true }), webp: (image, quality) => image.webp({ quality }) };
for (const quality of qualities.split(',').map(Number)) {
  for (const [codec, encode] of Object.entries(codecs)) {
    const bytes = await encode(sharp(photo), quality).toBuffer();
    const bpp = (8 * bytes.length) / (source.width * source.height);
    const seams = seamRatio(source, await rgb(bytes), { xs, ys }).ratio;
    console.log(JSON.stringify({ photo, codec, quality, bpp: +bpp.toFixed(3), seams: +seams.toFixed(3), xs, ys }));
  }
}
