/**
 * Time to encode an image in headless Chromium with encodeImageInBrowser
 * (dist/web/snfc-encode.js): milliseconds from the call to the file, on a
 * fresh cross-origin isolated page each run (so the workers' start counts),
 * next to Node's encodeImage with the same settings. Each page's file is
 * checked: Node reads it and its PSNR is what the page reported.
 *
 * Usage: npm run build && node dist/bench/web-encode-time.js IMAGE [--size 256] [--bpp 1] [--steps 200] [--runs 3] [--threads N]
 * (IMAGE is cropped at its centre to size × size.) Runs on the CPU: the
 * WASM engine on Web Workers, no GPU involved.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { decodeImage } from '../src/decoder/index.js';
import { encodeImage } from '../src/encoder/image/encode-image.js';
import { readSnf } from '../src/format/index.js';
import { psnr } from '../src/metrics/psnr.js';
import type { Raster } from '../src/raster.js';
import { pageRoutes, serveIsolated } from '../src/web-server/serve.js';
import { launchChromium } from '../test/helpers/browser.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { size: { type: 'string', default: '256' }, bpp: { type: 'string', default: '1' }, steps: { type: 'string', default: '200' }, runs: { type: 'string', default: '3' }, threads: { type: 'string' } },
});
const [file] = positionals;
if (!file) {
  console.error('usage: node dist/bench/web-encode-time.js IMAGE [--size 256] [--bpp 1] [--steps 200] [--runs 3] [--threads N]');
  process.exit(2);
}
const size = Number(values.size);
const options = { bpp: Number(values.bpp), steps: Number(values.steps), ...(values.threads === undefined ? {} : { threads: Number(values.threads) }) };
const { width, height } = await sharp(file).metadata();
const crop = sharp(file).extract({ left: Math.floor(((width ?? size) - size) / 2), top: Math.floor(((height ?? size) - size) / 2), width: size, height: size }).removeAlpha();
const { data } = await crop.clone().raw().toBuffer({ resolveWithObject: true });
const source: Raster = { width: size, height: size, channels: 3, data: new Uint8Array(data) };

const server = await serveIsolated(pageRoutes('<!doctype html><meta charset="utf-8"><body></body>', new Map([['source.png', new Uint8Array(await crop.clone().png().toBuffer())]])));
const browser = await launchChromium();
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`web-encode-time: ${file} centre ${size}x${size}, ${JSON.stringify(options)}; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}; load average ${load()} at start`);
const pageTimes: number[] = [];
const pageFiles: Uint8Array[] = [];
try {
  for (let run = 0; run < Number(values.runs); run++) {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/`);
    const result = await page.evaluate(async (options) => {
      const started = performance.now();
      const { encodeImageInBrowser } = await import('/snfc-encode.js' as string);
      const bitmap = await createImageBitmap(await (await fetch('/source.png')).blob());
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      const encoded = await encodeImageInBrowser(context.getImageData(0, 0, bitmap.width, bitmap.height), options);
      return { ms: performance.now() - started, bytes: Array.from(encoded.bytes as Uint8Array), psnr: encoded.psnr as number, threads: encoded.threads as number, kernels: encoded.kernels as string };
    }, options);
    await page.close();
    const bytes = new Uint8Array(result.bytes);
    readSnf(bytes);
    const quality = psnr(source, await decodeImage(bytes));
    if (Math.abs(quality - result.psnr) > 0.01) throw new Error(`run ${run}: the page reported ${result.psnr} dB, Node decodes ${quality} dB`);
    pageTimes.push(result.ms);
    pageFiles.push(bytes);
    console.log(`page run ${run + 1}: ${(result.ms / 1000).toFixed(2)} s, ${bytes.length} bytes (${((bytes.length * 8) / (size * size)).toFixed(3)} bpp), ${quality.toFixed(2)} dB, ${result.threads} threads, kernels ${result.kernels}; load average ${load()}`);
  }
} finally {
  await browser.close();
  await server.close();
}
const started = performance.now();
const node = await encodeImage(source, { ...options });
console.log(`Node encodeImage, same settings: ${((performance.now() - started) / 1000).toFixed(2)} s, ${node.bytes.length} bytes, ${node.psnr.toFixed(2)} dB (decoded by Node: ${psnr(source, await decodeImage(node.bytes)).toFixed(6)} dB; the page's decoded by Node: ${psnr(source, await decodeImage(pageFiles[0]!)).toFixed(6)} dB); the page's files are ${pageFiles.every((f) => Buffer.from(f).equals(Buffer.from(node.bytes))) ? '' : 'not '}Node's bytes; load average ${load()}`);
const sorted = [...pageTimes].sort((a, b) => a - b);
console.log(`page median: ${(sorted[Math.floor(sorted.length / 2)]! / 1000).toFixed(2)} s over ${sorted.length} runs`);
