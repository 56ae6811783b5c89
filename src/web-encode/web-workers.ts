import type { LanePort, LaneReply, LaneRequest, StartLane } from '../encoder/network/network-lanes.js';
import type { WorkerMessage, WorkerReply } from '../kernels/wasm/worker-core.js';
import type { StartWorker, WorkerPort } from '../kernels/wasm/worker-pool.js';

/**
 * The WASM engine's workers in a page: module Web Workers started from the
 * encoder bundle itself (its index.ts serves the kernel messages in a
 * worker of this name). The browser twin of src/node/wasm-threads.ts's worker_threads
 * starter; everything else about the workers is worker-pool.ts.
 */

/** `name` of the training workers; the bundle's entry serves kernel messages in a worker so named. */
export const TRAINER_NAME = 'snfc-trainer';

/** One module Web Worker named `name` from `url`, as a port of the pools (`label` names it in errors). */
function moduleWorkerPort<In, Out>(url: string, name: string, label: string) {
  const worker = new Worker(url, { type: 'module', name });
  return {
    post: (message: In) => worker.postMessage(message),
    listen(onReply: (reply: Out) => void, onError: (error: Error) => void) {
      worker.onmessage = (event: MessageEvent<Out>) => onReply(event.data);
      worker.onerror = (event: ErrorEvent) => {
        event.preventDefault();
        onError(new Error(`${label} failed: ${event.message || 'it did not start'}`));
      };
      worker.onmessageerror = () => onError(new Error(`${label}: a message could not be read (is the page cross-origin isolated?)`));
    },
    // A Web Worker never keeps a page alive; nothing to hold.
    hold: () => {},
    terminate: () => worker.terminate(),
  };
}

/** Starts training workers from the module script at `url` (a same-origin or blob URL). */
export function webWorkerStarter(url: string): StartWorker {
  return (): WorkerPort => moduleWorkerPort<WorkerMessage, WorkerReply>(url, TRAINER_NAME, 'training worker');
}

/** `name` of the network lanes' workers; the bundle's entry serves network jobs in a worker so named. */
export const LANE_NAME = 'snfc-lane';

/** Starts network lanes (src/encoder/network/network-lanes.ts) from the module script at `url`. */
export function webLaneStarter(url: string): StartLane {
  return (): LanePort => moduleWorkerPort<LaneRequest, LaneReply>(url, LANE_NAME, 'network lane');
}

/**
 * Threads for training in this context: 1 without shared memories (a page
 * that is not cross-origin isolated has no SharedArrayBuffer), else
 * navigator.hardwareConcurrency, at most `most`.
 */
export function pageThreads(most = 8): number {
  if (typeof SharedArrayBuffer !== 'function') return 1;
  const cores = typeof navigator === 'object' && Number.isInteger(navigator.hardwareConcurrency) ? navigator.hardwareConcurrency : 1;
  return Math.max(1, Math.min(most, cores));
}
