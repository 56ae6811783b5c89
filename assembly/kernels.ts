// SIREN training and inference kernels, compiled by AssemblyScript to WASM
// SIMD (and, in a second build, relaxed-SIMD FMA). No runtime, no allocation:
// every argument is a byte offset into the imported memory, which the host
// lays out (src/kernels/wasm/layout.ts). All matrices are f32, row-major.
//
// Shape rules the host guarantees (it pads the network with zero units, which
// is exact: a zero unit outputs sin(0) = 0 and gets a zero gradient):
//   - every column count N (fanOut) is a multiple of 4 (the host pads sine
//     layers to 8, an output layer of up to 4 values to 4);
//   - every K of gemmTN (fanIn) is a multiple of 4;
//   - every pointer is 16-byte aligned.
// Row counts are arbitrary; every K is at least 1.
//
// The scalar TypeScript kernels in src/kernels/wasm/scalar.ts compute the same
// functions; tests compare the two.

/** Epilogue of gemmNN. */
const MODE_LINEAR: i32 = 0; // out = z
const MODE_SINCOS: i32 = 1; // out = sin(ω·z), aux = ω·cos(ω·z)   (training forward)
const MODE_MUL: i32 = 2; //    out = z ⊙ aux                       (backward through a sine)
const MODE_SIN: i32 = 3; //    out = sin(ω·z)                      (inference forward)

// Sine and cosine: Cody–Waite reduction by π/2 with a three-part constant
// (the first two parts have few enough bits that k·C1 and k·C2 are exact for
// |k| < 2^12, i.e. |x| < ~6400), then Cephes' minimax polynomials for sin and
// cos on [-π/4, π/4]. Max abs error 9.3e-8 measured for |x| ≤ 8000 (the test
// checks ≤ 1e-6 for |x| ≤ 2000).
// k = round(x·2/π) comes from adding 1.5·2^23, whose low mantissa bits then
// hold k (two's complement), so the quadrant needs no float→int conversion.
const TWO_OVER_PI: f32 = 0.63661977236758134;
const ROUNDER: f32 = 12582912.0; // 1.5·2^23
const PIO2_1: f32 = 1.5703125;
const PIO2_2: f32 = 4.837512969970703125e-4;
const PIO2_3: f32 = 7.54978995489188216e-8;
const S1: f32 = -1.6666654611e-1;
const S2: f32 = 8.3321608736e-3;
const S3: f32 = -1.9515295891e-4;
const C1: f32 = 4.166664568298827e-2;
const C2: f32 = -1.388731625493765e-3;
const C3: f32 = 2.443315711809948e-5;

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline function splat(x: f32): v128 {
  return f32x4.splat(x);
}

// V8 (11.x) re-materializes every v128 constant at each use inside a loop
// (three instructions each). The sine constants are therefore derived from a
// run-time vector `unit` of 1.0 lanes once per call, and handed down as
// values, which stay in registers or stack slots.

/** sin(x) lane-wise to sinOut; when `cosOut` is non-zero also scale·cos(x) to cosOut. */
// @ts-ignore: decorator
@inline function sincosStore(
  x: v128, sinOut: usize, cosOut: usize, scale: v128,
  twoOverPi: v128, rounder: v128, p1: v128, p2: v128, p3: v128,
  s1: v128, s2: v128, s3: v128, c1: v128, c2: v128, c3: v128, half: v128, one: v128,
): void {
  const t = f32x4.add(f32x4.mul(x, twoOverPi), rounder);
  const k = f32x4.sub(t, rounder);
  let r = f32x4.sub(x, f32x4.mul(k, p1));
  r = f32x4.sub(r, f32x4.mul(k, p2));
  r = f32x4.sub(r, f32x4.mul(k, p3));
  const z = f32x4.mul(r, r);
  const ps = madd(madd(madd(s3, z, s2), z, s1), f32x4.mul(z, r), r);
  const pc = madd(madd(madd(c3, z, c2), z, c1), f32x4.mul(z, z), f32x4.sub(one, f32x4.mul(z, half)));
  // Quadrant q = k mod 4 from the low bits of t: odd q swaps sin and cos;
  // sin is negated when bit 1 of q is set, cos when bit 1 of q + 1 is.
  const bit0 = i32x4.shl(t, 31);
  const odd = i32x4.shr_s(bit0, 31);
  const sinSign = i32x4.shl(i32x4.shr_u(i32x4.shl(t, 30), 31), 31);
  v128.store(sinOut, v128.xor(v128.bitselect(pc, ps, odd), sinSign));
  if (cosOut != 0) {
    const cosSign = v128.xor(sinSign, bit0);
    v128.store(cosOut, f32x4.mul(v128.xor(v128.bitselect(ps, pc, odd), cosSign), scale));
  }
}

// The training forward's sine and cosine (MODE_SINCOS) need less: its values
// feed a gradient, never a decoded pixel, so they take a cheaper path, about
// 20 vector operations for four lanes against 38: reduction by π (k =
// round(x/π), sin x = (−1)^k sin r, cos x = (−1)^k cos r, the sign one shift
// of t's low bit), a two-part constant (k·π_1 exact for |k| < 2^16), and
// polynomials of degree 9 and 8 on [−π/2, π/2], near-minimax (Lawson's
// iteration, bench/sine-coefficients.py): abs error 4.6e-9 and 5.3e-8 before
// rounding. The cosine's polynomial has ω folded into its coefficients.
// Inference (MODE_SIN, sincos, rowSin) keeps the path above, so decoded
// pixels do not depend on this one.
const ONE_OVER_PI: f32 = 0.31830988618379067;
const PI_1: f32 = 3.140625;
const PI_2: f32 = 9.676535897932e-4;
const TS3: f32 = -0.1666665709682284;
const TS5: f32 = 0.008333017299090393;
const TS7: f32 = -0.0001980661572625755;
const TS9: f32 = 2.6000558893497165e-6;
const TC2: f32 = -0.49999932297231353;
const TC4: f32 = 0.04166398957415984;
const TC6: f32 = -0.0013855928127615568;
const TC8: f32 = 2.3194408582846815e-5;

/** sin(x) to sinOut and ω·cos(x) to cosOut (`tc*` hold ω times the cosine's coefficients, `omega` ω). */
// @ts-ignore: decorator
@inline function trainSincosStore(
  x: v128, sinOut: usize, cosOut: usize,
  oneOverPi: v128, rounder: v128, negPi1: v128, negPi2: v128,
  ts3: v128, ts5: v128, ts7: v128, ts9: v128,
  omega: v128, tc2: v128, tc4: v128, tc6: v128, tc8: v128,
): void {
  const t = madd(x, oneOverPi, rounder);
  const k = f32x4.sub(t, rounder);
  const r = madd(k, negPi2, madd(k, negPi1, x));
  const z = f32x4.mul(r, r);
  const ps = madd(madd(madd(madd(ts9, z, ts7), z, ts5), z, ts3), f32x4.mul(z, r), r);
  const pc = madd(madd(madd(madd(tc8, z, tc6), z, tc4), z, tc2), z, omega);
  // (−1)^k: the low bit of k sits in the low bit of t's mantissa.
  const sign = i32x4.shl(t, 31);
  v128.store(sinOut, v128.xor(ps, sign));
  v128.store(cosOut, v128.xor(pc, sign));
}

