/**
 * bench:engine: throughput of a whole training step (forward + backward +
 * Adam, counted as 6·params·N FLOPs) of the WASM engine, against the
 * reference engine and @tensorflow/tfjs-backend-wasm in the same run; an
 * encode of a 128×128 crop start to finish with both engines; and time to
 * quality on a whole Kodak image at 1 bpp.
 *
 *   npm run bench:engine [-- --json] [--quick] [--widths 32,64] [--points 65536]
 *       [--depth 4] [--threads N] [--ttq 30,60,120,300] [--image kodim05.png]
 *       [--crop-steps 200] [--no-tfjs] [--no-ref] [--no-ttq] [--no-crop]
 *
 * A benchmark, not a test: numbers depend on the machine and on its load.
 * Each timed loop checks that the losses stay finite and go down.
 */
import { cpus, availableParallelism, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import sharp from 'sharp';
import type { Engine, EngineFactory, EngineSetup } from '../src/encoder/network/engine.js';
import { createRefEngine } from '../src/encoder/network/ref-engine.js';
import { wasmEngineFactory, type WasmEngine } from '../src/encoder/network/wasm-engine.js';
import { resolveThreads } from '../src/node/wasm-threads.js';
import { enableRelaxedSimd } from '../src/node/relaxed-simd.js';
import { architectureForRate, defaultAlpha } from '../src/encoder/network/network-defaults.js';
import { encodeImage } from '../src/encoder/image/encode-image.js';
import { fixedBitSteps } from '../src/encoder/network/fit-networks.js';
import { quantizeWithSteps } from '../src/encoder/network/rate-control.js';
import { networkParams } from '../src/format/index.js';
import { learningRateAt } from '../src/encoder/network/trainer.js';
import { initializeWeightScaled } from '../src/encoder/network/ws-init.js';
import { parameterCount, type SirenArch } from '../src/kernels/arch.js';
import { forwardFast } from '../src/kernels/forward-fast.js';
import { detectFeatures } from '../src/kernels/wasm/load.js';
import { normalizeSample, regionGrid, renderImage } from '../src/kernels/render.js';
import { psnr } from '../src/metrics/psnr.js';
import type { Raster } from '../src/raster.js';

interface Args {
  json: boolean;
  quick: boolean;
  widths: number[];
  points: number[];
  depth: number;
  threads: number;
  ttq: number[];
  image: string;
  cropSteps: number;
  tfjs: boolean;
  ref: boolean;
}

function parseArgs(argv: string[]): Args {
  const list = (v: string | undefined, name: string): number[] => {
    const out = (v ?? '').split(',').map(Number);
    if (out.length === 0 || out.some((n) => !Number.isFinite(n) || n <= 0)) throw new RangeError(`Expected a comma-separated list of positive numbers for --${name} but received ${v}`);
    return out;
  };
  const quick = argv.includes('--quick');
  const args: Args = {
    json: argv.includes('--json'),
    quick,
    widths: [32, 64, 128, 256],
    points: quick ? [65536] : [65536, 393216],
    depth: 4,
    threads: resolveThreads(),
    ttq: quick ? [] : [30, 60, 120, 300],
    image: resolve('..', 'shared', 'data', 'kodak', 'kodim05.png'),
    cropSteps: quick ? 50 : 200,
    tfjs: !argv.includes('--no-tfjs'),
    ref: !argv.includes('--no-ref'),
  };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--widths': args.widths = list(value, 'widths'); i++; break;
      case '--points': args.points = list(value, 'points'); i++; break;
      case '--depth': args.depth = list(value, 'depth')[0]!; i++; break;
      case '--threads': args.threads = resolveThreads(Number(value)); i++; break;
      case '--ttq': args.ttq = list(value, 'ttq'); i++; break;
      case '--image': args.image = resolve(value ?? ''); i++; break;
      case '--crop-steps': args.cropSteps = list(value, 'crop-steps')[0]!; i++; break;
      case '--no-ttq': args.ttq = []; break;
      case '--no-crop': args.cropSteps = 0; break;
    }
  }
  return args;
}

