import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addResidual, residualPlanes, residualStepScales, residualValueCount, type ImageResidual } from '../src/kernels/residual.js';
import { decodeInstance } from '../src/kernels/wasm/decode-instance.js';
import type { FieldImage } from '../src/kernels/post-filter.js';
import { mulberry32 } from './helpers/prng.js';

/** A field of random values in the networks' range. */
function randomField(width: number, height: number, channels: 1 | 2 | 3 | 4, seed: number): FieldImage {
  const random = mulberry32(seed);
  return { width, height, channels, values: Float32Array.from({ length: width * height * channels }, () => 1.8 * random() - 0.9) };
}

/** A residual of random values, some of them large, for a source of `width` × `height`. */
function randomResidual(width: number, height: number, colours: 1 | 3, luma: number, chroma: number, seed: number, extra: Partial<ImageResidual> = {}): ImageResidual {
  const random = mulberry32(seed);
  const count = residualValueCount(residualPlanes(width, height, colours, luma, chroma));
  const values = Int16Array.from({ length: count }, () => (random() < 0.7 ? 0 : Math.round(400 * (random() - 0.5) ** 3)));
  return { lumaCoefficients: luma, chromaCoefficients: chroma, lumaStep: 37, chromaStep: 23, values, ...extra };
}

test('the residual on the WASM kernel adds the same bits as the TypeScript, at any size, with graded and adaptive steps', { skip: decodeInstance() === null && 'no WASM SIMD here' }, () => {
  const cases: { source: [number, number]; out: [number, number]; channels: 1 | 2 | 3 | 4; luma: number; chroma: number; extra?: Partial<ImageResidual> }[] = [
    { source: [77, 45], out: [77, 45], channels: 3, luma: 64, chroma: 21 },
    { source: [77, 45], out: [77, 45], channels: 3, luma: 15, chroma: 3, extra: { gradient: 40, adaptive: { sigma: 6, exponent: 9 } } },
    { source: [77, 45], out: [154, 90], channels: 4, luma: 28, chroma: 10, extra: { adaptive: { sigma: 20, exponent: 16 } } },
    { source: [64, 150], out: [23, 61], channels: 3, luma: 1, chroma: 1, extra: { gradient: 1023 } },
    { source: [40, 24], out: [61, 37], channels: 3, luma: 36, chroma: 0, extra: { adaptive: { sigma: 3, exponent: 4 } } },
    { source: [40, 24], out: [40, 24], channels: 1, luma: 45, chroma: 0, extra: { adaptive: { sigma: 9, exponent: 12 } } },
    { source: [9, 200], out: [5, 333], channels: 2, luma: 6, chroma: 0 },
  ];
  // The kernels are there, so that `auto` runs them rather than falling back to the TypeScript it is compared with.
  const { exports } = decodeInstance()!;
  assert.ok(typeof exports.residualSums === 'function' && typeof exports.residualRows === 'function');
  cases.forEach(({ source, out, channels, luma, chroma, extra }, i) => {
    const colours = channels >= 3 ? 3 : 1;
    const residual = randomResidual(source[0], source[1], colours, luma, colours === 3 ? chroma : 0, 100 + i, extra);
    const wasm = randomField(out[0], out[1], channels, i);
    const typescript = randomField(out[0], out[1], channels, i);
    const size = { width: source[0], height: source[1] };
    if (residual.adaptive !== undefined) {
      assert.deepEqual(residualStepScales(wasm, residual, size), residualStepScales(typescript, residual, size, undefined, 'typescript'), `case ${i}: the steps' multipliers`);
    }
    addResidual(wasm, residual, size);
    addResidual(typescript, residual, size, 'typescript');
    assert.deepEqual(wasm.values, typescript.values, `case ${i}`);
    assert.notDeepEqual(wasm.values, randomField(out[0], out[1], channels, i).values, `case ${i}: the residual added something`);
  });
});
