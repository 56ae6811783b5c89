import assert from 'node:assert/strict';
import { test } from 'node:test';
import { denormalizeSample, denormalizeSample16 } from '../src/kernels/render.js';

test('denormalizeSample and denormalizeSample16 round half up and clamp exactly as Math.round would, for float32 field values', () => {
  const reference = (y: number, top: number): number => Math.min(top, Math.max(0, Math.round(((y + 1) / 2) * top)));
  const f32 = new Float32Array(1);
  const bits = new Uint32Array(f32.buffer);
  // Every 4099th float32 from −1.125 to 1.125 (both signs' bit patterns), and the neighbourhood of every 8-bit half.
  const values: number[] = [];
  for (let b = 0; b <= 0x3f900000; b += 4099) {
    bits[0] = b;
    values.push(f32[0]!, -f32[0]!);
  }
  for (let k = 0; k <= 255; k++) for (const d of [-1e-5, -1e-7, 0, 1e-7, 1e-5]) values.push(Math.fround(((k + 0.5 + d) / 255) * 2 - 1));
  const differing = values.filter((y) => denormalizeSample(y) !== reference(y, 255) || denormalizeSample16(y) !== reference(y, 65535));
  assert.ok(values.length > 500_000);
  assert.deepEqual(differing, []);
  assert.deepEqual([denormalizeSample(Infinity), denormalizeSample(-Infinity), denormalizeSample(NaN)], [255, 0, 0]);
  assert.deepEqual([denormalizeSample16(Infinity), denormalizeSample16(-Infinity), denormalizeSample16(NaN)], [65535, 0, 0]);
});
