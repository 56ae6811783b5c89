import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import sharp from 'sharp';
import { layerShapes } from '../src/kernels/arch.js';
import {
  addResidual, coefficientSteps, dctBasis, MAX_RESIDUAL_COEFFICIENTS, residualPlanes, residualStepScales, residualValueCount, RESIDUAL_STEP_UNIT, ZIGZAG,
  type ImageResidual,
} from '../src/kernels/residual.js';
import { fitResidual, fitResidualShapes, type ResidualChoice } from '../src/encoder/residual/residual-fit.js';
import { FINE_CHROMA_COEFFICIENTS, msSsimShareAt, residualChoice, SMOOTH_FINER_CHROMA_COEFFICIENTS } from '../src/encoder/image/residual-choice.js';
import { RESIDUAL_SECONDS_PER_PIXEL_SHAPE, residualSearchSeconds, searchInThisThread, type ResidualSearch } from '../src/encoder/residual/residual-search.js';
import { residualSearchOnThreads } from '../src/encoder/residual/residual-threads.js';
import { addResidualToFill } from '../src/encoder/residual/residual-to-fill.js';
import { optimizeResidual } from '../src/encoder/residual/residual-rdo.js';
import {
  BUSY_DETAIL, DEFAULT_RESIDUAL_SHARE, defaultResidualShare, MAX_RESIDUAL_SHARE, MEAN_NETWORKS_UP_TO_PIXELS,
  SMOOTH_RESIDUAL_SHARE_AT_1_BPP, SMOOTH_RESIDUAL_SHARE_FROM_2_BPP, SMOOTH_RESIDUAL_SHARE_TO_QUARTER_BPP, triesMeanNetworks,
} from '../src/encoder/image/image-defaults.js';
import { encodeImage } from '../src/encoder/image/encode-image.js';
import { decodeField, decodeImage } from '../src/decoder/index.js';
import { applyRestorationFilter, type FieldImage } from '../src/kernels/post-filter.js';
import { rasterFromField } from '../src/kernels/render.js';
import { psnr } from '../src/metrics/psnr.js';
import { inspectSnf, networkParams, readSnf, writeSnf, type SnfFile } from '../src/format/index.js';
import { contextCount, encodeValue, RangeEncoder } from '../src/format/range-coder.js';
import type { Raster } from '../src/raster.js';
import { ADAPTIVE_FIXTURE_SNF, GRADED_FIXTURE_SNF, RESIDUAL_FIXTURE_SNF, SHARED_FIXTURE_SNF, TILES_FIXTURE_SNF } from './fuzz/seeds.js';
import { codeOf, withHeader, type Json } from './helpers/snf-bytes.js';
import { FIXTURES, snfc, tempDir } from './helpers/cli.js';
import { mulberry32 } from './helpers/prng.js';
import { appendixArch, appendixTensors, fromHex, grayHeader } from './helpers/appendix.js';

async function crop32(): Promise<Raster> {
  const { data, info } = await sharp(`${FIXTURES}/kodim-crop32.png`).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

/** The crop, the shared-contexts fixture that codes it, and that file's field through its filter, as the decoder renders it. */
async function sharedFixtureField(): Promise<{ source: Raster; tiles: Uint8Array; file: SnfFile; filtered: FieldImage }> {
  const source = await crop32();
  const tiles = new Uint8Array(readFileSync(SHARED_FIXTURE_SNF));
  const file = readSnf(tiles);
  assert.ok(file.header.kind === 'image' && file.header.filter !== undefined);
  const field = await decodeField(tiles);
  return { source, tiles, file, filtered: { ...field, values: applyRestorationFilter(field, file.header.filter, { x: 1, y: 1 }) } };
}

/** The mean |difference| between each RGB sample of `small` and the mean of the `factor` × `factor` samples of `big` (`factor` times its size) over it. */
function meanBlockDifference(small: Raster, big: Raster, factor: number): number {
  let error = 0;
  for (let y = 0; y < small.height; y++) for (let x = 0; x < small.width; x++) for (let c = 0; c < 3; c++) {
    let sum = 0;
    for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) sum += big.data[((factor * y + dy) * big.width + factor * x + dx) * 3 + c]!;
    error += Math.abs(sum / (factor * factor) - small.data[(y * small.width + x) * 3 + c]!);
  }
  return error / (small.width * small.height * 3);
}

/** A residual of random small values for a `width` × `height` image with `colours` colour channels. */
function randomResidual(width: number, height: number, colours: 1 | 3, luma: number, chroma: number, seed: number): ImageResidual {
  const random = mulberry32(seed);
  const count = residualValueCount(residualPlanes(width, height, colours, luma, chroma));
  const values = Int16Array.from({ length: count }, () => (random() < 0.6 ? 0 : Math.round(40 * (random() - 0.5))));
  return { lumaCoefficients: luma, chromaCoefficients: chroma, lumaStep: 40, chromaStep: 24, values };
}

/** `file` rewritten with `residual` in its header (format x.6). */
function withResidual(file: SnfFile, residual: ImageResidual, sharedContexts = false): Uint8Array {
  assert.ok(file.header.kind === 'image');
  return writeSnf({ header: { ...file.header, residual }, networks: file.networks.map((n) => ({ region: [...n.region], arch: n.arch, tensors: n.tensors })), sharedContexts });
}

test('zigzag: JPEG\'s order of the 64 frequencies', () => {
  assert.deepEqual(ZIGZAG.slice(0, 10), [[0, 0], [0, 1], [1, 0], [2, 0], [1, 1], [0, 2], [0, 3], [1, 2], [2, 1], [3, 0]]);
  assert.equal(new Set(ZIGZAG.map(([v, u]) => v * 8 + u)).size, 64);
  assert.deepEqual(ZIGZAG[63], [7, 7]);
});

test('planes: luma in 8 × 8 blocks over the image, chroma at half size; gray has luma only', () => {
  const planes = residualPlanes(33, 17, 3, 10, 3);
  assert.deepEqual(planes.map((p) => [p.width, p.height, p.blocksX, p.blocksY, p.factor, p.coefficients, p.offset]),
    [[33, 17, 5, 3, 1, 10, 0], [17, 9, 3, 2, 2, 3, 150], [17, 9, 3, 2, 2, 3, 168]]);
  assert.equal(residualValueCount(planes), 150 + 2 * 18);
  assert.equal(residualPlanes(33, 17, 1, 10, 0).length, 1);
  assert.equal(residualPlanes(33, 17, 3, 10, 0).length, 1, 'no chroma coefficients, no chroma planes');
});

