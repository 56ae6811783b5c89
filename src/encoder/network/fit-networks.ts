import type { SirenArch } from '../../kernels/arch.js';
import { encodeCoordinates, inputAxes } from '../../kernels/input-encoding.js';
import type { QuantizedTensor } from '../../format/index.js';
import { DEFAULT_WARMUP, FINISH_TIME_FRACTION, QAT_LR_FRACTION, QAT_TIME_FRACTION } from './network-defaults.js';
import { EncodeOptionsError } from '../options-error.js';
import { foldSineBiases } from './bias-folding.js';
import { largestMagnitude, maxLevel } from './quantize.js';
import { tensorSlices } from '../../kernels/arch.js';
import { passCostPerPoint } from './pass-cost.js';
import type { EngineFactory, EngineSetup } from './engine.js';
import { runNetworkJob, type JobProgress, type NetworkJob, type NetworkJobResult, type NetworkLanes } from './network-job.js';
import { quantizeWithSteps, searchLambda, smallestExactLambda, stepsForLambda, withinRate } from './rate-control.js';
import { missFactor, ROUNDING_MISS_FACTOR } from './rounding-check.js';
import { DEFAULT_SCHEDULE, SCHEDULES, type Schedule } from './trainer.js';
import { biasOnlyNetwork, fitStart } from './fit-start.js';

/**
 * The signal-neutral part of an encode: fit one WS-initialized network per
 * training set (a tile, a segment; its output bias starts at the set's mean,
 * fit-start.ts), measure each tensor's sensitivity,
 * choose the quantization grid (the rate–distortion slope λ that fills a
 * byte budget, or fixed bits), fine-tune on that grid, and quantize. The
 * caller turns its signal into training sets and the tensors into a file.
 */

/**
 * Steps for a fixed bit depth: each tensor's largest magnitude (after bias
 * folding) maps to the top level, the first layer's W0 and b0 with 4 more
 * bits (up to 16). Those 3 × width weights set the frequencies and phases of
 * every feature and ω multiplies their error: on a 96×96 Kodak crop at width
 * 31, rounding only them to 8 bits cost 1.0 dB, all the others together 0.6.
 */
export function fixedBitSteps(arch: SirenArch, params: Float32Array, bits: number): number[] {
  const folded = foldSineBiases(arch, params);
  return tensorSlices(arch).map(({ offset, length }, t) => {
    const largest = largestMagnitude(folded.subarray(offset, offset + length));
    return largest > 0 ? largest / maxLevel(t < 2 ? Math.min(16, bits + 4) : bits) : 1;
  });
}

/** The points one network fits: `dims` coordinates per point (before any Fourier encoding) and its targets. */
export interface TrainingSet {
  readonly coords: Float32Array;
  readonly targets: Float32Array;
  /** Points per mini-batch, or undefined for one step on every point. */
  readonly batchRows: number | undefined;
  /** Each point's weight in the loss (`EngineSetup.weights`); default all 1. */
  readonly weights?: Float32Array;
  /** This set's network when it differs from the shared `arch` (per-tile widths); its WS α and learning rate follow with `alpha` and `lr`. */
  readonly arch?: SirenArch;
  readonly alpha?: number;
  readonly lr?: number;
}

/**
 * How the quantization grid is chosen: fill a byte budget (the caller sizes complete files), or fixed bits. With a
 * budget, `exact` (optional) says whether tensors decode the signal exactly, at the signal's own precision: networks
 * that do then take the smallest exact file instead of filling the budget (step 5 of `trainOn`).
 */
export type GridChoice =
  | {
    readonly targetBytes: number;
    readonly sizeOf: (tensors: QuantizedTensor[][], fitted: FitSummary) => number;
    readonly exact?: (tensors: QuantizedTensor[][]) => Promise<boolean>;
  }
  | { readonly bits: number };

/** What the fit did, for a file's training metadata (the size of the file depends on it). */
export interface FitSummary {
  /** Fit passes of the longest fit. */
  readonly steps: number;
  readonly engine: string;
}

/**
 * The fit's settings that every signal takes with the same meaning
 * (`ImageEncodeOptions`, `AudioEncodeOptions`); where a default differs by
 * signal, the signal's encoder says which.
 */
