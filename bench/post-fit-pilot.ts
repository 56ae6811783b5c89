/**
 * Pilot: what follows the networks' fit (the restoration filter, the DCT residual, the final filter), done again on
 * an existing file's networks with other settings, so that each variant costs seconds instead of a fit's minutes. The
 * networks are the file's own; the file is rebuilt with the variant's filter, residual and final filter and filled to
 * the same size as the encoder fills it (`addResidualToFill`), then decoded by the decoder and measured.
 *
 *   npm run build && node dist/bench/post-fit-pilot.js photo.png file.snf '{"rdo":0.2}' '{"rankWithFinal":true}' …
 *
 * A variant is a JSON object: `first` (a filter shape, or null for none; default the file's own), `final` (likewise;
 * default the encoder's `FINAL_FILTER_SHAPES` pick), `rdo` (λ of the residual's quantization), `rankWithFinal` (pick
 * the residual's shape by the score after the final filter, each shape fitted to fill), `tune` (default balanced),
 * `chroma` (chroma coefficients a block in every shape).
 * `{}` is the encoder's own path: it reproduces a default encode's decode from the same networks.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeField, decodeImage } from '../src/decoder/index.js';
import { readSnf, writeSnf, type ImageHeader } from '../src/format/index.js';
import { filterShapeOf, NATIVE_SCALE, type RestorationFilter } from '../src/kernels/post-filter.js';
import type { ImageResidual } from '../src/kernels/residual.js';
import { correctedField, rasterFromField } from '../src/kernels/render.js';
import { filterShapeFor, FINAL_FILTER_SHAPES, type FilterShape } from '../src/encoder/image/filter-fit.js';
import { filterField, fillWithResidual } from '../src/encoder/image/post-fit.js';
import { residualChoice, withChroma } from '../src/encoder/image/residual-choice.js';
import { regionDetail } from '../src/encoder/image/tile-widths.js';
import type { Tuning } from '../src/encoder/image/contrast-weights.js';
import { qualityOf, type ResidualChoice } from '../src/encoder/residual/residual-fit.js';
import { searchInThisThread } from '../src/encoder/residual/residual-search.js';
import { psnr } from '../src/metrics/psnr.js';
import { msSsim } from '../src/metrics/ms-ssim.js';
import type { Raster } from '../src/raster.js';
import { readRgb } from './rgb-source.js';

interface Variant {
  readonly first?: FilterShape | null;
  readonly final?: FilterShape | null;
  readonly rdo?: number;
  readonly rankWithFinal?: boolean;
  readonly tune?: Tuning;
  /** `balanced`'s weight of MS-SSIM in dB beside PSNR when it ranks the residual's shapes (residual-choice.ts). */
  readonly msSsimWeight?: number;
  /** Chroma coefficients a block in every shape the residual tries (the format allows up to 64; the encoder keeps 10, 21 above 1 bpp). */
  readonly chroma?: number;
  /** A path prefix: write the source (uint8), the field through the first filter and that plus the residual (float32), row-major, channels last. */
  readonly dump?: string;
}

const [photo, path, ...variantTexts] = process.argv.slice(2);
if (photo === undefined || path === undefined) throw new Error("usage: post-fit-pilot photo.png file.snf '{…variant…}' …");
const source = await readRgb(photo);
const original = new Uint8Array(readFileSync(path));
const file = readSnf(original);
const header = file.header as ImageHeader;
const field = await decodeField(original);
const detail = regionDetail(source, [0, 0, source.width, source.height]);
// The rate the file was encoded for: the power of two nearest its own (0.25, 0.5, 1, 2 bpp), as bytes.
const pixels = source.width * source.height;
const targetBytes = (2 ** Math.round(Math.log2((original.length * 8) / pixels)) * pixels) / 8;

const fileWith = (filter?: RestorationFilter, residual?: ImageResidual, finalFilter?: RestorationFilter): Uint8Array => {
  const { filter: _f, residual: _r, finalFilter: _ff, ...rest } = header;
  const next: ImageHeader = { ...rest, ...(filter ? { filter } : {}), ...(residual ? { residual } : {}), ...(finalFilter ? { finalFilter } : {}) };
  return writeSnf({ header: next, networks: file.networks, sharedContexts: true });
};

for (const text of variantTexts.length > 0 ? variantTexts : ['{}']) {
  const variant = JSON.parse(text) as Variant;
  const started = performance.now();
  const firstShape = variant.first === undefined ? (header.filter && filterShapeOf(header.filter)) : variant.first ?? undefined;
  const { filter, base } = filterField(source, field, rasterFromField(field, NATIVE_SCALE), firstShape);
  const finalShape = variant.final === undefined ? filterShapeFor(targetBytes, source.channels, FINAL_FILTER_SHAPES) : variant.final ?? undefined;
  const tuned = residualChoice(variant.tune ?? 'balanced', detail, (8 * targetBytes) / pixels);
  const choice: ResidualChoice = {
    ...(variant.chroma === undefined ? tuned : withChroma(tuned, variant.chroma)),
    ...(variant.rdo === undefined ? {} : { rdo: variant.rdo }), ...(variant.msSsimWeight === undefined ? {} : { msSsimWeight: variant.msSsimWeight }),
  };
  const sizeWith = (residual: ImageResidual | undefined, placeholder: RestorationFilter | undefined): number => fileWith(filter, residual, placeholder).length;
  const finish = async (ranked: ResidualChoice): Promise<{ decoded: Raster; residual?: ImageResidual; finalFilter?: RestorationFilter; score: number }> => {
    const filled = await fillWithResidual(source, base, targetBytes, ranked, searchInThisThread, undefined, finalShape, sizeWith);
    if (filled === undefined) return { decoded: rasterFromField(base, NATIVE_SCALE), score: -Infinity };
    return { ...filled, score: qualityOf(source, filled.decoded, choice) };
  };
  let best = await finish(choice);
  if (variant.rankWithFinal === true) {
    for (const shape of choice.shapes) {
      const tried = await finish({ ...choice, shapes: [shape] });
      if (tried.score > best.score) best = tried;
    }
  }
  if (variant.dump !== undefined && best.residual !== undefined) {
    writeFileSync(`${variant.dump}-source.u8`, source.data);
    writeFileSync(`${variant.dump}-base.f32`, new Uint8Array(base.values.buffer, base.values.byteOffset, base.values.byteLength));
    const corrected = correctedField(base, NATIVE_SCALE, { residual: best.residual });
    writeFileSync(`${variant.dump}-corrected.f32`, new Uint8Array(corrected.buffer, corrected.byteOffset, corrected.byteLength));
  }
  const bytes = fileWith(filter, best.residual, best.finalFilter);
  const decoded = await decodeImage(bytes);
  console.log(JSON.stringify({
    photo, file: path, variant, bytes: bytes.length, target: targetBytes, psnr: +psnr(source, decoded).toFixed(4), msssim: +msSsim(source, decoded).value.toFixed(5),
    residual: best.residual && { k: best.residual.lumaCoefficients, g: best.residual.gradient ?? 0, adaptive: best.residual.adaptive !== undefined }, final: best.finalFilter !== undefined, seconds: +((performance.now() - started) / 1000).toFixed(1),
  }));
}
