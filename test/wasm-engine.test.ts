import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Engine, EngineSetup } from '../src/encoder/network/engine.js';
import { createRefEngine, type RefEngine } from '../src/encoder/network/ref-engine.js';
import { wasmEngineFactory, type WasmEngine } from '../src/encoder/network/wasm-engine.js';
import { resolveThreads } from '../src/node/wasm-threads.js';
import { enableRelaxedSimd } from '../src/node/relaxed-simd.js';
import type { SirenArch } from '../src/kernels/arch.js';
import { forwardScalar } from '../src/kernels/forward.js';
import { detectFeatures } from '../src/kernels/wasm/load.js';
import type { KernelVariant } from '../src/kernels/wasm/table.js';
import { largestRelativeError, lcg, sirenParams } from './helpers/random-net.js';
import { syntheticImage } from './helpers/synthetic.js';
import { encodeImage } from '../src/encoder/image/encode-image.js';
import { encodeCoordinates, encodedInputs, inputAxes } from '../src/kernels/input-encoding.js';
import { runNetworkJob } from '../src/encoder/network/network-job.js';
import { PROGRESS_INTERVAL_MS, serveLaneRequest, type LaneReply } from '../src/encoder/network/network-lanes.js';

enableRelaxedSimd();
const features = detectFeatures();
const variants: KernelVariant[] = ['scalar'];
if (features.simd) variants.push('simd');
if (features.relaxedSimd) variants.push('relaxed');

/** A small random fit: SIREN-like initial weights, smooth-ish targets. */
function makeSetup(arch: SirenArch, count: number, seed: number): EngineSetup {
  const random = lcg(seed);
  const params = sirenParams(arch, random);
  const coords = new Float32Array(count * arch.inputs).map(() => random() * 2 - 1);
  const targets = new Float32Array(count * arch.outputs);
  for (let p = 0; p < count; p++) {
    for (let o = 0; o < arch.outputs; o++) targets[p * arch.outputs + o] = Math.sin(3 * coords[p * arch.inputs]! + o) * 0.5 + 0.1 * random();
  }
  return { arch, params, coords, targets };
}

async function lossCurve(engine: Engine, steps: number, lr: number): Promise<number[]> {
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    losses.push(await engine.forward());
    await engine.backward();
    await engine.update(lr);
  }
  return losses;
}

const ARCHS: { name: string; arch: SirenArch; count: number }[] = [
  { name: 'image 2→3, width 16, depth 2', arch: { inputs: 2, outputs: 3, width: 16, depth: 2, omega: 30 }, count: 300 },
  { name: 'audio 1→1, width 20, depth 3', arch: { inputs: 1, outputs: 1, width: 20, depth: 3, omega: 30 }, count: 250 },
  // Encoded inputs (Fourier features) pad to a multiple of 4 columns, not to 4.
  { name: 'encoded 26→3, width 12, depth 2', arch: { inputs: 26, outputs: 3, width: 12, depth: 2, omega: 30 }, count: 200 },
];

describe('wasm engine: parity with the reference engine', () => {
  for (const { name, arch, count } of ARCHS) {
    test(`${name}: 20-step loss curves within 1e-3 relative, first gradient within 1e-4`, async () => {
      const setup = makeSetup(arch, count, 7);
      const ref = (await createRefEngine(setup)) as RefEngine;
      await ref.forward();
      await ref.backward();
      const refGrad = ref.gradient();
      await ref.dispose();
      const refLosses = await lossCurve(await createRefEngine(setup), 20, 1e-3);
      assert.ok(refLosses[19]! < refLosses[0]! * 0.9, 'the fit makes progress');
      for (const variant of variants) {
        const engine = (await wasmEngineFactory({ kernels: variant, threads: 1 })(setup)) as WasmEngine;
        try {
          await engine.forward();
          const err = largestRelativeError(engine.gradient(), refGrad);
          assert.ok(err < 1e-4, `${variant}: gradient rel error ${err}`);
          await engine.setParams(setup.params);
          const losses = await lossCurve(engine, 20, 1e-3);
          losses.forEach((loss, step) => {
            const rel = Math.abs(loss - refLosses[step]!) / refLosses[step]!;
            assert.ok(rel < 1e-3, `${variant} step ${step}: loss ${loss} vs ${refLosses[step]} (rel ${rel})`);
          });
        } finally {
          await engine.dispose();
        }
      }
    });
  }
});

