import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { Deflate, deflateSync, inflateSync } from 'fflate';
import { Unpackr } from 'msgpackr';
import { parameterCount, tensorSlices, type SirenArch } from '../src/kernels/arch.js';
import {
  crc32, DEFAULT_LIMITS, inspectSnf, isAudioFile, isImageFile, networkParams, readSnf, SnfFormatError, writeSnf, type QuantizedTensor,
  type ImageHeader, type SnfErrorCode, type SnfFileInput, type SnfHeader, type SnfLimits, type SnfNetworkInput,
} from '../src/format/index.js';
import { decodeHeaderValue, encodeHeaderValue, Float64, type HeaderValue } from '../src/format/msgpack.js';
import { appendixArch, appendixTensors, fromHex, grayHeader } from './helpers/appendix.js';
import { deflateBomb } from './helpers/deflate-bomb.js';
import { assemble, codeOf, headerOf, packr, split, withHeader, type Json } from './helpers/snf-bytes.js';
import { gridEdge, gridRegions } from '../src/format/tiling.js';
import { codeOfStep, gridStepAtLeast, stepOfCode, STEP_MANTISSAS } from '../src/format/step-grid.js';
import { tileRegions } from '../src/encoder/image/encode-image.js';
import { decodeImage } from '../src/decoder/index.js';
import { mulberry32 as prng } from './helpers/prng.js';

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** Random tensors for `arch`: bits per tensor from `bits` (cycled), Laplacian-ish integers. */
function network(arch: SirenArch, region: number[], bits: number[] = [8], seed = 1): SnfNetworkInput {
  const random = prng(seed);
  const tensors: QuantizedTensor[] = tensorSlices(arch).map(({ length }, t) => {
    const b = bits[t % bits.length]!;
    const max = 2 ** (b - 1) - 1;
    const scale = Math.max(0.5, max / 6);
    const values = Int32Array.from({ length }, () => {
      const u = random() - 0.5;
      return Math.max(-max, Math.min(max, Math.round(-scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u)))));
    });
    return { bits: b, step: Math.fround(0.001 * (t + 1) + random() * 0.01), values };
  });
  return { region, arch, tensors };
}

const imageArch = (outputs: number, width = 6, depth = 2): SirenArch => ({ inputs: 2, outputs, width, depth, omega: 30 });
const audioArch = (outputs: number, width = 5, depth = 1): SirenArch => ({ inputs: 1, outputs, width, depth, omega: 3000 });

function imageHeader(width: number, height: number, layout: 'gray' | 'graya' | 'rgb' | 'rgba' = 'rgb'): SnfHeader {
  return {
    kind: 'image', width, height, layout, colorSpace: 'srgb', normalization: 'symmetric8',
    train: { steps: 100, batch: 64, alpha: 0.5, lr: 1e-3, schedule: 'constant', seed: 7, psnr: 31.25, engine: 'ref', seconds: 1.5, init: 'ws' },
  };
}

function audioHeader(length: number, channels = 1): SnfHeader {
  return { kind: 'audio', sampleRate: 44100, length, channels, colorSpace: 'linear', normalization: 'identity' };
}

/**
 * A small valid image file: 2×2 tiles of a 7×5 RGB image, a grid (spec §3.5), network 2 with its own arch.
 * With `fourier` levels (spec §4.1) the networks take Fourier inputs, network 2 `ownFourier` of them.
 */
function tiledImage(fourier = 0, ownFourier = fourier): SnfFileInput {
  const arch = (levels: number, width?: number, depth?: number): SirenArch =>
    levels === 0 ? imageArch(3, width, depth) : { ...imageArch(3, width, depth), inputs: 2 * (1 + 2 * levels), fourier: levels };
  return {
    header: imageHeader(7, 5),
    networks: [
      network(arch(fourier), [0, 0, 4, 3], [8], 1),
      network(arch(fourier), [4, 0, 7, 3], [2, 16], 2),
      network(arch(ownFourier, 3, 1), [0, 3, 4, 5], [5], 3),
      network(arch(fourier), [4, 3, 7, 5], [12, 3], 4),
    ],
  };
}

/** The tiles of `tiledImage` in an order that is not row-major, so the writer stores their regions. */
function unorderedImage(): SnfFileInput {
  const input = tiledImage();
  const [a, b, c, d] = input.networks as [SnfNetworkInput, SnfNetworkInput, SnfNetworkInput, SnfNetworkInput];
  return { ...input, networks: [b, a, c, d] };
}

/** The smallest interesting file, for the exhaustive bit-flip test. */
function smallFile(): Uint8Array {
  return writeSnf({
    header: { kind: 'image', width: 2, height: 2, layout: 'gray', colorSpace: 'srgb', normalization: 'symmetric8' },
    networks: [network(imageArch(1, 2, 1), [0, 0, 2, 2], [4], 9)],
  });
}

function rejects(bytes: Uint8Array, code: SnfErrorCode, what: string, limits?: Partial<SnfLimits>): void {
  assert.equal(codeOf(() => readSnf(bytes, limits)), code, what);
}

function assertSameFile(actual: ReturnType<typeof readSnf>, expected: SnfFileInput): void {
  assert.equal(actual.networks.length, expected.networks.length);
  actual.networks.forEach((n, i) => {
    const e = expected.networks[i]!;
    assert.deepEqual([...n.region], e.region);
    assert.deepEqual({ ...n.arch }, { ...e.arch, activation: 'sine' });
    n.tensors.forEach((t, j) => {
      const et = e.tensors[j]!;
      assert.equal(t.bits, et.bits);
      assert.equal(t.step, et.step);
      assert.deepEqual(t.values, et.values);
    });
  });
}

// ---------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------

test('round trip: tiled RGB image with bit depths 2 … 16', () => {
  const input = tiledImage();
  const bytes = writeSnf(input);
  const file = readSnf(bytes);
  assert.deepEqual(file.header, input.header);
  assertSameFile(file, input);
  // Rewriting what was read gives the same bytes.
  assert.deepEqual(writeSnf(file), bytes);
  const info = inspectSnf(bytes);
  assert.deepEqual(info.version, { major: 1, minor: 0 });
  assert.equal(info.payloadBytes, file.networks.reduce((s, n) => s + n.bytes, 0));
  assert.equal(info.parameters, input.networks.reduce((s, n) => s + parameterCount(n.arch), 0));
  assert.equal(bytes.length, 24 + info.headerBytes + info.payloadBytes);
});

test('round trip: every image layout, tiny networks, all-zero tensors', () => {
  for (const [layout, channels] of [['gray', 1], ['graya', 2], ['rgb', 3], ['rgba', 4]] as const) {
    const tiny = network(imageArch(channels, 1, 1), [0, 0, 1, 1], [2], channels);
    const zeros: SnfNetworkInput = {
      ...tiny,
      tensors: tiny.tensors.map((t) => ({ bits: 16, step: 1, values: new Int32Array(t.values.length) })),
    };
    for (const n of [tiny, zeros]) {
      const input = { header: imageHeader(1, 1, layout), networks: [n] };
      const file = readSnf(writeSnf(input));
      assertSameFile(file, input);
    }
  }
});

test('round trip: audio, three segments and stereo', () => {
  const input: SnfFileInput = {
    header: audioHeader(1000, 2),
    networks: [
      network(audioArch(2), [400, 1000], [8], 1),
      network(audioArch(2, 7, 2), [0, 150], [10], 2),
      network(audioArch(2), [150, 400], [6], 3),
    ],
  };
  const file = readSnf(writeSnf(input));
  assert.deepEqual(file.header, input.header);
  assertSameFile(file, input);
  assert.ok(isAudioFile(file) && !isImageFile(file));
  const regions: (readonly [number, number])[] = file.networks.map((n) => n.region);
  assert.deepEqual(regions, [[400, 1000], [0, 150], [150, 400]]);
});

test('networkParams: q × step rounded to float32, in the arch.ts layout', () => {
  const input = tiledImage();
  const file = readSnf(writeSnf(input));
  for (const n of file.networks) {
    const params = networkParams(n);
    assert.equal(params.length, parameterCount(n.arch));
    tensorSlices(n.arch).forEach(({ offset, length }, t) => {
      const tensor = n.tensors[t]!;
      for (let i = 0; i < length; i++) assert.equal(params[offset + i], Math.fround(tensor.values[i]! * tensor.step));
    });
  }
});

test('unknown keys are ignored and kept; any minor version and flags are read', () => {
  const bytes = writeSnf(tiledImage());
  const extended = withHeader(bytes, (h) => {
    h.comment = 'made by a later writer';
    h.future = { nested: [1, 2.5, null, true] };
    h.networks[0].hint = 'ignored';
    h.arch.extra = 1;
    h.networks[2].arch.extra = 2;
    h.train.gpu = 'none';
  });
  const later = assemble({ ...split(extended), minor: 7, flags: 0xbeef });
  const file = readSnf(later);
  assert.deepEqual(file.header.extra, { comment: 'made by a later writer', future: { nested: [1, 2.5, null, true] } });
  assertSameFile(file, tiledImage());
  // A rewrite keeps the unknown top-level keys (as v1.0, with flags 0).
  assert.deepEqual(readSnf(writeSnf(file)).header.extra, file.header.extra);
});

test('headers: canonical MessagePack that msgpackr reads identically, and msgpackr output is readable', () => {
  const bytes = writeSnf(tiledImage());
  const { header } = split(bytes);
  const ours = decodeHeaderValue(header);
  const theirs = new Unpackr({ useRecords: false, mapsAsObjects: true }).unpack(header) as unknown;
  assert.deepEqual(ours, theirs);
  // float32 steps are written as float32, other non-integers as float64.
  const value: HeaderValue = { a: 0.5, b: 0.1, c: -1, d: 300, e: 2 ** 40, f: -(2 ** 40), g: 'é', h: [new Uint8Array([1, 2])] };
  const encoded = encodeHeaderValue(value);
  assert.deepEqual(decodeHeaderValue(encoded), value);
  const back = new Unpackr({ useRecords: false, int64AsType: 'number' }).unpack(encoded) as Json;
  assert.deepEqual({ ...back, h: [new Uint8Array(back.h[0])] }, value);
  const viaMsgpackr = new Uint8Array(packr.pack({ x: [1, -200, 70000, 2 ** 33, 1.25, 'text', null, false], y: { z: true } }));
  assert.deepEqual(decodeHeaderValue(viaMsgpackr), { x: [1, -200, 70000, 2 ** 33, 1.25, 'text', null, false], y: { z: true } });
});

// ---------------------------------------------------------------------------
// Container rejections
// ---------------------------------------------------------------------------

