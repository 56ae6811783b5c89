// The web bundles and the checks every one of them must pass: one
// self-contained ES module per entry (no import left in it), built by esbuild
// for the browser, that reaches nothing Node-only. A `node:*` module, a Node
// built-in by its bare name (worker_threads, fs, …) or any npm package but the
// browser-clean ones listed here fails the build, naming the module and who
// imported it. Used by build-web.mjs and by test/web-encode.test.ts.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { builtinModules } from 'node:module';

/** npm packages a web bundle may contain: they are browser-clean (fflate: the page encoder's writer deflates the header, spec §2.2). */
export const BROWSER_PACKAGES = ['fflate'];

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Fails the build on any import of a Node built-in or of a package not in BROWSER_PACKAGES. */
export const refuseNodeOnly = {
  name: 'refuse-node-only',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const packageName = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      if (NODE_BUILTINS.has(args.path) || NODE_BUILTINS.has(packageName)) {
        return { errors: [{ text: `${args.path} is a Node module and may not be in a web bundle (imported by ${args.importer})` }] };
      }
      if (!BROWSER_PACKAGES.includes(packageName)) {
        return { errors: [{ text: `package ${packageName} is not on the web bundles' list of browser-clean packages (imported by ${args.importer})` }] };
      }
      return undefined;
    });
  },
};

/**
 * Puts the decode-only kernel builds (dist/src/kernels/wasm/binaries-decode.js:
 * unshared memories, the decoder's kernels only) where the loader imports
 * binaries.js: a page's decoder needs no threads and no training kernels.
 */
const decodeKernelsOnly = {
  name: 'decode-kernels-only',
  setup(b) {
    b.onResolve({ filter: /^\.\/binaries\.js$/ }, (args) =>
      /kernels[\\/]wasm$/.test(args.resolveDir) ? { path: join(args.resolveDir, 'binaries-decode.js') } : undefined);
    // The streams' WASM range decoding (its build and loader, 1.9 KB of the gzipped bundle) would put the bundle over
    // issue 12's 40 KB: in its place a loader that has none, so that `readSnf` in a page decodes with the TypeScript
    // decoder, as before.
    b.onResolve({ filter: /[\\/]kernels[\\/]wasm[\\/]stream-kernels\.js$/ }, () => ({ path: 'stream-kernels', namespace: 'no-streams' }));
    b.onLoad({ filter: /.*/, namespace: 'no-streams' }, () => ({
      contents: 'export function wasmStreams() { return undefined; }\nexport function useWasmStreams() {}\n', loader: 'js',
    }));
    // The decode-only builds leave out the residual's kernels (assembly/decode.ts), so their loader could only ever
    // answer that it has none: in its place one that says so in a line, and `addResidual` runs the TypeScript.
    b.onResolve({ filter: /[\\/]wasm[\\/]residual-kernel\.js$/ }, () => ({ path: 'residual-kernel', namespace: 'no-residual-kernel' }));
    b.onLoad({ filter: /.*/, namespace: 'no-residual-kernel' }, () => ({
      contents: 'export function blockSumsOnWasm() { return undefined; }\nexport function addResidualOnWasm() { return false; }\n', loader: 'js',
    }));
  },
};

/**
 * Bundles `entry` into `outfile` (minified ES2022 module for browsers) and
 * checks it. `kernels`: `decode` embeds the decode-only kernel builds (a page's
 * decoder), `all` every build (the encoder: training, worker threads).
 * @returns the bundle's size in bytes and the source files it holds.
 */
export async function buildWebBundle({ entry, outfile, kernels = 'decode' }) {
  if (kernels !== 'decode' && kernels !== 'all') throw new TypeError(`kernels must be decode or all, not ${kernels}`);
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    plugins: [refuseNodeOnly, ...(kernels === 'decode' ? [decodeKernelsOnly] : [])],
    logLevel: 'silent',
  });
  const output = await readFile(outfile, 'utf8');
  // Self-contained: no static or dynamic import of anything (a bare name would need a bundler or an import map).
  const imports = output.match(/\bimport\s*(?:\(\s*)?["'][^"']+["']|\bfrom\s*["'][^"']+["']|\brequire\s*\(/g);
  if (imports) throw new Error(`build-web: ${outfile} still imports ${imports.join(', ')}`);
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  return { bytes, inputs: Object.keys(result.metafile.inputs) };
}
