// Bundles src/web (compiled by tsc to dist/src/web) into one self-contained
// ES module, dist/web/snfc-web.js: the custom elements, the decoder and the
// WASM kernels, with no imports left. Run by `npm run build` after tsc.
//
// The kernel builds for shared memories (worker threads of the encoder and
// the CLI) are left out: a page's decoder uses ordinary memories only.
//
// Usage: node scripts/build-web.mjs
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist', 'web', 'snfc-web.js');

/** Keeps only the unshared-memory kernel builds of dist/src/kernels/wasm/binaries.js. */
const unsharedKernelsOnly = {
  name: 'unshared-kernels-only',
  setup(b) {
    b.onLoad({ filter: /kernels[\\/]wasm[\\/]binaries\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const contents = source.replace(/(\w+Shared): '[^']*'/g, "$1: ''");
      return { contents, loader: 'js' };
    });
  },
};

const result = await build({
  entryPoints: [join(root, 'dist', 'src', 'web', 'index.js')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  metafile: true,
  plugins: [unsharedKernelsOnly],
  logLevel: 'warning',
});
const output = await readFile(outfile, 'utf8');
// Self-contained: no static or dynamic import of anything (a bare name would need a bundler or an import map).
const imports = output.match(/\bimport\s*(?:\(\s*)?["'][^"']+["']|\bfrom\s*["'][^"']+["']/g);
if (imports) throw new Error(`build-web: ${outfile} still imports ${imports.join(', ')}`);
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.log(`build-web: dist/web/snfc-web.js, ${bytes} bytes`);
