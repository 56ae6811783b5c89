import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensorSlices, type SirenArch } from '../src/kernels/arch.js';
import { encodeImage, EncodeOptionsError } from '../src/encoder/image/encode-image.js';
import { SnfFormatError, writeSnf } from '../src/format/index.js';
import { syntheticImage } from './helpers/synthetic.js';
import { forwardScalar } from '../src/kernels/forward.js';
import { encodeCoordinates, encodeGrid, encodedInputs } from '../src/kernels/input-encoding.js';
import { denormalizeSample, evaluateField, regionGrid, renderImage } from '../src/kernels/render.js';
import { randomSirenParams } from './helpers/random-net.js';

test('Fourier encoding: x, then sin and cos of 2^k·π·x per level and axis (spec §4.1)', () => {
  const coords = Float32Array.of(0.25, -0.5, 1, 0);
  const out = encodeCoordinates(coords, 2, 2);
  assert.equal(encodedInputs(2, 2), 10);
  assert.equal(out.length, 20);
  const expected = (x: number, y: number): number[] => [
    x, y,
    Math.sin(Math.PI * x), Math.cos(Math.PI * x), Math.sin(Math.PI * y), Math.cos(Math.PI * y),
    Math.sin(2 * Math.PI * x), Math.cos(2 * Math.PI * x), Math.sin(2 * Math.PI * y), Math.cos(2 * Math.PI * y),
  ].map(Math.fround);
  assert.deepEqual([...out.subarray(0, 10)], expected(0.25, -0.5));
  assert.deepEqual([...out.subarray(10)], expected(1, 0));
  assert.equal(encodeCoordinates(coords, 2, 0), coords, 'no levels: the coordinates themselves');
});

test('Fourier encoding: repeated values (a grid) and more distinct values than are cached give the same rows', () => {
  const count = 70_000;
  const coords = Float32Array.from({ length: count }, (_, i) => (i % 3 === 0 ? 0.5 : Math.fround(-1 + (2 * i) / count)));
  const out = encodeCoordinates(coords, 1, 3);
  for (const p of [0, 1, 3, 69_998, 69_999]) {
    const x = coords[p]!;
    const expected = [x, ...[1, 2, 4].flatMap((f) => [Math.sin(f * Math.PI * x), Math.cos(f * Math.PI * x)])].map(Math.fround);
    assert.deepEqual([...out.subarray(p * 7, p * 7 + 7)], expected, `point ${p}`);
  }
});

test('rendering a Fourier field encodes its pixel coordinates exactly as the encoder does', async () => {
  const arch: SirenArch = { inputs: encodedInputs(2, 3), outputs: 3, width: 8, depth: 2, omega: 30, fourier: 3 };
  const params = randomSirenParams(arch, 5);
  const grid = regionGrid(9, 7, [0, 0, 9, 7], 9, 7);
  const direct = new Float32Array(9 * 7 * 3);
  forwardScalar(arch, params, encodeCoordinates(grid.coords, 2, 3), 9 * 7, direct);
  const viaField = new Float32Array(direct.length);
  await evaluateField(arch, params, grid.coords, viaField, forwardScalar);
  assert.deepEqual(viaField, direct);
  const image = await renderImage(9, 7, 3, [{ region: [0, 0, 9, 7], arch, params }], 9, 7);
  assert.deepEqual([...image.data], [...direct].map(denormalizeSample));
});

test('evaluateField encodes and evaluates in bounded batches, with the same result as one pass', async () => {
  // 16 levels: 66 inputs, so a batch holds 2^24 / 66 = 254,200 points and 260,000 points take two.
  const arch: SirenArch = { inputs: encodedInputs(2, 16), outputs: 1, width: 2, depth: 1, omega: 30, fourier: 16 };
  const params = randomSirenParams(arch, 3);
  const count = 260_000;
  const coords = Float32Array.from({ length: 2 * count }, (_, i) => Math.fround(Math.sin(i * 0.001)));
  const whole = new Float32Array(count);
  forwardScalar(arch, params, encodeCoordinates(coords, 2, 16), count, whole);
  const calls: number[] = [];
  const batched = new Float32Array(count);
  await evaluateField(arch, params, coords, batched, (a, p, c, n, out) => {
    calls.push(n);
    forwardScalar(a, p, c, n, out);
  });
  assert.deepEqual(calls, [254_200, 5_800]);
  assert.deepEqual(batched, whole);
});

test('a bad Fourier level count is refused before any work: by the encoder, the writer and the field evaluator', async () => {
  const image = syntheticImage(16, 16);
  for (const fourier of [1.5, -1, 17]) {
    const started = performance.now();
    await assert.rejects(encodeImage(image, { width: 4, steps: 1000, fourier }), (error: unknown) =>
      error instanceof EncodeOptionsError && /fourier must be a whole number of levels from 0 to 16/.test(error.message));
    assert.ok(performance.now() - started < 500, 'refused before training');
  }
  const arch: SirenArch = { inputs: 2, outputs: 1, width: 1, depth: 1, omega: 30, fourier: -1 };
  const tensors = tensorSlices(arch).map(({ length }) => ({ bits: 2, step: 1, values: new Int32Array(length) }));
  assert.throws(() => writeSnf({
    header: { kind: 'image', width: 1, height: 1, layout: 'gray', colorSpace: 'srgb', normalization: 'symmetric8' },
    networks: [{ region: [0, 0, 1, 1], arch, tensors }],
  }), (error: unknown) => error instanceof SnfFormatError && error.code === 'INVALID_ARGUMENT' && /arch\.fourier/.test(error.message));
  await assert.rejects(evaluateField({ inputs: 2, outputs: 1, width: 1, depth: 1, omega: 30, fourier: 6 }, new Float32Array(5), Float32Array.of(0, 0), new Float32Array(1), forwardScalar), RangeError);
});

test('encodeGrid gives exactly what encodeCoordinates gives on the same grid of points', () => {
  const xs = Float32Array.from([-0.9, -0.31, 0, 0.4, 0.97]);
  const ys = Float32Array.from([-0.5, 0.25, 0.8]);
  const points = new Float32Array(xs.length * ys.length * 2);
  ys.forEach((y, r) => xs.forEach((x, c) => points.set([x, y], 2 * (r * xs.length + c))));
  for (const levels of [0, 1, 6]) assert.deepEqual(encodeGrid(xs, ys, levels), encodeCoordinates(points, 2, levels).slice());
  // Into a reused, dirty buffer: a view of it with the same values; one too small is not used.
  const scratch = new Float32Array(1000).fill(Number.NaN);
  const inScratch = encodeGrid(xs, ys, 6, scratch);
  assert.equal(inScratch.buffer, scratch.buffer);
  assert.deepEqual(inScratch, encodeCoordinates(points, 2, 6).slice());
  assert.notEqual(encodeGrid(xs, ys, 6, new Float32Array(10)).buffer.byteLength, 40);
});
