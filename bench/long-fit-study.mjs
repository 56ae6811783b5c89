// node bench/long-fit-study.mjs RUNS_JSON: long fits of one wide network, alone: kodim07's widest tile at 1 bpp (width 56, tile (2,1) of the
// 4x4 grid, 192x128 at x 384, y 128), each run one JSON line with the decoded PSNR and the training PSNR every 250 passes. Run from the repository root after npm run build.
import sharp from 'sharp';
import { encodeImage } from '../dist/src/encoder/encode-image.js';
const [left, top] = [384, 128];
const { data, info } = await sharp('../shared/data/kodak/kodim07.png').extract({ left, top, width: 192, height: 128 }).raw().toBuffer({ resolveWithObject: true });
const image = { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data) };
const runs = JSON.parse(process.argv[2]);
for (const run of runs) {
  const trace = [];
  const t = Date.now();
  const r = await encodeImage(image, { tiles: { columns: 1, rows: 1 }, width: 56, depth: 3, ...(run.bpp ? {} : { bits: 16 }), ...run, onStep: (s, n, p) => { if (s % 250 === 0) trace.push([s, +p.toFixed(2)]); } });
  console.log(JSON.stringify({ run, psnr: +r.psnr.toFixed(3), steps: r.steps, s: (Date.now() - t) / 1000, trace }));
}
