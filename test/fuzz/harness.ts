/**
 * A seeded, in-process fuzzer for the .snf reader and the image and audio decoders.
 *
 * Each case takes a valid seed file, mutates it and decodes the result with
 * `decodeImage`, or `decodeAudio` when it parses as audio. A case passes when it ends, within `caseTimeLimitMs`, in
 * either a valid decode (an image of the size asked for; audio of the rate and stretch asked for, on [-1, 1]) or a
 * `SnfFormatError` with a code of spec §9 and a one-line message, and when
 * the typed arrays and WebAssembly memories it allocated stay within the
 * budget that the limits justify. Mutations that change at most 32
 * consecutive bits of the file without fixing its CRC, truncations and
 * appended bytes must be rejected as corruption (a container code); every
 * other mutation may go either way.
 *
 * Mutators:
 * - raw, CRC not fixed: bit flips, byte changes, bursts of up to 32 bits,
 *   truncation, appended garbage, overwritten length fields, random files;
 * - structural, CRC fixed (so they reach the header parser and the range
 *   decoder): random byte edits of the header or the payload, header fields
 *   set through msgpackr to hostile values (negative or huge numbers, NaN,
 *   ±Infinity, strings where numbers belong, BigInt, Date, Map keys that are
 *   not strings, deep nesting), keys removed or added, array entries
 *   removed or repeated (wrong tensor and network counts), binary fields
 *   (the tensor table) cut, extended or given out-of-range bit depths and
 *   steps, and coherent claims that pass the schema: one-network files
 *   whose source is widened to up to 65536² pixels, and embedded metadata
 *   (spec §3.8) whose sizes reach the limit or whose streams are junk or
 *   DEFLATE bombs.
 *
 * The seeds (seeds.ts) include hostile files a writer accepts: a 65536²
 * image, the widest network the limits allow (4,096 units) and one just over
 * the fuzz parameter limit, their weights all 0 (empty coded streams).
 *
 * Case i of a run depends only on (seed, i), so any failure reproduces
 * alone: `node scripts/fuzz.mjs --seed S --from i --cases 1 --verbose`.
 */
import { deflateSync, inflateSync } from 'fflate';
import { Packr, Unpackr } from 'msgpackr';
import { crc32, inspectSnf, SNF_ERROR_CODES, SnfFormatError, type SnfErrorCode } from '../../src/format/index.js';
import {
  decodeAudio, decodedSize, decodedSpan, decodeImage, type AudioDecodeLimits, type AudioDecodeRequest, type DecodedAudio, type DecodeLimits, type DecodeSize,
} from '../../src/decoder/index.js';
import { mulberry32 } from '../helpers/prng.js';

/** A valid .snf file the fuzzer starts from. */
export interface FuzzSeed {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** How often the seed is picked, relative to the others; default 1. */
  readonly weight?: number;
}

/** Limits the fuzzer decodes under: small, so that every case is fast, but every kind of limit is reachable. */
export const FUZZ_LIMITS: Partial<FuzzLimits> = Object.freeze({
  maxParameters: 1 << 18,
  maxPixels: 1 << 12,
  maxOutputSamples: 1 << 14,
  maxMetadataBytes: 1 << 16,
});

/** The limits of both decoders: audio files go to `decodeAudio`, images to `decodeImage`. */
export type FuzzLimits = DecodeLimits & AudioDecodeLimits;

/**
 * Allocation budget of one case under FUZZ_LIMITS, in bytes: the decoded
 * integers and float32 parameters (8 bytes per parameter), the output
 * (about 8 + 5 × 4 bytes per pixel at the peak), one WASM forward instance
 * per network (64 KiB to 16 MiB: its scratch rows grow with maxUnits), and
 * a header's worth of copies. 128 MiB is well above what those add up to
 * for one case, and far below what an unchecked header could ask for
 * (2^32 pixels, 2^30 parameters per network).
 */
export const CASE_ALLOCATION_BUDGET = 128 * 1024 * 1024;
/** Largest single allocation a case may make; a request over it throws before memory is touched. */
export const SINGLE_ALLOCATION_LIMIT = 64 * 1024 * 1024;

