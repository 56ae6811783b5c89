/**
 * Pilot: what a second restoration filter, run after the DCT residual, would gain. Fits the §4.6 filter of
 * each shape to a decoded .snf (the 8-bit decode stands in for the float image before rounding) against the
 * source, with the encoder's fitter and int8 coefficients, and prints the PSNR gain and the filter's header bytes.
 *
 *   npm run build && node dist/bench/second-filter-pilot.js photo.png file.snf
 */
import { readFileSync } from 'node:fs';
import { decodeImage } from '../src/decoder/index.js';
import { psnr } from '../src/metrics/psnr.js';
import { msSsim } from '../src/metrics/ms-ssim.js';
import { applyRestorationFilter, type FieldImage } from '../src/kernels/post-filter.js';
import { filterBytes, fitFilter, type FilterShape } from '../src/encoder/image/filter-fit.js';
import { readRgb } from './rgb-source.js';

const [photo, file] = process.argv.slice(2);
if (photo === undefined || file === undefined) throw new Error('usage: second-filter-pilot photo.png file.snf');
const source = await readRgb(photo);
const decoded = await decodeImage(new Uint8Array(readFileSync(file)));
const field: FieldImage = { width: decoded.width, height: decoded.height, channels: decoded.channels, values: Float32Array.from(decoded.data, (v) => (v / 255) * 2 - 1) };
const base = psnr(source, decoded);
const baseSsim = msSsim(source, decoded).value;
const shapes: FilterShape[] = [];
for (const [radius, cross] of [[1, 0], [2, 0], [2, 1], [3, 1]] as const) for (const classes of [1, 2, 4]) for (const directions of [1, 5]) shapes.push({ radius, cross, classes, directions });
for (const shape of shapes) {
  const filter = fitFilter(field, source, shape);
  const values = applyRestorationFilter(field, filter);
  const out = { ...decoded, data: Uint8Array.from(values, (v) => Math.max(0, Math.min(255, Math.round(((v + 1) / 2) * 255)))) };
  const gain = psnr(source, out) - base;
  console.log(JSON.stringify({ file, shape, bytes: filterBytes(shape, 3), gain: +gain.toFixed(4), msssimGain: +(msSsim(source, out).value - baseSsim).toFixed(5), base: +base.toFixed(3) }));
}
