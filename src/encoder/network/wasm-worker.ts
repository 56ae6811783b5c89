/**
 * Node worker shim of the WASM engine (wasm-engine.ts): connects the
 * browser-safe worker handler (wasm-worker-core.ts) to worker_threads'
 * parentPort.
 */
import { parentPort } from 'node:worker_threads';
import { kernelWorker, type WorkerMessage } from './wasm-worker-core.js';

export type { WorkerForwardInit, WorkerInit, WorkerMessage, WorkerReply } from './wasm-worker-core.js';

const port = parentPort;
if (port) {
  const handle = kernelWorker();
  port.on('message', (message: WorkerMessage) => port.postMessage(handle(message)));
}
