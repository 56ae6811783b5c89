import { tensorSlices, type SirenArch } from '../../kernels/arch.js';
import type { Engine } from './engine.js';
import { roundToSteps } from './rate-control.js';

/**
 * How many times the loss that rounding adds to a network may exceed what
 * its sensitivities predict before the rate control stops trusting them.
 * The sensitivities are one noise probe per tensor at an 8-bit step
 * (sensitivity.ts); the file's steps are several times coarser, where a
 * sine network's loss can grow much faster than the quadratic model says.
 * On kodim06 at 1 bpp (session 23) one tile of width 56 lost 5.5 dB to
 * rounding where its neighbours lost 0.3–0.8 (its float fit was level with
 * theirs): its measured added loss was many times the prediction, the
 * others' within a small factor of it (docs/studies.md, "Rounding checked").
 */
export const ROUNDING_MISS_FACTOR = 4;

/** One network's rounding, measured against its prediction. */
export interface RoundingCheck {
  /** Loss of the float parameters and of the rounded ones, on every point. */
  readonly floatLoss: number;
  readonly roundedLoss: number;
  /** Σ_t h_t · n_t · s_t² / 12: the added loss the sensitivities predict at these steps. */
  readonly predicted: number;
}

/** Measured added loss over predicted (0 when the rounding added none). */
export function missFactor(check: RoundingCheck): number {
  return Math.max(0, check.roundedLoss - check.floatLoss) / Math.max(check.predicted, Number.MIN_VALUE);
}

/**
 * Scores `params`, which `engine` holds (its setup's), and their rounding
 * to `steps` (which it then holds): two forward passes over every point.
 * Run as a network job (network-job.ts), on the lanes where there are some.
 */
export async function measureRounding(
  engine: Engine, arch: SirenArch, params: Float32Array, sensitivities: readonly number[], steps: readonly number[], unitScales = false,
): Promise<RoundingCheck> {
  const floatLoss = await engine.forward();
  await engine.setParams(roundToSteps(arch, params, steps, unitScales));
  const roundedLoss = await engine.forward();
  const predicted = tensorSlices(arch).reduce((sum, { length }, t) => sum + (sensitivities[t]! * length * steps[t]! ** 2) / 12, 0);
  return { floatLoss, roundedLoss, predicted };
}
