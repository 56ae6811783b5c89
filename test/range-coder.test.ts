import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeTensors, encodeTensors, entropyBits, type TensorCode } from '../src/format/range-coder.js';
import { SnfFormatError } from '../src/format/errors.js';
import { mulberry32 as prng } from './helpers/prng.js';

const maxLevel = (bits: number): number => 2 ** (bits - 1) - 1;

/** n samples of a Laplacian of scale b (in quantization steps), rounded and clamped to `bits`. */
function laplacian(n: number, b: number, bits: number, seed: number): Int32Array {
  const random = prng(seed);
  const max = maxLevel(bits);
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const u = random() - 0.5;
    const x = -b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
    values[i] = Math.max(-max, Math.min(max, Math.round(x)));
  }
  return values;
}

/** Entropy in bits per value of that rounded, clamped Laplacian: the true source entropy. */
function laplacianEntropy(b: number, bits: number): number {
  const max = maxLevel(bits);
  const tail = (x: number): number => 0.5 * Math.exp(-x / b); // P(X > x) for x ≥ 0
  let h = 0;
  const add = (p: number): void => {
    if (p > 0) h -= p * Math.log2(p);
  };
  add(1 - 2 * tail(0.5));
  for (let k = 1; k < max; k++) {
    const p = tail(k - 0.5) - tail(k + 0.5); // once for +k, once for −k
    add(p);
    add(p);
  }
  add(tail(max - 0.5));
  add(tail(max - 0.5));
  return h;
}

function uniform(n: number, bits: number, seed: number): Int32Array {
  const random = prng(seed);
  const max = maxLevel(bits);
  return Int32Array.from({ length: n }, () => Math.floor(random() * (2 * max + 1)) - max);
}

function roundTrip(tensors: TensorCode[]): Uint8Array {
  const stream = encodeTensors(tensors);
  const decoded = decodeTensors(stream, tensors.map((t) => ({ bits: t.bits, length: t.values.length })));
  assert.equal(decoded.length, tensors.length);
  tensors.forEach((t, i) => assert.deepEqual(decoded[i], t.values, `tensor ${i} (${t.bits} bits)`));
  return stream;
}

test('round trip at every bit depth, with extremes', () => {
  for (let bits = 2; bits <= 16; bits++) {
    const max = maxLevel(bits);
    const extremes = Int32Array.from([max, -max, 0, max, max, -max, 1, -1, 0, 0]);
    roundTrip([
      { bits, values: laplacian(500, Math.max(0.3, max / 8), bits, bits) },
      { bits, values: uniform(300, bits, 100 + bits) },
      { bits, values: extremes },
      { bits, values: Int32Array.from({ length: 50 }, (_, i) => (i % 2 ? max : -max)) },
    ]);
  }
});

test('round trip of empty and tiny tensors, and mixed bit depths in one stream', () => {
  assert.equal(encodeTensors([]).length, 0);
  assert.deepEqual(decodeTensors(new Uint8Array(0), []), []);
  roundTrip([{ bits: 8, values: new Int32Array(0) }]);
  roundTrip([{ bits: 2, values: Int32Array.from([1]) }]);
  roundTrip([{ bits: 16, values: Int32Array.from([-32767]) }]);
  roundTrip([
    { bits: 2, values: Int32Array.from([0, 1, -1, 1]) },
    { bits: 16, values: uniform(40, 16, 7) },
    { bits: 5, values: new Int32Array(0) },
    { bits: 9, values: laplacian(333, 12, 9, 8) },
    { bits: 3, values: Int32Array.from([3, -3, 2]) },
  ]);
});

test('a stream of zeros is empty, and an empty stream decodes to zeros', () => {
  assert.equal(encodeTensors([{ bits: 8, values: new Int32Array(1000) }, { bits: 2, values: new Int32Array(5) }]).length, 0);
  const [values] = decodeTensors(new Uint8Array(0), [{ bits: 12, length: 77 }]);
  assert.deepEqual(values, new Int32Array(77));
});

