/**
 * Embedded photo metadata in the format (spec §3.8): round trip, what a
 * reader refuses, its limit, and a decompression bomb.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync } from 'fflate';
import {
  deflateMetadata, inspectSnf, readSnf, SnfFormatError, writeSnf, type SnfErrorCode, type SnfHeader, type StoredMetadata,
} from '../src/format/index.js';
import { decodeHeaderValue, encodeHeaderValue, type WritableValue } from '../src/format/msgpack.js';
import { assemble, split } from './fuzz/harness.js';
import { deflateBomb } from './helpers/deflate-bomb.js';

const HEADER: SnfHeader = { kind: 'image', width: 1, height: 1, layout: 'gray', colorSpace: 'srgb', normalization: 'symmetric8' };
const NETWORK = {
  region: [0, 0, 1, 1], arch: { inputs: 2, outputs: 1, width: 1, depth: 1, omega: 30 }, tensors: [
    { bits: 4, step: 0.5, values: Int32Array.from([3, -2]) },
    { bits: 4, step: 0.25, values: Int32Array.from([1]) },
    { bits: 8, step: 0.0078125, values: Int32Array.from([-100]) },
    { bits: 2, step: 1, values: Int32Array.from([0]) },
  ],
};
/** The Appendix A.2 file with `metadata` as given in its header, written without the writer's checks. */
function fileWithMetadata(metadata: WritableValue): Uint8Array {
  const parts = split(writeSnf({ header: HEADER, networks: [NETWORK] }));
  const header = decodeHeaderValue(parts.header) as { [key: string]: WritableValue };
  return assemble({ ...parts, header: encodeHeaderValue({ ...header, metadata }) });
}

function codeOf(fn: () => unknown): SnfErrorCode | 'none' {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SnfFormatError, `expected SnfFormatError, got ${String(error)}`);
    assert.ok(!error.message.includes('\n'));
    return error.code;
  }
  return 'none';
}

const bytes = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7 + (i >> 3)) & 0xff);

test('metadata round trip: writeSnf deflates nothing itself, readSnf inflates every blob byte for byte, a rewrite gives the same file', () => {
  const blobs = { exif: bytes(300, 1), icc: bytes(480, 2), xmp: new TextEncoder().encode('<x:xmpmeta xmlns:x="adobe:ns:meta/"/>') };
  const stored = deflateMetadata(blobs)!;
  const file = writeSnf({ header: { ...HEADER, metadata: stored }, networks: [NETWORK] });
  const read = readSnf(file);
  assert.deepEqual(read.metadata, blobs);
  assert.deepEqual(read.header.metadata, stored);
  assert.deepEqual(writeSnf(read), file);
  // Without metadata the file is the Appendix A.2 file (its float32 tables): the key costs nothing unless used.
  assert.equal(writeSnf({ tensorTables: 'float32', header: HEADER, networks: [NETWORK] }).length, 132);
  assert.equal(readSnf(writeSnf({ header: HEADER, networks: [NETWORK] })).metadata, undefined);
});

test('deflateMetadata leaves out empty blobs, and returns undefined when nothing is left', () => {
  assert.equal(deflateMetadata({}), undefined);
  assert.equal(deflateMetadata({ exif: new Uint8Array(0) }), undefined);
  assert.deepEqual(Object.keys(deflateMetadata({ exif: new Uint8Array(0), icc: bytes(10) })!), ['icc']);
});

test('metadata: unknown keys are ignored, at the map and in its entries (spec §3.6)', () => {
  const icc = bytes(64);
  const file = fileWithMetadata({ icc: { size: 64, deflate: deflateSync(icc), note: 'x' }, thumbnail: new Uint8Array(3) });
  assert.deepEqual(readSnf(file).metadata, { icc });
});

