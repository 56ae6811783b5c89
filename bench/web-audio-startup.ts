/**
 * Start-up of <snf-audio> in headless Chromium: milliseconds from setting
 * `src` to the inner <audio> being playable (its `loadedmetadata`: fetch from
 * localhost, decode at the AudioContext's rate, WAV blob, the media element's
 * parse), on a fresh page each run. Each run's sample count is checked
 * against the Node decoder's at the same rate.
 *
 * Usage: npm run build && node dist/bench/web-audio-startup.js CLIP.snf [runs]
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import * as decoder from '../src/decoder/index.js';
import { pageRoutes, serveIsolated } from '../src/web-server/serve.js';
import { launchChromium } from '../test/helpers/browser.js';

type DecodeAudio = (bytes: Uint8Array, options?: { sampleRate?: number }) => Promise<{ sampleRate: number; channels: Float32Array[] }>;
const decodeAudio = (decoder as unknown as { decodeAudio?: DecodeAudio }).decodeAudio;
const [file, runsArg = '3'] = process.argv.slice(2);
if (!file || !decodeAudio) {
  console.error(decodeAudio ? 'usage: node dist/bench/web-audio-startup.js CLIP.snf [runs]' : 'this build has no decodeAudio');
  process.exit(2);
}
const runs = Number(runsArg);
const bytes = new Uint8Array(readFileSync(file));
const server = await serveIsolated(pageRoutes('<!doctype html><script type="module" src="/snfc-web.js"></script>', new Map([['clip.snf', bytes]])));
const browser = await launchChromium();
const times: number[] = [];
let seconds = 0;
try {
  for (let run = 0; run < runs; run++) {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/`);
    await page.waitForFunction(() => customElements.get('snf-audio') !== undefined);
    const shown = await page.evaluate(async () => {
      const element = document.createElement('snf-audio') as HTMLElement & { startupMs: number; length: number; sampleRate: number };
      element.setAttribute('controls', '');
      const error = await new Promise<string | undefined>((resolve) => {
        element.addEventListener('load', () => resolve(undefined), { once: true });
        element.addEventListener('error', (event) => resolve((event as ErrorEvent).message), { once: true });
        element.setAttribute('src', '/clip.snf');
        document.body.append(element);
      });
      return { error, ms: element.startupMs, length: element.length, sampleRate: element.sampleRate };
    });
    await page.close();
    if (shown.error) throw new Error(shown.error);
    const expected = await decodeAudio(bytes, { sampleRate: shown.sampleRate });
    if (expected.channels[0]!.length !== shown.length) throw new Error(`decoded ${shown.length} samples, the Node decoder ${expected.channels[0]!.length}`);
    seconds = shown.length / shown.sampleRate;
    times.push(shown.ms);
    console.log(JSON.stringify({ run, ms: Math.round(shown.ms), samples: shown.length, sampleRate: shown.sampleRate }));
  }
} finally {
  await browser.close();
  await server.close();
}
const median = [...times].sort((a, b) => a - b)[times.length >> 1]!;
console.log(`<snf-audio> start-up of ${path.basename(file)} (${bytes.length} bytes, ${seconds.toFixed(2)} s of audio): median ${Math.round(median)} ms of ${runs} fresh pages`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`command: node dist/bench/web-audio-startup.js ${file} ${runs}`);
