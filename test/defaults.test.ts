import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parameterCount } from '../src/kernels/arch.js';
import { architectureForRate, batchRowsFor, defaultAlpha, DEFAULT_BITS_PER_PARAM } from '../src/encoder/network/network-defaults.js';
import { autoTiles, bitsPerParamForDetail, defaultImageAlpha, defaultImageDepth, DEFAULT_BATCH_POINTS, defaultFourier, defaultLearningRate, defaultPasses, mostDefaultPasses } from '../src/encoder/image/image-defaults.js';
import { encodeImage, planEncode, tileRegions } from '../src/encoder/image/encode-image.js';
import { shufflePoints } from '../src/encoder/network/training-points.js';
import { smoothBesideTexture, syntheticImage } from './helpers/synthetic.js';
import { parametersOfWidths } from '../src/encoder/image/tile-widths.js';

test('auto tiling keeps tiles near 192x128 and small images whole', () => {
  assert.deepEqual(autoTiles(768, 512), { columns: 4, rows: 4 });
  assert.deepEqual(autoTiles(512, 768), { columns: 4, rows: 4 });
  assert.deepEqual(autoTiles(192, 128), { columns: 1, rows: 1 });
  assert.deepEqual(autoTiles(32, 32), { columns: 1, rows: 1 });
});

test('tile regions cover the image exactly, without overlap', () => {
  const regions = tileRegions(101, 37, 4, 3);
  assert.equal(regions.length, 12);
  let area = 0;
  for (const [x0, y0, x1, y1] of regions) area += (x1 - x0) * (y1 - y0);
  assert.equal(area, 101 * 37);
  assert.deepEqual(regions[0], [0, 0, 25, 12]);
  assert.deepEqual(regions[11], [76, 25, 101, 37]);
});

test('the planned network grows with the rate and fits the budget', () => {
  const plan = (bpp: number) => architectureForRate({ bpp, pixels: 192 * 128, inputs: 2, outputs: 3 });
  const widths = [0.25, 0.5, 1, 2].map((bpp) => plan(bpp).width);
  assert.deepEqual([...widths].sort((a, b) => a - b), widths);
  const arch = plan(1);
  assert.ok(parameterCount(arch) * DEFAULT_BITS_PER_PARAM <= 192 * 128);
});

test('defaults follow the measurements: α 1 up to width 64, 2.5 from 256; 6 bits per weight at every rate', () => {
  assert.equal(defaultAlpha(16), 1);
  assert.equal(defaultAlpha(64), 1);
  assert.equal(defaultAlpha(128), 1.75);
  assert.equal(defaultAlpha(512), 2.5);
  // Native-resolution crops: +0.5 dB over 7 at 1 bpp (study-native-bits.jsonl), +0.6 at 2 bpp (study-native-bits-2bpp.jsonl).
  assert.equal(DEFAULT_BITS_PER_PARAM, 6);
});

test('busy tiled images plan fewer bits per weight (more weights) up to 1 bpp: 6 up to detail 250, 5 from 450, one network keeps 6', () => {
  assert.equal(bitsPerParamForDetail(88, 16, 1), 6);
  assert.equal(bitsPerParamForDetail(250, 16, 1), 6);
  assert.equal(bitsPerParamForDetail(350, 16, 1), 5.5);
  assert.equal(bitsPerParamForDetail(782, 16, 1), 5);
  assert.equal(bitsPerParamForDetail(782, 16, 0.25), 5);
  assert.equal(bitsPerParamForDetail(782, 1, 1), 6);
  assert.equal(bitsPerParamForDetail(Number.NaN, 16, 1), 6);
  // Full up to 1 bpp, gone from 2 (kodim05 at 2 bpp lost 0.26 dB with 5 bits), half way at √2.
  assert.equal(bitsPerParamForDetail(782, 16, 2), 6);
  assert.equal(bitsPerParamForDetail(782, 16, 4), 6);
  assert.ok(Math.abs(bitsPerParamForDetail(782, 16, Math.SQRT2) - 5.5) < 1e-9);
  // Through the planner, at the same rate: a textured photo's networks hold about 6/5 the parameters of a smooth one's.
  const smooth = syntheticImage(768, 512, 1);
  const busy = smoothBesideTexture(768, 512, () => 128);
  const planned = (image: typeof smooth) => {
    const { arch, widths } = planEncode(image, { bpp: 1 });
    return parametersOfWidths(arch, widths);
  };
  const ratio = planned(busy) / planned(smooth);
  assert.ok(ratio > 1.1 && ratio < 1.3, `ratio ${ratio}`);
  assert.equal(planEncode(busy, { bpp: 1, bitsPerParam: 6 }).arch.width, planEncode(smooth, { bpp: 1 }).arch.width);
});