test('carries propagate through runs of 0xFF bytes', () => {
  // Long runs of highly probable symbols keep `low` near the top of the interval.
  for (let seed = 1; seed <= 20; seed++) {
    const random = prng(seed);
    const values = Int32Array.from({ length: 4000 }, () => (random() < 0.999 ? 3 : random() < 0.5 ? -3 : 0));
    roundTrip([{ bits: 3, values }]);
  }
});

test('golden stream: the coded bytes of a fixed tensor never change', () => {
  const stream = encodeTensors([
    { bits: 8, values: Int32Array.from([0, 1, -1, 2, -5, 17, -100, 127, -127, 0, 0, 3]) },
    { bits: 2, values: Int32Array.from([1, 0, -1, 0]) },
  ]);
  assert.equal(Buffer.from(stream).toString('hex'), GOLDEN);
});
const GOLDEN = '677c131d1662f5f7f48791';

test('rejects values and bit depths out of range', () => {
  const code = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof SnfFormatError);
      return error.code;
    }
    return 'none';
  };
  assert.equal(code(() => encodeTensors([{ bits: 8, values: Int32Array.from([128]) }])), 'INVALID_ARGUMENT');
  assert.equal(code(() => encodeTensors([{ bits: 8, values: Int32Array.from([-128]) }])), 'INVALID_ARGUMENT');
  assert.equal(code(() => encodeTensors([{ bits: 2, values: Int32Array.from([2]) }])), 'INVALID_ARGUMENT');
  assert.equal(code(() => encodeTensors([{ bits: 1, values: new Int32Array(1) }])), 'INVALID_ARGUMENT');
  assert.equal(code(() => encodeTensors([{ bits: 17, values: new Int32Array(1) }])), 'INVALID_ARGUMENT');
  assert.equal(code(() => decodeTensors(new Uint8Array(0), [{ bits: 8.5, length: 1 }])), 'INVALID_ARGUMENT');
});

test('a stream with unread bytes is rejected', () => {
  const stream = encodeTensors([{ bits: 8, values: laplacian(200, 5, 8, 3) }]);
  const specs = [{ bits: 8, length: 200 }];
  for (const extra of [1, 2, 5, 9]) {
    const longer = new Uint8Array(stream.length + extra);
    longer.set(stream);
    longer.fill(0x55, stream.length);
    assert.throws(() => decodeTensors(longer, specs), { code: 'BAD_STREAM' }, `${extra} extra bytes`);
  }
  const padded = new Uint8Array(stream.length + 1);
  padded.set(stream);
  assert.throws(() => decodeTensors(padded, specs), { code: 'BAD_STREAM' }, 'a trailing zero byte');
  // A shorter stream may be the canonical stream of other values, but never of the same ones (§6.6).
  const original = decodeTensors(stream, specs)[0]!;
  for (let cut = 1; cut <= 4; cut++) {
    try {
      assert.notDeepEqual(decodeTensors(stream.subarray(0, stream.length - cut), specs)[0], original);
    } catch (error) {
      assert.ok(error instanceof SnfFormatError && error.code === 'BAD_STREAM', String(error));
    }
  }
});

test('hostile streams decode in linear time to in-range values or BAD_STREAM', () => {
  const random = prng(42);
  const specs = [{ bits: 16, length: 3000 }, { bits: 2, length: 100 }, { bits: 8, length: 2000 }];
  for (let trial = 0; trial < 30; trial++) {
    const stream = Uint8Array.from({ length: trial * 7 }, () => (trial % 3 === 0 ? 0xff : Math.floor(random() * 256)));
    try {
      const out = decodeTensors(stream, specs);
      out.forEach((values, t) => {
        const max = maxLevel(specs[t]!.bits);
        assert.equal(values.length, specs[t]!.length);
        for (const v of values) assert.ok(v >= -max && v <= max);
      });
    } catch (error) {
      assert.ok(error instanceof SnfFormatError, String(error));
      assert.equal(error.code, 'BAD_STREAM');
    }
  }
});

