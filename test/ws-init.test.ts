import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layerShapes, parameterCount, type SirenArch } from '../src/kernels/arch.js';
import { initializeWeightScaled } from '../src/encoder/network/ws-init.js';
import { startAtTargetsMean } from '../src/encoder/network/fit-start.js';

test('WS init draws each layer within the bounds of the official code', () => {
  const arch: SirenArch = { inputs: 2, outputs: 3, width: 64, depth: 3, omega: 30 };
  const alpha = 2;
  const params = initializeWeightScaled(arch, alpha, 5);
  assert.equal(params.length, parameterCount(arch));
  const layers = layerShapes(arch);
  const expectedBounds = [alpha / 2, (alpha * Math.sqrt(6 / 64)) / 30, (alpha * Math.sqrt(6 / 64)) / 30, Math.sqrt(6 / 64) / 30];
  layers.forEach((layer, l) => {
    const weights = params.subarray(layer.weightOffset, layer.weightOffset + layer.fanIn * layer.fanOut);
    const largest = weights.reduce((m, w) => Math.max(m, Math.abs(w)), 0);
    // Uniform draws fill the interval: the largest of hundreds is near the bound, never past it.
    assert.ok(largest <= expectedBounds[l]! && largest > 0.9 * expectedBounds[l]!, `layer ${l}: ${largest} vs ${expectedBounds[l]}`);
    const biases = params.subarray(layer.biasOffset, layer.biasOffset + layer.fanOut);
    assert.ok(biases.every((b) => Math.abs(b) <= 1 / Math.sqrt(layer.fanIn)), `layer ${l} bias bound`);
  });
});

test('WS init is reproducible from the seed and changes with it', () => {
  const arch: SirenArch = { inputs: 2, outputs: 1, width: 8, depth: 2, omega: 30 };
  assert.deepEqual(initializeWeightScaled(arch, 1.5, 3), initializeWeightScaled(arch, 1.5, 3));
  assert.notDeepEqual(initializeWeightScaled(arch, 1.5, 3), initializeWeightScaled(arch, 1.5, 4));
});

test('the output bias starts at the targets\' mean, weighted as the loss weighs them; nothing else moves', () => {
  const arch: SirenArch = { inputs: 2, outputs: 3, width: 8, depth: 2, omega: 30 };
  const drawn = initializeWeightScaled(arch, 1, 7);
  // Two points: (-1, 0, 0.5) with weight 3 and (1, 1, 0.5) with weight 1.
  const targets = Float32Array.of(-1, 0, 0.5, 1, 1, 0.5);
  const started = startAtTargetsMean(arch, Float32Array.from(drawn), targets, Float32Array.of(3, 1));
  const { biasOffset } = layerShapes(arch)[arch.depth]!;
  assert.deepEqual(Array.from(started.subarray(biasOffset)), [-0.5, 0.25, 0.5]);
  assert.deepEqual(started.subarray(0, biasOffset), drawn.subarray(0, biasOffset));
  // Without weights, the plain mean.
  const plain = startAtTargetsMean(arch, Float32Array.from(drawn), targets);
  assert.deepEqual(Array.from(plain.subarray(biasOffset)), [0, 0.5, 0.5]);
});
