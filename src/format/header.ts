/**
 * The header schema of .snf v1 (spec §3): typed views of the MessagePack
 * map, and the validator that turns a parsed map into them. The validator
 * checks every field's type and range and every limit (spec §8) before the
 * caller allocates anything sized by the header.
 */
import { parameterCount, tensorSlices, type SirenArch } from '../kernels/arch.js';
import { encodedInputs, MAX_FOURIER_LEVELS } from '../kernels/input-encoding.js';
import {
  COMPACT_ENTRY_BYTES, IMAGE_LAYOUTS, MAX_AUDIO_CHANNELS, MAX_TENSOR_BITS, MIN_TENSOR_BITS, TENSOR_ENTRY_BYTES, U32_MAX, type ImageLayout, type SnfLimits,
} from './constants.js';
import { describe, fail } from './errors.js';
import { array, bad, finite, int, isMap, map, oneOf, type HeaderMap } from './header-fields.js';
import { validateMetadata, type StoredMetadata } from './metadata.js';
import type { HeaderValue } from './msgpack.js';
import { validateFilter } from './filter.js';
import { validateResidual } from './residual.js';
import type { ImageResidual } from '../kernels/residual.js';
import type { RestorationFilter } from '../kernels/post-filter.js';
import { extendRegion, findOverlap, gridRegions, maxOverlap } from './tiling.js';
import { stepOfCode } from './step-grid.js';

/** Training metadata (spec §3.7): informative only; every field optional. */
export interface TrainInfo {
  /** Optimizer steps run. */
  readonly steps?: number;
  /** Training points per optimizer step; absent: every point at each step. */
  readonly batch?: number;
  /** Initialization scale α. */
  readonly alpha?: number;
  /** Peak learning rate. */
  readonly lr?: number;
  /** Learning-rate schedule after the warm-up: 'cosine' or 'constant' (snfc's names). */
  readonly schedule?: string;
  /** Seed of the initialization. */
  readonly seed?: number;
  /** PSNR in dB measured by the encoder on the quantized field (+Infinity if exact). */
  readonly psnr?: number;
  /** Name of the compute engine. */
  readonly engine?: string;
  /** Encoding time in seconds. */
  readonly seconds?: number;
  /** Initialization scheme; 'ws' is the only one defined. */
  readonly init?: string;
}

/**
 * Overlapping networks blended at their seams (spec §3.5, version 2.1): each
 * grid cell's network covers the cell grown by `overlap[i]` units on each
 * side of axis i ([ox, oy] for images, [os] for audio), and the networks are
 * cross-faded over 2·overlap units around each inner cell edge.
 */
export interface BlendInfo {
  readonly overlap: readonly number[];
}

interface HeaderCommon {
  /** Training metadata, if the writer recorded it. */
  readonly train?: TrainInfo;
  /** Blending of overlapping networks, for a grid; absent: the regions tile the signal exactly. */
  readonly blend?: BlendInfo;
  /** Embedded photo metadata (spec §3.8): EXIF, ICC and XMP blobs, deflated; `readSnf` inflates them into `SnfFile.metadata`. */
  readonly metadata?: StoredMetadata;
  /**
   * Top-level keys this reader does not know (spec §3.6), kept so that a
   * rewrite preserves them; `writeSnf` writes them back after the known keys.
   */
  readonly extra?: Readonly<Record<string, HeaderValue>>;
}

