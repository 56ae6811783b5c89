import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SirenArch } from '../src/kernels/arch.js';
import { WIDTH_PAD } from '../src/kernels/wasm/layout.js';
import { passCostPerPoint } from '../src/encoder/network/pass-cost.js';

const TILE: SirenArch = { inputs: 26, outputs: 3, width: 16, depth: 4, omega: 30, fourier: 6 };

test('passCostPerPoint: a width costs what its padding to WIDTH_PAD costs, and more units cost more', () => {
  assert.equal(WIDTH_PAD, 4);
  assert.equal(passCostPerPoint({ ...TILE, width: 9 }), passCostPerPoint({ ...TILE, width: 12 }));
  assert.ok(passCostPerPoint({ ...TILE, width: 12 }) < passCostPerPoint({ ...TILE, width: 16 }));
  assert.ok(passCostPerPoint({ ...TILE, depth: 3 }) < passCostPerPoint(TILE));
});

test('passCostPerPoint: the ratios of the WASM engine\'s pass times on a full-size photo\'s tiles, within 10 %', () => {
  // Session 54 (docs/engine.md): ns per point and pass on kodim07's 16 tiles at 1 bpp, depth 4, by width.
  const measured: [number, number][] = [[8, 103.1], [16, 219.8], [24, 403.3], [32, 625.3], [40, 899.6]];
  const [, base] = measured[1]!;
  for (const [width, ns] of measured) {
    const model = passCostPerPoint({ ...TILE, width }) / passCostPerPoint(TILE);
    assert.ok(Math.abs(model / (ns / base) - 1) < 0.1, `width ${width}: model ${model.toFixed(3)}, measured ${(ns / base).toFixed(3)}`);
  }
});
