// Bundles the web code (compiled by tsc to dist/src) into self-contained ES
// modules, each checked by web-bundles.mjs (no import left, nothing
// Node-only reached). Run by `npm run build` after tsc.
//
// - dist/web/snfc-web.js (src/web): <snf-image>, <snf-audio>, the decoder and
//   the decode-only WASM kernel builds (assembly/decode.ts, ordinary
//   memories): a page's decoder neither trains nor shares a memory between
//   threads.
// - dist/web/snfc-encode.js (src/web-encode): encodeImageInBrowser, the
//   encoder and the WASM training engine with every kernel build (it trains
//   on threads where the page is cross-origin isolated). A page loads it
//   only when it encodes.
//
// Usage: node scripts/build-web.mjs
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWebBundle } from './web-bundles.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundles = [
  { entry: join(root, 'dist', 'src', 'web', 'index.js'), outfile: join(root, 'dist', 'web', 'snfc-web.js') },
  { entry: join(root, 'dist', 'src', 'web-encode', 'index.js'), outfile: join(root, 'dist', 'web', 'snfc-encode.js'), kernels: 'all' },
];
for (const bundle of bundles) {
  try {
    const { bytes } = await buildWebBundle(bundle);
    console.log(`build-web: dist/web/${bundle.outfile.split(/[\\/]/).pop()}, ${bytes} bytes`);
  } catch (error) {
    const messages = error.errors?.map((e) => `${e.text}${e.location ? ` (${e.location.file}:${e.location.line})` : ''}`) ?? [error.message];
    console.error(`build-web: ${bundle.outfile}: ${messages.join('; ')}`);
    process.exit(1);
  }
}
