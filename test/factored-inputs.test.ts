import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeCoordinates, encodedInputs, inputAxes } from '../src/kernels/input-encoding.js';
import { factorInputs } from '../src/kernels/wasm/factored-inputs.js';
import { lcg } from './helpers/random-net.js';

/** A columns × rows grid's raw coordinates (pixel centres in [−1, 1]), in a shuffled order. */
function shuffledGrid(columns: number, rows: number, seed: number): Float32Array {
  const random = lcg(seed);
  const order = Array.from({ length: columns * rows }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const raw = new Float32Array(order.length * 2);
  order.forEach((p, i) => {
    raw[2 * i] = (((p % columns) + 0.5) / columns) * 2 - 1;
    raw[2 * i + 1] = ((Math.floor(p / columns) + 0.5) / rows) * 2 - 1;
  });
  return raw;
}

test('inputAxes: each encoded input moves with its own coordinate only', () => {
  const levels = 3;
  const axes = inputAxes(2, levels);
  assert.equal(axes.length, encodedInputs(2, levels));
  assert.deepEqual(axes.slice(0, 6), [0, 1, 0, 0, 1, 1]);
  const base = encodeCoordinates(Float32Array.of(0.3, -0.6), 2, levels);
  for (const axis of [0, 1]) {
    const moved = Float32Array.of(0.3, -0.6);
    moved[axis] = 0.71;
    const encoded = encodeCoordinates(moved, 2, levels);
    encoded.forEach((value, i) => assert.equal(value !== base[i], axes[i] === axis, `input ${i} against axis ${axis}`));
  }
  assert.deepEqual(inputAxes(1, 2), [0, 0, 0, 0, 0]);
});

test('factorInputs: a shuffled grid is its table rows summed, exactly, with a zero row per axis', () => {
  const [columns, rows, levels] = [24, 18, 6];
  const count = columns * rows;
  const coords = encodeCoordinates(shuffledGrid(columns, rows, 5), 2, levels);
  const inputs = encodedInputs(2, levels);
  const factored = factorInputs(coords, inputs, inputAxes(2, levels), count);
  assert.ok(factored);
  assert.deepEqual(factored.entries, [columns + 1, rows + 1]);
  const { table, index } = factored;
  for (let p = 0; p < count; p++) {
    const [a, b] = [index[2 * p]!, index[2 * p + 1]!];
    assert.ok(a < columns && b >= columns + 1 && b < columns + 1 + rows, `point ${p}: rows ${a}, ${b}`);
    for (let i = 0; i < inputs; i++) assert.equal(table[a * inputs + i]! + table[b * inputs + i]!, coords[p * inputs + i]);
  }
  for (const zero of [columns, columns + 1 + rows]) assert.ok(table.subarray(zero * inputs, (zero + 1) * inputs).every((v) => v === 0));
});

test('factorInputs: nothing to factor for scattered points, few inputs, one axis, or inputs that are not such a sum', () => {
  const levels = 6;
  const inputs = encodedInputs(2, levels);
  const axes = inputAxes(2, levels);
  const random = lcg(3);
  const scattered = encodeCoordinates(Float32Array.from({ length: 800 }, () => random() * 2 - 1), 2, levels);
  assert.equal(factorInputs(scattered, inputs, axes, 400), undefined, 'scattered points: a table as large as the points');
  const raw = shuffledGrid(30, 20, 1);
  assert.equal(factorInputs(raw, 2, [0, 1], 600), undefined, 'two plain coordinates: nothing to save');
  const grid = encodeCoordinates(raw, 2, levels);
  assert.ok(factorInputs(grid, inputs, axes, 600));
  assert.ok(factorInputs(grid, inputs, axes, 600, 128), 'a table of 52 rows for steps of 128 points');
  assert.equal(factorInputs(grid, inputs, axes, 600, 96), undefined, 'a table of 52 rows for steps of 96 points: it would cost about what it saves');
  assert.equal(factorInputs(grid, inputs, axes.map(() => 0), 600), undefined, 'one axis');
  const wrongAxes = axes.slice();
  [wrongAxes[2], wrongAxes[4]] = [1, 0];
  assert.equal(factorInputs(grid, inputs, wrongAxes, 600), undefined, 'an input given to the wrong axis');
  const mixed = Float32Array.from(grid);
  mixed[5 * inputs + 7] = 0.123;
  assert.equal(factorInputs(mixed, inputs, axes, 600), undefined, 'one input off the sum');
});