/** Header of an image file (spec §3.2). */
export interface ImageHeader extends HeaderCommon {
  readonly kind: 'image';
  /** Source width in pixels, 1 … limits.maxImageSide. */
  readonly width: number;
  /** Source height in pixels, 1 … limits.maxImageSide. */
  readonly height: number;
  /** Channels and their order: gray 1, graya 2, rgb 3, rgba 4. */
  readonly layout: ImageLayout;
  readonly colorSpace: 'srgb';
  /** target = 2v/255 − 1 for an 8-bit sample v (spec §4.3). */
  readonly normalization: 'symmetric8';
  /** The restoration filter the field is decoded through (spec §3.10, §4.6, version x.4); absent: none. */
  readonly filter?: RestorationFilter;
  /** The DCT residual added after the filter (spec §3.11, §4.7, version x.6); absent: none. */
  readonly residual?: ImageResidual;
  /** The final filter, run after the residual (spec §3.12, §4.8, version x.10; key `final`); absent: none. */
  readonly finalFilter?: RestorationFilter;
}

/** Header of an audio file (spec §3.3). */
export interface AudioHeader extends HeaderCommon {
  readonly kind: 'audio';
  /** Samples per second, ≥ 1. */
  readonly sampleRate: number;
  /** Samples per channel, 1 … limits.maxAudioLength. */
  readonly length: number;
  /** 1 … 8. */
  readonly channels: number;
  readonly colorSpace: 'linear';
  /** target = sample value in [−1, 1] (spec §4.4). */
  readonly normalization: 'identity';
}

/** The signal description and metadata of a file: the header map without `networks`. */
export type SnfHeader = ImageHeader | AudioHeader;

/** Pixels [x0, x1) × [y0, y1) of the source image. */
export type ImageRegion = readonly [x0: number, y0: number, x1: number, y1: number];
/** Samples [s0, s1) of the source audio. */
export type AudioRegion = readonly [s0: number, s1: number];
/** A network's region: 4 numbers for images, 2 for audio (check `region.length` to narrow). */
export type Region = ImageRegion | AudioRegion;

/** A network's architecture as stored (spec §3.4): the SIREN shape (with `fourier` only when > 0) plus its activation. */
export interface NetworkArch extends SirenArch {
  readonly activation: 'sine';
}

/** How one tensor is quantized (spec §5): value = q × step. */
export interface TensorHeader {
  /** 2 … 16. */
  readonly bits: number;
  /** A finite float32 > 0. */
  readonly step: number;
}

/**
 * One entry of the header's `networks` array (spec §3.4), resolved: every
 * field is filled in whether the file stores it in the entry or derives it.
 */
export interface NetworkInfo {
  /** The entry's `region`, or its cell of the header's `grid` (spec §3.5). */
  readonly region: Region;
  /**
   * The samples the network covers and its coordinate frame (§4.3, §4.4):
   * `region` grown by the header's `blend.overlap` and clipped to the
   * signal, or `region` itself (the same array) without blending.
   */
  readonly frame: Region;
  /** The entry's own `arch`, or the header's shared one (the same object for every network that uses it). */
  readonly arch: NetworkArch;
  /** From the binary table `t`: 2 × (depth + 1) entries, in file order W0, b0, W1, b1, … (spec §4.2). */
  readonly tensors: readonly TensorHeader[];
  /** `b`: length of this network's coded stream in the payload. */
  readonly bytes: number;
}

/** Channels of the signal that `header` describes. */
export function channelCount(header: SnfHeader): number {
  return header.kind === 'image' ? IMAGE_LAYOUTS[header.layout] : header.channels;
}

const IMAGE_KEYS = ['width', 'height', 'layout'] as const;
const AUDIO_KEYS = ['sampleRate', 'length', 'channels'] as const;
/** Every top-level key that v1.0 defines or reserves (spec §3.2, §3.6); `extra` may not hold these. */
export const ROOT_KEYS: ReadonlySet<string> = new Set<string>([
  'kind', ...IMAGE_KEYS, ...AUDIO_KEYS, 'colorSpace', 'normalization', 'arch', 'grid', 'networks', 'train', 'metadata', 'blend', 'filter', 'res', 'final', 'clipped',
]);
const TRAIN_NUMBERS = ['alpha', 'lr'] as const;

