// Where WebP's lead over a .snf file lies: each tile's PSNR in the file's decode and in WebP's at the highest quality
// (1–100) whose file is not larger, with the tile's detail (mean absolute horizontal step, RGB) and its share of the
// squared error WebP saves over the whole photo, smoothest tile first:
//   npm run build && node bench/tile-vs-webp.mjs source.png file.snf
import { readSnf } from '../dist/src/format/index.js';
import { decodeImage } from '../dist/src/decoder/index.js';
import { roundTrip } from '../dist/src/rate-distortion/codecs.js';
import sharp from 'sharp';
import { readFileSync } from 'node:fs';

const [src, file] = process.argv.slice(2);
const bytes = new Uint8Array(readFileSync(file));
const { header, networks } = readSnf(bytes);
const { data, info } = await sharp(src).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const image = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
const decoded = await decodeImage(bytes);
// WebP's size grows with its quality: bisect for the highest quality within the file's bytes.
let low = 1, high = 100, webp;
while (low <= high) {
  const quality = (low + high) >> 1;
  const trip = await roundTrip(image, 'webp', quality);
  if (trip.bytes.length <= bytes.length) { webp = { quality, ...trip }; low = quality + 1; } else high = quality - 1;
}
if (!webp) throw new Error(`WebP's smallest file is larger than ${bytes.length} bytes`);
const width = header.width;
const squaredError = (decode, [x0, y0, x1, y1]) => {
  let sum = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) {
    const k = (y * width + x) * 3 + c;
    sum += (data[k] - decode[k]) ** 2;
  }
  return sum;
};
const detail = ([x0, y0, x1, y1]) => {
  let sum = 0, count = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x + 1 < x1; x++) for (let c = 0; c < 3; c++) {
    sum += Math.abs(data[(y * width + x) * 3 + c] - data[(y * width + x + 1) * 3 + c]);
    count++;
  }
  return sum / count;
};
const dB = (error, samples) => 10 * Math.log10((255 * 255 * samples) / error);
let snfTotal = 0, webpTotal = 0;
const rows = networks.map((network, index) => {
  const region = network.region;
  const snfError = squaredError(decoded.data, region), webpError = squaredError(webp.decoded.data, region);
  snfTotal += snfError;
  webpTotal += webpError;
  const samples = (region[2] - region[0]) * (region[3] - region[1]) * 3;
  return { index, units: network.arch?.width ?? header.arch?.width, detail: detail(region), snf: dB(snfError, samples), webp: dB(webpError, samples), excess: snfError - webpError };
});
const samples = width * header.height * 3;
console.log(`snf ${bytes.length} B, ${dB(snfTotal, samples).toFixed(2)} dB; WebP q${webp.quality} ${webp.bytes.length} B, ${dB(webpTotal, samples).toFixed(2)} dB`);
console.log('tile units detail   snf    WebP   snf−WebP  share of WebP\'s saving');
for (const row of rows.sort((a, b) => a.detail - b.detail)) {
  console.log(`${String(row.index).padStart(4)} ${String(row.units).padStart(5)} ${row.detail.toFixed(1).padStart(6)} ${row.snf.toFixed(2).padStart(6)} ${row.webp.toFixed(2).padStart(6)} ${(row.snf - row.webp).toFixed(2).padStart(9)} ${(100 * row.excess / (snfTotal - webpTotal)).toFixed(1).padStart(8)} %`);
}