/** `value` in every lane, as a run-time value (`unit` holds run-time 1.0 lanes). */
// @ts-ignore: decorator
@inline function rc(value: f32, unit: v128): v128 {
  return f32x4.mul(splat(value), unit);
}

// @ts-ignore: decorator
@inline function epilogue(z: v128, out: usize, aux: usize, mode: i32): void {
  if (mode == MODE_MUL) v128.store(out, f32x4.mul(z, v128.load(aux)));
  else v128.store(out, z);
}

/**
 * out = epilogue(X·W + b): X rows×K, W K×N, b N (or 0 for none), out and aux
 * rows×N. N must be a multiple of 4. Register-blocked
 * 4 rows × 8 columns (4 × 4 for the last four columns when N is not a multiple of 8).
 *
 * The sine modes store X·W + b and then take the sine of the whole block in a
 * second loop (`sincosScaled`, `trainSincosPass`; the block is in cache), so that
 * the blocked loop holds no sine constants and training can take its cheaper
 * sine. The sine's cost does not shrink with K as the multiply-adds do: at
 * the narrow widths of most of a photo's tiles at 0.5 bpp (16–32) it was
 * about a quarter of a training step by instruction count (docs/engine.md,
 * sessions 20 and 21).
 */
export function gemmNN(
  x: usize, w: usize, b: usize, out: usize, aux: usize,
  rows: i32, k: i32, n: i32, mode: i32, omegaF: f32,
): void {
  const ldx = <usize>k << 2;
  const ldo = <usize>n << 2;
  const ldw = <usize>n << 2;
  for (let j = 0; j + 8 <= n; j += 8) {
    const jb = <usize>j << 2;
    let b0 = splat(0);
    let b1 = splat(0);
    if (b != 0) {
      b0 = v128.load(b + jb);
      b1 = v128.load(b + jb, 16);
    }
    const wEnd = w + jb + <usize>k * ldw;
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      // Four pointers walk along rows r … r+3 and one down W's columns: values
      // carried around the loop, which TurboFan keeps in registers. Row
      // addresses computed from r inside the loop were re-derived there on
      // every step (a multiply and eight adds per eight multiply-adds).
      let x0 = x + <usize>r * ldx;
      let x1 = x0 + ldx;
      let x2 = x1 + ldx;
      let x3 = x2 + ldx;
      let a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1;
      let wp = w + jb;
      do {
        const w0 = v128.load(wp);
        const w1 = v128.load(wp, 16);
        let s = v128.load32_splat(x0);
        a00 = madd(s, w0, a00);
        a01 = madd(s, w1, a01);
        s = v128.load32_splat(x1);
        a10 = madd(s, w0, a10);
        a11 = madd(s, w1, a11);
        s = v128.load32_splat(x2);
        a20 = madd(s, w0, a20);
        a21 = madd(s, w1, a21);
        s = v128.load32_splat(x3);
        a30 = madd(s, w0, a30);
        a31 = madd(s, w1, a31);
        x0 += 4;
        x1 += 4;
        x2 += 4;
        x3 += 4;
        wp += ldw;
      } while (wp < wEnd);
      const o0 = <usize>r * ldo + jb;
      epilogue(a00, out + o0, aux + o0, mode);
      epilogue(a01, out + o0 + 16, aux + o0 + 16, mode);
      const o1 = o0 + ldo;
      epilogue(a10, out + o1, aux + o1, mode);
      epilogue(a11, out + o1 + 16, aux + o1 + 16, mode);
      const o2 = o1 + ldo;
      epilogue(a20, out + o2, aux + o2, mode);
      epilogue(a21, out + o2 + 16, aux + o2 + 16, mode);
      const o3 = o2 + ldo;
      epilogue(a30, out + o3, aux + o3, mode);
      epilogue(a31, out + o3 + 16, aux + o3 + 16, mode);
    }
    for (; r < rows; r++) {
      const x0 = x + <usize>r * ldx;
      let a00 = b0, a01 = b1;
      let wp = w + jb;
      for (let i = 0; i < k; i++) {
        const s = v128.load32_splat(x0 + (<usize>i << 2));
        a00 = madd(s, v128.load(wp), a00);
        a01 = madd(s, v128.load(wp, 16), a01);
        wp += ldw;
      }
      const o0 = <usize>r * ldo + jb;
      epilogue(a00, out + o0, aux + o0, mode);
      epilogue(a01, out + o0 + 16, aux + o0 + 16, mode);
    }
  }
  if (n & 4) gemmNNColumns4(x, w, b, out, aux, rows, k, n - 4, ldx, ldw, mode);
  if (mode == MODE_SIN) sincosScaled(out, out, 0, rows * n, omegaF);
  else if (mode == MODE_SINCOS) trainSincosPass(out, aux, rows * n, omegaF);
}

/** gemmNN's last four columns j … j+3 (before the sine passes), when N is not a multiple of 8. */
function gemmNNColumns4(
  x: usize, w: usize, b: usize, out: usize, aux: usize,
  rows: i32, k: i32, j: i32, ldx: usize, ldn: usize, mode: i32,
): void {
  // ldn: the row stride of both W and out, N floats.
  const jb = <usize>j << 2;
  const b0 = b != 0 ? v128.load(b + jb) : splat(0);
  const wEnd = w + jb + <usize>k * ldn;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    let a0 = b0, a1 = b0, a2 = b0, a3 = b0;
    // One pointer per row, as in gemmNN's blocked loop.
    let x0 = x + <usize>r * ldx;
    let x1 = x0 + ldx;
    let x2 = x1 + ldx;
    let x3 = x2 + ldx;
    let wp = w + jb;
    do {
      const w0 = v128.load(wp);
      a0 = madd(v128.load32_splat(x0), w0, a0);
      a1 = madd(v128.load32_splat(x1), w0, a1);
      a2 = madd(v128.load32_splat(x2), w0, a2);
      a3 = madd(v128.load32_splat(x3), w0, a3);
      x0 += 4;
      x1 += 4;
      x2 += 4;
      x3 += 4;
      wp += ldn;
    } while (wp < wEnd);
    const o0 = <usize>r * ldn + jb;
    epilogue(a0, out + o0, aux + o0, mode);
    epilogue(a1, out + o0 + ldn, aux + o0 + ldn, mode);
    epilogue(a2, out + o0 + 2 * ldn, aux + o0 + 2 * ldn, mode);
    epilogue(a3, out + o0 + 3 * ldn, aux + o0 + 3 * ldn, mode);
  }
  for (; r < rows; r++) {
    const x0 = x + <usize>r * ldx;
    let a0 = b0;
    let wp = w + jb;
    for (let i = 0; i < k; i++) {
      a0 = madd(v128.load32_splat(x0 + (<usize>i << 2)), v128.load(wp), a0);
      wp += ldn;
    }
    const o0 = <usize>r * ldn + jb;
    epilogue(a0, out + o0, aux + o0, mode);
  }
}

