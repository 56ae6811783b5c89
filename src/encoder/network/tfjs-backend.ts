import type * as TfCore from '@tensorflow/tfjs-core';
import { registerSirenGradients } from './tfjs-gradients.js';

type Tf = typeof TfCore;

/**
 * TensorFlow.js backends snfc can train on, in the order it tries them:
 * CUDA through `@tensorflow/tfjs-node-gpu`, native CPU TensorFlow through
 * `@tensorflow/tfjs-node`, WebGPU (a browser's, or in Node the `webgpu`
 * package's Dawn), then the WASM and plain JavaScript backends. Every package
 * is optional (a peer dependency): a backend whose package is not installed
 * is skipped, and said so.
 */
export const TFJS_BACKENDS = ['node-gpu', 'node', 'webgpu', 'wasm', 'cpu'] as const;
export type TfjsBackendChoice = (typeof TFJS_BACKENDS)[number];

/** The npm package each backend comes from. */
export const TFJS_PACKAGES: Readonly<Record<TfjsBackendChoice, string>> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** The package that gives Node a WebGPU (Dawn), for the `webgpu` backend outside a browser. */
export const NODE_WEBGPU_PACKAGE = 'webgpu';

/** Environment variable that restricts the order to one backend (tests, debugging): SNFC_TFJS_BACKEND=cpu. */
export const TFJS_BACKEND_ENV = 'SNFC_TFJS_BACKEND';

/** No tfjs backend could be loaded; the message says what was tried and why each failed. */
export class TfjsUnavailableError extends Error {
  override readonly name = 'TfjsUnavailableError';
}

export interface TfjsSkip {
  readonly choice: TfjsBackendChoice;
  readonly package: string;
  readonly reason: string;
}

/** A loaded tfjs with its backend in use. */
export class TfjsRuntime {
  readonly #tf: unknown;
  constructor(
    /** The tfjs namespace (typed `unknown` here so that snfc's public types do not need tfjs-core installed). */
    tf: unknown,
    /** Which of TFJS_BACKENDS this is. */
    readonly choice: TfjsBackendChoice,
    /** tfjs's name for the backend: 'tensorflow', 'webgpu', 'wasm' or 'cpu'. */
    readonly backend: string,
    /** Whether it computes on a GPU (a CUDA device seen by tfjs-node-gpu, or WebGPU). */
    readonly gpu: boolean,
    /** The backends tried before it, and why each was passed over. */
    readonly skipped: readonly TfjsSkip[],
  ) {
    this.#tf = tf;
  }

  /** The tfjs namespace, for the engine (which sees it typed as tfjs-core). */
  get tf(): unknown {
    return this.#tf;
  }

  get package(): string {
    return TFJS_PACKAGES[this.choice];
  }

  /** e.g. `@tensorflow/tfjs-backend-wasm (wasm, CPU; skipped: @tensorflow/tfjs-node-gpu not installed, …)`. */
  describe(): string {
    const skipped = this.skipped.map((s) => `${s.package} ${s.reason}`).join('; ');
    return `${this.package} (${this.backend}, ${this.gpu ? 'GPU' : 'CPU'}${skipped ? `; skipped: ${skipped}` : ''})`;
  }
}

export interface LoadTfjsOptions {
  /** Backends to try, in order; default SNFC_TFJS_BACKEND if set, else TFJS_BACKENDS. */
  readonly backends?: readonly TfjsBackendChoice[];
  /** Accept only a backend that runs on a GPU (what `--engine auto` asks). */
  readonly gpuOnly?: boolean;
  /** How a package is imported; tests replace it. Default: a dynamic `import()`. */
  readonly importer?: (specifier: string) => Promise<unknown>;
}

const isNode = (): boolean => typeof process !== 'undefined' && typeof process.versions?.node === 'string';
interface WebGpuAdapterSource {
  requestAdapter(options?: { powerPreference?: string }): Promise<unknown>;
}
const webGpuOf = (): WebGpuAdapterSource | undefined =>
  typeof navigator !== 'undefined' ? (navigator as { gpu?: WebGpuAdapterSource }).gpu : undefined;

/** What snfc reads of a GPUAdapter: whether it is a software one (the flag moved to `info` in newer WebGPU). */
interface WebGpuAdapter {
  readonly isFallbackAdapter?: boolean;
  readonly info?: { readonly isFallbackAdapter?: boolean };
}

/** Node's WebGPU package (Dawn): `create(flags)` makes a `navigator.gpu`, `globals` holds GPUBufferUsage and the rest. */
interface DawnModule {
  create(flags: string[]): WebGpuAdapterSource;
  globals: Record<string, unknown>;
}

/**
 * Gives Node the `navigator.gpu` and GPU* globals a browser has, from the
 * `webgpu` package (Google's Dawn; Vulkan on Linux), so that
 * tfjs-backend-webgpu, which looks for them when it is imported, registers.
 * Node 20 has no `navigator`; Node 21+ has one without `gpu`.
 */
function provideNodeWebGpu(dawn: DawnModule): void {
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const global = globalThis as { navigator?: object };
  if (global.navigator === undefined) global.navigator = { gpu };
  else Object.defineProperty(global.navigator, 'gpu', { value: gpu, configurable: true });
}

