import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createThreadedForward } from '../src/node/wasm-threads.js';
import { enableRelaxedSimd } from '../src/node/relaxed-simd.js';
import type { SirenArch } from '../src/kernels/arch.js';
import { createForward, forwardFast } from '../src/kernels/forward-fast.js';
import { forwardScalar } from '../src/kernels/forward.js';
import { detectFeatures } from '../src/kernels/wasm/load.js';
import type { KernelVariant } from '../src/kernels/wasm/table.js';
import { randomSirenParams } from './helpers/random-net.js';

enableRelaxedSimd();
const features = detectFeatures();
const variants: KernelVariant[] = ['scalar'];
if (features.simd) variants.push('simd');
if (features.relaxedSimd) variants.push('relaxed');

for (const variant of variants) {
  test(`createForward (${variant}) matches forwardScalar: inputs 1–10, outputs 1–4, ragged counts`, () => {
    const cases: SirenArch[] = [
      { inputs: 2, outputs: 3, width: 32, depth: 3, omega: 30 },
      { inputs: 1, outputs: 1, width: 13, depth: 2, omega: 30 },
      { inputs: 2, outputs: 4, width: 8, depth: 1, omega: 10 },
      { inputs: 2, outputs: 2, width: 40, depth: 4, omega: 30 },
      { inputs: 10, outputs: 3, width: 16, depth: 2, omega: 30 },
    ];
    for (const arch of cases) {
      const params = randomSirenParams(arch, arch.width);
      const count = 301; // more than one tile of 64, not a multiple of 4
      const coords = new Float32Array(count * arch.inputs).map((_, i) => Math.cos(i * 0.37));
      const want = new Float32Array(count * arch.outputs);
      forwardScalar(arch, params, coords, count, want);
      const evaluate = createForward(arch, params, { kernels: variant, tileRows: 64 });
      assert.equal(evaluate.variant, variant);
      const got = new Float32Array(count * arch.outputs);
      evaluate(coords, count, got);
      let err = 0;
      for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i]! - want[i]!));
      assert.ok(err < 1e-4, `width ${arch.width}: max abs error ${err}`);
    }
  });
}

test('forwardFast has forwardScalar’s signature; createForward validates', () => {
  const arch: SirenArch = { inputs: 2, outputs: 3, width: 16, depth: 2, omega: 30 };
  const params = randomSirenParams(arch, 9);
  const coords = Float32Array.of(0.1, -0.2, 0.5, 0.5);
  const a = new Float32Array(6);
  const b = new Float32Array(6);
  forwardFast(arch, params, coords, 2, a);
  forwardScalar(arch, params, coords, 2, b);
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-4);
  assert.throws(() => createForward(arch, params.subarray(1)), /Expected 371 parameters for this architecture but received 370/);
  assert.throws(() => createForward({ ...arch, outputs: 9 }, params), /Expected an integer 1 to 8 for outputs but received 9/);
  assert.throws(() => createForward(arch, params, { tileRows: 6 }), /Expected a multiple of 4 for tileRows but received 6/);
});

test('createThreadedForward gives createForward’s bytes, on workers and inline', async () => {
  const arch: SirenArch = { inputs: 2, outputs: 3, width: 24, depth: 2, omega: 30 };
  const params = randomSirenParams(arch, 4);
  for (const count of [5000, 100]) {
    const coords = new Float32Array(count * 2).map((_, i) => Math.sin(i * 0.01));
    const want = new Float32Array(count * 3);
    createForward(arch, params)(coords, count, want);
    const threaded = await createThreadedForward(arch, params, { threads: 2 });
    try {
      const got = new Float32Array(count * 3);
      await threaded.evaluate(coords, count, got);
      assert.deepEqual(new Uint8Array(got.buffer), new Uint8Array(want.buffer));
    } finally {
      await threaded.dispose();
    }
    await assert.rejects(threaded.evaluate(coords, count, want), /after dispose/);
  }
});

test('createThreadedForward.setParams swaps networks on the same workers (a photo’s tiles), before and after its memory exists', async () => {
  const arch: SirenArch = { inputs: 2, outputs: 3, width: 24, depth: 2, omega: 30 };
  const nets = [randomSirenParams(arch, 5), randomSirenParams(arch, 6), randomSirenParams(arch, 7)];
  const count = 5000;
  const coords = new Float32Array(count * 2).map((_, i) => Math.cos(i * 0.013));
  const threaded = await createThreadedForward(arch, nets[0]!, { threads: 2 });
  try {
    threaded.setParams(nets[1]!); // before the first evaluate: no shared memory yet
    for (const params of [nets[1]!, nets[2]!, nets[0]!]) {
      if (params !== nets[1]) threaded.setParams(params);
      const want = new Float32Array(count * 3);
      createForward(arch, params)(coords, count, want);
      for (const n of [count, 100]) { // on the workers, and inline for a small job
        const got = new Float32Array(n * 3);
        await threaded.evaluate(coords, n, got);
        assert.deepEqual(new Uint8Array(got.buffer), new Uint8Array(want.buffer, 0, n * 12));
      }
    }
    assert.throws(() => threaded.setParams(new Float32Array(3)), /Expected \d+ parameters/);
  } finally {
    await threaded.dispose();
  }
});
