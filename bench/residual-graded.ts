/**
 * Study: a quantizer step that grows with the DCT frequency (as JPEG's tables
 * do) against the residual's one step with a cut-off count of coefficients
 * (docs/studies.md, "A graded step for the residual"). The step of a
 * coefficient at row/column frequency (v, u) is s · (1 + g · (u + v) / 7):
 * g = 0 is the format's uniform step. For each g and count, the finest s whose
 * coded size (the format's stream) fits BYTES; the decode is rendered with
 * the dequantized coefficients (exact at 1/16 level), PSNR and MS-SSIM.
 *
 *   npm run build && node dist/bench/residual-graded.js networks.snf photo.png BYTES [g,g,…] [count,count,…]
 */
import { readFileSync } from 'node:fs';
import { decodeField } from '../src/decoder/index.js';
import { applyRestorationFilter, colourChannels } from '../src/kernels/post-filter.js';
import { MAX_RESIDUAL_COEFFICIENTS, RESIDUAL_STEP_UNIT, residualPlanes, ZIGZAG } from '../src/kernels/residual.js';
import { rasterFromField } from '../src/kernels/render.js';
import { blockDct, DEAD_ZONE, RESIDUAL_MAP_BYTES, residualPlanesOf } from '../src/encoder/residual-fit.js';
import { encodeResidualValues } from '../src/format/residual.js';
import { readSnf, writeSnf, isImageFile } from '../src/format/index.js';
import { psnr } from '../src/metrics/psnr.js';
import { msSsim } from '../src/metrics/ms-ssim.js';
import { readRgb } from './rgb-source.js';

const [snfPath, sourcePath, sizeText, gradients = '0,0.5,1,2', countsText = '10,15,21,28,36,64'] = process.argv.slice(2);
if (snfPath === undefined || sourcePath === undefined || !(Number(sizeText) > 0)) {
  console.error('usage: node dist/bench/residual-graded.js networks.snf photo.png BYTES [g,…] [count,…]');
  process.exit(2);
}
const read = readSnf(new Uint8Array(readFileSync(snfPath)));
if (!isImageFile(read)) throw new Error(`${snfPath} is not an image`);
const { residual: _dropped, ...header } = read.header;
const bytes = writeSnf({ ...read, header, sharedContexts: true });
const source = await readRgb(sourcePath);
const decoded = await decodeField(bytes);
const field = { ...decoded, values: header.filter === undefined ? decoded.values : applyRestorationFilter(decoded, header.filter, { x: 1, y: 1 }) };
const room = Number(sizeText) - bytes.length - RESIDUAL_MAP_BYTES;
const samples = residualPlanesOf(source, field);
const colours = colourChannels(source.channels);
const dcts = residualPlanes(source.width, source.height, colours, MAX_RESIDUAL_COEFFICIENTS, colours === 3 ? MAX_RESIDUAL_COEFFICIENTS : 0)
  .map((plane, p) => blockDct(samples[p]!, plane));
console.log(`${snfPath}: networks ${bytes.length} bytes, room ${room} bytes for the residual's stream`);

for (const g of gradients.split(',').map(Number)) {
  const weight = ZIGZAG.map(([v, u]) => 1 + (g * (u + v)) / 7);
  for (const luma of countsText.split(',').map(Number)) {
    const planes = residualPlanes(source.width, source.height, colours, luma, colours === 3 ? 3 : 0);
    const quantize = (step: number): { q: Int16Array; levels: Int16Array } => {
      const last = planes[planes.length - 1]!;
      const q = new Int16Array(last.offset + last.blocksX * last.blocksY * last.coefficients);
      const levels = new Int16Array(q.length);
      planes.forEach((plane, p) => {
        for (let b = 0; b < plane.blocksX * plane.blocksY; b++) {
          for (let c = 0; c < plane.coefficients; c++) {
            const size = step * weight[c]! * RESIDUAL_STEP_UNIT;
            const x = dcts[p]![b * MAX_RESIDUAL_COEFFICIENTS + c]! / size;
            const m = Math.min(32_767, Math.max(0, Math.floor(Math.abs(x) + 0.5 - DEAD_ZONE)));
            const at = plane.offset + b * plane.coefficients + c;
            q[at] = x < 0 ? -m : m;
            // The dequantized coefficient in 1/16 level, so that a step of 1 unit renders it exactly.
            levels[at] = Math.max(-32_767, Math.min(32_767, Math.round(q[at]! * step * weight[c]!)));
          }
        }
      });
      return { q, levels };
    };
    const sizeAt = (step: number): number => encodeResidualValues(planes, quantize(step).q).length;
    let lo = 1, hi = 4096;
    if (sizeAt(hi) > room) continue;
    while (hi - lo > 1) {
      const mid = Math.round(Math.sqrt(lo * hi));
      if (sizeAt(mid) <= room) hi = mid;
      else lo = mid;
    }
    const step = sizeAt(lo) <= room ? lo : hi;
    const residual = { lumaCoefficients: luma, chromaCoefficients: colours === 3 ? 3 : 0, lumaStep: 1, chromaStep: 1, values: quantize(step).levels };
    const out = rasterFromField(field, { x: 1, y: 1 }, { residual });
    console.log(`g ${g.toFixed(2)} count ${String(luma).padStart(2)} step ${(step / 16).toFixed(2)}: ${sizeAt(step)} bytes, `
      + `${psnr(source, out).toFixed(3)} dB, MS-SSIM ${msSsim(source, out).value.toFixed(4)}`);
  }
}