/** Values of `colorSpace` and `normalization` when the header omits them (spec §3.2). */
export const DEFAULT_COLOR_SPACE = { image: 'srgb', audio: 'linear' } as const;
export const DEFAULT_NORMALIZATION = { image: 'symmetric8', audio: 'identity' } as const;
/** Value of `arch.activation` when the arch map omits it (spec §3.4). */
export const DEFAULT_ACTIVATION = 'sine';

/** A parsed, validated header. */
export interface ParsedHeader {
  readonly header: SnfHeader;
  readonly networks: NetworkInfo[];
  /** Sum of `parameterCount(arch)` over the networks. */
  readonly parameters: number;
}

/**
 * Validates a parsed header map against the v1 schema (spec §3) and the
 * limits (spec §8), including the tiling rule (spec §3.5). Does not check
 * the networks' byte counts against the payload; the caller does.
 *
 * @throws SnfFormatError `BAD_HEADER`, `LIMIT_EXCEEDED` or `UNSUPPORTED_FEATURE`.
 */
export function validateHeader(root: HeaderValue, limits: SnfLimits, major: number): ParsedHeader {
  const h = map(root, 'the header');
  // §3.5: blend is a version 2 key (written in 2.1 files); version 1 reserved it, and its readers refuse it.
  if (h.blend !== undefined && major < 2) {
    fail('UNSUPPORTED_FEATURE', `blending of overlapping networks (header key "blend") is defined from version 2.1; this file is version ${major}`);
  }
  const kind = oneOf(h.kind, 'kind', ['image', 'audio'] as const);
  const extra: Record<string, HeaderValue> = {};
  for (const key of Object.keys(h)) {
    if (!ROOT_KEYS.has(key)) Object.defineProperty(extra, key, { value: h[key], enumerable: true, writable: true, configurable: true });
  }
  for (const key of kind === 'image' ? AUDIO_KEYS : IMAGE_KEYS) {
    if (h[key] !== undefined) fail('BAD_HEADER', `bad header: key ${key} does not belong in an ${kind} header`);
  }
  const train = h.train === undefined ? undefined : validateTrain(h.train);
  const metadata = h.metadata === undefined ? undefined : validateMetadata(h.metadata, limits);
  const common = { ...(train ? { train } : {}), ...(metadata ? { metadata } : {}), ...(Object.keys(extra).length > 0 ? { extra } : {}) };
  // §3.2: colorSpace and normalization are optional; v1.0 defines one value of each per kind, their default.
  if (h.colorSpace !== undefined) oneOf(h.colorSpace, 'colorSpace', [DEFAULT_COLOR_SPACE[kind]]);
  if (h.normalization !== undefined) oneOf(h.normalization, 'normalization', [DEFAULT_NORMALIZATION[kind]]);

  let header: SnfHeader;
  if (kind === 'image') {
    const width = int(h.width, 'width', 1, U32_MAX, { max: limits.maxImageSide, name: 'maxImageSide' });
    const height = int(h.height, 'height', 1, U32_MAX, { max: limits.maxImageSide, name: 'maxImageSide' });
    const layout = oneOf(h.layout, 'layout', Object.keys(IMAGE_LAYOUTS) as ImageLayout[]);
    // §3.10: the restoration filter, an image key (version x.4).
    const filter = h.filter === undefined ? undefined : validateFilter(h.filter, layout);
    // §3.11: the DCT residual, an image key (version x.6).
    const residual = h.res === undefined ? undefined : validateResidual(h.res, layout, width, height, limits.maxResidualValues);
    // §3.12: the final filter, run after the residual (version x.10); §3.13: or one with clipped taps (x.11), not both.
    if (h.final !== undefined && h.clipped !== undefined) fail('BAD_HEADER', 'bad header: keys final and clipped are two final filters; a header has at most one');
    const finalFilter = h.final !== undefined ? validateFilter(h.final, layout, 'final')
      : h.clipped !== undefined ? validateFilter(h.clipped, layout, 'clipped') : undefined;
    header = {
      kind, width, height, layout, colorSpace: 'srgb', normalization: 'symmetric8', ...common, ...(filter ? { filter } : {}), ...(residual ? { residual } : {}),
      ...(finalFilter ? { finalFilter } : {}),
    };
  } else {
    const sampleRate = int(h.sampleRate, 'sampleRate', 1, U32_MAX);
    const length = int(h.length, 'length', 1, U32_MAX, { max: limits.maxAudioLength, name: 'maxAudioLength' });
    const channels = int(h.channels, 'channels', 1, MAX_AUDIO_CHANNELS);
    if (h.filter !== undefined) fail('BAD_HEADER', 'bad header: key filter does not belong in an audio header (the restoration filter is for images)');
    if (h.res !== undefined) fail('BAD_HEADER', 'bad header: key res does not belong in an audio header (the DCT residual is for images)');
    if (h.final !== undefined) fail('BAD_HEADER', 'bad header: key final does not belong in an audio header (the final filter is for images)');
    if (h.clipped !== undefined) fail('BAD_HEADER', 'bad header: key clipped does not belong in an audio header (the final filter is for images)');
    header = { kind, sampleRate, length, channels, colorSpace: 'linear', normalization: 'identity', ...common };
  }

  // §3.4: the shared arch, for every network that has none of its own.
  const sharedArch = h.arch === undefined ? undefined : validateArch(h.arch, 'arch', header, limits, major);

  const list = array(h.networks, 'networks');
  if (list.length > limits.maxNetworks) fail('LIMIT_EXCEEDED', `the file has ${list.length} network${list.length === 1 ? '' : 's'}, over the limit maxNetworks = ${limits.maxNetworks}`);
  if (list.length === 0) bad('networks', 'at least one network', list);
  const entries = list.map((entry, n) => map(entry, `networks[${n}]`));

  // §3.5: regions either all explicit, or all derived from the grid (default all ones).
  const explicit = entries.findIndex((entry) => entry.region !== undefined);
  let regions: Region[];
  let grid: number[] | undefined;
  if (explicit >= 0) {
    if (h.grid !== undefined) {
      fail('BAD_HEADER', `bad header: networks[${explicit}].region and grid are exclusive (a file with a grid derives every region from it)`);
    }
    regions = entries.map((entry, n) => {
      if (entry.region === undefined) {
        fail('BAD_HEADER', `bad header: networks[${n}].region is missing while networks[${explicit}] has one (without a grid every network needs a region)`);
      }
      return validateRegion(entry.region, `networks[${n}].region`, header);
    });
  } else {
    // gridRegions gives 4 numbers per cell for 2 sizes (an image), 2 for 1 (audio).
    grid = validateGrid(h.grid, header, entries.length);
    regions = gridRegions(signalSizes(header), grid) as unknown as Region[];
  }
  let frames = regions;
  if (h.blend !== undefined) {
    if (grid === undefined) fail('BAD_HEADER', 'bad header: blend needs a grid (networks with explicit regions cannot be blended)');
    const blend = validateBlend(h.blend, header, grid);
    header = { ...header, blend };
    const sizes = signalSizes(header);
    frames = regions.map((region) => extendRegion(region, sizes, blend.overlap) as unknown as Region);
  }

  let parameters = 0;
  const networks = entries.map((entry, n): NetworkInfo => {
    const path = `networks[${n}]`;
    let arch = sharedArch;
    if (entry.arch !== undefined) {
      if (entry.w !== undefined) fail('BAD_HEADER', `bad header: ${path} has both arch and w (w is the width of a network whose arch is the root's but for it)`);
      arch = isPartialArch(entry.arch)
        ? partialArch(entry.arch, sharedArch, `${path}.arch`, header, limits)
        : validateArch(entry.arch, `${path}.arch`, header, limits, major);
    } else if (entry.w !== undefined) {
      // §3.4, version x.3: w only beside q, whose absence stops an older reader before it could misread the width.
      if (entry.q === undefined) fail('BAD_HEADER', `bad header: ${path}.w needs the compact tensor table q (an entry with t states its width in a partial arch)`);
      if (sharedArch === undefined) bad(`${path}.w`, 'no value without a root arch, whose width it replaces', entry.w);
      arch = { ...sharedArch, width: int(entry.w, `${path}.w`, 1, U32_MAX, { max: limits.maxUnits, name: 'maxUnits' }) };
    }
    if (arch === undefined) fail('BAD_HEADER', `bad header: ${path}.arch is missing and the header has no shared arch`);
    parameters += parameterCount(arch);
    if (parameters > limits.maxParameters) {
      fail('LIMIT_EXCEEDED', `the networks hold over ${limits.maxParameters} parameters (limit maxParameters), ${parameters} up to ${path}`);
    }
    // The keys every network repeats are one letter (spec §3.4): t or q, the tensor table; b, the stream's bytes.
    if (entry.t !== undefined && entry.q !== undefined) fail('BAD_HEADER', `bad header: ${path} has two tensor tables, t and q`);
    const tensors = entry.q !== undefined ? validateCompactTable(entry.q, `${path}.q`, arch.depth) : validateTensorTable(entry.t, `${path}.t`, arch.depth);
    const bytes = int(entry.b, `${path}.b`, 0, U32_MAX);
    return { region: regions[n]!, frame: frames[n]!, arch, tensors, bytes };
  });
  if (explicit >= 0) checkTiling(header, networks);
  return { header, networks, parameters };
}

