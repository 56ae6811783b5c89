// Usage: node bench/decoded-metrics.mjs ORIGINAL.png DECODED.png (after npm run build): one JSON line.
// PSNR and MS-SSIM of a decoded PNG against the original, as the bench measures them.
import { createRequire } from 'node:module';
const sharp = createRequire(import.meta.url)('sharp');
const { msSsim } = await import('../dist/src/metrics/ms-ssim.js');
const { psnr } = await import('../dist/src/metrics/psnr.js');
const load = async (p) => { const { data, info } = await sharp(p).removeAlpha().raw().toBuffer({ resolveWithObject: true }); return { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data) }; };
const [a, b] = await Promise.all([load(process.argv[2]), load(process.argv[3])]);
console.log(JSON.stringify({ psnr: psnr(a, b), msssim: msSsim(a, b).value }));
