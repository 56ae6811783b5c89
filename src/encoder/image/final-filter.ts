/**
 * The final filter (spec §3.12, §4.8): a second restoration filter, fitted after the DCT residual to the decode as
 * it stands, which takes back some of what the residual's coarse steps leave (softened texture, the dead zone's
 * lost detail). Same map and fitter as the restoration filter (filter-fit.ts); only where it runs differs.
 */
import { NATIVE_SCALE, type FieldImage, type RestorationFilter } from '../../kernels/post-filter.js';
import type { ImageResidual } from '../../kernels/residual.js';
import { correctedField, rasterFromField } from '../../kernels/render.js';
import type { Raster } from '../../raster.js';
import { qualityOf, type ResidualChoice } from '../residual/residual-fit.js';
import { fitFilter, type FilterShape } from './filter-fit.js';

/**
 * The final filter of `shape` for `filteredField` (the field through the restoration filter) plus `residual`, and the
 * decode through it; undefined where it does not raise the decode's score by the residual's `choice` (its
 * coefficients fitted for squared error, then rounded to int8), against `decoded`, the decode without it.
 */
export function fitFinalFilter(
  image: Raster, filteredField: FieldImage, residual: ImageResidual, decoded: Raster, shape: FilterShape, choice: ResidualChoice,
): { filter: RestorationFilter; decoded: Raster } | undefined {
  const withResidual: FieldImage = { ...filteredField, values: correctedField(filteredField, NATIVE_SCALE, { residual }) };
  const filter = fitFilter(withResidual, image, shape);
  const filtered = rasterFromField(withResidual, NATIVE_SCALE, { finalFilter: filter });
  return qualityOf(image, filtered, choice) > qualityOf(image, decoded, choice) ? { filter, decoded: filtered } : undefined;
}
