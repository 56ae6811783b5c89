import { parameterCount, type SirenArch } from '../../kernels/arch.js';
import { paddedWidth } from '../../kernels/wasm/layout.js';

/**
 * What one training pass over one point costs a network of `arch`, in parameters: the parameters of the network the
 * kernels run (its width padded to WIDTH_PAD) plus PASS_OVERHEAD_PARAMETERS. A --time budget is shared among the
 * networks by this times their points, so that each gets about the same passes.
 *
 * Measured (session 54, docs/engine.md): on the 16 tiles of a full-size photo at 1 bpp, the WASM engine's pass took
 * 103, 220, 403, 625 and 900 ns a point at widths 8 to 40 (depth 4), within 3 % of 0.14 ns × (parameters + 285).
 * Shared by parameters alone, an 8-unit tile got about a fifth fewer passes than the wider ones under --time.
 */
export function passCostPerPoint(arch: SirenArch): number {
  return parameterCount({ ...arch, width: paddedWidth(arch.width) }) + PASS_OVERHEAD_PARAMETERS;
}

/** The part of a pass that does not grow with the network (the loss, the batches' bookkeeping), in parameters' worth. */
export const PASS_OVERHEAD_PARAMETERS = 285;