test('rejects what is not an .snf file, or not all of one', () => {
  const bytes = writeSnf(tiledImage());
  rejects(new TextEncoder().encode('hello, this is plain text and not a file at all'), 'BAD_MAGIC', 'text');
  const crlf = bytes.slice();
  crlf[4] = 0x0a; // CR LF → LF mangling shifts everything
  rejects(crlf, 'BAD_MAGIC', 'mangled line ending');
  rejects(new Uint8Array(0), 'TRUNCATED', 'empty');
  for (let length = 0; length < bytes.length; length++) rejects(bytes.subarray(0, length), 'TRUNCATED', `prefix of ${length} bytes`);
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  rejects(longer, 'SIZE_MISMATCH', 'a trailing byte');
  rejects(assemble({ ...split(bytes), major: 6 }), 'UNSUPPORTED_VERSION', 'major 6');
  rejects(assemble({ ...split(bytes), major: 0 }), 'UNSUPPORTED_VERSION', 'major 0');
});

// ---------------------------------------------------------------------------
// Version 3: the header deflated (spec §2.2)
// ---------------------------------------------------------------------------

test('version 3: the writer deflates the header when asked and shorter; the reader inflates it to the same file', () => {
  const plain = writeSnf(tiledImage());
  const bytes = writeSnf({ ...tiledImage(), deflateHeader: true });
  assert.deepEqual([split(bytes).major, split(bytes).minor], [3, split(plain).minor]);
  assert.deepEqual(split(bytes).payload, split(plain).payload);
  assert.deepEqual(inflateSync(split(bytes).header), split(plain).header);
  assert.ok(bytes.length < plain.length, `${bytes.length} < ${plain.length}`);
  assertSameFile(readSnf(bytes), tiledImage());
  const info = inspectSnf(bytes);
  assert.deepEqual([info.headerBytes, info.headerMapBytes], [split(bytes).header.length, split(plain).header.length]);
  // Fourier inputs and blending are version 2 features, which version 3 keeps.
  assertSameFile(readSnf(writeSnf({ ...tiledImage(3, 1), deflateHeader: true })), tiledImage(3, 1));
  // A header that deflate does not shorten is written as it was, in the version it needs.
  const audio: SnfFileInput = { header: audioHeader(4), networks: [network(audioArch(1, 1, 1), [0, 4], [4], 5)] };
  assert.deepEqual(writeSnf({ ...audio, deflateHeader: true }), writeSnf(audio));
});

test('version 4: shared contexts (spec §6.8) with the header deflated, shorter or not; the same tensors read back', () => {
  const v3 = writeSnf({ ...tiledImage(), deflateHeader: true });
  const bytes = writeSnf({ ...tiledImage(), sharedContexts: true });
  assert.deepEqual([split(bytes).major, split(bytes).minor], [4, split(v3).minor]);
  assert.deepEqual(inflateSync(split(bytes).header).length, inspectSnf(bytes).headerMapBytes);
  assert.notDeepEqual(split(bytes).payload, split(v3).payload);
  assertSameFile(readSnf(bytes), tiledImage());
  assertSameFile(readSnf(writeSnf({ ...tiledImage(3, 1), sharedContexts: true })), tiledImage(3, 1));
  // A header that deflate does not shorten is still deflated: version 4 has no other kind.
  const audio: SnfFileInput = { header: audioHeader(4), networks: [network(audioArch(1, 1, 1), [0, 4], [4], 5)] };
  const small = writeSnf({ ...audio, sharedContexts: true });
  assert.equal(small[8], 4);
  assert.ok(split(small).header.length > split(writeSnf(audio)).header.length);
  assertSameFile(readSnf(small), audio);
  // The same payload read as version 3 (the major byte changed, CRC fixed) is another file, or no file.
  const relabelled = assemble({ ...split(bytes), major: 3 });
  let decoded: ReturnType<typeof readSnf> | undefined;
  try {
    decoded = readSnf(relabelled);
  } catch (error) {
    assert.ok(error instanceof SnfFormatError && error.code === 'BAD_STREAM', String(error));
  }
  if (decoded !== undefined) assert.notDeepEqual(decoded.networks.map((n) => n.tensors.map((t) => t.values)), readSnf(bytes).networks.map((n) => n.tensors.map((t) => t.values)));
});

test('version 3: any DEFLATE stream of the map reads (stored blocks, several blocks, zlib\'s); bytes after its final block are ignored', () => {
  const parts = split(writeSnf({ ...tiledImage(), deflateHeader: true }));
  const map = inflateSync(parts.header);
  const stored = new Uint8Array(deflateRawSync(map, { level: 0 }));
  assert.equal(stored[0]! & 0b110, 0, 'a stored block (BTYPE 00)');
  const zlibs = new Uint8Array(deflateRawSync(map, { level: 9 }));
  const blocks: Uint8Array[] = [];
  const several = new Deflate({ level: 6 }, (chunk) => { blocks.push(chunk); });
  several.push(map.subarray(0, 40));
  several.flush(); // ends a block here: the map is split over two
  several.push(map.subarray(40), true);
  const twoBlocks = Uint8Array.from(blocks.flatMap((block) => [...block]));
  for (const [what, header] of [['stored', stored], ['zlib level 9', zlibs], ['two blocks', twoBlocks], ['with 5 bytes after it', Uint8Array.from([...parts.header, 1, 2, 3, 4, 5])]] as const) {
    assertSameFile(readSnf(assemble({ ...parts, header })), tiledImage());
    assert.ok(header.length > 0, what);
  }
});

test('version 3: a header that is not DEFLATE, is cut short, or inflates past maxHeaderBytes is refused', () => {
  const bytes = writeSnf({ ...tiledImage(), deflateHeader: true });
  const parts = split(bytes);
  const map = inflateSync(parts.header);
  rejects(assemble({ ...parts, header: map }), 'BAD_HEADER', 'a MessagePack header labelled version 3');
  rejects(assemble({ ...parts, header: parts.header.subarray(0, parts.header.length - 3) }), 'BAD_HEADER', 'a cut stream');
  rejects(assemble({ ...parts, header: new Uint8Array(0) }), 'BAD_HEADER', 'no header bytes');
  rejects(assemble({ ...parts, header: deflateSync(Uint8Array.from([0xc1])) }), 'BAD_HEADER', 'inflates to what is not MessagePack');
  rejects(assemble({ ...parts, header: deflateSync(encodeHeaderValue({ kind: 'image' })) }), 'BAD_HEADER', 'inflates to a map missing keys');
  // maxHeaderBytes bounds the inflated map as well as H: at the map's size it reads, one byte less it does not.
  assert.equal(codeOf(() => readSnf(bytes, { maxHeaderBytes: map.length })), 'none');
  rejects(bytes, 'LIMIT_EXCEEDED', 'one byte under the map', { maxHeaderBytes: map.length - 1 });
  // A bomb: 325 KB that would inflate to 52 MB; the reader stops past the limit (1 MiB), fast, without holding the rest.
  const bomb = assemble({ ...parts, header: deflateBomb(200_000) });
  const before = process.memoryUsage().arrayBuffers;
  const started = performance.now();
  rejects(bomb, 'LIMIT_EXCEEDED', 'a DEFLATE bomb');
  assert.ok(performance.now() - started < 5000);
  assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 2 ** 20, 'no more than the limit and the inflater\'s buffers are held');
  // The writer checks the map against the limit, not the deflated bytes.
  assert.equal(codeOf(() => writeSnf({ ...tiledImage(), deflateHeader: true }, { maxHeaderBytes: map.length - 1 })), 'LIMIT_EXCEEDED');
});

/** `tiledImage` with Fourier-encoded inputs (spec §4.1): 3 levels shared, network 2 with 1 level of its own. */
const fourierImage = (): SnfFileInput => tiledImage(3, 1);

test('Fourier inputs: version 2, W0 of 2·(1 + 2L) rows, and a file without them stays version 1 (spec §2.2, §3.4)', () => {
  const bytes = writeSnf(fourierImage());
  assert.equal(split(bytes).major, 2);
  assert.equal(split(writeSnf(tiledImage())).major, 1);
  const file = readSnf(bytes);
  assertSameFile(file, fourierImage());
  assert.deepEqual(file.networks.map((n) => [n.arch.fourier, n.arch.inputs]), [[3, 14], [3, 14], [1, 6], [3, 14]]);
  assert.equal(file.networks[0]!.tensors[0]!.values.length, 14 * 6);
  assert.deepEqual(headerOf(bytes).arch, { width: 6, depth: 2, omega: 30, fourier: 3 });
  // Explicit inputs must agree with the encoding; fourier must be a whole number of levels in range.
  readSnf(withHeader(bytes, (h) => { h.arch.inputs = 14; }));
  rejects(withHeader(bytes, (h) => { h.arch.inputs = 2; }), 'BAD_HEADER', 'inputs without the encoding');
  for (const levels of [17, -1, 1.5, '3']) rejects(withHeader(bytes, (h) => { h.arch.fourier = levels; }), 'BAD_HEADER', `fourier ${String(levels)}`);
  // fourier: 0 is plain coordinates, allowed but not written.
  const zero = withHeader(writeSnf(tiledImage()), (h) => { h.arch.fourier = 0; });
  assertSameFile(readSnf(assemble({ ...split(zero), major: 2 })), tiledImage());
  // In a version 1 file the key is unknown, so ignored (spec §3.6): W0 keeps 2 rows.
  const v1 = withHeader(writeSnf(tiledImage()), (h) => { h.arch.fourier = 3; });
  assertSameFile(readSnf(v1), tiledImage());
  // A writer refuses inputs that do not match the encoding.
  const wrong = fourierImage();
  assert.throws(() => writeSnf({ ...wrong, networks: wrong.networks.map((n) => ({ ...n, arch: { ...n.arch, inputs: 2 } })) }), /inputs/);
});

test('rejects length fields inconsistent with the file size', () => {
  const bytes = writeSnf(tiledImage());
  const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const h = view(bytes).getUint32(12, true);
  const bigger = bytes.slice();
  view(bigger).setUint32(12, h + 1, true);
  assert.ok(['TRUNCATED', 'SIZE_MISMATCH', 'CHECKSUM_MISMATCH'].includes(codeOf(() => readSnf(bigger))));
  const huge = bytes.slice();
  view(huge).setUint32(12, 0xffff_fff0, true);
  rejects(huge, 'TRUNCATED', 'header length past the end');
  const smallerP = bytes.slice();
  view(smallerP).setUint32(16 + h, view(bytes).getUint32(16 + h, true) - 1, true);
  rejects(smallerP, 'SIZE_MISMATCH', 'payload length one short');
  const biggerP = bytes.slice();
  view(biggerP).setUint32(16 + h, view(bytes).getUint32(16 + h, true) + 1, true);
  rejects(biggerP, 'TRUNCATED', 'payload length one long');
});