/** The module's namespace, or its CommonJS `default` when that is where the exports are. */
function namespaceOf(module: unknown): Tf {
  const m = module as { default?: unknown; tensor?: unknown };
  return (typeof m.tensor === 'function' ? m : m.default) as Tf;
}

/** Why an import failed, in a few words: a package that is not installed, or the error's first line. */
function importFailure(error: unknown, specifier: string): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(specifier)) return 'not installed';
  return `failed to load: ${message.split('\n')[0]}`;
}

/** The backend order from options or the environment; a bad SNFC_TFJS_BACKEND is an error, not a silent default. */
export function tfjsBackendOrder(options: LoadTfjsOptions = {}): readonly TfjsBackendChoice[] {
  if (options.backends !== undefined) return options.backends;
  const forced = typeof process !== 'undefined' ? process.env?.[TFJS_BACKEND_ENV] : undefined;
  if (forced === undefined || forced === '') return TFJS_BACKENDS;
  if (!(TFJS_BACKENDS as readonly string[]).includes(forced)) {
    throw new TfjsUnavailableError(`${TFJS_BACKEND_ENV} must be one of ${TFJS_BACKENDS.join(', ')}; got '${forced}'`);
  }
  return [forced as TfjsBackendChoice];
}

/** Loads one backend: its tfjs namespace and tfjs's name for it, or throws why not. */
async function loadOne(choice: TfjsBackendChoice, importer: (specifier: string) => Promise<unknown>): Promise<{ tf: Tf; backend: string; gpu: boolean }> {
  const specifier = TFJS_PACKAGES[choice];
  const load = async (name: string): Promise<unknown> => {
    try {
      return await importer(name);
    } catch (error) {
      const why = importFailure(error, name);
      throw new Error(why === 'not installed' && name !== specifier ? `needs ${name}, which is not installed` : why);
    }
  };
  if (choice === 'node-gpu' || choice === 'node') {
    if (!isNode()) throw new Error('needs Node.js');
    // The package bundles all of tfjs and registers its 'tensorflow' backend on import.
    const tf = namespaceOf(await load(specifier));
    await tf.ready();
    const backend = tf.getBackend();
    // tfjs-node-gpu falls back to TensorFlow's CPU kernels when it finds no CUDA device; its backend says which it got.
    const gpu = choice === 'node-gpu' && (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
    return { tf, backend, gpu };
  }
  let software = false;
  if (choice === 'webgpu') {
    if (webGpuOf() === undefined) {
      if (!isNode()) throw new Error('needs a browser with WebGPU (navigator.gpu)');
      provideNodeWebGpu((await load(NODE_WEBGPU_PACKAGE)) as DawnModule);
    }
    // Asked here, before tfjs asks, so that a machine without a GPU reads as such rather than as a failed initialization.
    const adapter = (await webGpuOf()!.requestAdapter({ powerPreference: 'high-performance' })) as WebGpuAdapter | null;
    if (adapter === null) throw new Error('found no WebGPU adapter');
    // A software adapter (SwiftShader, lavapipe) is WebGPU on the CPU: usable, but not what `--engine auto` wants.
    software = adapter.isFallbackAdapter === true || adapter.info?.isFallbackAdapter === true;
  }
  const tf = namespaceOf(await load('@tensorflow/tfjs-core'));
  // Production mode: no per-op NaN checks, and no banner on stderr advising tfjs-node (the order above already tried it).
  tf.enableProdMode();
  await load(specifier);
  const backend = choice;
  if (!(await tf.setBackend(backend))) throw new Error(`did not initialize (tf.setBackend('${backend}') failed)`);
  await tf.ready();
  return { tf, backend, gpu: choice === 'webgpu' && !software };
}

/**
 * The first backend of the order that loads (and, with `gpuOnly`, runs on a
 * GPU). Throws TfjsUnavailableError, listing every backend tried and why it
 * was passed over, when none does.
 */
export async function loadTfjs(options: LoadTfjsOptions = {}): Promise<TfjsRuntime> {
  const importer = options.importer ?? ((specifier: string) => import(specifier));
  const skipped: TfjsSkip[] = [];
  for (const choice of tfjsBackendOrder(options)) {
    if (options.gpuOnly === true && choice !== 'node-gpu' && choice !== 'webgpu') continue;
    // Dawn in Node is tried by `--engine tfjs` only, not by `auto`: on a machine without Vulkan it prints
    // its own warnings on every probe, which would follow every encode.
    if (options.gpuOnly === true && choice === 'webgpu' && webGpuOf() === undefined && isNode()) continue;
    try {
      const { tf, backend, gpu } = await loadOne(choice, importer);
      if (options.gpuOnly === true && !gpu) {
        skipped.push({ choice, package: TFJS_PACKAGES[choice], reason: 'found no GPU' });
        continue;
      }
      registerSirenGradients(tf);
      return new TfjsRuntime(tf, choice, backend, gpu, skipped);
    } catch (error) {
      skipped.push({ choice, package: TFJS_PACKAGES[choice], reason: error instanceof Error ? error.message : String(error) });
    }
  }
  const tried = skipped.map((s) => `${s.package} ${s.reason}`).join('; ');
  throw new TfjsUnavailableError(`no TensorFlow.js backend${options.gpuOnly === true ? ' on a GPU' : ''} could be loaded (${tried || 'none tried'}); install one, e.g. npm install @tensorflow/tfjs-core @tensorflow/tfjs-backend-wasm`);
}