/** v = sin(ω·v) in place and aux = ω·cos(ω·v) for n values (a multiple of 4): the training path. */
function trainSincosPass(v: usize, aux: usize, n: i32, omegaF: f32): void {
  const omega = splat(omegaF);
  const unit = f32x4.div(omega, omega);
  const oneOverPi = rc(ONE_OVER_PI, unit), rounder = rc(ROUNDER, unit);
  const negPi1 = rc(-PI_1, unit), negPi2 = rc(-PI_2, unit);
  const ts3 = rc(TS3, unit), ts5 = rc(TS5, unit), ts7 = rc(TS7, unit), ts9 = rc(TS9, unit);
  const tc2 = f32x4.mul(splat(TC2), omega), tc4 = f32x4.mul(splat(TC4), omega);
  const tc6 = f32x4.mul(splat(TC6), omega), tc8 = f32x4.mul(splat(TC8), omega);
  const bytes = <usize>n << 2;
  let o: usize = 0;
  for (; o + 32 <= bytes; o += 32) {
    trainSincosStore(f32x4.mul(v128.load(v + o), omega), v + o, aux + o, oneOverPi, rounder, negPi1, negPi2,
      ts3, ts5, ts7, ts9, omega, tc2, tc4, tc6, tc8);
    trainSincosStore(f32x4.mul(v128.load(v + o, 16), omega), v + o + 16, aux + o + 16, oneOverPi, rounder, negPi1, negPi2,
      ts3, ts5, ts7, ts9, omega, tc2, tc4, tc6, tc8);
  }
  if (o < bytes) {
    trainSincosStore(f32x4.mul(v128.load(v + o), omega), v + o, aux + o, oneOverPi, rounder, negPi1, negPi2,
      ts3, ts5, ts7, ts9, omega, tc2, tc4, tc6, tc8);
  }
}

/**
 * d (+)= Xᵀ·G: X rows×K, G rows×N, d K×N; accumulates when `acc` is non-zero,
 * else overwrites. K must be a multiple of 4 and N of 4. Blocked 4 × 8 (4 × 4 for
 * the last four columns when N is not a multiple of 8); the
 * sum over rows runs in row order, so the result depends only on the rows.
 */
export function gemmTN(x: usize, g: usize, d: usize, rows: i32, k: i32, n: i32, acc: i32): void {
  const ldx = <usize>k << 2;
  const ldg = <usize>n << 2;
  for (let i = 0; i < k; i += 4) {
    for (let j = 0; j + 8 <= n; j += 8) {
      let a00 = splat(0), a01 = splat(0), a10 = splat(0), a11 = splat(0);
      let a20 = splat(0), a21 = splat(0), a30 = splat(0), a31 = splat(0);
      let xp = x + (<usize>i << 2);
      let gp = g + (<usize>j << 2);
      // The loop ends on G's pointer: no row counter to carry.
      const gEnd = gp + <usize>rows * ldg;
      while (gp < gEnd) {
        const g0 = v128.load(gp);
        const g1 = v128.load(gp, 16);
        let s = v128.load32_splat(xp);
        a00 = madd(s, g0, a00);
        a01 = madd(s, g1, a01);
        s = v128.load32_splat(xp, 4);
        a10 = madd(s, g0, a10);
        a11 = madd(s, g1, a11);
        s = v128.load32_splat(xp, 8);
        a20 = madd(s, g0, a20);
        a21 = madd(s, g1, a21);
        s = v128.load32_splat(xp, 12);
        a30 = madd(s, g0, a30);
        a31 = madd(s, g1, a31);
        xp += ldx;
        gp += ldg;
      }
      const d0 = d + <usize>i * ldg + (<usize>j << 2);
      storeSum(d0, a00, acc);
      storeSum(d0 + 16, a01, acc);
      storeSum(d0 + ldg, a10, acc);
      storeSum(d0 + ldg + 16, a11, acc);
      storeSum(d0 + 2 * ldg, a20, acc);
      storeSum(d0 + 2 * ldg + 16, a21, acc);
      storeSum(d0 + 3 * ldg, a30, acc);
      storeSum(d0 + 3 * ldg + 16, a31, acc);
    }
    if (n & 4) gemmTNColumns4(x, g, d, rows, i, n - 4, ldx, ldg, acc);
  }
}

/** gemmTN's last four columns j … j+3 of rows i … i+3 of d, when N is not a multiple of 8. */
function gemmTNColumns4(x: usize, g: usize, d: usize, rows: i32, i: i32, j: i32, ldx: usize, ldg: usize, acc: i32): void {
  let a0 = splat(0), a1 = splat(0), a2 = splat(0), a3 = splat(0);
  let xp = x + (<usize>i << 2);
  let gp = g + (<usize>j << 2);
  const gEnd = gp + <usize>rows * ldg;
  while (gp < gEnd) {
    const g0 = v128.load(gp);
    a0 = madd(v128.load32_splat(xp), g0, a0);
    a1 = madd(v128.load32_splat(xp, 4), g0, a1);
    a2 = madd(v128.load32_splat(xp, 8), g0, a2);
    a3 = madd(v128.load32_splat(xp, 12), g0, a3);
    xp += ldx;
    gp += ldg;
  }
  const d0 = d + <usize>i * ldg + (<usize>j << 2);
  storeSum(d0, a0, acc);
  storeSum(d0 + ldg, a1, acc);
  storeSum(d0 + 2 * ldg, a2, acc);
  storeSum(d0 + 3 * ldg, a3, acc);
}

/** Stores `a` at `d`, or adds it to what is there when `acc` is non-zero (gemmTN's accumulate). */
// @ts-ignore: decorator
@inline function storeSum(d: usize, a: v128, acc: i32): void {
  v128.store(d, acc != 0 ? f32x4.add(v128.load(d), a) : a);
}

/**
 * d (+)= column sums of G (rows×N, N a multiple of 4), in row order. Sixteen
 * columns a sweep (then eight, then four): four sums in flight instead of one,
 * since one sum a sweep waited on each add's latency (3 % of a training step
 * at width 24). Each column's sum runs in the same order, so the bits do not
 * depend on the blocking.
 */
