// Bundles the `snfc` command (compiled by tsc to dist/src) into dist/cli/,
// which bin/snfc.js runs. Loading 100 small ES modules (ours, yargs and its
// dependencies) was a third of a small file's decode: resolving, reading and
// compiling each one. Bundled, a decode loads about 25 (docs/engine.md,
// "Decode time").
//
// - Code splitting keeps main.ts's lazy imports lazy: each command, sharp, the
//   WAV writer and the encoder's threads load only when used.
// - The worker threads are entries of the same build, named as their sources
//   (grid-worker.js, wasm-worker.js, network-worker.js, residual-worker.js,
//   pool-thread.js), so that `new URL('./grid-worker.js', import.meta.url)`
//   from any chunk in dist/cli/ finds them there.
// - Only yargs (and what it pulls in) is bundled with our code; every other
//   package stays in node_modules, loaded as before (sharp is native, the tfjs
//   packages are optional and may be absent).
//
// Usage: node scripts/build-cli.mjs (run by `npm run build` after tsc)
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist', 'src');
const outdir = join(root, 'dist', 'cli');
const BUNDLED_PACKAGES = ['yargs', 'fflate'];

const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
const external = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.devDependencies, ...manifest.optionalDependencies })
  .filter((name) => !BUNDLED_PACKAGES.includes(name));

/**
 * string-width (three copies in the bundle: yargs', cliui's and wrap-ansi's) sets up as it loads an
 * `Intl.Segmenter` (the first loads ICU's segmentation data) and regexes of Unicode properties (`RGI_Emoji` alone
 * about 5 ms): some 30 ms of every command's start, though a command run measures no text
 * (src/cli/help-cache.ts) and only `--help` does (docs/engine.md). The bundle runs that set-up on first use: the
 * module's body moves into a function that its default export calls once. Should string-width's shape change
 * (another export), the build stops here rather than bundle it unchanged.
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(build) {
    build.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, async ({ path }) => {
      const lines = (await readFile(path, 'utf8')).split('\n');
      const imports = lines.filter((line) => line.startsWith('import '));
      const body = lines.filter((line) => !line.startsWith('import ')).join('\n');
      const exported = 'export default function stringWidth(';
      if (body.split(exported).length !== 2 || /^export /m.test(body.replace(exported, ''))) {
        throw new Error(`${path}: expected one export, 'export default function stringWidth', for lazyStringWidth to defer`);
      }
      const lazy = `let madeStringWidth;\nexport default function stringWidth(...args) {\n  madeStringWidth ??= (() => {\n${body.replace(exported, 'function stringWidth(')}\nreturn stringWidth;\n})();\n  return madeStringWidth(...args);\n}\n`;
      return { contents: `${imports.join('\n')}\n${lazy}`, loader: 'js' };
    });
  },
};

/**
 * fflate's build for Node loads node:worker_threads as it loads (for its asynchronous functions, which snfc does not
 * call): some milliseconds of every command's start. Its build for browsers has the same synchronous functions and
 * loads nothing, so the bundle takes that one.
 */
const fflateWithoutWorkers = {
  name: 'fflate-without-workers',
  setup(build) {
    build.onResolve({ filter: /^fflate$/ }, () => ({ path: join(root, 'node_modules', 'fflate', 'esm', 'browser.js') }));
  },
};

/**
 * yargs imports node:assert for two checks of its own state (`strictEqual`, `notStrictEqual`), and loading it took
 * about 5 ms of every command's start. The bundle gives yargs the two functions: the same comparisons (Object.is, as
 * node:assert's), throwing a plain Error, which only a bug in yargs would see. Should yargs import anything else from
 * it, the build stops here.
 */
const yargsAssert = {
  name: 'yargs-assert',
  setup(build) {
    build.onResolve({ filter: /^assert$/ }, ({ importer }) => (/[\\/]node_modules[\\/]yargs[\\/]/.test(importer) ? { path: 'assert', namespace: 'yargs-assert' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'yargs-assert' }, () => ({
      contents: [
        "const fail = (message, fallback) => { throw message instanceof Error ? message : new Error(message ?? fallback); };",
        "export function strictEqual(actual, expected, message) { if (!Object.is(actual, expected)) fail(message, `Expected values to be strictly equal: ${String(actual)} !== ${String(expected)}`); }",
        "export function notStrictEqual(actual, expected, message) { if (Object.is(actual, expected)) fail(message, `Expected \"actual\" to be strictly unequal to: ${String(expected)}`); }",
      ].join('\n'),
      loader: 'js',
    }));
  },
};

await rm(outdir, { recursive: true, force: true });
try {
  const result = await build({
    entryPoints: {
      main: join(dist, 'cli', 'main.js'),
      'grid-worker': join(dist, 'cli', 'grid-worker.js'),
      'wasm-worker': join(dist, 'node', 'wasm-worker.js'),
      'network-worker': join(dist, 'encoder', 'network', 'network-worker.js'),
      'residual-worker': join(dist, 'encoder', 'residual', 'residual-worker.js'),
      'pool-thread': join(dist, 'batch', 'pool-thread.js'),
    },
    outdir,
    bundle: true,
    splitting: true,
    chunkNames: '[name]-[hash]',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    plugins: [lazyStringWidth, fflateWithoutWorkers, yargsAssert],
    // CommonJS parts of a bundled package call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __snfcCreateRequire } from 'node:module'; const require = __snfcCreateRequire(import.meta.url);" },
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  const files = Object.keys(result.metafile.outputs).length;
  console.log(`build-cli: dist/cli/, ${files} files`);
} catch (error) {
  const messages = error.errors?.map((e) => `${e.text}${e.location ? ` (${e.location.file}:${e.location.line})` : ''}`) ?? [error.message];
  console.error(`build-cli: ${messages.join('; ')}`);
  process.exit(1);
}
