/**
 * Network lanes for the WASM engine in Node (network-job.ts): worker_threads
 * that each run whole network jobs (network-worker.js) on an engine of their
 * own, so that a many-tile encode fits several tiles at once instead of
 * sharing every Adam step of one tile between the threads. On these 2 cores
 * a 192×128 tile at width 36 fits in 6.4 s on one thread and 4.1 s on two,
 * while two tiles on one thread each take 7.6 s together: about 20 % less
 * time per tile (docs/engine.md).
 */
import { Worker } from 'node:worker_threads';
import type { KernelVariant } from '../kernels/wasm/table.js';
import type { JobProgress, NetworkJob, NetworkJobResult, NetworkLanes } from './network-job.js';

/** What the main thread sends a lane's worker. */
export interface LaneRequest {
  readonly job: NetworkJob;
  readonly engine: LaneEngine;
  /** The engine threads of this lane (1 unless there are more threads than networks). */
  readonly threads: number;
}

/** The WASM engine options a lane's engines are made with (wasm-engine.ts). */
export interface LaneEngine {
  readonly variant: KernelVariant;
  readonly tileRows?: number;
  readonly chunkRows?: number;
}

/** What a lane's worker answers: a loss after every pass or step, then the result or the failure. */
export type LaneReply =
  | { readonly type: 'step'; readonly loss: number }
  | { readonly type: 'done'; readonly result: NetworkJobResult }
  | { readonly type: 'failed'; readonly message: string };

interface Lane {
  readonly worker: Worker;
  busy: boolean;
  /** The running job's callbacks. */
  current?: { onStep?: JobProgress; resolve: (result: NetworkJobResult) => void; reject: (error: Error) => void };
}

/**
 * Lanes for `networks` networks on `threads` threads: one lane per thread
 * (at most one per network), each with threads / lanes engine threads.
 * Undefined for one network or one thread: then one fit on every thread is best.
 */
export function openWasmLanes(networks: number, threads: number, engine: LaneEngine): NetworkLanes | undefined {
  const count = Math.min(networks, threads);
  if (count < 2) return undefined;
  const perLane = Math.floor(threads / count);
  const lanes: Lane[] = [];
  let closed = false;
  const fail = (lane: Lane, error: Error): void => {
    const current = lane.current;
    lane.current = undefined;
    lane.busy = false;
    current?.reject(error);
  };
  for (let i = 0; i < count; i++) {
    const lane: Lane = { worker: new Worker(new URL('./network-worker.js', import.meta.url)), busy: false };
    lane.worker.on('message', (reply: LaneReply) => {
      const current = lane.current;
      if (!current) return;
      if (reply.type === 'step') {
        current.onStep?.(reply.loss);
        return;
      }
      lane.current = undefined;
      lane.busy = false;
      lane.worker.unref();
      if (reply.type === 'done') current.resolve(reply.result);
      else current.reject(new Error(`network lane failed: ${reply.message}`));
    });
    lane.worker.on('error', (error: unknown) => fail(lane, error instanceof Error ? error : new Error(String(error))));
    lane.worker.on('exit', () => fail(lane, new Error('network lane stopped')));
    lane.worker.unref();
    lanes.push(lane);
  }
  return {
    count,
    run(job, onStep) {
      if (closed) return Promise.reject(new Error('network lanes are closed'));
      const lane = lanes.find((candidate) => !candidate.busy);
      if (!lane) return Promise.reject(new Error(`all ${count} network lanes are busy; start at most ${count} jobs at once`));
      lane.busy = true;
      lane.worker.ref();
      return new Promise<NetworkJobResult>((resolve, reject) => {
        lane.current = { onStep, resolve, reject };
        lane.worker.postMessage({ job, engine, threads: perLane } satisfies LaneRequest);
      });
    },
    async close() {
      closed = true;
      await Promise.all(lanes.map((lane) => lane.worker.terminate()));
    },
  };
}
