/**
 * Reading and writing whole .snf files (spec §2, §7).
 *
 * Byte layout (spec §2), little-endian:
 *
 *   [0, 8)            magic
 *   [8, 9)            major version
 *   [9, 10)           minor version
 *   [10, 12)          flags (reserved)
 *   [12, 16)          H
 *   [16, 16+H)        header (MessagePack map; versions 3 to 5: a raw DEFLATE stream of it)
 *   [16+H, 20+H)      P
 *   [20+H, 20+H+P)    payload: network streams in header order
 *   [20+H+P, 24+H+P)  CRC-32 of [0, 20+H+P)
 */
import { deflateSync } from 'fflate';
import { parameterCount, tensorSlices, type SirenArch } from '../kernels/arch.js';
import {
  CONTAINER_OVERHEAD, DEFAULT_LIMITS, DEFLATED_HEADER_VERSION_MAJOR, SHARED_CONTEXTS_VERSION_MAJOR, UNIT_SCALES_VERSION_MAJOR, OFFSET_FLAGS, OFFSET_HEADER, OFFSET_HEADER_LENGTH, OFFSET_MAJOR, OFFSET_MINOR,
  ADAPTIVE_RESIDUAL_VERSION_MINOR, BLEND_VERSION_MINOR, CLIPPED_FILTER_VERSION_MINOR, CUT_GRID_VERSION_MINOR, FINAL_FILTER_VERSION_MINOR, COMPACT_TABLE_VERSION_MINOR, DIRECTION_FILTER_VERSION_MINOR, FILTER_VERSION_MINOR, GRADED_RESIDUAL_VERSION_MINOR, RESIDUAL_VERSION_MINOR, PARTIAL_ARCH_VERSION_MINOR, SNF_MAGIC, SNF_VERSION_MAJOR, SNF_VERSION_MAJOR_MIN, SNF_VERSION_MINOR, TENSOR_ENTRY_BYTES, U32_MAX, type SnfLimits,
} from './constants.js';
import { crc32 } from './crc32.js';
import { checkKeys, describe, fail, SnfFormatError } from './errors.js';
import {
  checkTensorHeader, DEFAULT_ACTIVATION, DEFAULT_COLOR_SPACE, DEFAULT_NORMALIZATION, ROOT_KEYS, signalSizes, tensorLengths,
  validateHeader, type AudioHeader, type AudioRegion, type ImageHeader, type ImageRegion, type NetworkArch, type NetworkInfo,
  type Region, type SnfHeader, type TensorHeader,
} from './header.js';
import { inflateAtMost } from './inflate.js';
import { inflateMetadata, metadataValue, type PhotoMetadata } from './metadata.js';
import { filterValue } from './filter.js';
import { residualValue } from './residual.js';
import { decodeHeaderValue, encodeHeaderValue, Float64, type WritableValue } from './msgpack.js';
import { findGrid, gridHasCuts } from './tiling.js';
import { decodeTensors, encodeTensors } from './range-coder.js';
import { CarriedContexts, decodeSharedTensors, encodeSharedTensors } from './shared-contexts.js';
import { codeOfStep } from './step-grid.js';
import { applyUnitScales } from './unit-scales.js';

/** One quantized tensor (spec §5): value = q × step for each integer q of `values`. */
export interface QuantizedTensor extends TensorHeader {
  /** The integers q, |q| ≤ 2^(bits−1) − 1. */
  readonly values: Int32Array;
}

/** One network as `readSnf` returns it. */
export interface SnfNetwork {
  /** The network's cell: its share of the signal (spec §3.5). */
  readonly region: Region;
  /** What it covers and its coordinate frame: `region`, or with `blend` the cell grown by the overlap (spec §3.5). */
  readonly frame: Region;
  readonly arch: NetworkArch;
  /** 2 × (depth + 1) tensors in file order W0, b0, W1, b1, … (spec §4.2). */
  readonly tensors: readonly QuantizedTensor[];
  /** Size of this network's coded stream in bytes. */
  readonly bytes: number;
  /** True in a version 5 file: `networkParams` scales each sine unit's parameters by its multiplier (spec §5.1). */
  readonly unitScales?: boolean;
}

/** A decoded file. */
export interface SnfFile {
  readonly header: SnfHeader;
  readonly networks: readonly SnfNetwork[];
  /** The embedded photo metadata (spec §3.8), inflated, when the header has `metadata`. */
  readonly metadata?: PhotoMetadata;
}

