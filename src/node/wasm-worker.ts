/**
 * Node worker shim of the WASM kernels' threads (wasm-threads.ts: the training engine's and the threaded decode's):
 * connects the browser-safe worker handler (src/kernels/wasm/worker-core.ts) to worker_threads' parentPort.
 */
import { parentPort } from 'node:worker_threads';
import { kernelWorker, type WorkerMessage } from '../kernels/wasm/worker-core.js';

const port = parentPort;
if (port) {
  const handle = kernelWorker();
  port.on('message', (message: WorkerMessage) => port.postMessage(handle(message)));
}
