import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import sharp from 'sharp';
import { decodedSize, decodeField, decodeImage, DEFAULT_MAX_PIXELS } from '../src/decoder/index.js';
import { readSnf, SnfFormatError, writeSnf, type SnfErrorCode } from '../src/format/index.js';
import { tensorSlices, type SirenArch } from '../src/kernels/arch.js';
import { ADAPTIVE_FIXTURE_DECODED_PNG, ADAPTIVE_FIXTURE_SNF, ALL_FEATURES_FIXTURE_DECODED_PNG, ALL_FEATURES_FIXTURE_SNF, appendixA, CLIPPED_FIXTURE_DECODED_PNG, CLIPPED_FIXTURE_SNF, CUTS_FIXTURE_DECODED_PNG, CUTS_FIXTURE_SNF, FINAL_FIXTURE_DECODED_PNG, FINAL_FIXTURE_SNF, GRADED_FIXTURE_DECODED_PNG, GRADED_FIXTURE_SNF, RESIDUAL_FIXTURE_DECODED_PNG, RESIDUAL_FIXTURE_SNF, SHARED_FIXTURE_DECODED_PNG, SHARED_FIXTURE_SNF, DEFLATED_FIXTURE_DECODED_PNG, DEFLATED_FIXTURE_SNF, DIRECTION_FIXTURE_DECODED_PNG, DIRECTION_FIXTURE_SNF, FILTER_FIXTURE_DECODED_PNG, FILTER_FIXTURE_SNF, FIXTURE_DECODED_PNG, FIXTURE_SNF, FOURIER_FIXTURE_DECODED_PNG, FOURIER_FIXTURE_SNF, TILES_FIXTURE_DECODED_PNG, TILES_FIXTURE_SNF, UNITS_FIXTURE_DECODED_PNG, UNITS_FIXTURE_SNF } from './fuzz/seeds.js';

async function codeOf(promise: Promise<unknown>): Promise<SnfErrorCode | 'none'> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SnfFormatError, `expected SnfFormatError, got ${String(error)}`);
    assert.ok(!error.message.includes('\n'));
    return error.code;
  }
  return 'none';
}

/** A one-network gray image of `width` × `height` whose weights are all 0: a few hundred bytes whatever its size. */
function flatImage(width: number, height: number): Uint8Array {
  const arch: SirenArch = { inputs: 2, outputs: 1, width: 2, depth: 1, omega: 30 };
  const tensors = tensorSlices(arch).map(({ length }) => ({ bits: 2, step: 1, values: new Int32Array(length) }));
  return writeSnf({
    header: { kind: 'image', width, height, layout: 'gray', colorSpace: 'srgb', normalization: 'symmetric8' },
    networks: [{ region: [0, 0, width, height], arch, tensors }],
  });
}