/** A decoded image file: `isImageFile` narrows a `SnfFile` to this. */
export interface ImageSnfFile extends SnfFile {
  readonly header: ImageHeader;
  readonly networks: readonly (SnfNetwork & { readonly region: ImageRegion; readonly frame: ImageRegion })[];
}

/** A decoded audio file: `isAudioFile` narrows a `SnfFile` to this. */
export interface AudioSnfFile extends SnfFile {
  readonly header: AudioHeader;
  readonly networks: readonly (SnfNetwork & { readonly region: AudioRegion; readonly frame: AudioRegion })[];
}

/** True if `file` holds an image; its regions are then [x0, y0, x1, y1] (§3.4). */
export function isImageFile(file: SnfFile): file is ImageSnfFile {
  return file.header.kind === 'image';
}

/** True if `file` holds audio; its regions are then [s0, s1] (§3.4). */
export function isAudioFile(file: SnfFile): file is AudioSnfFile {
  return file.header.kind === 'audio';
}

/** The container and header of a file, without decoding the coded streams (see `inspectSnf`). */
export interface SnfInfo {
  /** Versions from bytes 8 and 9: major 1 to 5, minor any (spec §2.2). */
  readonly version: { readonly major: number; readonly minor: number };
  readonly header: SnfHeader;
  readonly networks: readonly NetworkInfo[];
  /** Total parameters over all networks. */
  readonly parameters: number;
  /** H, the header's length in bytes as stored (deflated from version 3). */
  readonly headerBytes: number;
  /** The header's MessagePack map in bytes: H, or what a version 3 to 5 header inflates to. */
  readonly headerMapBytes: number;
  /** P, the payload's length in bytes. */
  readonly payloadBytes: number;
}

/** One network as `writeSnf` takes it; `bytes` is computed, and `activation` defaults to 'sine'. */
export interface SnfNetworkInput {
  /**
   * [x0, y0, x1, y1] for images, [s0, s1] for audio: the network's cell
   * (with `header.blend`, the cell before the overlap is added).
   */
  readonly region: readonly number[];
  readonly arch: SirenArch & { readonly activation?: 'sine' };
  readonly tensors: readonly QuantizedTensor[];
  /**
   * The integers were quantized with steps per unit (spec §5.1), so that the
   * parameters are `networkParams` of them with the multipliers: version 5,
   * which codes the streams as version 4 does. Every network of a file or
   * none; a `SnfFile` read from a 5.x file has it on each.
   */
  readonly unitScales?: boolean;
}

/** What `writeSnf` takes. A `SnfFile` from `readSnf` is one. */
export interface SnfFileInput {
  readonly header: SnfHeader;
  readonly networks: readonly SnfNetworkInput[];
  /**
   * How each network's steps are stored (spec §3.4): `compact` (the
   * default), a byte per step in the table `q` (version x.3) for a network
   * whose every step is on the grid of step-grid.ts, and the float32 table
   * `t` for any other; `float32`, the table `t` for all, as writers before
   * x.3 wrote them.
   */
  readonly tensorTables?: 'compact' | 'float32';
  /**
   * Store the header deflated (version 3, spec §2.2) when that makes it
   * shorter; otherwise, and by default, as the MessagePack map, which
   * readers of versions 1 and 2 also read. The encoders ask for it: a
   * photo's 1,080–1,570-byte header deflates by 150–240 bytes (spec §6.7).
   */
  readonly deflateHeader?: boolean;
  /**
   * Code the weights with contexts that carry from network to network and
   * are picked by each weight's neighbourhood (version 4, spec §6.8), with
   * the header deflated as in version 3. Off by default, so that files stay
   * readable by readers of versions 1–3; the encoders ask for it: the coded
   * streams of a photo are about 2 % smaller (spec §6.8).
   */
  readonly sharedContexts?: boolean;
}

function withLimits(limits: Partial<SnfLimits> | undefined): SnfLimits {
  checkKeys(limits, 'limits', Object.keys(DEFAULT_LIMITS));
  const merged = { ...DEFAULT_LIMITS, ...limits };
  for (const [key, value] of Object.entries(merged)) {
    if (typeof value !== 'number' || !(value >= 0)) {
      fail('INVALID_ARGUMENT', `Expected a number ≥ 0 for limits.${key} but received ${describe(value)}`);
    }
  }
  return merged;
}

