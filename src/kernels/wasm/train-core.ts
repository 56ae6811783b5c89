import type { FactoredInputs } from './factored-inputs.js';
import { padParams, scratchPlan, unpadParams, writeInputRows, type TrainLayout } from './layout.js';
import { MODE_LINEAR, MODE_MUL, MODE_SINCOS, type Kernels } from './table.js';

/**
 * One fit's work over a memory laid out by `planTraining`, split so that any
 * number of threads sharing that memory can run it (browser-safe: no Node
 * imports; the Node worker shim is src/node/wasm-worker.ts).
 *
 * A step: `resetCounter` with the step's mini-batch (a run of whole chunks,
 * or all of them), `runChunks` on every thread (each takes chunks from a shared
 * counter, computes the forward and backward pass of a chunk tile by tile and
 * writes that chunk's gradient and squared error to the chunk's own slot),
 * then on one thread `finishStep` (sums the chunk gradients in chunk order)
 * and `adamStep`. The result depends on the chunking only, never on which
 * thread ran which chunk: same bytes for any thread count.
 */
export class TrainCore {
  private readonly f32: Float32Array;
  private readonly f64: Float64Array;
  private readonly i32: Int32Array;
  private readonly plan: ReturnType<typeof scratchPlan>;

  constructor(
    private readonly k: Kernels,
    readonly layout: TrainLayout,
    memory: WebAssembly.Memory,
  ) {
    this.f32 = new Float32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
    this.plan = scratchPlan(layout.net, layout.tileRows);
  }

  /**
   * Copies the training data in (coordinates padded to net.inputPad columns,
   * zero rows beyond count), and the points' weights when the layout has room
   * for them (`planTraining`'s `weighted`). A layout with a factored first
   * layer takes the coordinates' table and index instead (`factored`, which
   * must have the layout's rows per axis), beyond count each point at the two zero rows.
   */
  setData(coords: Float32Array, targets: Float32Array, weights?: Float32Array, factored?: FactoredInputs): void {
    const { net, count } = this.layout;
    const [rows0, rows1] = this.layout.factorEntries;
    if ((factored !== undefined) !== (rows0 > 0) || (factored !== undefined && (factored.entries[0] !== rows0 || factored.entries[1] !== rows1))) {
      throw new RangeError('a factored first layer\'s table must be given exactly when the layout was planned with one of its size');
    }
    if (factored === undefined) {
      writeInputRows(this.f32, this.layout.coords >> 2, net, coords, 0, count, this.layout.chunks * this.layout.chunkRows);
    } else {
      // Each axis's rows hold its own inputs only, in the first layer's row order (padNet's groups).
      let at = this.layout.table >> 2;
      net.inputGroups.forEach((group, axis) => {
        for (let row = axis === 0 ? 0 : rows0; row < (axis === 0 ? rows0 : rows0 + rows1); row++, at += group.rows) {
          for (let i = 0; i < net.arch.inputs; i++) {
            const t = net.inputRows[i]! - group.start;
            if (t >= 0 && t < group.rows) this.f32[at + t] = factored.table[row * net.arch.inputs + i]!;
          }
        }
      });
      const index = this.i32.subarray(this.layout.index >> 2, (this.layout.index >> 2) + 2 * this.layout.chunks * this.layout.chunkRows);
      index.set(factored.index.subarray(0, 2 * count));
      for (let p = count; p < index.length / 2; p++) {
        index[2 * p] = rows0 - 1;
        index[2 * p + 1] = rows0 + rows1 - 1;
      }
    }
    this.f32.set(targets.subarray(0, count * net.arch.outputs), this.layout.targets >> 2);
    if ((weights !== undefined) !== (this.layout.weights !== 0)) throw new RangeError('weights must be given exactly when the layout was planned with them');
    if (weights !== undefined) this.f32.set(weights.subarray(0, count), this.layout.weights >> 2);
  }

  /** Replaces the parameters (caller layout) and refreshes the transposed weights. */
  setParams(params: Float32Array): void {
    const { net } = this.layout;
    padParams(net, params, this.f32.subarray(this.layout.params >> 2, (this.layout.params >> 2) + net.size));
    this.refreshTransposes();
  }

  /** The parameters in the caller's layout. */
  getParams(): Float32Array {
    const { net } = this.layout;
    const out = new Float32Array(paramsLength(this.layout));
    return unpadParams(net, this.f32.subarray(this.layout.params >> 2, (this.layout.params >> 2) + net.size), out);
  }

  /** Zeroes the Adam moments. */
  resetMoments(): void {
    const n = this.layout.net.size;
    this.f32.fill(0, this.layout.m >> 2, (this.layout.m >> 2) + n);
    this.f32.fill(0, this.layout.v >> 2, (this.layout.v >> 2) + n);
  }