test('at the source size the residual is the inverse DCT of each block (spec §4.7)', () => {
  const width = 16, height = 8;
  const values = new Int16Array(residualValueCount(residualPlanes(width, height, 1, 6, 0)));
  values[6 + 4] = 3; // block 1, zigzag 4: frequency (1, 1)
  values[0] = -2; // block 0, the mean
  const residual: ImageResidual = { lumaCoefficients: 6, chromaCoefficients: 0, lumaStep: 16, chromaStep: 16, values };
  const field: FieldImage = { width, height, channels: 1, values: new Float32Array(width * height) };
  addResidual(field, residual, { width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const levels = x < 8 ? -2 * dctBasis(0, x) * dctBasis(0, y) : 3 * dctBasis(1, x - 8) * dctBasis(1, y);
      assert.ok(Math.abs(field.values[y * width + x]! - (levels * 2) / 255) < 1e-6, `(${x}, ${y})`);
    }
  }
  // The mean coefficient of an orthonormal 8 × 8 DCT is 8 × the block's mean: −2 steps of 1 level are −0.25 levels a pixel.
  assert.ok(Math.abs(field.values[0]! * 127.5 + 0.25) < 1e-5);
});

test('any size: the residual is sampled at the output pixels\' centres in source units, and a flat block stays flat', () => {
  const width = 8, height = 8;
  const values = new Int16Array(residualValueCount(residualPlanes(width, height, 1, 3, 0)));
  values[0] = 8;
  values[1] = 4; // (0, 1): varies along the row
  const residual: ImageResidual = { lumaCoefficients: 3, chromaCoefficients: 0, lumaStep: 16, chromaStep: 16, values };
  const field: FieldImage = { width: 16, height: 16, channels: 1, values: new Float32Array(16 * 16) };
  addResidual(field, residual, { width, height });
  for (let i = 0; i < 16; i++) {
    // Output column i has its centre at (i + 0.5) / 2 source pixels, position t = that − 0.5, clamped to the plane.
    const t = Math.min(7, Math.max(0, (i + 0.5) / 2 - 0.5));
    const levels = 8 * dctBasis(0, t) * dctBasis(0, 0) + 4 * dctBasis(1, t) * dctBasis(0, 0);
    assert.ok(Math.abs(field.values[5 * 16 + i]! - Math.fround((levels * 2) / 255)) < 1e-6, `column ${i}`);
  }
});

test('colour: Y, Cb and Cr become RGB by the inverse of JPEG\'s transform; alpha is left alone', () => {
  const width = 16, height = 16;
  const planes = residualPlanes(width, height, 3, 1, 1);
  const values = new Int16Array(residualValueCount(planes));
  values[planes[2]!.offset] = 16; // Cr's mean in its only block: +2 levels of Cr everywhere (16 × 1 / 8)
  const residual: ImageResidual = { lumaCoefficients: 1, chromaCoefficients: 1, lumaStep: 16, chromaStep: 16, values };
  const field: FieldImage = { width, height, channels: 4, values: new Float32Array(width * height * 4) };
  addResidual(field, residual, { width, height });
  const levels = Array.from(field.values.subarray(0, 4), (v) => v * 127.5);
  const expected = [2 * 1.402, -2 * 0.714136, 0, 0];
  levels.forEach((got, c) => assert.ok(Math.abs(got - expected[c]!) < 1e-5, `${levels}`));
});

test('a graded step (format x.7): the coefficient at frequency (v, u) is q × step × (1 + g · (v + u) / 112) (spec §4.7)', () => {
  // With g = 112 the factor is the integer 1 + v + u, so the graded residual equals a uniform one with its integers scaled.
  const width = 16, height = 16;
  const planes = residualPlanes(width, height, 3, 10, 3);
  const graded = randomResidual(width, height, 3, 10, 3, 11);
  const factor = (z: number): number => 1 + ZIGZAG[z]![0] + ZIGZAG[z]![1];
  const scaled = Int16Array.from(graded.values, (q, at) => {
    const plane = [...planes].reverse().find((p) => at >= p.offset)!;
    return q * factor((at - plane.offset) % plane.coefficients);
  });
  const render = (residual: ImageResidual): Float32Array => {
    const field: FieldImage = { width, height, channels: 3, values: new Float32Array(width * height * 3) };
    addResidual(field, residual, { width, height });
    return field.values;
  };
  const a = render({ ...graded, gradient: 112 }), b = render({ ...graded, values: scaled });
  a.forEach((value, i) => assert.ok(Math.abs(value - b[i]!) < 1e-6, `sample ${i}: ${value} vs ${b[i]}`));
  assert.notDeepEqual(a, render(graded), 'the gradient changes the picture');
});

test('adaptive steps (format x.8): each block\'s coefficients are scaled by (1 + V / a²)^(e / 16), V the field\'s luma variance over it (spec §4.7)', () => {
  // A gray 16 × 8 field: the left block flat, the right one a checkerboard of ±d (luma ±d · 127.5 levels about the mean).
  const width = 16, height = 8, d = 0.1;
  const base = (): FieldImage => ({
    width, height, channels: 1, values: Float32Array.from({ length: width * height }, (_, p) => (p % width < 8 ? 0 : ((p % width) + Math.floor(p / width)) % 2 === 0 ? d : -d)),
  });
  const residual: ImageResidual = { lumaCoefficients: 1, chromaCoefficients: 0, lumaStep: 16, chromaStep: 16, values: Int16Array.from([40, 40]) };
  const added = (r: ImageResidual): number[] => {
    const field = base();
    addResidual(field, r, { width, height });
    const before = base().values;
    // Each block's DC, in levels: the mean of what was added over its pixels.
    return [0, 8].map((x0) => {
      let sum = 0;
      for (let y = 0; y < height; y++) for (let x = x0; x < x0 + 8; x++) sum += field.values[y * width + x]! - before[y * width + x]!;
      return (sum / 64) * 127.5;
    });
  };
  const [flat, busy] = added(residual);
  assert.ok(Math.abs(flat! - 5) < 1e-4 && Math.abs(busy! - 5) < 1e-4, `uniform: ${flat}, ${busy}`); // 40 × 1 level / 8
  const adaptive = { sigma: 10, exponent: 4 };
  const [flatAdapted, busyAdapted] = added({ ...residual, adaptive });
  const expected = (1 + (d * 127.5) ** 2 / 100) ** (4 / 16);
  assert.ok(Math.abs(flatAdapted! - 5) < 1e-4, `a flat block keeps its step: ${flatAdapted}`);
  assert.ok(Math.abs(busyAdapted! / 5 - expected) < 1e-4, `busy block × ${busyAdapted! / 5}, expected × ${expected}`);
  // The encoder's multipliers are the decoder's at the source size.
  const scales = residualStepScales(base(), { lumaCoefficients: 1, chromaCoefficients: 0, adaptive })!;
  assert.equal(scales.length, 1);
  assert.ok(Math.abs(scales[0]![0]! - 1) < 1e-12 && Math.abs(scales[0]![1]! - expected) < 1e-6, `${[...scales[0]!]}`);
  assert.equal(residualStepScales(base(), residual), undefined);
});