/**
 * Reads the container and header of `bytes` (spec §7 steps 1–9): checks the
 * magic, version, lengths, CRC-32, header schema, limits and tiling, but
 * does not decode the networks' coded streams. The header's own stream, a
 * DCT residual's (spec §3.11), is decoded with it, bounded by
 * `maxResidualValues`. Cost: one pass over the bytes for the CRC, plus the
 * header.
 *
 * @param limits  overrides of `DEFAULT_LIMITS` (spec §8)
 * @throws SnfFormatError with any code of spec §9 (`BAD_STREAM` only for a residual's stream).
 */
export function inspectSnf(bytes: Uint8Array, limits?: Partial<SnfLimits>): SnfInfo {
  return parseContainer(bytes, withLimits(limits)).info;
}

/**
 * Reads and fully decodes an .snf file (spec §7). Every byte is checked:
 * any change to a valid file makes this throw.
 *
 * @param limits  overrides of `DEFAULT_LIMITS` (spec §8)
 * @throws SnfFormatError with a `code` from spec §9; no other error type for any input.
 * @example
 *   const file = readSnf(bytes);
 *   const params = networkParams(file.networks[0]!);
 */
export function readSnf(bytes: Uint8Array, limits?: Partial<SnfLimits>): SnfFile {
  const { info, payload } = parseContainer(bytes, withLimits(limits));
  // §6.8: from version 4 the networks' streams share contexts, so they are decoded in file order.
  const unitScales = info.version.major >= UNIT_SCALES_VERSION_MAJOR;
  const carried = info.version.major >= SHARED_CONTEXTS_VERSION_MAJOR ? new CarriedContexts() : undefined;
  let offset = 0;
  const networks = info.networks.map((network, n): SnfNetwork => {
    const stream = payload.subarray(offset, offset + network.bytes);
    offset += network.bytes;
    const lengths = tensorLengths(network.arch);
    const specs = network.tensors.map((t, i) => ({ bits: t.bits, length: lengths[i]! }));
    let decoded: Int32Array[];
    try {
      decoded = carried === undefined ? decodeTensors(stream, specs) : decodeSharedTensors(stream, specs, carried);
    } catch (error) {
      if (error instanceof SnfFormatError) throw new SnfFormatError(error.code, `network ${n}: ${error.message}`);
      throw error;
    }
    const tensors = network.tensors.map((t, i) => ({ bits: t.bits, step: t.step, values: decoded[i]! }));
    return { region: network.region, frame: network.frame, arch: network.arch, tensors, bytes: network.bytes, ...(unitScales ? { unitScales } : {}) };
  });
  // §7 step 11: the metadata blobs, each inflated against its declared, limit-checked size.
  const stored = info.header.metadata;
  return { header: info.header, networks, ...(stored === undefined ? {} : { metadata: inflateMetadata(stored) }) };
}