export interface FuzzOptions {
  /** Run seed: the same seed gives the same cases. */
  readonly seed: number;
  /** Number of cases (default 20,000), unless `seconds` stops the run first. */
  readonly cases?: number;
  /** First case index (to rerun one case alone); default 0. */
  readonly from?: number;
  /** Stop starting new cases after this many seconds. */
  readonly seconds?: number;
  /** A case slower than this fails the run; default 2,000 ms. */
  readonly caseTimeLimitMs?: number;
  /** Decoder limits; default FUZZ_LIMITS. */
  readonly limits?: Partial<FuzzLimits>;
  /** Called every `progressEvery` cases (default 10,000) with the report so far. */
  readonly onProgress?: (report: FuzzReport) => void;
  readonly progressEvery?: number;
  /** Called for every case (debugging). */
  readonly onCase?: (fuzzCase: FuzzCaseResult) => void;
}

export interface FuzzCaseResult {
  readonly index: number;
  readonly seed: string;
  readonly mutator: string;
  readonly bytes: number;
  readonly size: DecodeSize;
  /** 'decoded', or the SnfFormatError code. */
  readonly outcome: 'decoded' | SnfErrorCode;
  readonly ms: number;
  /** Bytes of typed arrays and WebAssembly memory allocated by the case. */
  readonly allocated: number;
}

export interface FuzzReport {
  cases: number;
  decoded: number;
  seconds: number;
  /** Outcomes by code ('decoded' included). */
  outcomes: Record<string, number>;
  /** Per mutator: cases and valid decodes. */
  mutators: Record<string, { cases: number; decoded: number }>;
  slowest: { ms: number; index: number; mutator: string; outcome: string };
  /** Largest total allocation of one case, in bytes. */
  maxCaseAllocation: number;
  /** Failures (the run throws FuzzFailure at the first one). */
  failures: number;
}

/** Thrown by `runFuzz` for the first case that breaks a rule; the message says how to rerun it. */
export class FuzzFailure extends Error {
  constructor(
    readonly fuzzCase: Omit<FuzzCaseResult, 'outcome' | 'allocated'> & { outcome: string },
    reason: string,
    readonly runSeed: number,
    /** The file that failed. */
    readonly input: Uint8Array,
  ) {
    super(`fuzz case ${fuzzCase.index} (run seed ${runSeed}, ${fuzzCase.mutator} of ${fuzzCase.seed}, ${fuzzCase.bytes} bytes, size ${JSON.stringify(fuzzCase.size)}): ${reason}` +
      ` — rerun: node scripts/fuzz.mjs --seed ${runSeed} --from ${fuzzCase.index} --cases 1 --verbose`);
    this.name = 'FuzzFailure';
  }
}

/** Thrown by the allocation meter for a request over SINGLE_ALLOCATION_LIMIT (never by the code under test). */
class AllocationLimitError extends Error {
  override name = 'AllocationLimitError';
}

// ---------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------

class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.int(256));
  }
}

/** The PRNG seed of case `index` of run `seed`. */
function caseSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
}

// ---------------------------------------------------------------------------
// The container (spec §2), for mutators that rebuild a file
// ---------------------------------------------------------------------------

export interface Parts {
  readonly head: Uint8Array;
  readonly header: Uint8Array;
  readonly payload: Uint8Array;
}

/**
 * A file's parts: bytes 0–11, the header's MessagePack map (a version 3
 * header inflated, so that the mutators edit the map, spec §2.2), the payload.
 */
export function split(bytes: Uint8Array): Parts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = view.getUint32(12, true);
  const p = view.getUint32(16 + h, true);
  const stored = bytes.slice(16, 16 + h);
  return { head: bytes.slice(0, 12), header: bytes[8]! >= 3 ? inflateSync(stored) : stored, payload: bytes.slice(20 + h, 20 + h + p) };
}

/** A file from its parts with correct lengths and CRC; a version 3 head gets its header deflated. */
export function assemble({ head, header: map, payload }: Parts): Uint8Array {
  return assembleStored(head, head[8]! >= 3 ? deflateSync(map) : map, payload);
}

/** A file from bytes 0–11, the header as stored and the payload, with correct lengths and CRC. */
function assembleStored(head: Uint8Array, header: Uint8Array, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(24 + header.length + payload.length);
  const view = new DataView(out.buffer);
  out.set(head, 0);
  view.setUint32(12, header.length, true);
  out.set(header, 16);
  view.setUint32(16 + header.length, payload.length, true);
  out.set(payload, 20 + header.length);
  const end = 20 + header.length + payload.length;
  view.setUint32(end, crc32(out.subarray(0, end)), true);
  return out;
}

// ---------------------------------------------------------------------------
// Mutators
// ---------------------------------------------------------------------------

/** A mutated file; `mustReject` when the rules guarantee that a reader rejects it as corrupt. */
interface Mutant {
  readonly bytes: Uint8Array;
  readonly mustReject: boolean;
}

type Mutator = (seed: Uint8Array, random: Random) => Mutant;

