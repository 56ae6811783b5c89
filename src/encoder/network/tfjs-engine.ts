import type * as TfCore from '@tensorflow/tfjs-core';
import { layerShapes, type LayerShape } from '../../kernels/arch.js';
import { adamHyper, decayFactor, type AdamHyper } from './adam.js';
import { batchCount, batchRange, checkWeights, type Engine, type EngineFactory, type EngineSetup } from './engine.js';
import { loadTfjs, type LoadTfjsOptions, type TfjsRuntime } from './tfjs-backend.js';

type Tf = typeof TfCore;
type Variable = TfCore.Variable;
type Tensor2D = TfCore.Tensor2D;

/** Rows per `predict` call to the backend, to bound its memory. */
const PREDICT_ROWS = 65_536;

/** A factory for the tfjs engine on `runtime`, and the runtime (to name its backend). */
export interface TfjsEngineFactory {
  readonly factory: EngineFactory;
  readonly runtime: TfjsRuntime;
}

/**
 * Loads tfjs (the first backend of `TFJS_BACKENDS` that is installed, or as
 * `options` say) and returns a factory of engines on it. Throws
 * TfjsUnavailableError when no backend loads.
 */
export async function createTfjsEngineFactory(options: LoadTfjsOptions = {}): Promise<TfjsEngineFactory> {
  const runtime = await loadTfjs(options);
  return { runtime, factory: async (setup) => TfjsEngine.create(runtime, setup) };
}

/**
 * The SIREN fit written once in TensorFlow.js ops: the forward pass as tfjs
 * ops, its gradient from tfjs's autodiff (`variableGrads`), and Adam as the
 * reference engine does it (`adam.ts`: the same bias correction and ε, in
 * float32 here), so the trainer drives it exactly like the others. The
 * network, data and Adam moments live on the backend (on the GPU with
 * tfjs-node-gpu or WebGPU); only losses and parameters come back.
 */
/** One run of training points as tensors: inputs, targets, and their weights when the fit is weighted. */
interface Rows {
  readonly x: Tensor2D;
  readonly t: Tensor2D;
  readonly w?: Tensor2D;
}

export class TfjsEngine implements Engine {
  readonly name: string;
  readonly batches: number;
  private readonly tf: Tf;
  private readonly layers: LayerShape[];
  private readonly count: number;
  private readonly weights: Variable[];
  private readonly biases: Variable[];
  private readonly moments: { m: Variable; v: Variable }[];
  private readonly hyper: AdamHyper;
  /** Inputs, targets and (with the setup's `weights`) the points' weights of each mini-batch, and of all points. */
  private readonly data: Rows[];
  private readonly all: Rows;
  /** Gradients of the last forward pass, by variable, until the next one. */
  private gradients: TfCore.NamedTensorMap | null = null;
  private step = 0;

  static async create(runtime: TfjsRuntime, setup: EngineSetup): Promise<TfjsEngine> {
    // tfjs has one current backend per process; an engine made for another may have switched it.
    const tf = runtime.tf as Tf;
    if (tf.getBackend() !== runtime.backend) await tf.setBackend(runtime.backend);
    return new TfjsEngine(runtime, setup);
  }

  private constructor(runtime: TfjsRuntime, private readonly setup: EngineSetup) {
    const tf = (this.tf = runtime.tf as Tf);
    const { arch } = setup;
    this.name = `tfjs-${runtime.choice}`;
    this.layers = layerShapes(arch);
    this.count = setup.coords.length / arch.inputs;
    this.batches = batchCount(this.count, setup.batchRows);
    this.hyper = adamHyper(setup.adam);
    this.weights = this.layers.map((layer) => tf.variable(tf.tensor2d(setup.params.subarray(layer.weightOffset, layer.biasOffset), [layer.fanIn, layer.fanOut])));
    this.biases = this.layers.map((layer) => tf.variable(tf.tensor1d(setup.params.subarray(layer.biasOffset, layer.biasOffset + layer.fanOut))));
    this.moments = this.variables().map((v) => ({ m: tf.variable(tf.zerosLike(v), false), v: tf.variable(tf.zerosLike(v), false) }));
    checkWeights(setup, this.count);
    const rows = (first: number, end: number): Rows => ({
      x: tf.tensor2d(setup.coords.subarray(first * arch.inputs, end * arch.inputs), [end - first, arch.inputs]),
      t: tf.tensor2d(setup.targets.subarray(first * arch.outputs, end * arch.outputs), [end - first, arch.outputs]),
      ...(setup.weights === undefined ? {} : { w: tf.tensor2d(setup.weights.subarray(first, end), [end - first, 1]) }),
    });
    this.all = rows(0, this.count);
    this.data = this.batches === 1 ? [this.all] : Array.from({ length: this.batches }, (_, b) => {
      const { first, end } = batchRange(this.count, setup.batchRows, b);
      return rows(first, end);
    });
  }