function parseContainer(bytes: Uint8Array, limits: SnfLimits): { info: SnfInfo; payload: Uint8Array } {
  if (!(bytes instanceof Uint8Array)) {
    const given: unknown = bytes;
    const hint = given instanceof ArrayBuffer || ArrayBuffer.isView(given) ? ` (a ${(given as object).constructor.name}: pass ${given instanceof ArrayBuffer ? 'new Uint8Array(x)' : 'new Uint8Array(x.buffer, x.byteOffset, x.byteLength)'})` : '';
    fail('INVALID_ARGUMENT', `Expected a Uint8Array for bytes but received ${describe(bytes)}${hint}`);
  }
  // §2.1 magic. A short prefix of the magic is a truncated file, anything else is not an .snf file.
  const magicBytes = Math.min(bytes.length, SNF_MAGIC.length);
  for (let i = 0; i < magicBytes; i++) {
    if (bytes[i] !== SNF_MAGIC[i]) fail('BAD_MAGIC', 'not an .snf file (bad magic)');
  }
  if (bytes.length < OFFSET_HEADER) fail('TRUNCATED', `truncated .snf file: ${bytes.length} bytes, less than the ${OFFSET_HEADER}-byte preamble`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // §2.2 versions: majors 1 to 5; any minor. The flags (bytes 10–11) are reserved and ignored.
  const major = bytes[OFFSET_MAJOR]!;
  const minor = bytes[OFFSET_MINOR]!;
  if (major < SNF_VERSION_MAJOR_MIN || major > SNF_VERSION_MAJOR) {
    fail('UNSUPPORTED_VERSION', `unsupported .snf version ${major}.${minor} (this reader reads versions ${SNF_VERSION_MAJOR_MIN}.x to ${SNF_VERSION_MAJOR}.x)`);
  }
  // §2.3 lengths.
  const headerBytes = view.getUint32(OFFSET_HEADER_LENGTH, true);
  const payloadLengthAt = OFFSET_HEADER + headerBytes;
  if (payloadLengthAt + 4 > bytes.length) {
    fail('TRUNCATED', `truncated or corrupt: its header length (${headerBytes} bytes) needs at least ${payloadLengthAt + 4} bytes in all, and the file has ${bytes.length}`);
  }
  const payloadBytes = view.getUint32(payloadLengthAt, true);
  const expected = CONTAINER_OVERHEAD + headerBytes + payloadBytes;
  if (expected > bytes.length) {
    fail('TRUNCATED', `truncated or corrupt: ${bytes.length} bytes, but its lengths say ${expected}`);
  }
  if (expected < bytes.length) {
    fail('SIZE_MISMATCH', `corrupt, or ${bytes.length - expected === 1 ? '1 byte' : `${bytes.length - expected} bytes`} after its end: its lengths say ${expected} bytes, the file has ${bytes.length}`);
  }
  // §2.4 checksum, before anything looks at the header.
  const crcAt = expected - 4;
  const stored = view.getUint32(crcAt, true);
  const actual = crc32(bytes.subarray(0, crcAt));
  if (stored !== actual) {
    fail('CHECKSUM_MISMATCH', `the file is corrupt: CRC-32 is 0x${hex(actual)} but the file says 0x${hex(stored)}`);
  }
  // §3 header.
  if (headerBytes > limits.maxHeaderBytes) {
    fail('LIMIT_EXCEEDED', `the header is ${headerBytes} bytes, over the limit maxHeaderBytes = ${limits.maxHeaderBytes}`);
  }
  const headerField = bytes.subarray(OFFSET_HEADER, payloadLengthAt);
  const map = major >= DEFLATED_HEADER_VERSION_MAJOR ? inflateHeader(headerField, limits.maxHeaderBytes) : headerField;
  const parsed = validateHeader(decodeHeaderValue(map), limits, major);
  // §3.4 the networks' streams fill the payload exactly.
  const sum = parsed.networks.reduce((total, network) => total + network.bytes, 0);
  if (sum !== payloadBytes) {
    fail('SIZE_MISMATCH', `the networks' coded streams add up to ${sum} bytes but the payload has ${payloadBytes}`);
  }
  const payload = bytes.subarray(payloadLengthAt + 4, crcAt);
  return {
    info: {
      version: { major, minor }, header: parsed.header, networks: parsed.networks, parameters: parsed.parameters,
      headerBytes, headerMapBytes: map.length, payloadBytes,
    },
    payload,
  };
}

/**
 * A deflated header (versions 3 to 5, spec §2.2): the MessagePack map it inflates to, at
 * most maxHeaderBytes (§8), however far the stream would expand.
 */
function inflateHeader(stored: Uint8Array, maxHeaderBytes: number): Uint8Array {
  const map = inflateAtMost(stored, maxHeaderBytes);
  if (map instanceof Uint8Array) return map;
  if ('tooLong' in map) fail('LIMIT_EXCEEDED', `the header inflates to more than ${maxHeaderBytes} bytes, the limit maxHeaderBytes`);
  return fail('BAD_HEADER', `bad header: the deflated header (version 3 and later) is not a valid DEFLATE stream (${map.invalid})`);
}

function hex(value: number): string {
  return value.toString(16).toUpperCase().padStart(8, '0');
}

/**
 * Writes an .snf file (spec §2) of the lowest version that can express it
 * (§2.2; 3 only with `deflateHeader`, 4 only with `sharedContexts`, 5 when
 * the networks have `unitScales`). The header is validated by the same
 * rules and default limits a reader applies, so every file this returns
 * reads back with `readSnf` to the same tensors.
 *
 * @throws SnfFormatError `INVALID_ARGUMENT` for data a reader would reject
 *   (a field out of range, a tensor of the wrong length, a value that does
 *   not fit its bits), `LIMIT_EXCEEDED` for data over `limits`.
 * @example
 *   const bytes = writeSnf({ header, networks: [{ region: [0, 0, w, h], arch, tensors }] });
 */
export function writeSnf(file: SnfFileInput, limits?: Partial<SnfLimits>): Uint8Array {
  const checkedLimits = withLimits(limits);
  const networks = file.networks;
  if (!Array.isArray(networks as unknown)) fail('INVALID_ARGUMENT', `Expected an array for networks but received ${describe(networks)}`);
  const layout = planLayout(file.header, networks, file.tensorTables !== 'float32');
  // Validate everything before the (costly) entropy coding, with placeholder byte counts,
  // on exactly the map a reader would parse.
  const major = versionFor(file.header, networks);
  const parsed = asWriterError(() => validateHeader(decodeHeaderValue(encodeHeaderValue(headerValue(file.header, layout, networks.map(() => 0)))), checkedLimits, major));
  // A metadata stream that a reader could not inflate to its size (spec §3.8) is refused here, not in a reader.
  if (parsed.header.metadata !== undefined) asWriterError(() => inflateMetadata(parsed.header.metadata!));
  const unitScales = networks.length > 0 && networks.every((network) => network.unitScales === true);
  if (!unitScales && networks.some((network) => network.unitScales === true)) {
    fail('INVALID_ARGUMENT', 'unitScales must be on every network of a file or on none (spec §5.1: a version 5 file scales them all)');
  }
  // Version 5 codes its streams as version 4 does (§2.2).
  const carried = file.sharedContexts === true || unitScales ? new CarriedContexts() : undefined;
  const streams = networks.map((network, n) => {
    // inputs and outputs are not stored (spec §3.4): the reader derives them, so they must be the derived values.
    const derived = parsed.networks[n]!.arch;
    for (const key of ['inputs', 'outputs'] as const) {
      if (network.arch[key] !== derived[key]) {
        const what = key === 'inputs' ? `the ${file.header.kind}'s coordinate dimensions × (1 + 2·fourier)` : `the ${file.header.kind}'s channel count`;
        fail('INVALID_ARGUMENT', `Expected ${derived[key]} (${what}) for networks[${n}].arch.${key} but received ${describe(network.arch[key])}`);
      }
    }
    const lengths = tensorLengths(network.arch);
    network.tensors.forEach((tensor, t) => {
      if (!(tensor.values instanceof Int32Array) || tensor.values.length !== lengths[t]) {
        fail('INVALID_ARGUMENT', `Expected an Int32Array of ${lengths[t]} values for networks[${n}].tensors[${t}].values but received ${describe(tensor.values)}`);
      }
    });
    try {
      return carried === undefined ? encodeTensors(network.tensors) : encodeSharedTensors(network.tensors, carried);
    } catch (error) {
      if (error instanceof SnfFormatError) throw new SnfFormatError(error.code, `networks[${n}]: ${error.message}`);
      throw error;
    }
  });
  const map = encodeHeaderValue(headerValue(file.header, layout, streams.map((stream) => stream.length)));
  const payloadBytes = streams.reduce((total, stream) => total + stream.length, 0);
  // The limit bounds the map, deflated or not (§8): a reader inflates no more than it.
  if (map.length > checkedLimits.maxHeaderBytes) {
    fail('LIMIT_EXCEEDED', `the header would be ${map.length} bytes, over the limit maxHeaderBytes = ${checkedLimits.maxHeaderBytes}`);
  }
  // Version 4 keeps version 3's deflated header (§2.2), shorter or not.
  const deflated = file.deflateHeader === true || carried !== undefined ? deflateSync(map, { level: 9 }) : undefined;
  const header = deflated !== undefined && (carried !== undefined || deflated.length < map.length) ? deflated : map;
  if (payloadBytes > U32_MAX) fail('LIMIT_EXCEEDED', `the payload would be ${payloadBytes} bytes, over the 4 GiB a u32 length holds`);

  const out = new Uint8Array(CONTAINER_OVERHEAD + header.length + payloadBytes);
  const view = new DataView(out.buffer);
  out.set(SNF_MAGIC, 0);
  out[OFFSET_MAJOR] = unitScales ? UNIT_SCALES_VERSION_MAJOR
    : carried !== undefined ? SHARED_CONTEXTS_VERSION_MAJOR : header === map ? major : DEFLATED_HEADER_VERSION_MAJOR;
  // §2.2: a final filter with clipped taps is an x.11 feature, a final filter an x.10 feature, a grid with cuts x.9, a residual with adaptive steps x.8, one with a graded step x.7, a residual x.6, a filter with direction classes x.5, a filter x.4, compact tables x.3, partial archs x.2, blending 2.1; everything else is 1.0 or 2.0.
  const filter = file.header.kind === 'image' ? file.header.filter : undefined;
  const residual = file.header.kind === 'image' ? file.header.residual : undefined;
  const finalFilter = file.header.kind === 'image' ? file.header.finalFilter : undefined;
  out[OFFSET_MINOR] = finalFilter?.clips !== undefined ? CLIPPED_FILTER_VERSION_MINOR
    : finalFilter !== undefined ? FINAL_FILTER_VERSION_MINOR
    : layout.grid !== undefined && gridHasCuts(layout.grid, signalSizes(file.header).length) ? CUT_GRID_VERSION_MINOR
    : residual?.adaptive !== undefined ? ADAPTIVE_RESIDUAL_VERSION_MINOR
    : (residual?.gradient ?? 0) > 0 ? GRADED_RESIDUAL_VERSION_MINOR
    : residual !== undefined ? RESIDUAL_VERSION_MINOR
    : filter !== undefined && (filter.directions ?? 1) > 1 ? DIRECTION_FILTER_VERSION_MINOR
    : filter !== undefined ? FILTER_VERSION_MINOR
    : layout.tables.some((table) => table.key === 'q') ? COMPACT_TABLE_VERSION_MINOR
    : layout.networks.some((network) => partialArchOf(network.arch, layout.shared)) ? PARTIAL_ARCH_VERSION_MINOR
      : file.header.blend === undefined ? SNF_VERSION_MINOR : BLEND_VERSION_MINOR;
  view.setUint16(OFFSET_FLAGS, 0, true);
  view.setUint32(OFFSET_HEADER_LENGTH, header.length, true);
  out.set(header, OFFSET_HEADER);
  let at = OFFSET_HEADER + header.length;
  view.setUint32(at, payloadBytes, true);
  at += 4;
  for (const stream of streams) {
    out.set(stream, at);
    at += stream.length;
  }
  view.setUint32(at, crc32(out.subarray(0, at)), true);
  return out;
}

/** Runs `check`, turning reader-side codes into `INVALID_ARGUMENT` (limits keep `LIMIT_EXCEEDED`). */
function asWriterError<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof SnfFormatError && error.code !== 'LIMIT_EXCEEDED') {
      throw new SnfFormatError('INVALID_ARGUMENT', error.message.replace(/^bad header: /, 'cannot write .snf: '));
    }
    throw error;
  }
}