export interface FitSettings {
  /**
   * Quantization-aware fine-tuning steps per network. Images at a target rate: none by default (DEFAULT_IMAGE_QAT_STEPS:
   * it found no better rounding on the grids the rate control picks); with fixed bits, 10 % of `steps` (at least 10), or 200
   * under a time limit with no `steps`. Audio: 10 % of `steps` (at least 10), or 100 under a time limit with no `steps`.
   */
  readonly qatSteps?: number;
  /** WS scale α; default `defaultAlpha` of the width. */
  readonly alpha?: number;
  /** ω of every sine layer; default 30. */
  readonly omega?: number;
  /** Fraction of the fit's passes over which the learning rate rises linearly from a tenth of its peak; default DEFAULT_WARMUP. */
  readonly warmup?: number;
  /**
   * Learning rate after the warm-up: `cosine` decays it to 5 % of the peak by
   * the end of the fit, `constant` holds the peak (the WS paper's official
   * code; with `warmup` 0 the rate is `lr` from the first step). The warm-up
   * and the quantization-aware fine-tuning (a tenth of the peak, decaying)
   * are the same with either. Default `cosine`.
   */
  readonly schedule?: Schedule;
  /** Peak learning rate; default per signal (images: `defaultLearningRate`, audio: DEFAULT_AUDIO_LR). */
  readonly lr?: number;
  /**
   * Decoupled weight decay of the fit (AdamW): every Adam step first scales
   * every parameter by 1 − lr·weightDecay. It keeps the weights from growing
   * over long fits, which otherwise makes them dearer to quantize. Not in the
   * fine-tuning on the grid. Default per signal (images: DEFAULT_IMAGE_WEIGHT_DECAY, audio: DEFAULT_AUDIO_WEIGHT_DECAY).
   */
  readonly weightDecay?: number;
  /** Seed of the initialization (network n starts from seed + n); default 1. */
  readonly seed?: number;
  /**
   * Fits of every network, each from its own initialization, of which the one
   * with the lowest loss is kept; default 1. A quality mode for long budgets:
   * it takes as many times the fit's time. At 1 bpp, where more passes of one
   * fit round worse to the file's grid, it is the use of more time that pays
   * (docs/studies.md, "Restarts: a quality mode at 1 bpp").
   */
  readonly restarts?: number;
  /**
   * Steps per unit (format 5, spec §5.1): each sine unit's weights and bias rounded at its tensor's step times a
   * multiplier that the decoder derives from the layers above, coarser where the output hears the unit less. Only
   * with a target rate (`bpp`, `kbps`). Default true for images; false for audio, where they cost log-spectral
   * distance (docs/audio.md). False writes a version 4 file, as encoders before it did.
   */
  readonly unitScales?: boolean;
  /** Compute engine; default the WASM engine. */
  readonly engine?: EngineFactory;
  /**
   * Bound on the whole encode in seconds (fit, fine-tuning, coding). Output
   * then depends on the machine's speed, so it is not reproducible.
   */
  readonly timeLimitSeconds?: number;
  /**
   * Store the training settings and the measured quality in the file (spec
   * §3.7, about 80 bytes); default false. Informative only: they are 10 % of
   * a 0.25 bpp file of 192×128 pixels, so a codec should not spend them by default.
   */
  readonly metadata?: boolean;
}

/** Every name of FitSettings, for the encoders' check of their option names (option-names.ts). */
export const FIT_SETTING_NAMES: Readonly<Record<keyof FitSettings, true>> = {
  qatSteps: true, alpha: true, omega: true, warmup: true, schedule: true, lr: true, weightDecay: true, seed: true, restarts: true,
  unitScales: true, engine: true, timeLimitSeconds: true, metadata: true,
};

/**
 * Checks the settings every signal's encoder takes before anything is
 * trained, and fills in their defaults. `unit` names a training point in
 * messages: `pixel` or `sample`; `defaultWeightDecay` is the signal's.
 * @throws EncodeOptionsError for a batch, warm-up or schedule out of range.
 */