describe('weight decay (decoupled, AdamW)', () => {
  test('the wasm engines follow the reference with decay, and the decay shrinks the weights', async () => {
    const { arch, count } = ARCHS[0]!;
    const plain = makeSetup(arch, count, 11);
    const decayed: EngineSetup = { ...plain, adam: { weightDecay: 200 } };
    const norm = (p: Float32Array): number => Math.hypot(...p);
    const run = async (engine: Engine): Promise<{ losses: number[]; norm: number }> => {
      const losses = await lossCurve(engine, 20, 1e-3);
      const result = { losses, norm: norm(await engine.getParams()) };
      await engine.dispose();
      return result;
    };
    const [refPlain, refDecayed] = [await run(await createRefEngine(plain)), await run(await createRefEngine(decayed))];
    // 20 steps shrink by (1 − 0.2)^20 ≈ 0.012 where the gradient does not hold a weight up.
    assert.ok(refDecayed.norm < 0.5 * refPlain.norm, `norm ${refDecayed.norm} with decay, ${refPlain.norm} without`);
    for (const variant of variants) {
      const wasm = await run(await wasmEngineFactory({ kernels: variant, threads: 1 })(decayed));
      assert.ok(Math.abs(wasm.norm - refDecayed.norm) <= 1e-4 * refDecayed.norm, `${variant}: norm ${wasm.norm} vs ${refDecayed.norm}`);
      wasm.losses.forEach((loss, step) => {
        const rel = Math.abs(loss - refDecayed.losses[step]!) / refDecayed.losses[step]!;
        assert.ok(rel < 1e-3, `${variant} step ${step}: loss ${loss} vs ${refDecayed.losses[step]} (rel ${rel})`);
      });
    }
  });
});

describe('wasm engine: determinism', () => {
  test('same bytes after 4 steps with 1, 2 and 3 threads', async () => {
    const setup = makeSetup({ inputs: 2, outputs: 3, width: 24, depth: 3, omega: 30 }, 1000, 3);
    const results: Float32Array[] = [];
    const losses: number[][] = [];
    for (const threads of [1, 2, 3]) {
      // Small tiles and chunks: 1000 points make 16 chunks to share out.
      const engine = await wasmEngineFactory({ threads, tileRows: 16, chunkRows: 64 })(setup);
      try {
        assert.equal((engine as WasmEngine).threads, threads);
        losses.push(await lossCurve(engine, 4, 1e-3));
        results.push(await engine.getParams());
      } finally {
        await engine.dispose();
      }
    }
    for (let t = 1; t < results.length; t++) {
      assert.deepEqual(losses[t], losses[0]);
      assert.deepEqual(new Uint8Array(results[t]!.buffer), new Uint8Array(results[0]!.buffer));
    }
  });
});