/**
 * The writer's choice of the shortest header (spec §3.4, §3.5), made once
 * per file: the shared arch, and whether the regions are a grid.
 */
interface Layout {
  readonly networks: readonly SnfNetworkInput[];
  /** The arch written at the top level: that of the most networks, the first network's among equals. */
  readonly shared: SnfNetworkInput['arch'];
  readonly sharedKey: string;
  /** Each network's tensor table (spec §3.4), checked and packed once. */
  readonly tables: readonly PackedTable[];
  /** The grid the regions form (omitted from the header when all ones), or undefined to write every region. */
  readonly grid: readonly number[] | undefined;
}

/** What makes two archs the same on the wire: inputs and outputs are derived from the header. */
function archKey(arch: SnfNetworkInput['arch']): string {
  return JSON.stringify([arch.width, arch.depth, arch.omega, arch.activation ?? DEFAULT_ACTIVATION, arch.fourier ?? 0]);
}

/**
 * The lowest major version that can express these networks (spec §2.2): 2
 * when any sets `fourier` other than 0 or the header blends them, else 1. A bad value (−1, 1.5, NaN)
 * also selects 2, so that the header check, which knows the key only in
 * version 2, refuses it rather than writing it into a version 1 file.
 */
function versionFor(header: SnfHeader, networks: readonly SnfNetworkInput[]): number {
  if (header.blend !== undefined) return 2;
  return networks.some((network) => network.arch?.fourier !== undefined && network.arch.fourier !== 0) ? 2 : SNF_VERSION_MAJOR_MIN;
}