test('entropyBits is the empirical order-0 entropy', () => {
  assert.equal(entropyBits(new Int32Array(0)), 0);
  assert.equal(entropyBits(Int32Array.from([5, 5, 5])), 0);
  assert.equal(entropyBits(Int32Array.from([1, 2, 3, 4])), 8);
  assert.ok(Math.abs(entropyBits(Int32Array.from([0, 0, 0, 1])) - (3 * Math.log2(4 / 3) + 2)) < 1e-12);
});

/*
 * Efficiency (spec §6.5, Rationale). Two yardsticks:
 * - the empirical order-0 entropy of the sample itself (Σ −log2 p̂), the size
 *   a static coder would reach with the histogram for free. For n ≥ 4096 and
 *   a histogram that the sample fills well, the coder must be within 2% of it.
 * - the true entropy of the source. When the alphabet is wide compared to n,
 *   the empirical entropy underestimates it by about (K − 1)/(2 n ln 2) bits per
 *   value for K used values, so no coder without side information gets
 *   within 2% of it; there the coder must be within 1.5% of the source entropy.
 */
test('coded size is within 2% of the empirical entropy for n ≥ 4096 (Laplacian, several scales)', (t) => {
  const rows: string[] = [];
  for (const [b, bits] of [[0.5, 8], [2, 8], [8, 8], [30, 8], [2, 4], [8, 12]] as const) {
    for (const n of [4096, 16384]) {
      const values = laplacian(n, b, bits, n + 31 * bits + Math.round(10 * b));
      const coded = roundTrip([{ bits, values }]).length * 8;
      const empirical = entropyBits(values);
      const source = n * laplacianEntropy(b, bits);
      rows.push(`b=${b} bits=${bits} n=${n}: ${(coded / n).toFixed(3)} bits/value, +${pct(coded / empirical)} over empirical, ${pct(coded / source)} vs source`);
      assert.ok(coded <= 1.02 * empirical, rows.join('\n'));
    }
  }
  t.diagnostic(rows.join('\n'));
});

test('wide alphabets: within 1.5% of the source entropy at n = 4096', (t) => {
  const rows: string[] = [];
  for (const [b, bits] of [[200, 12], [100, 10], [2000, 16]] as const) {
    const n = 4096;
    const values = laplacian(n, b, bits, 5 + bits);
    const coded = roundTrip([{ bits, values }]).length * 8;
    const source = n * laplacianEntropy(b, bits);
    rows.push(`b=${b} bits=${bits} n=${n}: ${(coded / n).toFixed(3)} bits/value, ${pct(coded / source)} vs source, ${pct(coded / entropyBits(values))} vs empirical`);
    assert.ok(coded <= 1.015 * source, rows.join('\n'));
  }
  t.diagnostic(rows.join('\n'));
});

test('small tensors: close to the source entropy and never much over the raw bits', (t) => {
  const rows: string[] = [];
  let ok = true;
  for (const [b, bits] of [[0.5, 8], [2, 8], [8, 8], [30, 8], [200, 12]] as const) {
    for (const n of [64, 256, 1024]) {
      let coded = 0;
      let source = 0;
      const trials = 8;
      for (let trial = 0; trial < trials; trial++) {
        coded += roundTrip([{ bits, values: laplacian(n, b, bits, 1000 * trial + n + bits) }]).length * 8;
        source += n * laplacianEntropy(b, bits);
      }
      rows.push(`b=${b} bits=${bits} n=${n}: ${pct(coded / source)} vs source (mean of ${trials})`);
      const allowance = n === 64 ? 1.15 : n === 256 ? 1.07 : 1.03;
      ok = ok && coded <= allowance * source + 16 * trials;
    }
  }
  for (const bits of [8, 12]) {
    const n = 64;
    const coded = roundTrip([{ bits, values: uniform(n, bits, bits) }]).length * 8;
    rows.push(`uniform bits=${bits} n=${n}: ${(coded / n).toFixed(3)} bits/value (raw ${bits})`);
    ok = ok && coded <= n * (bits + 1);
  }
  t.diagnostic(rows.join('\n'));
  assert.ok(ok, rows.join('\n'));
});

function pct(ratio: number): string {
  return `${((ratio - 1) * 100).toFixed(2)}%`;
}
