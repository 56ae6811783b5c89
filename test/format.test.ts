import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Packr, Unpackr } from 'msgpackr';
import { parameterCount, tensorSlices, type SirenArch } from '../src/kernels/arch.js';
import {
  crc32, DEFAULT_LIMITS, inspectSnf, isAudioFile, isImageFile, networkParams, readSnf, SnfFormatError, writeSnf, type QuantizedTensor,
  type SnfErrorCode, type SnfFileInput, type SnfHeader, type SnfLimits, type SnfNetworkInput,
} from '../src/format/index.js';
import { decodeHeaderValue, encodeHeaderValue, type HeaderValue } from '../src/format/msgpack.js';

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/** mulberry32: a tiny deterministic PRNG, uniform in [0, 1). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
    train: { steps: 100, alpha: 0.5, lr: 1e-3, seed: 7, psnr: 31.25, engine: 'ref', seconds: 1.5, init: 'ws' },
  };
}

function audioHeader(length: number, channels = 1): SnfHeader {
  return { kind: 'audio', sampleRate: 44100, length, channels, colorSpace: 'linear', normalization: 'identity' };
}

/** A small valid image file: 2×2 tiles of a 7×5 RGB image. */
function tiledImage(): SnfFileInput {
  return {
    header: imageHeader(7, 5),
    networks: [
      network(imageArch(3), [0, 0, 4, 3], [8], 1),
      network(imageArch(3), [4, 0, 7, 3], [2, 16], 2),
      network(imageArch(3, 3, 1), [0, 3, 4, 5], [5], 3),
      network(imageArch(3), [4, 3, 7, 5], [12, 3], 4),
    ],
  };
}

/** The smallest interesting file, for the exhaustive bit-flip test. */
function smallFile(): Uint8Array {
  return writeSnf({
    header: { kind: 'image', width: 2, height: 2, layout: 'gray', colorSpace: 'srgb', normalization: 'symmetric8' },
    networks: [network(imageArch(1, 2, 1), [0, 0, 2, 2], [4], 9)],
  });
}

interface Parts {
  major: number;
  minor: number;
  flags: number;
  header: Uint8Array;
  payload: Uint8Array;
}

/** Splits a valid file into its fields. */
function split(bytes: Uint8Array): Parts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = view.getUint32(12, true);
  const p = view.getUint32(16 + h, true);
  return {
    major: bytes[8]!, minor: bytes[9]!, flags: view.getUint16(10, true),
    header: bytes.slice(16, 16 + h), payload: bytes.slice(20 + h, 20 + h + p),
  };
}

/** Assembles a file from fields, with a correct CRC unless `crc` is given. */
function assemble(parts: Partial<Parts> & Pick<Parts, 'header' | 'payload'>, crc?: number): Uint8Array {
  const { header, payload } = parts;
  const out = new Uint8Array(24 + header.length + payload.length);
  const view = new DataView(out.buffer);
  out.set([0x89, 0x53, 0x4e, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  out[8] = parts.major ?? 1;
  out[9] = parts.minor ?? 0;
  view.setUint16(10, parts.flags ?? 0, true);
  view.setUint32(12, header.length, true);
  out.set(header, 16);
  view.setUint32(16 + header.length, payload.length, true);
  out.set(payload, 20 + header.length);
  const end = 20 + header.length + payload.length;
  view.setUint32(end, crc ?? crc32(out.subarray(0, end)), true);
  return out;
}

/** msgpackr, as an independent MessagePack implementation for crafting headers. */
const packr = new Packr({ useRecords: false, variableMapSize: true });
type Json = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The header of `bytes` as a plain object to mutate. */
function headerOf(bytes: Uint8Array): Json {
  return structuredClone(decodeHeaderValue(split(bytes).header)) as Json;
}

/** `bytes` with its header replaced by `mutate(header)` packed by msgpackr; CRC fixed. */
function withHeader(bytes: Uint8Array, mutate: (header: Json) => void): Uint8Array {
  const header = headerOf(bytes);
  mutate(header);
  return assemble({ ...split(bytes), header: new Uint8Array(packr.pack(header)) });
}

function codeOf(fn: () => unknown): SnfErrorCode | 'none' {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SnfFormatError, `expected SnfFormatError, got ${String(error)}`);
    assert.ok(!error.message.includes('\n'), 'messages are one line');
    return error.code;
  }
  return 'none';
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
    h.networks[0].arch.extra = 1;
    h.networks[0].tensors[0].zeroPoint = 0;
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
  rejects(assemble({ ...split(bytes), major: 2 }), 'UNSUPPORTED_VERSION', 'major 2');
  rejects(assemble({ ...split(bytes), major: 0 }), 'UNSUPPORTED_VERSION', 'major 0');
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
  rejects(withHeader(bytes, (h) => { h.networks[1].bytes += 1; }), 'SIZE_MISMATCH', 'sum one over P');
  rejects(withHeader(bytes, (h) => { h.networks[3].bytes -= 1; }), 'SIZE_MISMATCH', 'sum one under P');
  // Same sum, wrong split: the streams no longer decode.
  rejects(withHeader(bytes, (h) => { h.networks[0].bytes -= 1; h.networks[1].bytes += 1; }), 'BAD_STREAM', 'moved boundary');
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
    ['train.engine a number', (h) => { h.train.engine = 5; }, 'BAD_HEADER'],
    ['train.psnr NaN', (h) => { h.train.psnr = NaN; }, 'BAD_HEADER'],
    ['train.lr infinite', (h) => { h.train.lr = Infinity; }, 'BAD_HEADER'],
  ];
  for (const [what, mutate, code] of cases) rejects(withHeader(image, mutate), code, what);
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

