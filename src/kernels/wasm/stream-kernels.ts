/**
 * The range decoding of a file's coded streams in WASM (assembly/streams.ts):
 * what `readSnf` runs where WebAssembly is there, with the TypeScript decoder
 * of src/format/ as the reference and the fallback. A file is read once, and
 * V8 spends most of a cold read warming JavaScript up (64–71 ms for a 1 bpp
 * photo against 15 ms hot); WASM runs at speed from its first call
 * (docs/engine.md, "Reading a file cold"). The build is small enough (about
 * 1.6 KB) for a page's main thread to compile synchronously. Browser-safe.
 */
import type { LayerShape } from '../arch.js';
import { base64Bytes } from './base64.js';
import { binaries } from './binaries-streams.js';

interface StreamExports {
  begin(at: number, bytes: number): number;
  statePosition(): number;
  stateRange(): number;
  stateCode(): number;
  stateLow(): number;
  decodeTensor(counts: number, values: number, count: number, bits: number, models: number, columns: number, sums: number): void;
  decodeResidualPlane(counts: number, values: number, blocksX: number, blocksY: number, n: number, kind: number, occupied: number): number;
  applyUnitScales(params: number, layers: number, depth: number, energies: number, above: number, scales: number): void;
}


/** Where a stream's decoding ended: what §6.6's end check reads. */
export interface StreamEnd {
  /** False if the stream's first four bytes were already impossible. */
  readonly valid: boolean;
  readonly position: number;
  readonly range: number;
  readonly code: number;
  readonly low: number;
}

/** One residual plane's blocks (spec §3.11), as src/kernels/residual.ts's ResidualPlane gives them. */
export interface StreamPlane {
  readonly blocksX: number;
  readonly blocksY: number;
  readonly coefficients: number;
  readonly factor: 1 | 2;
  readonly offset: number;
}

const PAGE = 65_536;
/** A decoder whose memory grew past this (a residual of several megapixels) is not kept for the next stream. */
const KEPT_MEMORY = 8 * 2 ** 20;
const align = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/**
 * A stream decoder over the WASM build: `begin` one stream, decode its tensors or its residual in order, then
 * `end`. The stream is copied into the module's memory; counts go in and out of it with each tensor, so that
 * the format's carried contexts (§6.8) stay where they are.
 */
export class WasmStreams {
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  private readonly exports: StreamExports;
  /** First byte after the current stream: the working area starts here. */
  private work = 0;
  private valid = false;

  constructor(module: WebAssembly.Module) {
    this.exports = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as StreamExports;
  }

  /** Starts `stream`. */
  begin(stream: Uint8Array): void {
    this.work = align(stream.length);
    this.reserve(this.work);
    new Uint8Array(this.memory.buffer, 0, stream.length).set(stream);
    this.valid = this.exports.begin(0, stream.length) === 1;
  }

  /**
   * The next tensor: `count` values of `bits`, with `models` tensor models (1, or §6.8's neighbourhood models over
   * rows of `columns` values) whose counts are `counts`, which it updates.
   */
  tensor(counts: Uint16Array, count: number, bits: number, models: number, columns: number): Int32Array {
    const countsAt = this.work;
    const sumsAt = align(countsAt + counts.byteLength);
    const valuesAt = align(sumsAt + 8 * columns);
    this.reserve(valuesAt + 4 * count);
    new Uint16Array(this.memory.buffer, countsAt, counts.length).set(counts);
    this.exports.decodeTensor(countsAt, valuesAt, count, bits, models, columns, sumsAt);
    counts.set(new Uint16Array(this.memory.buffer, countsAt, counts.length));
    return new Int32Array(this.memory.buffer.slice(valuesAt, valuesAt + 4 * count));
  }