test('rejects a wrong checksum, checked before the header is parsed', () => {
  const bytes = writeSnf(tiledImage());
  const badCrc = bytes.slice();
  badCrc[badCrc.length - 1]! ^= 0x01;
  rejects(badCrc, 'CHECKSUM_MISMATCH', 'CRC field');
  const badHeader = bytes.slice();
  badHeader[16] = 0xc1; // not MessagePack at all, but the CRC catches it first
  rejects(badHeader, 'CHECKSUM_MISMATCH', 'header byte');
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

test('any single changed bit anywhere in a file is rejected', () => {
  const bytes = smallFile();
  assert.ok(bytes.length < 300, `small file is ${bytes.length} bytes`);
  readSnf(bytes);
  for (let i = 0; i < bytes.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const changed = bytes.slice();
      changed[i]! ^= 1 << bit;
      assert.notEqual(codeOf(() => readSnf(changed)), 'none', `byte ${i} bit ${bit}`);
    }
  }
});

test("rejects networks' byte counts that do not add up to the payload", () => {
  const bytes = writeSnf(tiledImage());
  rejects(withHeader(bytes, (h) => { h.networks[1].b += 1; }), 'SIZE_MISMATCH', 'sum one over P');
  rejects(withHeader(bytes, (h) => { h.networks[3].b -= 1; }), 'SIZE_MISMATCH', 'sum one under P');
  // Same sum, wrong split: the streams no longer decode.
  rejects(withHeader(bytes, (h) => { h.networks[0].b -= 1; h.networks[1].b += 1; }), 'BAD_STREAM', 'moved boundary');
});

// ---------------------------------------------------------------------------
// Header rejections
// ---------------------------------------------------------------------------

test('rejects header bytes that are not the MessagePack subset', () => {
  const bytes = writeSnf(tiledImage());
  const parts = split(bytes);
  const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
  const cases: [string, Uint8Array][] = [
    ['empty header', new Uint8Array(0)],
    ['an array, not a map', hex('90')],
    ['a string, not a map', hex('a3616263')],
    ['map running past the end', hex('8fa16b')],
    ['array count larger than the bytes', hex('81a178dd7fffffff')],
    ['never-used byte 0xc1', hex('81a178c1')],
    ['extension type (timestamp)', hex('81a178d6ff00000001')],
    ['msgpackr record definition', hex('d4724092a161a1620102')],
    ['integer key', hex('8101a178')],
    ['duplicate key', hex('82a17801a17802')],
    ['bytes after the map', hex('81a1780100')],
    ['invalid UTF-8', hex('81a2ffff01')],
    ['64-bit integer beyond 2^53', hex('81a178cf0020000000000001')],
    ['nested too deep', hex('81a178' + '91'.repeat(40) + '00')],
    ['truncated float', hex('81a178cb3ff0')],
  ];
  for (const [what, header] of cases) rejects(assemble({ ...parts, header }), 'BAD_HEADER', what);
  // A key named __proto__ is just an unknown key, not a prototype.
  const proto = withHeader(bytes, () => undefined);
  const h = decodeHeaderValue(hex('81a95f5f70726f746f5f5f81a17801')) as Json;
  assert.equal(Object.getPrototypeOf(h), Object.prototype);
  assert.deepEqual(Object.keys(h), ['__proto__']);
  readSnf(proto);
});

test('rejects wrong types and values of top-level fields, each with its code', () => {
  const image = writeSnf(tiledImage());
  const cases: [string, (h: Json) => void, SnfErrorCode][] = [
    ['kind missing', (h) => { delete h.kind; }, 'BAD_HEADER'],
    ['kind a number', (h) => { h.kind = 1; }, 'BAD_HEADER'],
    ['kind video', (h) => { h.kind = 'video'; }, 'UNSUPPORTED_FEATURE'],
    ['width 0', (h) => { h.width = 0; }, 'BAD_HEADER'],
    ['width 1.5', (h) => { h.width = 1.5; }, 'BAD_HEADER'],
    ['width a string', (h) => { h.width = '7'; }, 'BAD_HEADER'],
    ['width negative', (h) => { h.width = -7; }, 'BAD_HEADER'],
    ['width over the limit', (h) => { h.width = 65537; }, 'LIMIT_EXCEEDED'],
    ['width 2^60, a whole number past ±(2^53 − 1) (§3.1)', (h) => { h.width = 2 ** 60; }, 'BAD_HEADER'],
    ['height missing', (h) => { delete h.height; }, 'BAD_HEADER'],
    ['layout cmyk', (h) => { h.layout = 'cmyk'; }, 'UNSUPPORTED_FEATURE'],
    ['layout null', (h) => { h.layout = null; }, 'BAD_HEADER'],
    ['colorSpace linear', (h) => { h.colorSpace = 'linear'; }, 'UNSUPPORTED_FEATURE'],
    ['normalization identity', (h) => { h.normalization = 'identity'; }, 'UNSUPPORTED_FEATURE'],
    ['an audio key in an image', (h) => { h.sampleRate = 8000; }, 'BAD_HEADER'],
    ['blending', (h) => { h.blend = 'linear'; }, 'UNSUPPORTED_FEATURE'],
    ['networks empty', (h) => { h.networks = []; }, 'BAD_HEADER'],
    ['networks a map', (h) => { h.networks = { 0: h.networks[0] }; }, 'BAD_HEADER'],
    ['network not a map', (h) => { h.networks[0] = 5; }, 'BAD_HEADER'],
    ['train not a map', (h) => { h.train = 'fast'; }, 'BAD_HEADER'],
    ['train.steps negative', (h) => { h.train.steps = -1; }, 'BAD_HEADER'],
    ['train.batch zero', (h) => { h.train.batch = 0; }, 'BAD_HEADER'],
    ['train.batch fractional', (h) => { h.train.batch = 1.5; }, 'BAD_HEADER'],
    ['train.engine a number', (h) => { h.train.engine = 5; }, 'BAD_HEADER'],
    ['train.schedule a number', (h) => { h.train.schedule = 0; }, 'BAD_HEADER'],
    ['train.psnr NaN', (h) => { h.train.psnr = NaN; }, 'BAD_HEADER'],
    ['train.lr infinite', (h) => { h.train.lr = Infinity; }, 'BAD_HEADER'],
  ];
  for (const [what, mutate, code] of cases) rejects(withHeader(image, mutate), code, what);
  // A caller may raise a limit, but not past the u32 the container's lengths are (§8).
  rejects(withHeader(image, (h) => { h.width = 2 ** 32; }), 'BAD_HEADER', 'width 2^32 under a raised limit', { maxImageSide: 2 ** 40 });
  // +Infinity PSNR (an exact fit) is allowed; train is optional.
  readSnf(withHeader(image, (h) => { h.train.psnr = Infinity; }));
  readSnf(withHeader(image, (h) => { delete h.train; }));

  const audio = writeSnf({ header: audioHeader(100), networks: [network(audioArch(1), [0, 100])] });
  const audioCases: [string, (h: Json) => void, SnfErrorCode][] = [
    ['sampleRate 0', (h) => { h.sampleRate = 0; }, 'BAD_HEADER'],
    ['channels 9', (h) => { h.channels = 9; }, 'BAD_HEADER'],
    ['length over the limit', (h) => { h.length = 2 ** 31 + 1; }, 'LIMIT_EXCEEDED'],
    ['colorSpace srgb', (h) => { h.colorSpace = 'srgb'; }, 'UNSUPPORTED_FEATURE'],
    ['an image key in audio', (h) => { h.layout = 'rgb'; }, 'BAD_HEADER'],
  ];
  for (const [what, mutate, code] of audioCases) rejects(withHeader(audio, mutate), code, what);
});

/** A network's tensor table (spec §3.4) with entry `t` set to `bits` and `step`. */
function table(original: Uint8Array, t: number, bits: number, step?: number): Uint8Array {
  const out = original.slice();
  const view = new DataView(out.buffer);
  view.setUint8(5 * t, bits);
  if (step !== undefined) view.setFloat32(5 * t + 1, step, true);
  return out;
}

test('rejects wrong architectures, shared or a network\'s own', () => {
  const image = writeSnf(tiledImage()); // networks 0, 1, 3 use the shared arch; network 2 has its own
  const cases: [string, (a: Json) => void, SnfErrorCode][] = [
    ['depth 0', (a) => { a.depth = 0; }, 'BAD_HEADER'],
    ['depth over the limit', (a) => { a.depth = 65; }, 'LIMIT_EXCEEDED'],
    ['width over the limit', (a) => { a.width = 4097; }, 'LIMIT_EXCEEDED'],
    ['width 2.5', (a) => { a.width = 2.5; }, 'BAD_HEADER'],
    ['width missing', (a) => { delete a.width; }, 'BAD_HEADER'],
    ['omega 0', (a) => { a.omega = 0; }, 'BAD_HEADER'],
    ['omega a string', (a) => { a.omega = '30'; }, 'BAD_HEADER'],
    ['activation relu', (a) => { a.activation = 'relu'; }, 'UNSUPPORTED_FEATURE'],
    ['activation a number', (a) => { a.activation = 1; }, 'BAD_HEADER'],
    ['inputs 1 for an image', (a) => { a.inputs = 1; }, 'BAD_HEADER'],
    ['outputs not the channel count', (a) => { a.outputs = 4; }, 'BAD_HEADER'],
    ['depth changed, tables not', (a) => { a.depth += 1; }, 'BAD_HEADER'],
  ];
  for (const [what, mutate, code] of cases) {
    rejects(withHeader(image, (h) => mutate(h.arch)), code, `shared arch: ${what}`);
    rejects(withHeader(image, (h) => mutate(h.networks[2].arch)), code, `network's arch: ${what}`);
  }
  // The optional keys: activation 'sine', inputs and outputs equal to the derived values.
  const explicit = withHeader(image, (h) => { Object.assign(h.arch, { activation: 'sine', inputs: 2, outputs: 3 }); });
  assertSameFile(readSnf(explicit), tiledImage());
  // Which networks have an arch of their own decides which arch each network gets.
  const rejectsWith = (what: string, mutate: (h: Json) => void): void => rejects(withHeader(image, mutate), 'BAD_HEADER', what);
  rejectsWith('shared arch missing', (h) => { delete h.arch; });
  rejectsWith('shared arch not a map', (h) => { h.arch = [6, 2, 30]; });
  rejectsWith('network arch not a map', (h) => { h.networks[2].arch = 'small'; });
  // Every network with its own arch: the shared one may be absent (it is still checked when present).
  const own = withHeader(image, (h) => {
    for (const n of h.networks) n.arch ??= { ...h.arch };
    delete h.arch;
  });
  assertSameFile(readSnf(own), tiledImage());
  rejects(withHeader(own, (h) => { h.arch = { width: 0, depth: 1, omega: 1 }; }), 'BAD_HEADER', 'unused shared arch still checked');
  // Moving network 2's arch to the others turns their tables into the wrong length.
  rejectsWith('override swapped', (h) => { const a = h.arch; h.arch = h.networks[2].arch; h.networks[2].arch = a; });
});

test('rejects tensor tables and stream lengths that are not as spec §3.4 says', () => {
  const image = writeSnf(tiledImage());
  const t1 = headerOf(image).networks[1].t as Uint8Array;
  assert.equal(t1.length, 5 * 6, '5 bytes for each of 2 × (2 + 1) tensors');
  const cases: [string, (n: Json) => void][] = [
    ['table missing', (n) => { delete n.t; }],
    ['one byte short', (n) => { n.t = t1.subarray(0, 29); }],
    ['one tensor too few', (n) => { n.t = t1.subarray(0, 25); }],
    ['one tensor too many', (n) => { n.t = Uint8Array.from([...t1, 8, 0, 0, 0x80, 0x3f]); }],
    ['an array, not binary', (n) => { n.t = [...t1]; }],
    ['the v1 draft map form', (n) => { n.t = [{ bits: 8, step: 1 }]; }],
    ['bits 0', (n) => { n.t = table(t1, 0, 0); }],
    ['bits 1', (n) => { n.t = table(t1, 0, 1); }],
    ['bits 17', (n) => { n.t = table(t1, 5, 17); }],
    ['bits 255', (n) => { n.t = table(t1, 3, 255); }],
    ['step 0', (n) => { n.t = table(t1, 0, 8, 0); }],
    ['step −0', (n) => { n.t = table(t1, 0, 8, -0); }],
    ['step negative', (n) => { n.t = table(t1, 1, 8, -0.5); }],
    ['step NaN', (n) => { n.t = table(t1, 2, 8, NaN); }],
    ['step infinite', (n) => { n.t = table(t1, 5, 8, Infinity); }],
    ['bytes missing', (n) => { delete n.b; }],
    ['bytes negative', (n) => { n.b = -1; }],
    ['bytes not an integer', (n) => { n.b = 1.5; }],
  ];
  for (const [what, mutate] of cases) rejects(withHeader(image, (h) => mutate(h.networks[1])), 'BAD_HEADER', what);
  // The table is little-endian: bits then the float32 step, byte for byte.
  const input = tiledImage().networks[1]!;
  input.tensors.forEach((tensor, t) => {
    assert.equal(t1[5 * t], tensor.bits);
    assert.equal(new DataView(t1.buffer, t1.byteOffset).getFloat32(5 * t + 1, true), tensor.step);
  });
  // A subnormal step is a finite float32 > 0: valid header, and the stream still decodes.
  readSnf(withHeader(image, (h) => { h.networks[1].t = table(t1, 0, t1[0]!, 2 ** -140); }));
  // Changing a bit depth keeps the header valid but the stream no longer decodes.
  rejects(withHeader(image, (h) => { h.networks[0].t = table(h.networks[0].t, 0, 9); }), 'BAD_STREAM', 'bits changed');
});

test('regions: a grid, derived exactly as the encoder tiles, or one region per network', () => {
  // gridRegions is the encoder's tileRegions (Math.round) in exact integer arithmetic.
  for (const [w, h] of [[1, 1], [7, 5], [96, 96], [768, 512], [1000, 3], [65536, 65535]] as const) {
    for (const [c, r] of [[1, 1], [2, 2], [3, 1], [4, 4], [1, 3], [7, 3]] as const) {
      if (c > w || r > h) continue;
      assert.deepEqual(gridRegions([w, h], [c, r]), tileRegions(w, h, c, r).map((region) => [...region]), `${w}x${h} in ${c}x${r}`);
    }
  }
  assert.deepEqual(gridRegions([1000], [3]), [[0, 333], [333, 667], [667, 1000]]);
  // Huge sizes under raised limits stay exact where 2·k·size + cells is past 2^53.
  for (const [k, size, cells] of [[2 ** 22, 2 ** 32 - 1, 2 ** 22 + 1], [3, 2 ** 32 - 1, 6], [2 ** 31 - 1, 2 ** 32 - 3, 2 ** 31]] as const) {
    const exact = Number((2n * BigInt(k) * BigInt(size) + BigInt(cells)) / (2n * BigInt(cells)));
    assert.equal(gridEdge(k, size, cells), exact, `edge ${k} of ${cells} over ${size}`);
  }

  // Row-major tiles give a grid and no regions; one network gives neither.
  const grid = headerOf(writeSnf(tiledImage()));
  assert.deepEqual(grid.grid, [2, 2]);
  assert.ok(grid.networks.every((n: Json) => n.region === undefined));
  assert.equal(headerOf(smallFile()).grid, undefined);
  assert.equal(headerOf(smallFile()).networks[0].region, undefined);
  // Other orders and other splits keep their regions.
  const unordered = writeSnf(unorderedImage());
  const explicit = headerOf(unordered);
  assert.equal(explicit.grid, undefined);
  assert.deepEqual(explicit.networks.map((n: Json) => n.region), [[4, 0, 7, 3], [0, 0, 4, 3], [0, 3, 4, 5], [4, 3, 7, 5]]);
  assertSameFile(readSnf(unordered), unorderedImage());
  // Row-major cells of other sizes: a grid with cuts (spec §3.5, x.9), the inner edges after the cells.
  const uneven = { ...tiledImage(), networks: tiledImage().networks.map((n, i) => ({ ...n, region: [[0, 0, 3, 3], [3, 0, 7, 3], [0, 3, 3, 5], [3, 3, 7, 5]][i]! })) };
  const cut = writeSnf(uneven);
  assert.deepEqual(headerOf(cut).grid, [2, 2, 3, 3]);
  assert.ok(headerOf(cut).networks.every((n: Json) => n.region === undefined));
  assert.equal(cut[9], 9);
  assertSameFile(readSnf(cut), uneven);
  assert.deepEqual(gridRegions([7, 5], [2, 2, 3, 3]), [[0, 0, 3, 3], [3, 0, 7, 3], [0, 3, 3, 5], [3, 3, 7, 5]]);
  // Cells that are not a grid's (rows that do not share their edges) keep their regions.
  const ragged = { ...tiledImage(), networks: tiledImage().networks.map((n, i) => ({ ...n, region: [[0, 0, 3, 3], [3, 0, 7, 3], [0, 3, 4, 5], [4, 3, 7, 5]][i]! })) };
  assert.equal(headerOf(writeSnf(ragged)).grid, undefined);
  assertSameFile(readSnf(writeSnf(ragged)), ragged);

  const cases: [string, (h: Json) => void][] = [
    ['grid and a region', (h) => { h.networks[0].region = [0, 0, 4, 3]; }],
    ['grid too few cells', (h) => { h.grid = [2, 1]; }],
    ['grid too many cells', (h) => { h.grid = [3, 2]; }],
    ['grid wider than the image', (h) => { h.grid = [8, 1]; h.networks = Array.from({ length: 8 }, () => h.networks[0]); }],
    ['grid of one axis', (h) => { h.grid = [4]; }],
    ['grid of three axes', (h) => { h.grid = [2, 2, 1]; }],
    ['grid of zero columns', (h) => { h.grid = [0, 2]; }],
    ['grid not integers', (h) => { h.grid = [2, 2.5]; }],
    ['grid a map', (h) => { h.grid = { columns: 2, rows: 2 }; }],
    ['neither grid nor regions for 4 networks', (h) => { delete h.grid; }],
    ['grid with one of two cuts', (h) => { h.grid = [2, 2, 3]; }],
    ['grid with a cut too many', (h) => { h.grid = [2, 2, 3, 3, 4]; }],
    ['grid with a cut at 0', (h) => { h.grid = [2, 2, 0, 3]; }],
    ['grid with a cut at the edge', (h) => { h.grid = [2, 2, 7, 3]; }],
    ['grid with a cut past the edge', (h) => { h.grid = [2, 2, 3, 6]; }],
    ['grid with a cut not an integer', (h) => { h.grid = [2, 2, 3.5, 3]; }],
  ];
  for (const [what, mutate] of cases) rejects(withHeader(writeSnf(tiledImage()), mutate), 'BAD_HEADER', what);
  // Cuts that fall where equal cells would are valid, only not what writers write.
  readSnf(withHeader(writeSnf(tiledImage()), (h) => { h.grid = [2, 2, 4, 3]; }));
  rejects(withHeader(unordered, (h) => { delete h.networks[2].region; }), 'BAD_HEADER', 'one region missing');
  rejects(withHeader(unordered, (h) => { h.grid = [2, 2]; }), 'BAD_HEADER', 'regions and a grid');
  // The default grid [1, 1] of a single network is the same as writing it.
  readSnf(withHeader(smallFile(), (h) => { h.grid = [1, 1]; }));
  readSnf(withHeader(smallFile(), (h) => { h.networks[0].region = [0, 0, 2, 2]; }));

  // Audio: grid [segments].
  const audio = (regions: [number, number][]): SnfFileInput => ({
    header: audioHeader(100), networks: regions.map((region, i) => network(audioArch(1), region, [8], i)),
  });
  const even = writeSnf(audio([[0, 33], [33, 67], [67, 100]]));
  assert.deepEqual(headerOf(even).grid, [3]);
  assert.deepEqual(readSnf(even).networks.map((n) => n.region), [[0, 33], [33, 67], [67, 100]]);
  rejects(withHeader(even, (h) => { h.grid = [3, 1]; }), 'BAD_HEADER', 'audio grid of two axes');
  rejects(withHeader(even, (h) => { h.grid = [101]; }), 'BAD_HEADER', 'audio grid longer than the clip');
  assert.deepEqual(headerOf(writeSnf(audio([[0, 40], [40, 100]]))).grid, [2, 40]);
  rejects(withHeader(even, (h) => { h.grid = [3, 50, 40]; }), 'BAD_HEADER', 'audio cuts that do not rise');
});

test('rejects regions that do not tile the signal', () => {
  const image = writeSnf(unorderedImage()); // 7×5: [4,0,7,3] [0,0,4,3] [0,3,4,5] [4,3,7,5]
  const cases: [string, (h: Json) => void][] = [
    ['three numbers', (h) => { h.networks[1].region = [0, 0, 4]; }],
    ['not integers', (h) => { h.networks[1].region = [0, 0, 4, 2.5]; }],
    ['a string', (h) => { h.networks[1].region = [0, 0, '4', 3]; }],
    ['negative', (h) => { h.networks[1].region = [-1, 0, 4, 3]; }],
    ['empty', (h) => { h.networks[1].region = [4, 0, 4, 3]; }],
    ['reversed', (h) => { h.networks[1].region = [4, 0, 0, 3]; }],
    ['outside the image', (h) => { h.networks[0].region = [4, 0, 8, 3]; }],
    ['a gap', (h) => { h.networks[1].region = [0, 0, 3, 3]; }],
    ['an overlap', (h) => { h.networks[1].region = [0, 0, 5, 3]; }],
    ['overlap with a gap of the same area', (h) => { h.networks[1].region = [0, 0, 4, 4]; h.networks[2].region = [0, 3, 4, 4]; }],
    ['two identical', (h) => { h.networks[0].region = [0, 0, 4, 3]; }],
  ];
  for (const [what, mutate] of cases) rejects(withHeader(image, mutate), 'BAD_HEADER', what);
  // Any order of tiles is fine.
  const reversed = { ...tiledImage(), networks: [...tiledImage().networks].reverse() };
  assertSameFile(readSnf(writeSnf(reversed)), reversed);

  const audio = writeSnf({
    header: audioHeader(100),
    networks: [network(audioArch(1), [0, 40]), network(audioArch(1), [40, 100])],
  });
  const audioCases: [string, (h: Json) => void][] = [
    ['four numbers', (h) => { h.networks[0].region = [0, 0, 40, 1]; }],
    ['a gap', (h) => { h.networks[1].region = [41, 100]; }],
    ['an overlap', (h) => { h.networks[1].region = [39, 100]; }],
    ['short of the end', (h) => { h.networks[1].region = [40, 99]; }],
    ['past the end', (h) => { h.networks[1].region = [40, 101]; }],
    ['not from 0', (h) => { h.networks[0].region = [1, 40]; }],
  ];
  for (const [what, mutate] of audioCases) rejects(withHeader(audio, mutate), 'BAD_HEADER', what);
});

test('limits: defaults are documented values, and every limit is enforced', () => {
  assert.deepEqual({ ...DEFAULT_LIMITS }, {
    maxHeaderBytes: 1 << 20, maxImageSide: 65536, maxAudioLength: 2 ** 31, maxNetworks: 65536,
    maxDepth: 64, maxUnits: 4096, maxParameters: 16 * 1024 * 1024, maxMetadataBytes: 16 * 1024 * 1024, maxResidualValues: 2 ** 27,
  });
  const bytes = writeSnf(tiledImage());
  const params = inspectSnf(bytes).parameters;
  readSnf(bytes, { maxParameters: params });
  rejects(bytes, 'LIMIT_EXCEEDED', 'maxParameters', { maxParameters: params - 1 });
  rejects(bytes, 'LIMIT_EXCEEDED', 'maxNetworks', { maxNetworks: 3 });
  rejects(bytes, 'LIMIT_EXCEEDED', 'maxHeaderBytes', { maxHeaderBytes: 100 });
  rejects(bytes, 'LIMIT_EXCEEDED', 'maxImageSide', { maxImageSide: 6 });
  rejects(bytes, 'LIMIT_EXCEEDED', 'maxDepth', { maxDepth: 1 });
  rejects(bytes, 'LIMIT_EXCEEDED', 'maxUnits', { maxUnits: 5 });
  const audio = writeSnf({ header: audioHeader(100), networks: [network(audioArch(1), [0, 100])] });
  rejects(audio, 'LIMIT_EXCEEDED', 'maxAudioLength', { maxAudioLength: 99 });
  // A header claiming 2^31 parameters is refused before anything is allocated.
  const greedy = withHeader(bytes, (h) => {
    h.arch.width = 4096;
    h.networks[2].arch.width = 4096;
  });
  rejects(greedy, 'LIMIT_EXCEEDED', 'huge networks');
  assert.equal(codeOf(() => readSnf(bytes, { maxDepth: Number.NaN })), 'INVALID_ARGUMENT');
});

test('many networks: 32 × 32 tiles in any order read back, and in row-major order take a grid instead of regions', () => {
  // 32 × 32 tiles of 1 × 1 pixel, in a shuffled order.
  const side = 32;
  const tiles: SnfNetworkInput[] = [];
  const random = prng(5);
  const order = Array.from({ length: side * side }, (_, i) => i).sort(() => random() - 0.5);
  for (const i of order) {
    const x = i % side;
    const y = Math.floor(i / side);
    tiles.push(network(imageArch(1, 1, 1), [x, y, x + 1, y + 1], [4], i));
  }
  const input: SnfFileInput = { header: imageHeader(side, side, 'gray'), networks: tiles };
  // (A bound on its time was here: under load from other work it failed at 4 s, and a quadratic tiling check of
  // 1,024 regions costs milliseconds, so it guarded nothing. Speed is measured in bench/, not in tests.)
  const file = readSnf(writeSnf(input));
  assert.equal(file.networks.length, side * side);
  // The same tiles in row-major order: a grid [32, 32] (8 bytes) instead of 12 bytes of region per network.
  const sorted = { ...input, networks: order.map((_, i) => tiles[order.indexOf(i)]!) };
  const gridded = writeSnf(sorted);
  assert.deepEqual(readSnf(gridded).networks.map((n) => n.region), sorted.networks.map((n) => n.region));
  assert.equal(inspectSnf(writeSnf(input)).headerBytes - inspectSnf(gridded).headerBytes, 12 * side * side - 8);
});

// ---------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------

test('the writer refuses what a reader would reject', () => {
  const good = tiledImage();
  const n0 = good.networks[0]!;
  const withNetwork0 = (n: SnfNetworkInput): SnfFileInput => ({ ...good, networks: [n, ...good.networks.slice(1)] });
  const tensor0 = n0.tensors[0]!;
  const cases: [string, SnfFileInput, SnfErrorCode][] = [
    ['value over its bits', withNetwork0({ ...n0, tensors: [{ ...tensor0, values: tensor0.values.map(() => 128) }, ...n0.tensors.slice(1)] }), 'INVALID_ARGUMENT'],
    ['tensor too short', withNetwork0({ ...n0, tensors: [{ ...tensor0, values: tensor0.values.subarray(1) }, ...n0.tensors.slice(1)] }), 'INVALID_ARGUMENT'],
    ['step not float32', withNetwork0({ ...n0, tensors: [{ ...tensor0, step: 0.1 }, ...n0.tensors.slice(1)] }), 'INVALID_ARGUMENT'],
    ['step 0', withNetwork0({ ...n0, tensors: [{ ...tensor0, step: 0 }, ...n0.tensors.slice(1)] }), 'INVALID_ARGUMENT'],
    ['bits 17, which a byte holds', withNetwork0({ ...n0, tensors: [{ ...tensor0, bits: 17 }, ...n0.tensors.slice(1)] }), 'INVALID_ARGUMENT'],
    ['bits 258, which a byte does not', withNetwork0({ ...n0, tensors: [{ ...tensor0, bits: 258 }, ...n0.tensors.slice(1)] }), 'INVALID_ARGUMENT'],
    ['bits 2.5', withNetwork0({ ...n0, tensors: [{ ...tensor0, bits: 2.5 }, ...n0.tensors.slice(1)] }), 'INVALID_ARGUMENT'],
    ['extra tensor', withNetwork0({ ...n0, tensors: [...n0.tensors, tensor0] }), 'INVALID_ARGUMENT'],
    ['inputs wrong', withNetwork0({ ...n0, arch: { ...n0.arch, inputs: 1 } }), 'INVALID_ARGUMENT'],
    ['activation relu', withNetwork0({ ...n0, arch: { ...n0.arch, activation: 'relu' as 'sine' } }), 'INVALID_ARGUMENT'],
    ['region not an array', withNetwork0({ ...n0, region: 'all' as unknown as number[] }), 'INVALID_ARGUMENT'],
    ['missing tensor', withNetwork0({ ...n0, tensors: n0.tensors.slice(1) }), 'INVALID_ARGUMENT'],
    ['region gap', withNetwork0({ ...n0, region: [0, 0, 3, 3] }), 'INVALID_ARGUMENT'],
    ['outputs wrong', withNetwork0({ ...n0, arch: { ...n0.arch, outputs: 1 } }), 'INVALID_ARGUMENT'],
    ['no networks', { ...good, networks: [] }, 'INVALID_ARGUMENT'],
    ['width 0', { ...good, header: { ...imageHeader(0, 5) } }, 'INVALID_ARGUMENT'],
    ['extra holds a v1 key', { ...good, header: { ...imageHeader(7, 5), extra: { kind: 'x' } } }, 'INVALID_ARGUMENT'],
    ['extra holds a v1 key the writer leaves out', { ...good, header: { ...imageHeader(7, 5), extra: { colorSpace: 'srgb' } } }, 'INVALID_ARGUMENT'],
    ['extra holds grid', { ...good, header: { ...imageHeader(7, 5), extra: { grid: [1, 1] } } }, 'INVALID_ARGUMENT'],
    ['colorSpace not the default', { ...good, header: { ...imageHeader(7, 5), colorSpace: 'display-p3' } as unknown as SnfHeader }, 'INVALID_ARGUMENT'],
    ['extra holds a Date', { ...good, header: { ...imageHeader(7, 5), extra: { when: new Date() as unknown as HeaderValue } } }, 'INVALID_ARGUMENT'],
    ['over a limit', { ...good, header: imageHeader(70000, 5) }, 'LIMIT_EXCEEDED'],
  ];
  for (const [what, input, code] of cases) assert.equal(codeOf(() => writeSnf(input)), code, what);
  assert.equal(codeOf(() => writeSnf(good, { maxNetworks: 2 })), 'LIMIT_EXCEEDED');
});

test('the container bytes match spec §2', () => {
  const bytes = smallFile();
  assert.deepEqual([...bytes.subarray(0, 12)], [0x89, 0x53, 0x4e, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 1, 0, 0, 0]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = view.getUint32(12, true);
  const p = view.getUint32(16 + h, true);
  assert.equal(bytes.length, 24 + h + p);
  assert.equal(view.getUint32(20 + h + p, true), crc32(bytes.subarray(0, 20 + h + p)));
  // The header has the keys in the order writers emit them, without the defaults (spec §3.2, §3.4).
  const header = decodeHeaderValue(bytes.subarray(16, 16 + h)) as Json;
  assert.deepEqual(Object.keys(header), ['kind', 'width', 'height', 'layout', 'arch', 'networks']);
  assert.deepEqual(header.arch, { width: 2, depth: 1, omega: 30 });
  assert.deepEqual(Object.keys(header.networks[0]), ['t', 'b']);
  assert.deepEqual(Object.keys(headerOf(writeSnf(tiledImage()))), ['kind', 'width', 'height', 'layout', 'arch', 'grid', 'networks', 'train']);
  assert.deepEqual(Object.keys(headerOf(writeSnf(tiledImage())).networks[2]), ['arch', 't', 'b']);
  assert.deepEqual(Object.keys(headerOf(writeSnf(unorderedImage())).networks[2]), ['region', 'arch', 't', 'b']);
  // Written out, the defaults read the same as left out.
  const explicit = withHeader(bytes, (x) => { Object.assign(x, { colorSpace: 'srgb', normalization: 'symmetric8' }); });
  assert.deepEqual(readSnf(explicit), readSnf(bytes));
});

test('errors: one class, codes from one table, one-line messages', () => {
  const error = new SnfFormatError('BAD_MAGIC', 'not an .snf file (bad magic)');
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'SnfFormatError');
  assert.equal(error.code, 'BAD_MAGIC');
  const bytes = writeSnf(tiledImage());
  try {
    readSnf(withHeader(bytes, (h) => { h.networks[2].arch.width = 'wide'; }));
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof SnfFormatError);
    assert.equal(e.message, 'bad header: expected an integer from 1 to 4096 for networks[2].arch.width but received "wide" of type string');
  }
});

