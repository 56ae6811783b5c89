import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { decodeImage } from '../src/decoder/index.js';
import { encodeImage } from '../src/encoder/image/encode-image.js';
import { readSnf, type ImageSnfFile } from '../src/format/index.js';
import { psnr } from '../src/metrics/psnr.js';
import type { Raster } from '../src/raster.js';
import { ENCODE_BUNDLE, pageRoutes, serveIsolated, WEB_BUNDLE, type IsolatedServer } from '../src/web-server/serve.js';
import { enableRelaxedSimd } from '../src/node/relaxed-simd.js';
import { resolveVariant } from '../src/kernels/wasm/load.js';
import { launchChromium } from './helpers/browser.js';
import { FIXTURES, ROOT } from './helpers/cli.js';

/**
 * encodeImageInBrowser (dist/web/snfc-encode.js) in a real browser (headless
 * Chromium, cross-origin isolated so it trains on Web Workers sharing one
 * memory), against the Node encoder and decoder. A 48×48 crop, few passes.
 */

const files = new Map<string, Uint8Array>();
let server: IsolatedServer;
let browser: Browser;
let page: Page;
let source: Raster;
const pageErrors: string[] = [];

const PAGE = '<!doctype html><meta charset="utf-8"><title>snfc encode test</title><body></body>';
/** Two tiles blended at their seam (two engines, the blend), at a rate a 48×48 image can use. */
const OPTIONS = { bpp: 4, steps: 150, seed: 5, tiles: { columns: 2, rows: 1 } } as const;

