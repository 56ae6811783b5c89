/**
 * Which restoration filter (spec §3.10, §4.6) to fit (docs/studies.md, "A
 * restoration filter"): takes .snf files written without one and their
 * sources, renders each file's field, and fits filters of several shapes
 * with the encoder's own fit (src/encoder/image/filter-fit.ts), printing the PSNR
 * each gains on the decoded samples, the bytes it adds, the gain net of
 * what those bytes would buy in the networks (2.85 dB per doubling of the
 * rate) and the MS-SSIM. The gain is in-sample, as in the encoder, which
 * fits on the image it codes.
 *
 *   npm run build && node dist/bench/filter-shapes.js [--shapes r/x/classes/directions,…] photo.snf photo.png [more.snf more.png …]
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { FILTER_SHAPES, filterBytes, fitFilter, type FilterShape } from '../src/encoder/image/filter-fit.js';
import { decodeField } from '../src/decoder/index.js';
import { rasterFromField } from '../src/kernels/render.js';
import { psnr } from '../src/metrics/psnr.js';
import { msSsim } from '../src/metrics/ms-ssim.js';
import { netOfBytes, readRgb } from './rgb-source.js';

const plain = (radius: number, cross: number, classes: number): FilterShape => ({ radius, cross, classes, directions: 1 });
const DEFAULT_SHAPES: FilterShape[] = [
  plain(1, 0, 1), plain(2, 0, 1), plain(3, 0, 1), plain(3, 1, 1), plain(3, 1, 2), plain(3, 1, 4), plain(3, 1, 8), plain(4, 1, 4), plain(2, 1, 4),
  ...FILTER_SHAPES.filter((shape) => shape.directions > 1),
];

function signed(db: number): string {
  return `${db >= 0 ? '+' : ''}${db.toFixed(3)}`;
}

// --shapes r/x/classes/directions,… replaces the default list (e.g. --shapes 3/1/4/5,3/1/8/5).
const argv = process.argv.slice(2);
const shapesAt = argv.indexOf('--shapes');
const SHAPES: FilterShape[] = shapesAt < 0 ? DEFAULT_SHAPES : (argv[shapesAt + 1] ?? '').split(',').map((text) => {
  const [radius, cross, classes, directions] = text.split('/').map(Number);
  return { radius: radius!, cross: cross!, classes: classes!, directions: directions ?? 1 };
});
const args = shapesAt < 0 ? argv : [...argv.slice(0, shapesAt), ...argv.slice(shapesAt + 2)];
if (args.length < 2 || args.length % 2 !== 0 || SHAPES.some((shape) => Object.values(shape).some((v) => !Number.isInteger(v)))) {
  console.error('usage: node dist/bench/filter-shapes.js [--shapes r/x/classes/directions,…] file.snf source.png [file.snf source.png …]');
  process.exit(2);
}
console.log(`# restoration filter shapes, ${os.cpus()[0]?.model ?? 'unknown CPU'}; node dist/bench/filter-shapes.js ${args.join(' ')}`);
console.log('| file | bytes | unfiltered dB | radius | cross | classes | directions | filter bytes | dB gained | share of the file | net of its bytes | MS-SSIM (unfiltered) |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (let i = 0; i < args.length; i += 2) {
  const bytes = new Uint8Array(readFileSync(args[i]!));
  const image = await readRgb(args[i + 1]!);
  const field = await decodeField(bytes);
  const unfiltered = rasterFromField(field, { x: 1, y: 1 });
  const base = psnr(image, unfiltered);
  const baseSsim = msSsim(image, unfiltered).value;
  for (const shape of SHAPES) {
    const filter = fitFilter(field, image, shape);
    const filtered = rasterFromField(field, { x: 1, y: 1 }, { filter });
    const gained = psnr(image, filtered) - base;
    const size = filterBytes(shape, 3);
    const net = netOfBytes(gained, size, bytes.length);
    console.log(`| ${args[i]} | ${bytes.length} | ${base.toFixed(2)} | ${shape.radius} | ${shape.cross} | ${shape.classes} | ${shape.directions} | ${size} | ${signed(gained)} | ${((100 * size) / bytes.length).toFixed(2)} % | ${signed(net)} | ${msSsim(image, filtered).value.toFixed(5)} (${baseSsim.toFixed(5)}) |`);
  }
}