export function colSum(g: usize, d: usize, rows: i32, n: i32, acc: i32): void {
  const ldg = <usize>n << 2;
  const gEnd = g + <usize>rows * ldg;
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    let s0 = splat(0), s1 = splat(0), s2 = splat(0), s3 = splat(0);
    let gp = g + (<usize>j << 2);
    const end = gEnd + (<usize>j << 2);
    while (gp < end) {
      s0 = f32x4.add(s0, v128.load(gp));
      s1 = f32x4.add(s1, v128.load(gp, 16));
      s2 = f32x4.add(s2, v128.load(gp, 32));
      s3 = f32x4.add(s3, v128.load(gp, 48));
      gp += ldg;
    }
    const dp = d + (<usize>j << 2);
    storeSum(dp, s0, acc);
    storeSum(dp + 16, s1, acc);
    storeSum(dp + 32, s2, acc);
    storeSum(dp + 48, s3, acc);
  }
  if (n - j >= 8) {
    let s0 = splat(0), s1 = splat(0);
    let gp = g + (<usize>j << 2);
    const end = gEnd + (<usize>j << 2);
    while (gp < end) {
      s0 = f32x4.add(s0, v128.load(gp));
      s1 = f32x4.add(s1, v128.load(gp, 16));
      gp += ldg;
    }
    const dp = d + (<usize>j << 2);
    storeSum(dp, s0, acc);
    storeSum(dp + 16, s1, acc);
    j += 8;
  }
  if (j < n) {
    let s0 = splat(0);
    let gp = g + (<usize>j << 2);
    const end = gEnd + (<usize>j << 2);
    while (gp < end) {
      s0 = f32x4.add(s0, v128.load(gp));
      gp += ldg;
    }
    storeSum(d + (<usize>j << 2), s0, acc);
  }
}

/**
 * Squared-error loss and its gradient for `rows` rows of predictions y
 * (stride ldy ≥ outs) against targets t (stride outs): g = scale·(y − t) for
 * the first `valid` rows and `outs` columns, 0 elsewhere.
 * @returns the sum of squared differences, accumulated in f64 in row order.
 */
export function lossGrad(y: usize, t: usize, g: usize, rows: i32, valid: i32, outs: i32, ldy: i32, scale: f32): f64 {
  // Valid rows first, then the padding: no branch per value. The sum runs in
  // row order as before, so the loss is the same to the bit.
  let sum: f64 = 0;
  const ldyBytes = <usize>ldy << 2;
  const outsBytes = <usize>outs << 2;
  const real = min(valid, rows);
  let yp = y, gp = g, tp = t;
  for (let r = 0; r < real; r++) {
    for (let o: usize = 0; o < outsBytes; o += 4) {
      const diff = load<f32>(yp + o) - load<f32>(tp + o);
      sum += <f64>diff * <f64>diff;
      store<f32>(gp + o, scale * diff);
    }
    for (let o = outsBytes; o < ldyBytes; o += 4) store<f32>(gp + o, 0);
    yp += ldyBytes;
    gp += ldyBytes;
    tp += outsBytes;
  }
  if (rows > real) memory.fill(gp, 0, <usize>(rows - real) * ldyBytes);
  return sum;
}

/**
 * One bias-corrected Adam step on n values (a multiple of 4), in place:
 * m = β1·m + (1−β1)·g, v = β2·v + (1−β2)·g², p = keep·p − lr·(m/c1) / (√(v/c2) + ε),
 * with c1 = 1 − β1^t and c2 = 1 − β2^t passed in; keep = 1 − lr·decay is
 * the decoupled weight decay (1 without it: p·1 is exact).
 */
export function adam(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, c1: f32, c2: f32, keep: f32): void {
  const vkeep = splat(keep);
  const vb1 = splat(beta1);
  const vb1c = splat(1 - beta1);
  const vb2 = splat(beta2);
  const vb2c = splat(1 - beta2);
  const step = splat(lr / c1);
  const vc2 = splat(c2);
  const veps = splat(eps);
  const bytes = <usize>n << 2;
  for (let o: usize = 0; o < bytes; o += 16) {
    const gv = v128.load(g + o);
    const mv = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vb1c, gv));
    const vv = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(vb2c, f32x4.mul(gv, gv)));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const denom = f32x4.add(f32x4.sqrt(f32x4.div(vv, vc2)), veps);
    v128.store(p + o, f32x4.sub(f32x4.mul(vkeep, v128.load(p + o)), f32x4.div(f32x4.mul(step, mv), denom)));
  }
}

/** d[i] = Σ_c src[c·stride + i] for i < n (a multiple of 4), c = 0 … count−1 in order. */
export function reduce(src: usize, d: usize, count: i32, stride: i32, n: i32): void {
  const bytes = <usize>n << 2;
  const ld = <usize>stride << 2;
  for (let o: usize = 0; o < bytes; o += 16) {
    let s = v128.load(src + o);
    let sp = src + o + ld;
    for (let c = 1; c < count; c++) {
      s = f32x4.add(s, v128.load(sp));
      sp += ld;
    }
    v128.store(d + o, s);
  }
}

/** t = wᵀ: w rows×cols → t cols×rows. */
export function transpose(w: usize, t: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      store<f32>(t + (<usize>(j * rows + i) << 2), load<f32>(w + (<usize>(i * cols + j) << 2)));
    }
  }
}

/** s = sin(x), c = cos(x) for n values (a multiple of 4); c may be 0. */
export function sincos(x: usize, s: usize, c: usize, n: i32): void {
  sincosScaled(x, s, c, n, 1);
}

/**
 * s = sin(scale·x), c = cos(scale·x) for n values (a multiple of 4); c may be
 * 0. The inference path: `sincos`, and gemmNN's MODE_SIN (scale ω) in place.
 */
function sincosScaled(x: usize, s: usize, c: usize, n: i32, scaleF: f32): void {
  const scale = splat(scaleF);
  const unit = f32x4.div(f32x4.splat(<f32>n), f32x4.splat(<f32>n));
  const twoOverPi = rc(TWO_OVER_PI, unit), rounder = rc(ROUNDER, unit);
  const p1 = rc(PIO2_1, unit), p2 = rc(PIO2_2, unit), p3 = rc(PIO2_3, unit);
  const s1 = rc(S1, unit), s2 = rc(S2, unit), s3 = rc(S3, unit);
  const c1 = rc(C1, unit), c2 = rc(C2, unit), c3 = rc(C3, unit);
  const half = rc(0.5, unit), one = unit;
  const bytes = <usize>n << 2;
  // Two vectors per iteration: a constant used once in the loop would be sunk
  // into it by Binaryen (and then re-materialized by V8). The product with
  // `scale` is exact for 1 and rounds to f32 as gemmNN's fused epilogue did.
  let o: usize = 0;
  for (; o + 32 <= bytes; o += 32) {
    sincosStore(f32x4.mul(v128.load(x + o), scale), s + o, c != 0 ? c + o : 0, one,
      twoOverPi, rounder, p1, p2, p3, s1, s2, s3, c1, c2, c3, half, one);
    sincosStore(f32x4.mul(v128.load(x + o, 16), scale), s + o + 16, c != 0 ? c + o + 16 : 0, one,
      twoOverPi, rounder, p1, p2, p3, s1, s2, s3, c1, c2, c3, half, one);
  }
  if (o < bytes) {
    sincosStore(f32x4.mul(v128.load(x + o), scale), s + o, c != 0 ? c + o : 0, one,
      twoOverPi, rounder, p1, p2, p3, s1, s2, s3, c1, c2, c3, half, one);
  }
}

