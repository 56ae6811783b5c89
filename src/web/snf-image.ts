import { ElementBase, reflectAttributes, upgradeProperties } from './element-base.js';
import { readSnf, isImageFile, type ImageSnfFile } from '../format/index.js';
import { fileErrorMessage, fireError, loadBytes } from './load-bytes.js';
import type { RgbaPixels } from './rgba.js';
import { createWasmRenderer, type WasmRenderer } from './wasm-renderer.js';
import { createWebglRenderer, type WebglRenderer } from './webgl-renderer.js';

type Renderer = WebglRenderer | WasmRenderer;
/** Values of the `renderer` attribute. */
export type RendererChoice = 'auto' | 'webgl2' | 'wasm';

const STYLE = `:host { display: inline-block; overflow: hidden; }
:host([hidden]) { display: none; }
canvas { display: block; width: 100%; height: 100%; }`;

/**
 * `<snf-image src="photo.snf" alt="…" renderer="auto|webgl2|wasm" loading="lazy">`:
 * shows an image .snf at its CSS box size × devicePixelRatio, and renders
 * it again whenever that changes. Like `<img>`: without a CSS size its size
 * is the image's own (in CSS pixels), `load` fires once the first render is
 * on screen and `error` (an ErrorEvent whose message names the file and the
 * problem) for a file that is missing or not a valid image .snf.
 */
export class SnfImageElement extends ElementBase {
  static readonly observedAttributes = ['src', 'alt', 'renderer', 'loading'];
  /** The attributes, as properties (reflectAttributes below): `element.src = 'photo.snf'` loads it. */
  declare src: string;
  declare alt: string;
  declare renderer: string;
  declare loading: string;

  /** The image's own width and height in pixels (0 until the file is read). */
  naturalWidth = 0;
  naturalHeight = 0;
  /** True once the current `src` is rendered or has failed. */
  complete = false;
  /** Renders done since `src` was set (a resize or DPR change adds one). */
  renders = 0;
  /** The last error, if the current `src` failed. */
  error: Error | undefined;

