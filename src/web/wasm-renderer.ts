import type { ImageSnfFile } from '../format/index.js';
import { decodeToRgba, type DecodeReply, type DecodeRequest } from './decode-worker.js';
import type { RgbaPixels } from './rgba.js';
import { sameOriginScriptUrl } from './worker-url.js';

/**
 * The WASM renderer: the Node decoder itself (`decodeImage`, the WASM SIMD
 * kernels and kernels/render.ts, blending included) in a Web Worker, its
 * pixels put on a 2D canvas. Where no worker can start (a page whose CSP
 * forbids it), it decodes on the page's thread instead.
 */

export interface WasmRenderer {
  readonly name: 'wasm';
  readonly canvas: HTMLCanvasElement;
  render(file: ImageSnfFile, width: number, height: number): Promise<void>;
  readPixels(): Promise<RgbaPixels>;
  /** Where the last render ran: in the decoding worker, or on the page's thread (no worker could start). */
  readonly thread: 'worker' | 'page' | undefined;
  dispose(): void;
}

/** Thrown for a file the worker rejects; `code` is the spec §9 code. */
export class WorkerDecodeError extends Error {
  constructor(readonly code: string | undefined, message: string) {
    super(message);
  }
}

let worker: Promise<Worker | undefined> | undefined;
let nextId = 1;
const pending = new Map<number, (reply: DecodeReply) => void>();

/**
 * One worker for the page, started from this very module (the bundle is
 * self-contained, so it needs no other file); undefined where none starts.
 */
function decodeWorker(): Promise<Worker | undefined> {
  worker ??= (async () => {
    try {
      const started = new Worker(await sameOriginScriptUrl(import.meta.url), { type: 'module', name: 'snfc-decoder' });
      started.onmessage = (event: MessageEvent<DecodeReply>) => {
        pending.get(event.data.id)?.(event.data);
        pending.delete(event.data.id);
      };
      return started;
    } catch {
      return undefined;
    }
  })();
  return worker;
}

async function decode(file: ImageSnfFile, width: number, height: number): Promise<RgbaPixels & { thread: 'worker' | 'page' }> {
  const request: DecodeRequest = { id: nextId++, file, width, height };
  const running = await decodeWorker();
  // The file is copied to the worker (nothing transferred: the page keeps it for the next size).
  const reply = running
    ? await new Promise<DecodeReply>((resolve) => {
      pending.set(request.id, resolve);
      running.postMessage(request);
    })
    : await decodeToRgba(request);
  if ('error' in reply) throw new WorkerDecodeError(reply.error.code, reply.error.message);
  return { ...reply.pixels, thread: running ? 'worker' : 'page' };
}

export function createWasmRenderer(): WasmRenderer {
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d')!;
  let last: RgbaPixels = { width: 0, height: 0, data: new Uint8ClampedArray(0) };
  let thread: 'worker' | 'page' | undefined;
  return {
    name: 'wasm',
    canvas,
    get thread() {
      return thread;
    },
    async render(file, width, height) {
      const pixels = await decode(file, width, height);
      canvas.width = width;
      canvas.height = height;
      context.putImageData(new ImageData(pixels.data, width, height), 0, 0);
      last = pixels;
      thread = pixels.thread;
    },
    readPixels: async () => last,
    dispose() {},
  };
}