test('fuzz: random edits behind a valid CRC only ever give a file or an SnfFormatError', () => {
  const bytes = writeSnf(tiledImage());
  const parts = split(bytes);
  const random = prng(2024);
  const pick = (n: number): number => Math.floor(random() * n);
  let accepted = 0;
  for (let trial = 0; trial < 1500; trial++) {
    const header = parts.header.slice();
    const payload = parts.payload.slice();
    const target = trial % 3 === 0 ? payload : header;
    for (let edits = 1 + pick(3); edits > 0; edits--) {
      const at = pick(target.length);
      target[at] = random() < 0.5 ? pick(256) : target[at]! ^ (1 << pick(8));
    }
    try {
      readSnf(assemble({ ...parts, header, payload }));
      accepted++;
    } catch (error) {
      assert.ok(error instanceof SnfFormatError, `trial ${trial}: ${String(error)}`);
    }
  }
  // Some edits (inside a float, a string) leave a valid file; most do not.
  assert.ok(accepted < 1500);
});

test('spec appendix A.2: the complete 132-byte file', () => {
  const expected = fromHex(`89534e460d0a1a0a0100000068000000 86a46b696e64a5696d616765a5776964
    746801a668656967687401a66c61796f 7574a467726179a46172636883a57769
    64746801a5646570746801a56f6d6567 611ea86e6574776f726b739182a174c4
    14040000003f040000803e080000003c 020000803fa1620404000000af017d0c
    ad6d302a`);
  const bytes = writeSnf({ tensorTables: 'float32', header: grayHeader(1), networks: [{ region: [0, 0, 1, 1], arch: appendixArch, tensors: appendixTensors([3, -2], 1, -100) }] });
  assert.equal(bytes.length, 132);
  assert.deepEqual(bytes, expected);
  assert.deepEqual([...networkParams(readSnf(expected).networks[0]!)], [1.5, -1, 0.25, -0.78125, 0]);
});