test('format x.6: the residual round-trips through the writer and the reader, and a reader before it would ignore the key', () => {
  const tiles = readSnf(new Uint8Array(readFileSync(TILES_FIXTURE_SNF)));
  const residual = randomResidual(32, 32, 3, 10, 3, 7);
  const bytes = withResidual(tiles, residual);
  assert.deepEqual([bytes[8], bytes[9]], [2, 6]);
  // A graded step is x.7 and round-trips its `g`; g = 0 is written as x.6 wrote it, without the key.
  const graded = withResidual(tiles, { ...residual, gradient: 24 });
  assert.deepEqual([graded[8], graded[9]], [2, 7]);
  const gradedHeader = readSnf(graded).header;
  assert.ok(gradedHeader.kind === 'image');
  assert.equal(gradedHeader.residual?.gradient, 24);
  assert.deepEqual(withResidual(tiles, { ...residual, gradient: 0 }), bytes);
  // Adaptive steps are x.8 and round-trip as `a` and `e`.
  const adapted = withResidual(tiles, { ...residual, gradient: 24, adaptive: { sigma: 12, exponent: 5 } });
  assert.deepEqual([adapted[8], adapted[9]], [2, 8]);
  const adaptedHeader = readSnf(adapted).header;
  assert.ok(adaptedHeader.kind === 'image');
  assert.deepEqual(adaptedHeader.residual?.adaptive, { sigma: 12, exponent: 5 });
  const header = readSnf(bytes).header;
  assert.ok(header.kind === 'image' && header.residual !== undefined);
  assert.deepEqual(header.residual, residual);
  // Shared contexts (major 4) and a deflated header carry it the same.
  const shared = readSnf(withResidual(tiles, residual, true)).header;
  assert.ok(shared.kind === 'image');
  assert.deepEqual(shared.residual, residual);
});

/** Appendix A.2's one-pixel gray file (as a writer of x.3 and later writes it) with `residual` in its header, or without one. */
function appendixWithResidual(residual: ImageResidual | undefined): Uint8Array {
  const networks = [{ region: [0, 0, 1, 1], arch: appendixArch, tensors: appendixTensors([3, -2], 1, -100) }];
  const header = grayHeader(1);
  assert.ok(header.kind === 'image');
  return writeSnf({ header: residual ? { ...header, residual } : header, networks });
}

test('spec appendix A.14: A.2 with a residual, its one pixel 5 levels darker', async () => {
  const expected = fromHex(`89534e460d0a1a0a0106000073000000 87a46b696e64a5696d616765a5776964
    746801a668656967687401a66c61796f 7574a467726179a46172636883a57769
    64746801a5646570746801a56f6d6567 611ea372657385a16b01a16a00a17310
    a17510a162c402ff20a86e6574776f72 6b739182a171c40804b804b0088802c0
    a1620404000000af017d0c37bb3761`);
  const residual: ImageResidual = { lumaCoefficients: 1, chromaCoefficients: 0, lumaStep: 16, chromaStep: 16, values: Int16Array.from([-40]) };
  assert.deepEqual(appendixWithResidual(residual), expected);
  assert.deepEqual([...(await decodeImage(appendixWithResidual(undefined))).data], [34]);
  assert.deepEqual([...(await decodeImage(expected)).data], [29]);
});

test('spec appendix A.15: A.2 with a residual at a graded step, its one pixel 7 levels brighter', async () => {
  const expected = fromHex(`89534e460d0a1a0a0107000076000000 87a46b696e64a5696d616765a5776964
    746801a668656967687401a66c61796f 7574a467726179a46172636883a57769
    64746801a5646570746801a56f6d6567 611ea372657386a16b02a16a00a17310
    a17510a16710a162c402af86a86e6574 776f726b739182a171c40804b804b008
    8802c0a1620404000000af017d0cf967 25ab`);
  const residual: ImageResidual = { lumaCoefficients: 2, chromaCoefficients: 0, lumaStep: 16, chromaStep: 16, gradient: 16, values: Int16Array.from([0, 35]) };
  assert.deepEqual(appendixWithResidual(residual), expected);
  assert.deepEqual([...(await decodeImage(expected)).data], [41]);
  // What a reader of x.6 shows, ignoring `g`: the coefficient at one step.
  const { gradient: _ignored, ...uniform } = residual;
  assert.deepEqual([...(await decodeImage(appendixWithResidual(uniform))).data], [40]);
});

test('spec appendix A.16: A.14 with adaptive steps, its one pixel (no variance, m = 1) 5 levels darker as in A.14', async () => {
  const expected = fromHex(`89534e460d0a1a0a0108000079000000 87a46b696e64a5696d616765a5776964
    746801a668656967687401a66c61796f 7574a467726179a46172636883a57769
    64746801a5646570746801a56f6d6567 611ea372657387a16b01a16a00a17310
    a17510a1610aa16504a162c402ff20a8 6e6574776f726b739182a171c40804b8
    04b0088802c0a1620404000000af017d 0cc4121cb7`);
  const residual: ImageResidual = {
    lumaCoefficients: 1, chromaCoefficients: 0, lumaStep: 16, chromaStep: 16, adaptive: { sigma: 10, exponent: 4 }, values: Int16Array.from([-40]),
  };
  assert.deepEqual(appendixWithResidual(residual), expected);
  assert.deepEqual([...(await decodeImage(expected)).data], [29]);
});

/** A stream whose first block says it has a nonzero coefficient (context 36 · 58, spec §3.11) and then codes 0 (model 0). */
function occupiedButEmpty(): Uint8Array {
  const enc = new RangeEncoder();
  const counts = new Uint16Array(2 * (36 * contextCount(16) + 6 + 12));
  enc.encodeBit(counts, 36 * contextCount(16), 1);
  encodeValue(enc, counts, 0, 14, 0);
  return enc.finish();
}

/** A stream whose first block (2 coefficients) holds 3, says it is not the last nonzero one (context 2,094), then codes 0. */
function lastNotFlagged(): Uint8Array {
  const enc = new RangeEncoder();
  const counts = new Uint16Array(2 * (36 * contextCount(16) + 6 + 12));
  enc.encodeBit(counts, 36 * contextCount(16), 1);
  encodeValue(enc, counts, 0, 14, 3);
  enc.encodeBit(counts, 36 * contextCount(16) + 6, 0);
  encodeValue(enc, counts, 3 * contextCount(16), 14, 0);
  return enc.finish();
}

