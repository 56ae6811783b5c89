import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { enableRelaxedSimd } from '../src/node/relaxed-simd.js';
import { binaries } from '../src/kernels/wasm/binaries.js';
import { binaries as decodeBinaries } from '../src/kernels/wasm/binaries-decode.js';
import { createKernels, detectFeatures } from '../src/kernels/wasm/load.js';
import { MODE_LINEAR, MODE_MUL, MODE_SIN, MODE_SINCOS, type KernelVariant, type Kernels } from '../src/kernels/wasm/table.js';
import { largestRelativeError } from './helpers/random-net.js';

// Every kernel of every variant this runtime supports, against float64
// references computed from the same float32 inputs.

enableRelaxedSimd();
const features = detectFeatures();
const variants: KernelVariant[] = ['scalar'];
if (features.simd) variants.push('simd');
if (features.relaxedSimd) variants.push('relaxed');

/** A small bump allocator over one memory, 64-byte aligned. */
function arena(bytes: number): { memory: WebAssembly.Memory; f32: Float32Array; alloc(floats: number): number } {
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) + 1 });
  const f32 = new Float32Array(memory.buffer);
  let at = 64;
  return {
    memory,
    f32,
    alloc(floats) {
      const p = at;
      at += Math.ceil((floats * 4) / 64) * 64;
      return p;
    },
  };
}

let seed = 12345;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

function fill(f32: Float32Array, ptr: number, n: number, scale = 1): Float32Array {
  const view = f32.subarray(ptr >> 2, (ptr >> 2) + n);
  for (let i = 0; i < n; i++) view[i] = (random() * 2 - 1) * scale;
  return view;
}

function maxAbs(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  let err = 0;
  for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(a[i]! - ref[i]!));
  return err;
}

