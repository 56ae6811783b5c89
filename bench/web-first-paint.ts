/**
 * First paint of an image .snf in headless Chromium through each renderer of
 * <snf-image>: milliseconds from inserting the element to its `load` event
 * (fetch from localhost, parse, render, the next frame), on a fresh page each
 * time (so the worker start and the shader compilation count). Each run's
 * pixels are checked against the Node decoder (±1 level, but for the few
 * pixels of a filtered file whose filter class flips: spec §4.6) before its
 * time is kept.
 *
 * Usage: npm run build && node dist/bench/web-first-paint.js FILE.snf [runs]
 * WebGL2 in headless Chromium here is SwiftShader (a CPU rasterizer): its times
 * say nothing about a real GPU.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { decodeImage } from '../src/decoder/index.js';
import { pageRoutes, serveIsolated } from '../src/web-server/serve.js';
import { toRgba } from '../src/web/rgba.js';
import { launchChromium } from '../test/helpers/browser.js';

const [file, runsArg = '3'] = process.argv.slice(2);
/** Most samples, as a share of all, that may differ from the Node decoder's by more than 1 (class flips, below). */
const MOST_OVER_ONE = 1e-3;
if (!file) {
  console.error('usage: node dist/bench/web-first-paint.js FILE.snf [runs]');
  process.exit(2);
}
const runs = Number(runsArg);
const bytes = new Uint8Array(readFileSync(file));
const { width, height } = await decodeImageSize(bytes);
const expected = toRgba(await decodeImage(bytes));

async function decodeImageSize(data: Uint8Array): Promise<{ width: number; height: number }> {
  const { readSnf } = await import('../src/format/index.js');
  const header = readSnf(data).header;
  if (header.kind !== 'image') throw new Error(`${file} is not an image`);
  return header;
}

const server = await serveIsolated(pageRoutes(
  '<!doctype html><style>body{margin:0}</style><script type="module" src="/snfc-web.js"></script>', new Map([['file.snf', bytes]]),
));
const browser = await launchChromium();
const results: Record<string, number[]> = {};
let gpu = '';
try {
  for (const renderer of ['webgl2', 'wasm']) {
    results[renderer] = [];
    for (let run = 0; run < runs; run++) {
      const page = await browser.newPage({ viewport: { width: width + 20, height: height + 20 }, deviceScaleFactor: 1 });
      await page.goto(`${server.origin}/`);
      await page.waitForFunction(() => customElements.get('snf-image') !== undefined);
      gpu ||= await page.evaluate(() => {
        const gl = document.createElement('canvas').getContext('webgl2');
        const info = gl?.getExtension('WEBGL_debug_renderer_info');
        return gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'no WebGL2';
      });
      const shown = await page.evaluate(async ({ renderer, width, height }) => {
        const element = document.createElement('snf-image') as HTMLElement & { readPixels(): Promise<{ data: Uint8ClampedArray }>; renderThread: string };
        element.setAttribute('renderer', renderer);
        element.style.cssText = `width: ${width}px; height: ${height}px`;
        const started = performance.now();
        const error = await new Promise<string | undefined>((resolve) => {
          element.addEventListener('load', () => resolve(undefined), { once: true });
          element.addEventListener('error', (event) => resolve((event as ErrorEvent).message), { once: true });
          element.setAttribute('src', '/file.snf');
          document.body.append(element);
        });
        const ms = performance.now() - started;
        return { ms, error, thread: element.renderThread, pixels: Array.from((await element.readPixels()).data) };
      }, { renderer, width, height });
      await page.close();
      if (shown.error) throw new Error(`${renderer}: ${shown.error}`);
      let worst = 0;
      let overOne = 0;
      for (let i = 0; i < expected.data.length; i++) {
        const difference = Math.abs(shown.pixels[i]! - expected.data[i]!);
        worst = Math.max(worst, difference);
        if (difference > 1) overOne += 1;
      }
      // Spec §4.6: with a restoration filter, a pixel whose class lies within rounding of a threshold or of a
      // direction's ratio may fall in the neighbouring class in other arithmetic (the GPU's) and differ by more than
      // ±1. A few in a million are that; more would be a renderer's bug.
      if (overOne > expected.data.length * MOST_OVER_ONE) throw new Error(`${renderer}: ${overOne} samples differ from decodeImage by more than 1 (worst ${worst})`);
      results[renderer]!.push(shown.ms);
      console.log(JSON.stringify({ renderer, thread: shown.thread, run, ms: Math.round(shown.ms), worstDifference: worst, samplesOverOne: overOne }));
    }
  }
} finally {
  await browser.close();
  await server.close();
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;
console.log(`first paint of ${path.basename(file)} (${width}x${height}, ${bytes.length} bytes), median of ${runs} fresh pages:`);
for (const [renderer, times] of Object.entries(results)) console.log(`  ${renderer.padEnd(6)} ${Math.round(median(times))} ms`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; GPU: ${gpu}`);
console.log(`command: node dist/bench/web-first-paint.js ${file} ${runs}`);
