/**
 * Bjøntegaard delta metrics (VCEG-M33) with piecewise cubic Hermite
 * interpolation (PCHIP), the variant of the JCT-VC / JVET common test
 * conditions spreadsheet and of the `bjontegaard` Python package
 * (`bd_piecewise_cubic`, which uses SciPy's `PchipInterpolator`).
 *
 * BD-rate: log10(rate) is interpolated as a function of PSNR for both
 * curves, each interpolant is integrated exactly over the PSNR interval the
 * two curves share, and the mean difference d gives (10^d − 1) × 100 %.
 * Negative means the test codec needs fewer bits for the same quality.
 *
 * BD-PSNR: PSNR interpolated as a function of log10(rate), mean difference
 * over the shared log-rate interval, in dB. Positive means the test codec
 * is better.
 */

/** One measured operating point: rate (any positive unit, e.g. bpp) and PSNR in dB. */
export interface RdPoint {
  readonly bpp: number;
  readonly psnr: number;
}

/** Result of a BD comparison, with the interval the average was taken over. */
export interface BdResult {
  /** BD-rate in percent (test against reference). */
  readonly rate: number;
  /** Shared PSNR interval [low, high] of the BD-rate integral, dB. */
  readonly psnrInterval: readonly [number, number];
}

/**
 * A monotone piecewise cubic Hermite interpolant through (x, y), x strictly
 * increasing: slopes by Fritsch–Butland's weighted harmonic mean inside,
 * the shape-preserving one-sided three-point formula at the ends (Moler,
 * "Numerical Computing with MATLAB" §3.4; identical to SciPy's
 * `PchipInterpolator`). Two points give the straight line.
 */
export class Pchip {
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** dy/dx at each knot. */
  readonly slopes: Float64Array;

  constructor(x: ArrayLike<number>, y: ArrayLike<number>) {
    const n = x.length;
    if (n < 2 || y.length !== n) throw new RangeError(`PCHIP needs at least 2 points with as many x as y, got ${n} x and ${y.length} y`);
    this.x = Float64Array.from(x);
    this.y = Float64Array.from(y);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(this.x[i]!) || !Number.isFinite(this.y[i]!)) throw new RangeError(`PCHIP point ${i} is not finite: (${this.x[i]}, ${this.y[i]})`);
      if (i > 0 && !(this.x[i]! > this.x[i - 1]!)) throw new RangeError(`PCHIP x must increase strictly, but x[${i - 1}] = ${this.x[i - 1]} and x[${i}] = ${this.x[i]}`);
    }
    this.slopes = pchipSlopes(this.x, this.y);
  }

  /** The interpolant at `at`, which must lie within [x0, xn-1]. */
  valueAt(at: number): number {
    const k = this.segment(at);
    const h = this.x[k + 1]! - this.x[k]!;
    const t = (at - this.x[k]!) / h;
    const t2 = t * t;
    const t3 = t2 * t;
    return (2 * t3 - 3 * t2 + 1) * this.y[k]! + (t3 - 2 * t2 + t) * h * this.slopes[k]!
      + (-2 * t3 + 3 * t2) * this.y[k + 1]! + (t3 - t2) * h * this.slopes[k + 1]!;
  }

  /** Exact integral of the interpolant over [from, to], both within [x0, xn-1]. */
  integrate(from: number, to: number): number {
    if (to < from) return -this.integrate(to, from);
    return this.primitive(to) - this.primitive(from);
  }

  /** ∫ from x0 to `at`. */
  private primitive(at: number): number {
    const k = this.segment(at);
    let sum = 0;
    for (let i = 0; i < k; i++) sum += this.segmentIntegral(i, 1);
    return sum + this.segmentIntegral(k, (at - this.x[k]!) / (this.x[k + 1]! - this.x[k]!));
  }

  /** ∫ over the first fraction `t` ∈ [0, 1] of segment k, from the Hermite basis primitives. */
  private segmentIntegral(k: number, t: number): number {
    const h = this.x[k + 1]! - this.x[k]!;
    const t2 = t * t;
    const t3 = t2 * t;
    const t4 = t3 * t;
    return h * ((t4 / 2 - t3 + t) * this.y[k]! + (t4 / 4 - (2 * t3) / 3 + t2 / 2) * h * this.slopes[k]!
      + (-t4 / 2 + t3) * this.y[k + 1]! + (t4 / 4 - t3 / 3) * h * this.slopes[k + 1]!);
  }

  /** Index k of the segment [x_k, x_k+1] holding `at`. */
  private segment(at: number): number {
    const n = this.x.length;
    // Tolerate rounding at the ends: the BD interval comes from these very knots.
    const span = this.x[n - 1]! - this.x[0]!;
    if (!(at >= this.x[0]! - 1e-12 * span && at <= this.x[n - 1]! + 1e-12 * span)) {
      throw new RangeError(`PCHIP evaluated at ${at}, outside [${this.x[0]}, ${this.x[n - 1]}]`);
    }
    let k = 0;
    while (k < n - 2 && at > this.x[k + 1]!) k++;
    return k;
  }
}

