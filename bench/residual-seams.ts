/**
 * Where a photo's seam ratio comes from (docs/studies.md, "A smooth photo's residual at 0.25–1 bpp, and the tile
 * edges"): takes a .snf written by
 * `snfc encode` (with its DCT residual) and prints the seam ratio (src/metrics/seams.ts) of its decode, of the same
 * ratio on lines moved off the tile edges (the photo's content along lines of the grid's spacing), and of the
 * networks alone (the residual dropped), with PSNR and MS-SSIM.
 *
 *   npm run build && node dist/bench/residual-seams.js photo.snf photo.png
 *
 * Session 42 also fitted the residual again with the error of blocks on a tile edge weighed 2, 4 and 8 times in its
 * rate–distortion quantization (commit 7f76e6a, `ResidualChoice.seams`; bench/results/residual-seams-s42.txt).
 */
import { readFileSync } from 'node:fs';
import { decodeImage } from '../src/decoder/index.js';
import { regionDetail } from '../src/encoder/image/tile-widths.js';
import { readSnf, writeSnf, isImageFile } from '../src/format/index.js';
import { psnr } from '../src/metrics/psnr.js';
import { msSsim } from '../src/metrics/ms-ssim.js';
import { seamRatio } from '../src/metrics/seams.js';
import type { Raster } from '../src/raster.js';
import { readRgb } from './rgb-source.js';

const [snfPath, sourcePath] = process.argv.slice(2);
if (snfPath === undefined || sourcePath === undefined) {
  console.error('usage: node dist/bench/residual-seams.js photo.snf photo.png');
  process.exit(2);
}
const original = new Uint8Array(readFileSync(snfPath));
const read = readSnf(original);
if (!isImageFile(read) || read.header.residual === undefined) throw new Error(`${snfPath} is not an image with a residual`);
const { residual: _dropped, ...header } = read.header;
const file = { ...read, header };
const networksOnly = writeSnf({ ...file, sharedContexts: true });
const source = await readRgb(sourcePath);
// The inner tile edges, from the networks' regions ([x0, y0, x1, y1] in pixels).
const xs = [...new Set(file.networks.map((n) => n.region[0]!).filter((x) => x > 0))].sort((a, b) => a - b);
const ys = [...new Set(file.networks.map((n) => n.region[1]!).filter((y) => y > 0))].sort((a, b) => a - b);
const detail = regionDetail(source, [0, 0, source.width, source.height]);
const measure = (decoded: Raster): string =>
  `${psnr(source, decoded).toFixed(3)} dB, MS-SSIM ${msSsim(source, decoded).value.toFixed(4)}, seams ${seamRatio(source, decoded, { xs, ys }).ratio.toFixed(3)}`;
console.log(`${snfPath}: ${original.length} bytes (${original.length - networksOnly.length} of residual), detail ${detail.toFixed(0)}, edges x ${xs.join(' ')} y ${ys.join(' ')}`);
const encoded = await decodeImage(original);
console.log(`  as encoded: ${measure(encoded)}`);
// The same ratio on other lines of the grid's spacing (whole blocks of the residual off the tile edges, or half a
// block): how much of it is the photo's content along those lines rather than where the tiles meet.
const shifted = (dx: number, dy: number): string => seamRatio(source, encoded, { xs: xs.map((x) => x + dx), ys: ys.map((y) => y + dy) }).ratio.toFixed(3);
const [w, h] = [source.width / (xs.length + 1), source.height / (ys.length + 1)];
console.log(`  the same lines moved: +4 px ${shifted(4, 4)}, +16 px ${shifted(16, 16)}, half a tile ${shifted(Math.round(w / 16) * 8, Math.round(h / 16) * 8)}`);
console.log(`  networks alone: ${measure(await decodeImage(networksOnly))}`);