describe('wasm engine: factored first layer on a grid', () => {
  /** A 20×15 grid's Fourier-encoded points (4 levels), shuffled, with smooth targets: a tile of a photo in small. */
  function gridSetup(width: number, batchRows?: number): EngineSetup {
    const [columns, rows, levels] = [20, 15, 4];
    const random = lcg(9);
    const order = Array.from({ length: columns * rows }, (_, i) => i).sort(() => random() - 0.5);
    const raw = new Float32Array(order.length * 2);
    order.forEach((p, i) => {
      raw[2 * i] = (((p % columns) + 0.5) / columns) * 2 - 1;
      raw[2 * i + 1] = ((Math.floor(p / columns) + 0.5) / rows) * 2 - 1;
    });
    const coords = encodeCoordinates(raw, 2, levels);
    const arch: SirenArch = { inputs: encodedInputs(2, levels), outputs: 3, width, depth: 3, omega: 30 };
    const targets = Float32Array.from({ length: order.length * 3 }, (_, i) => 0.5 * Math.sin(4 * raw[2 * Math.floor(i / 3)]! + i % 3) * Math.cos(3 * raw[2 * Math.floor(i / 3) + 1]!));
    return { arch, params: sirenParams(arch, lcg(4)), coords, targets, inputAxes: inputAxes(2, levels), ...(batchRows === undefined ? {} : { batchRows }) };
  }

  test('the same gradient and loss curve as the plain first layer, on every kernel variant', async () => {
    const setup = gridSetup(12);
    const { inputAxes: _, ...plainSetup } = setup;
    for (const variant of variants) {
      const plain = (await wasmEngineFactory({ kernels: variant, threads: 1 })(plainSetup)) as WasmEngine;
      const factored = (await wasmEngineFactory({ kernels: variant, threads: 1 })(setup)) as WasmEngine;
      try {
        assert.equal(plain.factored, false);
        assert.equal(factored.factored, true, `${variant}: a grid's encoded inputs factor`);
        const loss = [await plain.forward(), await factored.forward()];
        assert.ok(Math.abs(loss[1]! - loss[0]!) <= 1e-6 * loss[0]!, `${variant}: loss ${loss[1]} vs ${loss[0]}`);
        const err = largestRelativeError(factored.gradient(), plain.gradient());
        assert.ok(err < 1e-4, `${variant}: gradient rel error ${err}`);
        await plain.update(1e-3);
        await factored.update(1e-3);
        const [a, b] = [await lossCurve(plain, 20, 1e-3), await lossCurve(factored, 20, 1e-3)];
        assert.ok(a[19]! < a[0]! * 0.9, 'the fit makes progress');
        b.forEach((value, step) => assert.ok(Math.abs(value - a[step]!) <= 1e-3 * a[step]!, `${variant} step ${step}: ${value} vs ${a[step]}`));
      } finally {
        await plain.dispose();
        await factored.dispose();
      }
    }
  });

  test('same bytes with 1, 2 and 3 threads, on mini-batches', async () => {
    const setup = gridSetup(16, 128);
    const results: Uint8Array[] = [];
    for (const threads of [1, 2, 3]) {
      const engine = (await wasmEngineFactory({ threads, tileRows: 16 })(setup)) as WasmEngine;
      try {
        assert.equal(engine.factored, true);
        for (let step = 0; step < 6; step++) {
          await engine.forward(step % engine.batches);
          await engine.update(1e-3);
        }
        results.push(new Uint8Array((await engine.getParams()).buffer));
      } finally {
        await engine.dispose();
      }
    }
    assert.deepEqual(results[1], results[0]);
    assert.deepEqual(results[2], results[0]);
  });
});

describe('wasm engine: API', () => {
  test('predict matches forwardScalar; getParams/setParams round-trip; dispose stops it', async () => {
    const setup = makeSetup({ inputs: 2, outputs: 4, width: 10, depth: 2, omega: 30 }, 100, 5);
    const engine = await wasmEngineFactory({ threads: 2 })(setup);
    assert.equal(engine.name, 'wasm');
    assert.deepEqual(await engine.getParams(), setup.params);
    await lossCurve(engine, 2, 1e-3);
    const params = await engine.getParams();
    const coords = new Float32Array(2 * 37).map((_, i) => Math.sin(i));
    const got = await engine.predict(coords);
    const want = new Float32Array(37 * 4);
    forwardScalar(setup.arch, params, coords, 37, want);
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) < 1e-4, `predict[${i}]`);
    await engine.setParams(setup.params);
    assert.deepEqual(await engine.getParams(), setup.params);
    await engine.dispose();
    await assert.rejects(engine.forward(), /after dispose/);
  });

  test('thread count: option, then SNFC_THREADS, validated', () => {
    const saved = process.env['SNFC_THREADS'];
    try {
      assert.equal(resolveThreads(3), 3);
      process.env['SNFC_THREADS'] = '2';
      assert.equal(resolveThreads(), 2);
      process.env['SNFC_THREADS'] = 'two';
      assert.throws(() => resolveThreads(), /Expected an integer 1 to 256 for SNFC_THREADS but received two of type string/);
      assert.throws(() => resolveThreads(0), /Expected an integer 1 to 256 for threads but received 0 of type number/);
    } finally {
      if (saved === undefined) delete process.env['SNFC_THREADS'];
      else process.env['SNFC_THREADS'] = saved;
    }
  });

  test('kernel variant: option, then SNFC_KERNELS, validated', async () => {
    const setup = makeSetup({ inputs: 2, outputs: 3, width: 8, depth: 1, omega: 30 }, 10, 1);
    const saved = process.env['SNFC_KERNELS'];
    try {
      process.env['SNFC_KERNELS'] = 'scalar';
      const engine = (await wasmEngineFactory({ threads: 1 })(setup)) as WasmEngine;
      assert.equal(engine.variant, 'scalar');
      await engine.dispose();
      const forced = (await wasmEngineFactory({ threads: 1, kernels: 'simd' })(setup)) as WasmEngine;
      assert.equal(forced.variant, 'simd');
      await forced.dispose();
      process.env['SNFC_KERNELS'] = 'avx';
      await assert.rejects(wasmEngineFactory({ threads: 1 })(setup), /Expected one of auto, scalar, simd, relaxed for kernels but received avx of type string/);
    } finally {
      if (saved === undefined) delete process.env['SNFC_KERNELS'];
      else process.env['SNFC_KERNELS'] = saved;
    }
  });

  test('rejects mismatched data', async () => {
    const setup = makeSetup({ inputs: 2, outputs: 3, width: 8, depth: 1, omega: 30 }, 10, 1);
    await assert.rejects(wasmEngineFactory({ threads: 1 })({ ...setup, targets: setup.targets.subarray(1) }), /Expected 30 targets for 10 points but received 29/);
  });
});