test('the reader refuses a residual the spec forbids (spec §3.11)', () => {
  const tiles = readSnf(new Uint8Array(readFileSync(TILES_FIXTURE_SNF)));
  const bytes = withResidual(tiles, randomResidual(32, 32, 3, 10, 3, 8));
  const cases: [string, (h: Json) => void, string][] = [
    ['k 0', (h) => { h.res.k = 0; }, 'BAD_HEADER'],
    ['k 65', (h) => { h.res.k = 65; }, 'BAD_HEADER'],
    ['j 65', (h) => { h.res.j = 65; }, 'BAD_HEADER'],
    ['s 0', (h) => { h.res.s = 0; }, 'BAD_HEADER'],
    ['u 65536', (h) => { h.res.u = 65536; }, 'BAD_HEADER'],
    ['g 1024', (h) => { h.res.g = 1024; }, 'BAD_HEADER'],
    ['g −1', (h) => { h.res.g = -1; }, 'BAD_HEADER'],
    ['g 1.5', (h) => { h.res.g = 1.5; }, 'BAD_HEADER'],
    ['a without e', (h) => { h.res.a = 10; }, 'BAD_HEADER'],
    ['e without a', (h) => { h.res.e = 4; }, 'BAD_HEADER'],
    ['a 0', (h) => { h.res.a = 0; h.res.e = 4; }, 'BAD_HEADER'],
    ['a 256', (h) => { h.res.a = 256; h.res.e = 4; }, 'BAD_HEADER'],
    ['e 0', (h) => { h.res.a = 10; h.res.e = 0; }, 'BAD_HEADER'],
    ['e 17', (h) => { h.res.a = 10; h.res.e = 17; }, 'BAD_HEADER'],
    ['b not binary', (h) => { h.res.b = 'x'; }, 'BAD_HEADER'],
    ['res not a map', (h) => { h.res = 3; }, 'BAD_HEADER'],
    ['stream with a byte more', (h) => { h.res.b = Uint8Array.from([...h.res.b, 7]); }, 'BAD_STREAM'],
    ['a block marked as having coefficients that are all 0', (h) => { h.res.k = 1; h.res.j = 0; h.res.b = occupiedButEmpty(); }, 'BAD_STREAM'],
    ['a block whose last nonzero coefficient is not flagged as its last', (h) => { h.res.k = 2; h.res.j = 0; h.res.b = lastNotFlagged(); }, 'BAD_STREAM'],
  ];
  for (const [name, mutate, code] of cases) assert.equal(codeOf(() => readSnf(withHeader(bytes, mutate))), code, name);
  // Gray has no chroma: j must be 0.
  const gray = withHeader(bytes, (h) => { h.layout = 'gray'; h.arch.outputs = 1; });
  assert.equal(codeOf(() => readSnf(gray)), 'BAD_HEADER');
  // A residual so large that its values would not fit the reader's limit is refused before they are allocated.
  assert.equal(codeOf(() => readSnf(withHeader(bytes, (h) => { h.width = 60000; h.height = 60000; h.res.k = 64; }))), 'LIMIT_EXCEEDED');
  // The limit is the caller's to lower (spec §8, maxResidualValues): a small file that claims a large image's residual
  // is refused before its values are decoded.
  const values = (readSnf(bytes).header as { residual: { values: Int16Array } }).residual.values.length;
  assert.ok(values > 0);
  assert.doesNotThrow(() => readSnf(bytes, { maxResidualValues: values }));
  assert.equal(codeOf(() => readSnf(bytes, { maxResidualValues: values - 1 })), 'LIMIT_EXCEEDED');
  assert.equal(codeOf(() => inspectSnf(bytes, { maxResidualValues: values - 1 })), 'LIMIT_EXCEEDED');
});

test('the committed format 4.6 fixture: the 4.5 file plus a residual, closer to the source', async () => {
  const bytes = new Uint8Array(readFileSync(RESIDUAL_FIXTURE_SNF));
  assert.deepEqual([bytes[8], bytes[9]], [4, 6]);
  const source = await crop32();
  const without = await decodeImage(new Uint8Array(readFileSync(SHARED_FIXTURE_SNF)));
  const withIt = await decodeImage(bytes);
  assert.ok(psnr(source, withIt) > psnr(source, without) + 0.3, `${psnr(source, without)} -> ${psnr(source, withIt)}`);
  // Rendered at 3× it is the same picture, finer: its 3 × 3 block means are near the 1× pixels.
  const difference = meanBlockDifference(withIt, await decodeImage(bytes, { scale: 3 }), 3);
  assert.ok(difference < 6, `mean difference ${difference}`);
});

test('the committed format 4.7 fixture: a residual at a graded step, closer to the source than the networks', async () => {
  const bytes = new Uint8Array(readFileSync(GRADED_FIXTURE_SNF));
  const header = readSnf(bytes).header;
  assert.ok(header.kind === 'image' && (header.residual?.gradient ?? 0) > 0);
  const source = await crop32();
  assert.ok(psnr(source, await decodeImage(bytes)) > psnr(source, await decodeImage(new Uint8Array(readFileSync(SHARED_FIXTURE_SNF)))) + 0.3);
});

test('the committed format 4.8 fixture: adaptive steps, closer to the source than the networks; a reader of x.7 would show a valid image further off', async () => {
  const bytes = new Uint8Array(readFileSync(ADAPTIVE_FIXTURE_SNF));
  const file = readSnf(bytes);
  assert.ok(file.header.kind === 'image' && file.header.residual?.adaptive !== undefined);
  const source = await crop32();
  const networks = psnr(source, await decodeImage(new Uint8Array(readFileSync(SHARED_FIXTURE_SNF))));
  const adapted = psnr(source, await decodeImage(bytes));
  assert.ok(adapted > networks + 0.3, `${networks} -> ${adapted}`);
  // Without `a` and `e` (what a reader of x.7 does): every block at the plane's step, still closer than the networks alone.
  const { adaptive: _ignored, ...uniform } = file.header.residual;
  const older = psnr(source, await decodeImage(withResidual(file, uniform, true)));
  assert.ok(older > networks && older < adapted, `${networks}, ${older}, ${adapted}`);
  // At 2× the multipliers come from a denser sampling of the same field: the picture's 2 × 2 means stay near the 1× pixels.
  const difference = meanBlockDifference(await decodeImage(bytes), await decodeImage(bytes, { scale: 2 }), 2);
  assert.ok(difference < 6, `mean difference ${difference}`);
});

