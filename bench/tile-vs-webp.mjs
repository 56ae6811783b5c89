// Where WebP's lead over a .snf file lies: each tile's PSNR in the file's decode and in WebP's at the highest quality
// (1–100) whose file is not larger, with the tile's detail (the allocation's own measure, allocationDetails: the mean
// absolute step between neighbouring pixels along rows and columns, every channel) and its share of the squared
// error WebP saves over the whole photo, smoothest tile first:
//   npm run build && node bench/tile-vs-webp.mjs source.png file.snf
import { readSnf } from '../dist/src/format/index.js';
import { decodeImage } from '../dist/src/decoder/index.js';
import { highestQualityWithin } from '../dist/src/rate-distortion/codecs.js';
import { psnrFromMse, regionMeanSquaredError } from '../dist/src/metrics/psnr.js';
import { allocationDetails } from '../dist/src/encoder/image/tile-widths.js';
import sharp from 'sharp';
import { readFileSync } from 'node:fs';

const [src, file] = process.argv.slice(2);
const bytes = new Uint8Array(readFileSync(file));
const { header, networks } = readSnf(bytes);
const { data, info } = await sharp(src).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const image = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
const decoded = await decodeImage(bytes);
const webp = await highestQualityWithin(image, 'webp', bytes.length, Array.from({ length: 100 }, (_, i) => i + 1));
const width = header.width;
// On the network's region: the equal tile the allocation planned on, except where `--tile-edges content` moved an edge.
const detail = (region) => allocationDetails(image, [region])[0];
const samplesOf = ([x0, y0, x1, y1]) => (x1 - x0) * (y1 - y0) * 3;
// Squared error summed over a region, from its mean: WebP's saving is a difference of sums.
const squaredError = (decode, region) => regionMeanSquaredError(image, decode, region) * samplesOf(region);
let snfTotal = 0, webpTotal = 0;
const rows = networks.map((network, index) => {
  const region = network.region;
  const snfError = squaredError(decoded, region), webpError = squaredError(webp.decoded, region);
  snfTotal += snfError;
  webpTotal += webpError;
  const samples = samplesOf(region);
  return { index, units: network.arch?.width ?? header.arch?.width, detail: detail(region), snf: psnrFromMse(snfError / samples), webp: psnrFromMse(webpError / samples), excess: snfError - webpError };
});
const samples = width * header.height * 3;
console.log(`snf ${bytes.length} B, ${psnrFromMse(snfTotal / samples).toFixed(2)} dB; WebP q${webp.quality} ${webp.bytes} B, ${psnrFromMse(webpTotal / samples).toFixed(2)} dB`);
console.log('tile units detail   snf    WebP   snf−WebP  share of WebP\'s saving');
for (const row of rows.sort((a, b) => a.detail - b.detail)) {
  console.log(`${String(row.index).padStart(4)} ${String(row.units).padStart(5)} ${row.detail.toFixed(1).padStart(6)} ${row.snf.toFixed(2).padStart(6)} ${row.webp.toFixed(2).padStart(6)} ${(row.snf - row.webp).toFixed(2).padStart(9)} ${(100 * row.excess / (snfTotal - webpTotal)).toFixed(1).padStart(8)} %`);
}
