import { createRequire } from 'node:module';
import type { SirenArch } from '../kernels/arch.js';
import type { GridEvaluator, GridScratch, GridValues, RegionAxes } from '../kernels/render.js';
import { filterContextRows, type FieldImage, type FilterScale, type RestorationFilter } from '../kernels/post-filter.js';

/**
 * A second thread for `snfc decode`: a worker that evaluates networks' pixel
 * grids beside the calling thread (`DecodeOptions.lanes`), then filters the
 * lower rows of the image while the calling thread filters the upper. Starting it costs
 * tens of milliseconds (the thread and the kernels), so the decoder starts
 * it only for outputs large enough (GRID_LANE_WORK).
 */

/**
 * Least decode work (output points × parameters per network, `decodeWork`)
 * for which a second thread pays for its start. Measured (docs/engine.md),
 * whole `snfc decode` of kodim01 at 1 bpp in 16 tiles: at its size (1.5 ×
 * 10^9) 0.63 s with the worker against 0.61 s without; at --scale 2 (6 ×
 * 10^9) 1.12 against 1.21 s; at --scale 4 2.7 against 3.65 s. The main
 * thread also places every result and writes the PNG, so two threads never
 * halve the time.
 */
export const GRID_LANE_WORK = 4e9;

/** What the worker is sent: one band of one network, and a buffer to fill (the renderer's scratch, lent). */
export interface GridRequest {
  readonly arch: SirenArch;
  readonly params: Float32Array;
  readonly axes: RegionAxes;
  readonly buffer: ArrayBuffer;
}

/** What it sends back: the buffer (the same or a larger one), with `length` floats of values at `stride` a point. */
export interface GridReply {
  readonly buffer: ArrayBuffer;
  readonly length: number;
  readonly stride: number;
}

/**
 * Or it is sent a band of a field to filter (`GridEvaluator.filterRows`):
 * rows [first, end) of `field`, whose other rows are the context they read.
 */
export interface FilterRequest {
  readonly field: FieldImage;
  readonly filter: RestorationFilter;
  readonly scale: FilterScale;
  readonly first: number;
  readonly end: number;
}

/** And sends back the filtered rows, the whole of `filtered`. */
export interface FilterReply {
  readonly filtered: ArrayBuffer;
}

/** A worker lane and what stops it. */
export interface GridLane {
  readonly evaluate: GridEvaluator;
  close(): Promise<void>;
}

/** Starts a worker lane; it takes work once it has loaded the kernels (its evaluator's `ready`). */
export function startGridLane(): GridLane {
  // Loaded here, not with the module: most decodes start no lane, and node:worker_threads costs a few ms to load.
  const { Worker } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
  const worker = new Worker(new URL('./grid-worker.js', import.meta.url));
  let pending: { resolve: (reply: GridReply | FilterReply) => void; reject: (error: Error) => void } | undefined;
  let failure: Error | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: 'ready' | GridReply | FilterReply | { error: string }) => {
      if (message === 'ready') return resolve();
      const job = pending;
      pending = undefined;
      if ('error' in message) job?.reject(new Error(message.error));
      else job?.resolve(message);
    });
    worker.on('error', (error: Error) => {
      failure = error;
      reject(error);
      pending?.reject(error);
    });
  });
  // A lane that fails to start takes no work (the renderer skips it): no unhandled rejection either.
  ready.catch(() => {});
  /** Sends one job (the renderer gives a lane one at a time) and resolves with its reply. */
  const request = <Reply extends GridReply | FilterReply>(message: GridRequest | FilterRequest, transfer: ArrayBuffer[]): Promise<Reply> => {
    if (failure) return Promise.reject(failure);
    return new Promise<Reply>((resolve, reject) => {
      pending = { resolve: resolve as (reply: GridReply | FilterReply) => void, reject };
      worker.postMessage(message, transfer);
    });
  };
  const filterRows = async (field: FieldImage, filter: RestorationFilter, scale: FilterScale, first: number, end: number): Promise<Float32Array> => {
    // Only the rows the band reads travel (copied: the caller keeps its field).
    const context = filterContextRows(filter, scale);
    const top = Math.max(0, first - context);
    const bottom = Math.min(field.height, end + context);
    const rowSamples = field.width * field.channels;
    const values = field.values.slice(top * rowSamples, bottom * rowSamples);
    const band: FieldImage = { width: field.width, height: bottom - top, channels: field.channels, values };
    const reply = await request<FilterReply>({ field: band, filter, scale, first: first - top, end: end - top }, [values.buffer]);
    return new Float32Array(reply.filtered);
  };
  const evaluate: GridEvaluator = Object.assign(
    async (arch: SirenArch, params: Float32Array, axes: RegionAxes, scratch?: GridScratch): Promise<GridValues> => {
      // The renderer's scratch travels to the worker and back (transferred, not copied): fresh memory is slow
      // to touch (render.ts), and the renderer is done with the last values before it asks for the next.
      const lent = scratch?.values.buffer instanceof ArrayBuffer ? scratch.values.buffer : new ArrayBuffer(0);
      if (scratch) scratch.values = new Float32Array(0);
      const reply = await request<GridReply>({ arch, params, axes, buffer: lent }, [lent]);
      const values = new Float32Array(reply.buffer);
      if (scratch) scratch.values = values;
      return { values: values.subarray(0, reply.length), stride: reply.stride };
    },
    { ready, filterRows },
  );
  return { evaluate, close: async () => { await worker.terminate(); } };
}
