import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { SnfFormatError } from '../src/format/errors.js';
import { encodeTensors, type TensorCode } from '../src/format/range-coder.js';
import {
  CARRIED_COUNT_LIMIT, CarriedContexts, decodeSharedTensors, encodeSharedTensors, NEIGHBOURHOOD_MODELS, neighbourhoodModel,
} from '../src/format/shared-contexts.js';
import { mulberry32 as prng } from './helpers/prng.js';

/**
 * One network's tensors W0, b0, W1, b1, W2, b2 (§4.2: inputs 2, width w, outputs 3) whose rows and columns
 * have scales of their own, as a fitted layer's do: value (i, o) ~ Laplace(rowScale_i · columnScale_o).
 */
function network(width: number, seed: number, bits = [8, 6, 8, 6, 8, 6]): TensorCode[] {
  const random = prng(seed);
  const shapes: [number, number][] = [[2, width], [1, width], [width, width], [1, width], [width, 3], [1, 3]];
  return shapes.map(([rows, columns], t) => {
    const max = 2 ** (bits[t]! - 2);
    const rowScale = Array.from({ length: rows }, () => 0.5 + 4 * random());
    const columnScale = Array.from({ length: columns }, () => 0.5 + 4 * random());
    const values = new Int32Array(rows * columns);
    for (let i = 0; i < rows; i++) {
      for (let o = 0; o < columns; o++) {
        const u = random() - 0.5;
        const x = -rowScale[i]! * columnScale[o]! * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
        values[i * columns + o] = Math.max(-max, Math.min(max, Math.round(x)));
      }
    }
    return { bits: bits[t]!, values };
  });
}

const specsOf = (tensors: TensorCode[]) => tensors.map((t) => ({ bits: t.bits, length: t.values.length }));

test('neighbourhoodModel: 1 + floor(log2(mean + 1)) in integers, 0 with nothing seen, capped', () => {
  assert.equal(neighbourhoodModel(0, 0, 0, 0), 0);
  // The row alone: mean 1 is exactly 2^1 − 1, so model 2; just under it, model 1.
  assert.equal(neighbourhoodModel(3, 3, 0, 0), 2);
  assert.equal(neighbourhoodModel(2, 3, 0, 0), 1);
  // The column alone, and both: the mean of the two means.
  assert.equal(neighbourhoodModel(0, 0, 21, 3), 4); // mean 7 = 2^3 − 1
  assert.equal(neighbourhoodModel(0, 4, 12, 2), 3); // row mean 0, column mean 6: mean 3
  assert.equal(neighbourhoodModel(1_000_000, 1, 0, 0), NEIGHBOURHOOD_MODELS - 1);
  const random = prng(5);
  for (let k = 0; k < 2000; k++) {
    const column = Math.floor(random() * 40);
    const row = Math.floor(random() * 40);
    const rowSum = Math.floor(random() * 50 * column);
    const columnSum = Math.floor(random() * 50 * row);
    const means = [column > 0 ? rowSum / column : undefined, row > 0 ? columnSum / row : undefined].filter((m) => m !== undefined);
    const expected = means.length === 0 ? 0 : Math.min(NEIGHBOURHOOD_MODELS - 1, 1 + Math.floor(Math.log2(means.reduce((a, b) => a + b) / means.length + 1) + 1e-12));
    assert.equal(neighbourhoodModel(rowSum, column, columnSum, row), expected, `${rowSum}/${column}, ${columnSum}/${row}`);
  }
});

test('round trip of several networks of different widths and bit depths, in file order', () => {
  const networks = [network(8, 1), network(16, 2), network(12, 3, [8, 8, 7, 6, 8, 6]), network(8, 4)];
  const encoder = new CarriedContexts();
  const streams = networks.map((tensors) => encodeSharedTensors(tensors, encoder));
  const decoder = new CarriedContexts();
  streams.forEach((stream, n) => {
    const decoded = decodeSharedTensors(stream, specsOf(networks[n]!), decoder);
    networks[n]!.forEach((t, i) => assert.deepEqual(decoded[i], t.values, `network ${n}, tensor ${i}`));
  });
});