export function checkFitSettings(
  options: FitSettings & { readonly batch?: number }, unit: string, defaultWeightDecay: number,
): { warmup: number; schedule: Schedule; weightDecay: number; restarts: number } {
  if (options.batch !== undefined && !(Number.isInteger(options.batch) && options.batch >= 0)) {
    throw new EncodeOptionsError(`batch must be 0 (every ${unit} at each step) or a whole number of ${unit}s; got ${String(options.batch)}`);
  }
  const warmup = options.warmup ?? DEFAULT_WARMUP;
  if (!(warmup >= 0 && warmup < 1)) throw new EncodeOptionsError(`warmup must be a fraction of the fit from 0 to below 1; got ${String(warmup)}`);
  const schedule = options.schedule ?? DEFAULT_SCHEDULE;
  if (!SCHEDULES.includes(schedule)) throw new EncodeOptionsError(`schedule must be one of ${SCHEDULES.join(', ')}; got ${String(schedule)}`);
  const weightDecay = options.weightDecay ?? defaultWeightDecay;
  if (!(weightDecay >= 0 && Number.isFinite(weightDecay))) throw new EncodeOptionsError(`weightDecay must be a number from 0 up; got ${String(options.weightDecay)}`);
  const restarts = options.restarts ?? 1;
  if (!(Number.isInteger(restarts) && restarts >= 1 && restarts <= MAX_RESTARTS)) {
    throw new EncodeOptionsError(`restarts must be a whole number from 1 to ${MAX_RESTARTS}; got ${String(options.restarts)}`);
  }
  return { warmup, schedule, weightDecay, restarts };
}

/** Most fits of one network (FitSettings.restarts): each is a whole fit's time. */
export const MAX_RESTARTS = 16;

export interface TrainNetworksOptions {
  readonly arch: SirenArch;
  /** Coordinates per point: 2 for images, 1 for audio. */
  readonly dims: number;
  readonly sets: readonly TrainingSet[];
  readonly grid: GridChoice;
  readonly alpha: number;
  readonly lr: number;
  /** Learning rate after the warm-up (trainer.ts): cosine decay or held; default cosine. */
  readonly schedule?: Schedule;
  /** Network n is initialized with seed + n; its restart r (of `restarts`) with seed + n + r × the number of networks. */
  readonly seed: number;
  /** Fits of every network, the lowest loss kept (FitSettings.restarts). */
  readonly restarts: number;
  readonly steps: number;
  readonly qatSteps: number;
  readonly warmup: number;
  /** Decoupled weight decay of the fit (FitSettings.weightDecay). */
  readonly weightDecay: number;
  readonly createEngine: EngineFactory;
  /** Bound on fit and fine-tuning together, counted by `elapsed`. */
  readonly timeLimitSeconds?: number;
  /** Of the time limit, the seconds the caller needs after this returns (an image's filter and residual); default 0. */
  readonly finishSeconds?: number;
  /** Seconds since the encode began (the time limit counts from there). */
  readonly elapsed: () => number;
  /** Called after every pass of the fit and every fine-tuning step. */
  readonly onStep?: (done: number, total: number, loss: number) => void;
  /** Quantize with steps per unit (format 5, spec §5.1); the caller writes the networks with `unitScales`. */
  readonly unitScales?: boolean;
}

/** What every encode reports besides its signal's own measures (`ImageEncodeResult`, `AudioEncodeResult`). */
export interface EncodeResultCommon {
  /** The complete .snf file. */
  readonly bytes: Uint8Array;
  readonly arch: SirenArch;
  /** Parameters over all networks. */
  readonly params: number;
  /** Largest bits of any tensor, and the mean coded bits per parameter (payload only, without the header). */
  readonly bits: number;
  readonly bitsPerParam: number;
  readonly alpha: number;
  readonly lr: number;
  readonly schedule: Schedule;
  readonly weightDecay: number;
  readonly seed: number;
  /** Fits of every network (FitSettings.restarts), the lowest loss kept. */
  readonly restarts: number;
  /** Fit passes per network (fewer than asked when time ran out), and fine-tuning steps. */
  readonly steps: number;
  /** Points per Adam step of the fit in the largest network (all of its points without mini-batches). */
  readonly batch: number;
  readonly qatSteps: number;
  readonly seconds: number;
  readonly engine: string;
  /** With a target rate: whether the size landed within ±5 % of it. */
  readonly rateHit?: boolean;
}

export interface TrainedNetworks {
  /** Per network, its tensors in file order. */
  readonly tensors: QuantizedTensor[][];
  /** Fit passes of the longest fit, fine-tuning steps of the longest fine-tuning. */
  readonly fitSteps: number;
  readonly qatSteps: number;
  /** Fits of each network made (`restarts`, or 1 where constant targets needed no fit). */
  readonly restarts: number;
  readonly engine: string;
  /** With a byte budget: whether `sizeOf` of the result is within ±5 % of it. */
  readonly rateHit?: boolean;
}

