/**
 * A visual comparison at equal bytes (issue 10): the original, snf, mozjpeg
 * and WebP, in a smooth and in a detailed region of one photo, each shown at
 * 3× with nearest-neighbour pixels so the artefacts are visible. JPEG and
 * WebP take the highest quality whose file is not larger than the .snf file.
 *
 *   npm run build && node dist/bench/crop-compare.js ORIGINAL.png FILE.snf OUT.png [--size 96]
 *
 * The regions are chosen by the image itself: of all SIZE×SIZE windows on a
 * coarse grid, the one with the lowest and the one with the highest local
 * detail (mean absolute difference between neighbouring pixels). Prints the
 * bytes and PSNR of each codec, and the regions.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import sharp, { type OverlayOptions } from 'sharp';
import { decodeImage } from '../src/decoder/index.js';
import { highestQualityWithin } from '../src/rate-distortion/codecs.js';
import { psnr } from '../src/metrics/psnr.js';
import type { Raster } from '../src/raster.js';

const [originalPath, snfPath, outPath] = process.argv.slice(2);
if (!originalPath || !snfPath || !outPath) {
  console.error('usage: node dist/bench/crop-compare.js ORIGINAL.png FILE.snf OUT.png [--size 96]');
  process.exit(2);
}
const sizeAt = process.argv.indexOf('--size');
const size = sizeAt > 0 ? Number(process.argv[sizeAt + 1]) : 96;
const zoom = 3;

const { data, info } = await sharp(originalPath).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const original: Raster = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
const snfBytes = new Uint8Array(readFileSync(snfPath));
const snf = await decodeImage(snfBytes);

/** Mean absolute difference between horizontally and vertically neighbouring samples in a window. */
function detail(x0: number, y0: number): number {
  let sum = 0;
  for (let y = y0; y < y0 + size - 1; y++) {
    for (let x = x0; x < x0 + size - 1; x++) {
      for (let k = 0; k < 3; k++) {
        const at = (y * original.width + x) * 3 + k;
        sum += Math.abs(original.data[at]! - original.data[at + 3]!) + Math.abs(original.data[at]! - original.data[at + original.width * 3]!);
      }
    }
  }
  return sum / ((size - 1) * (size - 1) * 6);
}

const windows: { x: number; y: number; detail: number }[] = [];
for (let y = 0; y + size <= original.height; y += size / 2) {
  for (let x = 0; x + size <= original.width; x += size / 2) windows.push({ x, y, detail: detail(x, y) });
}
windows.sort((a, b) => a.detail - b.detail);
const regions = [{ name: 'smooth', ...windows[0]! }, { name: 'detailed', ...windows[windows.length - 1]! }];

const jpeg = await highestQualityWithin(original, 'jpeg', snfBytes.length);
const webp = await highestQualityWithin(original, 'webp', snfBytes.length);
const columns: { label: string; image: Raster }[] = [
  { label: 'original', image: original },
  { label: `snf ${snfBytes.length} B, ${psnr(original, snf).toFixed(2)} dB`, image: snf },
  { label: `mozjpeg q${jpeg.quality} ${jpeg.bytes} B, ${psnr(original, jpeg.decoded).toFixed(2)} dB`, image: jpeg.decoded },
  { label: `WebP q${webp.quality} ${webp.bytes} B, ${psnr(original, webp.decoded).toFixed(2)} dB`, image: webp.decoded },
];
for (const column of columns) console.log(column.label);
for (const region of regions) console.log(`${region.name}: ${size}x${size} at (${region.x}, ${region.y}), detail ${region.detail.toFixed(2)}`);

const cell = size * zoom;
const gap = 8;
const labelHeight = 22;
const width = columns.length * cell + (columns.length + 1) * gap;
const height = regions.length * (cell + labelHeight) + (regions.length + 1) * gap;
const composites: OverlayOptions[] = [];
for (const [r, region] of regions.entries()) {
  const top = gap + r * (cell + labelHeight + gap);
  for (const [c, column] of columns.entries()) {
    const left = gap + c * (cell + gap);
    const crop = await sharp(column.image.data, { raw: { width: column.image.width, height: column.image.height, channels: 3 } })
      .extract({ left: region.x, top: region.y, width: size, height: size })
      .resize(cell, cell, { kernel: 'nearest' }).png().toBuffer();
    composites.push({ input: crop, left, top: top + labelHeight });
    const text = `${column.label}${c === 0 ? ` (${region.name})` : ''}`.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${cell}" height="${labelHeight}"><text x="2" y="16" font-family="sans-serif" font-size="13">${text}</text></svg>`;
    composites.push({ input: Buffer.from(svg), left, top });
  }
}
const out = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite(composites).png().toBuffer();
writeFileSync(outPath, out);
console.log(`wrote ${outPath} (${width}x${height})`);