test('carried contexts and neighbourhood models make the streams of alike networks smaller', () => {
  const networks = Array.from({ length: 8 }, (_, n) => network(24, 100 + n));
  const fresh = networks.reduce((total, tensors) => total + encodeTensors(tensors).length, 0);
  const carried = new CarriedContexts();
  const shared = networks.reduce((total, tensors) => total + encodeSharedTensors(tensors, carried).length, 0);
  assert.ok(shared < 0.985 * fresh, `${shared} bytes against ${fresh}`);
  // Every network after the first costs less than it does coded alone.
  const alone = networks.map((tensors) => encodeSharedTensors(tensors, new CarriedContexts()).length);
  const inFile = new CarriedContexts();
  const inOrder = networks.map((tensors) => encodeSharedTensors(tensors, inFile).length);
  assert.equal(inOrder[0], alone[0]);
  assert.ok(inOrder.slice(1).every((bytes, n) => bytes < alone[n + 1]!), `${inOrder} against ${alone}`);
});

test('contexts carry only between tensors of the same index and bit depth, scaled down', () => {
  const first = network(8, 7);
  const other = network(8, 8, [7, 5, 7, 5, 7, 5]);
  const carried = new CarriedContexts();
  encodeSharedTensors(first, carried);
  // No bit depth in common: the network is coded as if it were the first.
  assert.deepEqual(encodeSharedTensors(other, carried), encodeSharedTensors(other, new CarriedContexts()));
  const counts = carried.start(2, 8);
  let most = 0;
  for (let i = 0; i < counts.length; i += 2) most = Math.max(most, counts[i]! + counts[i + 1]!);
  assert.ok(most > 0 && most <= CARRIED_COUNT_LIMIT + 1, `largest carried total ${most}`);
});

test('a stream decoded with the wrong carried state, or a hostile one, gives in-range values or BAD_STREAM', () => {
  const networks = [network(8, 11), network(8, 12)];
  const carried = new CarriedContexts();
  const streams = networks.map((tensors) => encodeSharedTensors(tensors, carried));
  // Network 1 decoded without network 0 before it (what a reader that skipped one would do) is not network 1.
  let wrong: Int32Array[] | undefined;
  try {
    wrong = decodeSharedTensors(streams[1]!, specsOf(networks[1]!), new CarriedContexts());
  } catch (error) {
    assert.ok(error instanceof SnfFormatError && error.code === 'BAD_STREAM');
  }
  if (wrong !== undefined) assert.notDeepEqual(wrong, networks[1]!.map((t) => t.values));
  const random = prng(9);
  for (let k = 0; k < 200; k++) {
    const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256));
    try {
      const decoded = decodeSharedTensors(bytes, specsOf(networks[0]!), new CarriedContexts());
      decoded.forEach((values, t) => {
        const max = 2 ** (networks[0]![t]!.bits - 1) - 1;
        assert.ok(values.every((v) => Math.abs(v) <= max));
      });
    } catch (error) {
      assert.ok(error instanceof SnfFormatError && error.code === 'BAD_STREAM', String(error));
    }
  }
});

test('values out of range are refused when writing', () => {
  assert.throws(() => encodeSharedTensors([{ bits: 4, values: Int32Array.from([8]) }], new CarriedContexts()),
    (error: unknown) => error instanceof SnfFormatError && error.code === 'INVALID_ARGUMENT');
});

test('a network coded at other bits neither uses nor replaces the counts carried for those tensors', () => {
  const [a, b, c] = [network(8, 21), network(8, 22, [7, 5, 7, 5, 7, 5]), network(8, 23)];
  // c after a and b: its tensors start from a's counts, as if b were not there.
  const withB = new CarriedContexts();
  const streams = [a, b, c].map((tensors) => encodeSharedTensors(tensors, withB));
  const withoutB = new CarriedContexts();
  const direct = [a, c].map((tensors) => encodeSharedTensors(tensors, withoutB));
  assert.deepEqual(streams[2], direct[1]);
  assert.notDeepEqual(streams[2], encodeSharedTensors(c, new CarriedContexts()));
});

test('golden streams: three networks (the second at other bits), counts scaled past the limit, never change', () => {
  // Pins the whole of §6.8 in this implementation: the models, the scaling (24-wide layers leave contexts with
  // hundreds of counts) and the carry past a network of other bits. Any change to the format shows here.
  const carried = new CarriedContexts();
  const streams = [network(24, 31), network(16, 32, [7, 5, 7, 5, 7, 5]), network(24, 33)].map((tensors) => encodeSharedTensors(tensors, carried));
  assert.deepEqual(streams.map((s) => s.length), [463, 229, 467]);
  assert.deepEqual(streams.map((s) => createHash('sha256').update(s).digest('hex').slice(0, 16)),
    ['bd46261d3584f2b6', 'efe48e9b0dc15903', '9ed6570232c57a40']);
});