for (const [name, snf, png, major, minor] of [
  ['format 1.0 fixture', FIXTURE_SNF, FIXTURE_DECODED_PNG, 1, 0],
  ['format 2.0 fixture (Fourier inputs)', FOURIER_FIXTURE_SNF, FOURIER_FIXTURE_DECODED_PNG, 2, 0],
  ['format 2.3 fixture (blended tiles, compact tensor tables)', TILES_FIXTURE_SNF, TILES_FIXTURE_DECODED_PNG, 2, 3],
  ['format 2.4 fixture (the 2.3 file with a restoration filter)', FILTER_FIXTURE_SNF, FILTER_FIXTURE_DECODED_PNG, 2, 4],
  ['format 2.5 fixture (the filter with direction classes)', DIRECTION_FIXTURE_SNF, DIRECTION_FIXTURE_DECODED_PNG, 2, 5],
  ['format 3.5 fixture (the 2.5 file, its header deflated)', DEFLATED_FIXTURE_SNF, DEFLATED_FIXTURE_DECODED_PNG, 3, 5],
  ['format 4.5 fixture (the 2.5 file, shared contexts)', SHARED_FIXTURE_SNF, SHARED_FIXTURE_DECODED_PNG, 4, 5],
  ['format 4.6 fixture (the 4.5 file with a DCT residual)', RESIDUAL_FIXTURE_SNF, RESIDUAL_FIXTURE_DECODED_PNG, 4, 6],
  ['format 4.7 fixture (the residual at a graded step)', GRADED_FIXTURE_SNF, GRADED_FIXTURE_DECODED_PNG, 4, 7],
  ['format 4.8 fixture (the residual\'s steps adapted to the field)', ADAPTIVE_FIXTURE_SNF, ADAPTIVE_FIXTURE_DECODED_PNG, 4, 8],
  ['format 4.9 fixture (2×2 tiles moved off a shoreline, a grid with cuts)', CUTS_FIXTURE_SNF, CUTS_FIXTURE_DECODED_PNG, 4, 9],
  ['format 4.10 fixture (the 4.8 file with a final filter after its residual)', FINAL_FIXTURE_SNF, FINAL_FIXTURE_DECODED_PNG, 4, 10],
  ['format 4.11 fixture (the same final filter with clipped taps)', CLIPPED_FIXTURE_SNF, CLIPPED_FIXTURE_DECODED_PNG, 4, 11],
  ['format 5.3 fixture (2×2 tiles quantized with steps per unit)', UNITS_FIXTURE_SNF, UNITS_FIXTURE_DECODED_PNG, 5, 3],
  ['format 5.11 fixture (the 5.3 networks with a filter, an adaptive residual and a clipped final filter)', ALL_FEATURES_FIXTURE_SNF, ALL_FEATURES_FIXTURE_DECODED_PNG, 5, 11],
] as const) {
  test(`the committed ${name} decodes to its committed PNG, within ±1 per sample (spec §4.5)`, async () => {
    const bytes = new Uint8Array(readFileSync(snf));
    assert.deepEqual([bytes[8], bytes[9]], [major, minor]);
    const image = await decodeImage(bytes);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([image.width, image.height, image.channels], [info.width, info.height, info.channels]);
    let worst = 0;
    for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(image.data[i]! - data[i]!));
    assert.ok(worst <= 1, `a sample differs by ${worst}`);
  });
}

test('a file readSnf has read decodes to the same samples as its bytes, at any size, without being read again', async () => {
  const bytes = new Uint8Array(readFileSync(CLIPPED_FIXTURE_SNF));
  const file = readSnf(bytes);
  for (const size of [{}, { scale: 2 }, { width: 7, height: 5 }]) {
    assert.deepEqual((await decodeImage(file, size)).data, (await decodeImage(bytes, size)).data);
  }
  // The file object is what gets rendered: a network's weights changed in it change the image, so it was not re-read.
  const changed = { ...file, networks: file.networks.map((network, n) => n > 0 ? network : { ...network, tensors: network.tensors.map((tensor, t) => t > 0 ? tensor : { ...tensor, values: tensor.values.map((q) => -q) }) }) };
  assert.notDeepEqual((await decodeImage(changed)).data, (await decodeImage(file)).data);
  // Anything else still goes to readSnf, which says what it got.
  await assert.rejects(decodeImage(bytes.buffer as unknown as Uint8Array), (error: unknown) => error instanceof SnfFormatError && error.code === 'INVALID_ARGUMENT' && /ArrayBuffer/.test(error.message));
});

test('the spec appendix A file decodes to one gray pixel', async () => {
  const image = await decodeImage(appendixA());
  assert.deepEqual([image.width, image.height, image.channels, image.data.length], [1, 1, 1, 1]);
});

test('maxPixels: default 2^26; a file claiming 65536² pixels fails fast, before the output is allocated', async () => {
  assert.equal(DEFAULT_MAX_PIXELS, 2 ** 26);
  const giant = flatImage(65536, 65536);
  const before = process.memoryUsage().arrayBuffers;
  const started = performance.now();
  await assert.rejects(decodeImage(giant), (error: unknown) => {
    assert.ok(error instanceof SnfFormatError);
    assert.equal(error.code, 'LIMIT_EXCEEDED');
    assert.equal(error.message, 'the output would be 65536x65536 = 4294967296 pixels, over the limit maxPixels = 67108864');
    return true;
  });
  assert.ok(performance.now() - started < 500, 'refused in well under a second');
  assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 2 ** 20, 'nothing the size of the output was allocated');
  // The field is continuous: the same file renders at a small size.
  const thumb = await decodeImage(giant, { width: 8, height: 4 });
  assert.deepEqual([thumb.width, thumb.height, thumb.channels], [8, 4, 1]);
  assert.ok(thumb.data.every((v) => v === 128), 'all-zero weights give mid-gray');
});

