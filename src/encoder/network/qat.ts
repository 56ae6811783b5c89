import type { SirenArch } from '../../kernels/arch.js';
import type { Engine } from './engine.js';
import { eventLoopYielder } from './event-loop.js';
import { roundToSteps } from './rate-control.js';
import { learningRateAt, runProgress } from './trainer.js';

export interface QatOptions {
  readonly steps: number;
  readonly lr: number;
  readonly timeLimitSeconds?: number;
  readonly onStep?: (step: number, loss: number) => void;
  /** The grid has steps per unit (format 5, spec §5.1). */
  readonly unitScales?: boolean;
}

export interface QatResult {
  /** Float weights whose rounding to the grid scored best. */
  readonly params: Float32Array;
  /** Training loss of the rounded weights. */
  readonly loss: number;
  readonly steps: number;
}

/**
 * Quantization-aware fine-tuning with a straight-through estimator: each
 * step evaluates the network with its weights rounded to the grid of
 * `gridSteps`, and applies the resulting Adam update to the float weights
 * behind them. Works with any engine through get/setParams: the engine
 * updates the rounded weights, and the change it makes is carried over to
 * the float copy.
 */
export async function quantizationAwareFineTune(
  engine: Engine, arch: SirenArch, params: Float32Array, gridSteps: readonly number[], options: QatOptions,
): Promise<QatResult> {
  const started = performance.now();
  const yieldToEventLoop = eventLoopYielder();
  const shadow = Float32Array.from(params);
  let best = { params: Float32Array.from(shadow), loss: Infinity };
  let taken = 0;
  for (let step = 0; step <= options.steps; step++) {
    await yieldToEventLoop();
    const rounded = roundToSteps(arch, shadow, gridSteps, options.unitScales);
    await engine.setParams(rounded);
    const loss = await engine.forward();
    if (loss < best.loss) best = { params: Float32Array.from(shadow), loss };
    const seconds = (performance.now() - started) / 1000;
    const outOfTime = options.timeLimitSeconds !== undefined && seconds >= options.timeLimitSeconds;
    if (step === options.steps || outOfTime || !Number.isFinite(loss)) break;
    await engine.backward();
    await engine.update(learningRateAt(runProgress(step, options.steps, seconds, options.timeLimitSeconds), options.lr));
    const moved = await engine.getParams();
    for (let i = 0; i < shadow.length; i++) shadow[i] = shadow[i]! + (moved[i]! - rounded[i]!);
    taken = step + 1;
    options.onStep?.(taken, loss);
  }
  return { params: best.params, loss: best.loss, steps: taken };
}