test('default passes follow the work per pixel: 1000 for a 768×512 photo at 1 bpp without a residual, 1100 with it, 1900 at half the work, at most 3600', () => {
  const photo = 62_500 * 24_576; // Σ parameters × pixels of a photo's 16 networks at 1 bpp without a residual
  const pixels = 768 * 512;
  assert.equal(defaultPasses(photo, pixels), 1000);
  assert.equal(defaultPasses(2 * photo, pixels), 1000);
  assert.equal(defaultPasses(49_000 * 24_576, pixels), 1100); // the networks of a photo at 1 bpp, the residual taking 0.2 (sessions 30–41)
  assert.equal(defaultPasses(photo / 1.5, pixels), 1300);
  assert.equal(defaultPasses(photo / 2.2, pixels), 1900);
  assert.equal(defaultPasses(photo / 3, pixels), 2600);
  assert.equal(defaultPasses(photo / 5, pixels), 3600);
  assert.equal(defaultPasses(1, pixels), 3600);
  // Per pixel: a quarter of the photo with a quarter of its work is the photo again.
  assert.equal(defaultPasses(photo / 6, pixels / 4), defaultPasses(photo / 1.5, pixels));
  // Through the planner (no fit): a photo's networks at 0.4 bpp (0.5 bpp less a residual of 0.2) get 2400 passes, at 1 bpp 1000.
  const image = syntheticImage(768, 512);
  assert.equal(planEncode(image, { bpp: 1 }).passes, 1000);
  assert.equal(planEncode(image, { bpp: 0.4 }).passes, 2400);
  // A 5-bit plan's floor is 800: its networks hold 6/5 the weights, so the encode costs what the 6-bit plan's does.
  assert.equal(defaultPasses(1.2 * photo, pixels, 5), 800);
  assert.equal(defaultPasses(1.2 * photo, pixels, 7), 1000);
  assert.equal(planEncode(smoothBesideTexture(768, 512, () => 128), { bpp: 1 }).passes, 800);
});

test('the most default passes fall with the rate: 3600 up to 0.5 bpp, 1800 from 1 bpp, so a small image at 1 bpp keeps 1800', () => {
  assert.deepEqual([0.1, 0.25, 0.5, 0.75, 1, 2, 8].map(mostDefaultPasses), [3600, 3600, 3600, 2400, 1800, 1800, 1800]);
  const pixels = 256 * 256;
  assert.equal(defaultPasses(1, pixels, 6, mostDefaultPasses(1)), 1800);
  // A 256×256 crop's networks at 1 bpp are small enough for 2000 and more by the work; the rate holds them at 1800.
  const crop = syntheticImage(256, 256);
  assert.equal(planEncode(crop, { bpp: 0.5 }, undefined, 1).passes, 1800);
  assert.ok(planEncode(crop, { bpp: 0.5 }, undefined, 0.5).passes > 1800);
});