/**
 * out[r·n + j] = sin(ω·(a[r·n + j] + row[j])) for r < rows, j < n (a multiple
 * of 4): the first sine layer on a row of a pixel grid, whose pre-activation
 * is a per-column part `a` plus the row's part (bias included), each computed
 * once per column and per row instead of once per pixel (src/kernels/grid-forward.ts).
 */
export function rowSin(a: usize, row: usize, out: usize, rows: i32, n: i32, omegaF: f32): void {
  const omega = splat(omegaF);
  const unit = f32x4.div(omega, omega);
  const twoOverPi = rc(TWO_OVER_PI, unit), rounder = rc(ROUNDER, unit);
  const p1 = rc(PIO2_1, unit), p2 = rc(PIO2_2, unit), p3 = rc(PIO2_3, unit);
  const s1 = rc(S1, unit), s2 = rc(S2, unit), s3 = rc(S3, unit);
  const c1 = rc(C1, unit), c2 = rc(C2, unit), c3 = rc(C3, unit);
  const half = rc(0.5, unit), one = unit;
  const ld = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const at = <usize>r * ld;
    let o: usize = 0;
    for (; o + 32 <= ld; o += 32) {
      const z0 = f32x4.mul(f32x4.add(v128.load(a + at + o), v128.load(row + o)), omega);
      const z1 = f32x4.mul(f32x4.add(v128.load(a + at + o, 16), v128.load(row + o, 16)), omega);
      sincosStore(z0, out + at + o, 0, one, twoOverPi, rounder, p1, p2, p3, s1, s2, s3, c1, c2, c3, half, one);
      sincosStore(z1, out + at + o + 16, 0, one, twoOverPi, rounder, p1, p2, p3, s1, s2, s3, c1, c2, c3, half, one);
    }
    if (o < ld) {
      const z = f32x4.mul(f32x4.add(v128.load(a + at + o), v128.load(row + o)), omega);
      sincosStore(z, out + at + o, 0, one, twoOverPi, rounder, p1, p2, p3, s1, s2, s3, c1, c2, c3, half, one);
    }
  }
}

/** The address of table row `which` (0 or 1) of point r's int32 pair at index + 8r, in rows of `ld` bytes from `base`. */
// @ts-ignore: decorator
@inline function pairedRow(index: usize, r: i32, which: i32, base: usize, ld: usize): usize {
  return base + <usize>load<i32>(index + (<usize>r << 3) + (<usize>which << 2)) * ld;
}

/**
 * The training forward of a factored first layer (src/kernels/wasm/factored-inputs.ts):
 * for r < rows, with (i, j) the int32 pair at index + 8r, z = pre[i] + pre[j]
 * (rows of n floats, n a multiple of 4), out[r] = sin(ω·z) and
 * aux[r] = ω·cos(ω·z), the sine in a second pass as gemmNN takes it.
 */
export function gatherSinCos(index: usize, pre: usize, out: usize, aux: usize, rows: i32, n: i32, omegaF: f32): void {
  const ld = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const a = pairedRow(index, r, 0, pre, ld);
    const b = pairedRow(index, r, 1, pre, ld);
    const o = out + <usize>r * ld;
    for (let j: usize = 0; j < ld; j += 16) v128.store(o + j, f32x4.add(v128.load(a + j), v128.load(b + j)));
  }
  trainSincosPass(out, aux, rows * n, omegaF);
}

/**
 * The weight gradient of a factored first layer, its first half: for r < rows,
 * with (i, j) the int32 pair at index + 8r, acc[i] += g[r], then acc[j] += g[r]
 * (rows of n floats, n a multiple of 4), in row order.
 */
export function scatterAdd(index: usize, g: usize, acc: usize, rows: i32, n: i32): void {
  const ld = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const a = pairedRow(index, r, 0, acc, ld);
    const b = pairedRow(index, r, 1, acc, ld);
    const gr = g + <usize>r * ld;
    for (let o: usize = 0; o < ld; o += 16) v128.store(a + o, f32x4.add(v128.load(a + o), v128.load(gr + o)));
    for (let o: usize = 0; o < ld; o += 16) v128.store(b + o, f32x4.add(v128.load(b + o), v128.load(gr + o)));
  }
}