  /** W0, b0, W1, b1, …: the file's tensor order. */
  private variables(): Variable[] {
    return this.weights.flatMap((w, l) => [w, this.biases[l]!]);
  }

  /** The field at `x`: sine layers, then the linear output. */
  private field(x: Tensor2D): Tensor2D {
    const tf = this.tf;
    let h = x;
    this.layers.forEach((layer, l) => {
      const z = tf.add(tf.matMul(h, this.weights[l] as Tensor2D), this.biases[l]!) as Tensor2D;
      h = layer.sine ? tf.sin(tf.mul(z, this.setup.arch.omega)) : z;
    });
    return h;
  }

  async forward(batch?: number): Promise<number> {
    const tf = this.tf;
    batchRange(this.count, this.setup.batchRows, batch); // validates `batch`
    const { x, t, w } = batch === undefined ? this.all : this.data[batch]!;
    if (this.gradients) tf.dispose(this.gradients);
    // The mean squared error over the batch's points × outputs, as a sum times a constant.
    const scale = 1 / (x.shape[0] * this.setup.arch.outputs);
    const { value, grads } = tf.variableGrads(() => {
      const squared = tf.square(tf.sub(this.field(x), t));
      return tf.mul(tf.sum(w === undefined ? squared : tf.mul(squared, w)), scale) as TfCore.Scalar;
    }, this.variables());
    this.gradients = grads;
    const loss = (await value.data())[0]!;
    value.dispose();
    return loss;
  }

  /** The gradient was taken with the loss in `forward` (one pass through tfjs's tape). */
  async backward(): Promise<void> {
    if (this.gradients === null) throw new Error('backward() needs a forward() first');
  }

  async update(lr: number): Promise<void> {
    const tf = this.tf;
    const grads = this.gradients;
    if (grads === null) throw new Error('update() needs a forward() first');
    this.step += 1;
    const { beta1, beta2, epsilon, weightDecay } = this.hyper;
    const keep = decayFactor(lr, weightDecay);
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    tf.tidy(() => {
      this.variables().forEach((param, i) => {
        const g = grads[param.name]!;
        const { m, v } = this.moments[i]!;
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const mHat = tf.div(m, correction1);
        const vHat = tf.div(v, correction2);
        param.assign(tf.sub(keep === 1 ? param : tf.mul(param, keep), tf.div(tf.mul(mHat, lr), tf.add(tf.sqrt(vHat), epsilon))));
      });
    });
  }

  async getParams(): Promise<Float32Array> {
    const params = new Float32Array(this.setup.params.length);
    for (const [l, layer] of this.layers.entries()) {
      params.set(await this.weights[l]!.data() as Float32Array, layer.weightOffset);
      params.set(await this.biases[l]!.data() as Float32Array, layer.biasOffset);
    }
    return params;
  }

  async setParams(params: Float32Array): Promise<void> {
    const tf = this.tf;
    tf.tidy(() => {
      this.layers.forEach((layer, l) => {
        this.weights[l]!.assign(tf.tensor2d(params.subarray(layer.weightOffset, layer.biasOffset), [layer.fanIn, layer.fanOut]));
        this.biases[l]!.assign(tf.tensor1d(params.subarray(layer.biasOffset, layer.biasOffset + layer.fanOut)));
      });
    });
  }

  async predict(coords: Float32Array): Promise<Float32Array> {
    const { inputs, outputs } = this.setup.arch;
    const count = coords.length / inputs;
    const out = new Float32Array(count * outputs);
    for (let first = 0; first < count; first += PREDICT_ROWS) {
      const end = Math.min(count, first + PREDICT_ROWS);
      const y = this.tf.tidy(() => this.field(this.tf.tensor2d(coords.subarray(first * inputs, end * inputs), [end - first, inputs])));
      out.set(await y.data() as Float32Array, first * outputs);
      y.dispose();
    }
    return out;
  }

  async dispose(): Promise<void> {
    const tf = this.tf;
    if (this.gradients) tf.dispose(this.gradients);
    this.gradients = null;
    const tensorsOf = ({ x, t, w }: Rows): Tensor2D[] => (w === undefined ? [x, t] : [x, t, w]);
    tf.dispose([...this.variables(), ...this.moments.flatMap(({ m, v }) => [m, v]), ...tensorsOf(this.all)]);
    if (this.batches > 1) for (const rows of this.data) tf.dispose(tensorsOf(rows));
  }
}
