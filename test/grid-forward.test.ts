import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enableRelaxedSimd } from '../src/node/relaxed-simd.js';
import type { SirenArch } from '../src/kernels/arch.js';
import { forwardScalar } from '../src/kernels/forward.js';
import { initKernels, selectGrid } from '../src/kernels/forward-select.js';
import { gridForwardFast } from '../src/kernels/grid-forward.js';
import { encodedInputs } from '../src/kernels/input-encoding.js';
import { evaluateGrid, regionAxes, renderImage, type GridScratch, type ImageNetwork } from '../src/kernels/render.js';
import { detectFeatures } from '../src/kernels/wasm/load.js';
import type { KernelVariant } from '../src/kernels/wasm/table.js';
import { randomSirenParams } from './helpers/random-net.js';

enableRelaxedSimd();
const features = detectFeatures();
const variants: KernelVariant[] = ['scalar'];
if (features.simd) variants.push('simd');
if (features.relaxedSimd) variants.push('relaxed');

const ARCHS: SirenArch[] = [
  { inputs: encodedInputs(2, 6), outputs: 3, width: 24, depth: 3, omega: 30, fourier: 6 },
  { inputs: 2, outputs: 1, width: 13, depth: 1, omega: 30 },
  { inputs: encodedInputs(2, 2), outputs: 4, width: 40, depth: 2, omega: 10, fourier: 2 },
  // Padded to 12 units: the kernels' last four columns after a block of 8 (WIDTH_PAD 4).
  { inputs: encodedInputs(2, 6), outputs: 3, width: 10, depth: 2, omega: 30, fourier: 6 },
];

/** The largest difference between the first `outputs` of each `stride` floats of `got` and `want` (compact). */
function strideError(got: Float32Array, stride: number, want: Float32Array, outputs: number): number {
  let err = 0;
  for (let p = 0; p < want.length / outputs; p++) {
    for (let o = 0; o < outputs; o++) err = Math.max(err, Math.abs(got[p * stride + o]! - want[p * outputs + o]!));
  }
  return err;
}

for (const variant of variants) {
  test(`gridForwardFast (${variant}) matches the plain forward pass on encoded grids: Fourier 0–6, depth 1–3, rows longer than a tile`, async () => {
    for (const arch of ARCHS) {
      const params = randomSirenParams(arch, arch.width + 3);
      // 300 columns: more than one 256-point tile per row; 7 rows of a taller region.
      const axes = regionAxes(300, 70, [0, 20, 300, 27], 300, 70);
      const want = await evaluateGrid(arch, params, axes, new Float32Array(axes.columns * axes.rows * arch.outputs), forwardScalar);
      const got = gridForwardFast(arch, params, axes, undefined, variant);
      assert.ok(got.stride >= arch.outputs);
      assert.equal(got.values.length, axes.columns * axes.rows * got.stride);
      const err = strideError(got.values, got.stride, want, arch.outputs);
      assert.ok(err < 1e-4, `width ${arch.width}, Fourier ${arch.fourier ?? 0}: max abs error ${err}`);
    }
  });
}

test('gridForwardFast reuses its scratch: the values are a view of it, and right after a larger call', async () => {
  const arch = ARCHS[0]!;
  const params = randomSirenParams(arch, 5);
  const scratch: GridScratch = { inputs: new Float32Array(0), values: new Float32Array(0) };
  const large = regionAxes(64, 64, [0, 0, 64, 64], 64, 64);
  const small = regionAxes(64, 64, [8, 8, 24, 20], 64, 64);
  gridForwardFast(arch, params, large, scratch);
  const buffer = scratch.values.buffer;
  const reused = gridForwardFast(arch, params, small, scratch);
  assert.equal(reused.values.buffer, buffer);
  const fresh = gridForwardFast(arch, params, small);
  assert.deepEqual(reused.values, fresh.values);
  assert.throws(() => gridForwardFast(arch, params.subarray(1), small), /parameters for this architecture/);
  assert.throws(() => gridForwardFast({ ...arch, inputs: 5 }, params, small), /Expected inputs = 2 × 13/);
});

test('renderImage on the grid path: samples within ±1 of the plain path (spec §4.5), blended and not, 8 and 16 bits, a network larger than one band', async () => {
  await initKernels();
  const grid = selectGrid();
  assert.ok(grid, 'the WASM grid evaluator is loaded');
  const arch = ARCHS[0]!;
  // 2 × 1 networks over 400 × 200: each covers over 65,536 points (one band), blended over 6 pixels.
  const cells: [number, number, number, number][] = [[0, 0, 200, 200], [200, 0, 400, 200]];
  const networks: ImageNetwork[] = cells.map((region, n) => ({
    region, frame: [Math.max(0, region[0] - 6), 0, Math.min(400, region[2] + 6), 200], arch, params: randomSirenParams(arch, 40 + n),
  }));
  for (const overlap of [undefined, [6, 0]]) {
    for (const [width, height] of [[400, 200], [700, 350]] as const) {
      const options = { ...(overlap ? { overlap } : {}), sampleBits: 16 as const };
      const plain = await renderImage(400, 200, 3, networks, width, height, forwardScalar, options);
      const fast = await renderImage(400, 200, 3, networks, width, height, forwardScalar, { ...options, grid });
      let differ = 0;
      for (let i = 0; i < plain.data.length; i++) {
        const d = Math.abs(plain.data[i]! - fast.data[i]!);
        assert.ok(d <= 1, `sample ${i}: ${plain.data[i]} against ${fast.data[i]}`);
        differ += d;
        assert.ok(Math.abs(plain.data16![i]! - fast.data16![i]!) <= 8, `16-bit sample ${i}`);
      }
      assert.ok(differ < plain.data.length / 1000, `${differ} of ${plain.data.length} samples differ`);
    }
  }
});

test('gridForwardFast keeps its kernels\' memory between calls: the same values before and after a call that grows it, on every variant', () => {
  const small = ARCHS[1]!;
  const large = ARCHS[2]!;
  const smallParams = randomSirenParams(small, 8);
  const largeParams = randomSirenParams(large, 9);
  for (const variant of variants) {
    const axes = regionAxes(40, 30, [0, 0, 40, 30], 40, 30);
    const before = gridForwardFast(small, smallParams, axes, undefined, variant).values;
    // 3000 columns: the column parts alone need more than the memory the small calls left.
    gridForwardFast(large, largeParams, regionAxes(3000, 2, [0, 0, 3000, 2], 3000, 2), undefined, variant);
    assert.deepEqual(gridForwardFast(small, smallParams, axes, undefined, variant).values, before, variant);
  }
});
