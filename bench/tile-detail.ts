/**
 * Why tiles are sized by detail (docs/studies.md, "Tile widths by detail"):
 * encodes full-size images with equal tile widths and with widths by
 * detail^0.75, and records every tile's detail (tile-widths.ts), width and
 * error, one JSON line per image and rate. The summary fits the two power
 * laws the allocation rests on: a tile's error against its detail at equal
 * widths, and its change of error against its change of parameters.
 *
 *   npm run build && node dist/bench/tile-detail.js --images 02,03,05 --bpp 0.5 --steps 300 \
 *     --out bench/results/tile-detail.jsonl
 *   node dist/bench/tile-detail.js --summary bench/results/tile-detail.jsonl
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../src/decoder/index.js';
import { encodeImage, tileRegions } from '../src/encoder/image/encode-image.js';
import { regionDetail } from '../src/encoder/image/tile-widths.js';
import { parameterCount } from '../src/kernels/arch.js';
import { regionMeanSquaredError } from '../src/metrics/psnr.js';
import type { Raster } from '../src/raster.js';

interface Row {
  image: string; bpp: number; steps: number; detail: number[]; params: { equal: number[]; detail: number[] };
  widths: { equal: number[]; detail: number[] }; mse: { equal: number[]; detail: number[] }; psnr: { equal: number; detail: number };
}

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1]! : fallback;
}

/** Least-squares slope and correlation of y on x. */
function fit(xs: number[], ys: number[]): { slope: number; correlation: number } {
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return { slope: sxy / sxx, correlation: sxy / Math.sqrt(sxx * syy) };
}

function summarize(file: string): void {
  const rows = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Row);
  const detail = { x: [] as number[], y: [] as number[] };
  const params = { x: [] as number[], y: [] as number[] };
  for (const row of rows) {
    row.detail.forEach((d, t) => {
      if (d > 0 && row.mse.equal[t]! > 0) {
        detail.x.push(Math.log(d));
        detail.y.push(Math.log(row.mse.equal[t]!));
      }
      params.x.push(Math.log(row.params.detail[t]! / row.params.equal[t]!));
      params.y.push(Math.log(row.mse.detail[t]! / row.mse.equal[t]!));
    });
    console.log(`kodim${row.image} ${row.bpp} bpp, ${row.steps} passes: equal ${row.psnr.equal.toFixed(2)} dB, by detail ${row.psnr.detail.toFixed(2)} dB (widths ${Math.min(...row.widths.detail)}–${Math.max(...row.widths.detail)})`);
  }
  const byDetail = fit(detail.x, detail.y);
  const byParams = fit(params.x, params.y);
  console.log(`${detail.x.length} tiles: log error = ${byDetail.slope.toFixed(2)} · log detail + c (correlation ${byDetail.correlation.toFixed(3)})`);
  console.log(`change of log error = ${byParams.slope.toFixed(2)} · change of log parameters (correlation ${byParams.correlation.toFixed(3)})`);
  console.log(`least total error: parameters ∝ detail^${(byDetail.slope / (1 - byParams.slope)).toFixed(2)}`);
}

async function loadImage(file: string): Promise<Raster> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

const summary = process.argv.indexOf('--summary');
if (summary >= 0) {
  summarize(process.argv[summary + 1]!);
} else {
  const images = flag('images', '02,03,05').split(',');
  const rates = flag('bpp', '0.5').split(',').map(Number);
  const steps = Number(flag('steps', '300'));
  const kodak = flag('kodak', path.resolve('..', 'shared', 'data', 'kodak'));
  const out = flag('out', 'bench/results/tile-detail.jsonl');
  const done = new Set(existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).map((line) => {
    const r = JSON.parse(line) as Row;
    return `${r.image}|${r.bpp}|${r.steps}`;
  }) : []);
  for (const image of images) {
    const raster = await loadImage(path.join(kodak, `kodim${image}.png`));
    for (const bpp of rates) {
      if (done.has(`${image}|${bpp}|${steps}`)) continue;
      const encode = async (allocation: 'equal' | 'detail') => {
        const result = await encodeImage(raster, { bpp, steps, allocation });
        const decoded = await decodeImage(result.bytes);
        const regions = tileRegions(raster.width, raster.height, result.tiles.columns, result.tiles.rows);
        return { result, regions, mse: regions.map((region) => regionMeanSquaredError(raster, decoded, region)) };
      };
      const equal = await encode('equal');
      const detail = await encode('detail');
      const paramsOf = (widths: number[]): number[] => widths.map((width) => parameterCount({ ...equal.result.arch, width }));
      const row: Row = {
        image, bpp, steps, detail: equal.regions.map((region) => regionDetail(raster, region)),
        widths: { equal: equal.result.widths, detail: detail.result.widths }, params: { equal: paramsOf(equal.result.widths), detail: paramsOf(detail.result.widths) },
        mse: { equal: equal.mse, detail: detail.mse }, psnr: { equal: equal.result.psnr, detail: detail.result.psnr },
      };
      appendFileSync(out, JSON.stringify(row) + '\n');
      console.error(`kodim${image} ${bpp}: equal ${row.psnr.equal.toFixed(2)} dB, by detail ${row.psnr.detail.toFixed(2)} dB`);
    }
  }
}
