import { IMAGE_OPTION_NAMES } from '../encoder/image/encode-image-core.js';
import { checkOptionNames } from '../encoder/option-names.js';
import { EncodeOptionsError } from '../encoder/options-error.js';
import type { Raster } from '../raster.js';
import { sameOriginScriptUrl } from '../web/worker-url.js';
import { ENCODER_NAME, runEncode, type BrowserEncodeResult, type EncodeProgress, type EncodeReply, type EncodeRequest, type PostableEncodeOptions } from './encode-worker.js';
import { rasterFromRgba } from './raster-from-rgba.js';
import { pageThreads } from './web-workers.js';

/** Largest image `encodeImageInBrowser` takes by default, in pixels (2048 × 2048). */
export const DEFAULT_MAX_ENCODE_PIXELS = 2048 * 2048;

export interface BrowserEncodeOptions extends PostableEncodeOptions {
  /** Called after every fit pass and fine-tuning step (of all tiles together). */
  readonly onProgress?: (progress: EncodeProgress) => void;
  /**
   * Training threads, 1 to 256: the encoder's worker and threads − 1 more.
   * Default: navigator.hardwareConcurrency, at most 8; always 1 in a page
   * that is not cross-origin isolated (no SharedArrayBuffer).
   */
  readonly threads?: number;
  /** Images of more pixels are refused (an EncodeOptionsError); default DEFAULT_MAX_ENCODE_PIXELS. */
  readonly maxPixels?: number;
  /** Aborting stops the encode (its workers are terminated) and rejects with an AbortError. */
  readonly signal?: AbortSignal;
}

/**
 * Encodes an image to a `.snf` file in a page: the same pipeline as Node's
 * `encodeImage` (same options, same file for the same settings), run in a
 * module Web Worker started from this bundle, so the page never blocks, and
 * trained on the WASM SIMD engine with `threads` − 1 more workers sharing
 * its memory. Where the worker does not start (a CSP that forbids workers,
 * a script it cannot load) it runs on the page's thread, on one thread.
 *
 * `image`: an ImageData (from a canvas; stored as gray where R = G = B
 * everywhere and without alpha where every pixel is opaque) or a Raster.
 * @returns the encoder's result: `bytes` (the file), `psnr` of the decoded file, …
 * @throws EncodeOptionsError for options that cannot make a file, or an image over `maxPixels`.
 */
/** What `encodeImageInBrowser` takes: the encoder's options and its own (taken out before the check, so only guessed at). */
const PAGE_OPTION_NAMES: Readonly<Record<string, true>> = { ...IMAGE_OPTION_NAMES, onProgress: true, threads: true, maxPixels: true, signal: true };

export async function encodeImageInBrowser(image: ImageData | Raster, options: BrowserEncodeOptions = {}): Promise<BrowserEncodeResult> {
  const { onProgress, threads: wanted, maxPixels = DEFAULT_MAX_ENCODE_PIXELS, signal, ...encodeOptions } = options;
  if (image === null || typeof image !== 'object' || !('channels' in image || image.data instanceof Uint8ClampedArray)) {
    throw new EncodeOptionsError(`the image must be an ImageData (a canvas's: context.getImageData(…)) or { width, height, channels, data }; got ${image === null || typeof image !== 'object' ? String(image) : (image as object).constructor.name}`);
  }
  // A misspelt name is refused here with a guess (`onProgres`), before the check below would call it a function.
  checkOptionNames(encodeOptions, PAGE_OPTION_NAMES, 'image');
  // The options go to the encoder's worker by structured clone, which takes no function: onProgress is the page's callback.
  for (const [name, value] of Object.entries(encodeOptions)) {
    if (typeof value === 'function') throw new EncodeOptionsError(`${name} cannot go to the encoder's worker: a page's encode reports its progress to onProgress`);
  }
  const raster = 'channels' in image ? image : rasterFromRgba(image);
  if (raster.width * raster.height > maxPixels) {
    throw new EncodeOptionsError(`the image is ${raster.width}×${raster.height} = ${raster.width * raster.height} pixels; at most ${maxPixels} are encoded in a page (maxPixels): scale it down first`);
  }
  const threads = wanted ?? pageThreads();
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new EncodeOptionsError(`threads must be a whole number from 1 to 256; got ${String(wanted)}`);
  signal?.throwIfAborted();
  const request: EncodeRequest = { image: raster, options: encodeOptions, threads };
  const url = await sameOriginScriptUrl(import.meta.url);
  // Where no worker can start (a CSP's worker-src: Chromium reports it as an error event, not by throwing), encode here, on one thread.
  const inPage = (): Promise<BrowserEncodeResult> => runEncode({ ...request, threads: 1 }, url, 'page', onProgress, signal);
  let worker: Worker;
  try {
    worker = new Worker(url, { type: 'module', name: ENCODER_NAME });
  } catch {
    return inPage();
  }
  let started = false;
  return new Promise<BrowserEncodeResult>((resolve, reject) => {
    const stop = (): void => {
      worker.terminate();
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      stop();
      reject(signal?.reason ?? new DOMException('The encode was aborted', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort);
    worker.onmessage = (event: MessageEvent<EncodeReply>) => {
      const reply = event.data;
      if (reply.type === 'started') {
        started = true;
        return;
      }
      if (reply.type === 'progress') {
        onProgress?.({ step: reply.step, steps: reply.steps, psnr: reply.psnr });
        return;
      }
      stop();
      if (reply.type === 'done') resolve(reply.result);
      else reject(reply.optionsError ? new EncodeOptionsError(reply.message) : new Error(reply.message));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      stop();
      if (!started) {
        inPage().then(resolve, reject);
        return;
      }
      reject(new Error(`the encoder's worker failed: ${event.message || 'an error without a message'}`));
    };
    try {
      worker.postMessage(request);
    } catch (error) {
      // An option a worker cannot receive (a function, say): refused as an option, with nothing left running.
      stop();
      reject(new EncodeOptionsError(`the options cannot be sent to the encoder's worker: ${error instanceof Error ? error.message : String(error)}`));
    }
  });
}
