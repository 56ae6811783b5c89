/**
 * How much of a photo's seam ratio (src/metrics/seams.ts) is its content:
 * the ratio measures the error on the pixel lines either side of the tile
 * edges against the error elsewhere, so a horizon or an edge of the scene
 * that runs along one of those lines raises it whatever the codec. This
 * prints, per photo, the ratio on the same lines for codecs without tiles
 * (a Gaussian blur of the source, mozjpeg and WebP at the quality whose
 * file is nearest the rate), beside snf's from a bench's results.json.
 *
 *   npm run build && node dist/bench/seam-control.js ../shared/data/kodak [--grid 4x4] [--bpp 0.5] [--edges even|content]
 *     [--bench bench/results/kodak-full-s18/results.json]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { Raster } from '../src/raster.js';
import { seamRatio } from '../src/metrics/seams.js';
import { readRgb } from './rgb-source.js';
import { DEFAULT_OVERLAP } from '../src/encoder/image/image-defaults.js';
import { tileEdges, type TileEdgeMode } from '../src/encoder/image/tile-edges.js';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1]! : fallback;
}

/** The images named on the command line (folders: their PNG files, sorted). */
function inputs(): string[] {
  const named = process.argv.slice(2).filter((argument, i, all) => !argument.startsWith('--') && !all[i - 1]?.startsWith('--'));
  return named.flatMap((entry) => statSync(entry).isDirectory()
    ? readdirSync(entry).filter((name) => name.endsWith('.png')).sort().map((name) => path.join(entry, name)) : [entry]);
}

type Pipeline = ReturnType<typeof sharp>;
type Encoder = (pipeline: Pipeline, quality: number) => Pipeline;

/** `encoder`'s decode at the quality whose file is nearest `bytes` (bisection on quality 1–100). */
async function atBytes(image: Raster, encoder: Encoder, bytes: number): Promise<{ decoded: Raster; bytes: number }> {
  const raw = { raw: { width: image.width, height: image.height, channels: image.channels } } as const;
  const encode = (quality: number): Promise<Buffer> => encoder(sharp(Buffer.from(image.data), raw), quality).toBuffer();
  let low = 1, high = 100;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if ((await encode(middle)).length <= bytes) low = middle;
    else high = middle;
  }
  const [a, b] = [await encode(low), await encode(high)];
  const file = Math.abs(a.length - bytes) <= Math.abs(b.length - bytes) ? a : b;
  const data = await sharp(file).removeAlpha().raw().toBuffer();
  return { decoded: { ...image, data: new Uint8Array(data) }, bytes: file.length };
}

/** snf's recorded seam ratio per image file name, at the bench's rate nearest `bpp` (within 10 %). */
function benchSeams(file: string | undefined, bpp: number): Map<string, number> {
  const seams = new Map<string, number>();
  if (file === undefined) return seams;
  const { entries } = JSON.parse(readFileSync(file, 'utf8')) as { entries: { codec: string; image: string; bpp: number; seams?: number }[] };
  for (const entry of entries) {
    if (entry.codec === 'snf' && entry.seams !== undefined && Math.abs(entry.bpp - bpp) < 0.1 * bpp) seams.set(path.basename(entry.image), entry.seams);
  }
  return seams;
}

const [columns, rows] = option('grid', '4x4').split('x').map(Number) as [number, number];
const bpp = Number(option('bpp', '0.5'));
const edgeMode = option('edges', 'even') as TileEdgeMode;
const snf = benchSeams(process.argv.includes('--bench') ? option('bench', '') : undefined, bpp);
console.log(`Seam ratio on the lines either side of a ${columns}×${rows} grid's inner edges (${edgeMode} edges); codecs without tiles at about ${bpp} bpp.\n`);
console.log('| image | blur σ 1 | mozjpeg | WebP | snf (bench) |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const file of inputs()) {
  const image = await readRgb(file);
  // The lines snf's tiles would have: equal tiles', or where the encoder's content edges put them (tile-edges.ts).
  const [xs, ys] = tileEdges(image, columns, rows, DEFAULT_OVERLAP, edgeMode);
  const ratio = (decoded: Raster): string => seamRatio(image, decoded, { xs, ys }).ratio.toFixed(2);
  const raw = { raw: { width: image.width, height: image.height, channels: image.channels } } as const;
  const blurred = await sharp(Buffer.from(image.data), raw).blur(1).raw().toBuffer();
  const bytes = (bpp * image.width * image.height) / 8;
  const jpeg = await atBytes(image, (pipeline, quality) => pipeline.jpeg({ quality, mozjpeg: true }), bytes);
  const webp = await atBytes(image, (pipeline, quality) => pipeline.webp({ quality }), bytes);
  const recorded = snf.get(path.basename(file));
  console.log(`| ${path.basename(file, '.png')} | ${ratio({ ...image, data: new Uint8Array(blurred) })} | ${ratio(jpeg.decoded)} | ${ratio(webp.decoded)} | ${recorded === undefined ? '' : recorded.toFixed(2)} |`);
}
console.log(`\n\`node dist/bench/seam-control.js ${process.argv.slice(2).join(' ')}\``);
