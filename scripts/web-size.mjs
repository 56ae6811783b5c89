// Prints the size of the web bundle as shipped and gzipped (level 9, what a
// static server's gzip gives at most), and checks the image path's budget:
// ≤ 40 KB gzipped, WASM kernels included (issue 12).
//
// Usage: npm run build && node scripts/web-size.mjs
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUDGET = 40 * 1024;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'dist', 'web', 'snfc-web.js');
const bytes = await readFile(file);
const gz = gzipSync(bytes, { level: 9 }).length;
const wasm = [...bytes.toString('utf8').matchAll(/(\w+Unshared):"([^"]*)"/g)].map(([, name, b64]) => `${name} ${Math.round((b64.length * 3) / 4)} B`);
console.log(`dist/web/snfc-web.js: ${bytes.length} bytes, ${gz} bytes gzipped (${(gz / 1024).toFixed(1)} KB; budget ${BUDGET / 1024} KB)`);
console.log(`embedded WASM kernels (base64 inside the bundle): ${wasm.join(', ') || 'none found'}`);
if (gz > BUDGET) {
  console.error(`web-size: over budget by ${gz - BUDGET} bytes`);
  process.exitCode = 1;
}