test('maxPixels is the largest output allowed: at it decodes, one over fails', async () => {
  const bytes = flatImage(10, 10);
  assert.equal(await codeOf(decodeImage(bytes, { scale: 2 }, { maxPixels: 400 })), 'none');
  assert.equal(await codeOf(decodeImage(bytes, { scale: 2 }, { maxPixels: 399 })), 'LIMIT_EXCEEDED');
  assert.equal(await codeOf(decodeImage(bytes, { width: 1000, height: 1000 })), 'none');
  assert.equal(await codeOf(decodeImage(bytes, { width: 65536, height: 65536 })), 'LIMIT_EXCEEDED');
  assert.equal(await codeOf(decodeImage(bytes, { scale: 1e6 })), 'LIMIT_EXCEEDED');
  // The file limits still apply alongside it.
  assert.equal(await codeOf(decodeImage(bytes, {}, { maxImageSide: 9 })), 'LIMIT_EXCEEDED');
});

test('decodeField renders at the file\'s own size, so it refuses a file over maxPixels before allocating (spec §8)', async () => {
  const giant = flatImage(65536, 65536);
  const before = process.memoryUsage().arrayBuffers;
  assert.equal(await codeOf(decodeField(giant)), 'LIMIT_EXCEEDED');
  assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 2 ** 20, 'nothing the size of the output was allocated');
  const small = flatImage(10, 10);
  assert.equal(await codeOf(decodeField(small, { maxPixels: 99 })), 'LIMIT_EXCEEDED');
  assert.equal(await codeOf(decodeField(small, { maxPixels: -1 })), 'INVALID_ARGUMENT');
  const field = await decodeField(small, { maxPixels: 100 });
  assert.deepEqual([field.width, field.height, field.channels], [10, 10, 1]);
});

test('invalid sizes and limits are INVALID_ARGUMENT, checked before rendering', async () => {
  const bytes = flatImage(4, 4);
  const sizes: unknown[] = [
    { scale: 0 }, { scale: -1 }, { scale: Number.NaN }, { scale: Infinity }, { scale: '2' }, { width: 0, height: 4 }, { width: 4, height: 1.5 },
    { width: -2, height: 4 }, { width: 4 }, { width: Number.NaN, height: 4 }, null, { width: 4, height: 4, scale: 2 },
  ];
  for (const size of sizes) {
    assert.equal(await codeOf(decodeImage(bytes, size as { scale: number })), 'INVALID_ARGUMENT', JSON.stringify(size));
  }
  for (const maxPixels of [Number.NaN, -1, '10']) {
    assert.equal(await codeOf(decodeImage(bytes, {}, { maxPixels: maxPixels as number })), 'INVALID_ARGUMENT', String(maxPixels));
  }
  // Options a decode would otherwise ignore or fail on late: 12-bit samples, a forward that is not a function, no object.
  for (const options of [{ sampleBits: 12 }, { forward: 5 }, null]) {
    assert.equal(await codeOf(decodeImage(bytes, {}, undefined, options as object)), 'INVALID_ARGUMENT', JSON.stringify(options));
  }
  assert.equal(await codeOf(decodeImage(bytes.buffer as unknown as Uint8Array)), 'INVALID_ARGUMENT', 'an ArrayBuffer');
});

test('decodedSize: the source size, scaled and rounded (at least 1), or exact', () => {
  const source = { width: 33, height: 10 };
  assert.deepEqual(decodedSize(source), { width: 33, height: 10 });
  assert.deepEqual(decodedSize(source, { scale: 0.5 }), { width: 17, height: 5 });
  assert.deepEqual(decodedSize(source, { scale: 0.001 }), { width: 1, height: 1 });
  assert.deepEqual(decodedSize(source, { width: 7, height: 3 }), { width: 7, height: 3 });
});

test('an audio file is not an image', async () => {
  const arch: SirenArch = { inputs: 1, outputs: 1, width: 2, depth: 1, omega: 30 };
  const tensors = tensorSlices(arch).map(({ length }) => ({ bits: 2, step: 1, values: new Int32Array(length) }));
  const audio = writeSnf({
    header: { kind: 'audio', sampleRate: 8000, length: 10, channels: 1, colorSpace: 'linear', normalization: 'identity' },
    networks: [{ region: [0, 10], arch, tensors }],
  });
  assert.equal(await codeOf(decodeImage(audio)), 'UNSUPPORTED_FEATURE');
});
