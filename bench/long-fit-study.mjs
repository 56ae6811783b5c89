// node bench/long-fit-study.mjs RUNS_JSON [TILE_JSON]: fits of one network on one 192x128 native tile, alone, each run one JSON line
// with the decoded PSNR and the training PSNR every `every` passes. Run from the repository root after npm run build.
// The tile by default: kodim07's widest tile at 1 bpp (width 56, tile (2,1) of the 4x4 grid, at x 384, y 128), traced every 250 passes;
// TILE_JSON overrides any of {"image":"kodim07","left":384,"top":128,"width":56,"every":250}.
import sharp from 'sharp';
import { encodeImage } from '../dist/src/encoder/image/encode-image.js';
const tile = { image: 'kodim07', left: 384, top: 128, width: 56, every: 250, ...JSON.parse(process.argv[3] ?? '{}') };
const { data, info } = await sharp(`../shared/data/kodak/${tile.image}.png`).extract({ left: tile.left, top: tile.top, width: 192, height: 128 }).raw().toBuffer({ resolveWithObject: true });
const image = { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data) };
const runs = JSON.parse(process.argv[2]);
for (const run of runs) {
  const trace = [];
  const t = Date.now();
  const r = await encodeImage(image, { tiles: { columns: 1, rows: 1 }, width: tile.width, depth: 3, ...(run.bpp ? {} : { bits: 16 }), ...run, onStep: (s, n, p) => { if (s % tile.every === 0) trace.push([s, +p.toFixed(2)]); } });
  console.log(JSON.stringify({ ...(process.argv[3] ? { tile } : {}), run, psnr: +r.psnr.toFixed(3), steps: r.steps, s: (Date.now() - t) / 1000, trace }));
}