/** The signal's extent along each axis: [width, height] for images, [length] for audio. */
export function signalSizes(header: SnfHeader): number[] {
  return header.kind === 'image' ? [header.width, header.height] : [header.length];
}

/**
 * `grid` (spec §3.5): one integer per axis, each from 1 to the signal's size on that axis, with one network per cell;
 * a grid with cuts (format x.9) follows them with each axis's inner edges, rising strictly inside the axis.
 */
function validateGrid(value: HeaderValue | undefined, header: SnfHeader, networks: number): number[] {
  const sizes = signalSizes(header);
  const names = header.kind === 'image' ? ['columns', 'rows'] : ['segments'];
  if (value === undefined) {
    if (networks !== 1) fail('BAD_HEADER', `bad header: ${networks} networks but neither a grid nor regions (without them the header holds exactly one network)`);
    return sizes.map(() => 1);
  }
  const g = array(value, 'grid');
  const counts = g.slice(0, sizes.length).map((cells, i) => int(cells, `grid[${i}] (${names[i]})`, 1, sizes[i]!));
  const innerEdges = counts.reduce((sum, c) => sum + c - 1, 0);
  // With cuts the grid names every inner edge; a grid with some but not all of them is neither form.
  if (g.length !== sizes.length && (innerEdges === 0 || g.length !== sizes.length + innerEdges)) {
    bad('grid', `${sizes.length} integer${sizes.length > 1 ? 's' : ''} [${names.join(', ')}], or those and every inner edge (${sizes.length + innerEdges})`, g);
  }
  // The inner edges, if stated: each cell at least one unit wide, so an edge lies past the one before it and leaves
  // a unit for every cell after it.
  const grid = [...counts];
  let at = sizes.length;
  if (g.length > sizes.length) {
    counts.forEach((cells, i) => {
      for (let k = 1, previous = 0; k < cells; k++, at++) {
        previous = int(g[at], `grid[${at}] (inner edge ${k} of ${names[i]})`, previous + 1, sizes[i]! - (cells - k));
        grid.push(previous);
      }
    });
  }
  const cells = counts.reduce((product, c) => product * c, 1);
  if (cells !== networks) fail('BAD_HEADER', `bad header: grid [${counts.join(', ')}] has ${cells} cells but the header has ${networks} networks`);
  return grid;
}