test('spec appendix A.4: Fourier inputs, version 2', async () => {
  const expected = fromHex(`89534e460d0a1a0a0200000071000000 86a46b696e64a5696d616765a5776964
    746801a668656967687401a66c61796f 7574a467726179a46172636884a57769
    64746801a5646570746801a56f6d6567 611ea7666f757269657201a86e657477
    6f726b739182a174c414040000003f04 0000803e080000003c020000803fa162
    0606000000aee91e0d86588b2bf4df`);
  const arch: SirenArch = { ...appendixArch, inputs: 6, fourier: 1 };
  const bytes = writeSnf({ tensorTables: 'float32', header: grayHeader(1), networks: [{ region: [0, 0, 1, 1], arch, tensors: appendixTensors([3, -2, 1, 0, -1, 2], 1, -100) }] });
  assert.deepEqual(bytes, expected);
  const image = await decodeImage(expected);
  assert.deepEqual([...image.data], [147]);
});

test('spec appendix A.3: a grid, an arch override and training metadata', () => {
  const expected = fromHex(`89534e460d0a1a0a01000000c5000000 88a46b696e64a5696d616765a5776964
    746802a668656967687401a66c61796f 7574a467726179a46172636883a57769
    64746801a5646570746801a56f6d6567 611ea467726964920201a86e6574776f
    726b739282a174c414040000003f0400 00803e080000003c020000803fa16204
    83a46172636883a5776964746801a564 6570746801a56f6d65676114a174c414
    040000003f040000803e080000003c02 0000803fa16203a5747261696e82a573
    74657073cd012ca470736e72cb404400 000000000007000000af017d0c936210
    d20ea8ef`);
  const bytes = writeSnf({
    tensorTables: 'float32',
    header: { ...grayHeader(2), train: { steps: 300, psnr: 40 } },
    networks: [
      { region: [0, 0, 1, 1], arch: appendixArch, tensors: appendixTensors([3, -2], 1, -100) },
      { region: [1, 0, 2, 1], arch: { ...appendixArch, omega: 20 }, tensors: appendixTensors([1, 1], -1, 64) },
    ],
  });
  assert.equal(bytes.length, 228);
  assert.deepEqual(bytes, expected);
  const file = readSnf(expected);
  assert.deepEqual(file.networks.map((n) => [[...n.region], n.arch.omega, n.bytes]), [[[0, 0, 1, 1], 30, 4], [[1, 0, 2, 1], 20, 3]]);
  assert.deepEqual([...networkParams(file.networks[1]!)], [0.5, 0.5, -0.25, 0.5, 0]);
  assert.deepEqual(file.header.train, { steps: 300, psnr: 40 });
});