// The restoration filter's correction of RGB samples (spec §4.6), the decode's
// hot loop after the networks: src/kernels/post-filter.ts `correctRgb`, the
// same float64 operations in the same order, so the two agree to the bit
// (WASM never fuses a multiply and an add). Not part of the kernel table:
// the TypeScript loop is its fallback, and the reference.
//   values: f32 rows of `width` pixels × `channels`, the band with `reach`
//           rows above and below it; out: f32, the band's rows only;
//   sets:   u8, each band pixel's coefficient set;
//   coef:   f64, per set 3 channels × n coefficients (own taps, then the
//           cross taps of the other two channels in ascending order);
//   own, cross: i32 tap offsets in samples (≥ 0; the pair's other tap is −).
// Pixels x in [reachX, width − reachX) of each band row: the caller widens the
// rows by copies of their edge pixels, so these are all of the image's.
export function filterRgb(
  values: usize, out: usize, sets: usize, coef: usize, bounds: usize, own: usize, nOwn: i32, cross: usize, nCross: i32,
  width: i32, channels: i32, reachX: i32, reachY: i32, rows: i32, n: i32,
): void {
  const rowBytes = <usize>(width * channels) << 2;
  const setBytes = <usize>(3 * n) << 3;
  const channelBytes = <usize>n << 3;
  const first = <usize>nOwn << 3, second = <usize>(nOwn + nCross) << 3;
  for (let row = 0; row < rows; row++) {
    const inRow = values + (<usize>(row + reachY)) * rowBytes;
    const outRow = out + <usize>row * rowBytes;
    const setRow = sets + <usize>(row * width);
    for (let x = reachX; x < width - reachX; x++) {
      const at = <usize>(x * channels) << 2;
      const p = inRow + at;
      const v0 = <f64>load<f32>(p), v1 = <f64>load<f32>(p, 4), v2 = <f64>load<f32>(p, 8);
      const set = <usize>load<u8>(setRow + <usize>x);
      const b0 = coef + set * setBytes;
      const b1 = b0 + channelBytes, b2 = b1 + channelBytes;
      let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0;
      if (bounds == 0) {
        for (let m = 0; m < nOwn; m++) {
          const r = <usize>load<i32>(own + (<usize>m << 2)) << 2;
          const c = <usize>m << 3;
          s0 += load<f64>(b0 + c) * (<f64>load<f32>(p + r) + <f64>load<f32>(p - r) - 2 * v0);
          s1 += load<f64>(b1 + c) * (<f64>load<f32>(p + r, 4) + <f64>load<f32>(p - r, 4) - 2 * v1);
          s2 += load<f64>(b2 + c) * (<f64>load<f32>(p + r, 8) + <f64>load<f32>(p - r, 8) - 2 * v2);
        }
      } else {
        // Clipped taps (spec §4.9): each difference from the centre clamped to ±the set's bound for the tap.
        const setBounds = bounds + ((set * <usize>nOwn) << 3);
        for (let m = 0; m < nOwn; m++) {
          const r = <usize>load<i32>(own + (<usize>m << 2)) << 2;
          const c = <usize>m << 3;
          const bound = load<f64>(setBounds + c);
          const lo = f64x2.splat(-bound), hi = f64x2.splat(bound);
          s0 += load<f64>(b0 + c) * clippedPair(<f64>load<f32>(p + r) - v0, <f64>load<f32>(p - r) - v0, lo, hi);
          s1 += load<f64>(b1 + c) * clippedPair(<f64>load<f32>(p + r, 4) - v1, <f64>load<f32>(p - r, 4) - v1, lo, hi);
          s2 += load<f64>(b2 + c) * clippedPair(<f64>load<f32>(p + r, 8) - v2, <f64>load<f32>(p - r, 8) - v2, lo, hi);
        }
      }
      for (let m = 0; m < nCross; m++) {
        const r = <usize>load<i32>(cross + (<usize>m << 2)) << 2;
        const c = <usize>m << 3;
        const d0 = <f64>load<f32>(p + r) + <f64>load<f32>(p - r) - 2 * v0;
        const d1 = <f64>load<f32>(p + r, 4) + <f64>load<f32>(p - r, 4) - 2 * v1;
        const d2 = <f64>load<f32>(p + r, 8) + <f64>load<f32>(p - r, 8) - 2 * v2;
        s0 += load<f64>(b0 + first + c) * d1 + load<f64>(b0 + second + c) * d2;
        s1 += load<f64>(b1 + first + c) * d0 + load<f64>(b1 + second + c) * d2;
        s2 += load<f64>(b2 + first + c) * d0 + load<f64>(b2 + second + c) * d1;
      }
      const o = outRow + at;
      store<f32>(o, <f32>(v0 + s0));
      store<f32>(o, <f32>(v1 + s1), 4);
      store<f32>(o, <f32>(v2 + s2), 8);
    }
  }
}

/**
 * A tap's two differences from the centre, `up` and `down`, each clamped to [lo, hi] (the splatted −bound and bound;
 * ±∞ leaves them as they are), then summed: post-filter.ts `clip(up) + clip(down)`. One f64x2 pmax and pmin (maxpd
 * and minpd) for both, where scalar f64.min and f64.max, which V8 expands for NaNs and zeros' signs, or branches,
 * took the clipped filter to 3–5 times the plain one's time. pmax(v, lo) is v < lo ? lo : v and pmin(v, hi) is
 * hi < v ? hi : v, the TypeScript's comparisons, so the sums agree to the bit.
 */
// @ts-ignore: decorator
@inline
function clippedPair(up: f64, down: f64, lo: v128, hi: v128): f64 {
  const clamped = f64x2.pmin(f64x2.pmax(f64x2.replace_lane(f64x2.splat(up), 1, down), lo), hi);
  return f64x2.extract_lane(clamped, 0) + f64x2.extract_lane(clamped, 1);
}

// The restoration filter's classes (spec §4.6): src/kernels/post-filter.ts
// `activityAround`, `boxMean`, `classesOf` and `directionsAround`, the same
// operations in the same order, so the classes agree to the bit. Inputs and
// scratch are laid out by src/kernels/wasm/filter-kernel.ts:
//   luma: f32 × count; laplacian, rows, activity: f32 × count; prefix: f64 ×
//   (max(width, height) + 1); thresholds: f32 × nThresholds; ring: f64 ×
//   (2·boxY + 2) × 4·width; differences: f64 × 4·width; columns: f64 × 4·width;
//   sets: u8 × count (out).
export function filterSets(
  luma: usize, width: i32, height: i32, stepX: i32, stepY: i32, boxX: i32, boxY: i32,
  thresholds: usize, nThresholds: i32, directions: i32,
  laplacian: usize, rows: usize, activity: usize, prefix: usize, ring: usize, differences: usize, columns: usize, sets: usize,
): void {
  const count = width * height;
  if (nThresholds > 0) {
    for (let y = 0; y < height; y++) {
      const up = clampRow(y - stepY, height) * width, down = clampRow(y + stepY, height) * width, row = y * width;
      for (let x = 0; x < width; x++) {
        const left = clampRow(x - stepX, width), right = clampRow(x + stepX, width);
        const l = 4 * <f64>lumaAt(luma, row + x) - <f64>lumaAt(luma, row + left) - <f64>lumaAt(luma, row + right)
          - <f64>lumaAt(luma, up + x) - <f64>lumaAt(luma, down + x);
        store<f32>(laplacian + (<usize>(row + x) << 2), <f32>Math.abs(l));
      }
    }
    boxMeanInto(laplacian, rows, activity, prefix, width, height, boxX, boxY);
    for (let i = 0; i < count; i++) {
      const a = load<f32>(activity + (<usize>i << 2));
      let k = 0;
      while (k < nThresholds && a >= load<f32>(thresholds + (<usize>k << 2))) k++;
      store<u8>(sets + <usize>i, <u8>k);
    }
  } else {
    memory.fill(sets, 0, <usize>count);
  }
  if (directions <= 1) return;
  const slots = 2 * boxY + 2;
  const slotBytes = <usize>(4 * width) << 3;
  memory.fill(columns, 0, slotBytes);
  for (let y = 0; y < min(height, boxY); y++) {
    const slot = ring + <usize>(y % slots) * slotBytes;
    directionRowSums(luma, y, width, height, stepX, stepY, boxX, differences, slot);
    addSlot(columns, slot, 4 * width, 1);
  }
  for (let y = 0; y < height; y++) {
    const entering = y + boxY;
    if (entering < height) {
      const slot = ring + <usize>(entering % slots) * slotBytes;
      directionRowSums(luma, entering, width, height, stepX, stepY, boxX, differences, slot);
      addSlot(columns, slot, 4 * width, 1);
    }
    const leaving = y - boxY - 1;
    if (leaving >= 0) addSlot(columns, ring + <usize>(leaving % slots) * slotBytes, 4 * width, -1);
    for (let x = 0; x < width; x++) {
      const c = columns + (<usize>x << 5);
      const h = load<f64>(c), v = load<f64>(c, 8), d1 = load<f64>(c, 16), d2 = load<f64>(c, 24);
      const strongHv = h > v ? h : v, weakHv = h > v ? v : h;
      const strongD = d1 > d2 ? d1 : d2, weakD = d1 > d2 ? d2 : d1;
      const direction: i32 = strongHv * weakD >= strongD * weakHv
        ? (strongHv > 2 * weakHv ? (h > v ? 1 : 2) : 0)
        : (strongD > 2 * weakD ? (d1 > d2 ? 3 : 4) : 0);
      const at = sets + <usize>(y * width + x);
      store<u8>(at, <u8>(<i32>load<u8>(at) * directions + direction));
    }
  }
}