export async function trainNetworks(options: TrainNetworksOptions): Promise<TrainedNetworks> {
  // Several networks at once where the engine offers lanes (the WASM engine in Node), else one at a time here.
  const fits = options.sets.length * options.restarts;
  const lanes = fits > 1 ? options.createEngine.openLanes?.(fits) : undefined;
  try {
    // Constant targets (a flat image, silence) are held exactly by a network of its output bias alone (step 5 below):
    // try that first without fitting, which would only spend the passes on a network that is then set aside. The
    // fit's start still gives the sensitivities that map the rate's slope to steps. If no grid holds it exactly (a
    // 16-bit image's bias may need more precision than the grids give), fit as usual. With fixed bits the bias alone
    // is the network too: a fit would only add noise where there is no signal (silence decoded as hiss).
    const { grid } = options;
    if (('bits' in grid || grid.exact !== undefined) && options.sets.every((set) => constantTargets(set.targets, (set.arch ?? options.arch).outputs))) {
      const unfitted = await trainOn({ ...options, steps: 0, qatSteps: 0, restarts: 1 }, lanes, true);
      if (unfitted !== undefined) return unfitted;
    }
    return (await trainOn(options, lanes))!; // undefined only for biasOnly
  } finally {
    await lanes?.close();
  }
}

/**
 * Fits, quantizes and codes the networks. With `biasOnly` (constant targets, no passes: the start only gives the
 * sensitivities that map λ to steps) the networks are their output biases alone: on the smallest grid that holds
 * them exactly, or undefined where none does (step 5); with fixed bits, on those bits.
 */
