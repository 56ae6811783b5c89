import type { SirenArch } from '../kernels/arch.js';

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
  /**
   * Forward pass over the whole training set; keeps whatever backward needs.
   * @returns the mean squared error over all points and output channels.
   */
  forward(): Promise<number>;
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
  /** Adam hyper-parameters; defaults β1 0.9, β2 0.999, ε 1e-8. */
  readonly adam?: { beta1?: number; beta2?: number; epsilon?: number };
}

export type EngineFactory = (setup: EngineSetup) => Promise<Engine>;