let seed = 1;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

/** A synthetic fit of `count` points: SIREN init, smooth targets with detail. */
function syntheticSetup(arch: SirenArch, count: number): EngineSetup {
  const side = Math.ceil(Math.sqrt(count));
  const coords = new Float32Array(count * 2);
  const targets = new Float32Array(count * arch.outputs);
  for (let p = 0; p < count; p++) {
    const x = ((p % side) / side) * 2 - 1;
    const y = (Math.floor(p / side) / side) * 2 - 1;
    coords[2 * p] = x;
    coords[2 * p + 1] = y;
    for (let o = 0; o < arch.outputs; o++) targets[p * arch.outputs + o] = 0.5 * Math.sin(7 * x + 3 * o) * Math.cos(11 * y) + 0.1 * (random() - 0.5);
  }
  return { arch, params: initializeWeightScaled(arch, defaultAlpha(arch.width), 1), coords, targets };
}

const peakRssMiB = (): number => process.resourceUsage().maxRSS / 1024;

/** Steps/s of `engine`: one warm-up step, then enough steps for ~`seconds`. Checks the losses. */
async function stepRate(engine: Engine, seconds: number, maxSteps = 20): Promise<{ msPerStep: number; steps: number }> {
  const first = await engine.forward();
  await engine.backward();
  await engine.update(1e-4);
  const warm = performance.now();
  let loss = await engine.forward();
  await engine.backward();
  await engine.update(1e-4);
  const one = performance.now() - warm;
  const steps = Math.max(2, Math.min(maxSteps, Math.round((seconds * 1000) / one)));
  const started = performance.now();
  for (let s = 0; s < steps; s++) {
    loss = await engine.forward();
    await engine.backward();
    await engine.update(1e-4);
  }
  const msPerStep = (performance.now() - started) / steps;
  if (!Number.isFinite(loss) || !(loss < first)) throw new Error(`${engine.name}: loss went from ${first} to ${loss}`);
  return { msPerStep, steps };
}

// ---------------------------------------------------------------- tfjs
type Tf = typeof import('@tensorflow/tfjs-core');
let tfPromise: Promise<{ tf: Tf; info: string } | { error: string }> | undefined;