test('residualChoice: chroma keeps frequencies up to 3 up to 1 bpp and up to 5 above, up to 7 on a smooth photo from 2 bpp, in every shape of every tune', () => {
  const chromaOf = (tune: 'psnr' | 'ssim' | 'balanced', detail: number, bpp: number): Set<number | undefined> => new Set(residualChoice(tune, detail, bpp).shapes.map((shape) => shape.chroma));
  for (const tune of ['psnr', 'ssim', 'balanced'] as const) {
    for (const detail of [0, BUSY_DETAIL - 1, BUSY_DETAIL, 1000]) {
      for (const bpp of [0.25, 0.5, 1]) assert.deepEqual(chromaOf(tune, detail, bpp), new Set([undefined]), `${tune} ${detail} ${bpp}`);
      assert.deepEqual(chromaOf(tune, detail, 1.5), new Set([FINE_CHROMA_COEFFICIENTS]), `${tune} ${detail} 1.5`);
      for (const bpp of [2, 4]) {
        assert.deepEqual(chromaOf(tune, detail, bpp), new Set([detail < BUSY_DETAIL ? SMOOTH_FINER_CHROMA_COEFFICIENTS : FINE_CHROMA_COEFFICIENTS]), `${tune} ${detail} ${bpp}`);
      }
    }
  }
});

test('residualChoice: psnr ranks by PSNR, ssim by MS-SSIM, balanced by both, MS-SSIM weighed more on a busy photo', () => {
  assert.equal(residualChoice('psnr', 1000, 1).by, 'psnr');
  assert.equal(residualChoice('ssim', 0, 1).by, 'ms-ssim');
  const smooth = residualChoice('balanced', BUSY_DETAIL - 1, 1), busy = residualChoice('balanced', BUSY_DETAIL, 1);
  assert.equal(smooth.by, 'both');
  assert.ok(busy.msSsimWeight! > smooth.msSsimWeight!);
  // Every tune tries the uniform step at several counts and graded steps with all 64 coefficients.
  for (const choice of [smooth, busy, residualChoice('psnr', 0, 1)]) {
    assert.ok(choice.shapes.some((shape) => shape.gradient === 0 && shape.count < 64));
    assert.ok(choice.shapes.some((shape) => shape.gradient > 0 && shape.count === 64));
  }
  // balanced and ssim also try graded shapes with texture masking; psnr, which masking costs, does not.
  for (const choice of [smooth, busy, residualChoice('ssim', 0, 1)]) assert.ok(choice.shapes.some((shape) => (shape.masking ?? 0) > 0 && shape.gradient > 0));
  assert.ok(residualChoice('psnr', 0, 1).shapes.every((shape) => shape.masking === undefined));
  // balanced and ssim also try adaptive steps (format x.8); psnr does not.
  for (const choice of [smooth, busy, residualChoice('ssim', 0, 1)]) assert.ok(choice.shapes.some((shape) => shape.adaptive !== undefined && shape.gradient > 0));
  assert.ok(residualChoice('psnr', 0, 1).shapes.every((shape) => shape.adaptive === undefined));
});

test('balanced weighs MS-SSIM less at low rates: in full from 2 bpp, three quarters at 1, half at 0.5, not at all at 0.25 and below', () => {
  assert.deepEqual([0.1, 0.25, 0.5, 1, 2, 4].map(msSsimShareAt), [0, 0, 0.5, 0.75, 1, 1]);
  assert.ok(Math.abs(msSsimShareAt(Math.SQRT2) - 0.875) < 1e-12, 'linear in log₂ of the rate between');
  for (const detail of [0, BUSY_DETAIL]) {
    const full = residualChoice('balanced', detail, 2).msSsimWeight!;
    assert.ok(full > 0);
    assert.equal(residualChoice('balanced', detail, 4).msSsimWeight, full);
    assert.equal(residualChoice('balanced', detail, 1).msSsimWeight, (full * 3) / 4);
    assert.equal(residualChoice('balanced', detail, 0.5).msSsimWeight, full / 2);
    assert.equal(residualChoice('balanced', detail, 0.25).msSsimWeight, 0);
  }
  // The other tunes do not depend on the rate.
  assert.deepEqual(residualChoice('psnr', 0, 0.25), residualChoice('psnr', 0, 1));
  assert.deepEqual(residualChoice('ssim', 0, 0.25), residualChoice('ssim', 0, 1));
});

test('the residual\'s default share: more of the rate on a busy photo, and more from 0.5 to 2 bpp (busy) or from 0.5 to 1 bpp and below 0.5 bpp (smooth)', () => {
  const smooth = (bpp: number): number => defaultResidualShare(BUSY_DETAIL - 1, bpp);
  assert.equal(smooth(0.5), DEFAULT_RESIDUAL_SHARE);
  assert.equal(smooth(0.25), SMOOTH_RESIDUAL_SHARE_TO_QUARTER_BPP);
  assert.equal(smooth(0.1), smooth(0.25));
  assert.ok(smooth(0.25) > smooth(0.35) && smooth(0.35) > smooth(0.5));
  assert.ok(smooth(0.5) < smooth(0.7) && smooth(0.7) < smooth(1));
  assert.ok(Math.abs(smooth(1) - SMOOTH_RESIDUAL_SHARE_AT_1_BPP) < 1e-12);
  // From 1 bpp to 2 it moves to 2 bpp's share, one way.
  const towards2 = Math.sign(SMOOTH_RESIDUAL_SHARE_FROM_2_BPP - SMOOTH_RESIDUAL_SHARE_AT_1_BPP);
  assert.ok(Math.sign(smooth(1.5) - smooth(1)) === towards2 && Math.sign(smooth(2) - smooth(1.5)) === towards2);
  assert.ok(Math.abs(smooth(2) - SMOOTH_RESIDUAL_SHARE_FROM_2_BPP) < 1e-12);
  assert.equal(smooth(4), smooth(2));
  const busy = (bpp: number): number => defaultResidualShare(BUSY_DETAIL, bpp);
  assert.ok(busy(0.5) > DEFAULT_RESIDUAL_SHARE);
  assert.equal(busy(0.25), busy(0.5));
  assert.ok(busy(0.5) < busy(0.7) && busy(0.7) < busy(1));
  assert.ok(busy(1) < busy(1.5) && busy(1.5) < busy(2));
  assert.equal(busy(4), busy(2));
  assert.ok(busy(2) <= MAX_RESIDUAL_SHARE);
  // From 1 bpp up a smooth photo's share is a busy one's (session 66: 0.75 at 2 bpp, with depth 4 for the networks).
  for (const bpp of [1, 1.5, 2, 4]) assert.ok(Math.abs(smooth(bpp) - busy(bpp)) < 1e-12, `${bpp} bpp`);
  // A rate not yet checked gets a share in range, so that the rate's own error is the one reported.
  for (const bpp of [NaN, -1, Infinity]) for (const share of [busy(bpp), smooth(bpp)]) assert.ok(share >= 0 && share <= MAX_RESIDUAL_SHARE);
});

