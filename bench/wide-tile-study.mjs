// node bench/wide-tile-study.mjs RUNS_JSON (from the repository root, after npm run build): one JSON line per run.
// kodim06's tile (1,1) at 2 bpp: width 72, ended at 25.25 dB in the full-size encode. Fit alone, with a trace.
import sharp from 'sharp';
import { encodeImage } from '../dist/src/encoder/encode-image.js';
const { data, info } = await sharp('../shared/data/kodak/kodim06.png').extract({ left: 192, top: 128, width: 192, height: 128 }).raw().toBuffer({ resolveWithObject: true });
const image = { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data) };
for (const run of JSON.parse(process.argv[2])) {
  const trace = [];
  const t = Date.now();
  const r = await encodeImage(image, { tiles: { columns: 1, rows: 1 }, width: 72, depth: 3, bpp: 3.7, steps: 1000, ...run, onStep: (s, n, p) => { if (s % 50 === 0) trace.push([s, +p.toFixed(2)]); } });
  console.log(JSON.stringify({ tile: 'kodim06 x192 y128', run, psnr: +r.psnr.toFixed(3), bytes: r.bytes.length, alpha: r.alpha, steps: r.steps, s: (Date.now() - t) / 1000, trace }));
}
