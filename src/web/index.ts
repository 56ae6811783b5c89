/**
 * snfc in a web page: importing this module defines `<snf-image>` and
 * `<snf-audio>`. The bundle (dist/web/snfc-web.js, built by
 * scripts/build-web.mjs) is self-contained; loaded as a worker, the same
 * module serves the WASM renderer's decode requests instead.
 * Browser-only: it imports the decoder, the format and the kernels, never
 * node:* or the encoder.
 */
import { serveDecodeRequests } from './decode-worker.js';
import { SnfAudioElement } from './snf-audio.js';
import { SnfImageElement } from './snf-image.js';

export { SnfImageElement, type RendererChoice } from './snf-image.js';
export { SnfAudioElement } from './snf-audio.js';
export type { RgbaPixels } from './rgba.js';

// `document.querySelector('snf-image')` and `createElement('snf-audio')` give the elements' own types.
declare global {
  interface HTMLElementTagNameMap {
    'snf-image': SnfImageElement;
    'snf-audio': SnfAudioElement;
  }
}

if (typeof document === 'undefined') {
  serveDecodeRequests(globalThis as unknown as Parameters<typeof serveDecodeRequests>[0]);
} else {
  if (!customElements.get('snf-image')) customElements.define('snf-image', SnfImageElement);
  if (!customElements.get('snf-audio')) customElements.define('snf-audio', SnfAudioElement);
}
