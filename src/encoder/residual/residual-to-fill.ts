/**
 * The last step of an image encode at a target rate: the DCT residual (residual-fit.ts) that fills the file the
 * networks and the filter left, its size measured on the file as written (the header, where it lives, is deflated).
 */
import { rasterFromField } from '../../kernels/render.js';
import { NATIVE_SCALE, type FieldImage } from '../../kernels/post-filter.js';
import type { ImageResidual } from '../../kernels/residual.js';
import type { Raster } from '../../raster.js';
import { fitResidual, MAX_RESIDUAL_BYTES, type ResidualChoice, type ResidualFit, type ResidualShape } from './residual-fit.js';
import type { ResidualSearch } from './residual-search.js';

/** Most tries at fitting the residual into the bytes left: a deflated header's size moves by a few bytes with its content. */
const RESIDUAL_FILL_TRIES = 4;
/**
 * Share of the target the file may lack before the residual is fitted again to fill it (ResidualChoice.fill): the
 * search leaves up to a step's worth of bytes unused, 1–2 % of a file at 2 bpp (kodim19 2.2 %), where the refit
 * gained +0.06 to +0.19 dB on six photos for about 10 s (docs/studies.md, "Filling the file to its rate"); below 1 %
 * (every photo up to 1 bpp in session 41's bench, at most 0.56 %) it would buy a few hundredths of a dB for 1–4 s.
 */
const RESIDUAL_REFILL_FROM = 0.01;

/**
 * The DCT residual (residual-fit.ts) that fills the file up to `targetBytes`:
 * fitted to `filteredField` (the field through the filter, as the decoder renders it), in
 * the bytes the networks left, and fitted again, its shape kept, in fewer where the file as
 * written (`sizeWith`, its header deflated) comes out over the target, or more closely where it
 * falls more than RESIDUAL_REFILL_FROM short (not past `deadline`, a `Date.now()`). Undefined where no residual fits.
 */
export async function addResidualToFill(
  image: Raster, filteredField: FieldImage, targetBytes: number, choice: ResidualChoice, search: ResidualSearch, deadline: number | undefined,
  sizeWith: (residual?: ImageResidual) => number,
): Promise<{ residual: ImageResidual; bytes: number; decoded: Raster } | undefined> {
  let budget = Math.floor(Math.min(targetBytes - sizeWith(), MAX_RESIDUAL_BYTES));
  // The shape the first try chose: a few bytes fewer do not change which shape is best, so the next tries fit only it.
  let chosen: ResidualShape | undefined;
  // The largest residual whose file fits, and whether the tries fill closer (once the file fell short by much).
  let kept: ResidualFit | undefined;
  let fill = false;
  for (let attempt = 0; attempt < RESIDUAL_FILL_TRIES && budget > 0; attempt++) {
    const fitted: ResidualFit | undefined = chosen === undefined
      ? await search.search(image, filteredField, budget, choice, deadline)
      : fitResidual(image, filteredField, budget, { ...choice, shapes: [chosen], fill });
    if (fitted === undefined) break;
    const over: number = sizeWith(fitted.residual) - targetBytes;
    if (over <= 0 && (kept === undefined || fitted.bytes > kept.bytes)) kept = fitted;
    // Short by much, and within --time's deadline: the refit takes about 10 s at 2 bpp, which no budget reserved.
    const short: boolean = over <= 0 && -over > targetBytes * RESIDUAL_REFILL_FROM && (deadline === undefined || Date.now() < deadline);
    if (over <= 0 && !short) break;
    if (attempt === RESIDUAL_FILL_TRIES - 1) {
      kept ??= fitted; // over by the few bytes the deflated header moved: the rate control's tolerance takes them
      break;
    }
    fill ||= short;
    // From the residual as fitted, not the budget: the finest step that fits may have left bytes unused, and the
    // same budget less the overshoot could give the same residual again; short of the target, as many more.
    budget = Math.min(fitted.bytes - over, MAX_RESIDUAL_BYTES);
    chosen = fitted.shape;
  }
  return kept && { ...kept, decoded: rasterFromField(filteredField, NATIVE_SCALE, { residual: kept.residual }) };
}
