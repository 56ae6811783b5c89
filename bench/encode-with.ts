/**
 * One encode with library options that the CLI does not expose (studies: `contrastWeighting`, say), decoded by
 * the decoder and measured; prints one JSON line (docs/studies.md, "The weighting with the residual").
 *
 *   npm run build && node dist/bench/encode-with.js photo.png BPP '{"contrastWeighting":{"strength":0.5,"radius":3}}' out.snf
 */
import { writeFileSync } from 'node:fs';
import { encodeImage, type ImageEncodeOptions } from '../src/encoder/image/encode-image.js';
import { decodeImage } from '../src/decoder/index.js';
import { psnr } from '../src/metrics/psnr.js';
import { msSsim } from '../src/metrics/ms-ssim.js';
import { readRgb } from './rgb-source.js';

const [photo, bppText, json, out] = process.argv.slice(2);
if (photo === undefined || !(Number(bppText) > 0) || json === undefined || out === undefined) {
  console.error("usage: node dist/bench/encode-with.js photo.png BPP '{…options…}' out.snf");
  process.exit(2);
}
const options = JSON.parse(json) as ImageEncodeOptions;
const source = await readRgb(photo);
const started = performance.now();
const result = await encodeImage(source, { ...options, bpp: Number(bppText) });
const seconds = (performance.now() - started) / 1000;
writeFileSync(out, result.bytes);
const decoded = await decodeImage(result.bytes);
console.log(JSON.stringify({ photo, bpp: Number(bppText), options, bytes: result.bytes.length, psnr: psnr(source, decoded), msssim: msSsim(source, decoded).value, seconds,
  // Where the PSNR came from: the networks alone, through the filter, and the residual's bytes and planned share.
  unfilteredPsnr: result.unfilteredPsnr, networkPsnr: result.networkPsnr, residualBytes: result.residualBytes, residualShare: result.residualShare,
  widths: result.widths, tilePsnrs: result.tilePsnrs.map((p) => +p.toFixed(2)), steps: result.steps, detail: result.detail }));