@inline function clampRow(i: i32, size: i32): i32 {
  return i < 0 ? 0 : i >= size ? size - 1 : i;
}

@inline function lumaAt(luma: usize, i: i32): f32 {
  return load<f32>(luma + (<usize>i << 2));
}

// post-filter.ts `boxMean`: sums along rows, then columns, from float64 prefix sums.
function boxMeanInto(input: usize, rows: usize, out: usize, prefix: usize, width: i32, height: i32, bx: i32, by: i32): void {
  store<f64>(prefix, 0);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      store<f64>(prefix + (<usize>(x + 1) << 3), load<f64>(prefix + (<usize>x << 3)) + <f64>load<f32>(input + (<usize>(row + x) << 2)));
    }
    for (let x = 0; x < width; x++) {
      const sum = load<f64>(prefix + (<usize>min(width, x + bx + 1) << 3)) - load<f64>(prefix + (<usize>max(0, x - bx) << 3));
      store<f32>(rows + (<usize>(row + x) << 2), <f32>sum);
    }
  }
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      store<f64>(prefix + (<usize>(y + 1) << 3), load<f64>(prefix + (<usize>y << 3)) + <f64>load<f32>(rows + (<usize>(y * width + x) << 2)));
    }
    const columns = min(width, x + bx + 1) - max(0, x - bx);
    for (let y = 0; y < height; y++) {
      const top = max(0, y - by), bottom = min(height, y + by + 1);
      const sum = load<f64>(prefix + (<usize>bottom << 3)) - load<f64>(prefix + (<usize>top << 3));
      store<f32>(out + (<usize>(y * width + x) << 2), <f32>(sum / <f64>(columns * (bottom - top))));
    }
  }
}

// post-filter.ts `directionsAround`'s rowSums: one row's four |second differences|, summed along the row over the box.
function directionRowSums(luma: usize, y: i32, width: i32, height: i32, stepX: i32, stepY: i32, boxX: i32, differences: usize, out: usize): void {
  const row = y * width, above = clampRow(y - stepY, height) * width, below = clampRow(y + stepY, height) * width;
  const w = <usize>width << 3;
  for (let x = 0; x < width; x++) {
    const twice = 2 * <f64>lumaAt(luma, row + x);
    const left = x < stepX ? 0 : x - stepX;
    const right = x + stepX >= width ? width - 1 : x + stepX;
    const at = differences + (<usize>x << 3);
    store<f64>(at, Math.abs(twice - <f64>lumaAt(luma, row + left) - <f64>lumaAt(luma, row + right)));
    store<f64>(at + w, Math.abs(twice - <f64>lumaAt(luma, above + x) - <f64>lumaAt(luma, below + x)));
    store<f64>(at + 2 * w, Math.abs(twice - <f64>lumaAt(luma, above + left) - <f64>lumaAt(luma, below + right)));
    store<f64>(at + 3 * w, Math.abs(twice - <f64>lumaAt(luma, above + right) - <f64>lumaAt(luma, below + left)));
  }
  let h: f64 = 0, v: f64 = 0, d1: f64 = 0, d2: f64 = 0;
  for (let x = 0; x < min(boxX, width); x++) {
    const at = differences + (<usize>x << 3);
    h += load<f64>(at); v += load<f64>(at + w); d1 += load<f64>(at + 2 * w); d2 += load<f64>(at + 3 * w);
  }
  for (let x = 0; x < width; x++) {
    const entering = x + boxX;
    if (entering < width) {
      const at = differences + (<usize>entering << 3);
      h += load<f64>(at); v += load<f64>(at + w); d1 += load<f64>(at + 2 * w); d2 += load<f64>(at + 3 * w);
    }
    const leaving = x - boxX - 1;
    if (leaving >= 0) {
      const at = differences + (<usize>leaving << 3);
      h -= load<f64>(at); v -= load<f64>(at + w); d1 -= load<f64>(at + 2 * w); d2 -= load<f64>(at + 3 * w);
    }
    const o = out + (<usize>x << 5);
    store<f64>(o, h); store<f64>(o, v, 8); store<f64>(o, d1, 16); store<f64>(o, d2, 24);
  }
}

@inline function addSlot(columns: usize, slot: usize, n: i32, sign: f64): void {
  for (let i = 0; i < n; i++) {
    const at = columns + (<usize>i << 3);
    store<f64>(at, load<f64>(at) + sign * load<f64>(slot + (<usize>i << 3)));
  }
}

// The DCT residual (spec §4.7), the decode's step after the restoration filter: src/kernels/residual.ts `sumRow`,
// `planeRow` and `mixRow`, the same float64 operations in the same order, so the two agree to the bit. Laid out by
// src/kernels/wasm/residual-kernel.ts; the TypeScript is the fallback and the reference.

// Each output row's luma (0.299, 0.587, 0.114 of the colour channels, or the one channel of gray) in 8-bit levels,
// added into its block's sums, squares and counts (f64 each): the statistics of the adaptive steps.
//   values: f32, `rows` rows of `width` pixels × `channels`; columnBlocks: i32 × width, each column's block in its
//   row of blocks; rowBases: i32 × rows, the first block of each row's row of blocks.
export function residualSums(
  values: usize, width: i32, channels: i32, rows: i32, columnBlocks: usize, rowBases: usize, sums: usize, squares: usize, counts: usize,
): void {
  const colour = channels >= 3;
  const pixelBytes = <usize>channels << 2;
  for (let r = 0; r < rows; r++) {
    let at = values + <usize>(r * width) * pixelBytes;
    const rowBase = load<i32>(rowBases + (<usize>r << 2));
    for (let i = 0; i < width; i++, at += pixelBytes) {
      const f: f64 = colour
        ? 0.299 * <f64>load<f32>(at) + 0.587 * <f64>load<f32>(at, 4) + 0.114 * <f64>load<f32>(at, 8)
        : <f64>load<f32>(at);
      const level = ((f + 1) / 2) * 255;
      const b = <usize>(rowBase + load<i32>(columnBlocks + (<usize>i << 2))) << 3;
      store<f64>(sums + b, load<f64>(sums + b) + level);
      store<f64>(squares + b, load<f64>(squares + b) + level * level);
      store<f64>(counts + b, load<f64>(counts + b) + 1);
    }
  }
}