/**
 * `blend` (spec §3.5): a map whose `overlap` holds one integer per axis,
 * each from 0 to half the grid's smallest cell on that axis. Other keys of
 * the map are ignored (§3.6).
 */
function validateBlend(value: HeaderValue, header: SnfHeader, grid: readonly number[]): BlendInfo {
  const b = map(value, 'blend');
  const sizes = signalSizes(header);
  const o = array(b.overlap, 'blend.overlap');
  if (o.length !== sizes.length) bad('blend.overlap', `${sizes.length} integer${sizes.length > 1 ? 's' : ''} (one per axis)`, o);
  const most = maxOverlap(sizes, grid);
  const overlap = o.map((v, i) => int(v, `blend.overlap[${i}]`, 0, most[i]!));
  return { overlap };
}

function validateTrain(value: HeaderValue): TrainInfo {
  const t = map(value, 'train');
  const train: { -readonly [K in keyof TrainInfo]: TrainInfo[K] } = {};
  if (t.steps !== undefined) train.steps = int(t.steps, 'train.steps', 0, Number.MAX_SAFE_INTEGER);
  if (t.batch !== undefined) train.batch = int(t.batch, 'train.batch', 1, Number.MAX_SAFE_INTEGER);
  for (const key of TRAIN_NUMBERS) if (t[key] !== undefined) train[key] = finite(t[key], `train.${key}`);
  if (t.seed !== undefined) train.seed = int(t.seed, 'train.seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (t.psnr !== undefined) {
    if (typeof t.psnr !== 'number' || Number.isNaN(t.psnr) || t.psnr === -Infinity) bad('train.psnr', 'a number (finite or +Infinity)', t.psnr);
    train.psnr = t.psnr;
  }
  if (t.seconds !== undefined) {
    train.seconds = finite(t.seconds, 'train.seconds');
    if (train.seconds < 0) bad('train.seconds', 'a number ≥ 0', t.seconds);
  }
  for (const key of ['schedule', 'engine', 'init'] as const) {
    const v = t[key];
    if (v !== undefined) {
      if (typeof v !== 'string') bad(`train.${key}`, 'a string', v);
      train[key] = v;
    }
  }
  return train;
}

