import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { decodeAudio, decodeImage } from '../src/decoder/index.js';
import { encodeImage } from '../src/encoder/image/encode-image.js';
import { readSnf, writeSnf } from '../src/format/index.js';
import type { Raster } from '../src/raster.js';
import { residualPlanes, residualValueCount } from '../src/kernels/residual.js';
import { mulberry32 } from './helpers/prng.js';
import { pageRoutes, serveIsolated, WEB_BUNDLE, type IsolatedServer } from '../src/web-server/serve.js';
import { toRgba } from '../src/web/rgba.js';
import { CHROMIUM, launchChromium } from './helpers/browser.js';
import { FIXTURES } from './helpers/cli.js';

/**
 * <snf-image> and <snf-audio> in a real browser (headless Chromium, WebGL2 on
 * SwiftShader), against the Node decoder. Small files: a 32×32 fixture and
 * two tiny encodes made here with few steps (tiles; gray + alpha).
 */

const files = new Map<string, Uint8Array>();
let server: IsolatedServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const PAGE = `<!doctype html><meta charset="utf-8"><title>snfc web test</title>
<style>body { margin: 0; }</style><script type="module" src="/snfc-web.js"></script><body></body>`;

async function crop(width: number, height: number, layout: 'rgb' | 'graya'): Promise<Raster> {
  let image = sharp(path.join(FIXTURES, 'kodim-crop96.png')).extract({ left: 20, top: 30, width, height });
  if (layout === 'graya') image = image.greyscale().joinChannel(Buffer.from(Array.from({ length: width * height }, (_, i) => 128 + ((i * 7) % 128))), { raw: { width, height, channels: 1 } });
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return { width, height, channels: info.channels as 1 | 2 | 3 | 4, data: new Uint8Array(data) };
}

before(async () => {
  files.set('fourier.snf', new Uint8Array(readFileSync(path.join(FIXTURES, 'kodim-crop32-fourier.snf'))));
  // Tiles (2 × 2 networks) with Fourier inputs, hard-edged (2.0) and blended at their seams (2.1),
  // and gray + alpha: the layouts the CLI writes.
  const rgb = await crop(40, 24, 'rgb');
  const tiled = await encodeImage(rgb, { width: 10, tiles: { columns: 2, rows: 2 }, overlap: 0, steps: 40, fourier: 3, seed: 3 });
  files.set('tiled.snf', tiled.bytes);
  const blended = await encodeImage(rgb, { width: 10, tiles: { columns: 2, rows: 2 }, overlap: 4, steps: 40, fourier: 3, seed: 3 });
  // The encoder writes format 4 (shared contexts, the header deflated; spec §2.2, §6.8): the page reads it through the same reader.
  assert.deepEqual([blended.bytes[8], blended.bytes[9]], [4, 3], 'a blended file with compact tensor tables and shared contexts is version 4.3');
  files.set('blended.snf', blended.bytes);
  const graya = await encodeImage(await crop(20, 16, 'graya'), { width: 8, steps: 40, seed: 4 });
  files.set('graya.snf', graya.bytes);
  // Restoration filters (format x.4): the 2.4 fixture (RGB, fitted), the 2.5 one (with direction classes), and the gray + alpha file with a made-up
  // two-class filter, so that the WebGL2 read-back maps one colour channel and leaves alpha alone.
  files.set('filtered.snf', new Uint8Array(readFileSync(path.join(FIXTURES, 'kodim-crop32-filter.snf'))));
  files.set('directions.snf', new Uint8Array(readFileSync(path.join(FIXTURES, 'kodim-crop32-filter-dir.snf'))));
  // A grid with cuts (format x.9): 2 × 2 tiles whose middle row the encoder moved off a shoreline, so cells of unequal height.
  files.set('cuts.snf', new Uint8Array(readFileSync(path.join(FIXTURES, 'kodim-shore32-cuts.snf'))));
  // Format 5: the networks' sine units scaled by the multipliers of steps per unit (spec §5.1).
  files.set('units.snf', new Uint8Array(readFileSync(path.join(FIXTURES, 'kodim-crop32-units.snf'))));
  // A final filter after the residual (format x.10, spec §3.12): filter, residual and final filter on the read-back, in that order.
  files.set('final.snf', new Uint8Array(readFileSync(path.join(FIXTURES, 'kodim-crop32-final.snf'))));
  // Its taps clipped (format x.11, spec §3.13).
  files.set('clipped.snf', new Uint8Array(readFileSync(path.join(FIXTURES, 'kodim-crop32-clipped.snf'))));
  const grayFile = readSnf(graya.bytes);
  assert.ok(grayFile.header.kind === 'image');
  const grayFilter = { radius: 2, cross: 0, shift: 7, thresholds: Float32Array.from([0.02]), coefficients: Int8Array.from([20, -10, 5, 30, -5, 8, -40, 10, 0, 25, 3, -6]) };
  files.set('graya-filtered.snf', writeSnf({ header: { ...grayFile.header, filter: grayFilter }, networks: grayFile.networks.map((n) => ({ region: [...n.region], arch: n.arch, tensors: n.tensors })) }));
  // DCT residuals (format x.6): made-up coefficients on the blended RGB file (luma and chroma, at a graded step: x.7) and on the gray +
  // alpha one (luma only, one step), so that the WebGL2 read-back adds them to the colour channels and leaves alpha alone.
  for (const [name, base, colours] of [['residual.snf', blended.bytes, 3], ['graya-residual.snf', graya.bytes, 1]] as const) {
    const file = readSnf(base);
    assert.ok(file.header.kind === 'image');
    const planes = residualPlanes(file.header.width, file.header.height, colours, 10, colours === 3 ? 3 : 0);
    const random = mulberry32(name.length);
    const values = Int16Array.from({ length: residualValueCount(planes) }, () => (random() < 0.5 ? 0 : Math.round(30 * (random() - 0.5))));
    const residual = { lumaCoefficients: 10, chromaCoefficients: colours === 3 ? 3 : 0, lumaStep: 48, chromaStep: 32, ...(colours === 3 ? { gradient: 24 } : {}), values };
    files.set(name, writeSnf({ header: { ...file.header, residual }, networks: file.networks.map((n) => ({ region: [...n.region], arch: n.arch, tensors: n.tensors })), sharedContexts: true }));
  }
  const corrupt = files.get('fourier.snf')!.slice();
  corrupt[corrupt.length - 9]! ^= 0x40;
  files.set('corrupt.snf', corrupt);
  server = await serveIsolated(pageRoutes(PAGE, files));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 800, height: 600 }, deviceScaleFactor: 1 });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => customElements.get('snf-image') !== undefined);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