/** Codes that report a damaged container: what every raw mutation must produce. */
const CORRUPTION_CODES: ReadonlySet<SnfErrorCode> = new Set(['BAD_MAGIC', 'UNSUPPORTED_VERSION', 'TRUNCATED', 'SIZE_MISMATCH', 'CHECKSUM_MISMATCH']);

const packr = new Packr({ useRecords: false, variableMapSize: true });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

type Json = { [key: string]: unknown };

/** Values set into header fields: out of range, of the wrong type, or not MessagePack the header allows. */
const HOSTILE_VALUES: readonly (() => unknown)[] = [
  () => -1, () => 0, () => 1, () => 2, () => 3, () => 16, () => 17, () => 255, () => 4096, () => 4097, () => 65535,
  () => 65536, () => 65537, () => 2 ** 31, () => 2 ** 32 - 1, () => 2 ** 32, () => 2 ** 53 - 1, () => 2 ** 53,
  () => -(2 ** 31), () => -(2 ** 53), () => 1e308, () => -1e308, () => 5e-324, () => 0.5, () => 1.5, () => -0,
  () => 0.1, () => Number.NaN, () => Infinity, () => -Infinity,
  () => '', () => '1', () => '4096', () => 'NaN', () => 'image', () => 'audio', () => 'rgb', () => 'cmyk', () => 'sine',
  () => 'x'.repeat(70_000), () => '\u0000', () => '__proto__', () => 'é',
  () => null, () => true, () => false, () => [], () => [0, 0, 1, 1], () => [1, 2, 3], () => ({}), () => ({ bits: 8, step: 1 }),
  () => new Uint8Array(8), () => 2n ** 63n, () => -(2n ** 63n), () => 2n ** 60n, () => new Date(0),
  () => new Map<unknown, unknown>([[1, 2]]), () => nested(17), () => nested(40), () => nestedMap(20),
];

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function nestedMap(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { k: value };
  return value;
}

/** Every container (map or array) in `root` with its keys, for picking a field to edit. */
function containers(root: unknown): { parent: Json | unknown[]; keys: (string | number)[] }[] {
  const found: { parent: Json | unknown[]; keys: (string | number)[] }[] = [];
  const walk = (value: unknown, depth: number): void => {
    if (depth > 8 || typeof value !== 'object' || value === null || value instanceof Uint8Array) return;
    if (Array.isArray(value)) {
      found.push({ parent: value, keys: value.map((_, i) => i) });
      value.forEach((item) => walk(item, depth + 1));
    } else {
      const object = value as Json;
      found.push({ parent: object, keys: Object.keys(object) });
      for (const key of Object.keys(object)) walk(object[key], depth + 1);
    }
  };
  walk(root, 0);
  return found;
}

/** Edits one field of the header through msgpackr and fixes the CRC. */
function headerField(seed: Uint8Array, random: Random): Mutant {
  const parts = split(seed);
  const header = unpackr.unpack(parts.header) as Json;
  for (let edits = 1 + (random.chance(0.3) ? random.int(3) : 0); edits > 0; edits--) {
    const { parent, keys } = random.pick(containers(header));
    const key = keys.length > 0 ? random.pick(keys) : 0;
    const operation = random.int(20);
    const current = (parent as Record<string | number, unknown>)[key];
    if (current instanceof Uint8Array && operation < 12) {
      (parent as Record<string | number, unknown>)[key] = mutateBinary(current, random);
    } else if (operation < 10) {
      (parent as Record<string | number, unknown>)[key] = random.pick(HOSTILE_VALUES)();
    } else if (operation < 13 && typeof current === 'number') {
      // Nudge a number: off by one, doubled, scaled far out, negated, made fractional.
      const nudges = [current + 1, current - 1, current * 2, current * 1000, -current, current + 0.5, Math.fround(current * 1.0001)];
      (parent as Record<string | number, unknown>)[key] = random.pick(nudges);
    } else if (operation < 15) {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete (parent as Json)[key as string];
    } else if (Array.isArray(parent) && parent.length > 0) {
      // Repeat an entry (wrong tensor counts, overlapping networks), sometimes many times.
      const copies = random.chance(0.2) ? 1 + random.int(200) : 1;
      for (let c = 0; c < copies; c++) parent.splice(Number(key), 0, structuredClone(parent[Number(key)]));
    } else if (!Array.isArray(parent)) {
      // An own key, even for '__proto__' (assignment would set the prototype instead).
      Object.defineProperty(parent, random.pick(['blend', 'grid', 'zz', 'kind', '__proto__', 'constructor']), {
        value: random.pick(HOSTILE_VALUES)(), enumerable: true, writable: true, configurable: true,
      });
    } else {
      parent.push(random.pick(HOSTILE_VALUES)());
    }
  }
  let packed: Uint8Array;
  try {
    packed = new Uint8Array(packr.pack(header));
  } catch {
    packed = random.bytes(random.int(64)); // a value msgpackr refuses to pack: junk instead
  }
  return { bytes: assemble({ ...parts, header: packed }), mustReject: false };
}