test('metadata: a reader refuses what spec §3.8 forbids', () => {
  const good = deflateSync(bytes(100));
  const cases: [string, WritableValue, SnfErrorCode][] = [
    ['not a map', [1, 2], 'BAD_HEADER'],
    ['an entry that is not a map', { exif: good }, 'BAD_HEADER'],
    ['size missing', { exif: { deflate: good } }, 'BAD_HEADER'],
    ['size 0', { exif: { size: 0, deflate: good } }, 'BAD_HEADER'],
    ['size not an integer', { exif: { size: 99.5, deflate: good } }, 'BAD_HEADER'],
    ['deflate missing', { exif: { size: 100 } }, 'BAD_HEADER'],
    ['deflate empty', { exif: { size: 100, deflate: new Uint8Array(0) } }, 'BAD_HEADER'],
    ['deflate a string', { exif: { size: 100, deflate: 'abc' } }, 'BAD_HEADER'],
    ['size smaller than the stream inflates to', { exif: { size: 99, deflate: good } }, 'BAD_HEADER'],
    ['size larger than the stream inflates to', { exif: { size: 101, deflate: good } }, 'BAD_HEADER'],
    ['not DEFLATE', { exif: { size: 100, deflate: Uint8Array.from([0xff, 0xff, 0xff]) } }, 'BAD_HEADER'],
    ['a truncated stream', { exif: { size: 100, deflate: good.subarray(0, good.length - 3) } }, 'BAD_HEADER'],
    ['sizes over maxMetadataBytes', { exif: { size: 9 * 2 ** 20, deflate: good }, icc: { size: 8 * 2 ** 20, deflate: good } }, 'LIMIT_EXCEEDED'],
  ];
  for (const [what, metadata, code] of cases) assert.equal(codeOf(() => readSnf(fileWithMetadata(metadata))), code, what);
  // The writer refuses the same rather than write a file no reader takes.
  assert.equal(codeOf(() => writeSnf({ header: { ...HEADER, metadata: { exif: { size: 101, deflate: good } } }, networks: [NETWORK] })), 'INVALID_ARGUMENT');
  // inspectSnf (spec §7 steps 1–9) checks the structure and limit, and does not inflate.
  assert.equal(codeOf(() => inspectSnf(fileWithMetadata({ exif: { size: 101, deflate: good } }))), 'none');
  assert.equal(codeOf(() => inspectSnf(fileWithMetadata({ exif: { size: 2 ** 25, deflate: good } }))), 'LIMIT_EXCEEDED');
  // maxMetadataBytes is the caller's to lower.
  assert.equal(codeOf(() => readSnf(fileWithMetadata({ exif: { size: 100, deflate: good } }), { maxMetadataBytes: 99 })), 'LIMIT_EXCEEDED');
  // A size above u32 is over the default limit; under one raised past u32 it is still refused, as spec §8 says.
  assert.equal(codeOf(() => inspectSnf(fileWithMetadata({ exif: { size: 2 ** 33, deflate: good } }))), 'LIMIT_EXCEEDED');
  assert.equal(codeOf(() => inspectSnf(fileWithMetadata({ exif: { size: 2 ** 33, deflate: good } }), { maxMetadataBytes: 2 ** 40 })), 'BAD_HEADER');
});

test('a decompression bomb is refused after inflating at most its declared size plus one input chunk, fast', () => {
  // The bomb itself is a valid stream: small, it inflates to what it says.
  const small = deflateBomb(10);
  assert.deepEqual(readSnf(fileWithMetadata({ xmp: { size: 2581, deflate: small } })).metadata, { xmp: new Uint8Array(2581) });
  // 200,000 matches: 325 KB that would inflate to 52 MB. Declared at 64 KiB, the reader stops past it.
  const bomb = deflateBomb(200_000);
  assert.ok(bomb.length < 330_000);
  const file = fileWithMetadata({ xmp: { size: 1 << 16, deflate: bomb } });
  const before = process.memoryUsage().arrayBuffers;
  const started = performance.now();
  assert.throws(() => readSnf(file), (error: unknown) => error instanceof SnfFormatError && error.code === 'BAD_HEADER' && /more than its size/.test(error.message));
  const ms = performance.now() - started;
  assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
  // Memory still held afterwards is at most the declared size and the inflater's chunk buffers, not the 129 MB.
  assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 2 ** 20);
  // Declared over the limit, it is refused before any inflating: LIMIT_EXCEEDED, not a DEFLATE error.
  assert.equal(codeOf(() => readSnf(fileWithMetadata({ xmp: { size: 2 ** 30, deflate: bomb } }))), 'LIMIT_EXCEEDED');
});

test('the stored form holds its fields in the order writers emit them', () => {
  const stored: StoredMetadata = deflateMetadata({ xmp: bytes(5), exif: bytes(6) })!;
  assert.deepEqual(Object.keys(stored), ['exif', 'xmp']);
  assert.deepEqual(Object.keys(stored.exif!), ['size', 'deflate']);
});

test('spec Appendix A.6: the A.2 file with a 14-byte EXIF, byte for byte', () => {
  const hex = `89534e460d0a1a0a0100000095000000 87a46b696e64a5696d616765a5776964
746801a668656967687401a66c61796f 7574a467726179a46172636883a57769
64746801a5646570746801a56f6d6567 611ea86e6574776f726b739182a174c4
14040000003f040000803e080000003c 020000803fa16204a86d657461646174
6181a46578696682a473697a650ea764 65666c617465c40df3f565d0626060e0
006220000004000000af017d0c72f8aa 8d`.replace(/\s+/g, '');
  const vector = Uint8Array.from(hex.match(/../g)!, (byte) => parseInt(byte, 16));
  const exif = Uint8Array.from([0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0]);
  const read = readSnf(vector);
  assert.deepEqual(read.metadata, { exif });
  assert.deepEqual(writeSnf({ tensorTables: 'float32', header: { ...HEADER, metadata: deflateMetadata({ exif })! }, networks: [NETWORK] }), vector);
});

test('the decoder, metadata included, still bundles for a browser: fflate\'s browser build, no Node module', async () => {
  const { build } = await import('esbuild');
  const entry = new URL('../src/decoder/index.js', import.meta.url).pathname;
  const result = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', metafile: true });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((input) => input.endsWith('fflate/esm/browser.js')), inputs.join(', '));
  assert.ok(inputs.some((input) => input.endsWith('format/metadata.js')));
  assert.ok(!inputs.some((input) => /sharp|node:|worker_threads/.test(input)));
});