for (const variant of variants) {
  describe(`wasm kernels: ${variant}`, () => {
    const { memory, f32, alloc } = arena(16 << 20);
    const k: Kernels = createKernels(memory, variant);

    test('fills the table with the requested variant', () => {
      assert.equal(k.variant, variant);
    });

    test('sin and cos: max abs error ≤ 1e-6 for |x| ≤ 2000', () => {
      const n = 1 << 18;
      const x = alloc(n);
      const s = alloc(n);
      const c = alloc(n);
      let worstSin = 0;
      let worstCos = 0;
      for (const [lo, hi] of [[-2000, 2000], [-4, 4], [1990, 2000]] as const) {
        const xs = f32.subarray(x >> 2, (x >> 2) + n);
        for (let i = 0; i < n; i++) xs[i] = lo + ((hi - lo) * i) / (n - 1);
        k.sincos(x, s, c, n);
        const sv = f32.subarray(s >> 2, (s >> 2) + n);
        const cv = f32.subarray(c >> 2, (c >> 2) + n);
        for (let i = 0; i < n; i++) {
          worstSin = Math.max(worstSin, Math.abs(sv[i]! - Math.sin(xs[i]!)));
          worstCos = Math.max(worstCos, Math.abs(cv[i]! - Math.cos(xs[i]!)));
        }
      }
      assert.ok(worstSin <= 1e-6, `sin error ${worstSin}`);
      assert.ok(worstCos <= 1e-6, `cos error ${worstCos}`);
      // sin(0) must be exactly 0: padded units rely on it.
      f32[x >> 2] = 0;
      k.sincos(x, s, 0, 4);
      assert.equal(f32[s >> 2], 0);
    });

    test('rowSin: sin(ω·(a + row)) for every row of a, within 1e-6 of float64', () => {
      // n of 12 and 4: a width padded to 4 units (WIDTH_PAD), the last four columns after the blocks of 8.
      for (const [rows, n, omega] of [[7, 24, 30], [1, 8, 30], [33, 40, 3], [5, 12, 30], [3, 4, 30]] as const) {
        const a = alloc(rows * n);
        const row = alloc(n);
        const out = alloc(rows * n);
        const av = fill(f32, a, rows * n, 0.5);
        const rv = fill(f32, row, n, 0.5);
        k.rowSin(a, row, out, rows, n, omega);
        const want = Array.from({ length: rows * n }, (_, i) => Math.sin(Math.fround(omega * Math.fround(av[i]! + rv[i % n]!))));
        assert.ok(maxAbs(f32.subarray(out >> 2, (out >> 2) + rows * n), want) <= 1e-6, `rows ${rows}, n ${n}`);
      }
    });

    test('gatherSinCos and scatterAdd: a factored first layer\'s rows, by an index of row pairs', () => {
      for (const [rows, n, tableRows, omega] of [[9, 16, 5, 30], [1, 8, 2, 30], [37, 40, 11, 3], [6, 12, 4, 30]] as const) {
        const pre = alloc(tableRows * n);
        const index = alloc(rows * 2);
        const out = alloc(rows * n);
        const aux = alloc(rows * n);
        const g = alloc(rows * n);
        const acc = alloc(tableRows * n);
        const P = fill(f32, pre, tableRows * n, 0.5);
        const G = fill(f32, g, rows * n);
        const A = fill(f32, acc, tableRows * n);
        const start = Float64Array.from(A);
        const pairs = new Int32Array(memory.buffer, index, rows * 2);
        for (let i = 0; i < rows * 2; i++) pairs[i] = Math.floor(random() * tableRows);
        k.gatherSinCos(index, pre, out, aux, rows, n, omega);
        const z = Array.from({ length: rows * n }, (_, i) => Math.fround(omega * Math.fround(P[pairs[2 * Math.floor(i / n)]! * n + (i % n)]! + P[pairs[2 * Math.floor(i / n) + 1]! * n + (i % n)]!)));
        assert.ok(maxAbs(f32.subarray(out >> 2, (out >> 2) + rows * n), z.map(Math.sin)) <= 1e-6, `sin: rows ${rows}, n ${n}`);
        assert.ok(maxAbs(f32.subarray(aux >> 2, (aux >> 2) + rows * n), z.map((v) => omega * Math.cos(v))) <= 1e-6 * omega, `cos: rows ${rows}, n ${n}`);
        k.scatterAdd(index, g, acc, rows, n);
        const want = Array.from(start);
        for (let r = 0; r < rows; r++) {
          for (const row of [pairs[2 * r]!, pairs[2 * r + 1]!]) for (let j = 0; j < n; j++) want[row * n + j]! += G[r * n + j]!;
        }
        assert.ok(maxAbs(f32.subarray(acc >> 2, (acc >> 2) + tableRows * n), want) <= 1e-5, `scatter: rows ${rows}, n ${n}`);
      }
    });

    test('gemmNN: linear, mul, sin and sincos epilogues match float64 (rel < 1e-5)', () => {
      for (const [rows, kk, n] of [[37, 256, 40], [5, 4, 8], [64, 24, 16], [9, 7, 8], [6, 2, 16], [11, 24, 4], [6, 5, 12], [3, 1, 12]] as const) {
        const x = alloc(rows * kk);
        const w = alloc(kk * n);
        const b = alloc(n);
        const aux = alloc(rows * n);
        const out = alloc(rows * n);
        const out2 = alloc(rows * n);
        const X = fill(f32, x, rows * kk);
        const W = fill(f32, w, kk * n, 1 / Math.sqrt(kk));
        const B = fill(f32, b, n);
        const A = fill(f32, aux, rows * n);
        const ref = new Float64Array(rows * n);
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < n; j++) {
            let z = B[j]!;
            for (let i = 0; i < kk; i++) z += X[r * kk + i]! * W[i * n + j]!;
            ref[r * n + j] = z;
          }
        }
        k.gemmNN(x, w, b, out, 0, rows, kk, n, MODE_LINEAR, 0);
        const Z = Float32Array.from(f32.subarray(out >> 2, (out >> 2) + rows * n));
        assert.ok(largestRelativeError(Z, ref) < 1e-5, `linear ${rows}×${kk}×${n}: ${largestRelativeError(Z, ref)}`);
        // No bias.
        k.gemmNN(x, w, 0, out2, 0, rows, kk, n, MODE_LINEAR, 0);
        const noBias = ref.map((z, i) => z - B[i % n]!);
        assert.ok(largestRelativeError(f32.subarray(out2 >> 2, (out2 >> 2) + rows * n), noBias) < 1e-5, 'no bias');
        // z ⊙ aux.
        k.gemmNN(x, w, b, out2, aux, rows, kk, n, MODE_MUL, 0);
        const mul = ref.map((z, i) => z * A[i]!);
        assert.ok(largestRelativeError(f32.subarray(out2 >> 2, (out2 >> 2) + rows * n), mul) < 1e-5, 'mul');
        // sin(ω z) and ω cos(ω z) of the kernel's own z (ω·z in float32, as the kernel does).
        const omega = 30;
        k.gemmNN(x, w, b, out2, aux, rows, kk, n, MODE_SINCOS, omega);
        const arg = Array.from(Z, (z) => Math.fround(Math.fround(omega) * z));
        assert.ok(maxAbs(f32.subarray(out2 >> 2, (out2 >> 2) + rows * n), arg.map(Math.sin)) <= 1e-6, 'sincos: sin');
        assert.ok(maxAbs(f32.subarray(aux >> 2, (aux >> 2) + rows * n), arg.map((a) => omega * Math.cos(a))) <= 30e-6, 'sincos: cos');
        k.gemmNN(x, w, b, out2, 0, rows, kk, n, MODE_SIN, omega);
        assert.ok(maxAbs(f32.subarray(out2 >> 2, (out2 >> 2) + rows * n), arg.map(Math.sin)) <= 1e-6, 'sin');
      }
    });

    test('gemmTN and colSum: write then accumulate, match float64 (rel < 1e-5)', () => {
      // N = 4 and 12: an output layer padded to 4 takes the kernels' four-column tail.
      for (const [rows, kk, n] of [[37, 20, 24], [37, 20, 4], [13, 8, 12], [9, 4, 44]] as const) {
      const x = alloc(rows * kk);
      const g = alloc(rows * n);
      const d = alloc(kk * n);
      const db = alloc(n);
      const X = fill(f32, x, rows * kk);
      const G = fill(f32, g, rows * n);
      const ref = new Float64Array(kk * n);
      const refB = new Float64Array(n);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < n; j++) {
          refB[j] = refB[j]! + G[r * n + j]!;
          for (let i = 0; i < kk; i++) ref[i * n + j] = ref[i * n + j]! + X[r * kk + i]! * G[r * n + j]!;
        }
      }
      k.gemmTN(x, g, d, rows, kk, n, 0);
      k.colSum(g, db, rows, n, 0);
      assert.ok(largestRelativeError(f32.subarray(d >> 2, (d >> 2) + kk * n), ref) < 1e-5, 'gemmTN');
      assert.ok(largestRelativeError(f32.subarray(db >> 2, (db >> 2) + n), refB) < 1e-5, 'colSum');
      k.gemmTN(x, g, d, rows, kk, n, 1);
      k.colSum(g, db, rows, n, 1);
      assert.ok(largestRelativeError(f32.subarray(d >> 2, (d >> 2) + kk * n), ref.map((v) => 2 * v)) < 1e-5, 'gemmTN acc');
      assert.ok(largestRelativeError(f32.subarray(db >> 2, (db >> 2) + n), refB.map((v) => 2 * v)) < 1e-5, 'colSum acc');
      }
    });

    test('lossGrad, reduce, transpose and adam match float64', () => {
      // lossGrad: 6 rows, 5 valid, 3 of 8 columns.
      const y = alloc(6 * 8);
      const t = alloc(6 * 3);
      const g = alloc(6 * 8);
      const Y = Float32Array.from(fill(f32, y, 48));
      const T = fill(f32, t, 18);
      // G starts with garbage: the padding and the rows past `valid` must be written as zeros. Then in place (G = Y), as training calls it.
      fill(f32, g, 48);
      for (const out of [g, y]) {
        const sse = k.lossGrad(y, t, out, 6, 5, 3, 8, 0.5);
        let refSse = 0;
        for (let r = 0; r < 6; r++) {
          for (let o = 0; o < 8; o++) {
            const d = r < 5 && o < 3 ? Y[r * 8 + o]! - T[r * 3 + o]! : 0;
            refSse += d * d;
            assert.ok(Math.abs(f32[(out >> 2) + r * 8 + o]! - 0.5 * d) <= 1e-7, `lossGrad g[${r},${o}]`);
          }
        }
        assert.ok(Math.abs(sse - refSse) <= 1e-6 * refSse);
      }
      // reduce: 5 partials of 12 values with stride 16.
      const src = alloc(5 * 16);
      const S = fill(f32, src, 80);
      const dst = alloc(12);
      k.reduce(src, dst, 5, 16, 12);
      for (let i = 0; i < 12; i++) {
        let s = 0;
        for (let c = 0; c < 5; c++) s += S[c * 16 + i]!;
        assert.ok(Math.abs(f32[(dst >> 2) + i]! - s) <= 1e-6);
      }
      // transpose 3×5.
      const w = alloc(15);
      const wt = alloc(15);
      const W = fill(f32, w, 15);
      k.transpose(w, wt, 3, 5);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) assert.equal(f32[(wt >> 2) + j * 3 + i], W[i * 5 + j]);
      // adam: 3 steps on 16 values, with decoupled weight decay 2 (keep = 1 − lr·2).
      const n = 16;
      const p = alloc(n);
      const gr = alloc(n);
      const m = alloc(n);
      const v = alloc(n);
      const P = Float64Array.from(fill(f32, p, n));
      f32.fill(0, m >> 2, (m >> 2) + n);
      f32.fill(0, v >> 2, (v >> 2) + n);
      const M = new Float64Array(n);
      const V = new Float64Array(n);
      for (let step = 1; step <= 3; step++) {
        const G = fill(f32, gr, n, 0.01);
        const c1 = 1 - 0.9 ** step;
        const c2 = 1 - 0.999 ** step;
        const keep = Math.fround(1 - 1e-3 * 2);
        k.adam(p, gr, m, v, n, 1e-3, 0.9, 0.999, 1e-8, c1, c2, keep);
        for (let i = 0; i < n; i++) {
          M[i] = 0.9 * M[i]! + 0.1 * G[i]!;
          V[i] = 0.999 * V[i]! + 0.001 * G[i]! * G[i]!;
          P[i] = keep * P[i]! - (1e-3 * (M[i]! / c1)) / (Math.sqrt(V[i]! / c2) + 1e-8);
        }
      }
      assert.ok(maxAbs(f32.subarray(p >> 2, (p >> 2) + n), P) <= 1e-6, 'adam');
    });
  });
}