// The field's units per 8-bit level (spec §4.3).
const FIELD_PER_LEVEL: f64 = 2.0 / 255.0;

// Rows [first, first + rows) of the output: each plane's row rendered into its f64 row of `width` (planeRow), then
// added to the field's row as RGB (mixRow).
//   values: f32, the band's rows of `width` pixels × `channels`;
//   planes: nPlanes descriptors of 10 × i32 (residualPlaneRow's); rowsOut: f64 × width a plane;
//   partial: f64 × 8 a block of the widest plane; active: u8 a block; zigzag: u8 × 64 row frequencies, then 64 column
//   frequencies.
export function residualRows(
  values: usize, width: i32, channels: i32, colours: i32, first: i32, rows: i32, planes: usize, nPlanes: i32,
  rowsOut: usize, partial: usize, active: usize, zigzag: usize,
): void {
  const rowOutBytes = <usize>width << 3;
  for (let r = 0; r < rows; r++) {
    for (let p = 0; p < nPlanes; p++) residualPlaneRow(planes + <usize>p * 40, first + r, rowsOut + <usize>p * rowOutBytes, width, partial, active, zigzag);
    residualMixRow(values + (<usize>(r * width * channels) << 2), width, channels, colours, nPlanes, rowsOut, rowOutBytes);
  }
}

// One plane's row j at the output size, in levels. The descriptor (i32 × 10): coefficients (i16, the plane's blocks in
// raster order, n each), n, blocksX, steps (f64 × n, the zigzag positions' steps), scales (f64 a block, or 0: every
// block 1), columnBlocks (i32 × width), columnBasis (f64 × 8 a column), rowBlocks (i32 a row), rowBasis (f64 × 8 a
// row), columns (2 where the plane keeps column frequencies 0 and 1 only, else 8).
function residualPlaneRow(plane: usize, j: i32, out: usize, width: i32, partial: usize, active: usize, zigzag: usize): void {
  const coefficients = <usize>load<i32>(plane), n = load<i32>(plane, 4), blocksX = load<i32>(plane, 8);
  const steps = <usize>load<i32>(plane, 12), scales = <usize>load<i32>(plane, 16);
  const columnBlocks = <usize>load<i32>(plane, 20), basisX = <usize>load<i32>(plane, 24);
  const rowBlocks = <usize>load<i32>(plane, 28), basisY = <usize>load<i32>(plane, 32) + (<usize>(j * 8) << 3);
  const columns = load<i32>(plane, 36);
  const firstBlock = load<i32>(rowBlocks + (<usize>j << 2)) * blocksX;
  for (let bx = 0; bx < blocksX; bx++) {
    const block = firstBlock + bx;
    const from = coefficients + (<usize>(block * n) << 1);
    const sums = partial + (<usize>bx << 6);
    const scale: f64 = scales == 0 ? 1 : load<f64>(scales + (<usize>block << 3));
    let any: u8 = 0;
    for (let c = 0; c < n; c++) {
      const q = load<i16>(from + (<usize>c << 1));
      if (q == 0) continue;
      if (any == 0) {
        any = 1;
        memory.fill(sums, 0, 64);
      }
      const level = <f64>q * load<f64>(steps + (<usize>c << 3)) * scale;
      const at = sums + (<usize>load<u8>(zigzag + 64 + <usize>c) << 3);
      store<f64>(at, load<f64>(at) + level * load<f64>(basisY + (<usize>load<u8>(zigzag + <usize>c) << 3)));
    }
    store<u8>(active + <usize>bx, any);
  }
  for (let i = 0; i < width;) {
    const block = load<i32>(columnBlocks + (<usize>i << 2));
    let end = i + 1;
    while (end < width && load<i32>(columnBlocks + (<usize>end << 2)) == block) end++;
    if (load<u8>(active + <usize>block) == 0) {
      memory.fill(out + (<usize>i << 3), 0, <usize>(end - i) << 3);
      i = end;
      continue;
    }
    const s = partial + (<usize>block << 6);
    const p0 = load<f64>(s), p1 = load<f64>(s, 8);
    if (columns <= 2) {
      for (; i < end; i++) {
        const b = basisX + (<usize>i << 6);
        store<f64>(out + (<usize>i << 3), p0 * load<f64>(b) + p1 * load<f64>(b, 8));
      }
      continue;
    }
    const p2 = load<f64>(s, 16), p3 = load<f64>(s, 24), p4 = load<f64>(s, 32), p5 = load<f64>(s, 40), p6 = load<f64>(s, 48), p7 = load<f64>(s, 56);
    for (; i < end; i++) {
      const b = basisX + (<usize>i << 6);
      store<f64>(out + (<usize>i << 3), p0 * load<f64>(b) + p1 * load<f64>(b, 8) + p2 * load<f64>(b, 16) + p3 * load<f64>(b, 24)
        + p4 * load<f64>(b, 32) + p5 * load<f64>(b, 40) + p6 * load<f64>(b, 48) + p7 * load<f64>(b, 56));
    }
  }
}

// One row of Y (and Cb, Cr) in levels added to the field's row as RGB in the field's units: the inverse of JPEG's
// transform, or without chroma Y on every colour channel. Alpha is left as it is.
function residualMixRow(row: usize, width: i32, channels: i32, colours: i32, nPlanes: i32, rowsOut: usize, rowOutBytes: usize): void {
  const pixelBytes = <usize>channels << 2;
  if (nPlanes < 3) {
    for (let i = 0; i < width; i++) {
      const l = load<f64>(rowsOut + (<usize>i << 3)) * FIELD_PER_LEVEL;
      const at = row + <usize>i * pixelBytes;
      for (let c = 0; c < colours; c++) {
        const p = at + (<usize>c << 2);
        store<f32>(p, <f32>(<f64>load<f32>(p) + l));
      }
    }
    return;
  }
  for (let i = 0; i < width; i++) {
    const o = rowsOut + (<usize>i << 3);
    const l = load<f64>(o), u = load<f64>(o + rowOutBytes), v = load<f64>(o + 2 * rowOutBytes);
    const at = row + <usize>i * pixelBytes;
    store<f32>(at, <f32>(<f64>load<f32>(at) + (l + 1.402 * v) * FIELD_PER_LEVEL));
    store<f32>(at, <f32>(<f64>load<f32>(at, 4) + (l - 0.344136 * u - 0.714136 * v) * FIELD_PER_LEVEL), 4);
    store<f32>(at, <f32>(<f64>load<f32>(at, 8) + (l + 1.772 * u) * FIELD_PER_LEVEL), 8);
  }
}