test('default depth: 4 sine layers for networks of up to 0.75 bpp where their plan is still shared out by detail (16 units, or 15 among 16 tiles), else 3; --depth and --width keep theirs', () => {
  // A rule on the plan's width and the networks' rate: planned at the networks' share (0.5 bpp less 0.3), as encodeImage plans.
  const depthAt = (fileBpp: number, share: number, extra: object = {}): number => planEncode(syntheticImage(768, 512), { bpp: fileBpp * (1 - share), ...extra }, undefined, fileBpp).arch.depth;
  assert.equal(depthAt(0.25, 0.4), 3, 'at 0.25 bpp a depth-4 plan is under 15 units');
  assert.equal(depthAt(0.5, 0.3), 4);
  assert.equal(depthAt(1, 0.3), 4);
  // At 2 bpp with session 65's shares a busy photo's networks get 0.5 bpp, where depth 4 gained (session 66), and a
  // smooth photo's 0.8, where it was level.
  assert.equal(depthAt(2, 0.75), 4);
  assert.equal(depthAt(2, 0.6), 3);
  assert.equal(depthAt(2, 0.35), 3, 'networks of 1.3 bpp: depth 4 lost 0.12 dB on eight photos at 2 bpp (session 50)');
  assert.equal(depthAt(0.5, 0.3, { depth: 5 }), 5);
  // The networks' share, not the file's rate: 1.2 bpp with the residual's half is networks of 0.6 bpp; 1 bpp without it, 1.
  assert.equal(depthAt(1.2, 0.5), 4);
  assert.equal(depthAt(1, 0), 3);
  // Only where the plan is shared out by detail among tiles, as measured: not for one tile, equal widths or given widths.
  assert.equal(depthAt(1, 0.3, { allocation: 'equal' }), 3);
  assert.equal(depthAt(1, 0.3, { tiles: { columns: 1, rows: 1 } }), 3);
  assert.equal(planEncode(syntheticImage(768, 512), { width: 16 }).arch.depth, 3);
  // The threshold is the plan's width, not the rate: depth 4 from a plan of 16 units shared in blocks of 8, or of 15
  // shared in steps of 4 among 16 tiles or more (session 51); under 15, or 15 among 4 tiles (equal widths), 3.
  assert.equal(defaultImageDepth(0.5, (depth) => (depth === 4 ? 16 : 19), 4), 4);
  assert.equal(defaultImageDepth(0.5, (depth) => (depth === 4 ? 15 : 18), 16), 4);
  assert.equal(defaultImageDepth(0.5, (depth) => (depth === 4 ? 15 : 18), 4), 3);
  assert.equal(defaultImageDepth(0.3, (depth) => (depth === 4 ? 14 : 17), 16), 3);
  assert.equal(defaultImageDepth(0.25, (depth) => (depth === 4 ? 9 : 11), 16), 3);
  assert.equal(defaultImageDepth(1.01, () => 30, 16), 3);
  // Through the planner: a photo whose depth-4 plan is 15 units gets depth 4, its widths in steps of 4 (kodim11, 14, 15, 19, 20 at 0.5 bpp).
  const fifteen = planEncode(syntheticImage(768, 512), { bpp: 0.33 }, undefined, 0.5);
  assert.equal(fifteen.arch.depth, 4);
  assert.equal(fifteen.arch.width, 15);
  assert.ok(fifteen.widths.some((width) => width % 8 === 4), `widths ${fifteen.widths.join(',')}`);
});

test('default α of an image network: 0.5 at 4 sine layers or more up to 64 units (session 52, 0.5 and 1 bpp) and in plans under 16 units (session 54, 0.25 bpp), defaultAlpha otherwise; a given α wins', async () => {
  assert.equal(defaultImageAlpha(8, 4), 0.5);
  assert.equal(defaultImageAlpha(64, 5), 0.5);
  assert.equal(defaultImageAlpha(40, 3), 1);
  assert.equal(defaultImageAlpha(24, 3), 1);
  assert.equal(defaultImageAlpha(8, 2), 0.5);
  assert.equal(defaultImageAlpha(20, 3, 12), 0.5, 'a tile of 20 units in a plan of 12 (0.25 bpp, steps of 4)');
  assert.equal(defaultImageAlpha(8, 3, 56), 1, 'a sky tile of 8 units in a plan of 56 (2 bpp)');
  assert.equal(defaultImageAlpha(128, 4), defaultAlpha(128), 'wider networks keep the width rule, which rises above 1');
  // Through the encoder: the α it reports for its networks.
  const image = syntheticImage(32, 32);
  const encodeAt = async (options: object): Promise<number> => (await encodeImage(image, { width: 8, steps: 2, ...options })).alpha;
  assert.equal(await encodeAt({ depth: 4 }), 0.5);
  assert.equal(await encodeAt({ depth: 3 }), 0.5);
  assert.equal(await encodeAt({ depth: 3, width: 16 }), 1);
  assert.equal(await encodeAt({ depth: 4, alpha: 2 }), 2);
});

