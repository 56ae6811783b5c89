import { encodeImageWith, type ImageEncodeOptions, type ImageEncodeResult } from '../encoder/image/encode-image-core.js';
import type { Engine, EngineFactory, EngineSetup } from '../encoder/network/engine.js';
import { EncodeOptionsError } from '../encoder/options-error.js';
import { WasmEngine } from '../encoder/network/wasm-engine-core.js';
import { resolveVariant } from '../kernels/wasm/load.js';
import type { KernelVariant } from '../kernels/wasm/table.js';
import type { Raster } from '../raster.js';
import { openLanes, serveLaneRequest, type LaneReply, type LaneRequest } from '../encoder/network/network-lanes.js';
import { webLaneStarter, webWorkerStarter } from './web-workers.js';

/**
 * The encoder's worker: runs the whole image encoder (encode-image-core.ts)
 * off the page's thread, training on the WASM engine with `threads` − 1
 * more Web Workers beside it (web-workers.ts), and reports progress.
 */

/** `name` of the encoder's worker; the bundle's entry serves encode requests in a worker so named. */
export const ENCODER_NAME = 'snfc-encoder';

/** The encoder's options that can be posted to a worker (no functions, no engine, no search strategy: the worker brings its own). */
export type PostableEncodeOptions = Omit<ImageEncodeOptions, 'engine' | 'onStep' | 'photoMetadata' | 'residualSearch'>;

/** One encode: the image, its options, and the threads to train on (1: this thread alone). */
export interface EncodeRequest {
  readonly image: Raster;
  readonly options: PostableEncodeOptions;
  readonly threads: number;
}

/** Progress of an encode: fit passes and fine-tuning steps done of all, and the training PSNR (dB) of the current phase. */
export interface EncodeProgress {
  readonly step: number;
  readonly steps: number;
  readonly psnr: number;
}

/** What `encodeImageInBrowser` resolves to: the encoder's result, with where and how it trained. */
export interface BrowserEncodeResult extends ImageEncodeResult {
  /** Threads the training ran on (the encoder's worker and its training workers). */
  readonly threads: number;
  /** The WASM kernels it ran (`relaxed`: relaxed-SIMD FMA, `simd`, `scalar`). */
  readonly kernels: KernelVariant;
  /** Where the encoder ran: in its worker, or on the page's thread where no worker could start. */
  readonly thread: 'worker' | 'page';
}

/** The encoder's worker's messages to the page: `started` first (it runs), then progress, then the result or the error. */
export type EncodeReply =
  | { readonly type: 'started' }
  | ({ readonly type: 'progress' } & EncodeProgress)
  | { readonly type: 'done'; readonly result: BrowserEncodeResult }
  | { readonly type: 'error'; readonly message: string; readonly optionsError: boolean };

/**
 * Encodes on this thread, training workers started from the module at
 * `workerUrl`. `signal`: an abort stops the fit at its next step.
 */
export async function runEncode(
  request: EncodeRequest, workerUrl: string, thread: 'worker' | 'page', onProgress?: (progress: EncodeProgress) => void, signal?: AbortSignal,
): Promise<BrowserEncodeResult> {
  const kernels = resolveVariant('auto');
  const startWorker = webWorkerStarter(workerUrl);
  let threads = 1;
  const create = async (setup: EngineSetup): Promise<Engine> => {
    const created = await WasmEngine.create(setup, { variant: kernels, threads: request.threads, startWorker });
    threads = created.threads;
    return created;
  };
  // Several tiles at once, one per thread, on lanes started from this bundle (network-lanes.ts).
  const engine: EngineFactory = Object.assign(create, {
    openLanes: (networks: number) => {
      const lanes = openLanes(networks, request.threads, { variant: kernels }, webLaneStarter(workerUrl));
      if (lanes) threads = request.threads;
      return lanes;
    },
  });
  const onStep = (step: number, steps: number, psnr: number): void => {
    signal?.throwIfAborted();
    onProgress?.({ step, steps, psnr });
  };
  const result = await encodeImageWith(request.image, { ...request.options, onStep }, engine);
  return { ...result, threads, kernels, thread };
}

/** Serves encode requests in the encoder's worker: progress messages, then the result or the error. */
export function serveEncodeRequests(scope: { onmessage: unknown; postMessage(message: EncodeReply, transfer?: Transferable[]): void }): void {
  const workerUrl = import.meta.url;
  scope.onmessage = async (event: MessageEvent<EncodeRequest>) => {
    scope.postMessage({ type: 'started' });
    try {
      const result = await runEncode(event.data, workerUrl, 'worker', (progress) => scope.postMessage({ type: 'progress', ...progress }));
      scope.postMessage({ type: 'done', result }, [result.bytes.buffer]);
    } catch (error) {
      scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error), optionsError: error instanceof EncodeOptionsError });
    }
  };
}

/** Serves network jobs in a lane's worker (network-lanes.ts), on an engine of this bundle's kernels and workers. */
export function serveLaneRequests(scope: { onmessage: unknown; postMessage(message: LaneReply, transfer?: Transferable[]): void }): void {
  const workerUrl = import.meta.url;
  const engineFor = ({ engine, threads }: LaneRequest): EngineFactory => (setup) =>
    WasmEngine.create(setup, { variant: engine.variant, threads, startWorker: webWorkerStarter(workerUrl), tileRows: engine.tileRows, chunkRows: engine.chunkRows });
  scope.onmessage = (event: MessageEvent<LaneRequest>) => serveLaneRequest(event.data, engineFor, (reply, transfer) => scope.postMessage(reply, transfer));
}