async function trainOn(options: TrainNetworksOptions, lanes: NetworkLanes | undefined, biasOnly = false): Promise<TrainedNetworks | undefined> {
  const { arch, dims, sets, steps, qatSteps, restarts, timeLimitSeconds: timeLimit, elapsed } = options;
  const unitScales = options.unitScales === true;
  const fourier = arch.fourier ?? 0;
  const total = sets.length * (steps * restarts + qatSteps);
  let done = 0;
  const progress = (loss: number): void => {
    done += 1;
    options.onStep?.(done, total, loss);
  };
  let engineName = '';
  const archOf = (set: TrainingSet): SirenArch => set.arch ?? arch;
  const setupOf = (set: TrainingSet, params: Float32Array, weightDecay = 0): EngineSetup => ({
    arch: archOf(set), params, coords: encodeCoordinates(set.coords, dims, fourier), inputAxes: inputAxes(dims, fourier), targets: set.targets, weights: set.weights, batchRows: set.batchRows,
    ...(weightDecay === 0 ? {} : { adam: { weightDecay } }),
  });
  // Under a time limit each job gets `share` of the time left (runEveryNetwork), by what its passes cost.
  const work = sets.map((set) => passCostPerPoint(archOf(set)) * (set.coords.length / dims));
  const runAll = async (jobFor: (index: number, share: number) => NetworkJob, jobWork = work): Promise<NetworkJobResult[]> => {
    const results = await runEveryNetwork(jobWork, lanes, options.createEngine, jobFor, progress);
    engineName = results[0]?.engine ?? engineName;
    return results;
  };

  // 1. Fit every network (`restarts` times, each from its own seed), then measure how sensitive its loss is to each
  // of its tensors. Fit j is of network j mod n: restart 0 of every network is the fit of an encode without restarts.
  const fitDeadline = timeLimit === undefined ? undefined
    : timeLimit * (1 - (qatSteps > 0 ? QAT_TIME_FRACTION : FINISH_TIME_FRACTION)) - (options.finishSeconds ?? 0);
  const fits = (await runAll((fit, share) => {
    const n = fit % sets.length;
    const set = sets[n]!;
    return {
      kind: 'fit', setup: setupOf(set, fitStart(archOf(set), set.alpha ?? options.alpha, options.seed + fit, set.targets, set.weights), options.weightDecay),
      steps, lr: set.lr ?? options.lr, schedule: options.schedule, warmupFraction: options.warmup, sensitivitySeed: options.seed + n, unitScales,
      ...(fitDeadline === undefined ? {} : { timeLimitSeconds: Math.max(0, (fitDeadline - elapsed()) * share) }),
    };
  }, Array.from({ length: restarts }, () => work).flat())).map((result) => {
    if (result.kind !== 'fit') throw new Error('a fit job returned no fit');
    done += steps - result.steps;
    return result;
  });
  // The lowest loss in float, not after rounding: a fit that fits better in float rounded as well or better in the study.
  const fitted = sets.map((_, n) => {
    let best = fits[n]!;
    for (let fit = n + sets.length; fit < fits.length; fit += sets.length) if (fits[fit]!.loss < best.loss) best = fits[fit]!;
    return best;
  });
  const fitSteps = Math.max(...fitted.map((network) => network.steps));
  const grid = options.grid;
  // Fixed bits map the largest output bias to the top level, and so hold it; other channels' biases to within half a
  // step, which is what the grid can do for any network.
  if (biasOnly && 'bits' in grid) {
    const tensors = sets.map((set) => {
      const params = biasOnlyNetwork(archOf(set), set.targets);
      return quantizeWithSteps(archOf(set), params, fixedBitSteps(archOf(set), params, grid.bits), unitScales);
    });
    return { tensors, fitSteps, qatSteps: 0, restarts: 1, engine: engineName };
  }

  // 2. The quantization grid: the slope λ that fills the budget, or fixed bits.
  // Per network, its tensors' sensitivities as the rate control uses them (2b may raise a network's).
  const sensitivities = fitted.map((network) => network.sensitivities);
  const stepsAt = (lambda: number): number[][] => sensitivities.map((h) => stepsForLambda(h, lambda));
  const quantizeAt = (lambda: number): QuantizedTensor[][] => {
    const steps = stepsAt(lambda);
    return fitted.map((network, n) => quantizeWithSteps(archOf(sets[n]!), network.params, steps[n]!, unitScales));
  };
  const summary: FitSummary = { steps: fitSteps, engine: engineName };
  const sizeAt = (lambda: number): number => ('bits' in grid ? 0 : grid.sizeOf(quantizeAt(lambda), summary));
  let lambda = 'bits' in grid ? 0 : searchLambda(sizeAt, grid.targetBytes).lambda;
  let gridSteps = 'bits' in grid
    ? fitted.map((network, n) => fixedBitSteps(archOf(sets[n]!), network.params, grid.bits))
    : stepsAt(lambda);

  // 2b. The rounding measured against the sensitivities' prediction: a network that the rounding costs far more than
  // predicted has its sensitivities raised by the factor it missed by, and the slope is searched again (rounding-check.ts).
  // (Not for the bias-only networks, which step 5 checks by decoding them.)
  if (!('bits' in grid) && !biasOnly) {
    const checked = await runAll((n) => ({ kind: 'checkRounding', setup: setupOf(sets[n]!, fitted[n]!.params), sensitivities: sensitivities[n]!, gridSteps: gridSteps[n]!, unitScales }));
    let missed = false;
    checked.forEach((result, n) => {
      if (result.kind !== 'checkRounding') throw new Error('a rounding check returned no check');
      const miss = missFactor(result.check);
      if (miss > ROUNDING_MISS_FACTOR) {
        sensitivities[n] = sensitivities[n]!.map((h) => h * miss);
        missed = true;
      }
    });
    if (missed) {
      lambda = searchLambda(sizeAt, grid.targetBytes).lambda;
      gridSteps = stepsAt(lambda);
    }
  }

  // 3. Fine-tune every network on its grid (not at all with no steps: no engine is made).
  const tuned = qatSteps === 0 ? fitted.map((network) => ({ ...network, steps: 0 })) : await runAll((index, share) => ({
    kind: 'fineTune', setup: setupOf(sets[index]!, fitted[index]!.params), gridSteps: gridSteps[index]!, steps: qatSteps, lr: (sets[index]!.lr ?? options.lr) * QAT_LR_FRACTION, unitScales,
    ...(timeLimit === undefined ? {} : { timeLimitSeconds: Math.max(0, (timeLimit - elapsed()) * share * 0.9) }),
  }));
  let qatTaken = 0;
  const final = tuned.map((result) => {
    if (!('steps' in result)) throw new Error('a fine-tuning job returned no parameters');
    done += qatSteps - result.steps;
    qatTaken = Math.max(qatTaken, result.steps);
    return { params: result.params };
  });

  // 4. Quantize. Fine-tuning moves weights, and so the coded size a little; re-aim if it left the tolerance.
  let tensors = final.map((network, n) => quantizeWithSteps(archOf(sets[n]!), network.params, gridSteps[n]!, unitScales));
  let rateHit: boolean | undefined;
  const withTensors = (coded: QuantizedTensor[][] | undefined): TrainedNetworks | undefined =>
    coded && { tensors: coded, fitSteps, qatSteps: qatTaken, restarts, engine: engineName, ...(rateHit === undefined ? {} : { rateHit }) };
  if (!('bits' in grid)) {
    rateHit = withinRate(grid.sizeOf(tensors, summary), grid.targetBytes);
    // The params that `tensors` round: the re-aim below rounds the fit's, as `sizeAt` does.
    let rounded = final.map((network) => network.params);
    if (!rateHit) {
      const search = searchLambda(sizeAt, grid.targetBytes);
      lambda = search.lambda;
      tensors = quantizeAt(lambda);
      rounded = fitted.map((network) => network.params);
      rateHit = search.hit;
    }
    // 5. Networks that decode exactly need no finer grid than the coarsest that stays exact: the rate control would
    // otherwise fill the budget with precision that no decode shows. The file then falls below its rate. Constant
    // targets (a flat image, silence) are held by networks that are their output bias alone, all else zero, which cost
    // almost nothing at any grid (`biasOnly`); otherwise the fitted networks, if they are exact.
    const { exact } = grid;
    if (exact !== undefined) {
      // Past the time limit the search keeps the smallest exact file found so far.
      const overTime = (): boolean => timeLimit !== undefined && elapsed() >= timeLimit;
      // From the grid of slope `from`; `atFrom`: the params on it, passed in where they are already quantized (the
      // encoder remembers the last tensors it rendered, so a photo's check costs no render of its own).
      const smallestExact = async (params: readonly Float32Array[], from: number, atFrom?: QuantizedTensor[][]): Promise<QuantizedTensor[][] | undefined> => {
        // Each slope's tensors once: the search sizes a grid's file, then may decode it.
        const tried = new Map<number, QuantizedTensor[][]>(atFrom === undefined ? [] : [[from, atFrom]]);
        const at = (slope: number): QuantizedTensor[][] => {
          if (!tried.has(slope)) {
            const steps = stepsAt(slope);
            tried.set(slope, params.map((p, n) => quantizeWithSteps(archOf(sets[n]!), p, steps[n]!, unitScales)));
          }
          return tried.get(slope)!;
        };
        if (!await exact(at(from))) return undefined;
        return at(await smallestExactLambda((slope) => grid.sizeOf(at(slope), summary), (slope) => exact(at(slope)), from, overTime));
      };
      // The bias alone from a grid far finer than the chosen one: where the rate is out of reach (a 16×16 image at
      // 1 bpp) the chosen grid is the coarsest, too coarse for the bias, and an exact file is still the smallest.
      if (biasOnly) return withTensors(await smallestExact(sets.map((set) => biasOnlyNetwork(archOf(set), set.targets)), lambda / 2 ** 16));
      tensors = await smallestExact(rounded, lambda, tensors) ?? tensors;
    }
  }
  return withTensors(tensors);
}

