import { decodeImage } from '../decoder/index.js';
import { SnfFormatError, type ImageSnfFile } from '../format/index.js';
import { toRgba, type RgbaPixels } from './rgba.js';

/**
 * A request to the decoding worker: render `file` at `width` × `height`. The page has read and checked the file
 * (`readSnf`) to learn its size; the worker gets that file, structured-cloned, rather than its bytes to parse again.
 */
export interface DecodeRequest {
  readonly id: number;
  readonly file: ImageSnfFile;
  readonly width: number;
  readonly height: number;
}

/** The worker's answer: the pixels, or the error's code and message. */
export type DecodeReply =
  | { readonly id: number; readonly pixels: RgbaPixels }
  | { readonly id: number; readonly error: { readonly code?: string; readonly message: string } };

/** Decodes with the Node decoder's code path (WASM SIMD kernels, kernels/render.ts) to RGBA. */
export async function decodeToRgba(request: DecodeRequest): Promise<DecodeReply> {
  try {
    const raster = await decodeImage(request.file, { width: request.width, height: request.height });
    return { id: request.id, pixels: toRgba(raster) };
  } catch (error) {
    const code = error instanceof SnfFormatError ? error.code : undefined;
    return { id: request.id, error: { code, message: error instanceof Error ? error.message : String(error) } };
  }
}

/** Runs this module as the decoding worker: one reply per request message. */
export function serveDecodeRequests(scope: { onmessage: unknown; postMessage(message: unknown, transfer: Transferable[]): void }): void {
  scope.onmessage = async (event: MessageEvent<DecodeRequest>) => {
    const reply = await decodeToRgba(event.data);
    scope.postMessage(reply, 'pixels' in reply ? [reply.pixels.data.buffer] : []);
  };
}