test('rejects wrong network architectures and tensor lists', () => {
  const image = writeSnf(tiledImage());
  const cases: [string, (n: Json) => void, SnfErrorCode][] = [
    ['arch missing', (n) => { delete n.arch; }, 'BAD_HEADER'],
    ['depth 0', (n) => { n.arch.depth = 0; }, 'BAD_HEADER'],
    ['depth over the limit', (n) => { n.arch.depth = 65; }, 'LIMIT_EXCEEDED'],
    ['width over the limit', (n) => { n.arch.width = 4097; }, 'LIMIT_EXCEEDED'],
    ['width 2.5', (n) => { n.arch.width = 2.5; }, 'BAD_HEADER'],
    ['omega 0', (n) => { n.arch.omega = 0; }, 'BAD_HEADER'],
    ['omega a string', (n) => { n.arch.omega = '30'; }, 'BAD_HEADER'],
    ['activation relu', (n) => { n.arch.activation = 'relu'; }, 'UNSUPPORTED_FEATURE'],
    ['inputs 1 for an image', (n) => { n.arch.inputs = 1; }, 'BAD_HEADER'],
    ['outputs not the channel count', (n) => { n.arch.outputs = 4; }, 'BAD_HEADER'],
    ['one tensor too few', (n) => { n.tensors.pop(); }, 'BAD_HEADER'],
    ['one tensor too many', (n) => { n.tensors.push({ bits: 8, step: 1 }); }, 'BAD_HEADER'],
    ['depth changed, tensors not', (n) => { n.arch.depth = 3; }, 'BAD_HEADER'],
    ['bits 1', (n) => { n.tensors[0].bits = 1; }, 'BAD_HEADER'],
    ['bits 17', (n) => { n.tensors[0].bits = 17; }, 'BAD_HEADER'],
    ['step 0', (n) => { n.tensors[0].step = 0; }, 'BAD_HEADER'],
    ['step negative', (n) => { n.tensors[0].step = -0.5; }, 'BAD_HEADER'],
    ['step NaN', (n) => { n.tensors[0].step = NaN; }, 'BAD_HEADER'],
    ['step infinite', (n) => { n.tensors[0].step = Infinity; }, 'BAD_HEADER'],
    ['step not a float32', (n) => { n.tensors[0].step = 0.1; }, 'BAD_HEADER'],
    ['tensor not a map', (n) => { n.tensors[0] = [8, 1]; }, 'BAD_HEADER'],
    ['bytes missing', (n) => { delete n.bytes; }, 'BAD_HEADER'],
    ['bytes negative', (n) => { n.bytes = -1; }, 'BAD_HEADER'],
  ];
  for (const [what, mutate, code] of cases) rejects(withHeader(image, (h) => mutate(h.networks[1])), code, what);
  // Changing the bit depth keeps the header valid but the stream no longer decodes.
  rejects(withHeader(image, (h) => { h.networks[0].tensors[0].bits = 9; }), 'BAD_STREAM', 'bits changed');
});