describe('mini-batches', () => {
  const arch: SirenArch = { inputs: 2, outputs: 3, width: 16, depth: 2, omega: 30 };
  /** The loss and gradient of an engine on only `first` … `end − 1` of setup's points (no batches). */
  async function onPoints(setup: EngineSetup, first: number, end: number): Promise<{ loss: number; grad: Float64Array }> {
    const part = { ...setup, coords: setup.coords.slice(first * arch.inputs, end * arch.inputs), targets: setup.targets.slice(first * arch.outputs, end * arch.outputs) };
    const engine = (await createRefEngine(part)) as RefEngine;
    const loss = await engine.forward();
    await engine.backward();
    return { loss, grad: engine.gradient() };
  }

  test('ref engine: batch b is exactly a fit on its points alone; no batch is all points', async () => {
    // 300 points in batches of 128: 128, 128 and a short last batch of 44.
    const setup = { ...makeSetup(arch, 300, 11), batchRows: 128 };
    const engine = (await createRefEngine(setup)) as RefEngine;
    assert.equal(engine.batches, 3);
    for (const [batch, first, end] of [[0, 0, 128], [2, 256, 300]] as const) {
      const loss = await engine.forward(batch);
      await engine.backward();
      const alone = await onPoints(setup, first, end);
      assert.equal(loss, alone.loss);
      assert.deepEqual(engine.gradient(), alone.grad);
    }
    assert.equal(await engine.forward(), (await onPoints(setup, 0, 300)).loss);
    await assert.rejects(engine.forward(3), /Expected a batch from 0 to 2 but received 3/);
  });

  test('wasm engine: batch losses and gradients match the reference; same bytes with 1 and 2 threads', async () => {
    // 700 points in batches of 256 (4 chunks of 64): 256, 256, 188.
    const setup = { ...makeSetup(arch, 700, 12), batchRows: 256 };
    const ref = (await createRefEngine(setup)) as RefEngine;
    const params: Float32Array[] = [];
    for (const threads of [1, 2]) {
      const engine = (await wasmEngineFactory({ threads, tileRows: 16 })(setup)) as WasmEngine;
      try {
        assert.equal(engine.batches, 3);
        for (const batch of [0, 2]) {
          const loss = await engine.forward(batch);
          const want = await ref.forward(batch);
          await ref.backward();
          assert.ok(Math.abs(loss - want) / want < 1e-5, `batch ${batch}: loss ${loss} vs ${want}`);
          const grad = engine.gradient();
          const refGrad = ref.gradient();
          const mag = Math.max(...Array.from(refGrad, Math.abs));
          grad.forEach((g, i) => assert.ok(Math.abs(g - refGrad[i]!) / mag < 1e-4, `batch ${batch} gradient[${i}]`));
        }
        for (let step = 0; step < 6; step++) {
          await engine.forward(step % 3);
          await engine.update(1e-3);
        }
        params.push(await engine.getParams());
      } finally {
        await engine.dispose();
      }
    }
    assert.deepEqual(new Uint8Array(params[1]!.buffer), new Uint8Array(params[0]!.buffer));
  });

  test('wasm engine: a batch size that does not split into its tiles is refused', async () => {
    const setup = { ...makeSetup(arch, 700, 12), batchRows: 100 };
    await assert.rejects(wasmEngineFactory({ threads: 1, tileRows: 16 })(setup), /multiple of tileRows/);
  });
});