/**
 * Runs `jobFor(index, share)` for every network: on `lanes`, up to their
 * count at once and the most work first (so the last jobs are small), or
 * else here, one at a time in order. A job is made when it starts, and
 * `share` is the fraction of the time left that is its due: its work,
 * times the jobs running at once, over the work not yet done (counting
 * running jobs whole). Run one at a time, that is work / work from here on.
 */
async function runEveryNetwork(
  work: readonly number[], lanes: NetworkLanes | undefined, createEngine: EngineFactory,
  jobFor: (index: number, share: number) => NetworkJob, onStep: JobProgress,
): Promise<NetworkJobResult[]> {
  const order = work.map((_, index) => index);
  if (lanes) order.sort((a, b) => work[b]! - work[a]! || a - b);
  const together = Math.min(lanes?.count ?? 1, order.length);
  const results: NetworkJobResult[] = new Array(order.length);
  const running = new Set<number>();
  let next = 0;
  let failed = false;
  const workLeft = (): number => order.slice(next).reduce((sum, i) => sum + work[i]!, 0) + [...running].reduce((sum, i) => sum + work[i]!, 0);
  const lane = async (): Promise<void> => {
    while (next < order.length && !failed) {
      const index = order[next]!;
      const share = Math.min(1, (work[index]! * together) / workLeft());
      next += 1;
      running.add(index);
      const job = jobFor(index, share);
      try {
        results[index] = await (lanes ? lanes.run(job, onStep) : runNetworkJob(createEngine, job, onStep));
      } catch (error) {
        failed = true;
        throw error;
      } finally {
        running.delete(index);
      }
    }
  };
  await Promise.all(Array.from({ length: together }, lane));
  return results;
}

/** Whether every point has the same targets (`outputs` a point, interleaved): a flat tile, or a silent segment. */
function constantTargets(targets: Float32Array, outputs: number): boolean {
  for (let i = outputs; i < targets.length; i++) if (targets[i] !== targets[i % outputs]) return false;
  return true;
}