function planLayout(header: SnfHeader, networks: readonly SnfNetworkInput[], compactTables: boolean): Layout {
  if (typeof header !== 'object' || header === null) fail('INVALID_ARGUMENT', `Expected an object for header but received ${describe(header)}`);
  const counts = new Map<string, number>();
  const tables = networks.map((network, n) => {
    const path = `networks[${n}]`;
    if (typeof network !== 'object' || network === null) fail('INVALID_ARGUMENT', `Expected an object for ${path} but received ${describe(network)}`);
    const { arch, region, tensors } = network;
    if (!Array.isArray(region)) fail('INVALID_ARGUMENT', `Expected an array for ${path}.region but received ${describe(region)}`);
    if (typeof arch !== 'object' || arch === null) fail('INVALID_ARGUMENT', `Expected an object for ${path}.arch but received ${describe(arch)}`);
    if (!Array.isArray(tensors)) fail('INVALID_ARGUMENT', `Expected an array for ${path}.tensors but received ${describe(tensors)}`);
    const key = archKey(arch);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    // A depth that is not a small positive integer is reported by the header check; size the count check only for a valid one.
    const expected = Number.isSafeInteger(arch.depth) && arch.depth >= 1 ? 2 * (arch.depth + 1) : tensors.length;
    if (tensors.length !== expected) {
      fail('INVALID_ARGUMENT', `Expected ${expected} tensors (2 × (depth + 1)) for ${path}.tensors but received ${tensors.length}`);
    }
    return tensorTable(tensors, `${path}.tensors`, compactTables);
  });
  // The arch of the most networks, the first network's among equals.
  let most = 0;
  for (const count of counts.values()) most = Math.max(most, count);
  const shared = networks.find((network) => counts.get(archKey(network.arch)) === most)?.arch;
  if (shared === undefined) fail('INVALID_ARGUMENT', 'Expected at least one network for networks but received an array of length 0');
  const sizes = signalSizes(header);
  const grid = sizes.every((size) => Number.isSafeInteger(size) && size >= 1)
    ? findGrid(sizes, networks.map((network) => network.region))
    : undefined;
  return { networks, shared, sharedKey: archKey(shared), tables, grid };
}

