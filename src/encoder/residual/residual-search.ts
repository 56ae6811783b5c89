import type { FieldImage } from '../../kernels/post-filter.js';
import type { Raster } from '../../raster.js';
import { fitResidualShapes, unranked, type ResidualChoice, type ResidualFit } from './residual-fit.js';

/**
 * How the encoder searches the residual's shapes (residual-fit.ts): in the
 * calling thread (`searchInThisThread`: a page's encoder, the library's
 * default), or split between worker threads (residual-threads.ts, Node). Both
 * keep the same residual; only the time differs.
 */
export interface ResidualSearch {
  /** Threads the shapes are split between: an encode under --time reserves the search's share of the time by it. */
  readonly threads: number;
  /** `fitResidual` over `choice.shapes`; past `deadline` (a `Date.now()`) each thread tries no further shape once one fits. */
  search(source: Raster, field: FieldImage, budget: number, choice: ResidualChoice, deadline?: number): Promise<ResidualFit | undefined>;
}

/** Every shape in the calling thread, one after another. */
export const searchInThisThread: ResidualSearch = {
  threads: 1,
  async search(source, field, budget, choice, deadline) {
    return unranked(fitResidualShapes(source, field, budget, choice, undefined, deadline));
  },
};

/**
 * Seconds of one thread per pixel and shape tried, measured on this project's 2-core host (AMD EPYC, Node 20): a
 * `balanced` search of 22 shapes over kodim07 at 0.5 bpp took 20.8 s (bisection of each shape's step with and without
 * the rate–distortion quantization, then its decode's PSNR and MS-SSIM). The time an encode under --time keeps back
 * for the residual before it fits; the search's deadline bounds what a slower machine would overrun.
 */
export const RESIDUAL_SECONDS_PER_PIXEL_SHAPE = 2.4e-6;

/** The seconds `search` is expected to take on `pixels` pixels: its shapes shared between its threads. */
export function residualSearchSeconds(search: ResidualSearch, choice: ResidualChoice, pixels: number): number {
  return Math.ceil(choice.shapes.length / search.threads) * pixels * RESIDUAL_SECONDS_PER_PIXEL_SHAPE;
}