test('feature detection reports SIMD on Node 20', () => {
  assert.equal(features.simd, true);
  assert.equal(features.threads, true);
});

test('the decode-only builds hold the decoder\'s kernels alone, and compute them to the bit as the full builds do', () => {
  const decoderKernels = ['filterRgb', 'filterSets', 'gemmNN', 'rowSin'];
  const builds = ['simdUnshared', ...(features.relaxedSimd ? ['relaxedUnshared'] as const : [])] as const;
  for (const build of builds) {
    const decode = new WebAssembly.Module(Buffer.from(decodeBinaries[build], 'base64'));
    const full = new WebAssembly.Module(Buffer.from(binaries[build], 'base64'));
    assert.deepEqual(WebAssembly.Module.exports(decode).map((e) => e.name).sort(), decoderKernels, build);
    assert.ok(decodeBinaries[build].length < 0.8 * binaries[build].length, `${build}: ${decodeBinaries[build].length} base64 chars, the full build ${binaries[build].length}`);
    // Both over one memory: the same inputs, each build's outputs in its own place.
    const { memory, f32, alloc } = arena(1 << 20);
    const [rows, k, n, omega] = [37, 12, 24, 30];
    const x = alloc(rows * k), w = alloc(k * n), b = alloc(n), row = alloc(n);
    fill(f32, x, rows * k); fill(f32, w, k * n, 0.3); fill(f32, b, n); fill(f32, row, n);
    const outputs = [decode, full].map((module) => {
      const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Kernels;
      const sines = alloc(rows * n), linear = alloc(rows * n), grid = alloc(rows * n);
      kernels.gemmNN(x, w, b, sines, 0, rows, k, n, MODE_SIN, omega);
      kernels.gemmNN(x, w, b, linear, 0, rows, k, n, MODE_LINEAR, 0);
      kernels.rowSin(linear, row, grid, rows, n, omega);
      return [sines, linear, grid].map((at) => Array.from(f32.subarray(at >> 2, (at >> 2) + rows * n)));
    });
    assert.deepEqual(outputs[0], outputs[1], build);
  }
  for (const build of ['simdShared', 'relaxedShared'] as const) assert.equal(decodeBinaries[build], '', `${build}: a page's decoder shares no memory`);
});
