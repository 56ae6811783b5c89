/**
 * Where each codec puts its error (issue 10: snf's MS-SSIM trails mozjpeg's
 * at equal PSNR). For each original and its .snf file, mozjpeg is taken at
 * the highest quality (1–100) whose file is not larger, and both decodes are
 * compared with the original:
 *
 * - PSNR and MS-SSIM of the whole image;
 * - PSNR within each quartile of 8×8 blocks sorted by the original's local
 *   contrast (standard deviation of luma in the block): q1 the flattest
 *   quarter of the image, q4 the busiest;
 * - MS-SSIM with only the decode's low band (Gaussian σ 2) of error kept and
 *   the rest taken from the original, and with only its high band.
 *
 * SSIM divides a window's error by its contrast, so error in flat blocks
 * costs it far more than the same squared error in busy ones; PSNR counts
 * both alike. One JSON line per image and codec goes to `--out`.
 *
 *   npm run build && node dist/bench/error-by-contrast.js ORIGINAL.png FILE.snf [ORIGINAL.png FILE.snf …] \
 *     [--out bench/results/error-by-contrast.jsonl]
 */
import { appendFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../src/decoder/index.js';
import { highestQualityWithin } from '../src/rate-distortion/codecs.js';
import { msSsim } from '../src/metrics/ms-ssim.js';
import { psnr, psnrFromMse } from '../src/metrics/psnr.js';
import type { Raster } from '../src/raster.js';

const BLOCK = 8;
const BAND_SIGMA = 2;

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? args.splice(outAt, 2)[1] : undefined;
if (args.length === 0 || args.length % 2 !== 0) {
  console.error('usage: node dist/bench/error-by-contrast.js ORIGINAL.png FILE.snf [ORIGINAL.png FILE.snf …] [--out FILE.jsonl]');
  process.exit(2);
}

async function loadRgb(file: string): Promise<Raster> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

/** The block index (row by row) of each 8×8 block's contrast quartile, 0 (flattest) to 3. */
function contrastQuartiles(image: Raster): { quartile: Uint8Array; columns: number } {
  const columns = Math.floor(image.width / BLOCK);
  const rows = Math.floor(image.height / BLOCK);
  const deviations: { block: number; deviation: number }[] = [];
  for (let by = 0; by < rows; by++) {
    for (let bx = 0; bx < columns; bx++) {
      let sum = 0;
      let squares = 0;
      for (let y = by * BLOCK; y < (by + 1) * BLOCK; y++) {
        for (let x = bx * BLOCK; x < (bx + 1) * BLOCK; x++) {
          const at = (y * image.width + x) * 3;
          const luma = 0.299 * image.data[at]! + 0.587 * image.data[at + 1]! + 0.114 * image.data[at + 2]!;
          sum += luma;
          squares += luma * luma;
        }
      }
      const n = BLOCK * BLOCK;
      deviations.push({ block: by * columns + bx, deviation: Math.sqrt(Math.max(0, squares / n - (sum / n) ** 2)) });
    }
  }
  deviations.sort((a, b) => a.deviation - b.deviation);
  const quartile = new Uint8Array(columns * rows);
  deviations.forEach(({ block }, rank) => { quartile[block] = Math.min(3, Math.floor((4 * rank) / deviations.length)); });
  return { quartile, columns };
}

/** PSNR of `decoded` within each contrast quartile of whole blocks. */
function quartilePsnrs(original: Raster, decoded: Raster, quartiles: { quartile: Uint8Array; columns: number }): number[] {
  const error = [0, 0, 0, 0];
  const count = [0, 0, 0, 0];
  const rows = quartiles.quartile.length / quartiles.columns;
  for (let y = 0; y < rows * BLOCK; y++) {
    for (let x = 0; x < quartiles.columns * BLOCK; x++) {
      const q = quartiles.quartile[Math.floor(y / BLOCK) * quartiles.columns + Math.floor(x / BLOCK)]!;
      for (let k = 0; k < 3; k++) {
        const at = (y * original.width + x) * 3 + k;
        error[q]! += (original.data[at]! - decoded.data[at]!) ** 2;
        count[q]! += 1;
      }
    }
  }
  return error.map((e, q) => psnrFromMse(e / count[q]!));
}

/** A separable Gaussian blur of every channel (edges clamped), in float. */
function blur(image: Raster, sigma: number): Float64Array {
  const radius = Math.ceil(3 * sigma);
  const taps = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const total = taps.reduce((a, b) => a + b, 0);
  const { width, height } = image;
  const pass = (src: ArrayLike<number>, dx: number, dy: number): Float64Array => {
    const dst = new Float64Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let k = 0; k < 3; k++) {
          let sum = 0;
          for (let t = -radius; t <= radius; t++) {
            const sx = Math.min(width - 1, Math.max(0, x + t * dx));
            const sy = Math.min(height - 1, Math.max(0, y + t * dy));
            sum += taps[t + radius]! * src[(sy * width + sx) * 3 + k]!;
          }
          dst[(y * width + x) * 3 + k] = sum / total;
        }
      }
    }
    return dst;
  };
  return pass(pass(image.data, 1, 0), 0, 1);
}

/** The low band of `low` with the high band of `high`, rounded to 8 bits. */
function bands(low: Raster, high: Raster): Raster {
  const lowBand = blur(low, BAND_SIGMA);
  const highSmooth = blur(high, BAND_SIGMA);
  const data = Uint8Array.from(lowBand, (v, i) => Math.min(255, Math.max(0, Math.round(v + high.data[i]! - highSmooth[i]!))));
  return { ...low, data };
}

console.error(`error by contrast: ${os.cpus()[0]?.model} ×${os.cpus().length}; node ${process.version}`);
for (let i = 0; i < args.length; i += 2) {
  const original = await loadRgb(args[i]!);
  const snfBytes = new Uint8Array(readFileSync(args[i + 1]!));
  const snf = await decodeImage(snfBytes);
  const jpeg = await highestQualityWithin(original, 'jpeg', snfBytes.length, Array.from({ length: 100 }, (_, q) => q + 1));
  const quartiles = contrastQuartiles(original);
  for (const [codec, decoded, bytes] of [['snf', snf, snfBytes.length], [`mozjpeg q${jpeg.quality}`, jpeg.decoded, jpeg.bytes]] as const) {
    const row = {
      image: path.basename(args[i]!), codec, bytes, bpp: (bytes * 8) / (original.width * original.height),
      psnr: psnr(original, decoded), msssim: msSsim(original, decoded).value,
      quartilePsnr: quartilePsnrs(original, decoded, quartiles),
      msssimLowBandError: msSsim(original, bands(decoded, original)).value,
      msssimHighBandError: msSsim(original, bands(original, decoded)).value,
    };
    if (out !== undefined) appendFileSync(out, JSON.stringify(row) + '\n');
    console.log(`${row.image} ${codec.padEnd(12)} ${bytes} B  PSNR ${row.psnr.toFixed(2)}  MS-SSIM ${row.msssim.toFixed(4)}  `
      + `PSNR by contrast q1..q4 ${row.quartilePsnr.map((p) => p.toFixed(2)).join(' / ')}  `
      + `MS-SSIM low-band error ${row.msssimLowBandError.toFixed(4)}, high-band ${row.msssimHighBandError.toFixed(4)}`);
  }
}