test('fitResidual: within its budget, and the more bytes the closer to the source', async () => {
  const { source, tiles, file, filtered } = await sharedFixtureField();
  let last = -Infinity;
  for (const budget of [60, 150, 400]) {
    const fitted = fitResidual(source, filtered, budget)!;
    assert.ok(fitted.bytes <= budget, `${fitted.bytes} bytes for a budget of ${budget}`);
    // The header is deflated: the residual's bytes pass through it at a few bytes' cost, which the encoder measures on the file.
    const grown: number = withResidual(file, fitted.residual, true).length - tiles.length;
    assert.ok(grown <= fitted.bytes * 1.1 + 16, `the file grew by ${grown} bytes for a residual of ${fitted.bytes}`);
    const quality = psnr(source, await decodeImage(withResidual(file, fitted.residual, true)));
    assert.ok(quality > last, `${budget} bytes: ${quality} dB`);
    last = quality;
  }
  assert.equal(fitResidual(source, filtered, 10), undefined, 'too few bytes for the map itself');
});

test('fill: at the step that fits, a smaller λ takes the bytes the step left; an encode short of its target by over 1 % fits again that way', async () => {
  const { data, info } = await sharp(`${FIXTURES}/kodim-crop96.png`).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const source: Raster = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
  const networks = (await encodeImage(source, { bpp: 1, steps: 40, residual: 0 })).bytes;
  const file = readSnf(networks);
  assert.ok(file.header.kind === 'image');
  const field = await decodeField(networks);
  const { filter } = file.header;
  const filtered = filter === undefined ? field : { ...field, values: applyRestorationFilter(field, filter, { x: 1, y: 1 }) };
  const choice = residualChoice('psnr', 0, 1);
  const sizeWith = (residual?: ImageResidual): number => (residual === undefined ? networks.length : withResidual(file, residual, true).length);
  const decodes = async (residual: ImageResidual): Promise<number> => psnr(source, await decodeImage(withResidual(file, residual, true)));
  let filledCloser = 0;
  let gained = 0;
  // Budgets where the step that fits leaves a few bytes (on this crop a step's unit is worth 2–6 bytes).
  for (const budget of [750, 1150, 1300, 1400]) {
    const plain = fitResidual(source, filtered, budget, choice)!;
    const filled = fitResidual(source, filtered, budget, { ...choice, shapes: [plain.shape], fill: true })!;
    assert.ok(filled.bytes >= plain.bytes && filled.bytes <= budget, `${budget}: ${plain.bytes} -> ${filled.bytes} bytes`);
    assert.equal(filled.residual.lumaStep, plain.residual.lumaStep, 'the same step');
    if (filled.bytes > plain.bytes) {
      filledCloser++;
      const [before, after] = [await decodes(plain.residual), await decodes(filled.residual)];
      // λ trades the residual's rate against its error in YCbCr coefficients; the PSNR is of rounded, clamped RGB, so a
      // few bytes more can leave it a hair lower (−0.0001 dB seen), never by more than that hair.
      assert.ok(after > before - 0.002, `${budget}: ${plain.bytes} -> ${filled.bytes} bytes, ${before} -> ${after} dB`);
      if (after > before) gained++;
    }
  }
  assert.ok(filledCloser >= 2, `${filledCloser} budgets filled closer`);
  assert.ok(gained >= 1 && gained >= filledCloser - 1, `PSNR up on ${gained} of the ${filledCloser} budgets filled closer`);
  // The encoder's last step, the file to a target: a search that leaves 10 % of the bytes unused (a coarse step) is
  // followed by a fit of its shape that fills the file to within 1 % of the target, and not past it.
  const target = networks.length + 600;
  const coarse: ResidualSearch = { threads: 1, search: async (image, field, budget, how) => searchInThisThread.search(image, field, Math.floor(budget * 0.9), how) };
  const first = (await coarse.search(source, filtered, 600, choice))!;
  const encoded = (await addResidualToFill(source, filtered, target, choice, coarse, undefined, sizeWith))!;
  const [before, after] = [sizeWith(first.residual), sizeWith(encoded.residual)];
  assert.ok(target - before > target * 0.01 && after <= target && target - after < target * 0.01, `${before} -> ${after} bytes of ${target}`);
  assert.equal(encoded.residual.lumaCoefficients, first.residual.lumaCoefficients, 'the shape the search chose');
  assert.ok(psnr(source, encoded.decoded) > await decodes(first.residual));
  // Past --time's deadline the search's residual is kept as it is.
  const late = Date.now() - 1;
  const hurried = (await coarse.search(source, filtered, 600, choice, late))!;
  const kept = (await addResidualToFill(source, filtered, target, choice, coarse, late, sizeWith))!;
  assert.ok(target - sizeWith(hurried.residual) > target * 0.01 && sizeWith(kept.residual) === sizeWith(hurried.residual), 'no refit past the deadline');
});

test('the residual search split between threads keeps what one search keeps; past its deadline a thread stops after its first shape', async () => {
  const { source, filtered } = await sharedFixtureField();
  const choice = residualChoice('balanced', BUSY_DETAIL, 1);
  const one = fitResidual(source, filtered, 400, choice)!;
  const same = (fit: { residual: unknown; bytes: number; shape: unknown } | undefined, label: string): void => {
    assert.ok(fit !== undefined, label);
    assert.deepEqual([fit.shape, fit.bytes, fit.residual], [one.shape, one.bytes, one.residual], label);
  };
  same(await searchInThisThread.search(source, filtered, 400, choice), 'in this thread');
  for (const threads of [2, 3]) same(await residualSearchOnThreads(threads).search(source, filtered, 400, choice), `on ${threads} threads`);
  // A deadline already past: the first shape of each thread's share (0, and 1 on the second thread), the better kept.
  const late = Date.now() - 1;
  assert.equal(fitResidualShapes(source, filtered, 400, choice, undefined, late)!.index, 0);
  const firstTwo = fitResidualShapes(source, filtered, 400, choice, [0, 1])!;
  const hurried = (await residualSearchOnThreads(2).search(source, filtered, 400, choice, late))!;
  assert.deepEqual([hurried.shape, hurried.bytes], [firstTwo.shape, firstTwo.bytes]);
  // What an encode under --time keeps back for it: its shapes shared between its threads.
  assert.equal(residualSearchSeconds(residualSearchOnThreads(2), choice, 1000), Math.ceil(choice.shapes.length / 2) * 1000 * RESIDUAL_SECONDS_PER_PIXEL_SHAPE);
});