  /**
   * A residual's `count` values, plane by plane in stream order, with one set of `contexts` fresh counts for all; or
   * undefined where a block's flags leave it without its last nonzero coefficient (§6.6).
   */
  residual(planes: readonly StreamPlane[], count: number, contexts: number): Int16Array | undefined {
    const countsAt = this.work;
    const valuesAt = align(countsAt + 4 * contexts);
    const occupiedAt = align(valuesAt + 2 * count);
    const blocks = Math.max(0, ...planes.map((p) => p.blocksX * p.blocksY));
    this.reserve(occupiedAt + blocks);
    new Uint8Array(this.memory.buffer, countsAt, occupiedAt - countsAt).fill(0);
    for (const plane of planes) {
      const status = this.exports.decodeResidualPlane(
        countsAt, valuesAt + 2 * plane.offset, plane.blocksX, plane.blocksY, plane.coefficients, plane.factor === 1 ? 0 : 1, occupiedAt,
      );
      if (status !== 0) return undefined;
    }
    return new Int16Array(this.memory.buffer.slice(valuesAt, valuesAt + 2 * count));
  }

  /**
   * Spec §5.1's steps per unit applied to `params` in place, from the last of the `layers.length − 1` sine layers down
   * (src/format/unit-scales.ts's applyUnitScales: the same bits). Its memory is laid out after the current stream,
   * which it leaves as it is.
   */
  unitScales(layers: readonly LayerShape[], params: Float32Array): void {
    const widest = Math.max(1, ...layers.map((layer) => layer.fanIn));
    const paramsAt = this.work;
    const layersAt = align(paramsAt + 4 * params.length);
    const energiesAt = align(layersAt + 16 * layers.length);
    const aboveAt = align(energiesAt + 8 * widest);
    const scalesAt = align(aboveAt + 8 * widest);
    this.reserve(scalesAt + 8 * widest);
    new Float32Array(this.memory.buffer, paramsAt, params.length).set(params);
    new Int32Array(this.memory.buffer, layersAt, 4 * layers.length).set(layers.flatMap((l) => [l.fanIn, l.fanOut, l.weightOffset, l.biasOffset]));
    this.exports.applyUnitScales(paramsAt, layersAt, layers.length - 1, energiesAt, aboveAt, scalesAt);
    params.set(new Float32Array(this.memory.buffer, paramsAt, params.length));
  }

  /** The state the stream ended in. */
  end(): StreamEnd {
    const e = this.exports;
    return { valid: this.valid, position: e.statePosition(), range: e.stateRange() >>> 0, code: e.stateCode() >>> 0, low: e.stateLow() };
  }

  /** Whether its memory has grown past what is worth keeping between files (a memory never shrinks). */
  get large(): boolean {
    return this.memory.buffer.byteLength > KEPT_MEMORY;
  }

  private reserve(bytes: number): void {
    const missing = bytes - this.memory.buffer.byteLength;
    if (missing > 0) this.memory.grow(Math.ceil(missing / PAGE));
  }
}

let compiled: WebAssembly.Module | null | undefined;
let kept: WasmStreams | undefined;
let enabled = true;

/**
 * The WASM stream decoder, or undefined where WebAssembly is missing (or `useWasmStreams(false)`). One instance is
 * kept and reused, stream after stream (decoding is synchronous, so never two at once), unless its memory grew large.
 */
export function wasmStreams(): WasmStreams | undefined {
  if (!enabled || compiled === null) return undefined;
  if (kept === undefined || kept.large) {
    try {
      compiled ??= new WebAssembly.Module(base64Bytes(binaries.scalar));
      kept = new WasmStreams(compiled);
    } catch {
      // No WebAssembly here, or a runtime that compiles the module but will not instantiate it (no memory to give
      // it, a policy): the TypeScript decoder reads every file from now on.
      compiled = null;
      kept = undefined;
      return undefined;
    }
  }
  return kept;
}

/** Turns the WASM stream decoder off (the TypeScript one reads) or on again: for tests that compare the two. */
export function useWasmStreams(on: boolean): void {
  enabled = on;
}