test('spec appendix A.17: a grid with cuts, version 1.9', async () => {
  const expected = fromHex(`89534e460d0a1a0a01090000a8000000 87a46b696e64a5696d616765a5776964
    746803a668656967687401a66c61796f 7574a467726179a46172636883a57769
    64746801a5646570746801a56f6d6567 611ea46772696493020101a86e657477
    6f726b739282a174c414040000003f04 0000803e080000003c020000803fa162
    0483a46172636883a5776964746801a5 646570746801a56f6d65676114a174c4
    14040000003f040000803e080000003c 020000803fa1620307000000af017d0c
    93621065f79bc2`);
  const networks = (edge: number): SnfNetworkInput[] => [
    { region: [0, 0, edge, 1], arch: appendixArch, tensors: appendixTensors([3, -2], 1, -100) },
    { region: [edge, 0, 3, 1], arch: { ...appendixArch, omega: 20 }, tensors: appendixTensors([1, 1], -1, 64) },
  ];
  const bytes = writeSnf({ tensorTables: 'float32', header: grayHeader(3), networks: networks(1) });
  assert.equal(bytes.length, 199);
  assert.deepEqual(bytes, expected);
  assert.deepEqual(readSnf(expected).networks.map((n) => [...n.region]), [[0, 0, 1, 1], [1, 0, 3, 1]]);
  assert.deepEqual([...(await decodeImage(expected)).data], [34, 162, 128]);
  // Equal cells are written in the plain form, version 1.0, and decode otherwise.
  const even = writeSnf({ tensorTables: 'float32', header: grayHeader(3), networks: networks(2) });
  assert.deepEqual([even[8], even[9]], [1, 0]);
  assert.deepEqual([...(await decodeImage(even)).data], [192, 226, 189]);
});

/** The two networks of Appendix A.8: A.2's, and one of width 2 with A.2's bits and steps. */
function appendixA8Networks(): SnfNetworkInput[] {
  return [
    { region: [0, 0, 1, 1], arch: appendixArch, tensors: appendixTensors([3, -2], 1, -100) },
    { region: [1, 0, 2, 1], arch: { ...appendixArch, width: 2 }, tensors: [
      { bits: 4, step: 0.5, values: Int32Array.from([1, 1, -1, 2]) },
      { bits: 4, step: 0.25, values: Int32Array.from([-1, 2]) },
      { bits: 8, step: 0.0078125, values: Int32Array.from([64, -32]) },
      { bits: 2, step: 1, values: Int32Array.from([0]) },
    ] },
  ];
}

test('spec appendix A.8: a partial arch, only its width, version 1.2', async () => {
  const expected = fromHex(`89534e460d0a1a0a0102000099000000 87a46b696e64a5696d616765a5776964
    746802a668656967687401a66c61796f 7574a467726179a46172636883a57769
    64746801a5646570746801a56f6d6567 611ea467726964920201a86e6574776f
    726b739282a174c414040000003f0400 00803e080000003c020000803fa16204
    83a46172636881a5776964746802a174 c414040000003f040000803e08000000
    3c020000803fa162070b000000af017d 0c949677dc79cb3623e4be70`);
  const bytes = writeSnf({
    tensorTables: 'float32',
    header: grayHeader(2),
    networks: appendixA8Networks(),
  });
  assert.equal(bytes.length, 188);
  assert.deepEqual(bytes, expected);
  assert.deepEqual([bytes[8], bytes[9]], [1, 2]);
  const file = readSnf(expected);
  assert.deepEqual(file.networks.map((n) => [n.arch.width, n.arch.depth, n.arch.omega, n.bytes]), [[1, 1, 30, 4], [2, 1, 30, 7]]);
  assert.deepEqual([...networkParams(file.networks[1]!)], [0.5, 0.5, -0.5, 1, -0.25, 0.5, 0.5, -0.25, 0]);
  // The spec's hand evaluation of pixel 1: only the biases reach the sines at the region's centre.
  const y = 0.5 * Math.sin(30 * -0.25) - 0.25 * Math.sin(30 * 0.5);
  assert.equal(Math.round((y + 1) * 127.5), 47);
  assert.deepEqual([...(await decodeImage(expected)).data], [34, 47]);
});

test('spec appendix A.9: the A.8 file with compact tensor tables, version 1.3', async () => {
  const expected = fromHex(`89534e460d0a1a0a0103000077000000 87a46b696e64a5696d616765a5776964
    746802a668656967687401a66c61796f 7574a467726179a46172636883a57769
    64746801a5646570746801a56f6d6567 611ea467726964920201a86e6574776f
    726b739282a171c40804b804b0088802 c0a1620483a17702a171c40804b804b0
    088802c0a162070b000000af017d0c94 9677dc79cb362042a40b`);
  const bytes = writeSnf({
    header: grayHeader(2),
    networks: appendixA8Networks(),
  });
  assert.equal(bytes.length, 154);
  assert.deepEqual(bytes, expected);
  assert.deepEqual([bytes[8], bytes[9]], [1, 3]);
  const file = readSnf(expected);
  assert.deepEqual(file.networks.map((n) => [n.arch.width, n.tensors.map((t) => [t.bits, t.step])]), [
    [1, [[4, 0.5], [4, 0.25], [8, 0.0078125], [2, 1]]], [2, [[4, 0.5], [4, 0.25], [8, 0.0078125], [2, 1]]],
  ]);
  assert.deepEqual([...(await decodeImage(expected)).data], [34, 47]);
});

/** The two pixels' field of A.9's networks before rounding, from a 16-bit decode (on the [-1, 1] scale). */
async function appendixA9Field(): Promise<[number, number]> {
  const plain = await decodeImage(writeSnf({ header: grayHeader(2), networks: appendixA8Networks() }), {}, {}, { sampleBits: 16 });
  return [...plain.data16!].map((v) => (2 * v) / 65535 - 1) as [number, number];
}

/** A field value as an 8-bit sample (spec §4.3's inverse normalization). */
function sample(y: number): number {
  return Math.round((y + 1) * 127.5);
}

/** A.10's filter: radius 1, one class, a quarter of the step to the right neighbour (64 × 2^−8), none to the one below. */
const APPENDIX_A10_FILTER = { radius: 1, cross: 0, shift: 8, thresholds: new Float32Array(0), coefficients: Int8Array.from([64, 0]) };

/** What A.10's filter makes of the two pixels' values: each takes a quarter of the step to the other. */
function quarterStepCloser([a, b]: [number, number]): [number, number] {
  return [a + 0.25 * (b - a), b + 0.25 * (a - b)];
}