test('encode --residual: the networks get the rest of the rate, the residual fills the file to it, and the decode is what the encoder measured', async () => {
  const { data, info } = await sharp(`${FIXTURES}/kodim-crop96.png`).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image: Raster = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
  const result = await encodeImage(image, { bpp: 3, steps: 40, residual: 0.25 });
  assert.ok(result.residualBytes > 0);
  // x.6–x.8 by the residual's shape, x.10 where the final filter after it was kept (spec §2.2).
  assert.ok(result.finalFilterClasses > 0 ? result.bytes[9] === 10 : [6, 7, 8].includes(result.bytes[9]!), `minor version ${result.bytes[9]}`);
  assert.ok(result.bytes.length * 8 <= 3 * 96 * 96, `${result.bytes.length} bytes`);
  assert.equal(result.rateHit, true);
  assert.ok(result.psnr > result.networkPsnr, `${result.networkPsnr} -> ${result.psnr}`);
  assert.equal(psnr(image, await decodeImage(result.bytes)), result.psnr);
  await assert.rejects(encodeImage(image, { bpp: 3, steps: 1, residual: MAX_RESIDUAL_SHARE + 0.1 }), /residual must be a share of the rate from 0 to 0\.75/);
  await assert.rejects(encodeImage(image, { width: 8, steps: 1, residual: 0.2 }), /residual is a share of a target rate/);
});

test('the encoder tries networks that hold the mean on images of at most 512×384 pixels, not on larger ones', () => {
  assert.equal(triesMeanNetworks(512 * 384), true); // the gate the README gives
  assert.equal(triesMeanNetworks(MEAN_NETWORKS_UP_TO_PIXELS), true);
  assert.equal(triesMeanNetworks(MEAN_NETWORKS_UP_TO_PIXELS + 1), false);
  // A full-size Kodak photo keeps its fitted networks: there the mean lowered MS-SSIM.
  assert.equal(triesMeanNetworks(768 * 512), false);
});

test('where fitted networks decode worse than none, the file\'s networks hold the mean and the residual the rest; a smooth pattern keeps its networks', async () => {
  // The busy 32×32 crop: at 5 bpp its network of about 2 bits a weight added error the residual could not take back
  // (26.6 dB, below 4 bpp's 38.3); with the mean in its place the decode rises with the rate.
  const busy = await crop32();
  const results = [];
  for (const bpp of [4, 5, 6]) results.push(await encodeImage(busy, { bpp }));
  const [at4, at5, at6] = results;
  assert.ok(at4!.psnr < at5!.psnr && at5!.psnr < at6!.psnr, results.map((r) => r.psnr).join(' < '));
  assert.ok(at5!.meanNetworks !== undefined && at5!.meanNetworks.fittedPsnr < at5!.psnr - 3, JSON.stringify(at5!.meanNetworks));
  assert.equal(psnr(busy, await decodeImage(at5!.bytes)), at5!.psnr);
  // Every weight and bias 0 but the output bias: a flat field before the residual.
  const file = readSnf(at5!.bytes);
  const network = file.networks[0]!;
  const params = networkParams(network);
  const outputBias = layerShapes(network.arch)[network.arch.depth]!.biasOffset;
  assert.ok(params.subarray(0, outputBias).every((value) => value === 0));
  assert.ok(params.subarray(outputBias).some((value) => value !== 0));
  // A smooth sinusoidal pattern, what a sine network holds in few weights: the fitted networks stay.
  const smooth: Raster = { width: 64, height: 64, channels: 3, data: new Uint8Array(64 * 64 * 3) };
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      smooth.data.set([128 + 100 * Math.sin(x / 9 + y / 13), 128 + 90 * Math.cos(x / 11 - y / 7), 100 + 60 * Math.sin((x + y) / 15)].map(Math.round), (y * 64 + x) * 3);
    }
  }
  const kept = await encodeImage(smooth, { bpp: 2 });
  assert.ok(kept.residualBytes > 0);
  assert.equal(kept.meanNetworks, undefined, `fitted ${kept.psnr} dB`);
  // A flat field would be about 10 dB: the networks hold the pattern, the residual the rest.
  assert.ok(kept.networkPsnr > 25, `${kept.networkPsnr} dB from the networks`);
});

test('snfc: --residual is checked before anything is read, refused for audio, and info describes the residual', () => {
  const bad = snfc(['encode', `${FIXTURES}/kodim-crop32.png`, '--residual', '0.9', '-o', '/tmp/never.snf']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--residual/);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  const wav = snfc(['encode', `${FIXTURES}/bach-excerpt.wav`, '--residual', '0.2', '-o', '/tmp/never.snf']);
  assert.equal(wav.status, 2);
  assert.match(wav.stderr, /--residual is for images/);
  const info = snfc(['info', RESIDUAL_FIXTURE_SNF]);
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stdout, /format: +snf 4\.6/);
  assert.match(info.stdout, /residual: +DCT of 8x8 blocks, \d+ luma and 3 chroma coefficients a block, step [\d.]+ levels, \d+ nonzero/);
  const json = JSON.parse(snfc(['info', RESIDUAL_FIXTURE_SNF, '--json']).stdout) as { residual?: { chromaCoefficients: number; lumaStep: number } };
  assert.equal(json.residual?.chromaCoefficients, 3);
  assert.equal(json.residual!.lumaStep % RESIDUAL_STEP_UNIT, 0);
  const graded = snfc(['info', GRADED_FIXTURE_SNF]);
  assert.match(graded.stdout, /format: +snf 4\.7/);
  assert.match(graded.stdout, /step [\d.]+ levels \(3x at frequency 7\)/);
  assert.doesNotMatch(graded.stdout, /coarser where the field is busy/);
  const adaptive = snfc(['info', ADAPTIVE_FIXTURE_SNF]);
  assert.match(adaptive.stdout, /format: +snf 4\.8/);
  assert.match(adaptive.stdout, /coarser where the field is busy \(× \(1 \+ σ²\/10²\)\^0\.5\)/);
});

test('snfc encode: the summary line and --json say what the residual took and brought', () => {
  const out = `${tempDir()}/crop.snf`;
  const text = snfc(['encode', `${FIXTURES}/kodim-crop96.png`, '--bpp', '3', '--steps', '20', '-o', out]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stderr, /, residual \d+ bytes \+\d+\.\d\d dB,/);
  const json = JSON.parse(snfc(['encode', `${FIXTURES}/kodim-crop96.png`, '--bpp', '3', '--steps', '20', '-o', out, '--force', '--json']).stdout) as
    { residualBytes: number; networkPsnr: number; psnr: number };
  assert.ok(json.residualBytes > 0 && json.psnr > json.networkPsnr, JSON.stringify(json));
  const none = JSON.parse(snfc(['encode', `${FIXTURES}/kodim-crop96.png`, '--bpp', '3', '--steps', '20', '--residual', '0', '-o', out, '--force', '--json']).stdout) as
    { residualBytes: number; networkPsnr?: number };
  assert.equal(none.residualBytes, 0);
  assert.equal(none.networkPsnr, undefined);
});