/**
 * A schema-valid hostile claim: a one-network file whose source size is set
 * to up to 65536² pixels (or 2^31 samples), with the network's region, if
 * the header stores one, widened to match, so that the file still tiles.
 * The decode must stop at maxPixels (or a file limit) before it allocates.
 */
function claim(seed: Uint8Array, random: Random): Mutant {
  const parts = split(seed);
  const header = unpackr.unpack(parts.header) as Json;
  const networks = header.networks;
  if (!Array.isArray(networks) || networks.length !== 1) return headerField(seed, random);
  const network = networks[0] as Json;
  const sides = [65536, 65535, 46341, 40000, 16384, 8193, 257, 256, 255, 1];
  if (header.kind === 'image') {
    const width = random.pick(sides);
    const height = random.pick(sides);
    Object.assign(header, { width, height });
    if (network.region !== undefined) network.region = [0, 0, width, height];
  } else {
    const length = random.pick([2 ** 31, 2 ** 31 + 1, 2 ** 24, 50]);
    header.length = length;
    if (network.region !== undefined) network.region = [0, length];
  }
  return { bytes: assemble({ ...parts, header: new Uint8Array(packr.pack(header)) }), mustReject: false };
}

/**
 * Hostile embedded metadata (spec §3.8) in a schema-valid place: an entry's
 * `size` at or past the limit, or its `deflate` replaced by a stream that
 * inflates far past its size (a bomb), by junk, or by a valid stream of
 * another length. The reader must refuse before inflating past the size.
 */
function metadataClaim(seed: Uint8Array, random: Random): Mutant {
  const parts = split(seed);
  const header = unpackr.unpack(parts.header) as Json;
  const zeros = random.pick([1, 100, 4096, 1 << 16, (1 << 16) + 1, 1 << 20]);
  const entry: Json = { size: random.pick([1, 2, zeros - 1, zeros, zeros + 1, 1 << 16, (1 << 16) + 1, 2 ** 31, 2 ** 53 - 1]) };
  const stream = random.int(3);
  entry.deflate = stream === 0 ? deflateSync(new Uint8Array(zeros)) : stream === 1 ? random.bytes(1 + random.int(64)) : deflateSync(random.bytes(1 + random.int(256)));
  const kind = random.pick(['exif', 'icc', 'xmp']);
  header.metadata = typeof header.metadata === 'object' && header.metadata !== null && !Array.isArray(header.metadata) ? header.metadata : {};
  (header.metadata as Json)[kind] = entry;
  return { bytes: assemble({ ...parts, header: new Uint8Array(packr.pack(header)) }), mustReject: false };
}

/** Hostile bytes for a binary header field (the tensor table): bit depths and float32 steps out of range. */
function mutateBinary(value: Uint8Array, random: Random): Uint8Array {
  const out = new Uint8Array(value);
  const operation = random.int(5);
  if (operation === 0 || out.length === 0) return new Uint8Array([...out, ...random.bytes(1 + random.int(5))]);
  if (operation === 1) return out.slice(0, random.int(out.length));
  if (operation === 2) {
    out[random.int(out.length)] = random.pick([0, 1, 2, 15, 16, 17, 32, 127, 128, 255]);
    return out;
  }
  const at = random.int(Math.max(1, out.length - 3));
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (at + 4 <= out.length) {
    view.setFloat32(at, random.pick([0, -0, -1, Number.NaN, Infinity, -Infinity, 1e-45, 3.4e38, 1, 0.5]), true);
  }
  return out;
}

/** Random edits of the header or payload bytes, CRC fixed. */
function structuralBytes(seed: Uint8Array, random: Random): Mutant {
  const parts = split(seed);
  const inHeader = random.chance(0.6) || parts.payload.length === 0;
  const target = (inHeader ? parts.header : parts.payload).slice();
  for (let edits = 1 + random.int(4); edits > 0; edits--) {
    const at = random.int(target.length);
    target[at] = random.chance(0.5) ? random.int(256) : target[at]! ^ (1 << random.int(8));
  }
  return { bytes: assemble(inHeader ? { ...parts, header: target } : { ...parts, payload: target }), mustReject: false };
}

