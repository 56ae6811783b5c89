import assert from 'node:assert/strict';
import { test } from 'node:test';
import { msSsim, msSsimScales } from '../src/metrics/ms-ssim.js';
import type { Raster } from '../src/raster.js';
import { syntheticImage } from './helpers/synthetic.js';

/** `image` plus uniform noise of ±amplitude from a fixed LCG, clamped to 0–255. */
function noisy(image: Raster, amplitude: number): Raster {
  let state = 12345;
  const data = image.data.map((v) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.max(0, Math.min(255, Math.round(v + amplitude * ((state / 2 ** 32) * 2 - 1))));
  });
  return { ...image, data };
}

test('identical images give exactly 1, at 5 scales from 176 px', () => {
  const image = syntheticImage(180, 176);
  const result = msSsim(image, image);
  assert.equal(result.scales, 5);
  assert.ok(Math.abs(result.value - 1) < 1e-12, `got ${result.value}`);
});

test('MS-SSIM falls as noise grows', () => {
  const image = syntheticImage(96, 80);
  const values = [0, 4, 12, 30, 80].map((a) => msSsim(image, noisy(image, a)).value);
  for (let i = 1; i < values.length; i++) assert.ok(values[i]! < values[i - 1]!, `not decreasing: ${values.join(', ')}`);
  assert.ok(values[values.length - 1]! >= 0 && values[values.length - 1]! < 0.8, `heavy noise gives ${values[values.length - 1]}`);
});

test('small images use fewer scales, and under 11 px are refused', () => {
  assert.equal(msSsimScales(768, 512), 5);
  assert.equal(msSsimScales(175, 512), 4);
  assert.equal(msSsimScales(24, 24), 2);
  assert.equal(msSsimScales(11, 40), 1);
  assert.equal(msSsimScales(10, 40), 0);
  const small = syntheticImage(24, 24);
  assert.equal(msSsim(small, noisy(small, 10)).scales, 2);
  assert.throws(() => msSsim(syntheticImage(10, 40), syntheticImage(10, 40)), /at least 11x11/);
  assert.throws(() => msSsim(syntheticImage(20, 20), syntheticImage(20, 21)), RangeError);
});

test('gray and RGB: a gray image repeated in three channels scores as the gray one', () => {
  const gray = syntheticImage(40, 30, 1);
  const worse = noisy(gray, 20);
  const rgb = (r: Raster): Raster => ({ ...r, channels: 3, data: Uint8Array.from({ length: r.data.length * 3 }, (_, i) => r.data[Math.floor(i / 3)]!) });
  assert.ok(Math.abs(msSsim(gray, worse).value - msSsim(rgb(gray), rgb(worse)).value) < 1e-12);
});

test('agrees with an independent NumPy/SciPy implementation of Wang et al. (odd sizes, 5 and 3 scales)', () => {
  // Expected values: the same images through scipy.ndimage.correlate1d (Gaussian 11, σ 1.5, cropped
  // to "valid"), 2×2 mean pooling and the product of cs^w and ssim^w, written separately in Python.
  const big = syntheticImage(181, 177);
  const five = msSsim(big, noisy(big, 30));
  assert.equal(five.scales, 5);
  assert.ok(Math.abs(five.value - 0.9545666334183666) < 1e-12, `got ${five.value}`);
  const small = syntheticImage(60, 50);
  const three = msSsim(small, noisy(small, 30));
  assert.equal(three.scales, 3);
  assert.ok(Math.abs(three.value - 0.9363790551745249) < 1e-12, `got ${three.value}`);
});