test('spec appendix A.10: the A.9 file with a restoration filter, version 1.4', async () => {
  const expected = fromHex(`89534e460d0a1a0a0104000092000000 88a46b696e64a5696d616765a5776964
    746802a668656967687401a66c61796f 7574a467726179a46172636883a57769
    64746801a5646570746801a56f6d6567 611ea467726964920201a666696c7465
    7285a17201a17800a17308a174c400a1 63c4024000a86e6574776f726b739282
    a171c40804b804b0088802c0a1620483 a17702a171c40804b804b0088802c0a1
    62070b000000af017d0c949677dc79cb 36c245b390`);
  const bytes = writeSnf({ header: { ...(grayHeader(2) as ImageHeader), filter: APPENDIX_A10_FILTER }, networks: appendixA8Networks() });
  assert.equal(bytes.length, 181);
  assert.deepEqual(bytes, expected);
  assert.deepEqual([bytes[8], bytes[9]], [1, 4]);
  const file = readSnf(expected);
  assert.ok(file.header.kind === 'image' && file.header.filter !== undefined);
  assert.deepEqual([...file.header.filter.coefficients], [64, 0]);
  // The spec's hand evaluation: each pixel takes a quarter of the step to the other, from the unfiltered field.
  assert.deepEqual(quarterStepCloser(await appendixA9Field()).map(sample), [37, 44]);
  assert.deepEqual([...(await decodeImage(expected)).data], [37, 44]);
});

test('spec appendix A.11: the A.10 file with direction classes, version 1.5; a reader before 1.5 decodes it as A.10', async () => {
  const expected = fromHex(`89534e460d0a1a0a01050000a1000000 88a46b696e64a5696d616765a5776964
    746802a668656967687401a66c61796f 7574a467726179a46172636883a57769
    64746801a5646570746801a56f6d6567 611ea467726964920201a666696c7465
    7287a17201a17800a17308a174c400a1 63c4024000a16405a165c408c0000000
    00000000a86e6574776f726b739282a1 71c40804b804b0088802c0a1620483a1
    7702a171c40804b804b0088802c0a162 070b000000af017d0c949677dc79cb36
    408a03d1`);
  // Direction 0 as in A.10 (c); direction 1 (luma varies along the row, as in this 2×1 image) −0.25 on the horizontal tap; 2–4 zero.
  const filter = {
    radius: 1, cross: 0, shift: 8, thresholds: new Float32Array(0), directions: 5, coefficients: Int8Array.from([64, 0, -64, 0, 0, 0, 0, 0, 0, 0]),
  };
  const bytes = writeSnf({ header: { ...(grayHeader(2) as ImageHeader), filter }, networks: appendixA8Networks() });
  assert.equal(bytes.length, 196);
  assert.deepEqual(bytes, expected);
  assert.deepEqual([bytes[8], bytes[9]], [1, 5]);
  const [f0, f1] = await appendixA9Field();
  // Both pixels are in direction 1 (H = |f1 − f0| over V = 0), so each moves a quarter of the step away from the other.
  assert.deepEqual([sample(f0 - 0.25 * (f1 - f0)), sample(f1 - 0.25 * (f0 - f1))], [31, 50]);
  assert.deepEqual([...(await decodeImage(expected)).data], [31, 50]);
  // Without d and e (what a 1.4 reader reads), the file is A.10's filter: 37 and 44.
  assert.deepEqual([...(await decodeImage(withHeader(expected, (h) => { delete h.filter.d; delete h.filter.e; }))).data], [37, 44]);
});

test('spec appendix A.19: the A.10 file with a final filter, version 1.10; it reads the filtered values, and a reader before 1.10 decodes it as A.10', async () => {
  const expected = fromHex(`89534e460d0a1a0a010a0000ac000000 89a46b696e64a5696d616765a5776964
    746802a668656967687401a66c61796f 7574a467726179a46172636883a57769
    64746801a5646570746801a56f6d6567 611ea467726964920201a666696c7465
    7285a17201a17800a17308a174c400a1 63c4024000a566696e616c85a17201a1
    7800a17308a174c400a163c4024000a8 6e6574776f726b739282a171c40804b8
    04b0088802c0a1620483a17702a171c4 0804b804b0088802c0a162070b000000
    af017d0c949677dc79cb367319123c`);
  // The final filter is A.10's filter again: each pixel takes a quarter of the step to the other, now from the filtered values.
  const bytes = writeSnf({ header: { ...(grayHeader(2) as ImageHeader), filter: APPENDIX_A10_FILTER, finalFilter: APPENDIX_A10_FILTER }, networks: appendixA8Networks() });
  assert.equal(bytes.length, 207);
  assert.deepEqual(bytes, expected);
  assert.deepEqual([bytes[8], bytes[9]], [1, 10]);
  const file = readSnf(expected);
  assert.ok(file.header.kind === 'image' && file.header.finalFilter !== undefined);
  assert.deepEqual([...file.header.finalFilter.coefficients], [64, 0]);
  assert.deepEqual(quarterStepCloser(quarterStepCloser(await appendixA9Field())).map(sample), [39, 42]);
  assert.deepEqual([...(await decodeImage(expected)).data], [39, 42]);
  // Without final (what a 1.9 reader renders, ignoring the key), the file is A.10's: 37 and 44.
  assert.deepEqual([...(await decodeImage(withHeader(expected, (h) => { delete h.final; }))).data], [37, 44]);
});

test('spec appendix A.20: the A.10 file with a clipped final filter, version 1.11; its difference is clamped to 4 levels, and a reader before 1.11 decodes it as A.10', async () => {
  const expected = fromHex(`89534e460d0a1a0a010b0000b4000000 89a46b696e64a5696d616765a5776964
    746802a668656967687401a66c61796f 7574a467726179a46172636883a57769
    64746801a5646570746801a56f6d6567 611ea467726964920201a666696c7465
    7285a17201a17800a17308a174c400a1 63c4024000a7636c697070656486a172
    01a17800a17308a174c400a163c40240 00a16bc4020300a86e6574776f726b73
    9282a171c40804b804b0088802c0a162 0483a17702a171c40804b804b0088802
    c0a162070b000000af017d0c949677dc 79cb36e53711b4`);
  // A.10's filter again as the final filter, its horizontal tap clipped to 4 levels (bound index 3), the vertical one not.
  const finalFilter = { ...APPENDIX_A10_FILTER, clips: Uint8Array.from([3, 0]) };
  const bytes = writeSnf({ header: { ...(grayHeader(2) as ImageHeader), filter: APPENDIX_A10_FILTER, finalFilter }, networks: appendixA8Networks() });
  assert.equal(bytes.length, 215);
  assert.deepEqual(bytes, expected);
  assert.deepEqual([bytes[8], bytes[9]], [1, 11]);
  const file = readSnf(expected);
  assert.ok(file.header.kind === 'image' && file.header.finalFilter?.clips !== undefined);
  assert.deepEqual([...file.header.finalFilter.clips], [3, 0]);
  // By hand: the two values after the first filter are 6.4 levels apart, so each moves a quarter of 4 levels.
  const [g0, g1] = quarterStepCloser(await appendixA9Field());
  assert.ok(Math.abs(g1 - g0) > 4 / 127.5);
  assert.deepEqual([sample(g0 + 0.25 * (4 / 127.5)), sample(g1 - 0.25 * (4 / 127.5))], [38, 43]);
  assert.deepEqual([...(await decodeImage(expected)).data], [38, 43]);
  // Without clipped (what a 1.10 reader renders, ignoring the key), the file is A.10's: 37 and 44.
  assert.deepEqual([...(await decodeImage(withHeader(expected, (h) => { delete h.clipped; }))).data], [37, 44]);
});

test('spec appendix A.12: the A.9 file with its header deflated, version 3.3', async () => {
  const expected = fromHex(`89534e460d0a1a0a0303000067000000 6b5f929d9997b2343337313d75697966
    4a4906d3b28cd4ccf48c12c665398995 f9a5254bd28b122b9724162567344314
    302e4d492d0051f9b9a9e9897240f9cc 94494c8c2bf2524bcaf38bb28b27352d
    2c3cc2c1b28365034707d38185492ccd 0bcb995085d8010b000000af017d0c94
    9677dc79cb36c22a414e`);
  const a9 = writeSnf({ header: grayHeader(2), networks: appendixA8Networks() });
  const bytes = writeSnf({ header: grayHeader(2), networks: appendixA8Networks(), deflateHeader: true });
  assert.equal(bytes.length, 138);
  assert.deepEqual(bytes, expected);
  assert.deepEqual([bytes[8], bytes[9]], [3, 3]);
  // The 103 bytes inflate to A.9's 119-byte header; the payload is A.9's.
  assert.deepEqual(inflateSync(split(expected).header), split(a9).header);
  assert.deepEqual(split(expected).payload, split(a9).payload);
  assert.deepEqual([...(await decodeImage(expected)).data], [34, 47]);
});

function withStreamLengths(header: Json, lengths: number[]): Json {
  return { ...header, networks: header.networks.map((n: Json, i: number) => ({ ...n, b: lengths[i] })) };
}

test('spec appendix A.13: the A.12 file with shared contexts, version 4.3', async () => {
  const expected = fromHex(`89534e460d0a1a0a0403000067000000 6b5f929d9997b2343337313d75697966
    4a4906d3b28cd4ccf48c12c665398995 f9a5254bd28b122b9724162567344314
    302e4d492d0051f9b9a9e9897240f9cc 94494c8c2bf2524bcaf38bb28b27352d
    2c3cc2c1b28365034707d38185492ccd 0bcb995085d8000a000000af27bc8055
    fda8c98dc057757ce7`);
  const a12 = writeSnf({ header: grayHeader(2), networks: appendixA8Networks(), deflateHeader: true });
  const bytes = writeSnf({ header: grayHeader(2), networks: appendixA8Networks(), sharedContexts: true });
  assert.equal(bytes.length, 137);
  assert.deepEqual(bytes, expected);
  assert.deepEqual([bytes[8], bytes[9]], [4, 3]);
  // The header is A.12's but for network 1's stream length: 6 bytes, not 7, its contexts carried from network 0 (§6.8).
  const map = (file: Uint8Array): Json => decodeHeaderValue(inflateSync(split(file).header)) as Json;
  assert.deepEqual(map(expected).networks.map((n: Json) => n.b), [4, 6]);
  assert.deepEqual(map(expected), withStreamLengths(map(a12), [4, 6]));
  assert.deepEqual([...split(expected).payload], [0xaf, 0x27, 0xbc, 0x80, 0x55, 0xfd, 0xa8, 0xc9, 0x8d, 0xc0]);
  const file = readSnf(expected);
  assert.deepEqual(file.networks.map((n) => n.tensors.map((t) => [...t.values])), appendixA8Networks().map((n) => n.tensors.map((t) => [...t.values])));
  assert.deepEqual([...(await decodeImage(expected)).data], [34, 47]);
  // Relabelled as version 3, network 0's stream does not end as a §6.1 encoder ends it.
  rejects(assemble({ ...split(expected), major: 3 }), 'BAD_STREAM', 'A.13 read as version 3');
});

