import type { Engine } from './engine.js';
import { eventLoopYielder } from './event-loop.js';

/**
 * Learning-rate schedules after the warm-up: `cosine` decays from the peak to
 * `finalLrFraction` of it (snfc's default), `constant` holds the peak, as the
 * official code of the WS paper does (it has no schedule).
 */
export const SCHEDULES = ['cosine', 'constant'] as const;
export type Schedule = (typeof SCHEDULES)[number];
export const DEFAULT_SCHEDULE: Schedule = 'cosine';

/**
 * How a fit runs: Adam with a cosine (or constant) learning-rate schedule, over the whole
 * training set per step, or over each of the engine's mini-batches in turn.
 */
export interface FitOptions {
  /** Passes over every training point; each pass is one Adam step per mini-batch of the engine. */
  readonly steps: number;
  /** Peak learning rate. */
  readonly lr: number;
  /** Fraction of steps spent warming up linearly from lr/10; default 0. */
  readonly warmupFraction?: number;
  /** Final learning rate as a fraction of the peak (cosine only); default 0.05. */
  readonly finalLrFraction?: number;
  /** What the rate does after the warm-up; default `cosine`. */
  readonly schedule?: Schedule;
  /** Stop early when this many seconds have passed (wall clock). */
  readonly timeLimitSeconds?: number;
  /**
   * When a pass diverges (its loss over DIVERGENCE_FACTOR times the best pass's), go back to the last good
   * parameters and halve the learning rate, at most MAX_RECOVERIES times; default true. The WS study turns
   * it off to run the paper's plain Adam.
   */
  readonly divergenceGuard?: boolean;
  /** Called after every pass with its loss (measured before each update; the mean over the pass's batches). */
  readonly onStep?: (step: number, loss: number) => void;
}

/**
 * With mini-batches, the whole training set is scored every this many
 * passes (about 1 % of the work) to keep the best parameters; a batch's loss
 * is too noisy to choose by.
 */
export const CHECKPOINT_PASSES = 100;

/**
 * A pass whose loss is more than this many times the best pass so far has
 * diverged (over 6 dB worse). Seen on smooth tiles at the peak learning rate:
 * two of kodim02's tiles at 1 bpp (width 37) reached 36 and 38 dB at pass 44,
 * as the warm-up ended, fell to 22–25 dB by pass 50, and ended 7 and 14 dB
 * below their neighbours' level (docs/studies.md, "Divergence"). Ordinary
 * passes move by a few tenths of a dB.
 */
export const DIVERGENCE_FACTOR = 4;
/** Most times one fit goes back to its last good parameters; each time it halves its learning rate. */
export const MAX_RECOVERIES = 4;

export interface FitResult {
  /** Parameters with the lowest training loss seen. */
  readonly params: Float32Array;
  readonly bestLoss: number;
  /** Steps actually taken (fewer than asked when the time limit hit). */
  readonly steps: number;
  readonly seconds: number;
  /** Times the fit diverged and went back to its last good parameters at half the learning rate. */
  readonly recoveries: number;
}

/**
 * Learning rate at `progress` ∈ [0, 1] through a fit: optional linear
 * warm-up from `lr/10`, then cosine decay from `lr` to `lr·finalFraction`
 * (or, with the `constant` schedule, `lr` to the end). Decaying
 * matters here: the weights are quantized afterwards, and a fit that ends at
 * a small step size sits in a flatter spot than one still bouncing at the
 * peak rate.
 */
export function learningRateAt(progress: number, lr: number, warmupFraction = 0, finalFraction = 0.05, schedule: Schedule = DEFAULT_SCHEDULE): number {
  const p = Math.min(1, Math.max(0, progress));
  if (p < warmupFraction) return lr * (0.1 + (0.9 * p) / warmupFraction);
  if (schedule === 'constant') return lr;
  const decay = warmupFraction >= 1 ? 1 : (p - warmupFraction) / (1 - warmupFraction);
  return lr * (finalFraction + (1 - finalFraction) * 0.5 * (1 + Math.cos(Math.PI * decay)));
}

/**
 * How far through a run of `steps` steps (or `timeLimitSeconds`, whichever
 * ends first) a run is at `step` after `seconds`: the schedule follows the
 * clock when time is the limit, so a timed fit still decays to its end.
 */
export function runProgress(step: number, steps: number, seconds: number, timeLimitSeconds?: number): number {
  const byStep = steps <= 1 ? 1 : step / (steps - 1);
  return timeLimitSeconds === undefined || timeLimitSeconds <= 0 ? byStep : Math.max(byStep, seconds / timeLimitSeconds);
}

/**
 * Runs Adam on `engine` and returns the best parameters seen: scored on every
 * step with one batch, at checkpoints and at the end with mini-batches.
 * Deterministic: the engine's arithmetic is, and nothing here is random.
 */
export async function fit(engine: Engine, options: FitOptions): Promise<FitResult> {
  const started = performance.now();
  const yieldToEventLoop = eventLoopYielder();
  const batches = engine.batches;
  const updates = options.steps * batches;
  let best = await engine.getParams();
  let bestLoss = Infinity;
  const consider = async (loss: number): Promise<void> => {
    if (loss < bestLoss) {
      bestLoss = loss;
      best = await engine.getParams();
    }
  };
  // Divergence guard: the parameters before the last pass that scored well, to go back to.
  let bestPassLoss = Infinity;
  let lastGood = best;
  let candidate = best;
  let lrScale = 1;
  let recoveries = 0;
  let taken = 0;
  run: for (let step = 0; step < options.steps; step++) {
    let passLoss = 0;
    for (let batch = 0; batch < batches; batch++) {
      await yieldToEventLoop();
      const seconds = (performance.now() - started) / 1000;
      const update = step * batches + batch;
      if (options.timeLimitSeconds !== undefined && seconds >= options.timeLimitSeconds && update > 0) break run;
      const loss = await engine.forward(batches > 1 ? batch : undefined);
      if (!Number.isFinite(loss)) break run;
      if (batches === 1) await consider(loss);
      passLoss += loss / batches;
      await engine.backward();
      const progress = runProgress(update, updates, seconds, options.timeLimitSeconds);
      await engine.update(lrScale * learningRateAt(progress, options.lr, options.warmupFraction, options.finalLrFraction, options.schedule));
    }
    taken = step + 1;
    options.onStep?.(taken, passLoss);
    if (options.divergenceGuard !== false) {
      if (passLoss <= DIVERGENCE_FACTOR * bestPassLoss) {
        bestPassLoss = Math.min(bestPassLoss, passLoss);
        // This pass started from `candidate` and scored well: it is safe to go back to.
        lastGood = candidate;
        candidate = await engine.getParams();
      } else if (recoveries < MAX_RECOVERIES) {
        recoveries += 1;
        lrScale /= 2;
        await engine.setParams(lastGood);
        candidate = lastGood;
      }
    }
    if (batches > 1 && taken % CHECKPOINT_PASSES === 0) await consider(await engine.forward());
  }
  // The parameters after the last update have not been scored yet.
  await consider(await engine.forward());
  return { params: best, bestLoss, steps: taken, seconds: (performance.now() - started) / 1000, recoveries };
}
