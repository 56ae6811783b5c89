import { layerShapes, type LayerShape } from '../../kernels/arch.js';
import { forwardScalar } from '../../kernels/forward.js';
import { adamHyper, adamUpdate, type AdamHyper } from './adam.js';
import { batchCount, batchRange, checkWeights, type Engine, type EngineFactory, type EngineSetup } from './engine.js';

/**
 * The reference engine: plain loops in float64 over float32 parameters,
 * written to be obviously correct rather than fast. Its gradients are checked
 * against finite differences (test/ref-engine.test.ts), and every other
 * engine is tested against it.
 */
export const createRefEngine: EngineFactory = async (setup) => new RefEngine(setup);

export class RefEngine implements Engine {
  readonly name = 'ref';
  private readonly layers: LayerShape[];
  private readonly count: number;
  private readonly params: Float32Array;
  private readonly grad: Float64Array;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly hyper: AdamHyper;
  private step = 0;
  /** Points [first, end) of the last forward pass. */
  private range = { first: 0, end: 0 };
  /** inputs[l]: count × fanIn activations entering layer l. */
  private readonly inputs: Float64Array[];
  /** preActivations[l]: count × fanOut values ω·(xW+b) of sine layer l. */
  private readonly preActivations: Float64Array[];
  private readonly outputs: Float64Array;

  readonly batches: number;

  constructor(private readonly setup: EngineSetup) {
    this.layers = layerShapes(setup.arch);
    this.count = setup.coords.length / setup.arch.inputs;
    this.batches = batchCount(this.count, setup.batchRows);
    checkWeights(setup, this.count);
    this.params = Float32Array.from(setup.params);
    this.grad = new Float64Array(this.params.length);
    this.m = new Float64Array(this.params.length);
    this.v = new Float64Array(this.params.length);
    this.hyper = adamHyper(setup.adam);
    this.inputs = this.layers.map((layer) => new Float64Array(this.count * layer.fanIn));
    this.preActivations = this.layers.map((layer) => new Float64Array(layer.sine ? this.count * layer.fanOut : 0));
    this.outputs = new Float64Array(this.count * setup.arch.outputs);
  }

  async forward(batch?: number): Promise<number> {
    const { arch, coords, targets } = this.setup;
    const { first, end } = (this.range = batchRange(this.count, this.setup.batchRows, batch));
    this.inputs[0]!.set(coords);
    this.layers.forEach((layer, l) => {
      const x = this.inputs[l]!;
      const y = layer.sine ? this.inputs[l + 1]! : this.outputs;
      for (let p = first; p < end; p++) {
        for (let o = 0; o < layer.fanOut; o++) {
          let z = this.params[layer.biasOffset + o]!;
          for (let i = 0; i < layer.fanIn; i++) z += x[p * layer.fanIn + i]! * this.params[layer.weightOffset + i * layer.fanOut + o]!;
          if (layer.sine) {
            this.preActivations[l]![p * layer.fanOut + o] = arch.omega * z;
            y[p * layer.fanOut + o] = Math.sin(arch.omega * z);
          } else {
            y[p * layer.fanOut + o] = z;
          }
        }
      }
    });
    let sum = 0;
    for (let i = first * arch.outputs; i < end * arch.outputs; i++) {
      const d = this.outputs[i]! - targets[i]!;
      sum += this.weightOf(i) * d * d;
    }
    return sum / ((end - first) * arch.outputs);
  }

  /** The weight of the point that output value `i` belongs to (1 without weights). */
  private weightOf(i: number): number {
    const { weights, arch } = this.setup;
    return weights === undefined ? 1 : weights[Math.floor(i / arch.outputs)]!;
  }

  async backward(): Promise<void> {
    const { arch, targets } = this.setup;
    const { first, end } = this.range;
    // dLoss/dOutput for loss = mean squared error over the batch's points × outputs values (zero elsewhere).
    let upstream = new Float64Array(this.outputs.length);
    const values = (end - first) * arch.outputs;
    for (let i = first * arch.outputs; i < end * arch.outputs; i++) upstream[i] = (2 * this.weightOf(i) * (this.outputs[i]! - targets[i]!)) / values;
    this.grad.fill(0);
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l]!;
      if (layer.sine) {
        // Through sin(ω·z): multiply by ω·cos(ω·z).
        const pre = this.preActivations[l]!;
        for (let i = first * layer.fanOut; i < end * layer.fanOut; i++) upstream[i] = upstream[i]! * arch.omega * Math.cos(pre[i]!);
      }
      const x = this.inputs[l]!;
      const downstream = new Float64Array(this.count * layer.fanIn);
      for (let p = first; p < end; p++) {
        for (let o = 0; o < layer.fanOut; o++) {
          const g = upstream[p * layer.fanOut + o]!;
          this.grad[layer.biasOffset + o]! += g;
          for (let i = 0; i < layer.fanIn; i++) {
            this.grad[layer.weightOffset + i * layer.fanOut + o]! += x[p * layer.fanIn + i]! * g;
            downstream[p * layer.fanIn + i]! += this.params[layer.weightOffset + i * layer.fanOut + o]! * g;
          }
        }
      }
      upstream = downstream;
    }
  }

  async update(lr: number): Promise<void> {
    this.step += 1;
    adamUpdate(this.params, this.grad, this.m, this.v, this.step, lr, this.hyper);
  }

  async getParams(): Promise<Float32Array> {
    return Float32Array.from(this.params);
  }

  async setParams(params: Float32Array): Promise<void> {
    this.params.set(params);
  }

  /** The gradient from the last `backward`, for tests. */
  gradient(): Float64Array {
    return Float64Array.from(this.grad);
  }

  async predict(coords: Float32Array): Promise<Float32Array> {
    const count = coords.length / this.setup.arch.inputs;
    const out = new Float32Array(count * this.setup.arch.outputs);
    forwardScalar(this.setup.arch, this.params, coords, count, out);
    return out;
  }

  async dispose(): Promise<void> {}
}
