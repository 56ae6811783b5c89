import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bdPsnr, bdRate, paretoFront, Pchip, type RdPoint } from '../src/rate-distortion/bd-rate.js';

const curve = (bpps: number[], psnrs: number[]): RdPoint[] => bpps.map((bpp, i) => ({ bpp, psnr: psnrs[i]! }));

/** A non-uniform, concave reference curve. */
const reference = curve([0.11, 0.27, 0.52, 1.04, 2.2], [24.1, 27.9, 30.6, 33.8, 37.5]);

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected}, got ${actual}`);
}

test('rates scaled by exactly 0.8 at the same PSNRs give a BD-rate of exactly −20 %', () => {
  const test = reference.map((p) => ({ bpp: 0.8 * p.bpp, psnr: p.psnr }));
  const result = bdRate(reference, test);
  close(result.rate, -20, 1e-10, 'BD-rate');
  assert.deepEqual(result.psnrInterval, [24.1, 37.5]);
  // And the other way round: 1 / 0.8 = 1.25.
  close(bdRate(test, reference).rate, 25, 1e-10, 'reverse BD-rate');
  // Point order does not matter.
  close(bdRate([...reference].reverse(), [...test].reverse()).rate, -20, 1e-10, 'reversed input');
});

test('PSNR raised by exactly 0.5 dB at the same rates gives a BD-PSNR of exactly +0.5 dB', () => {
  const better = reference.map((p) => ({ bpp: p.bpp, psnr: p.psnr + 0.5 }));
  close(bdPsnr(reference, better), 0.5, 1e-10, 'BD-PSNR');
  close(bdPsnr(better, reference), -0.5, 1e-10, 'reverse BD-PSNR');
});

test('two-point curves: BD-rate by hand', () => {
  // Two points make PCHIP a straight line in (PSNR, log10 rate).
  // Reference: log10 r = log10(4) · (p − 30) / 10; test: log10 r = log10(2) · (p − 32) / 6.
  // Shared PSNR interval [32, 38]; a line's mean over it is its value at 35:
  // reference log10 4 · 0.5 = log10 2, test log10 2 · 0.5, difference −½ log10 2,
  // so BD-rate = 2^−½ − 1 = −29.2893… %.
  const result = bdRate(curve([1, 4], [30, 40]), curve([1, 2], [32, 38]));
  close(result.rate, (Math.SQRT1_2 - 1) * 100, 1e-10, 'BD-rate');
  assert.deepEqual(result.psnrInterval, [32, 38]);
});

test('PCHIP slopes by hand: Fritsch–Butland inside, three-point formula at the ends', () => {
  // x 0, 1, 2; y 0, 1, 3: secants 1 and 2, equal spacing.
  // Inside: (w1 + w2) / (w1/1 + w2/2) with w1 = w2 = 3 → 6 / 4.5 = 4/3.
  // Ends: ((2h0 + h1) m0 − h0 m1) / (h0 + h1) = (3 − 2) / 2 = 0.5 and (6 − 1) / 2 = 2.5.
  const p = new Pchip([0, 1, 2], [0, 1, 3]);
  assert.deepEqual([...p.slopes].map((d) => Math.round(d * 1e12) / 1e12), [0.5, Math.round((4 / 3) * 1e12) / 1e12, 2.5]);
  // Through the knots, and a local extremum gets slope 0 (no overshoot).
  close(p.valueAt(1), 1, 1e-15, 'knot');
  assert.equal(new Pchip([0, 1, 2], [0, 1, 0]).slopes[1], 0);
});

test('the exact PCHIP integral agrees with Simpson integration of the interpolant', () => {
  // Simpson's rule is exact for cubics, so split at the knots it is exact for the interpolant too.
  const knots = [24.1, 27.9, 30.6, 33.8, 37.5];
  const p = new Pchip(knots, [0.3, 0.55, 0.61, 1.2, 1.25]);
  const simpson = (a: number, b: number): number => ((b - a) / 6) * (p.valueAt(a) + 4 * p.valueAt((a + b) / 2) + p.valueAt(b));
  for (const [a, b] of [[24.1, 37.5], [25, 36.2], [28.4, 29.9], [31, 31.5]] as const) {
    const cuts = [a, ...knots.filter((k) => k > a && k < b), b];
    let expected = 0;
    for (let i = 1; i < cuts.length; i++) expected += simpson(cuts[i - 1]!, cuts[i]!);
    close(p.integrate(a, b), expected, 1e-12, `∫ over [${a}, ${b}]`);
  }
  // A coarse composite Simpson over the whole range, knots ignored, still agrees to 1e-6.
  const n = 4000;
  const h = (37.5 - 24.1) / n;
  let sum = p.valueAt(24.1) + p.valueAt(37.5);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * p.valueAt(24.1 + i * h);
  close(p.integrate(24.1, 37.5), (sum * h) / 3, 1e-6, 'composite Simpson');
});

test('non-trivial curves agree with SciPy PchipInterpolator (the bjontegaard package method)', () => {
  // Expected values from scipy 1.17 PchipInterpolator.integrate, computed as
  // bjontegaard.bd_piecewise_cubic does it.
  const a = curve([0.1, 0.3, 0.5, 1.2], [25, 29, 31.5, 34]);
  const b = curve([0.12, 0.25, 0.6, 0.9, 1.5], [26, 28.2, 32.4, 33.1, 36]);
  const result = bdRate(a, b);
  close(result.rate, -3.0683808446493543, 1e-9, 'BD-rate');
  assert.deepEqual(result.psnrInterval, [26, 34]);
  close(bdPsnr(a, b), 0.09218881494094688, 1e-9, 'BD-PSNR');
});

test('bad curves are refused with a RangeError', () => {
  assert.throws(() => bdRate(curve([1], [30]), reference), /at least 2 points/);
  assert.throws(() => bdRate(reference, curve([1, 2], [50, 60])), /do not overlap in PSNR/);
  assert.throws(() => bdRate(reference, curve([1, 2], [30, 30])), /same PSNR/);
  assert.throws(() => bdRate(reference, curve([0, 2], [30, 33])), /invalid point/);
});

test('paretoFront drops points that cost more and give less', () => {
  const sweep = curve([0.5, 0.2, 0.3, 0.35, 0.9, 0.9], [30, 26, 28, 27.5, 33, 32]);
  assert.deepEqual(paretoFront(sweep), curve([0.2, 0.3, 0.5, 0.9], [26, 28, 30, 33]));
});