/**
 * Edits of a version 3 header's DEFLATE bytes as stored (spec §2.2), CRC
 * fixed, so that they reach the inflater: changed, cut or appended bytes.
 * Other seeds get `structuralBytes`.
 */
function deflatedBytes(seed: Uint8Array, random: Random): Mutant {
  if (seed[8]! < 3) return structuralBytes(seed, random);
  const view = new DataView(seed.buffer, seed.byteOffset, seed.byteLength);
  const h = view.getUint32(12, true);
  const p = view.getUint32(16 + h, true);
  const stored = mutateBinary(seed.slice(16, 16 + h), random);
  return { bytes: assembleStored(seed.slice(0, 12), stored, seed.slice(20 + h, 20 + h + p)), mustReject: false };
}

/** Inserts or removes bytes inside the header or the payload, lengths and CRC fixed. */
function resize(seed: Uint8Array, random: Random): Mutant {
  const parts = split(seed);
  const inHeader = random.chance(0.6) || parts.payload.length === 0;
  const source = inHeader ? parts.header : parts.payload;
  const at = random.int(source.length + 1);
  const cut = random.chance(0.5) ? Math.min(source.length - at, 1 + random.int(8)) : 0;
  const insert = cut === 0 ? random.bytes(1 + random.int(8)) : new Uint8Array(0);
  const changed = new Uint8Array([...source.subarray(0, at), ...insert, ...source.subarray(at + cut)]);
  return { bytes: assemble(inHeader ? { ...parts, header: changed } : { ...parts, payload: changed }), mustReject: false };
}

const RAW_MUTATORS: Record<string, Mutator> = {
  flipBit(seed, random) {
    const bytes = seed.slice();
    bytes[random.int(bytes.length)]! ^= 1 << random.int(8);
    return { bytes, mustReject: true };
  },
  setByte(seed, random) {
    const bytes = seed.slice();
    const at = random.int(bytes.length);
    bytes[at] = (bytes[at]! + 1 + random.int(255)) & 0xff;
    return { bytes, mustReject: true };
  },
  /** Up to 32 consecutive bits changed: CRC-32 detects every such burst (spec §2.4). */
  burst(seed, random) {
    const bytes = seed.slice();
    const length = 1 + random.int(4);
    const at = random.int(bytes.length - length + 1);
    const before = bytes.slice(at, at + length);
    for (let i = 0; i < length; i++) bytes[at + i] = random.int(256);
    if (bytes.subarray(at, at + length).every((b, i) => b === before[i])) bytes[at]! ^= 0x80;
    return { bytes, mustReject: true };
  },
  truncate(seed, random) {
    return { bytes: seed.slice(0, random.int(seed.length)), mustReject: true };
  },
  append(seed, random) {
    const tail = random.chance(0.5) ? new Uint8Array(1 + random.int(8)) : random.bytes(1 + random.int(64));
    return { bytes: new Uint8Array([...seed, ...tail]), mustReject: true };
  },
  /** A length field (H or P) or the version overwritten; the CRC then lands elsewhere, so either outcome is allowed. */
  lengthField(seed, random) {
    const bytes = seed.slice();
    const view = new DataView(bytes.buffer);
    const h = view.getUint32(12, true);
    const at = random.pick([12, 16 + h]);
    const values = [0, 1, h, h + 1, h - 1, seed.length, seed.length - 24, 0x7fffffff, 0xffffffff, random.int(2 ** 32)];
    view.setUint32(at, random.pick(values) >>> 0, true);
    return { bytes, mustReject: false };
  },
  randomFile(seed, random) {
    const length = random.int(random.chance(0.8) ? 64 : 2048);
    const bytes = random.bytes(length);
    if (random.chance(0.7)) bytes.set(seed.subarray(0, Math.min(length, random.pick([8, 9, 12, 16, 24]))));
    return { bytes, mustReject: false };
  },
};

const STRUCTURAL_MUTATORS: Record<string, Mutator> = { headerField, claim, metadataClaim, structuralBytes, deflatedBytes, resize };