before(async () => {
  // Node's kernels as the page's (relaxed-SIMD FMA where this V8 has it), before any compiles: a decode here then
  // renders what the page's encoder measured, sample for sample.
  enableRelaxedSimd();
  const crop = sharp(path.join(FIXTURES, 'kodim-crop96.png')).extract({ left: 20, top: 30, width: 48, height: 48 });
  const { data, info } = await crop.clone().raw().toBuffer({ resolveWithObject: true });
  source = { width: 48, height: 48, channels: info.channels as Raster['channels'], data: new Uint8Array(data) };
  files.set('source.png', new Uint8Array(await crop.clone().png().toBuffer()));
  server = await serveIsolated(pageRoutes(PAGE, files));
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${server.origin}/`);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

interface PageEncode {
  bytes: number[];
  psnr: number;
  threads: number;
  thread: string;
  kernels: string;
  isolated: boolean;
  cores: number;
  progress: { step: number; steps: number; psnr: number }[];
  decoderLoaded: boolean;
}

test('a page encodes a PNG it drew on a canvas; Node reads the file, decodes it well, and made the same file', async () => {
  const encoded = await page.evaluate(async (options): Promise<PageEncode> => {
    const { encodeImageInBrowser } = await import('/snfc-encode.js' as string);
    const bitmap = await createImageBitmap(await (await fetch('/source.png')).blob());
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    const progress: PageEncode['progress'] = [];
    const result = await encodeImageInBrowser(context.getImageData(0, 0, bitmap.width, bitmap.height), {
      ...options, onProgress: (p: PageEncode['progress'][number]) => progress.push({ ...p }),
    });
    return {
      bytes: Array.from(result.bytes as Uint8Array), psnr: result.psnr, threads: result.threads, thread: result.thread, kernels: result.kernels,
      isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency, progress,
      decoderLoaded: customElements.get('snf-image') !== undefined,
    };
  }, OPTIONS);
  assert.deepEqual(pageErrors, []);
  const bytes = new Uint8Array(encoded.bytes);
  const file = readSnf(bytes) as ImageSnfFile;
  assert.equal(file.header.kind, 'image');
  assert.deepEqual([file.header.width, file.header.height, file.header.layout], [48, 48, 'rgb'], 'an opaque colour canvas is stored as rgb');
  // Off the page's thread, on the encoder's worker and training workers beside it.
  assert.equal(encoded.thread, 'worker');
  assert.ok(encoded.isolated, 'the test page is cross-origin isolated');
  assert.equal(encoded.threads, Math.min(8, encoded.cores), `trained on ${encoded.threads} threads with ${encoded.cores} cores`);
  assert.equal(encoded.decoderLoaded, false, 'the encoder bundle does not define the elements');
  // Progress: every fit pass and fine-tuning step of both tiles, in order, ending at the total.
  const total = encoded.progress.at(-1)!.steps;
  assert.equal(encoded.progress.length, total);
  assert.deepEqual(encoded.progress.map((p) => p.step), Array.from({ length: total }, (_, i) => i + 1));
  assert.ok(encoded.progress.every((p) => Number.isFinite(p.psnr)));

  // The Node decoder: the page's reported PSNR is that of the decoded file, and it is a real fit.
  const decoded = await decodeImage(bytes);
  const quality = psnr(source, decoded);
  // Exactly with the same kernels; other kernels may round a sample the other way (±1, spec §4.5).
  const sameKernels = encoded.kernels === resolveVariant('auto');
  assert.ok(Math.abs(quality - encoded.psnr) < (sameKernels ? 1e-6 : 0.01), `page reported ${encoded.psnr} dB, Node decodes ${quality} dB (kernels ${encoded.kernels})`);
  assert.ok(quality > 21, `PSNR ${quality.toFixed(2)} dB`);
  assert.ok(Math.abs(bytes.length * 8 / (48 * 48) - OPTIONS.bpp) <= 0.05 * OPTIONS.bpp, `${bytes.length} bytes is not within 5 % of ${OPTIONS.bpp} bpp`);

  // The same settings in Node: the same architecture, tile grid and blend; about the same quality.
  const node = await encodeImage(source, OPTIONS);
  const nodeFile = readSnf(node.bytes) as ImageSnfFile;
  assert.deepEqual(file.header, nodeFile.header);
  assert.deepEqual(file.networks.map((n) => [n.region, n.arch]), nodeFile.networks.map((n) => [n.region, n.arch]));
  assert.ok(Math.abs(node.psnr - quality) < 0.5, `Node ${node.psnr.toFixed(2)} dB, page ${quality.toFixed(2)} dB`);
  // With the same kernels (relaxed-SIMD FMA in both here) the fit is the same computation, whatever the threads: the same file.
  if (sameKernels) assert.deepEqual(bytes, node.bytes, `kernels ${encoded.kernels} in both, yet the files differ`);
});

test('a page that is not cross-origin isolated encodes on one thread, in the worker, and gets the same file as on threads', async () => {
  const plain = await serveIsolated(pageRoutes(PAGE, files), 0, { isolated: false });
  const encodeIn = async (origin: string, threads?: number) => {
    const other = await browser.newPage();
    try {
      await other.goto(`${origin}/`);
      return await other.evaluate(async ({ threads }) => {
        const { encodeImageInBrowser } = await import('/snfc-encode.js' as string);
        const data = Uint8Array.from({ length: 24 * 16 * 3 }, (_, i) => (i * 37 + (i % 3) * 90) % 256);
        const result = await encodeImageInBrowser({ width: 24, height: 16, channels: 3, data }, { width: 8, steps: 30, seed: 2, batch: 0, threads });
        return { bytes: Array.from(result.bytes as Uint8Array), threads: result.threads as number, thread: result.thread as string, isolated: crossOriginIsolated };
      }, { threads });
    } finally {
      await other.close();
    }
  };
  try {
    const single = await encodeIn(plain.origin, 4);
    assert.deepEqual([single.isolated, single.threads, single.thread], [false, 1, 'worker'], 'asked for 4 threads without SharedArrayBuffer');
    const threaded = await encodeIn(server.origin, 3);
    assert.deepEqual([threaded.isolated, threaded.threads], [true, 3]);
    assert.deepEqual(single.bytes, threaded.bytes, 'the thread count changed the file');
  } finally {
    await plain.close();
  }
});

test('a page whose CSP forbids workers encodes on its own thread', async () => {
  const csp = `<!doctype html><meta http-equiv="Content-Security-Policy" content="worker-src 'none'"><body></body>`;
  const forbidding = await serveIsolated(pageRoutes(csp, files));
  const other = await browser.newPage();
  try {
    await other.goto(`${forbidding.origin}/`);
    const result = await other.evaluate(async () => {
      const { encodeImageInBrowser } = await import('/snfc-encode.js' as string);
      const data = Uint8Array.from({ length: 24 * 16 * 3 }, (_, i) => (i * 37 + (i % 3) * 90) % 256);
      const encoded = await encodeImageInBrowser({ width: 24, height: 16, channels: 3, data }, { width: 8, steps: 30, seed: 2, batch: 0 });
      return { bytes: Array.from(encoded.bytes as Uint8Array), thread: encoded.thread as string, threads: encoded.threads as number, kernels: encoded.kernels as string };
    });
    assert.deepEqual([result.thread, result.threads], ['page', 1]);
    const data = Uint8Array.from({ length: 24 * 16 * 3 }, (_, i) => (i * 37 + (i % 3) * 90) % 256);
    const node = await encodeImage({ width: 24, height: 16, channels: 3, data }, { width: 8, steps: 30, seed: 2, batch: 0 });
    enableRelaxedSimd();
    if (result.kernels === resolveVariant('auto')) assert.deepEqual(new Uint8Array(result.bytes), node.bytes);
    else assert.equal(readSnf(new Uint8Array(result.bytes)).header.kind, 'image');
  } finally {
    await other.close();
    await forbidding.close();
  }
});

test('in a page: options that cannot make a file, misspelt ones (with a guess) and images over maxPixels are EncodeOptionsErrors; an abort stops the encode', async () => {
  const outcomes = await page.evaluate(async () => {
    const { encodeImageInBrowser } = await import('/snfc-encode.js' as string);
    const image = { width: 8, height: 8, channels: 3, data: new Uint8Array(8 * 8 * 3).fill(100) };
    const outcome = (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: Error) => `${error.name}: ${error.message}`);
    const controller = new AbortController();
    // Not the flat image: a flat image is coded exactly without a fit, and could finish before the abort.
    const textured = { ...image, data: Uint8Array.from({ length: 8 * 8 * 3 }, (_, i) => (i * 37) % 256) };
    const aborted = outcome(encodeImageInBrowser(textured, { steps: 100000, signal: controller.signal }));
    setTimeout(() => controller.abort(), 200);
    return {
      schedule: await outcome(encodeImageInBrowser(image, { schedule: 'wavy', steps: 2 })),
      tiles: await outcome(encodeImageInBrowser(image, { tiles: { columns: 9, rows: 1 }, steps: 2 })),
      big: await outcome(encodeImageInBrowser(image, { maxPixels: 63 })),
      misspeltCallback: await outcome(encodeImageInBrowser(image, { onProgres: () => undefined, steps: 2 })),
      nodeCallback: await outcome(encodeImageInBrowser(image, { onStep: () => undefined, steps: 2 })),
      aborted: await aborted,
    };
  });
  assert.match(outcomes.schedule, /^EncodeOptionsError: schedule must be one of/);
  assert.match(outcomes.tiles, /^EncodeOptionsError: tiles 9x1 need an image of at least/);
  assert.match(outcomes.big, /^EncodeOptionsError: the image is 8×8 = 64 pixels; at most 63/);
  assert.equal(outcomes.misspeltCallback, "EncodeOptionsError: image encoding has no option 'onProgres'; did you mean 'onProgress'?");
  assert.match(outcomes.nodeCallback, /^EncodeOptionsError: onStep cannot go to the encoder's worker: a page's encode reports its progress to onProgress$/);
  assert.match(outcomes.aborted, /^AbortError/);
  assert.deepEqual(pageErrors, []);
});

test('neither web bundle reaches a Node module; bundling the Node encoder fails the check, naming the module', async () => {
  const { buildWebBundle } = await import(path.join(ROOT, 'scripts', 'web-bundles.mjs')) as {
    buildWebBundle(options: { entry: string; outfile: string }): Promise<{ inputs: string[] }>;
  };
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'snfc-bundle-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  for (const [bundle, entry] of [[WEB_BUNDLE, 'web'], [ENCODE_BUNDLE, 'web-encode']] as const) {
    const text = readFileSync(bundle, 'utf8');
    assert.doesNotMatch(text, /["']node:|\brequire\s*\(|worker_threads|\bfrom\s*["']|\bimport\s*\(\s*["']/, `${bundle} imports something`);
    // What the built bundle holds: the sources esbuild took, none Node-only.
    const { inputs } = await buildWebBundle({ entry: path.join(ROOT, 'dist', 'src', entry, 'index.js'), outfile: path.join(scratch, `${entry}.js`) });
    assert.ok(inputs.some((input) => input.includes('kernels/wasm/load.js')), inputs.join());
    const nodeOnly = inputs.filter((input) => /src\/(node|cli|batch|rate-distortion|io|photo|web-server)\/|wasm-engine\.js|wasm-worker\.js|encode-image\.js|node_modules\/(?!fflate\/)/.test(input));
    assert.deepEqual(nodeOnly, [], `${entry} bundles Node-only sources`);
  }
  await assert.rejects(
    buildWebBundle({ entry: path.join(ROOT, 'dist', 'src', 'encoder', 'image', 'encode-image.js'), outfile: path.join(scratch, 'node.js') }),
    (error: { errors?: { text: string }[] }) => {
      assert.ok(error.errors?.some((e) => /^node:(os|worker_threads|v8) is a Node module and may not be in a web bundle \(imported by .*(wasm-threads|relaxed-simd)\.js/.test(e.text)), JSON.stringify(error.errors));
      return true;
    },
  );
});