test('default Fourier levels: two per octave of the shorter tile side, 2 at 32 pixels, 6 from 128, no jumps', () => {
  assert.equal(defaultFourier(192, 128), 6);
  assert.equal(defaultFourier(128, 192), 6);
  assert.equal(defaultFourier(4000, 3000), 6);
  assert.equal(defaultFourier(160, 120), 5);
  assert.equal(defaultFourier(96, 96), 5);
  assert.equal(defaultFourier(64, 64), 4);
  assert.equal(defaultFourier(32, 32), 2);
  assert.equal(defaultFourier(16, 16), 0);
  assert.equal(defaultFourier(1, 1), 0);
  for (let side = 1; side < 300; side++) assert.ok(defaultFourier(side + 1, side + 1) - defaultFourier(side, side) <= 1, `jump at ${side}`);
  // The learning rate follows the input: 0.002 measured best with Fourier inputs, 0.003 without.
  assert.equal(defaultLearningRate(6), 0.002);
  assert.equal(defaultLearningRate(0), 0.003);
  // Up to width 56 the rate the studies chose; wider networks take it scaled by 56 / width.
  assert.equal(defaultLearningRate(6, 56), 0.002);
  assert.ok(Math.abs(defaultLearningRate(6, 112) - 0.001) < 1e-12);
  assert.ok(Math.abs(defaultLearningRate(0, 84) - 0.002) < 1e-12);
});

test('mini-batches: about 1536 pixels in equal batches of whole 256-pixel units; none for small tiles or batch 0', () => {
  assert.equal(batchRowsFor(192 * 128, DEFAULT_BATCH_POINTS), 1536);
  assert.equal(batchRowsFor(48 * 48, DEFAULT_BATCH_POINTS), 1280);
  assert.equal(batchRowsFor(40 * 40, DEFAULT_BATCH_POINTS), undefined);
  assert.equal(batchRowsFor(192 * 128, 0), undefined);
  assert.equal(batchRowsFor(192 * 128, 1536), 1536);
  assert.equal(batchRowsFor(192 * 128, 100), 256);
  assert.equal(batchRowsFor(192 * 128, 24576), undefined);
  for (const points of [5000, 12345, 98304]) {
    const rows = batchRowsFor(points, DEFAULT_BATCH_POINTS)!;
    assert.equal(rows % 256, 0);
    assert.ok(rows < points && Math.abs(rows - 1536) <= 512, `${points}: ${rows}`);
  }
  assert.throws(() => batchRowsFor(1000, -1), /Expected 0 or a positive number of points per batch/);
});

test('shuffled training points: every point once, its target beside it, the same order for the same seed', () => {
  const count = 50;
  const data = { coords: Float32Array.from({ length: 2 * count }, (_, i) => i), targets: Float32Array.from({ length: 3 * count }, (_, i) => 1000 + i) };
  const shuffled = shufflePoints(data, 4);
  const seen = new Set<number>();
  for (let p = 0; p < count; p++) {
    const from = shuffled.coords[2 * p]! / 2;
    assert.equal(shuffled.coords[2 * p + 1], 2 * from + 1);
    assert.deepEqual(Array.from(shuffled.targets.subarray(3 * p, 3 * p + 3)), [1000 + 3 * from, 1001 + 3 * from, 1002 + 3 * from]);
    seen.add(from);
  }
  assert.equal(seen.size, count);
  assert.notDeepEqual(shuffled.coords, data.coords);
  assert.deepEqual(shufflePoints(data, 4), shuffled);
});
