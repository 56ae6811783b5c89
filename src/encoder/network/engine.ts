import type { NetworkLanes } from './network-job.js';
import type { SirenArch } from '../../kernels/arch.js';

/**
 * What the trainer needs from a compute engine. An engine owns the training
 * data and the parameters for one fit; the trainer only drives it.
 *
 * All engines must agree with the reference engine (`ref`) within float32
 * rounding: the reference is the specification of what each call computes.
 */
export interface Engine {
  /** Short name reported in `--json` and file metadata: `ref`, `wasm`, … */
  readonly name: string;
  /** Mini-batches the training set is split into (`batchRange`); 1 without `batchRows`. */
  readonly batches: number;
  /**
   * Forward pass over mini-batch `batch` (0 … batches − 1), or over the whole
   * training set when `batch` is left out; keeps whatever backward needs.
   * @returns the mean squared error over those points and all output channels
   *   (each point's error times its weight, when the setup has `weights`).
   */
  forward(batch?: number): Promise<number>;
  /** Gradient of that mean squared error with respect to every parameter. */
  backward(): Promise<void>;
  /** One Adam step with learning rate `lr` on the gradient from `backward`. */
  update(lr: number): Promise<void>;
  /** A copy of the current parameters, in the layout of `kernels/arch.ts`. */
  getParams(): Promise<Float32Array>;
  /** Replaces the parameters (the Adam moments are kept). */
  setParams(params: Float32Array): Promise<void>;
  /** Evaluates the field at `coords` (count × arch.inputs). */
  predict(coords: Float32Array): Promise<Float32Array>;
  /** Frees memory and stops workers; the engine is unusable afterwards. */
  dispose(): Promise<void>;
}

/** Everything an engine is created from. */
export interface EngineSetup {
  readonly arch: SirenArch;
  /** Initial parameters, in the layout of `kernels/arch.ts`. */
  readonly params: Float32Array;
  /** count × arch.inputs coordinates of the training points. */
  readonly coords: Float32Array;
  /** count × arch.outputs target values. */
  readonly targets: Float32Array;
  /**
   * count weights, one per point, of its squared error in the loss (the
   * loss is then Σ w·(y − t)² over the points × outputs, divided by their
   * number); default all 1. A mean of 1 keeps the learning rate's meaning.
   */
  readonly weights?: Float32Array;
  /** Adam hyper-parameters; defaults β1 0.9, β2 0.999, ε 1e-8, no weight decay (adam.ts). */
  readonly adam?: { beta1?: number; beta2?: number; epsilon?: number; weightDecay?: number };
  /**
   * Points per mini-batch (`batchRange`); default all of them. Batches are
   * consecutive runs of points, so a caller that wants random batches
   * shuffles the points first. The WASM engine wants a multiple of
   * `BATCH_ROW_GRANULE`.
   */
  readonly batchRows?: number;
  /**
   * The coordinate each input depends on alone (input-encoding.ts
   * `inputAxes`), where the inputs are an encoding of that kind. On a grid
   * of points the WASM engine then factors the first layer into per-column
   * and per-row parts (kernels/wasm/factored-inputs.ts): the same fit, in
   * less time. Other engines ignore it.
   */
  readonly inputAxes?: readonly number[];
}

/**
 * Batch sizes are multiples of this many points, so that the WASM engine can
 * split each batch into whole chunks of its cache-sized tiles (at most 256
 * rows each, layout.ts) for its threads.
 */
export const BATCH_ROW_GRANULE = 256;

/** Mini-batches of `batchRows` points in a training set of `count` (1 when batchRows is left out). */
export function batchCount(count: number, batchRows?: number): number {
  if (batchRows === undefined) return 1;
  if (!Number.isInteger(batchRows) || batchRows < 1) throw new RangeError(`Expected a positive integer for batchRows but received ${String(batchRows)}`);
  return Math.max(1, Math.ceil(count / batchRows));
}

/**
 * Points [first, end) of mini-batch `batch` of `batchRows` points each (the
 * last may be shorter), or every point when `batch` is undefined.
 */
export function batchRange(count: number, batchRows: number | undefined, batch: number | undefined): { first: number; end: number } {
  if (batch === undefined || batchRows === undefined) {
    if (batch !== undefined && batch !== 0) throw new RangeError(`Expected batch 0 of 1 but received ${String(batch)}`);
    return { first: 0, end: count };
  }
  const batches = batchCount(count, batchRows);
  if (!Number.isInteger(batch) || batch < 0 || batch >= batches) throw new RangeError(`Expected a batch from 0 to ${batches - 1} but received ${String(batch)}`);
  return { first: batch * batchRows, end: Math.min(count, (batch + 1) * batchRows) };
}

/**
 * Makes an engine for one fit. A factory may also offer lanes (network-job.ts):
 * threads that fit `networks` networks several at once, where that is faster
 * than one at a time on all threads; undefined where not (one network, one
 * thread, an engine that cannot).
 */
export type EngineFactory = ((setup: EngineSetup) => Promise<Engine>) & {
  readonly openLanes?: (networks: number) => NetworkLanes | undefined;
};

/** Checks that a setup's `weights`, when given, hold one weight per point. @throws RangeError otherwise. */
export function checkWeights(setup: EngineSetup, count: number): void {
  if (setup.weights !== undefined && setup.weights.length !== count) {
    throw new RangeError(`Expected ${count} weights for ${count} points but received ${setup.weights.length}`);
  }
}
