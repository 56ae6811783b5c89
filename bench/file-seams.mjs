// PSNR of a .snf file's decode, and its seam ratio (src/metrics/seams.ts) on the file's own tile edges (equal or a
// grid with cuts, spec §3.5), as one JSON line:   npm run build && node bench/file-seams.mjs source.png file.snf
import { findGrid, gridAxisEdges, readSnf } from '../dist/src/format/index.js';
import { decodeImage } from '../dist/src/decoder/index.js';
import { seamRatio } from '../dist/src/metrics/seams.js';
import { psnr } from '../dist/src/metrics/psnr.js';
import sharp from 'sharp';
import { readFileSync } from 'node:fs';
const [src, file] = process.argv.slice(2);
const bytes = new Uint8Array(readFileSync(file));
const { header, networks } = readSnf(bytes);
// The file's inner tile edges: its cells' grid (spec §3.5), equal or with cuts.
const sizes = [header.width, header.height];
const grid = findGrid(sizes, networks.map((n) => n.region));
if (grid === undefined) throw new Error(`${file}: its networks' regions are not a grid's cells`);
const [xs, ys] = gridAxisEdges(sizes, grid).map((edges) => edges.slice(1, -1));
const { data, info } = await sharp(src).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const image = { width: info.width, height: info.height, channels: 3, data };
const decoded = await decodeImage(bytes);
console.log(JSON.stringify({ file, version: `${bytes[8]}.${bytes[9]}`, bytes: bytes.length, psnr: +psnr(image, decoded).toFixed(3), seams: +seamRatio(image, decoded, { xs, ys }).ratio.toFixed(3), xs, ys }));
