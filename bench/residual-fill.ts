/**
 * A network-only .snf plus a DCT residual (spec §4.7) that fills it up to a
 * size (docs/studies.md, "A DCT residual for the mid frequencies"): the
 * file's field is rendered and filtered as the decoder does, the encoder's
 * residual fit (src/encoder/residual/residual-fit.ts) spends the bytes left, and the
 * rewritten file is decoded by the decoder and measured (PSNR, MS-SSIM).
 * Compare with a file encoded at the full size: the residual pays where the
 * pair is ahead.
 *
 *   npm run build && node dist/bench/residual-fill.js photo-0.8bpp.snf photo.png BYTES [out.snf]
 *
 * With --each, one line per shape the encoder tries (a count of luma coefficients at one step, or all 64 at a
 * step graded by frequency; `--tune psnr` keeps the best by PSNR); with --grid, one line for each gradient and
 * count given (docs/studies.md, "A graded step for the residual"). A file that
 * already has a residual is measured without it first. --rdo, --mask and --adapt set the quantization of every shape.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeField, decodeImage } from '../src/decoder/index.js';
import { applyRestorationFilter } from '../src/kernels/post-filter.js';
import { fitResidual, RESIDUAL_SHAPES, type ResidualShape } from '../src/encoder/residual/residual-fit.js';
import { readSnf, writeSnf, isImageFile } from '../src/format/index.js';
import { psnr } from '../src/metrics/psnr.js';
import { msSsim } from '../src/metrics/ms-ssim.js';
import { readRgb } from './rgb-source.js';

const args = process.argv.slice(2);
const each = args.includes('--each');
// --rdo K: the rate–distortion optimized quantization at λ = K · step² (residual-rdo.ts).
const rdoAt = args.indexOf('--rdo');
const rdo = rdoAt < 0 ? 0 : Number(args.splice(rdoAt, 2)[1]);
// --mask S: texture masking in that quantization at σ₀ = S levels (ResidualShape.masking), on every shape.
const maskAt = args.indexOf('--mask');
const masking = maskAt < 0 ? 0 : Number(args.splice(maskAt, 2)[1]);
// --adapt S,E: steps that grow with the field's activity at σ₀ = S levels and exponent E sixteenths (ResidualShape.adaptive), on every shape.
const adaptAt = args.indexOf('--adapt');
const [sigma, exponent] = adaptAt < 0 ? [] : args.splice(adaptAt, 2)[1]!.split(',').map(Number);
const adaptive = sigma === undefined || exponent === undefined ? undefined : { sigma, exponent };
const gridAt = args.indexOf('--grid');
const grid = gridAt < 0 ? undefined : gridShapes(args[gridAt + 1] ?? '');
const [snfPath, sourcePath, sizeText, outPath] = args.filter((arg, i) => arg !== '--each' && (gridAt < 0 || (i !== gridAt && i !== gridAt + 1)));
if (snfPath === undefined || sourcePath === undefined || !(Number(sizeText) > 0) || grid?.length === 0) {
  console.error('usage: node dist/bench/residual-fill.js file.snf source.png BYTES [out.snf] [--each | --grid G,G,…/COUNT,COUNT,…[/CHROMA,…]]');
  process.exit(2);
}

/**
 * `--grid 0,0.5,1/10,64[/3,10]`: every gradient (1 = the step doubled at v + u = 7, `g` 16) with every count of luma
 * coefficients (and of chroma coefficients, the encoder's where not given).
 */
function gridShapes(text: string): ResidualShape[] {
  const [gradients = '', counts = '', chromas = ''] = text.split('/');
  const list = (part: string): number[] => part.split(',').filter(Boolean).map(Number);
  const chromaCounts = chromas === '' ? [undefined] : list(chromas);
  return list(gradients).flatMap((g) => list(counts).flatMap((count) => chromaCounts.map((chroma) => ({
    count, gradient: Math.round(g * 16), ...(chroma === undefined ? {} : { chroma }),
  }))));
}
const read = readSnf(new Uint8Array(readFileSync(snfPath)));
if (!isImageFile(read)) throw new Error(`${snfPath} is not an image`);
const { residual: _dropped, ...header } = read.header;
const file = { ...read, header };
const bytes = writeSnf({ ...file, sharedContexts: true });
const source = await readRgb(sourcePath);
const field = await decodeField(bytes);
const values = file.header.filter === undefined ? field.values : applyRestorationFilter(field, file.header.filter, { x: 1, y: 1 });
const before = await decodeImage(bytes);
console.log(`${snfPath}: ${bytes.length} bytes, ${psnr(source, before).toFixed(2)} dB, MS-SSIM ${msSsim(source, before).value.toFixed(4)}`);
for (const shapes of grid?.map((shape) => [shape]) ?? (each ? RESIDUAL_SHAPES.map((shape) => [shape]) : [RESIDUAL_SHAPES])) {
  const started = performance.now();
  const fitted = fitResidual(source, { ...field, values }, Number(sizeText) - bytes.length, {
    shapes: shapes.map((shape) => ({ ...shape, ...(masking > 0 ? { masking } : {}), ...(adaptive ? { adaptive } : {}) })), by: 'psnr', rdo,
  });
  const seconds = (performance.now() - started) / 1000;
  if (fitted === undefined) {
    console.log('  no residual fits');
    continue;
  }
  const rewritten = writeSnf({ ...file, header: { ...file.header, residual: fitted.residual }, sharedContexts: true });
  const after = await decodeImage(rewritten);
  const { lumaCoefficients, chromaCoefficients, lumaStep, gradient = 0 } = fitted.residual;
  console.log(`  + residual (${lumaCoefficients}/${chromaCoefficients} coefficients, step ${(lumaStep / 16).toFixed(2)}, gradient ${gradient / 16}, fitted in ${seconds.toFixed(1)} s): `
    + `${rewritten.length} bytes, ${psnr(source, after).toFixed(3)} dB, MS-SSIM ${msSsim(source, after).value.toFixed(4)}`);
  if (outPath !== undefined) writeFileSync(outPath, rewritten);
}