interface Shown {
  renderer: string;
  thread: string;
  width: number;
  height: number;
  pixels: number[];
}

/** Adds an element with `attributes` and `style`, waits for `load` (or `error`), and returns what it shows. */
async function show(attributes: Record<string, string>, style: string): Promise<Shown & { error?: string }> {
  return page.evaluate(async ({ attributes, style }) => {
    const element = document.createElement('snf-image') as HTMLElement & { readPixels(): Promise<{ width: number; height: number; data: Uint8ClampedArray }>; activeRenderer: string; renderThread: string };
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    element.setAttribute('style', style);
    const done = new Promise<string | undefined>((resolve) => {
      element.addEventListener('load', () => resolve(undefined), { once: true });
      element.addEventListener('error', (event) => resolve((event as ErrorEvent).message), { once: true });
    });
    document.body.replaceChildren(element);
    const error = await done;
    const { width, height, data } = await element.readPixels();
    return { renderer: element.activeRenderer, thread: element.renderThread, width, height, pixels: Array.from(data), error };
  }, { attributes, style });
}

/** The largest difference from decodeImage's samples, and how many pixels differ by more than 1 level. */
async function differences(name: string, shown: Shown): Promise<{ worst: number; pixelsOverOne: number }> {
  const expected = toRgba(await decodeImage(files.get(name)!, { width: shown.width, height: shown.height }));
  assert.equal(shown.pixels.length, expected.data.length);
  let worst = 0;
  const over = new Set<number>();
  for (let i = 0; i < expected.data.length; i++) {
    const difference = Math.abs(shown.pixels[i]! - expected.data[i]!);
    worst = Math.max(worst, difference);
    if (difference > 1) over.add(i >> 2);
  }
  return { worst, pixelsOverOne: over.size };
}

