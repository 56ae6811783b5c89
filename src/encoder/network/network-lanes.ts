import type { EngineFactory } from './engine.js';
import { runNetworkJob, type JobProgress, type NetworkJob, type NetworkJobResult, type NetworkLanes } from './network-job.js';
import type { KernelVariant } from '../../kernels/wasm/table.js';
import type { ThreadPort } from '../../kernels/wasm/worker-pool.js';

/**
 * Network lanes over any kind of worker (network-job.ts): each lane is a
 * worker that runs whole network jobs on a WASM engine of its own, so that
 * a many-tile encode fits several tiles at once instead of sharing every
 * Adam step of one tile between its threads. Browser-safe: the platforms
 * differ only in how a lane's worker is started (`StartLane`): worker_threads
 * in Node (wasm-lanes.ts), Web Workers in a page (src/web-encode/).
 */

/** The WASM engine options a lane's engines are made with. */
export interface LaneEngine {
  readonly variant: KernelVariant;
  readonly tileRows?: number;
  readonly chunkRows?: number;
}

/** What a lane's worker is sent: one job. */
export interface LaneRequest {
  readonly job: NetworkJob;
  readonly engine: LaneEngine;
  /** The engine threads of this lane (1 unless there are more threads than networks). */
  readonly threads: number;
}

/**
 * What a lane's worker answers: the losses of its passes or steps since its last
 * answer (at most every PROGRESS_INTERVAL_MS), then the result or the failure.
 */
export type LaneReply =
  | { readonly type: 'step'; readonly losses: readonly number[] }
  | { readonly type: 'done'; readonly result: NetworkJobResult }
  | { readonly type: 'failed'; readonly message: string };

/** One started lane worker, as the lanes use it (its failures include an exit). */
export type LanePort = ThreadPort<LaneRequest, LaneReply>;

export type StartLane = () => LanePort;

interface Lane {
  readonly port: LanePort;
  /** The running job's callbacks; none when the lane is free. */
  current?: { onStep?: JobProgress; resolve: (result: NetworkJobResult) => void; reject: (error: Error) => void };
}

/**
 * Lanes for `networks` networks on `threads` threads: one lane per thread
 * (at most one per network), each with threads / lanes engine threads.
 * Undefined for one network or one thread: then one fit on every thread is best.
 */
export function openLanes(networks: number, threads: number, engine: LaneEngine, startLane: StartLane): NetworkLanes | undefined {
  const count = Math.min(networks, threads);
  if (count < 2) return undefined;
  const perLane = Math.floor(threads / count);
  let closed = false;
  const finish = (lane: Lane): Lane['current'] => {
    const current = lane.current;
    lane.current = undefined;
    lane.port.hold(false);
    return current;
  };
  const lanes: Lane[] = Array.from({ length: count }, () => {
    const lane: Lane = { port: startLane() };
    lane.port.listen((reply) => {
      if (reply.type === 'step') {
        for (const loss of reply.losses) lane.current?.onStep?.(loss);
        return;
      }
      const current = finish(lane);
      if (reply.type === 'done') current?.resolve(reply.result);
      else current?.reject(new Error(`network lane failed: ${reply.message}`));
    }, (error) => finish(lane)?.reject(error));
    lane.port.hold(false);
    return lane;
  });
  return {
    count,
    run(job, onStep) {
      if (closed) return Promise.reject(new Error('network lanes are closed'));
      const lane = lanes.find((candidate) => candidate.current === undefined);
      if (!lane) return Promise.reject(new Error(`all ${count} network lanes are busy; start at most ${count} jobs at once`));
      return new Promise<NetworkJobResult>((resolve, reject) => {
        lane.current = { onStep, resolve, reject };
        lane.port.hold(true);
        lane.port.post({ job, engine, threads: perLane });
      });
    },
    async close() {
      closed = true;
      await Promise.all(lanes.map((lane) => lane.port.terminate()));
    },
  };
}

/**
 * How often a lane reports progress. A message per pass cost the lane
 * 0.5–1.1 ms of its core each (measured on 2 cores, where the woken main thread
 * takes a busy lane's core): 7–16 s over a full-size encode's 14,400 passes a
 * lane. Ten reports a second keep a progress bar live.
 */
export const PROGRESS_INTERVAL_MS = 100;

/**
 * What a lane's worker does with a request: runs the job on an engine from
 * `engineFor(request)` and posts its losses (batched, PROGRESS_INTERVAL_MS),
 * then the result (its parameters' buffer transferred) or the failure. Never throws.
 */
export async function serveLaneRequest(
  request: LaneRequest, engineFor: (request: LaneRequest) => EngineFactory, post: (reply: LaneReply, transfer?: ArrayBuffer[]) => void,
): Promise<void> {
  let losses: number[] = [];
  let posted = performance.now();
  const flush = (): void => {
    if (losses.length > 0) post({ type: 'step', losses });
    losses = [];
    posted = performance.now();
  };
  try {
    const result = await runNetworkJob(engineFor(request), request.job, (loss) => {
      losses.push(loss);
      if (performance.now() - posted >= PROGRESS_INTERVAL_MS) flush();
    });
    flush();
    post({ type: 'done', result }, 'params' in result ? [result.params.buffer as ArrayBuffer] : []);
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}