test('optimizeResidual: with λ near 0 each value is its coefficient rounded to the nearest level; with λ huge every block is empty', () => {
  const planes = residualPlanes(24, 16, 3, 64, 10);
  const random = mulberry32(7);
  const steps = coefficientSteps(48, 16);
  // Coefficients of up to ±4 steps, most small, as a residual's are.
  const dct = planes.map((plane) => Float64Array.from({ length: plane.blocksX * plane.blocksY * MAX_RESIDUAL_COEFFICIENTS }, (_, i) => (random() - 0.5) * 8 * random() ** 2 * steps[i % MAX_RESIDUAL_COEFFICIENTS]!));
  const fresh = (): Int16Array => new Int16Array(residualValueCount(planes)).fill(1);
  const nearest = fresh();
  optimizeResidual({ planes, values: nearest, dct, steps }, 1e-9);
  let nonzero = 0;
  planes.forEach((plane, p) => {
    for (let b = 0; b < plane.blocksX * plane.blocksY; b++) {
      for (let c = 0; c < plane.coefficients; c++) {
        const q = nearest[plane.offset + b * plane.coefficients + c]!;
        assert.equal(q, Math.round(dct[p]![b * MAX_RESIDUAL_COEFFICIENTS + c]! / steps[c]!) || 0, `plane ${p} block ${b} coefficient ${c}`);
        if (q !== 0) nonzero++;
      }
    }
  });
  assert.ok(nonzero > 100, `${nonzero} nonzero values`);
  const none = fresh();
  optimizeResidual({ planes, values: none, dct, steps }, 1e9);
  assert.ok(none.every((q) => q === 0));
});

test('optimizeResidual: a block weighed less (texture masking) keeps fewer values than the same block weighed more', () => {
  // Two luma blocks side by side with the same coefficients: only their weights differ.
  const planes = residualPlanes(16, 8, 1, 64, 0);
  const random = mulberry32(11);
  const steps = coefficientSteps(48, 16);
  const block = Array.from({ length: MAX_RESIDUAL_COEFFICIENTS }, (_, c) => (random() - 0.5) * 6 * random() * steps[c]!);
  const dct = [Float64Array.from([...block, ...block])];
  const nonzero = (values: Int16Array, b: number): number => values.slice(b * 64, (b + 1) * 64).filter((q) => q !== 0).length;
  // Values as the dead zone leaves them (the rate model is estimated from them): each coefficient rounded.
  const rounded = (): Int16Array => Int16Array.from(dct[0]!, (x, i) => Math.round(x / steps[i % 64]!));
  const even = rounded();
  optimizeResidual({ planes, values: even, dct, steps }, 0.12);
  assert.equal(nonzero(even, 0), nonzero(even, 1));
  // The first block, whose contexts do not depend on the second's values, weighed less and weighed more.
  const weighed = (weight: number): number => {
    const values = rounded();
    optimizeResidual({ planes, values, dct, steps, blockWeights: [Float64Array.of(weight, 1)] }, 0.12);
    return nonzero(values, 0);
  };
  assert.ok(weighed(0.2) < nonzero(even, 0) && nonzero(even, 0) < weighed(1.8), `${weighed(0.2)}, ${nonzero(even, 0)} and ${weighed(1.8)} values`);
});

test('fitResidual: a masked shape fits its budget, quantizes differently, and is the shape it reports', async () => {
  const { source, file, filtered } = await sharedFixtureField();
  const shape = { count: 64, gradient: 32 };
  const plainFit = fitResidual(source, filtered, 400, { shapes: [shape], by: 'psnr', rdo: 0.12 })!;
  const maskedFit = fitResidual(source, filtered, 400, { shapes: [{ ...shape, masking: 10 }], by: 'psnr', rdo: 0.12 })!;
  assert.ok(maskedFit.bytes <= 400);
  assert.deepEqual(maskedFit.shape, { ...shape, masking: 10 });
  assert.notDeepEqual(maskedFit.residual.values, plainFit.residual.values);
  // Still a residual the decoder reads and that brings the decode closer to the source.
  const before = psnr(source, await decodeImage(writeSnf({ ...file, sharedContexts: true })));
  assert.ok(psnr(source, await decodeImage(withResidual(file, maskedFit.residual, true))) > before + 0.3);
});

test('fitResidual: a shape with adaptive steps fits its budget, is the shape it reports, and the decoder renders what it measured', async () => {
  const { source, file, filtered } = await sharedFixtureField();
  const shape = { count: 64, gradient: 32 };
  const adaptive = { sigma: 10, exponent: 8 };
  const plainFit = fitResidual(source, filtered, 400, { shapes: [shape], by: 'psnr', rdo: 0.12 })!;
  const adaptedFit = fitResidual(source, filtered, 400, { shapes: [{ ...shape, adaptive }], by: 'psnr', rdo: 0.12 })!;
  assert.ok(adaptedFit.bytes <= 400);
  assert.deepEqual(adaptedFit.shape, { ...shape, adaptive });
  assert.deepEqual(adaptedFit.residual.adaptive, adaptive);
  assert.notDeepEqual(adaptedFit.residual.values, plainFit.residual.values);
  // The file's decode is the render the fit measured: the decoder's multipliers are the encoder's.
  const decoded = await decodeImage(withResidual(file, adaptedFit.residual, true));
  const measured = rasterFromField(filtered, { x: 1, y: 1 }, { residual: adaptedFit.residual });
  assert.deepEqual([...decoded.data], [...measured.data]);
  assert.ok(psnr(source, decoded) > psnr(source, await decodeImage(writeSnf({ ...file, sharedContexts: true }))) + 0.3);
});

test('fitResidual: the rate–distortion quantization decodes closer to the source than the dead zone alone in the same bytes', async () => {
  const { source, file, filtered } = await sharedFixtureField();
  const plain = { ...residualChoice('psnr', 0, 1), rdo: 0 };
  assert.ok(residualChoice('psnr', 0, 1).rdo! > 0, 'the encoder quantizes by rate and distortion');
  for (const budget of [150, 400]) {
    const quality = async (choice: ResidualChoice): Promise<number> => {
      const fitted = fitResidual(source, filtered, budget, choice)!;
      assert.ok(fitted.bytes <= budget);
      return psnr(source, await decodeImage(withResidual(file, fitted.residual, true)));
    };
    const [without, withRdo] = [await quality(plain), await quality(residualChoice('psnr', 0, 1))];
    assert.ok(withRdo > without, `${budget} bytes: ${withRdo} dB with, ${without} dB without`);
  }
});

test('an image under 11 pixels a side gets a residual too, its shapes ranked by PSNR (MS-SSIM has no window there)', async () => {
  const source = await sharp(`${FIXTURES}/kodim-crop32.png`).extract({ left: 0, top: 0, width: 8, height: 8 }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image: Raster = { width: 8, height: 8, channels: 3, data: new Uint8Array(source.data) };
  const result = await encodeImage(image, { bpp: 32, steps: 20, tune: 'balanced' });
  assert.ok(result.residualBytes > 0, 'the residual is used');
  assert.ok(result.psnr > result.networkPsnr, `${result.psnr} dB against the networks' ${result.networkPsnr}`);
});
