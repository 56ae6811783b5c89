/**
 * How much of a decoded photo's error a low-resolution residual would take
 * back (docs/studies.md, "A low-resolution residual"): the residual (source
 * − decoded, with the file's restoration filter refitted at the default
 * shape) averaged over F×F blocks, quantized at a step of S levels, upsampled
 * bilinearly and added back. Prints the PSNR gained, the residual's order-0
 * entropy in bytes (a bound no simple coder beats without prediction), the
 * gain net of those bytes (2.85 dB per doubling of the rate) and the MS-SSIM.
 *
 *   npm run build && node dist/bench/low-res-residual.js photo.snf photo.png [more.snf more.png …]
 */
import { readFileSync } from 'node:fs';
import { decodeField } from '../src/decoder/index.js';
import { rasterFromField } from '../src/kernels/render.js';
import { psnr } from '../src/metrics/psnr.js';
import { msSsim } from '../src/metrics/ms-ssim.js';
import { fitFilter, DEFAULT_FILTER_SHAPE } from '../src/encoder/image/filter-fit.js';
import type { Raster } from '../src/raster.js';
import { netOfBytes, readRgb } from './rgb-source.js';

const BLOCKS_AND_STEPS: [number, number][] = [[8, 1], [8, 2], [8, 3], [8, 4], [4, 2], [4, 3], [4, 4], [4, 6]];

/** `decoded` plus the F×F block means of (source − decoded) quantized at `step`, upsampled bilinearly; and those means' order-0 entropy in bits. */
function withResidual(source: Raster, decoded: Raster, block: number, step: number): { image: Raster; bits: number } {
  const { width, height } = decoded;
  const w = Math.ceil(width / block), h = Math.ceil(height / block);
  const means = new Float64Array(w * h * 3);
  const counts = new Float64Array(w * h);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const cell = Math.floor(y / block) * w + Math.floor(x / block);
      counts[cell]!++;
      for (let c = 0; c < 3; c++) means[cell * 3 + c]! += source.data[(y * width + x) * 3 + c]! - decoded.data[(y * width + x) * 3 + c]!;
    }
  }
  const histogram = new Map<number, number>();
  for (let i = 0; i < means.length; i++) {
    const q = Math.round(means[i]! / counts[Math.floor(i / 3)]! / step);
    means[i] = q * step;
    histogram.set(q, (histogram.get(q) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of histogram.values()) bits -= n * Math.log2(n / means.length);
  const data = new Uint8Array(decoded.data.length);
  const at = (cx: number, cy: number, c: number): number => means[(Math.min(h - 1, Math.max(0, cy)) * w + Math.min(w - 1, Math.max(0, cx))) * 3 + c]!;
  for (let y = 0; y < height; y++) {
    const gy = Math.min(h - 1, Math.max(0, (y + 0.5) / block - 0.5));
    const y0 = Math.floor(gy), fy = gy - y0;
    for (let x = 0; x < width; x++) {
      const gx = Math.min(w - 1, Math.max(0, (x + 0.5) / block - 0.5));
      const x0 = Math.floor(gx), fx = gx - x0;
      for (let c = 0; c < 3; c++) {
        const r = (1 - fy) * ((1 - fx) * at(x0, y0, c) + fx * at(x0 + 1, y0, c)) + fy * ((1 - fx) * at(x0, y0 + 1, c) + fx * at(x0 + 1, y0 + 1, c));
        const i = (y * width + x) * 3 + c;
        data[i] = Math.max(0, Math.min(255, Math.round(decoded.data[i]! + r)));
      }
    }
  }
  return { image: { ...decoded, data }, bits };
}

const args = process.argv.slice(2);
if (args.length < 2 || args.length % 2 !== 0) {
  console.error('usage: node dist/bench/low-res-residual.js file.snf source.png [file.snf source.png …]');
  process.exit(2);
}
console.log(`# low-resolution residual; node dist/bench/low-res-residual.js ${args.join(' ')}`);
for (let i = 0; i < args.length; i += 2) {
  const bytes = new Uint8Array(readFileSync(args[i]!));
  const source = await readRgb(args[i + 1]!);
  const field = await decodeField(bytes);
  const decoded = rasterFromField(field, { x: 1, y: 1 }, { filter: fitFilter(field, source, DEFAULT_FILTER_SHAPE) });
  const base = psnr(source, decoded);
  console.log(`${args[i]}: filtered ${base.toFixed(2)} dB, MS-SSIM ${msSsim(source, decoded).value.toFixed(4)}`);
  for (const [block, step] of BLOCKS_AND_STEPS) {
    const { image, bits } = withResidual(source, decoded, block, step);
    const gain = psnr(source, image) - base;
    const net = netOfBytes(gain, bits / 8, bytes.length);
    console.log(`  ${block}×${block} blocks, step ${step}: ${gain >= 0 ? '+' : ''}${gain.toFixed(2)} dB for ${(bits / 8).toFixed(0)} bytes (net ${net.toFixed(2)}), MS-SSIM ${msSsim(source, image).value.toFixed(4)}`);
  }
}