test('spec appendix A.18: A.13 with steps per unit, version 5.3', async () => {
  const expected = fromHex(`89534e460d0a1a0a0503000067000000 6b5f929d9997b2343337313d75697966
    4a4906d3b28cd4ccf48c12c665398995 f9a5254bd28b122b9724162567344314
    302e4d492d0051f9b9a9e9897240f9cc 94494c8c2bf2524bcaf38bb28b27352d
    2c3cc2c1b28365034707d38185492ccd 0bcb995085d8000a000000af27bc8055
    fda8c98dc066146d67`);
  const bytes = writeSnf({ header: grayHeader(2), networks: appendixA8Networks().map((n) => ({ ...n, unitScales: true })) });
  assert.deepEqual(bytes, expected);
  const file = readSnf(expected);
  assert.deepEqual([...networkParams(file.networks[1]!)], [0.3952847123146057, 0.7905694246292114, -0.3952847123146057, 1.5811388492584229,
    -0.19764235615730286, 0.7905694246292114, 0.5, -0.25, 0]);
  assert.deepEqual([...(await decodeImage(expected)).data], [34, 181]);
  // The same integers as version 4 (A.13): other weights, other pixels.
  assert.deepEqual([...(await decodeImage(assemble({ ...split(expected), major: 4 }))).data], [34, 47]);
});

test('a partial arch (no depth) takes everything but its width from the root arch, and states nothing else', () => {
  const wide = writeSnf({
    tensorTables: 'float32',
    header: grayHeader(2),
    networks: appendixA8Networks(),
  });
  assert.deepEqual(headerOf(wide).networks[1].arch, { width: 2 });
  readSnf(withHeader(wide, (h) => { Object.assign(h.networks[1].arch, { inputs: 2, outputs: 1 }); }));
  const cases: [string, (h: Json) => void][] = [
    ['omega restated', (h) => { h.networks[1].arch.omega = 30; }],
    ['activation restated', (h) => { h.networks[1].arch.activation = 'sine'; }],
    ['fourier restated', (h) => { h.networks[1].arch.fourier = 0; }],
    ['width missing', (h) => { delete h.networks[1].arch.width; }],
    ['width 0', (h) => { h.networks[1].arch.width = 0; }],
    ['inputs wrong', (h) => { h.networks[1].arch.inputs = 6; }],
    ['outputs wrong', (h) => { h.networks[1].arch.outputs = 3; }],
    ['no root arch', (h) => { h.networks[0].arch = { ...h.arch }; delete h.arch; }],
    // Width 1 from the root: the tables and streams are network 1's of width 2.
    ['width back to the root', (h) => { h.networks[1].arch.width = 1; }],
  ];
  for (const [what, mutate] of cases) assert.notEqual(codeOf(() => readSnf(withHeader(wide, mutate))), 'none', what);
  for (const [what, mutate] of cases.slice(0, 8)) rejects(withHeader(wide, mutate), 'BAD_HEADER', what);
  rejects(withHeader(wide, (h) => { h.networks[1].arch.width = 4097; }), 'LIMIT_EXCEEDED', 'width over maxUnits');
  // A width and another key changed: written as a full arch, minor version 0.
  const full = writeSnf({ tensorTables: 'float32', header: grayHeader(2), networks: [
    { region: [0, 0, 1, 1], arch: appendixArch, tensors: appendixTensors([3, -2], 1, -100) },
    { region: [1, 0, 2, 1], arch: { ...appendixArch, omega: 20 }, tensors: appendixTensors([1, 1], -1, 64) },
  ] });
  assert.deepEqual(Object.keys(headerOf(full).networks[1].arch).sort(), ['depth', 'omega', 'width']);
  assert.equal(full[9], 0);
});

test('compact tensor tables (version x.3): a byte per step on the grid, the width alone as w; float32 tables for steps off the grid', () => {
  const input = { header: grayHeader(2), networks: appendixA8Networks() };
  const wideTensors = input.networks[1]!.tensors;
  const compact = writeSnf(input);
  const float32 = writeSnf({ ...input, tensorTables: 'float32' });
  assert.deepEqual([compact[8], compact[9]], [1, 3]);
  const h = headerOf(compact);
  // Steps 0.5, 0.25, 2^-7 and 1 are codes 184, 176, 136 and 192; a partial arch of 13 bytes becomes w: 2 (3 bytes).
  assert.deepEqual([...h.networks[1].q], [4, 184, 4, 176, 8, 136, 2, 192]);
  assert.equal(h.networks[1].w, 2);
  assert.equal(h.networks[1].arch, undefined);
  assert.equal(h.networks[1].t, undefined);
  assert.equal(float32.length - compact.length, 2 * 12 + 10);
  // Both read back to the same networks.
  const [a, b] = [readSnf(compact), readSnf(float32)];
  assert.deepEqual(a.networks.map((n) => [n.arch, n.tensors]), b.networks.map((n) => [n.arch, n.tensors]));
  // A step off the grid keeps that network's float32 table (and a partial arch); the other stays compact.
  const off = writeSnf({ ...input, networks: [input.networks[0]!, { ...input.networks[1]!, tensors: [{ ...wideTensors[0]!, step: Math.fround(0.3) }, ...wideTensors.slice(1)] }] });
  const offHeader = headerOf(off);
  assert.ok(offHeader.networks[0].q instanceof Uint8Array);
  assert.ok(offHeader.networks[1].t instanceof Uint8Array);
  assert.deepEqual(offHeader.networks[1].arch, { width: 2 });
  assert.equal(readSnf(off).networks[1]!.tensors[0]!.step, Math.fround(0.3));
  // What readers refuse.
  const cases: [string, (h: Json) => void][] = [
    ['q and t both', (h) => { h.networks[1].t = new Uint8Array(20); }],
    ['q too short', (h) => { h.networks[1].q = h.networks[1].q.subarray(0, 6); }],
    ['q not binary', (h) => { h.networks[1].q = [4, 184]; }],
    ['bits 1', (h) => { h.networks[1].q[0] = 1; }],
    ['bits 17', (h) => { h.networks[1].q[6] = 17; }],
    ['w beside arch', (h) => { h.networks[1].arch = { width: 2 }; }],
    ['w beside t', (h) => { h.networks[0].t = new Uint8Array(20).fill(4); delete h.networks[0].q; h.networks[0].w = 1; }],
    ['w 0', (h) => { h.networks[1].w = 0; }],
    ['w not an integer', (h) => { h.networks[1].w = 1.5; }],
    ['no root arch for w', (h) => { h.networks[0].arch = { ...h.arch }; delete h.arch; }],
  ];
  for (const [what, mutate] of cases) rejects(withHeader(compact, mutate), 'BAD_HEADER', what);
  rejects(withHeader(compact, (h) => { h.networks[1].w = 4097; }), 'LIMIT_EXCEEDED', 'w over maxUnits');
  // Every code is a valid step: the top one, 2^7.875, reads back.
  assert.equal(readSnf(withHeader(compact, (h) => { h.networks[1].q[7] = 255; })).networks[1]!.tensors[3]!.step, stepOfCode(255));
});

test('the step grid: codes 0 … 255 are 2^((c − 192)/8) in float32, codeOfStep inverts it, gridStepAtLeast rounds up onto it', () => {
  for (let code = 0; code < 256; code++) {
    const step = stepOfCode(code);
    assert.equal(step, Math.fround(step));
    assert.ok(Math.abs(Math.log2(step) - (code - 192) / 8) < 1e-6, `code ${code}`);
    assert.equal(codeOfStep(step), code);
    assert.equal(gridStepAtLeast(step), step);
    if (code > 0) assert.equal(gridStepAtLeast(Math.fround(stepOfCode(code - 1) * 1.000001)), step);
  }
  assert.deepEqual(STEP_MANTISSAS.map((m) => m.toPrecision(8)), ['1.0000000', '1.0905077', '1.1892071', '1.2968396', '1.4142135', '1.5422108', '1.6817929', '1.8340081']);
  assert.equal(codeOfStep(0.3), undefined);
  assert.equal(codeOfStep(2 ** 8), undefined);
  assert.equal(gridStepAtLeast(1e-12), stepOfCode(0));
  assert.equal(gridStepAtLeast(300), undefined);
});

test('train.psnr is always a float 64, so its value never changes the size of a file (spec §3.7)', () => {
  const sizes = new Set<number>();
  for (const psnr of [40, 31.25, 99.999, 0, Infinity, 12.345678901234]) {
    const bytes = writeSnf({ ...tiledImage(), header: { ...imageHeader(7, 5), train: { steps: 1000, psnr } } });
    sizes.add(bytes.length);
    assert.equal(readSnf(bytes).header.train?.psnr, psnr);
  }
  assert.equal(sizes.size, 1);
  // Other numbers stay canonical: float 32 where exact, integers as integers.
  assert.deepEqual([...encodeHeaderValue({ a: 0.5, b: new Float64(0.5), c: 40, d: new Float64(40) })], [
    0x84, 0xa1, 0x61, 0xca, 0x3f, 0x00, 0x00, 0x00, 0xa1, 0x62, 0xcb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0,
    0xa1, 0x63, 40, 0xa1, 0x64, 0xcb, 0x40, 0x44, 0, 0, 0, 0, 0, 0,
  ]);
});

/**
 * The two files of the header-size table of spec §6.7: 8-bit RGB, ω = 30,
 * width 24, depth 3 (8 tensors), 12-bit first layer, streams of 256 … 65,535
 * bytes, and the training metadata the encoder writes.
 */
function efficiencyFile(width: number, height: number, columns: number, rows: number, train: boolean, onGrid = false): Uint8Array {
  const arch: SirenArch = { inputs: 2, outputs: 3, width: 24, depth: 3, omega: 30 };
  const onto = (n: SnfNetworkInput): SnfNetworkInput => ({ ...n, tensors: n.tensors.map((t) => ({ ...t, step: gridStepAtLeast(t.step)! })) });
  return writeSnf({
    header: {
      ...imageHeader(width, height),
      train: train ? { steps: 1000, alpha: 1, lr: 3e-3, seed: 1, psnr: 31.234, engine: 'ref', init: 'ws' } : undefined,
    },
    networks: tileRegions(width, height, columns, rows).map((region, i) => network(arch, [...region], [12, 12, 8, 8, 8, 8, 8, 8], i + 1)).map((n) => (onGrid ? onto(n) : n)),
  });
}

test('spec §6.7: header sizes of one network and of a 4×4 grid', () => {
  const sizes = [[96, 96, 1, 1], [768, 512, 4, 4]].map(([w, h, c, r]) => [true, false].map((train) => {
    const info = inspectSnf(efficiencyFile(w!, h!, c!, r!, train));
    assert.ok(info.networks.every((n) => n.bytes >= 256 && n.bytes < 65536));
    return info.headerBytes;
  }));
  assert.deepEqual(sizes, [[199, 125], [963, 889]]);
  // The same with every step on the grid: compact tables (version x.3), 24 bytes less per network.
  const compact = [[96, 96, 1, 1], [768, 512, 4, 4]].map(([w, h, c, r]) => [true, false].map((train) => inspectSnf(efficiencyFile(w!, h!, c!, r!, train, true)).headerBytes));
  assert.deepEqual(compact, [[175, 101], [579, 505]]);
});
