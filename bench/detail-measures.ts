/**
 * Which measure of a tile's detail predicts its error best (docs/studies.md,
 * "Detail as the mean absolute step")? Reads encodes that recorded every
 * tile's error — `tile-detail.jsonl` (equal widths) and study rows with
 * `tilePsnrs` (widths by detail) — computes each tile's detail under each
 * measure from the Kodak image, and fits
 *
 *   log error = b · log detail + c · log parameters + one intercept per encode
 *
 * by least squares. It prints b, c and the residual's standard deviation
 * (natural log units: 0.5 is a factor of 1.65 in error) per measure and rate.
 * Then, per encode, what an oracle allocation would give: each tile's error
 * taken as c_i · P_i^−0.63 (its measured error at its width), blocks of 8 units
 * handed out greedily to the largest fall in total error per parameter, and
 * the predicted PSNR of those widths against the encode's.
 *
 *   npm run build && node dist/bench/detail-measures.js bench/results/tile-detail.jsonl \
 *     bench/results/study-allocation-2bpp.jsonl bench/results/study-allocation-floor.jsonl
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { tileRegions } from '../src/encoder/image/encode-image.js';
import { regionDetail, type DetailMeasure } from '../src/encoder/image/tile-widths.js';
import { parameterCount, type SirenArch } from '../src/kernels/arch.js';
import type { Raster } from '../src/raster.js';

/** One encode's tiles: widths and squared errors, row-major over a 4×4 grid. */
interface Encode { image: string; bpp: number; widths: number[]; mse: number[] }

/** The networks of these encodes: depth 3, 6 Fourier levels (26 inputs), RGB. */
const ARCH: SirenArch = { inputs: 26, outputs: 3, width: 0, depth: 3 } as SirenArch;
const MEASURES: DetailMeasure[] = ['squared', 'absolute'];
const paramsAt = (width: number): number => parameterCount({ ...ARCH, width });

function readEncodes(file: string): Encode[] {
  const rows = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  return rows.flatMap((row): Encode[] => {
    if (row.mse !== undefined) {
      // tile-detail.ts rows: the equal-width encode (the by-detail one is the allocation under test).
      const { widths, mse } = row as unknown as { widths: { equal: number[] }; mse: { equal: number[] } };
      return [{ image: row.image as string, bpp: row.bpp as number, widths: widths.equal, mse: mse.equal }];
    }
    if (!Array.isArray(row.tilePsnrs) || row.tiles !== '4x4') return [];
    const psnrs = row.tilePsnrs as number[];
    return [{
      image: row.image as string, bpp: row.bpp as number,
      widths: (row.widths as number[] | undefined) ?? psnrs.map(() => row.width as number),
      mse: psnrs.map((psnr) => 255 ** 2 * 10 ** (-psnr / 10)),
    }];
  });
}

/** Least squares by the normal equations (a handful of columns). */
function leastSquares(rows: number[][], ys: number[]): number[] {
  const n = rows[0]!.length;
  // The augmented normal equations [XᵀX | Xᵀy], solved by Gauss–Jordan with partial pivoting.
  const a: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < n; j++) row.push(rows.reduce((s, r) => s + r[i]! * r[j]!, 0));
    row.push(rows.reduce((s, r, k) => s + r[i]! * ys[k]!, 0));
    a.push(row);
  }
  for (let i = 0; i < n; i++) {
    let pivot = i;
    for (let k = i + 1; k < n; k++) if (Math.abs(a[k]![i]!) > Math.abs(a[pivot]![i]!)) pivot = k;
    [a[i], a[pivot]] = [a[pivot]!, a[i]!];
    const top = a[i]!;
    for (let k = 0; k < n; k++) {
      const row = a[k]!;
      if (k === i) continue;
      const f = row[i]! / top[i]!;
      for (let j = i; j <= n; j++) row[j] = row[j]! - f * top[j]!;
    }
  }
  return a.map((row, i) => row[n]! / row[i]!);
}

/** Widths in blocks of 8 from 8, each block to the tile whose error it lowers most per parameter, within `total` parameters. */
function oracleWidths(scale: number[], total: number, gamma: number): number[] {
  const widths = scale.map(() => 8);
  let spent = widths.reduce((s, w) => s + paramsAt(w), 0);
  for (;;) {
    let best = -1;
    let bestGain = 0;
    widths.forEach((w, i) => {
      const cost = paramsAt(w + 8) - paramsAt(w);
      const gain = (scale[i]! * (paramsAt(w) ** -gamma - paramsAt(w + 8) ** -gamma)) / cost;
      if (w + 8 <= 128 && spent + cost <= total && gain > bestGain) [best, bestGain] = [i, gain];
    });
    if (best < 0) return widths;
    spent += paramsAt(widths[best]! + 8) - paramsAt(widths[best]!);
    widths[best] = widths[best]! + 8;
  }
}

function oracle(encode: Encode, gamma = 0.63): void {
  const scale = encode.mse.map((mse, t) => mse * paramsAt(encode.widths[t]!) ** gamma);
  const psnrOf = (widths: number[]): number => 10 * Math.log10((255 ** 2 * widths.length) / widths.reduce((s, w, t) => s + scale[t]! * paramsAt(w) ** -gamma, 0));
  const widths = oracleWidths(scale, encode.widths.reduce((s, w) => s + paramsAt(w), 0), gamma);
  console.log(`  kodim${encode.image}: ${psnrOf(encode.widths).toFixed(2)} dB as encoded, ${psnrOf(widths).toFixed(2)} with the oracle's widths ${widths.join(',')}`);
}

const kodak = path.resolve('..', 'shared', 'data', 'kodak');
const encodes = process.argv.slice(2).flatMap(readEncodes);
const details = new Map<string, Record<DetailMeasure, number[]>>();
for (const image of new Set(encodes.map((e) => e.image))) {
  const { data, info } = await sharp(path.join(kodak, `kodim${image}.png`)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const raster: Raster = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
  const regions = tileRegions(raster.width, raster.height, 4, 4);
  details.set(image, Object.fromEntries(MEASURES.map((m) => [m, regions.map((r) => regionDetail(raster, r, m))])) as Record<DetailMeasure, number[]>);
}
for (const bpp of [...new Set(encodes.map((e) => e.bpp))].sort((a, b) => a - b)) {
  const group = encodes.filter((e) => e.bpp === bpp);
  const varies = group.some((e) => new Set(e.widths).size > 1);
  console.log(`${bpp} bpp: ${group.length} encodes (${group.map((e) => e.image).join(' ')}), ${group.length * 16} tiles`);
  for (const measure of MEASURES) {
    const xs: number[][] = [];
    const ys: number[] = [];
    group.forEach((e, g) => e.mse.forEach((mse, t) => {
      const intercepts = group.map((_, k) => (k === g ? 1 : 0));
      const logParams = Math.log(paramsAt(e.widths[t]!));
      xs.push([Math.log(details.get(e.image)![measure][t]!), ...(varies ? [logParams] : []), ...intercepts]);
      ys.push(Math.log(mse));
    }));
    const coef = leastSquares(xs, ys);
    const residuals = ys.map((y, k) => y - xs[k]!.reduce((s, x, j) => s + x * coef[j]!, 0));
    const sd = Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / residuals.length);
    console.log(`  ${measure.padEnd(8)} b ${coef[0]!.toFixed(2)}${varies ? `, c ${coef[1]!.toFixed(2)}` : ''}, residual sd ${sd.toFixed(3)}`);
  }
}
console.log('Oracle allocation (encodes with widths by detail):');
for (const encode of encodes) if (new Set(encode.widths).size > 1) oracle(encode);
