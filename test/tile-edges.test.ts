/**
 * The tiles' inner edges (src/encoder/image/tile-edges.ts, spec §3.5's grid with
 * cuts, format x.9): moved off the photo's own edges to a quieter band near
 * them, kept where they are on a photo with nothing there, and written so
 * that the decoder blends over the cells the encoder fitted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tileEdges } from '../src/encoder/image/tile-edges.js';
import { encodeImage } from '../src/encoder/image/encode-image.js';
import { engineByName } from '../src/encoder/network/engines.js';
import { EncodeOptionsError } from '../src/encoder/options-error.js';
import { readSnf } from '../src/format/index.js';
import { decodeImage } from '../src/decoder/index.js';
import { seamRatio } from '../src/metrics/seams.js';
import { describeSnf } from '../src/cli/describe.js';
import type { Raster } from '../src/raster.js';

/** A gray `size` × `size` image: a gentle ramp, and a step of 120 levels from row `step` down (none if absent). */
function stepImage(size: number, step?: number): Raster {
  const data = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data[y * size + x] = 60 + x / 4 + (step !== undefined && y >= step ? 120 : 0);
  return { width: size, height: size, channels: 1, data };
}

test('tile edges: an edge on the scene\'s own edge moves to the nearest quiet band; elsewhere edges stay where equal tiles put them', () => {
  // Rows 0-63 in 2 tiles: the equal edge is row 32, on the step; an eighth of a tile is 4 rows, the band ±2 rows.
  const [xs, ys] = tileEdges(stepImage(64, 32), 2, 2, 2, 'content');
  assert.deepEqual(xs, [32], 'nothing runs along the columns: x stays');
  assert.ok(ys[0] !== 32 && Math.abs(ys[0]! - 32) <= 4, `y edge at ${ys[0]}`);
  // The moved edge's band (the gradients between rows y − 2 … y + 2) no longer holds the step's, between rows 31 and 32.
  assert.ok(ys[0]! - 2 > 31 || ys[0]! + 1 < 31, `y edge ${ys[0]} still by the step`);
  // A step a few rows off the edge: the edge stays, as it does on a plain ramp and in `even`.
  assert.deepEqual(tileEdges(stepImage(64, 44), 2, 2, 2, 'content'), [[32], [32]]);
  assert.deepEqual(tileEdges(stepImage(64), 4, 4, 2, 'content'), [[16, 32, 48], [16, 32, 48]]);
  assert.deepEqual(tileEdges(stepImage(64, 32), 2, 2, 2, 'even'), [[32], [32]]);
  // No tile narrower than twice the overlap: at the most overlap equal tiles allow, nothing moves.
  assert.deepEqual(tileEdges(stepImage(64, 32), 2, 2, 16, 'content'), [[32], [32]]);
  const [, near] = tileEdges(stepImage(64, 32), 2, 2, 14, 'content');
  assert.ok(Math.abs(near[0]! - 32) <= 2, `y edge at ${near[0]}`);
  // One tile has no inner edge.
  assert.deepEqual(tileEdges(stepImage(64, 32), 1, 1, 0, 'content'), [[], []]);
});

test('encodeImage: content edges are written as a grid with cuts (x.9) and decoded over the same cells; even edges as before', async () => {
  const image = stepImage(64, 32);
  const options = { width: 6, steps: 20, tiles: { columns: 2, rows: 2 }, overlap: 2, filter: 'off' as const, engine: await engineByName('auto') };
  // Content edges are the default.
  const content = await encodeImage(image, options);
  assert.deepEqual(content.tiles.xs, [32]);
  assert.notEqual(content.tiles.ys[0], 32);
  assert.equal(content.bytes[9], 9, 'minor version 9');
  const file = readSnf(content.bytes);
  const y = content.tiles.ys[0]!;
  assert.deepEqual(file.networks.map((n) => [...n.region]), [[0, 0, 32, y], [32, 0, 64, y], [0, y, 32, 64], [32, y, 64, 64]]);
  assert.match(describeSnf(content.bytes, file).text, new RegExp(`tiles: +2x2, inner edges at x 32, y ${y} \\(a grid with cuts\\)`));
  const decoded = await decodeImage(content.bytes);
  assert.ok(Number.isFinite(seamRatio(image, decoded, content.tiles).ratio));
  const even = await encodeImage(image, { ...options, tileEdges: 'even' });
  assert.deepEqual([even.tiles.xs, even.tiles.ys], [[32], [32]]);
  assert.notEqual(even.bytes[9], 9);
  assert.match(describeSnf(even.bytes, readSnf(even.bytes)).text, /tiles: +2x2, equal/);
  await assert.rejects(encodeImage(image, { ...options, tileEdges: 'shifted' as 'even' }),
    (e: unknown) => e instanceof EncodeOptionsError && /tileEdges must be one of content, even/.test(e.message));
});