  /** Sets the chunks of mini-batch `batch` (all chunks when undefined) as the work of the next `runChunks`. */
  resetCounter(batch?: number): void {
    const L = this.layout;
    const first = batch === undefined ? 0 : batch * L.chunksPerBatch;
    const end = batch === undefined ? L.chunks : Math.min(L.chunks, first + L.chunksPerBatch);
    Atomics.store(this.i32, (L.counter >> 2) + 1, end);
    Atomics.store(this.i32, (L.counter >> 2) + 2, first);
    Atomics.store(this.i32, L.counter >> 2, first);
  }

  /** The step's chunks [first, end) and the points they hold. */
  private window(): { first: number; end: number; points: number } {
    const L = this.layout;
    const first = Atomics.load(this.i32, (L.counter >> 2) + 2);
    const end = Atomics.load(this.i32, (L.counter >> 2) + 1);
    return { first, end, points: Math.min(L.count, end * L.chunkRows) - first * L.chunkRows };
  }

  /** Takes chunks from the shared counter until none are left, using scratch `slot`. */
  runChunks(slot: number): void {
    const { end, points } = this.window();
    for (;;) {
      const c = Atomics.add(this.i32, this.layout.counter >> 2, 1);
      if (c >= end) return;
      this.runChunk(c, slot, points);
    }
  }

  /**
   * Forward and backward pass over chunk `c` of a step over `points` points
   * (the gradient is of their mean); writes its gradient and squared error to its slots.
   */
  runChunk(c: number, slot: number, points: number): void {
    const { k } = this;
    const L = this.layout;
    const { net, tileRows: T, count } = L;
    const { arch } = net;
    const layers = net.layers;
    const depth = arch.depth;
    const omega = arch.omega;
    const scale = 2 / (points * arch.outputs);
    const base = L.scratch + slot * L.scratchBytes;
    const plan = this.plan;
    const part = L.partials + c * L.partialFloats * 4;
    // A factored first layer's sums of G by table row follow the chunk's gradient.
    const factored = L.factorEntries[0] > 0;
    const rowSums = part + net.size * 4;
    if (factored) this.f32.fill(0, rowSums >> 2, (part >> 2) + L.partialFloats);
    let sse = 0;
    for (let tile = 0; tile < L.chunkRows / T; tile++) {
      const start = c * L.chunkRows + tile * T;
      const valid = Math.min(T, count - start);
      if (valid <= 0) break;
      const rows = Math.min(T, Math.ceil(valid / 4) * 4);
      const acc = tile > 0 ? 1 : 0;
      const h = (l: number): number => (l === 0 ? L.coords + start * L.net.inputPad * 4 : base + plan.h[l]! * 4);
      const cos = (l: number): number => base + plan.c[l]! * 4;
      // Forward: H(l+1) = sin(ω(H(l)·W(l) + b(l))), C(l) = ω·cos(…); Y = H(depth)·W + b.
      for (let l = 0; l < depth; l++) {
        const ly = layers[l]!;
        if (l === 0 && factored) k.gatherSinCos(L.index + start * 8, L.pre, h(1), cos(0), rows, ly.n, omega);
        else k.gemmNN(h(l), L.params + ly.w * 4, L.params + ly.b * 4, h(l + 1), cos(l), rows, ly.k, ly.n, MODE_SINCOS, omega);
      }
      const out = layers[depth]!;
      const y = base + plan.y * 4;
      k.gemmNN(h(depth), L.params + out.w * 4, L.params + out.b * 4, y, 0, rows, out.k, out.n, MODE_LINEAR, 0);
      const g = base + plan.ga * 4;
      const g2 = base + plan.gb * 4;
      // The tile's targets start at row `start`; its Y rows past `valid` get zero gradient.
      const tileSse = k.lossGrad(y, L.targets + start * arch.outputs * 4, y, rows, valid, arch.outputs, net.outputPad, scale);
      sse += L.weights === 0 ? tileSse : this.weighRows(y, L.weights + start * 4, valid, arch.outputs, scale);
      // Backward. Output layer: dW = Hᵀ·G, db = Σ G, then G ← (G·Wᵀ) ⊙ C.
      k.gemmTN(h(depth), y, part + out.w * 4, rows, out.k, out.n, acc);
      k.colSum(y, part + out.b * 4, rows, out.n, acc);
      k.gemmNN(y, L.paramsT + out.w * 4, 0, g, cos(depth - 1), rows, out.n, out.k, MODE_MUL, 0);
      let gz = g;
      let gnext = g2;
      for (let l = depth - 1; l >= 0; l--) {
        const ly = layers[l]!;
        // The factored first layer's weight gradient is finished per step from the row sums (finishStep).
        if (l === 0 && factored) k.scatterAdd(L.index + start * 8, gz, rowSums, rows, ly.n);
        else k.gemmTN(h(l), gz, part + ly.w * 4, rows, ly.k, ly.n, acc);
        k.colSum(gz, part + ly.b * 4, rows, ly.n, acc);
        if (l > 0) {
          k.gemmNN(gz, L.paramsT + ly.w * 4, 0, gnext, cos(l - 1), rows, ly.n, ly.k, MODE_MUL, 0);
          const t = gz;
          gz = gnext;
          gnext = t;
        }
      }
    }
    this.f64[(L.losses >> 3) + c] = sse;
  }