describe('network lanes (several networks at once, one per thread)', () => {
  const image = syntheticImage(96, 64);
  // With fine-tuning steps, so that both kinds of job run on the lanes.
  const options = { tiles: { columns: 2, rows: 2 }, bpp: 2, steps: 30, qatSteps: 5 } as const;

  test('an encode gives the same bytes and the same progress on lanes as one network at a time', async () => {
    const runs = [];
    for (const networkLanes of [true, false]) {
      let calls = 0;
      const result = await encodeImage(image, { ...options, engine: wasmEngineFactory({ threads: 2, networkLanes }), onStep: () => { calls += 1; } });
      runs.push({ bytes: result.bytes, calls });
    }
    assert.equal(runs[0]!.calls, 4 * (options.steps + options.qatSteps));
    assert.equal(runs[0]!.calls, runs[1]!.calls);
    assert.deepEqual(runs[0]!.bytes, runs[1]!.bytes);
  });

  test('lanes are offered only for more than one network and more than one thread', async () => {
    assert.equal(wasmEngineFactory({ threads: 2 }).openLanes?.(1), undefined);
    assert.equal(wasmEngineFactory({ threads: 1 }).openLanes?.(4), undefined);
    assert.equal(wasmEngineFactory({ threads: 2, networkLanes: false }).openLanes, undefined);
    const lanes = wasmEngineFactory({ threads: 3 }).openLanes?.(2);
    assert.equal(lanes?.count, 2);
    await lanes?.close();
  });

  test('a failing job rejects with its message, and the lane takes the next job', async () => {
    const lanes = wasmEngineFactory({ threads: 2 }).openLanes?.(2);
    assert.ok(lanes);
    try {
      const setup = makeSetup({ inputs: 2, outputs: 3, width: 8, depth: 2, omega: 30 }, 40, 3);
      const job = { kind: 'fit', setup, steps: 3, lr: 1e-3, warmupFraction: 0, sensitivitySeed: 1 } as const;
      await assert.rejects(lanes.run({ ...job, setup: { ...setup, targets: setup.targets.subarray(1) } }), /network lane failed: Expected 120 targets for 40 points but received 119/);
      const [here, there] = await Promise.all([runNetworkJob(wasmEngineFactory({ threads: 1, networkLanes: false }), job), lanes.run(job)]);
      assert.ok(there.kind === 'fit' && here.kind === 'fit');
      assert.deepEqual(there.params, here.params);
    } finally {
      await lanes.close();
    }
  });

  test('a lane reports every pass\'s loss, batched into a message at most every PROGRESS_INTERVAL_MS', async () => {
    const setup = makeSetup({ inputs: 2, outputs: 3, width: 8, depth: 2, omega: 30 }, 40, 3);
    const job = { kind: 'fit', setup, steps: 300, lr: 1e-3, warmupFraction: 0, sensitivitySeed: 1 } as const;
    const replies: LaneReply[] = [];
    const started = performance.now();
    await serveLaneRequest({ job, engine: { variant: 'simd' }, threads: 1 }, () => wasmEngineFactory({ threads: 1, networkLanes: false }), (reply) => replies.push(reply));
    const elapsed = performance.now() - started;
    const steps = replies.flatMap((reply) => (reply.type === 'step' ? [reply.losses] : []));
    assert.equal(steps.flat().length, job.steps, 'one loss a pass');
    assert.ok(steps.flat().every(Number.isFinite));
    assert.ok(steps.length <= Math.floor(elapsed / PROGRESS_INTERVAL_MS) + 1, `${steps.length} progress messages in ${elapsed.toFixed(0)} ms`);
    assert.equal(replies.at(-1)?.type, 'done', 'the result comes last');
  });

  test('a timed encode on lanes stops in time and still hits its rate', async () => {
    const started = performance.now();
    const result = await encodeImage(image, { tiles: options.tiles, bpp: 2, timeLimitSeconds: 2, engine: wasmEngineFactory({ threads: 2 }) });
    assert.ok((performance.now() - started) / 1000 < 6, 'the time limit bounds the encode');
    assert.equal(result.rateHit, true);
  });
});