function loadTf(threads: number): Promise<{ tf: Tf; info: string } | { error: string }> {
  tfPromise ??= (async () => {
    try {
      const tf = await import('@tensorflow/tfjs-core');
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setThreadsCount(threads);
      if (!(await tf.setBackend('wasm'))) throw new Error('setBackend(wasm) failed');
      await tf.ready();
      const env = tf.env();
      const info = `tfjs-core ${tf.version_core}, backend ${tf.getBackend()}, simd ${String(await env.getAsync('WASM_HAS_SIMD_SUPPORT'))}, multithread ${String(await env.getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))}, threads ${wasm.getThreadsCount()}`;
      return { tf, info };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  })();
  return tfPromise;
}

/**
 * The same training step in tfjs: forward with sin layers, the backward pass
 * written out with tfjs ops (the Node bundle of tfjs-core registers no
 * gradients), Adam from tf.train.adam. @returns ms per step.
 */
async function tfjsStep(tf: Tf, setup: EngineSetup, seconds: number): Promise<number> {
  type T2 = ReturnType<Tf['tensor2d']>;
  const { arch } = setup;
  const count = setup.coords.length / 2;
  const x = tf.tensor2d(setup.coords, [count, 2]);
  const t = tf.tensor2d(setup.targets, [count, arch.outputs]);
  const vars: { w: ReturnType<Tf['variable']>; b: ReturnType<Tf['variable']> }[] = [];
  let offset = 0;
  for (let l = 0; l <= arch.depth; l++) {
    const fanIn = l === 0 ? 2 : arch.width;
    const fanOut = l === arch.depth ? arch.outputs : arch.width;
    vars.push({
      w: tf.variable(tf.tensor2d(setup.params.slice(offset, offset + fanIn * fanOut), [fanIn, fanOut]), true, `w${l}`),
      b: tf.variable(tf.tensor1d(setup.params.slice(offset + fanIn * fanOut, offset + (fanIn + 1) * fanOut)), true, `b${l}`),
    });
    offset += (fanIn + 1) * fanOut;
  }
  const optimizer = tf.train.adam(1e-4);
  const step = (): number => {
    const { loss, grads } = tf.tidy(() => {
      const inputs: T2[] = [x];
      const cosines: T2[] = [];
      let h: T2 = x;
      vars.forEach(({ w, b }, l) => {
        const z = tf.add(tf.matMul(h, w as T2), b) as T2;
        if (l < arch.depth) {
          const a = tf.mul(z, arch.omega) as T2;
          h = tf.sin(a);
          cosines.push(tf.mul(tf.cos(a), arch.omega));
          inputs.push(h);
        } else {
          h = z;
        }
      });
      const diff = tf.sub(h, t) as T2;
      const loss = tf.mean(tf.square(diff));
      let g = tf.mul(diff, 2 / (count * arch.outputs)) as T2;
      const grads: Record<string, ReturnType<Tf['tensor']>> = {};
      for (let l = arch.depth; l >= 0; l--) {
        grads[`w${l}`] = tf.matMul(inputs[l]!, g, true, false);
        grads[`b${l}`] = tf.sum(g, 0);
        if (l > 0) g = tf.mul(tf.matMul(g, vars[l]!.w as T2, false, true), cosines[l - 1]!);
      }
      return { loss, grads };
    });
    optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
    const value = loss.dataSync()[0]!;
    tf.dispose([loss, ...Object.values(grads)]);
    return value;
  };
  const first = step();
  const warm = performance.now();
  step();
  const steps = Math.max(2, Math.min(10, Math.round((seconds * 1000) / (performance.now() - warm))));
  const started = performance.now();
  let last = first;
  for (let s = 0; s < steps; s++) last = step();
  const ms = (performance.now() - started) / steps;
  if (!Number.isFinite(last) || !(last < first)) throw new Error(`tfjs: loss went from ${first} to ${last}`);
  tf.dispose([x, t, ...vars.flatMap((v) => [v.w, v.b])]);
  optimizer.dispose();
  return ms;
}

// ---------------------------------------------------------------- images
async function readImage(file: string, crop?: { left: number; top: number; size: number }): Promise<Raster> {
  let pipeline = sharp(file).removeAlpha();
  if (crop) pipeline = pipeline.extract({ left: crop.left, top: crop.top, width: crop.size, height: crop.size });
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels as 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** Trains a 1 bpp network on `image` for max(ttq) seconds; PSNR of the quantized best-so-far at each checkpoint. */
async function timeToQuality(image: Raster, checkpoints: number[], engineFactory: EngineFactory): Promise<{ arch: SirenArch; points: { seconds: number; steps: number; psnr: number; trainingPsnr: number }[] }> {
  const arch = architectureForRate({ bpp: 1, pixels: image.width * image.height, inputs: 2, outputs: image.channels, depth: 3, omega: 30 });
  const region = [0, 0, image.width, image.height] as const;
  const targets = new Float32Array(image.data.length);
  for (let i = 0; i < targets.length; i++) targets[i] = normalizeSample(image.data[i]!);
  const engine = await engineFactory({ arch, params: initializeWeightScaled(arch, defaultAlpha(arch.width), 1), coords: regionGrid(image.width, image.height, region, image.width, image.height).coords, targets });
  const points: { seconds: number; steps: number; psnr: number; trainingPsnr: number }[] = [];
  try {
    // Plan the cosine schedule over the steps that fit the longest budget.
    const probe = performance.now();
    await engine.forward();
    await engine.backward();
    const stepMs = performance.now() - probe;
    const horizon = Math.max(...checkpoints);
    const total = Math.max(10, Math.floor((horizon * 1000) / stepMs));
    let bestLoss = Infinity;
    let best = await engine.getParams();
    let clock = 0;
    let step = 0;
    const pending = [...checkpoints].sort((a, b) => a - b);
    await engine.update(learningRateAt(0, 1e-3));
    step = 1;
    while (pending.length > 0) {
      const started = performance.now();
      const loss = await engine.forward();
      if (loss < bestLoss) {
        bestLoss = loss;
        best = await engine.getParams();
      }
      await engine.backward();
      await engine.update(learningRateAt(Math.min(step, total - 1) / Math.max(1, total - 1), 1e-3));
      step++;
      clock += performance.now() - started;
      if (clock / 1000 >= pending[0]!) {
        const seconds = pending.shift()!;
        const decoded = await renderImage(image.width, image.height, image.channels, [{ region, arch, params: networkParams({ arch, tensors: quantizeWithSteps(arch, best, fixedBitSteps(arch, best, 8)) }) }], image.width, image.height, forwardFast);
        points.push({ seconds, steps: step, psnr: psnr(image, decoded), trainingPsnr: 10 * Math.log10(4 / bestLoss) });
      }
    }
  } finally {
    await engine.dispose();
  }
  return { arch, points };
}

// ---------------------------------------------------------------- main
async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  enableRelaxedSimd();
  const features = detectFeatures();
  const cpu = cpus()[0];
  const machine = {
    cpu: cpu?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    v8: process.versions.v8,
    wasm: features,
    threads: args.threads,
    /** 1-minute load average at the start: other processes on the machine skew every number. */
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
    command: `node ${process.argv.slice(1).join(' ')}`,
  };
  const log = (line: string): void => {
    if (!args.json) console.log(line);
  };
  log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node} (V8 ${machine.v8})`);
  log(`load average at start: ${machine.loadAverage} (other processes on these cores make every number lower)`);
  log(`wasm features: simd ${features.simd}, relaxed-simd ${features.relaxedSimd}, threads ${features.threads}; engine threads ${args.threads}`);
  log(`command: ${machine.command}`);
  const tf = args.tfjs ? await loadTf(args.threads) : { error: 'skipped (--no-tfjs)' };
  const tfInfo = 'info' in tf ? tf.info : `unavailable: ${tf.error}`;
  log(`tfjs: ${tfInfo}`);

  // Reference engine and tfjs rates per width, measured once on fewer points (their GFLOP/s barely depends on N).
  const REF_POINTS = 1024;
  const TF_POINTS = 16384;
  const refRate = new Map<number, number>();
  const tfRate = new Map<number, number>();
  const rows: Record<string, number | string>[] = [];
  log('');
  log('width depth        N  params  variant  ms/step  GFLOP/s | ref GFLOP/s  ×ref | tfjs GFLOP/s  ×tfjs | wasm MiB  peak RSS MiB');
  for (const width of args.widths) {
    const arch: SirenArch = { inputs: 2, outputs: 3, width, depth: args.depth, omega: 30 };
    const params = parameterCount(arch);
    const flops = (n: number): number => 6 * params * n;
    if (args.ref && !refRate.has(width)) {
      const engine = await createRefEngine(syntheticSetup(arch, REF_POINTS));
      const { msPerStep } = await stepRate(engine, 1.5, 3);
      refRate.set(width, flops(REF_POINTS) / msPerStep / 1e6);
      await engine.dispose();
    }
    if ('tf' in tf && !tfRate.has(width)) {
      const ms = await tfjsStep(tf.tf, syntheticSetup(arch, TF_POINTS), 3);
      tfRate.set(width, flops(TF_POINTS) / ms / 1e6);
    }
    for (const n of args.points) {
      const engine = (await wasmEngineFactory({ threads: args.threads })(syntheticSetup(arch, n))) as WasmEngine;
      const threads = engine.threads;
      let result;
      try {
        result = await stepRate(engine, args.quick ? 2 : 4);
      } finally {
        await engine.dispose();
      }
      const gflops = flops(n) / result.msPerStep / 1e6;
      const ref = refRate.get(width);
      const tfr = tfRate.get(width);
      const row = {
        width, depth: args.depth, points: n, params, variant: engine.variant, threads,
        msPerStep: Math.round(result.msPerStep * 10) / 10, gflops: Math.round(gflops * 10) / 10,
        refGflops: ref === undefined ? 'n/a' : Math.round(ref * 100) / 100, vsRef: ref === undefined ? 'n/a' : Math.round((gflops / ref) * 10) / 10,
        tfjsGflops: tfr === undefined ? 'n/a' : Math.round(tfr * 100) / 100, vsTfjs: tfr === undefined ? 'n/a' : Math.round((gflops / tfr) * 10) / 10,
        wasmMiB: Math.round(engine.memoryBytes / 2 ** 20), peakRssMiB: Math.round(peakRssMiB()),
      };
      rows.push(row);
      log(`${String(width).padStart(5)} ${String(args.depth).padStart(5)} ${String(n).padStart(8)} ${String(params).padStart(7)}  ${row.variant.padEnd(7)} ${row.msPerStep.toFixed(1).padStart(8)} ${row.gflops.toFixed(1).padStart(8)} | ${String(row.refGflops).padStart(11)} ${String(row.vsRef).padStart(5)} | ${String(row.tfjsGflops).padStart(12)} ${String(row.vsTfjs).padStart(6)} | ${String(row.wasmMiB).padStart(8)} ${String(row.peakRssMiB).padStart(13)}`);
    }
  }
  log(`(ref measured at N = ${REF_POINTS}, tfjs at N = ${TF_POINTS}; peak RSS is the process maximum so far)`);

  // Start to finish: encode a 128×128 crop with each engine, same steps.
  let crop: Record<string, number | string> | undefined;
  if (args.cropSteps > 0) {
    const image = await readImage(args.image, { left: 256, top: 192, size: 128 });
    const time = async (engine: EngineFactory): Promise<{ seconds: number; psnr: number; engine: string }> => {
      const started = performance.now();
      const result = await encodeImage(image, { bpp: 1, steps: args.cropSteps, engine });
      return { seconds: (performance.now() - started) / 1000, psnr: result.psnr, engine: result.engine };
    };
    const wasm = await time(wasmEngineFactory({ threads: args.threads }));
    const ref = args.ref ? await time(createRefEngine) : undefined;
    crop = {
      image: `${args.image} 128×128 at (256,192)`, steps: args.cropSteps,
      wasmSeconds: Math.round(wasm.seconds * 100) / 100, wasmPsnr: Math.round(wasm.psnr * 100) / 100,
      refSeconds: ref ? Math.round(ref.seconds * 100) / 100 : 'n/a', refPsnr: ref ? Math.round(ref.psnr * 100) / 100 : 'n/a',
      speedup: ref ? Math.round((ref.seconds / wasm.seconds) * 10) / 10 : 'n/a',
    };
    log('');
    log(`encode 128×128 crop, 1 bpp, ${args.cropSteps} steps, start to finish: wasm ${crop['wasmSeconds']} s (${crop['wasmPsnr']} dB), ref ${crop['refSeconds']} s (${crop['refPsnr']} dB): ${crop['speedup']}×`);
  }

  let ttq: Awaited<ReturnType<typeof timeToQuality>> | undefined;
  if (args.ttq.length > 0) {
    const image = await readImage(args.image);
    log('');
    log(`time to quality: ${args.image} ${image.width}×${image.height}, 1 bpp, wasm engine, PSNR of the 8-bit quantized best-so-far`);
    ttq = await timeToQuality(image, args.ttq, wasmEngineFactory({ threads: args.threads }));
    log(`  arch: width ${ttq.arch.width}, depth ${ttq.arch.depth}, ${parameterCount(ttq.arch)} params`);
    for (const p of ttq.points) log(`  ${String(p.seconds).padStart(4)} s: ${String(p.steps).padStart(5)} steps, PSNR ${p.psnr.toFixed(2)} dB (training ${p.trainingPsnr.toFixed(2)} dB)`);
  }
  log(`peak RSS: ${Math.round(peakRssMiB())} MiB; load average at the end: ${Math.round(loadavg()[0]! * 100) / 100}`);
  if (args.json) console.log(JSON.stringify({ machine, tfjs: tfInfo, rows, crop, timeToQuality: ttq, peakRssMiB: Math.round(peakRssMiB()) }, null, 2));
}

await main();