test('the browser and the web bundle for these tests are there', () => {
  assert.ok(existsSync(WEB_BUNDLE), `${WEB_BUNDLE} is missing: npm run build makes it`);
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: .ci/run installs it with apt-get`);
});

test('the web bundle is self-contained and at most 40 KB gzipped, the decode-only WASM kernels included', () => {
  const bundle = readFileSync(WEB_BUNDLE);
  const gzipped = gzipSync(bundle, { level: 9 }).length;
  assert.ok(gzipped <= 40 * 1024, `${gzipped} bytes gzipped`);
  assert.doesNotMatch(bundle.toString('utf8'), /\bfrom\s*["']|\bimport\s*\(\s*["']/);
  // The decode-only kernel builds (assembly/decode.ts): the decoder's kernels, no training ones, no shared memory.
  const embedded = bundle.toString('utf8').match(/simdUnshared:"([A-Za-z0-9+/=]{1000,})"/);
  assert.ok(embedded, 'the bundle embeds the SIMD kernels');
  const exports = WebAssembly.Module.exports(new WebAssembly.Module(Buffer.from(embedded[1]!, 'base64'))).map((e) => e.name);
  assert.deepEqual(exports.sort(), ['filterRgb', 'filterSets', 'gemmNN', 'rowSin']);
  assert.match(bundle.toString('utf8'), /simdShared:""/);
});

for (const renderer of ['webgl2', 'wasm'] as const) {
  for (const name of ['fourier.snf', 'tiled.snf', 'blended.snf', 'graya.snf', 'filtered.snf', 'directions.snf', 'graya-filtered.snf', 'residual.snf', 'graya-residual.snf', 'cuts.snf', 'units.snf', 'final.snf', 'clipped.snf']) {
    const boundary = renderer === 'webgl2' && (name === 'directions.snf' || name === 'final.snf' || name === 'clipped.snf') ? ' (but for a few pixels on a direction boundary, spec §4.6)' : '';
    test(`renderer=${renderer} shows ${name} within ±1 level of decodeImage at 1× and 2× box size${boundary}`, async () => {
      const { width, height } = (await decodeImage(files.get(name)!));
      for (const scale of [1, 2]) {
        const shown = await show({ src: `/${name}`, renderer }, `width: ${width * scale}px; height: ${height * scale}px`);
        assert.equal(shown.error, undefined);
        assert.equal(shown.renderer, renderer);
        assert.equal(shown.thread, renderer === 'wasm' ? 'worker' : 'gpu');
        assert.deepEqual([shown.width, shown.height], [width * scale, height * scale]);
        const { worst, pixelsOverOne } = await differences(name, shown);
        if (boundary !== '') {
          // Spec §4.6: a pixel whose direction means are within rounding of a factor 2 may fall in the other
          // direction class in the GPU's arithmetic, and then differs by more than ±1. A few pixels, a few levels.
          // With a final filter (x.10) such a pixel's value feeds the second filter's classes and taps too: up to twice as far off.
          const bound = name === 'final.snf' || name === 'clipped.snf' ? 16 : 8;
          assert.ok(pixelsOverOne <= (width * scale * height * scale) / 100 && worst <= bound, `${renderer} ${scale}×: ${pixelsOverOne} pixels differ by more than 1, at most ${worst}`);
        } else {
          assert.ok(worst <= 1, `${renderer} ${scale}×: a sample differs by ${worst}`);
        }
      }
    });
  }
}

test('what is on screen is what readPixels reports (element screenshot, WebGL2 and WASM)', async () => {
  for (const renderer of ['webgl2', 'wasm']) {
    const shown = await show({ src: '/blended.snf', renderer }, 'width: 80px; height: 48px');
    const png = await page.locator('snf-image').screenshot();
    const { data } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    let worst = 0;
    for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(data[i]! - shown.pixels[i]!));
    assert.ok(worst <= 1, `${renderer}: the screenshot differs from readPixels by ${worst}`);
  }
});

test('twenty WebGL2 images on one page all render and all stay on screen (one shared context, not one each)', async () => {
  const renderers = await page.evaluate(async () => {
    const elements = Array.from({ length: 20 }, () => {
      const element = document.createElement('snf-image') as HTMLElement & { activeRenderer: string };
      element.setAttribute('src', '/tiled.snf');
      element.setAttribute('renderer', 'webgl2');
      return element;
    });
    const loaded = elements.map((element) => new Promise((resolve, reject) => {
      element.addEventListener('load', resolve, { once: true });
      element.addEventListener('error', (event) => reject(new Error((event as ErrorEvent).message)), { once: true });
    }));
    document.body.replaceChildren(...elements);
    await Promise.all(loaded);
    return elements.map((element) => element.activeRenderer);
  });
  assert.deepEqual(new Set(renderers), new Set(['webgl2']));
  // Each of them still shows its own render (no element took another's, none was blanked).
  const expected = toRgba(await decodeImage(files.get('tiled.snf')!));
  const elements = page.locator('snf-image');
  for (let i = 0; i < 20; i++) {
    const { data } = await sharp(await elements.nth(i).screenshot()).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    let worst = 0;
    for (let k = 0; k < data.length; k++) worst = Math.max(worst, Math.abs(data[k]! - expected.data[k]!));
    assert.ok(worst <= 1, `image ${i + 1} of twenty differs on screen by ${worst}`);
  }
});

test('renderer="auto" takes WASM where WebGL2 runs on a CPU rasterizer (SwiftShader here), WebGL2 on a GPU', async () => {
  const { gl, chosen } = await page.evaluate(async () => {
    const context = document.createElement('canvas').getContext('webgl2')!;
    const gl = String(context.getParameter(context.getExtension('WEBGL_debug_renderer_info')!.UNMASKED_RENDERER_WEBGL));
    const element = document.createElement('snf-image') as HTMLElement & { activeRenderer: string };
    element.setAttribute('src', '/fourier.snf');
    await new Promise((resolve) => {
      element.addEventListener('load', resolve, { once: true });
      document.body.replaceChildren(element);
    });
    return { gl, chosen: element.activeRenderer };
  });
  assert.equal(chosen, /SwiftShader|llvmpipe/i.test(gl) ? 'wasm' : 'webgl2', `GL renderer: ${gl}`);
});

test('without a CSS size the element takes the image size; alt gives it role img and a label', async () => {
  const box = await page.evaluate(async () => {
    const element = document.createElement('snf-image');
    element.setAttribute('src', '/tiled.snf');
    element.setAttribute('alt', 'a crop of kodim');
    await new Promise((resolve) => {
      element.addEventListener('load', resolve, { once: true });
      document.body.replaceChildren(element);
    });
    const rect = element.getBoundingClientRect();
    return { width: rect.width, height: rect.height, role: element.getAttribute('role'), label: element.getAttribute('aria-label') };
  });
  assert.deepEqual(box, { width: 40, height: 24, role: 'img', label: 'a crop of kodim' });
});

test('a resized box is rendered again at its new size', async () => {
  const result = await page.evaluate(async () => {
    const element = document.createElement('snf-image') as HTMLElement & { renders: number; readPixels(): Promise<{ width: number; height: number }> };
    element.setAttribute('src', '/tiled.snf');
    element.style.cssText = 'width: 40px; height: 24px';
    await new Promise((resolve) => {
      element.addEventListener('load', resolve, { once: true });
      document.body.replaceChildren(element);
    });
    const first = await element.readPixels();
    element.style.cssText = 'width: 100px; height: 60px';
    const started = performance.now();
    while (element.renders < 2 && performance.now() - started < 10000) await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await element.readPixels();
    return { first: [first.width, first.height], second: [second.width, second.height], renders: element.renders };
  });
  assert.deepEqual(result, { first: [40, 24], second: [100, 60], renders: 2 });
});

test('at devicePixelRatio 2 the element renders twice its CSS box in each direction', async () => {
  const context = await browser.newContext({ viewport: { width: 200, height: 200 }, deviceScaleFactor: 2 });
  try {
    const hiDpi = await context.newPage();
    await hiDpi.goto(`${server.origin}/`);
    await hiDpi.waitForFunction(() => customElements.get('snf-image') !== undefined);
    const size = await hiDpi.evaluate(async () => {
      const element = document.createElement('snf-image') as HTMLElement & { readPixels(): Promise<{ width: number; height: number }> };
      element.setAttribute('src', '/blended.snf');
      element.style.cssText = 'width: 40px; height: 24px';
      await new Promise((resolve) => {
        element.addEventListener('load', resolve, { once: true });
        document.body.replaceChildren(element);
      });
      const { width, height } = await element.readPixels();
      return [width, height];
    });
    assert.deepEqual(size, [80, 48]);
  } finally {
    await context.close();
  }
});

test('src, alt, renderer and loading are properties too, as <img>\'s are: setting src loads the file', async () => {
  const shown = await page.evaluate(async () => {
    const element = document.createElement('snf-image') as HTMLElement & { src: string; alt: string; renderer: string; loading: string; complete: boolean; activeRenderer: string };
    const before = { src: element.src, alt: element.alt };
    element.alt = 'a test image';
    element.renderer = 'wasm';
    document.body.replaceChildren(element);
    const loaded = new Promise<void>((resolve) => element.addEventListener('load', () => resolve(), { once: true }));
    element.src = '/tiled.snf';
    await loaded;
    return { before, src: element.getAttribute('src'), label: element.getAttribute('aria-label'), renderer: element.activeRenderer, complete: element.complete, loading: element.loading };
  });
  assert.deepEqual(shown, { before: { src: '', alt: '' }, src: '/tiled.snf', label: 'a test image', renderer: 'wasm', complete: true, loading: '' });
  // Set before the class was defined (a framework ahead of the module): the value is taken over as the element upgrades.
  const late = await page.evaluate(async () => {
    const element = document.createElement('snf-image-late') as HTMLElement & { src: string };
    element.src = '/tiled.snf';
    element.setAttribute('renderer', 'wasm');
    const loaded = new Promise<void>((resolve) => element.addEventListener('load', () => resolve(), { once: true }));
    document.body.replaceChildren(element);
    customElements.define('snf-image-late', class extends (customElements.get('snf-image') as CustomElementConstructor) {});
    await loaded;
    return { attribute: element.getAttribute('src'), own: Object.hasOwn(element, 'src') };
  });
  assert.deepEqual(late, { attribute: '/tiled.snf', own: false });
});

test('a corrupt file and a missing one fire error, naming the file, with no page error', async () => {
  const corrupt = await show({ src: '/corrupt.snf' }, 'width: 32px; height: 32px');
  assert.match(corrupt.error ?? '', /^snf-image: \/corrupt\.snf is not a file this decoder can show \(CHECKSUM_MISMATCH\)/);
  const missing = await show({ src: '/missing.snf' }, 'width: 32px; height: 32px');
  assert.match(missing.error ?? '', /^snf-image: could not fetch \/missing\.snf: HTTP 404/);
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
  assert.deepEqual(pageErrors, []);
});

test('loading="lazy" fetches the file only when the element nears the viewport', async () => {
  const before = server.requests.filter((p) => p === '/graya.snf').length;
  await page.evaluate(() => {
    const spacer = document.createElement('div');
    spacer.style.height = '3000px';
    const element = document.createElement('snf-image');
    element.id = 'lazy';
    element.setAttribute('src', '/graya.snf');
    element.setAttribute('loading', 'lazy');
    element.style.cssText = 'width: 20px; height: 16px';
    document.body.replaceChildren(spacer, element);
  });
  await page.waitForTimeout(300);
  assert.equal(server.requests.filter((p) => p === '/graya.snf').length, before, 'fetched while far below the viewport');
  const loaded = page.evaluate(() => new Promise<boolean>((resolve) => {
    document.getElementById('lazy')!.addEventListener('load', () => resolve(true), { once: true });
  }));
  await page.evaluate(() => document.getElementById('lazy')!.scrollIntoView());
  assert.equal(await loaded, true);
  assert.equal(server.requests.filter((p) => p === '/graya.snf').length, before + 1);
});

const AUDIO_FIXTURE = path.join(FIXTURES, 'bach-excerpt.snf');

test('<snf-audio> decodes an audio .snf at the AudioContext rate, all of its samples, into a playable <audio>', async () => {
  files.set('clip.snf', new Uint8Array(readFileSync(AUDIO_FIXTURE)));
  const shown = await page.evaluate(async () => {
    const element = document.createElement('snf-audio') as HTMLElement & {
      src: string; sampleRate: number; channelCount: number; length: number; startupMs: number; audio: HTMLAudioElement;
    };
    element.src = '/clip.snf'; // the property sets the attribute
    element.setAttribute('controls', '');
    const error = await new Promise<string | undefined>((resolve) => {
      element.addEventListener('load', () => resolve(undefined), { once: true });
      element.addEventListener('error', (event) => resolve((event as ErrorEvent).message), { once: true });
      document.body.replaceChildren(element);
    });
    const context = new AudioContext();
    const contextRate = context.sampleRate;
    await context.close();
    const shown = {
      error, contextRate, sampleRate: element.sampleRate, channels: element.channelCount, length: element.length,
      duration: element.audio.duration, controls: element.audio.controls, startupMs: element.startupMs, src: element.getAttribute('src'),
    };
    // Without src nothing of the clip stays: no figures, nothing to play.
    element.removeAttribute('src');
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { ...shown, emptied: { length: element.length, sampleRate: element.sampleRate, audioSrc: element.audio.getAttribute('src') } };
  });
  assert.equal(shown.error, undefined);
  assert.equal(shown.src, '/clip.snf');
  assert.deepEqual(shown.emptied, { length: 0, sampleRate: 0, audioSrc: null });
  const expected = await decodeAudio(files.get('clip.snf')!, { sampleRate: shown.contextRate });
  assert.equal(shown.sampleRate, shown.contextRate);
  assert.equal(shown.channels, expected.channels.length);
  assert.equal(shown.length, expected.channels[0]!.length);
  assert.ok(Math.abs(shown.duration - shown.length / shown.sampleRate) < 1e-3, `<audio> plays ${shown.duration} s`);
  assert.equal(shown.controls, true);
  const bad = await page.evaluate(async () => {
    const element = document.createElement('snf-audio');
    element.setAttribute('src', '/fourier.snf');
    return new Promise<string>((resolve) => {
      element.addEventListener('error', (event) => resolve((event as ErrorEvent).message), { once: true });
      document.body.replaceChildren(element);
    });
  });
  assert.match(bad, /^snf-audio: \/fourier\.snf/);
});

test('<snf-image> shows nothing of the old file once its new src fails or goes, and a move in the page fires no second load', async () => {
  const seen = await page.evaluate(async () => {
    type Image = HTMLElement & { naturalWidth: number; complete: boolean; renders: number; readPixels(): Promise<{ width: number; data: Uint8ClampedArray }> };
    const element = document.createElement('snf-image') as Image;
    element.setAttribute('renderer', 'WASM'); // keyword attributes take any case, as HTML's do
    element.style.cssText = 'width: 32px; height: 32px';
    let loads = 0;
    element.addEventListener('load', () => loads++);
    // Each awaited event within 10 s, so that an element that never fires it fails the test rather than hangs it.
    const next = (type: string) => new Promise<void>((resolve, reject) => {
      element.addEventListener(type, () => resolve(), { once: true });
      setTimeout(() => reject(new Error(`no ${type} event within 10 s`)), 10_000);
    });
    const shown = async () => ({ natural: element.naturalWidth, canvas: element.shadowRoot!.querySelector('canvas') !== null, pixels: (await element.readPixels()).width });
    const first = next('load');
    element.setAttribute('src', '/fourier.snf');
    document.body.replaceChildren(element);
    await first;
    const loaded = await shown();
    // Moved elsewhere in the page: drawn again, no second `load`, no second fetch.
    const holder = document.createElement('div');
    document.body.append(holder);
    holder.append(element);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const moved = { loads, complete: element.complete, ...(await shown()) };
    const failed = next('error');
    element.setAttribute('src', '/missing.snf');
    await failed;
    const afterError = await shown();
    const again = next('load');
    element.setAttribute('src', '/fourier.snf');
    await again;
    element.removeAttribute('src');
    const afterRemoval = { complete: element.complete, ...(await shown()) };
    return { loaded, moved, afterError, afterRemoval };
  });
  assert.deepEqual(seen.loaded, { natural: 32, canvas: true, pixels: 32 });
  assert.deepEqual(seen.moved, { loads: 1, complete: true, natural: 32, canvas: true, pixels: 32 });
  assert.deepEqual(seen.afterError, { natural: 0, canvas: false, pixels: 0 });
  assert.deepEqual(seen.afterRemoval, { complete: false, natural: 0, canvas: false, pixels: 0 });
  assert.equal(server.requests.filter((p) => p === '/fourier.snf').length >= 2, true);
});

test('<snf-audio controls> is as wide as an <audio controls>, and a move in the page fires no second load', async () => {
  files.set('clip.snf', new Uint8Array(readFileSync(AUDIO_FIXTURE)));
  const seen = await page.evaluate(async () => {
    const element = document.createElement('snf-audio');
    element.setAttribute('controls', '');
    element.setAttribute('src', '/clip.snf');
    const native = document.createElement('audio');
    native.controls = true;
    let loads = 0;
    const loaded = new Promise<void>((resolve, reject) => {
      element.addEventListener('load', () => { loads++; resolve(); });
      element.addEventListener('error', (event) => reject(new Error((event as ErrorEvent).message)), { once: true });
    });
    const line = document.createElement('p');
    line.append('snf: ', element, ' native: ', native);
    document.body.replaceChildren(line);
    await loaded;
    const width = element.getBoundingClientRect().width;
    document.body.append(element);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { width, native: native.getBoundingClientRect().width, loads };
  });
  assert.ok(seen.width > 0 && seen.width === seen.native, `snf-audio ${seen.width} px wide, <audio controls> ${seen.native}`);
  assert.equal(seen.loads, 1);
});