  /**
   * Multiplies each of the first `valid` rows of the loss gradient at `g`
   * (stride net.outputPad; g = scale·(y − t)) by its point's weight at `w`, so
   * that the backward pass is of the weighted squared error.
   * @returns that tile's weighted sum of squared errors, Σ w·(y − t)².
   */
  private weighRows(g: number, w: number, valid: number, outputs: number, scale: number): number {
    const f = this.f32;
    const stride = this.layout.net.outputPad;
    let sum = 0;
    for (let r = 0; r < valid; r++) {
      const weight = f[(w >> 2) + r]!;
      for (let o = 0; o < outputs; o++) {
        const at = (g >> 2) + r * stride + o;
        const value = f[at]!;
        sum += weight * value * value;
        f[at] = weight * value;
      }
    }
    return sum / (scale * scale);
  }

  /** After every chunk of the step ran: sums their gradients in order into `grad`. @returns the step's mean squared error. */
  finishStep(): number {
    const L = this.layout;
    const { first, end, points } = this.window();
    this.k.reduce(L.partials + first * L.partialFloats * 4, L.grad, end - first, L.partialFloats, L.partialFloats);
    if (L.factorEntries[0] > 0) {
      // W's gradient Xᵀ·G = Σ over table rows of the row's inputs times the G summed on its points.
      this.eachAxis((table, entries, group, row) => {
        const first = L.net.layers[0]!;
        this.k.gemmTN(table, L.grad + (L.net.size + row * first.n) * 4, L.grad + (first.w + group.start * first.n) * 4, entries, group.rows, first.n, 0);
      });
    }
    let sse = 0;
    for (let c = first; c < end; c++) sse += this.f64[(L.losses >> 3) + c]!;
    return sse / (points * L.net.arch.outputs);
  }

  /**
   * One Adam step (`step` counts from 1) on `grad`, the parameters first
   * scaled by `keep` (decoupled weight decay; 1 for none), then refreshes
   * the transposed weights.
   */
  adamStep(step: number, lr: number, beta1: number, beta2: number, epsilon: number, keep: number): void {
    const L = this.layout;
    this.k.adam(L.params, L.grad, L.m, L.v, L.net.size, lr, beta1, beta2, epsilon, 1 - beta1 ** step, 1 - beta2 ** step, keep);
    this.refreshTransposes();
  }

  /** The gradient from the last step, in the caller's layout (tests). */
  gradient(): Float32Array {
    const { net } = this.layout;
    return unpadParams(net, this.f32.subarray(this.layout.grad >> 2, (this.layout.grad >> 2) + net.size), new Float32Array(paramsLength(this.layout)));
  }

  /** After the parameters change: the transposed weights of the backward pass, and a factored first layer's table times W. */
  private refreshTransposes(): void {
    const L = this.layout;
    for (const ly of L.net.layers.slice(1)) this.k.transpose(L.params + ly.w * 4, L.paramsT + ly.w * 4, ly.k, ly.n);
    const first = L.net.layers[0]!;
    this.eachAxis((table, entries, group, row, axis) => {
      // The bias once, in axis 0's rows.
      const bias = axis === 0 ? L.params + first.b * 4 : 0;
      this.k.gemmNN(table, L.params + (first.w + group.start * first.n) * 4, bias, L.pre + row * first.n * 4, 0, entries, group.rows, first.n, MODE_LINEAR, 0);
    });
  }

  /**
   * Calls `f` for each axis of a factored first layer (none when it is not):
   * the byte offset of its table rows, their count, its inputs' rows of W,
   * its first row among the table's rows (and so in `pre` and the sums of G).
   */
  private eachAxis(f: (table: number, entries: number, group: { start: number; rows: number }, row: number, axis: number) => void): void {
    const L = this.layout;
    if (L.factorEntries[0] === 0) return;
    let table = L.table;
    let row = 0;
    L.factorEntries.forEach((entries, axis) => {
      const group = L.net.inputGroups[axis]!;
      f(table, entries, group, row, axis);
      table += entries * group.rows * 4;
      row += entries;
    });
  }
}

function paramsLength(layout: TrainLayout): number {
  const last = layout.net.layers[layout.net.layers.length - 1]!;
  return last.biasOffset + last.fanOut;
}
