import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { encodeImage } from '../src/encoder/image/encode-image.js';
import type { Engine, EngineSetup } from '../src/encoder/network/engine.js';
import { createRefEngine } from '../src/encoder/network/ref-engine.js';
import { loadTfjs, NODE_WEBGPU_PACKAGE, TFJS_PACKAGES, TfjsUnavailableError, type TfjsBackendChoice } from '../src/encoder/network/tfjs-backend.js';
import { createTfjsEngineFactory } from '../src/encoder/network/tfjs-engine.js';
import { readSnf } from '../src/format/index.js';
import type { SirenArch } from '../src/kernels/arch.js';
import type { Raster } from '../src/raster.js';
import { progressFormat } from '../src/cli/progress.js';
import { FIXTURES, snfc, tempDir } from './helpers/cli.js';
import { lcg, sirenParams } from './helpers/random-net.js';

/** The tfjs packages are optional (devDependencies here): without them these tests skip, they do not fail. */
const installed = await Promise.all(['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu'].map((name) => import(name).then(() => true, () => false)));
const skip = installed.every(Boolean) ? false : 'tfjs-core or tfjs-backend-cpu is not installed';
/**
 * The backend the two parity tests below run on: tfjs-backend-cpu, or one named in SNFC_TEST_TFJS_BACKEND,
 * so that the same tests check a GPU backend where there is one (bench/results/tfjs-gpu-s38/run.sh).
 */
const PARITY: TfjsBackendChoice = (process.env.SNFC_TEST_TFJS_BACKEND as TfjsBackendChoice | undefined) ?? 'cpu';

function makeSetup(arch: SirenArch, count: number, seed: number, batchRows?: number): EngineSetup {
  const random = lcg(seed);
  const params = sirenParams(arch, random);
  const coords = new Float32Array(count * arch.inputs).map(() => random() * 2 - 1);
  const targets = new Float32Array(count * arch.outputs).map((_, i) => Math.sin(3 * coords[Math.floor(i / arch.outputs) * arch.inputs]! + (i % arch.outputs)) * 0.5);
  return { arch, params, coords, targets, batchRows };
}

async function lossCurve(engine: Engine, steps: number, lr: number): Promise<number[]> {
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    for (let b = 0; b < engine.batches; b++) {
      losses.push(await engine.forward(engine.batches > 1 ? b : undefined));
      await engine.backward();
      await engine.update(lr);
    }
  }
  return losses;
}

test(`tfjs engine on tfjs-backend-${PARITY} follows the reference engine step by step (loss, parameters, predict)`, { skip }, async () => {
  const { factory, runtime } = await createTfjsEngineFactory({ backends: [PARITY] });
  assert.equal(runtime.choice, PARITY);
  console.log(`# ${runtime.describe()}`);
  const arch: SirenArch = { inputs: 2, outputs: 3, width: 12, depth: 3, omega: 30 };
  // Unweighted on all points and on batches; weighted (--tune ssim) on batches; with weight decay.
  for (const [batchRows, weighted, weightDecay] of [[undefined, false, 0], [64, false, 0], [64, true, 0], [64, false, 50]] as const) {
    const plain = { ...makeSetup(arch, 256, 5, batchRows), ...(weightDecay === 0 ? {} : { adam: { weightDecay } }) };
    const setup = weighted ? { ...plain, weights: Float32Array.from({ length: 256 }, (_, i) => 0.25 + (i % 5) / 2) } : plain;
    const [ref, tfjs] = [await createRefEngine(setup), await factory(setup)];
    assert.equal(tfjs.name, `tfjs-${PARITY}`);
    assert.equal(tfjs.batches, ref.batches);
    const [a, b] = [await lossCurve(ref, 10, 1e-3), await lossCurve(tfjs, 10, 1e-3)];
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-3 * a[i]!, `step ${i}: ref ${a[i]}, tfjs ${b[i]}`);
    assert.ok(b.at(-1)! < b[0]!, 'the fit did not move');
    const [pa, pb] = [await ref.getParams(), await tfjs.getParams()];
    let worst = 0;
    for (let i = 0; i < pa.length; i++) worst = Math.max(worst, Math.abs(pa[i]! - pb[i]!));
    assert.ok(worst < 1e-4, `parameters drifted by ${worst}`);
    // setParams then predict: the same field as the reference.
    await tfjs.setParams(pa);
    const [ya, yb] = [await ref.predict(setup.coords), await tfjs.predict(setup.coords)];
    for (let i = 0; i < ya.length; i++) assert.ok(Math.abs(ya[i]! - yb[i]!) < 1e-4, `predict ${i}: ${ya[i]} vs ${yb[i]}`);
    await Promise.all([ref.dispose(), tfjs.dispose()]);
  }
});