/**
 * Packs a network's tensor table (spec §3.4): per tensor a u8 `bits` and,
 * when `compact` is allowed and every step is on the grid, a u8 step code
 * (the table `q`), else a float32 little-endian `step` (the table `t`).
 */
function tensorTable(tensors: readonly TensorHeader[], path: string, compact: boolean): PackedTable {
  tensors.forEach((tensor, t) => checkTensorHeader(tensor, `${path}[${t}]`));
  const codes = tensors.map((tensor) => codeOfStep(tensor.step));
  if (compact && codes.every((code) => code !== undefined)) {
    return { key: 'q', bytes: Uint8Array.from(tensors.flatMap((tensor, t) => [tensor.bits, codes[t]!])) };
  }
  const table = new Uint8Array(TENSOR_ENTRY_BYTES * tensors.length);
  const view = new DataView(table.buffer);
  tensors.forEach((tensor, t) => {
    view.setUint8(TENSOR_ENTRY_BYTES * t, tensor.bits);
    view.setFloat32(TENSOR_ENTRY_BYTES * t + 1, tensor.step, true);
  });
  return { key: 't', bytes: table };
}

/** A packed tensor table and the key it is written under: `q`, compact, or `t`, float32 steps. */
interface PackedTable {
  readonly key: 'q' | 't';
  readonly bytes: Uint8Array;
}

/** Whether `arch` differs from the shared one in its width only, and so is written as a partial `arch` (spec §3.4). */
function partialArchOf(arch: SnfNetworkInput['arch'], shared: SnfNetworkInput['arch']): boolean {
  return arch.width !== shared.width && archKey({ ...arch, width: shared.width }) === archKey(shared);
}

/** An `arch` map as writers emit it: the default activation and the derived inputs and outputs left out. */
function archValue(arch: SnfNetworkInput['arch']): WritableValue {
  const value: { [key: string]: WritableValue } = { width: arch.width, depth: arch.depth, omega: arch.omega };
  const activation = arch.activation ?? DEFAULT_ACTIVATION;
  if (activation !== DEFAULT_ACTIVATION) value.activation = activation;
  if (arch.fourier !== undefined && arch.fourier !== 0) value.fourier = arch.fourier;
  return value;
}