  readonly #root: ShadowRoot;
  readonly #sizeRule: HTMLStyleElement;
  #renderer: Renderer | undefined;
  #file: ImageSnfFile | undefined;
  /** The `src` that #file was read from. */
  #fileSrc: string | undefined;
  /** Whether a lazy element waits to come near the viewport before it loads. */
  #waitingToLoad = false;
  #loading: AbortController | undefined;
  #size: { width: number; height: number } | undefined;
  #rendering = false;
  #dirty = false;
  #resize: ResizeObserver | undefined;
  #visible: IntersectionObserver | undefined;
  #dpr: MediaQueryList | undefined;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = STYLE;
    this.#sizeRule = document.createElement('style');
    this.#root.append(style, this.#sizeRule);
  }

  /** The renderer in use: 'webgl2' or 'wasm', undefined before the first render. */
  get activeRenderer(): 'webgl2' | 'wasm' | undefined {
    return this.#renderer?.name;
  }

  /** Where the last render ran: 'gpu' (WebGL2), 'worker' (WASM in a worker) or 'page' (WASM on the page's thread). */
  get renderThread(): 'gpu' | 'worker' | 'page' | undefined {
    const renderer = this.#renderer;
    return renderer?.name === 'webgl2' ? 'gpu' : renderer?.thread;
  }

  connectedCallback(): void {
    upgradeProperties(this, SnfImageElement.observedAttributes);
    this.#resize = new ResizeObserver((entries) => this.#measured(entries[entries.length - 1]!));
    try {
      this.#resize.observe(this, { box: 'device-pixel-content-box' });
    } catch {
      this.#resize.observe(this);
    }
    this.#watchDpr();
    this.#applyAlt();
    // Moved in the page (appended elsewhere): its file is read already, so it is only drawn again at its new size,
    // and `load`, which has fired, does not fire again (as an <img> moved in the page).
    if (this.#file !== undefined && this.#fileSrc === this.getAttribute('src')) this.#schedule();
    else this.#start();
  }

  disconnectedCallback(): void {
    this.#resize?.disconnect();
    this.#visible?.disconnect();
    this.#loading?.abort();
  }

  attributeChangedCallback(name: string, before: string | null, after: string | null): void {
    if (before === after || !this.isConnected) return;
    if (name === 'alt') this.#applyAlt();
    else if (name === 'loading') {
      // Only an element still waiting to come near the viewport cares (lazy to eager loads it now); a file being
      // read or read already is not read again.
      if (this.#waitingToLoad) this.#start();
    } else if (name === 'renderer') {
      this.#renderer?.dispose();
      this.#renderer = undefined;
      this.#schedule();
    } else this.#start();
  }

  /** The pixels on screen (straight RGBA at the render size), for tests and tools. */
  async readPixels(): Promise<RgbaPixels> {
    return (await this.#renderer?.readPixels()) ?? { width: 0, height: 0, data: new Uint8ClampedArray(0) };
  }

  #applyAlt(): void {
    const alt = this.getAttribute('alt');
    if (alt === null) {
      this.removeAttribute('role');
      this.removeAttribute('aria-label');
    } else {
      this.setAttribute('role', alt === '' ? 'presentation' : 'img');
      if (alt === '') this.removeAttribute('aria-label');
      else this.setAttribute('aria-label', alt);
    }
  }

  #start(): void {
    this.#loading?.abort();
    this.#visible?.disconnect();
    this.#waitingToLoad = false;
    this.#file = undefined;
    this.#fileSrc = undefined;
    this.complete = false;
    this.error = undefined;
    this.renders = 0;
    const src = this.getAttribute('src');
    if (!src) {
      this.#clear();
      return;
    }
    if (this.getAttribute('loading') === 'lazy' && typeof IntersectionObserver === 'function') {
      this.#waitingToLoad = true;
      this.#visible = new IntersectionObserver((entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        this.#visible?.disconnect();
        this.#waitingToLoad = false;
        void this.#load(src);
      }, { rootMargin: '200px' });
      this.#visible.observe(this);
    } else {
      void this.#load(src);
    }
  }

  async #load(src: string): Promise<void> {
    const loading = new AbortController();
    this.#loading = loading;
    try {
      const bytes = await loadBytes('snf-image', src, loading.signal);
      const file = readSnf(bytes);
      if (!isImageFile(file)) throw new Error(`snf-image: ${src} holds audio, not an image`);
      if (loading.signal.aborted) return;
      this.#file = file;
      this.#fileSrc = src;
      this.naturalWidth = file.header.width;
      this.naturalHeight = file.header.height;
      // The image's own size, in CSS pixels, unless the page sizes the element (page rules beat :host rules).
      this.#sizeRule.textContent = `:host { width: ${file.header.width}px; aspect-ratio: ${file.header.width} / ${file.header.height}; }`;
      this.#schedule();
    } catch (error) {
      if (loading.signal.aborted) return;
      this.#fail(fileErrorMessage('snf-image', src, error), error);
    }
  }

  #fail(message: string, error: unknown): void {
    // What the last file showed goes, as an <img> whose new src fails shows no more of the old one.
    this.#clear();
    this.complete = true;
    this.error = new Error(message, { cause: error });
    fireError(this, message, this.error);
  }

  /** Takes down what is on screen: the canvas, the renderer that holds its pixels, the image's own size. */
  #clear(): void {
    this.#root.querySelector('canvas')?.remove();
    this.#renderer?.dispose();
    this.#renderer = undefined;
    this.naturalWidth = this.naturalHeight = 0;
    this.#sizeRule.textContent = '';
  }

  #measured(entry: ResizeObserverEntry): void {
    const width = entry.contentRect.width * devicePixelRatio;
    const height = entry.contentRect.height * devicePixelRatio;
    // The device-pixel box is exact where the browser snaps the box to device pixels; it is only a
    // rounding away from CSS size × DPR, and an emulated DPR (headless Chromium) leaves it at the CSS size.
    const device = entry.devicePixelContentBoxSize?.[0];
    const snapped = device !== undefined && Math.abs(device.inlineSize - width) <= 1 && Math.abs(device.blockSize - height) <= 1;
    const size = snapped
      ? { width: Math.round(device.inlineSize), height: Math.round(device.blockSize) }
      : { width: Math.round(width), height: Math.round(height) };
    if (size.width === this.#size?.width && size.height === this.#size?.height) return;
    this.#size = size;
    this.#schedule();
  }

  /** Re-measures when devicePixelRatio changes (browsers without device-pixel-content-box do not report it). */
  #watchDpr(): void {
    this.#dpr = matchMedia(`(resolution: ${devicePixelRatio}dppx)`);
    this.#dpr.addEventListener('change', () => {
      const box = this.getBoundingClientRect();
      const size = { width: Math.round(box.width * devicePixelRatio), height: Math.round(box.height * devicePixelRatio) };
      if (size.width !== this.#size?.width || size.height !== this.#size?.height) {
        this.#size = size;
        this.#schedule();
      }
      this.#watchDpr();
    }, { once: true });
  }

  /** Renders at the current size once the file and a size are known; one render at a time, the latest size wins. */
  #schedule(): void {
    if (this.#rendering) {
      this.#dirty = true;
      return;
    }
    const file = this.#file;
    const size = this.#size;
    if (!file || !size || size.width < 1 || size.height < 1) return;
    this.#rendering = true;
    this.#dirty = false;
    void this.#render(file, size).finally(() => {
      this.#rendering = false;
      if (this.#dirty) this.#schedule();
    });
  }

  async #render(file: ImageSnfFile, size: { width: number; height: number }): Promise<void> {
    const src = this.getAttribute('src') ?? '';
    // As HTML's keyword attributes: any case, and an empty value is the default.
    const choice = ((this.getAttribute('renderer') ?? '').toLowerCase() || 'auto') as RendererChoice;
    try {
      try {
        const renderer = this.#pickRenderer(choice);
        await renderer.render(file, size.width, size.height);
      } catch (error) {
        // A GPU that cannot compile or run the shader: auto falls back to WASM.
        if (choice !== 'auto' || this.#renderer?.name !== 'webgl2') throw error;
        this.#renderer.dispose();
        this.#renderer = createWasmRenderer();
        await this.#renderer.render(file, size.width, size.height);
      }
      if (this.#file !== file) return;
      const canvas = this.#renderer!.canvas;
      if (canvas.parentNode !== this.#root) {
        this.#root.querySelector('canvas')?.remove();
        this.#root.append(canvas);
      }
      this.renders++;
      if (!this.complete) {
        // On screen once the next frame has been drawn.
        await new Promise((resolve) => requestAnimationFrame(resolve));
        this.complete = true;
        this.dispatchEvent(new Event('load'));
      }
    } catch (error) {
      if (this.#file === file) this.#fail(fileErrorMessage('snf-image', src, error), error);
    }
  }

  #pickRenderer(choice: RendererChoice): Renderer {
    if (this.#renderer) return this.#renderer;
    if (choice !== 'auto' && choice !== 'webgl2' && choice !== 'wasm') {
      throw new Error(`snf-image: expected auto, webgl2 or wasm for renderer but received ${String(choice)}`);
    }
    if (choice !== 'wasm') {
      const webgl = createWebglRenderer(choice === 'webgl2');
      if (webgl) return (this.#renderer = webgl);
      if (choice === 'webgl2') throw new Error('snf-image: renderer="webgl2" but this browser has no WebGL2 with float render targets');
    }
    return (this.#renderer = createWasmRenderer());
  }
}

reflectAttributes(SnfImageElement, SnfImageElement.observedAttributes);