/** An `arch` map (spec §3.4), shared (path 'arch') or a network's own. */
function validateArch(value: HeaderValue, path: string, header: SnfHeader, limits: SnfLimits, major: number): NetworkArch {
  const a = map(value, path);
  const width = int(a.width, `${path}.width`, 1, U32_MAX, { max: limits.maxUnits, name: 'maxUnits' });
  const depth = int(a.depth, `${path}.depth`, 1, U32_MAX, { max: limits.maxDepth, name: 'maxDepth' });
  const omega = finite(a.omega, `${path}.omega`);
  if (omega <= 0) bad(`${path}.omega`, 'a finite number > 0', a.omega);
  const activation = a.activation === undefined ? DEFAULT_ACTIVATION : oneOf(a.activation, `${path}.activation`, [DEFAULT_ACTIVATION]);
  // §3.4: fourier is a key of versions 2 to 5; a 1.x file's is an unknown key, ignored (§3.6).
  const fourier = major >= 2 && a.fourier !== undefined ? int(a.fourier, `${path}.fourier`, 0, MAX_FOURIER_LEVELS) : 0;
  const inputs = encodedInputs(header.kind === 'image' ? 2 : 1, fourier);
  const outputs = channelCount(header);
  checkDerivedSizes(a, inputs, outputs, path, header);
  return { width, depth, omega, activation, inputs, outputs, ...(fourier > 0 ? { fourier } : {}) };
}

/** §3.4: a network entry's `arch` without `depth` is partial (version x.2): the root's with its own width. */
function isPartialArch(value: HeaderValue): boolean {
  return isMap(value) && value.depth === undefined;
}