/** Mutators with their weights (the chance of each is its weight over the sum). */
const MUTATORS: readonly (readonly [string, Mutator, number])[] = [
  ...Object.entries(RAW_MUTATORS).map(([name, m]) => [name, m, name === 'randomFile' || name === 'lengthField' ? 4 : 6] as const),
  ['headerField', STRUCTURAL_MUTATORS.headerField!, 40],
  ['claim', STRUCTURAL_MUTATORS.claim!, 4],
  ['metadataClaim', STRUCTURAL_MUTATORS.metadataClaim!, 3],
  ['structuralBytes', STRUCTURAL_MUTATORS.structuralBytes!, 12],
  ['deflatedBytes', STRUCTURAL_MUTATORS.deflatedBytes!, 8],
  ['resize', STRUCTURAL_MUTATORS.resize!, 6],
];
const TOTAL_WEIGHT = MUTATORS.reduce((sum, [, , w]) => sum + w, 0);

function pickMutator(random: Random): readonly [string, Mutator, number] {
  let r = random.next() * TOTAL_WEIGHT;
  for (const entry of MUTATORS) {
    r -= entry[2];
    if (r < 0) return entry;
  }
  return MUTATORS[MUTATORS.length - 1]!;
}

function pickWeighted(seeds: readonly FuzzSeed[], random: Random): FuzzSeed {
  let r = random.next() * seeds.reduce((sum, seed) => sum + (seed.weight ?? 1), 0);
  for (const seed of seeds) {
    r -= seed.weight ?? 1;
    if (r < 0) return seed;
  }
  return seeds[seeds.length - 1]!;
}

/** Mostly the source size; sometimes another valid size; sometimes an invalid one. */
function pickSize(random: Random): DecodeSize {
  const r = random.next();
  if (r < 0.85) return {};
  if (r < 0.95) {
    return random.chance(0.5) ? { scale: random.pick([0.01, 0.25, 0.5, 1.5, 2, 3]) } : { width: 1 + random.int(48), height: 1 + random.int(48) };
  }
  return random.pick<DecodeSize>([
    { scale: Number.NaN }, { scale: -1 }, { scale: 0 }, { scale: Infinity }, { scale: 1e300 }, { scale: 1e6 },
    { width: 0, height: 4 }, { width: 4, height: 1.5 }, { width: -3, height: 4 }, { width: 2 ** 60, height: 2 ** 60 },
    { width: 1e5, height: 1e5 }, { width: Number.NaN, height: 2 },
  ]);
}

// ---------------------------------------------------------------------------
// Allocation meter
// ---------------------------------------------------------------------------

const METERED = [
  'ArrayBuffer', 'SharedArrayBuffer', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array',
  'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
] as const;

/**
 * Replaces the typed-array constructors and WebAssembly.Memory with proxies
 * that count the bytes each construction asks for, and refuse a request
 * over SINGLE_ALLOCATION_LIMIT before it is made. Code that looks these
 * globals up at call time (all of src/) is metered; `instanceof` still works.
 */
