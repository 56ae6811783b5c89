/**
 * What follows the networks' fit, in the order the decoder undoes it (spec §4.8): the restoration filter on the
 * field, the DCT residual filled to the rate, and the final filter on top. One place for the sequence, so that the
 * encoder and the post-fit pilot (bench/post-fit-pilot.ts), which redoes it on a file's networks, cannot drift apart.
 */
import { applyRestorationFilter, NATIVE_SCALE, type FieldImage, type RestorationFilter } from '../../kernels/post-filter.js';
import type { ImageResidual } from '../../kernels/residual.js';
import { rasterFromField } from '../../kernels/render.js';
import { psnr } from '../../metrics/psnr.js';
import type { Raster } from '../../raster.js';
import { addResidualToFill } from '../residual/residual-to-fill.js';
import type { ResidualChoice } from '../residual/residual-fit.js';
import type { ResidualSearch } from '../residual/residual-search.js';
import { fitFilter, placeholderFilter, type FilterShape } from './filter-fit.js';
import { fitFinalFilter } from './final-filter.js';

/** The field with the restoration filter where it pays. */
export interface FilteredField {
  /** The filter, undefined where none was fitted or it did not raise PSNR (its coefficients rounded). */
  readonly filter?: RestorationFilter;
  /** The field the residual corrects: through the filter where kept. */
  readonly base: FieldImage;
  /** `base` as the decoder rounds it, and its PSNR. */
  readonly decoded: Raster;
  readonly psnr: number;
  /** The PSNR of `unfiltered`, the field's own rounding. */
  readonly unfilteredPsnr: number;
}

/**
 * The restoration filter of `shape` fitted to `field` (the networks' render at the source's size), kept only if it
 * raises PSNR over `unfiltered` (the field's own rounding). An exact decode (a flat image) leaves a filter nothing.
 */
export function filterField(image: Raster, field: FieldImage, unfiltered: Raster, shape: FilterShape | undefined): FilteredField {
  const unfilteredPsnr = psnr(image, unfiltered);
  const fitted = shape && unfilteredPsnr < Infinity ? fitFilter(field, image, shape) : undefined;
  if (fitted === undefined) return { base: field, decoded: unfiltered, psnr: unfilteredPsnr, unfilteredPsnr };
  const filteredField: FieldImage = { ...field, values: applyRestorationFilter(field, fitted, NATIVE_SCALE) };
  const filtered = rasterFromField(filteredField, NATIVE_SCALE);
  const filteredPsnr = psnr(image, filtered);
  return filteredPsnr > unfilteredPsnr
    ? { filter: fitted, base: filteredField, decoded: filtered, psnr: filteredPsnr, unfilteredPsnr }
    : { base: field, decoded: unfiltered, psnr: unfilteredPsnr, unfilteredPsnr };
}

/** The residual that fills the rate, and the final filter where it pays. */
export interface FilledResidual {
  readonly residual: ImageResidual;
  /** The residual's coded bytes. */
  readonly bytes: number;
  /** The decode with the residual, before the final filter. */
  readonly residualDecoded: Raster;
  readonly finalFilter?: RestorationFilter;
  /** The decode as the file gives it: with the final filter where kept. */
  readonly decoded: Raster;
}

/**
 * The residual on `base` ranked by `choice` and filled to `targetBytes` of file, with the final filter of
 * `finalShape` on top where it raises `choice`'s score. `sizeWith(residual, finalPlaceholder)` is the file's size with
 * them (the final filter's size is fixed by its shape, so a placeholder stands for it while the residual is sized).
 * Undefined where no residual fits the rate.
 */
export async function fillWithResidual(
  image: Raster, base: FieldImage, targetBytes: number, choice: ResidualChoice, search: ResidualSearch, deadline: number | undefined,
  finalShape: FilterShape | undefined, sizeWith: (residual: ImageResidual | undefined, finalPlaceholder: RestorationFilter | undefined) => number,
): Promise<FilledResidual | undefined> {
  const finalPlaceholder = finalShape && placeholderFilter(finalShape, image.channels);
  const fill = await addResidualToFill(image, base, targetBytes, choice, search, deadline, (residual) => sizeWith(residual, finalPlaceholder));
  if (fill === undefined) return undefined;
  const final = finalShape && fitFinalFilter(image, base, fill.residual, fill.decoded, finalShape, choice);
  return {
    residual: fill.residual, bytes: fill.bytes, residualDecoded: fill.decoded,
    ...(final ? { finalFilter: final.filter } : {}), decoded: final?.decoded ?? fill.decoded,
  };
}