/** The header map in the order writers emit its keys (spec §3.2), with `bytes[n]` as network n's stream length. */
function headerValue(header: SnfHeader, layout: Layout, bytes: readonly number[]): WritableValue {
  const out: { [key: string]: WritableValue } = { kind: header.kind };
  if (header.kind === 'image') {
    Object.assign(out, { width: header.width, height: header.height, layout: header.layout });
  } else {
    Object.assign(out, { sampleRate: header.sampleRate, length: header.length, channels: header.channels });
  }
  // The defaults are left out; another value is written, for the check to refuse.
  const kind = header.kind === 'audio' ? 'audio' : 'image';
  if (header.colorSpace !== DEFAULT_COLOR_SPACE[kind]) out.colorSpace = header.colorSpace;
  if (header.normalization !== DEFAULT_NORMALIZATION[kind]) out.normalization = header.normalization;
  out.arch = archValue(layout.shared);
  // A blended file always states its grid (§3.5: blend needs one), even [1, 1].
  if (layout.grid !== undefined && (header.blend !== undefined || layout.grid.some((cells) => cells !== 1))) out.grid = [...layout.grid];
  if (header.blend !== undefined) {
    if (layout.grid === undefined) fail('INVALID_ARGUMENT', 'cannot write .snf: header.blend needs networks whose regions are the cells of a grid (spec §3.5)');
    out.blend = { overlap: [...header.blend.overlap] };
  }
  if (header.kind === 'image' && header.filter !== undefined) out.filter = filterValue(header.filter, header.layout);
  if (header.kind === 'image' && header.residual !== undefined) out.res = residualValue(header.residual, header.layout, header.width, header.height);
  // §3.13: a final filter with clipped taps goes under its own key, which a reader before x.11 ignores.
  if (header.kind === 'image' && header.finalFilter !== undefined) {
    const key = header.finalFilter.clips === undefined ? 'final' : 'clipped';
    out[key] = filterValue(header.finalFilter, header.layout, key);
  }
  out.networks = layout.tables.map((table, n) => {
    const network = layout.networks[n]!;
    const entry: { [key: string]: WritableValue } = {};
    if (layout.grid === undefined) entry.region = [...network.region];
    if (archKey(network.arch) !== layout.sharedKey) {
      // Beside a compact table the width alone is `w` (version x.3); else a partial or a full arch.
      if (!partialArchOf(network.arch, layout.shared)) entry.arch = archValue(network.arch);
      else if (table.key === 'q') entry.w = network.arch.width;
      else entry.arch = { width: network.arch.width };
    }
    entry[table.key] = table.bytes;
    entry.b = bytes[n]!;
    return entry;
  });
  if (header.train !== undefined) {
    const train: { [key: string]: WritableValue } = {};
    for (const key of ['steps', 'batch', 'alpha', 'lr', 'schedule', 'seed', 'psnr', 'engine', 'seconds', 'init'] as const) {
      const value = header.train[key];
      // psnr is always a float 64 (spec §3.7), so a file's size does not depend on the value recorded.
      if (value !== undefined) train[key] = key === 'psnr' ? new Float64(value as number) : value;
    }
    out.train = train;
  }
  if (header.metadata !== undefined) out.metadata = metadataValue(header.metadata);
  for (const [key, value] of Object.entries(header.extra ?? {})) {
    if (ROOT_KEYS.has(key)) fail('INVALID_ARGUMENT', `header.extra may not hold the v1 key ${JSON.stringify(key)}`);
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Parameters over all of a file's networks (as `SnfInfo.parameters` counts them from the header). */
export function fileParameters(file: Pick<SnfFile, 'networks'>): number {
  return file.networks.reduce((sum, network) => sum + parameterCount(network.arch), 0);
}

/**
 * The network's parameters as a float32 vector in the layout of
 * `kernels/arch.ts` (spec §4.2): parameter = fround(q × step) (spec §5),
 * and with `unitScales` (version 5) each sine unit's then times its
 * multiplier (§5.1). Allocates `parameterCount(arch)` floats.
 */
export function networkParams(network: { readonly arch: SirenArch; readonly tensors: readonly QuantizedTensor[]; readonly unitScales?: boolean }): Float32Array {
  const slices = tensorSlices(network.arch);
  if (network.tensors.length !== slices.length) {
    fail('INVALID_ARGUMENT', `Expected ${slices.length} tensors for the network but received ${network.tensors.length}`);
  }
  const params = new Float32Array(parameterCount(network.arch));
  slices.forEach(({ offset, length }, t) => {
    const { values, step } = network.tensors[t]!;
    if (values.length !== length) fail('INVALID_ARGUMENT', `Expected ${length} values for tensor ${t} but received ${values.length}`);
    // q × step is exact in float64 (|q| < 2^15, step has 24 significant bits); storing it rounds once to float32.
    for (let i = 0; i < length; i++) params[offset + i] = values[i]! * step;
  });
  if (network.unitScales === true) applyUnitScales(network.arch, params);
  return params;
}