function installAllocationMeter(): { take(): number; uninstall(): void } {
  const globals = globalThis as unknown as Record<string, unknown>;
  const wasm = WebAssembly as unknown as Record<string, unknown>;
  const saved = new Map<string, unknown>(METERED.map((name) => [name, globals[name]]));
  const savedMemory = wasm.Memory;
  let total = 0;
  const count = (bytes: number): void => {
    if (bytes > SINGLE_ALLOCATION_LIMIT) throw new AllocationLimitError(`an allocation of ${bytes} bytes, over ${SINGLE_ALLOCATION_LIMIT}`);
    total += bytes;
  };
  for (const name of METERED) {
    const original = saved.get(name) as (new (...args: unknown[]) => ArrayBufferView | ArrayBuffer) & { BYTES_PER_ELEMENT?: number };
    if (typeof original !== 'function') continue;
    const elementSize = original.BYTES_PER_ELEMENT ?? 1;
    globals[name] = new Proxy(original, {
      construct(target, args, newTarget) {
        const [first] = args;
        if (typeof first === 'number') count(first * elementSize);
        else if (Array.isArray(first) || ArrayBuffer.isView(first)) count((first as { length: number }).length * elementSize);
        return Reflect.construct(target, args, newTarget === globals[name] ? target : newTarget) as object;
      },
    });
  }
  wasm.Memory = new Proxy(savedMemory as new (descriptor: WebAssembly.MemoryDescriptor) => WebAssembly.Memory, {
    construct(target, args) {
      const descriptor = args[0] as WebAssembly.MemoryDescriptor;
      count(Number(descriptor?.initial ?? 0) * 65536);
      return Reflect.construct(target, args);
    },
  });
  return {
    take() {
      const value = total;
      total = 0;
      return value;
    },
    uninstall() {
      for (const [name, value] of saved) globals[name] = value;
      wasm.Memory = savedMemory;
    },
  };
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

/**
 * Runs the fuzzer over `seeds`. Deterministic for a given seed list and
 * `options.seed`. Throws `FuzzFailure` at the first case that breaks a rule.
 */
export async function runFuzz(seeds: readonly FuzzSeed[], options: FuzzOptions): Promise<FuzzReport> {
  if (seeds.length === 0) throw new RangeError('Expected at least one seed file');
  const limits = options.limits ?? FUZZ_LIMITS;
  const caseTimeLimitMs = options.caseTimeLimitMs ?? 2000;
  const from = options.from ?? 0;
  const end = from + (options.cases ?? 20_000);
  const progressEvery = options.progressEvery ?? 10_000;
  const report: FuzzReport = {
    cases: 0, decoded: 0, seconds: 0, outcomes: {}, mutators: {}, maxCaseAllocation: 0, failures: 0,
    slowest: { ms: 0, index: -1, mutator: '', outcome: '' },
  };
  const started = performance.now();
  const meter = installAllocationMeter();
  // Most cases throw; capturing a stack for each would be a third of the run. Failures report the case, not a stack.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    for (let index = from; index < end; index++) {
      if (options.seconds !== undefined && performance.now() - started >= options.seconds * 1000) break;
      const random = new Random(caseSeed(options.seed, index));
      const seed = pickWeighted(seeds, random);
      const [mutator, mutate] = pickMutator(random);
      const mutant = mutate(seed.bytes, random);
      const size = pickSize(random);
      const base = { index, seed: seed.name, mutator, bytes: mutant.bytes.length, size };
      const fail: (reason: string, outcome: string, ms?: number) => never = (reason, outcome, ms = 0) => {
        report.failures++;
        throw new FuzzFailure({ ...base, outcome, ms }, reason, options.seed, mutant.bytes);
      };

      meter.take();
      const t0 = performance.now();
      let result: Awaited<ReturnType<typeof decodeImage>> | DecodedAudio | unknown;
      let decoded = false;
      const audio = isAudio(mutant.bytes, limits);
      try {
        if (audio) {
          const { maxPixels: _, ...audioLimits } = limits;
          result = await decodeAudio(mutant.bytes, audioRequest(mutant.bytes, size, limits), audioLimits);
        } else {
          const { maxOutputSamples: _, ...imageLimits } = limits;
          result = await decodeImage(mutant.bytes, size, imageLimits);
        }
        decoded = true;
      } catch (error) {
        result = error;
      }
      const ms = performance.now() - t0;
      const allocated = meter.take();
      let outcome: 'decoded' | SnfErrorCode;
      if (decoded) {
        outcome = 'decoded';
        if (audio) checkAudio(result as DecodedAudio, mutant.bytes, size, limits, (reason) => fail(reason, 'decoded', ms));
        else checkImage(result as Awaited<ReturnType<typeof decodeImage>>, mutant.bytes, size, limits, (reason) => fail(reason, 'decoded', ms));
      } else {
        const error = result;
        if (error instanceof AllocationLimitError) fail(error.message, 'allocation', ms);
        if (!(error instanceof SnfFormatError)) fail(`threw ${describeError(error)}, not an SnfFormatError`, 'untyped', ms);
        if (!Object.hasOwn(SNF_ERROR_CODES, error.code)) fail(`unknown code ${String(error.code)}`, String(error.code), ms);
        if (error.message === '' || error.message.includes('\n')) fail(`message is not one line: ${JSON.stringify(error.message)}`, error.code, ms);
        outcome = error.code;
      }
      if (mutant.mustReject && !CORRUPTION_CODES.has(outcome as SnfErrorCode)) {
        fail(`a change the CRC or the lengths must catch gave ${outcome}, not a corruption code`, outcome, ms);
      }
      if (ms > caseTimeLimitMs) fail(`took ${ms.toFixed(0)} ms, over ${caseTimeLimitMs} ms`, outcome, ms);
      if (allocated > CASE_ALLOCATION_BUDGET) fail(`allocated ${allocated} bytes, over the budget of ${CASE_ALLOCATION_BUDGET}`, outcome, ms);

      report.cases++;
      if (outcome === 'decoded') report.decoded++;
      report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
      const stats = (report.mutators[mutator] ??= { cases: 0, decoded: 0 });
      stats.cases++;
      if (outcome === 'decoded') stats.decoded++;
      if (ms > report.slowest.ms) report.slowest = { ms, index, mutator, outcome };
      report.maxCaseAllocation = Math.max(report.maxCaseAllocation, allocated);
      options.onCase?.({ ...base, outcome, ms, allocated });
      if (options.onProgress && report.cases % progressEvery === 0) {
        report.seconds = (performance.now() - started) / 1000;
        options.onProgress(report);
      }
    }
  } finally {
    meter.uninstall();
    Error.stackTraceLimit = stackTraceLimit;
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/** Whether `bytes` parse as an audio file (then the case decodes it with decodeAudio; anything unreadable goes to decodeImage, which rejects it). */
function isAudio(bytes: Uint8Array, limits: Partial<FuzzLimits>): boolean {
  const { maxPixels: _, maxOutputSamples: __, ...fileLimits } = limits;
  try {
    return inspectSnf(bytes, fileLimits).header.kind === 'audio';
  } catch {
    return false;
  }
}

/**
 * The audio request a case's size stands for: `scale` scales the sample
 * rate; an exact size asks for a stretch [width, width + height) of
 * hundredths of the clip at its own rate.
 */
function audioRequest(bytes: Uint8Array, size: DecodeSize, limits: Partial<FuzzLimits>): AudioDecodeRequest {
  const { maxPixels: _, maxOutputSamples: __, ...fileLimits } = limits;
  const header = inspectSnf(bytes, fileLimits).header;
  if (header.kind !== 'audio') return {};
  if ('width' in size) {
    const duration = header.length / header.sampleRate;
    return { start: (duration * (size.width % 100)) / 100, end: (duration * ((size.width % 100) + size.height)) / 100 };
  }
  const scale = size.scale ?? 1;
  return { sampleRate: Number.isFinite(scale) && scale > 0 ? Math.max(1, Math.round(header.sampleRate * scale)) : scale };
}

/** An audio decode must have the header's channels, each as long as the span asked for. */
function checkAudio(clip: DecodedAudio, bytes: Uint8Array, size: DecodeSize, limits: Partial<FuzzLimits>, fail: (reason: string) => never): void {
  const { maxPixels: _, maxOutputSamples: __, ...fileLimits } = limits;
  const { header } = inspectSnf(bytes, fileLimits);
  if (header.kind !== 'audio') fail(`decoded a ${header.kind} file as audio`);
  const span = decodedSpan(header, audioRequest(bytes, size, limits));
  if (clip.channels.length !== header.channels || clip.channels.some((c) => c.length !== span.end - span.first)) {
    fail(`decoded ${clip.channels.length} channel(s) of ${clip.channels.map((c) => c.length).join('/')} samples, expected ${header.channels} of ${span.end - span.first}`);
  }
  if (clip.channels.some((c) => c.some((v) => !(v >= -1 && v <= 1)))) fail('decoded a sample outside [-1, 1]');
}

/** A decode must have the size asked for and the header's channel count. */
function checkImage(
  image: { width: number; height: number; channels: number; data: Uint8Array }, bytes: Uint8Array, size: DecodeSize,
  limits: Partial<FuzzLimits>, fail: (reason: string) => never,
): void {
  const { maxPixels: _, maxOutputSamples: __, ...fileLimits } = limits;
  const { header } = inspectSnf(bytes, fileLimits);
  if (header.kind !== 'image') fail(`decoded a ${header.kind} file as an image`);
  const expected = decodedSize(header, size);
  if (image.width !== expected.width || image.height !== expected.height) {
    fail(`decoded ${image.width}x${image.height}, expected ${expected.width}x${expected.height}`);
  }
  const channels = { gray: 1, graya: 2, rgb: 3, rgba: 4 }[header.layout];
  if (image.channels !== channels || image.data.length !== image.width * image.height * channels) {
    fail(`decoded ${image.data.length} samples in ${image.channels} channels for a ${expected.width}x${expected.height} ${header.layout} image`);
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.split('\n')[0]}`;
  return String(error);
}

/** The report as a few lines of text. */
export function formatReport(report: FuzzReport): string {
  const outcomes = Object.entries(report.outcomes).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
  const mutators = Object.entries(report.mutators).map(([k, v]) => `${k} ${v.cases}${v.decoded ? ` (${v.decoded} decoded)` : ''}`).join(', ');
  return [
    `${report.cases} cases in ${report.seconds.toFixed(2)} s (${(report.cases / Math.max(report.seconds, 1e-9)).toFixed(0)}/s); ${report.decoded} decoded`,
    `outcomes: ${outcomes}`,
    `mutators: ${mutators}`,
    `slowest: case ${report.slowest.index} (${report.slowest.mutator}, ${report.slowest.outcome}) ${report.slowest.ms.toFixed(1)} ms; ` +
      `largest case allocation ${(report.maxCaseAllocation / 2 ** 20).toFixed(1)} MiB`,
  ].join('\n');
}
