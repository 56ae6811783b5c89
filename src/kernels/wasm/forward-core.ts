import type { SirenArch } from '../arch.js';
import { forwardTile } from '../forward-fast.js';
import { padNet, padParams, writeInputRows, type PaddedNet } from './layout.js';
import type { Kernels } from './table.js';

/**
 * The forward pass over many points split across threads that share one
 * memory (browser-safe; the Node shim is createThreadedForward in
 * src/node/wasm-threads.ts). Each thread takes tiles from a shared counter;
 * every point's result is independent of which thread computed it.
 */

/** Where a threaded evaluation lives in its memory (byte offsets). Plain data: it is posted to workers. */
export interface ForwardLayout {
  readonly net: PaddedNet;
  /** Points the memory has room for. */
  readonly capacity: number;
  readonly tileRows: number;
  readonly slots: number;
  readonly params: number;
  /** capacity (rounded up to tiles) × net.inputPad floats. */
  readonly coords: number;
  /** capacity (rounded up to tiles) × net.outputPad floats. */
  readonly y: number;
  /** Int32: next tile; Int32 at +4: tiles in this call. */
  readonly counter: number;
  readonly scratch: number;
  readonly scratchBytes: number;
  readonly bytes: number;
}

const ALIGN = 64;
const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/** Plans a memory for evaluating up to `capacity` points with `slots` threads. */
export function planForward(arch: SirenArch, capacity: number, slots: number, tileRows = 256): ForwardLayout {
  const net = padNet(arch);
  if (!Number.isInteger(tileRows) || tileRows < 4 || tileRows % 4 !== 0) throw new RangeError(`Expected a multiple of 4 for tileRows but received ${tileRows}`);
  const rows = Math.max(1, Math.ceil(capacity / tileRows)) * tileRows;
  let at = ALIGN;
  const take = (bytes: number): number => {
    const start = at;
    at = align(at + bytes);
    return start;
  };
  const params = take(net.size * 4);
  const coords = take(rows * net.inputPad * 4);
  const y = take(rows * net.outputPad * 4);
  const counter = take(8);
  const scratchBytes = align(2 * tileRows * net.widthPad * 4);
  const scratch = take(scratchBytes * slots);
  const bytes = Math.ceil(at / 65536) * 65536;
  return { net, capacity: rows, tileRows, slots, params, coords, y, counter, scratch, scratchBytes, bytes };
}

export class ForwardCore {
  private readonly f32: Float32Array;
  private readonly i32: Int32Array;

  constructor(
    private readonly k: Kernels,
    readonly layout: ForwardLayout,
    memory: WebAssembly.Memory,
  ) {
    this.f32 = new Float32Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
  }

  setParams(params: Float32Array): void {
    const L = this.layout;
    padParams(L.net, params, this.f32.subarray(L.params >> 2, (L.params >> 2) + L.net.size));
  }

  /** Copies `count` points in (padded, zero rows up to the tile) and resets the tile counter. */
  prepare(coords: Float32Array, count: number): void {
    const L = this.layout;
    if (count > L.capacity) throw new RangeError(`Expected at most ${L.capacity} points but received ${count}`);
    const tiles = Math.ceil(count / L.tileRows);
    writeInputRows(this.f32, L.coords >> 2, L.net, coords, 0, count, tiles * L.tileRows);
    Atomics.store(this.i32, L.counter >> 2, 0);
    Atomics.store(this.i32, (L.counter >> 2) + 1, tiles);
  }

  /** Takes tiles from the shared counter until none are left, using scratch `slot`. */
  runTiles(slot: number): void {
    const L = this.layout;
    const T = L.tileRows;
    const tiles = Atomics.load(this.i32, (L.counter >> 2) + 1);
    const ping = L.scratch + slot * L.scratchBytes;
    const pong = ping + T * L.net.widthPad * 4;
    for (;;) {
      const t = Atomics.add(this.i32, L.counter >> 2, 1);
      if (t >= tiles) return;
      forwardTile(this.k, L.net, L.params, L.coords + t * T * L.net.inputPad * 4, T, ping, pong, L.y + t * T * L.net.outputPad * 4);
    }
  }

  /** Copies the results of `count` points out (count × outputs). */
  read(count: number, out: Float32Array): void {
    const outputs = this.layout.net.arch.outputs;
    const stride = this.layout.net.outputPad;
    const Y = this.layout.y >> 2;
    for (let p = 0; p < count; p++) {
      for (let o = 0; o < outputs; o++) out[p * outputs + o] = this.f32[Y + p * stride + o]!;
    }
  }
}