/** PCHIP knot slopes (see `Pchip`). */
function pchipSlopes(x: Float64Array, y: Float64Array): Float64Array {
  const n = x.length;
  const h = new Float64Array(n - 1);
  const m = new Float64Array(n - 1);
  for (let k = 0; k < n - 1; k++) {
    h[k] = x[k + 1]! - x[k]!;
    m[k] = (y[k + 1]! - y[k]!) / h[k]!;
  }
  const d = new Float64Array(n);
  if (n === 2) {
    d[0] = m[0]!;
    d[1] = m[0]!;
    return d;
  }
  for (let k = 1; k < n - 1; k++) {
    const m0 = m[k - 1]!;
    const m1 = m[k]!;
    if (m0 === 0 || m1 === 0 || Math.sign(m0) !== Math.sign(m1)) {
      d[k] = 0; // a local extremum or flat part: keep the curve from overshooting
    } else {
      const w1 = 2 * h[k]! + h[k - 1]!;
      const w2 = h[k]! + 2 * h[k - 1]!;
      d[k] = (w1 + w2) / (w1 / m0 + w2 / m1);
    }
  }
  d[0] = endSlope(h[0]!, h[1]!, m[0]!, m[1]!);
  d[n - 1] = endSlope(h[n - 2]!, h[n - 3]!, m[n - 2]!, m[n - 3]!);
  return d;
}

/** One-sided three-point slope at an end, limited so the curve keeps its shape. */
function endSlope(h0: number, h1: number, m0: number, m1: number): number {
  const d = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
  if (Math.sign(d) !== Math.sign(m0)) return 0;
  if (Math.sign(m0) !== Math.sign(m1) && Math.abs(d) > 3 * Math.abs(m0)) return 3 * m0;
  return d;
}

/** Points sorted by `key`, checked: positive finite rates, finite PSNR, no repeated key. */
function prepare(points: readonly RdPoint[], name: string, key: (p: RdPoint) => number, keyName: string): RdPoint[] {
  if (points.length < 2) throw new RangeError(`the ${name} curve needs at least 2 points, got ${points.length}`);
  for (const p of points) {
    if (!(p.bpp > 0) || !Number.isFinite(p.bpp) || !Number.isFinite(p.psnr)) {
      throw new RangeError(`the ${name} curve has an invalid point (bpp ${p.bpp}, PSNR ${p.psnr})`);
    }
  }
  const sorted = [...points].sort((a, b) => key(a) - key(b));
  for (let i = 1; i < sorted.length; i++) {
    if (key(sorted[i]!) === key(sorted[i - 1]!)) throw new RangeError(`the ${name} curve has two points at the same ${keyName} (${sorted[i]!.bpp} bpp, ${sorted[i]!.psnr} dB)`);
  }
  return sorted;
}

const byPsnr = (p: RdPoint): number => p.psnr;
const byLogRate = (p: RdPoint): number => Math.log10(p.bpp);

/** The shared interval of two ranges, or a RangeError naming the quantity. */
function overlap(a: readonly number[], b: readonly number[], what: string): [number, number] {
  const low = Math.max(a[0]!, b[0]!);
  const high = Math.min(a[a.length - 1]!, b[b.length - 1]!);
  if (!(high > low)) throw new RangeError(`the curves do not overlap in ${what}`);
  return [low, high];
}

/**
 * BD-rate (%) of `test` against `reference`, PCHIP variant. Each curve
 * needs ≥ 2 points, distinct PSNRs and a PSNR range that overlaps the
 * other's; points may come in any order (they are sorted by PSNR).
 * Cost: O(n²) for n points, negligible.
 *
 * @example bdRate(jpegPoints, snfPoints) // −20 means snf needs 20 % fewer bits
 * @throws {RangeError} too few points, a non-positive rate, a repeated PSNR, or no overlap.
 */
export function bdRate(reference: readonly RdPoint[], test: readonly RdPoint[]): BdResult {
  const { difference, interval } = meanDifference(reference, test, byPsnr, byLogRate, 'PSNR');
  return { rate: (10 ** difference - 1) * 100, psnrInterval: interval };
}

/**
 * BD-PSNR (dB) of `test` against `reference`, PCHIP variant: PSNR as a
 * function of log10(rate), mean difference over the shared log-rate range.
 *
 * @throws {RangeError} as `bdRate`, with "rate" in place of "PSNR".
 */
export function bdPsnr(reference: readonly RdPoint[], test: readonly RdPoint[]): number {
  return meanDifference(reference, test, byLogRate, byPsnr, 'rate').difference;
}

/**
 * The mean of test's `y` less reference's over the interval of `x` both curves cover, each curve a PCHIP of y
 * against x (`what` names x in errors): the one computation behind BD-rate (x PSNR, y log rate) and BD-PSNR.
 */
function meanDifference(
  reference: readonly RdPoint[], test: readonly RdPoint[], x: (p: RdPoint) => number, y: (p: RdPoint) => number, what: string,
): { difference: number; interval: [number, number] } {
  const ref = prepare(reference, 'reference', x, what);
  const tst = prepare(test, 'test', x, what);
  const fRef = new Pchip(ref.map(x), ref.map(y));
  const fTst = new Pchip(tst.map(x), tst.map(y));
  const [low, high] = overlap(ref.map(x), tst.map(x), what);
  return { difference: (fTst.integrate(low, high) - fRef.integrate(low, high)) / (high - low), interval: [low, high] };
}

/**
 * The points of a quality sweep that some other point does not beat: sorted
 * by rate, each kept only if its PSNR is above every cheaper point's. A
 * setting that costs more and gives less is never a sensible choice, and
 * dropping it leaves PSNR strictly increasing, as BD needs.
 */
export function paretoFront<T extends RdPoint>(points: readonly T[]): T[] {
  const sorted = [...points].sort((a, b) => a.bpp - b.bpp || b.psnr - a.psnr);
  const front: T[] = [];
  for (const p of sorted) {
    const last = front[front.length - 1];
    if (last === undefined || (p.psnr > last.psnr && p.bpp > last.bpp)) front.push(p);
  }
  return front;
}