test('rejects regions that do not tile the signal', () => {
  const image = writeSnf(tiledImage()); // 7×5: [0,0,4,3] [4,0,7,3] [0,3,4,5] [4,3,7,5]
  const cases: [string, (h: Json) => void][] = [
    ['three numbers', (h) => { h.networks[0].region = [0, 0, 4]; }],
    ['not integers', (h) => { h.networks[0].region = [0, 0, 4, 2.5]; }],
    ['a string', (h) => { h.networks[0].region = [0, 0, '4', 3]; }],
    ['negative', (h) => { h.networks[0].region = [-1, 0, 4, 3]; }],
    ['empty', (h) => { h.networks[0].region = [4, 0, 4, 3]; }],
    ['reversed', (h) => { h.networks[0].region = [4, 0, 0, 3]; }],
    ['outside the image', (h) => { h.networks[1].region = [4, 0, 8, 3]; }],
    ['a gap', (h) => { h.networks[0].region = [0, 0, 3, 3]; }],
    ['an overlap', (h) => { h.networks[0].region = [0, 0, 5, 3]; }],
    ['overlap with a gap of the same area', (h) => { h.networks[0].region = [0, 0, 4, 4]; h.networks[2].region = [0, 3, 4, 4]; }],
    ['two identical', (h) => { h.networks[1].region = [0, 0, 4, 3]; }],
  ];
  for (const [what, mutate] of cases) rejects(withHeader(image, mutate), 'BAD_HEADER', what);
  // Any order of tiles is fine.
  readSnf(withHeader(image, (h) => { h.networks.reverse(); h.networks.reverse(); }));

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
    maxDepth: 64, maxUnits: 4096, maxParameters: 16 * 1024 * 1024,
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
    for (const n of h.networks) n.arch.width = 4096;
  });
  rejects(greedy, 'LIMIT_EXCEEDED', 'huge networks');
  assert.equal(codeOf(() => readSnf(bytes, { maxDepth: Number.NaN })), 'INVALID_ARGUMENT');
});

test('many networks: the tiling check and reading stay fast', () => {
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
  const started = performance.now();
  const file = readSnf(writeSnf(input));
  assert.equal(file.networks.length, side * side);
  assert.ok(performance.now() - started < 1000);
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
    ['missing tensor', withNetwork0({ ...n0, tensors: n0.tensors.slice(1) }), 'INVALID_ARGUMENT'],
    ['region gap', withNetwork0({ ...n0, region: [0, 0, 3, 3] }), 'INVALID_ARGUMENT'],
    ['outputs wrong', withNetwork0({ ...n0, arch: { ...n0.arch, outputs: 1 } }), 'INVALID_ARGUMENT'],
    ['no networks', { ...good, networks: [] }, 'INVALID_ARGUMENT'],
    ['width 0', { ...good, header: { ...imageHeader(0, 5) } }, 'INVALID_ARGUMENT'],
    ['extra holds a v1 key', { ...good, header: { ...imageHeader(7, 5), extra: { kind: 'x' } } }, 'INVALID_ARGUMENT'],
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
  // The header starts with the keys in the order writers emit them.
  assert.deepEqual(Object.keys(decodeHeaderValue(bytes.subarray(16, 16 + h)) as Json),
    ['kind', 'width', 'height', 'layout', 'colorSpace', 'normalization', 'networks']);
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

test('spec appendix A: the complete 271-byte file', () => {
  const hex = `89534e460d0a1a0a01000000f3000000 87a46b696e64a5696d616765a5776964
    746801a668656967687401a66c61796f 7574a467726179aa636f6c6f72537061
    6365a473726762ad6e6f726d616c697a 6174696f6eaa73796d6d657472696338
    a86e6574776f726b739184a672656769 6f6e9400000101a46172636886a57769
    64746801a5646570746801a56f6d6567 611eaa61637469766174696f6ea47369
    6e65a6696e7075747302a76f75747075 747301a774656e736f72739482a46269
    747304a473746570ca3f00000082a462 69747304a473746570ca3e80000082a4
    6269747308a473746570ca3c00000082 a46269747302a47374657001a5627974
    65730404000000af017d0c5e33dbc1`.replace(/\s+/g, '');
  const expected = Uint8Array.from(Buffer.from(hex, 'hex'));
  const arch: SirenArch = { inputs: 2, outputs: 1, width: 1, depth: 1, omega: 30 };
  const bytes = writeSnf({
    header: { kind: 'image', width: 1, height: 1, layout: 'gray', colorSpace: 'srgb', normalization: 'symmetric8' },
    networks: [{
      region: [0, 0, 1, 1], arch, tensors: [
        { bits: 4, step: 0.5, values: Int32Array.from([3, -2]) },
        { bits: 4, step: 0.25, values: Int32Array.from([1]) },
        { bits: 8, step: 0.0078125, values: Int32Array.from([-100]) },
        { bits: 2, step: 1, values: Int32Array.from([0]) },
      ],
    }],
  });
  assert.equal(bytes.length, 271);
  assert.deepEqual(bytes, expected);
  assert.deepEqual([...networkParams(readSnf(expected).networks[0]!)], [1.5, -1, 0.25, -0.78125, 0]);
});