/**
 * A partial `arch` (spec §3.4): the root `arch` with this map's `width`. It
 * MUST NOT restate the keys it takes from the root (`omega`, `activation`,
 * `fourier`); `inputs` and `outputs` are checked as in a full map.
 */
function partialArch(value: HeaderValue, root: NetworkArch | undefined, path: string, header: SnfHeader, limits: SnfLimits): NetworkArch {
  const a = map(value, path);
  if (root === undefined) bad(path, 'a full arch (with depth): a partial arch needs the root arch', value);
  for (const key of ['omega', 'activation', 'fourier'] as const) {
    if (a[key] !== undefined) bad(`${path}.${key}`, 'no value in a partial arch (one without depth), which takes it from the root arch', a[key]);
  }
  const width = int(a.width, `${path}.width`, 1, U32_MAX, { max: limits.maxUnits, name: 'maxUnits' });
  checkDerivedSizes(a, root.inputs, root.outputs, path, header);
  return { ...root, width };
}

/** An arch's `inputs` and `outputs` follow from the header; when present they must agree (spec §3.4). */
function checkDerivedSizes(a: HeaderMap, inputs: number, outputs: number, path: string, header: SnfHeader): void {
  if (a.inputs !== undefined && a.inputs !== inputs) bad(`${path}.inputs`, `${inputs} (the ${header.kind}'s coordinate dimensions × (1 + 2·fourier)) or no value`, a.inputs);
  if (a.outputs !== undefined && a.outputs !== outputs) bad(`${path}.outputs`, `${outputs} (the ${header.kind}'s channel count) or no value`, a.outputs);
}

/**
 * A network's binary tensor table (spec §3.4): TENSOR_ENTRY_BYTES per tensor,
 * in file order, each a u8 `bits` and a float32 little-endian `step`.
 */
function validateTensorTable(value: HeaderValue | undefined, path: string, depth: number): TensorHeader[] {
  const count = 2 * (depth + 1);
  const size = TENSOR_ENTRY_BYTES * count;
  if (!(value instanceof Uint8Array)) bad(path, `binary data of ${size} bytes (${TENSOR_ENTRY_BYTES} × 2 × (depth + 1))`, value);
  if (value.length !== size) bad(path, `binary data of ${size} bytes (${TENSOR_ENTRY_BYTES} × 2 × (depth + 1))`, value);
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const tensors: TensorHeader[] = [];
  for (let t = 0; t < count; t++) {
    const at = TENSOR_ENTRY_BYTES * t;
    const bits = view.getUint8(at);
    if (bits < MIN_TENSOR_BITS || bits > MAX_TENSOR_BITS) bad(`${path}[${t}].bits (byte ${at})`, `an integer from ${MIN_TENSOR_BITS} to ${MAX_TENSOR_BITS}`, bits);
    const step = view.getFloat32(at + 1, true);
    if (!(step > 0 && step < Infinity)) bad(`${path}[${t}].step (bytes ${at + 1}–${at + 4})`, 'a finite float32 > 0', step);
    tensors.push({ bits, step });
  }
  return tensors;
}

/**
 * A network's compact tensor table (spec §3.4, version x.3): COMPACT_ENTRY_BYTES
 * per tensor, in file order, each a u8 `bits` and a u8 step code (step-grid.ts);
 * every code is a valid step.
 */
function validateCompactTable(value: HeaderValue, path: string, depth: number): TensorHeader[] {
  const count = 2 * (depth + 1);
  const size = COMPACT_ENTRY_BYTES * count;
  if (!(value instanceof Uint8Array) || value.length !== size) bad(path, `binary data of ${size} bytes (${COMPACT_ENTRY_BYTES} × 2 × (depth + 1))`, value);
  const tensors: TensorHeader[] = [];
  for (let t = 0; t < count; t++) {
    const bits = value[COMPACT_ENTRY_BYTES * t]!;
    if (bits < MIN_TENSOR_BITS || bits > MAX_TENSOR_BITS) bad(`${path}[${t}].bits (byte ${COMPACT_ENTRY_BYTES * t})`, `an integer from ${MIN_TENSOR_BITS} to ${MAX_TENSOR_BITS}`, bits);
    tensors.push({ bits, step: stepOfCode(value[COMPACT_ENTRY_BYTES * t + 1]!) });
  }
  return tensors;
}

