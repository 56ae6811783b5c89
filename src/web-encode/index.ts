/**
 * snfc's encoder in a web page: `encodeImageInBrowser` (encode-in-browser.ts).
 * The bundle (dist/web/snfc-encode.js, built by scripts/build-web.mjs) is
 * self-contained and separate from the decoder's, so a page loads it only
 * when it encodes. Loaded as a worker, the same module is the encoder's
 * worker or one of its training workers, told apart by the worker's name.
 * Browser-only: nothing here imports node:*, sharp or worker_threads.
 */
import { kernelWorker, type WorkerMessage, type WorkerReply } from '../kernels/wasm/worker-core.js';
import { ENCODER_NAME, serveEncodeRequests, serveLaneRequests } from './encode-worker.js';
import { LANE_NAME, TRAINER_NAME } from './web-workers.js';

export { DEFAULT_MAX_ENCODE_PIXELS, encodeImageInBrowser, type BrowserEncodeOptions } from './encode-in-browser.js';
export type { BrowserEncodeResult, EncodeProgress } from './encode-worker.js';
export { rasterFromRgba } from './raster-from-rgba.js';
export { EncodeOptionsError } from '../encoder/options-error.js';

interface WorkerScope {
  readonly name: string;
  onmessage: unknown;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

if (typeof document === 'undefined' && typeof (globalThis as { name?: unknown }).name === 'string') {
  const scope = globalThis as unknown as WorkerScope;
  if (scope.name === TRAINER_NAME) {
    const handle = kernelWorker();
    scope.onmessage = (event: MessageEvent<WorkerMessage>) => scope.postMessage(handle(event.data) satisfies WorkerReply);
  } else if (scope.name === ENCODER_NAME) {
    serveEncodeRequests(scope);
  } else if (scope.name === LANE_NAME) {
    serveLaneRequests(scope);
  }
}
