// `npm run demo`: serves the web demo on http://127.0.0.1:8080 (or $PORT),
// cross-origin isolated (COOP/COEP, so the encoder may train on WASM threads). Makes its
// pictures first (demo/assets.mjs) when they are missing.
//
// Usage: npm run demo   (builds, then runs this)
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleRoutes, directoryRoutes, firstOf, serveIsolated } from '../dist/src/web-server/serve.js';
import { ASSET_DIR, demoAssets } from './assets.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** Starts the demo server; resolves to it once listening. */
export async function startDemo(port = Number(process.env.PORT ?? 8080), log = console.log) {
  await demoAssets(log);
  return serveIsolated(firstOf(
    async (path) => (path === '/index.html' ? { body: await readFile(join(here, 'index.html')), type: 'text/html; charset=utf-8' } : undefined),
    bundleRoutes, // /snfc-web.js, and /snfc-encode.js, which the page loads when it first encodes
    directoryRoutes(ASSET_DIR),
  ), port);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await startDemo();
  console.log(`snfc demo: ${server.origin}/  (Ctrl-C stops it)`);
  process.on('SIGINT', () => server.close().then(() => process.exit(130)));
}