/**
 * Checks one tensor's `bits` and `step` as a writer receives them, before
 * they are packed into a table that could not hold other values.
 * @throws SnfFormatError `INVALID_ARGUMENT`.
 */
export function checkTensorHeader(tensor: TensorHeader, path: string): void {
  const { bits, step } = tensor;
  if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < MIN_TENSOR_BITS || bits > MAX_TENSOR_BITS) {
    fail('INVALID_ARGUMENT', `Expected an integer from ${MIN_TENSOR_BITS} to ${MAX_TENSOR_BITS} for ${path}.bits but received ${describe(bits)}`);
  }
  if (typeof step !== 'number' || !(step > 0 && step < Infinity) || Math.fround(step) !== step) {
    fail('INVALID_ARGUMENT', `Expected a finite float32 > 0 for ${path}.step but received ${describe(step)}`);
  }
}

function validateRegion(value: HeaderValue | undefined, path: string, header: SnfHeader): Region {
  const r = array(value, path);
  const size = header.kind === 'image' ? 4 : 2;
  if (r.length !== size) bad(path, `${size} integers`, r);
  const v = r.map((x, i) => int(x, `${path}[${i}]`, 0, U32_MAX));
  if (header.kind === 'image') {
    const [x0, y0, x1, y1] = v as [number, number, number, number];
    if (!(x0 < x1 && x1 <= header.width && y0 < y1 && y1 <= header.height)) {
      fail('BAD_HEADER', `bad header: ${path} [${v.join(', ')}] is empty or not inside the ${header.width}x${header.height} image`);
    }
    return [x0, y0, x1, y1];
  }
  const [s0, s1] = v as [number, number];
  if (!(s0 < s1 && s1 <= header.length)) {
    fail('BAD_HEADER', `bad header: ${path} [${v.join(', ')}] is empty or not inside the ${header.length} samples`);
  }
  return [s0, s1];
}

/** The v1 tiling rule (spec §3.5): regions inside the signal (checked above), disjoint, covering it. */
function checkTiling(header: SnfHeader, networks: readonly NetworkInfo[]): void {
  if (header.kind === 'audio') {
    const order = networks.map((n) => n.region).sort((a, b) => a[0] - b[0]);
    let end = 0;
    for (const [s0, s1] of order) {
      if (s0 < end) fail('BAD_HEADER', `bad header: network regions overlap at sample ${s0}`);
      if (s0 > end) fail('BAD_HEADER', `bad header: samples [${end}, ${s0}) are not covered by any network`);
      end = s1;
    }
    if (end !== header.length) fail('BAD_HEADER', `bad header: samples [${end}, ${header.length}) are not covered by any network`);
    return;
  }
  const regions = networks.map((n) => n.region as ImageRegion);
  let area = 0;
  for (const [x0, y0, x1, y1] of regions) area += (x1 - x0) * (y1 - y0);
  const overlap = findOverlap(regions);
  if (overlap >= 0) fail('BAD_HEADER', `bad header: networks[${overlap}].region overlaps another network's region`);
  const total = header.width * header.height;
  if (area !== total) fail('BAD_HEADER', `bad header: the network regions cover ${area} of the ${total} pixels`);
}

/** Tensor lengths of `arch` in file order (spec §4.2). */
export function tensorLengths(arch: SirenArch): number[] {
  return tensorSlices(arch).map((s) => s.length);
}