test(`encode with the tfjs engine (tfjs-backend-${PARITY}) matches the reference engine within 0.2 dB, with the same file layout`, { skip }, async () => {
  const { data, info } = await sharp(path.join(FIXTURES, 'kodim-crop32.png')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image: Raster = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
  const { factory } = await createTfjsEngineFactory({ backends: [PARITY] });
  const options = { width: 16, steps: 60, metadata: true } as const;
  const [ref, tfjs] = [await encodeImage(image, { ...options, engine: createRefEngine }), await encodeImage(image, { ...options, engine: factory })];
  assert.equal(tfjs.engine, `tfjs-${PARITY}`);
  assert.ok(Math.abs(ref.psnr - tfjs.psnr) <= 0.2, `ref ${ref.psnr.toFixed(3)} dB, tfjs ${tfjs.psnr.toFixed(3)} dB`);
  const [a, b] = [readSnf(ref.bytes), readSnf(tfjs.bytes)];
  assert.deepEqual(b.networks.map((n) => [n.region, n.arch, n.tensors.map((t) => [t.values.length, t.bits])]), a.networks.map((n) => [n.region, n.arch, n.tensors.map((t) => [t.values.length, t.bits])]));
  assert.equal(b.header.train?.engine, `tfjs-${PARITY}`);
});

test('the backend order picks the first one installed and says why it passed over the others', { skip }, async () => {
  // Here: no tfjs-node(-gpu), no WebGPU in Node (the webgpu package, Dawn, is not a dependency); tfjs-backend-wasm is installed.
  const missing = (name: string) => Object.assign(new Error(`Cannot find package '${name}' imported from x`), { code: 'ERR_MODULE_NOT_FOUND' });
  const withoutDawn = async (name: string) => (name === NODE_WEBGPU_PACKAGE ? Promise.reject(missing(name)) : import(name));
  const runtime = await loadTfjs({ backends: ['node-gpu', 'node', 'webgpu', 'wasm', 'cpu'], importer: withoutDawn });
  assert.equal(runtime.choice, 'wasm');
  assert.deepEqual(runtime.skipped.map((s) => [s.choice, s.reason]), [
    ['node-gpu', 'not installed'], ['node', 'not installed'], ['webgpu', 'needs webgpu, which is not installed'],
  ]);
  assert.match(runtime.describe(), /^@tensorflow\/tfjs-backend-wasm \(wasm, CPU; skipped: @tensorflow\/tfjs-node-gpu not installed; /);
  // A package that is missing (as tfjs-backend-wasm would be for a user who did not install it) falls through to the next.
  const withoutWasm = await loadTfjs({ backends: ['wasm', 'cpu'], importer: async (name) => (name === TFJS_PACKAGES.wasm ? Promise.reject(missing(name)) : import(name)) });
  assert.equal(withoutWasm.choice, 'cpu');
  assert.deepEqual(withoutWasm.skipped, [{ choice: 'wasm', package: '@tensorflow/tfjs-backend-wasm', reason: 'not installed' }]);
  // Nothing installed: one error naming everything tried.
  await assert.rejects(loadTfjs({ importer: async (name) => Promise.reject(missing(name)) }), (error: Error) =>
    error instanceof TfjsUnavailableError && /no TensorFlow\.js backend could be loaded \(@tensorflow\/tfjs-node-gpu not installed;.*@tensorflow\/tfjs-backend-cpu needs @tensorflow\/tfjs-core, which is not installed\)/.test(error.message));
  // --engine auto wants a GPU: tfjs-node-gpu without a CUDA device does not count, with one it does.
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const fakeNodeGpu = (usingGpu: boolean) => async (name: string) => (name === TFJS_PACKAGES['node-gpu']
    ? { ...tf, ready: async () => tf.setBackend('cpu'), backend: () => ({ isUsingGpuDevice: usingGpu }) }
    : Promise.reject(missing(name)));
  await assert.rejects(loadTfjs({ gpuOnly: true, importer: fakeNodeGpu(false) }), /on a GPU could be loaded \(@tensorflow\/tfjs-node-gpu found no GPU\)/);
  const gpu = await loadTfjs({ gpuOnly: true, importer: fakeNodeGpu(true) });
  assert.deepEqual([gpu.choice, gpu.gpu], ['node-gpu', true]);
});

test('in Node, the webgpu backend takes WebGPU from the webgpu package (Dawn), and a machine without a GPU adapter reads as such', { skip }, async () => {
  const global = globalThis as { navigator?: { gpu?: unknown }; GPUBufferUsage?: unknown };
  const ownNavigator = global.navigator === undefined; // Node 20 has none; Node 21+ has one without gpu
  const tf = await import('@tensorflow/tfjs-core');
  const { MathBackendCPU } = await import('@tensorflow/tfjs-backend-cpu');
  const dawnWith = (adapter: object | null) => ({
    create: () => ({ requestAdapter: async () => adapter }),
    globals: { GPUBufferUsage: { MAP_READ: 1 } },
  });
  // Stands in for tfjs-backend-webgpu, which registers 'webgpu' when it is imported (here on the CPU kernels).
  const backendPackage = { registered: () => tf.registerBackend('webgpu', () => new MathBackendCPU()) };
  const importer = (adapter: object | null) => async (name: string) => {
    if (name === NODE_WEBGPU_PACKAGE) return dawnWith(adapter);
    if (name === TFJS_PACKAGES.webgpu) return backendPackage.registered();
    return import(name);
  };
  // Each load below provides navigator.gpu afresh from its own stand-in for Dawn.
  const forgetWebGpu = () => {
    delete global.GPUBufferUsage;
    if (ownNavigator) delete global.navigator;
    else delete global.navigator!.gpu;
  };
  try {
    await assert.rejects(loadTfjs({ backends: ['webgpu'], importer: importer(null) }), /\(@tensorflow\/tfjs-backend-webgpu found no WebGPU adapter\)/);
    assert.deepEqual(global.GPUBufferUsage, { MAP_READ: 1 }, "Dawn's globals were not installed");
    assert.notEqual(global.navigator?.gpu, undefined, 'navigator.gpu was not provided');
    forgetWebGpu();
    // A software adapter (lavapipe, SwiftShader) is WebGPU on the CPU, and said so.
    const software = await loadTfjs({ backends: ['webgpu'], importer: importer({ info: { isFallbackAdapter: true } }) });
    assert.deepEqual([software.choice, software.backend, software.gpu], ['webgpu', 'webgpu', false]);
    tf.removeBackend('webgpu');
    forgetWebGpu();
    const gpu = await loadTfjs({ backends: ['webgpu'], importer: importer({ info: { isFallbackAdapter: false } }) });
    assert.deepEqual([gpu.choice, gpu.backend, gpu.gpu], ['webgpu', 'webgpu', true]);
    forgetWebGpu();
    // --engine auto (gpuOnly) does not probe Dawn in Node: it would print Dawn's warnings on every encode without Vulkan.
    let probed = false;
    await assert.rejects(loadTfjs({ backends: ['webgpu'], gpuOnly: true, importer: async (name) => { probed ||= name === NODE_WEBGPU_PACKAGE; return importer(null)(name); } }), /\(none tried\)/);
    assert.equal(probed, false);
  } finally {
    if (tf.findBackendFactory('webgpu') !== null) tf.removeBackend('webgpu');
    await tf.setBackend('cpu');
    forgetWebGpu();
  }
});

test('snfc encode --engine tfjs names its backend; without a usable backend it fails in one line', { skip }, () => {
  const dir = tempDir();
  const input = path.join(FIXTURES, 'kodim-crop32.png');
  const withBackend = (backend: string | undefined, args: string[]) => {
    const saved = process.env.SNFC_TFJS_BACKEND;
    if (backend === undefined) delete process.env.SNFC_TFJS_BACKEND;
    else process.env.SNFC_TFJS_BACKEND = backend;
    try {
      return snfc(args);
    } finally {
      if (saved === undefined) delete process.env.SNFC_TFJS_BACKEND;
      else process.env.SNFC_TFJS_BACKEND = saved;
    }
  };
  const run = withBackend('cpu', ['encode', input, '-o', path.join(dir, 'a.snf'), '--width', '8', '--steps', '5', '--engine', 'tfjs', '--json']);
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.equal(report.engine, 'tfjs-cpu');
  assert.equal(report.backend, '@tensorflow/tfjs-backend-cpu (cpu, CPU)');
  const text = withBackend('cpu', ['encode', input, '-o', path.join(dir, 'b.snf'), '--width', '8', '--steps', '5', '--engine', 'tfjs']);
  assert.match(text.stderr, /dB \(tfjs-cpu, width 8,/);
  // The progress bar (shown on a terminal only) starts with the engine.
  assert.match(progressFormat(report.engine), /^training on tfjs-cpu \{bar\}/);
  // Only a package that is not installed: the user's mistake, exit 2, no stack, no output.
  const none = withBackend('node-gpu', ['encode', input, '-o', path.join(dir, 'c.snf'), '--engine', 'tfjs']);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /^snfc: --engine tfjs: no TensorFlow\.js backend could be loaded \(@tensorflow\/tfjs-node-gpu not installed\); install one, e\.g\. [^\n]*\n$/);
  // The same for a bench, of images or of WAV clips, before it measures anything.
  for (const benched of [input, path.join(FIXTURES, 'bach-excerpt.wav')]) {
    const bench = withBackend('node-gpu', ['bench', benched, '--engine', 'tfjs', '--steps', '5', '--out', path.join(dir, 'bench')]);
    assert.equal(bench.status, 2, bench.stderr);
    assert.match(bench.stderr, /^snfc: --engine tfjs: no TensorFlow\.js backend could be loaded [^\n]*\n$/);
  }
  assert.ok(!existsSync(path.join(dir, 'bench')), 'nothing measured, nothing written');
  const bad = withBackend('gpu', ['encode', input, '-o', path.join(dir, 'd.snf'), '--engine', 'tfjs']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^snfc: --engine tfjs: SNFC_TFJS_BACKEND must be one of node-gpu, node, webgpu, wasm, cpu; got 'gpu'\n$/);
  // auto finds no GPU here and trains on the WASM engine.
  const auto = withBackend(undefined, ['encode', input, '-o', path.join(dir, 'e.snf'), '--width', '8', '--steps', '5', '--json']);
  assert.equal(JSON.parse(auto.stdout).engine, 'wasm');
});
