import { parameterCount, type SirenArch } from '../../kernels/arch.js';
import { initKernels, selectForward, selectGrid } from '../../kernels/forward-select.js';
import { encodedInputs, MAX_FOURIER_LEVELS } from '../../kernels/input-encoding.js';
import { normalizeSample, normalizeSample16, rasterFromField, regionAxes, renderField, type ImageNetwork } from '../../kernels/render.js';
import { filterClasses, NATIVE_SCALE, type FieldImage, type RestorationFilter } from '../../kernels/post-filter.js';
import type { ImageResidual } from '../../kernels/residual.js';
import { residualChoice } from './residual-choice.js';
import { qualityOf } from '../residual/residual-fit.js';
import { rememberLast } from '../network/remember-last.js';
import { residualSearchSeconds, searchInThisThread, type ResidualSearch } from '../residual/residual-search.js';
import { psnr, psnrFromMse, regionMeanSquaredError } from '../../metrics/psnr.js';
import type { Raster } from '../../raster.js';
import {
  DEFAULT_LIMITS, deflateMetadata, extendRegion, gridRegions, gridWithEdges, inspectSnf, maxOverlap, metadataSizes, networkParams, writeSnf, type PhotoMetadata,
  type QuantizedTensor, type SnfHeader, type StoredMetadata,
} from '../../format/index.js';
import { architectureForRate, batchRowsFor, DEFAULT_DEPTH, DEFAULT_OMEGA, QAT_STEP_FRACTION } from '../network/network-defaults.js';
import { autoTiles, bitsPerParamForDetail, defaultImageAlpha, defaultImageDepth, DEFAULT_BATCH_POINTS, defaultLearningRate, DEFAULT_BPP, MAX_BPP, MAX_TILES_A_SIDE, DEFAULT_FIT_MARGIN, DEFAULT_OVERLAP, defaultFourier, defaultPasses, mostDefaultPasses, DEFAULT_IMAGE_QAT_STEPS, DEFAULT_IMAGE_WEIGHT_DECAY, defaultResidualShare, MAX_RESIDUAL_SHARE, triesMeanNetworks } from './image-defaults.js';
import type { EngineFactory } from '../network/engine.js';
import { checkFitSettings, fixedBitSteps, FIT_SETTING_NAMES, trainNetworks, type EncodeResultCommon, type FitSettings, type FitSummary } from '../network/fit-networks.js';
import { checkOptionNames } from '../option-names.js';
import { checkFunctionOptions, checkNumberOptions, checkRaster, NUMBER_OPTIONS } from '../option-values.js';
import { quantizeWithSteps, withinRate } from '../network/rate-control.js';
import { biasOnlyNetwork, targetsMean } from '../network/fit-start.js';
import { padToBatches, shufflePoints } from '../network/training-points.js';
import { EncodeOptionsError } from '../options-error.js';
import { allocatedWidths, allocationDetails, parametersOfWidths, regionDetail, TILE_ALLOCATIONS, type TileAllocation } from './tile-widths.js';
import { filterShapeFor, placeholderFilter, FILTER_MODES, FILTER_SECONDS_PER_PIXEL, FINAL_FILTER_SHAPES, type FilterMode, type FilterShape } from './filter-fit.js';
import { filterField, fillWithResidual } from './post-fit.js';
import { DEFAULT_TILE_EDGES, tileEdges, TILE_EDGE_MODES, type TileEdgeMode } from './tile-edges.js';
import { contrastWeights, DEFAULT_TUNING, localLumaVariance, tuningWeighting, TUNINGS, type ContrastWeighting, type Tuning } from './contrast-weights.js';

export interface ImageEncodeOptions extends FitSettings {
  /**
   * Target size in bits per pixel, counting the whole file. The encoder
   * sizes the network for it (unless `width` is given) and searches the
   * quantization steps that land within ±5 %. Default 1 when neither
   * `bpp` nor `width` is given.
   */
  readonly bpp?: number;
  /** Units per sine layer; without `bpp`, quantization is fixed by `bits`. */
  readonly width?: number;
  /** Sine layers; default `defaultImageDepth` at a target rate with more than one tile shared out by detail (4 where that pays), else 3. */
  readonly depth?: number;
  /** With `bpp` and no `width`: coded bits per weight the network is sized for; default `bitsPerParamForDetail` (6, down to 5 for busy photos). */
  readonly bitsPerParam?: number;
  /** With `width` and without `bpp`: quantization bits of the body weights, 2–16 (first layer +4); default 8. */
  readonly bits?: number;
  /** Tiles as columns × rows, one network each; default `autoTiles` (1 × 1 up to about 192×128 pixels). */
  readonly tiles?: { readonly columns: number; readonly rows: number };
  /**
   * Pixels each tile's network reaches into its neighbours on every inner
   * edge, blended with theirs at decode (spec §3.5, format 2.1), so that no
   * seam shows; 0 = tiles meet edge to edge. At most half the smallest tile
   * side. Default DEFAULT_OVERLAP with more than one tile.
   */
  readonly overlap?: number;
  /**
   * Pixels past its cell, up to `overlap`, that each tile's network is
   * fitted on; beyond them it extrapolates into the outer part of the
   * overlap, where its weight is small. Every pixel fitted twice costs
   * capacity (see docs/studies.md, seams). Default DEFAULT_FIT_MARGIN, at most `overlap`.
   */
  readonly fitMargin?: number;
  /**
   * Where the tiles' inner edges go: `content` moves each, by at most an eighth of a tile, off the photo's own edges
   * to the quietest band near it (a grid with cuts, format x.9, written only where an edge moved); `even`: equal
   * tiles. Default DEFAULT_TILE_EDGES (tile-edges.ts).
   */
  readonly tileEdges?: TileEdgeMode;
  /** Passes of the fit over every pixel, per network; default `defaultPasses` (800 to 1800 by the work per pixel), or unbounded under `timeLimitSeconds`. */
  readonly steps?: number;
  /**
   * Pixels per Adam step of the fit: each pass takes one step per mini-batch
   * of about this many of a tile's pixels (a multiple of 256, drawn at
   * random once per tile); 0 takes one step on every pixel. Default
   * DEFAULT_BATCH_POINTS (1536); tiles of fewer than twice that fit on all
   * their pixels at once.
   */
  readonly batch?: number;
  /**
   * How a target rate's parameters are shared among the tiles: `detail`
   * (default) sizes each tile's network by how busy its pixels are
   * (tile-widths.ts), `equal` gives every tile the same width. Only with a
   * target rate, more than one tile and no `width`.
   */
  readonly allocation?: TileAllocation;
  /** The width of each tile's network, row by row, in place of the allocation's (for studies). */
  readonly tileWidths?: readonly number[];
  /**
   * What the fit minimizes: the squared error weighted towards flat areas,
   * where SSIM sees errors most (contrast-weights.ts): `balanced` (default)
   * a little, `ssim` more (MS-SSIM up, PSNR down), `psnr` not at all (plain
   * squared error). Images only.
   */
  readonly tune?: Tuning;
  /** The weighting in place of `tune`'s (for studies); strength 0 is `psnr`. */
  readonly contrastWeighting?: ContrastWeighting;
  /** Fourier levels of the input encoding, 0–16 (0: plain coordinates); default `defaultFourier` of the tile size (6 for 192×128 tiles). */
  readonly fourier?: number;
  /**
   * EXIF, ICC and XMP blobs of the source to keep in the file (spec §3.8),
   * deflated; default none. They come on top of `bpp`: the rate control
   * sizes the file without them.
   */
  readonly photoMetadata?: PhotoMetadata;
  /**
   * The restoration filter (spec §4.6, filter-fit.ts): `auto` (default)
   * fits one to the decoded field and stores it, of the largest shape
   * whose bytes are at most 2.5 % of the file (`FILTER_MAX_SHARE`), `off` never.
   */
  readonly filter?: FilterMode;
  /**
   * Share of a target rate's bytes spent on a DCT residual (spec §4.7,
   * residual-fit.ts) rather than on the networks: 0 (none) to
   * MAX_RESIDUAL_SHARE. The networks are planned and quantized for the rest
   * and the residual, fitted to what they and the filter leave, fills the
   * file up to the target. Only with a target rate. Default
   * `defaultResidualShare`: DEFAULT_RESIDUAL_SHARE, more on a busy photo.
   */
  readonly residual?: number;
  /**
   * Where the residual's shapes are searched: default in this thread; `encodeImage` in Node splits them between
   * worker threads (residual-threads.ts). The same residual either way.
   */
  readonly residualSearch?: ResidualSearch;
  /** Progress: called after each step with the training PSNR (dB) of the current phase. */
  readonly onStep?: (step: number, steps: number, trainingPsnr: number) => void;
}

/** The image encoder's number options and their ranges (`--bpp` as the CLI takes it). */
const IMAGE_NUMBER_OPTIONS = { ...NUMBER_OPTIONS, bpp: { min: 0, max: MAX_BPP, above: true }, fitMargin: { min: 0, max: 32768, integer: true } };

/** Every name of ImageEncodeOptions (the type makes this list whole): what `encodeImage` accepts. */
export const IMAGE_OPTION_NAMES: Readonly<Record<keyof ImageEncodeOptions, true>> = {
  ...FIT_SETTING_NAMES, bpp: true, width: true, depth: true, bitsPerParam: true, bits: true, tiles: true, overlap: true, fitMargin: true,
  tileEdges: true, steps: true, batch: true, allocation: true, tileWidths: true, tune: true, contrastWeighting: true, fourier: true,
  photoMetadata: true, filter: true, residual: true, residualSearch: true, onStep: true,
};

export interface ImageEncodeResult extends EncodeResultCommon {
  /** PSNR (dB, peak 255, all channels) of the decoded file against the input. */
  readonly psnr: number;
  readonly tiles: TileGrid;
  /** Pixels of overlap blended at each inner tile edge (0: none). */
  readonly overlap: number;
  /** Bytes the kept photo metadata adds to the file (0 without `photoMetadata`); `rateHit` does not count them. */
  readonly metadataBytes: number;
  /** Width of each tile's network, row by row (`arch` is the width the rate planned for an equal share). */
  readonly widths: number[];
  /**
   * PSNR (dB) of each tile's cell, row by row, measured like `psnr`. A tile
   * far below its neighbours is a fit that went wrong, which the image's
   * PSNR hides (docs/studies.md: divergence).
   */
  readonly tilePsnrs: number[];
  /** What the fit minimized (`ImageEncodeOptions.tune`). */
  readonly tune: Tuning;
  /** Activity classes of the restoration filter in the file (0: none). */
  readonly filterClasses: number;
  /** Direction classes of the filter (1, or 5 on larger files; 0: no filter). */
  readonly filterDirections: number;
  /** PSNR (dB) of the decoded field before the filter (equal to `psnr` without one). */
  readonly unfilteredPsnr: number;
  /** Bytes of the DCT residual's header entry (0: none). */
  readonly residualBytes: number;
  /** Share of the rate the networks were planned without, for the residual (0 without a target rate or a residual). */
  readonly residualShare: number;
  /** The whole image's `regionDetail`, which picks the defaults that differ between busy and smooth photos (`BUSY_DETAIL`). */
  readonly detail: number;
  /** PSNR (dB) of the decoded field before the residual, through the filter (equal to `psnr` without one). */
  readonly networkPsnr: number;
  /** Classes (activity × direction) of the final filter after the residual (0: none; spec §3.12). */
  readonly finalFilterClasses: number;
  /** PSNR (dB) with the residual, before the final filter (equal to `psnr` without one, `networkPsnr` without a residual). */
  readonly residualPsnr: number;
  /**
   * Present where the file's networks hold the image's mean alone (every weight 0) and the DCT residual the rest,
   * because that decoded better than the fitted networks with theirs: `fittedPsnr`, the PSNR (dB) the fitted ones gave.
   */
  readonly meanNetworks?: { readonly fittedPsnr: number };
}


/** PSNR (dB) that a mean squared error on the [-1, 1] target scale corresponds to at 8 bits. */
export function trainingPsnr(loss: number): number {
  return 10 * Math.log10(4 / loss);
}

const LAYOUTS = { 1: 'gray', 2: 'graya', 3: 'rgb', 4: 'rgba' } as const;
type ImageRegion = readonly [number, number, number, number];

/** The tiles of an encode: columns × rows, and the inner edges on x and y (spec §3.5's grid, with cuts where they are not equal tiles'). */
export interface TileGrid {
  readonly columns: number;
  readonly rows: number;
  readonly xs: readonly number[];
  readonly ys: readonly number[];
}

/**
 * Splits the image into `columns` × `rows` tiles, row by row, with the
 * format's grid rule (spec §3.5), so that the writer stores them as a grid;
 * at the inner edges `edges` gives ([x edges, y edges]), else equal tiles.
 */
export function tileRegions(width: number, height: number, columns: number, rows: number, edges?: readonly [readonly number[], readonly number[]]): ImageRegion[] {
  const grid = edges === undefined ? [columns, rows] : gridWithEdges([width, height], [columns, rows], edges);
  return gridRegions([width, height], grid) as unknown as ImageRegion[];
}

/**
 * The training set of one tile: its pixel-centre coordinates (2 per pixel;
 * the engine gets them Fourier-encoded, spec §4.1, only while it runs: 26
 * floats a pixel at 6 levels) and its samples mapped to [-1, 1] (spec §4.3).
 */
function tileData(image: Raster, region: ImageRegion, frame: ImageRegion = region): { coords: Float32Array; targets: Float32Array } {
  const [x0, y0, x1, y1] = region;
  // Coordinates in the frame's field (spec §3.5: a blended network's frame is its cell grown by the overlap).
  const { xs, ys } = regionAxes(image.width, image.height, frame, image.width, image.height);
  const coords = new Float32Array((x1 - x0) * (y1 - y0) * 2);
  let p = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      coords[p++] = xs[x - frame[0]]!;
      coords[p++] = ys[y - frame[1]]!;
    }
  }
  return { coords, targets: regionTargets(image, region) };
}

/** The samples of `region`, row by row, mapped to [-1, 1] (spec §4.3): what a network there is fitted to. */
function regionTargets(image: Raster, [x0, y0, x1, y1]: ImageRegion): Float32Array {
  const targets = new Float32Array((x1 - x0) * (y1 - y0) * image.channels);
  let i = 0;
  for (let y = y0; y < y1; y++) {
    const from = (y * image.width + x0) * image.channels;
    const to = (y * image.width + x1) * image.channels;
    // A 16-bit source is fitted on its own samples, not on their 8-bit rounding (docs/photos.md measures the difference).
    if (image.data16) for (let k = from; k < to; k++) targets[i++] = normalizeSample16(image.data16[k]!);
    else for (let k = from; k < to; k++) targets[i++] = normalizeSample(image.data[k]!);
  }
  return targets;
}

interface Tile {
  /** The tile's cell of the grid. */
  readonly region: ImageRegion;
  /** The pixels its network is fitted on and their coordinate frame: the cell grown by the overlap. */
  readonly frame: ImageRegion;
  /** Training points (pixels), in random order when fitted on mini-batches of `batchRows`. */
  readonly coords: Float32Array;
  readonly targets: Float32Array;
  /** Each point's weight in the loss, unless the tuning is `psnr` (contrast-weights.ts). */
  readonly weights?: Float32Array;
  readonly points: number;
  readonly batchRows: number | undefined;
  /** Its network: the planned `arch`, or its own width. */
  readonly arch: SirenArch;
  readonly alpha: number;
}

export { EncodeOptionsError };

/**
 * Checks, before any training, the choices that would otherwise fail only
 * when the file is written (over the format's limits, spec §8) or that the
 * encoder would silently ignore.
 */
export function checkEncodePlan(image: Raster, arch: SirenArch, tiling: { columns: number; rows: number }, options: ImageEncodeOptions): void {
  if (image.width > DEFAULT_LIMITS.maxImageSide || image.height > DEFAULT_LIMITS.maxImageSide) {
    throw new EncodeOptionsError(`the image is ${image.width}x${image.height} pixels; a file holds images of at most ${DEFAULT_LIMITS.maxImageSide} pixels a side`);
  }
  if (options.bits !== undefined && (options.width === undefined || options.bpp !== undefined)) {
    throw new EncodeOptionsError('bits fixes the quantization of a network of given width: give it with width and without bpp');
  }
  if (tiling.columns > image.width || tiling.rows > image.height) {
    throw new EncodeOptionsError(`tiles ${tiling.columns}x${tiling.rows} need an image of at least that many pixels a side; this one is ${image.width}x${image.height}`);
  }
  const total = tiling.columns * tiling.rows * parameterCount(arch);
  if (arch.width > DEFAULT_LIMITS.maxUnits || arch.depth > DEFAULT_LIMITS.maxDepth || total > DEFAULT_LIMITS.maxParameters) {
    throw new EncodeOptionsError(`width ${arch.width}, depth ${arch.depth} in ${tiling.columns * tiling.rows} tile(s) is ${total} parameters; a file holds at most ${DEFAULT_LIMITS.maxParameters} (width ≤ ${DEFAULT_LIMITS.maxUnits}, depth ≤ ${DEFAULT_LIMITS.maxDepth})`);
  }
}

/** Bits of the output bias of a network that holds the image's mean alone: the residual corrects what rounding leaves. */
const MEAN_NETWORK_BITS = 8;

/** Room the header keeps for everything but the metadata: a 64×64 grid's header is about 200 KiB. */
const HEADER_ROOM = 256 * 1024;

/** Refuses, before any training, metadata whose deflated blobs would push the header past the reader's limit (spec §8). */
function checkMetadataSize(stored: StoredMetadata | undefined): void {
  const deflated = stored === undefined ? 0 : metadataSizes(stored).reduce((sum, entry) => sum + entry.stored, 0);
  if (deflated > DEFAULT_LIMITS.maxHeaderBytes - HEADER_ROOM) {
    throw new EncodeOptionsError(`the metadata to keep is ${deflated} bytes deflated, more than the ${DEFAULT_LIMITS.maxHeaderBytes - HEADER_ROOM} a header has room for; encode without keeping it`);
  }
}

/**
 * The tiling and the network of each tile that `encodeImage` will fit to
 * `image` with `options`, before any training: for a target rate (`rateMode`,
 * at `bpp`) the widest that fits it, else `options.width`. `detail` is the
 * whole image's `regionDetail`, which sets the bits per weight (a caller that
 * has it already passes it). `fileBpp` is the whole file's rate where
 * `options.bpp` is the networks' share of it; it bounds the default passes.
 * The default depth follows the networks' share, what their size depends on.
 * Refuses, with an EncodeOptionsError, a plan that could not make a valid file.
 */
export function planEncode(
  image: Raster, options: ImageEncodeOptions = {}, detail: number = regionDetail(image, [0, 0, image.width, image.height]),
  fileBpp: number = options.bpp ?? DEFAULT_BPP,
): {
  tiling: TileGrid; arch: SirenArch; rateMode: boolean; bpp: number; overlap: number; widths: number[];
  /** Default fit passes for this plan (`defaultPasses` of its parameters × pixels). */
  passes: number;
} {
  const omega = options.omega ?? DEFAULT_OMEGA;
  const tiling = options.tiles ?? autoTiles(image.width, image.height);
  const rateMode = isRateMode(options);
  const bpp = options.bpp ?? DEFAULT_BPP;
  const fourier = options.fourier ?? defaultFourier(Math.floor(image.width / tiling.columns), Math.floor(image.height / tiling.rows));
  // Before anything is sized by it: a bad level count would otherwise fail only when the file is written.
  if (!Number.isInteger(fourier) || fourier < 0 || fourier > MAX_FOURIER_LEVELS) {
    throw new EncodeOptionsError(`fourier must be a whole number of levels from 0 to ${MAX_FOURIER_LEVELS}; got ${String(fourier)}`);
  }
  const inputs = encodedInputs(2, fourier);
  const networks = tiling.columns * tiling.rows;
  const pixels = image.width * image.height;
  const bitsPerParam = options.width !== undefined ? undefined
    : options.bitsPerParam ?? bitsPerParamForDetail(detail, networks, bpp);
  // Depth 4 was measured, and pays, where the plan's parameters are shared out by detail among the tiles.
  const sharedByDetail = allocatesByDetail(options, networks);
  const planAt = (depth: number): SirenArch => architectureForRate({ bpp, pixels, inputs, outputs: image.channels, networks, depth, omega, bitsPerParam });
  const arch: SirenArch = options.width !== undefined
    ? { inputs, outputs: image.channels, width: options.width, depth: options.depth ?? DEFAULT_DEPTH, omega, fourier }
    : { ...planAt(options.depth ?? (sharedByDetail ? defaultImageDepth(bpp, (depth) => planAt(depth).width, networks) : DEFAULT_DEPTH)), fourier };
  checkEncodePlan(image, arch, tiling, options);
  const most = Math.min(...maxOverlap([image.width, image.height], [tiling.columns, tiling.rows]));
  // The default shrinks to what tiles a few pixels wide allow (`--tiles 48x48` on a 48×48 image: 0) rather than be refused.
  const overlap = networks === 1 ? 0 : options.overlap ?? Math.min(DEFAULT_OVERLAP, most);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap > most) {
    const tiles = `${tiling.columns}x${tiling.rows} tiles of this image`;
    throw new EncodeOptionsError(most === 0
      ? `overlap must be 0 for ${tiles} (tiles of a pixel or two a side have none to share); got ${String(overlap)}`
      : `overlap must be a whole number of pixels from 0 to ${most} (half the smallest tile side) for ${tiles}; got ${String(overlap)}`);
  }
  const edgeMode = options.tileEdges ?? DEFAULT_TILE_EDGES;
  if (!TILE_EDGE_MODES.includes(edgeMode)) throw new EncodeOptionsError(`tileEdges must be one of ${TILE_EDGE_MODES.join(', ')}; got ${String(edgeMode)}`);
  // The widths are planned on equal tiles, so that moving an edge by a few pixels moves where two networks meet and
  // nothing else: the allocation's widths come in steps of 8 units (4 for narrow plans), and a detail measured on a cell a few pixels
  // larger or smaller can tip one (kodim07 at 1 bpp lost 0.34 dB to such a flip, session 39).
  const widths = tileWidthsFor(image, tiling, arch, rateMode && options.width === undefined, options);
  const [xs, ys] = tileEdges(image, tiling.columns, tiling.rows, overlap, edgeMode);
  const grid: TileGrid = { columns: tiling.columns, rows: tiling.rows, xs, ys };
  // Parameters × pixels of every network: the default passes spend about the same work per pixel at any rate.
  const work = parametersOfWidths(arch, widths) * (pixels / widths.length);
  return { tiling: grid, arch, rateMode, bpp, overlap, widths, passes: defaultPasses(work, pixels, bitsPerParam, mostDefaultPasses(fileBpp)) };
}

/** Whether a plan's parameters are shared out among `count` tiles by detail (`--allocation detail`, no widths given). */
function allocatesByDetail(options: ImageEncodeOptions, count: number): boolean {
  return options.tileWidths === undefined && count > 1 && (options.allocation ?? 'detail') === 'detail';
}

/**
 * The width of every tile's network: `options.tileWidths` when given (checked),
 * else the allocation's for a planned rate, else `arch.width` for all.
 */
function tileWidthsFor(image: Raster, tiling: { columns: number; rows: number }, arch: SirenArch, planned: boolean, options: ImageEncodeOptions): number[] {
  const count = tiling.columns * tiling.rows;
  const allocation = options.allocation ?? 'detail';
  if (!TILE_ALLOCATIONS.includes(allocation)) throw new EncodeOptionsError(`allocation must be one of ${TILE_ALLOCATIONS.join(', ')}; got ${String(allocation)}`);
  let widths: number[];
  if (options.tileWidths !== undefined) {
    widths = [...options.tileWidths];
    if (widths.length !== count || !widths.every((w) => Number.isInteger(w) && w >= 1 && w <= DEFAULT_LIMITS.maxUnits)) {
      throw new EncodeOptionsError(`tileWidths must be ${count} whole widths from 1 to ${DEFAULT_LIMITS.maxUnits}, one per tile`);
    }
  } else if (planned && allocatesByDetail(options, count)) {
    widths = allocatedWidths(arch, allocationDetails(image, tileRegions(image.width, image.height, tiling.columns, tiling.rows)));
  } else {
    return new Array<number>(count).fill(arch.width);
  }
  const total = parametersOfWidths(arch, widths);
  if (total > DEFAULT_LIMITS.maxParameters) {
    throw new EncodeOptionsError(`the tiles' networks have ${total} parameters; a file holds at most ${DEFAULT_LIMITS.maxParameters}`);
  }
  return widths;
}

/**
 * Fits WS-initialized SIRENs to `image` (one per tile), chooses their
 * quantization (for a target rate, or at fixed bits), fine-tunes them on
 * that grid, and returns the .snf file. The reported PSNR is measured on
 * exactly what `decode` reconstructs, not on the float training result.
 * Trains on `options.engine`, else on `defaultEngine`: the platform's WASM
 * engine (encode-image.ts for Node, src/web-encode/ for pages), so that this
 * module imports nothing platform-specific.
 */
export async function encodeImageWith(image: Raster, options: ImageEncodeOptions, defaultEngine: EngineFactory): Promise<ImageEncodeResult> {
  const started = performance.now();
  const elapsed = (): number => (performance.now() - started) / 1000;
  checkOptionNames(options, IMAGE_OPTION_NAMES, 'image');
  checkFunctionOptions(options, ['engine', 'onStep']);
  checkRaster(image);
  checkNumberOptions(options, IMAGE_NUMBER_OPTIONS);
  if (options.photoMetadata !== undefined && (options.photoMetadata === null || typeof options.photoMetadata !== 'object')) {
    throw new EncodeOptionsError(`photoMetadata must be the blobs to keep, { exif, icc, xmp } of Uint8Arrays; got ${String(options.photoMetadata)}`);
  }
  if (options.tiles !== undefined) {
    const { columns, rows } = options.tiles;
    if (![columns, rows].every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_TILES_A_SIDE)) {
      throw new EncodeOptionsError(`tiles must be whole numbers of columns and rows from 1 to ${MAX_TILES_A_SIDE}; got ${String(columns)}x${String(rows)}`);
    }
  }
  const { warmup, schedule, weightDecay, restarts } = checkFitSettings(options, 'pixel', DEFAULT_IMAGE_WEIGHT_DECAY);
  // The whole photo's detail, once: it sets the bits per weight, and busy photos give the residual more of the rate and rank its shapes with MS-SSIM weighed more.
  const detail = regionDetail(image, [0, 0, image.width, image.height]);
  const fullBpp = options.bpp ?? DEFAULT_BPP;
  const residualShare = checkResidualShare(options, detail, fullBpp);
  const rateMode = isRateMode(options);
  // With a residual the networks are planned for their share of the rate; the residual fills the rest.
  const { tiling, arch, bpp, overlap, widths, passes } = planEncode(image, rateMode && residualShare > 0 ? { ...options, bpp: fullBpp * (1 - residualShare) } : options, detail, fullBpp);
  const blend = overlap > 0 ? { overlap: [overlap, overlap] } : undefined;
  const stored = options.photoMetadata === undefined ? undefined : deflateMetadata(options.photoMetadata);
  checkMetadataSize(stored);
  const fourier = arch.fourier ?? 0;
  const alpha = options.alpha ?? defaultImageAlpha(arch.width, arch.depth);
  const lr = options.lr ?? defaultLearningRate(fourier, arch.width);
  const seed = options.seed ?? 1;
  const timeLimit = options.timeLimitSeconds;
  // With a time limit and no step count, the clock ends the fit.
  const unbounded = options.steps === undefined && timeLimit !== undefined;
  const steps = options.steps ?? (unbounded ? 1_000_000 : passes);
  // Fine-tuning on the grid pays on coarse fixed grids only (DEFAULT_IMAGE_QAT_STEPS).
  const qatSteps = options.qatSteps ?? (rateMode ? DEFAULT_IMAGE_QAT_STEPS : unbounded ? 200 : Math.max(10, Math.round(steps * QAT_STEP_FRACTION)));

  const tune = options.tune ?? DEFAULT_TUNING;
  if (!TUNINGS.includes(tune)) throw new EncodeOptionsError(`tune must be one of ${TUNINGS.join(', ')}; got ${String(tune)}`);
  const weighting = options.contrastWeighting ?? tuningWeighting(tune, detail, fullBpp);
  const variance = weighting.strength !== 0 ? localLumaVariance(image, weighting.radius) : undefined;
  const tiles: Tile[] = tileRegions(image.width, image.height, tiling.columns, tiling.rows, [tiling.xs, tiling.ys]).map((region, index) => {
    const frame = (blend === undefined ? region : extendRegion(region, [image.width, image.height], blend.overlap)) as unknown as ImageRegion;
    const margin = Math.min(overlap, options.fitMargin ?? DEFAULT_FIT_MARGIN);
    const fitted = extendRegion(region, [image.width, image.height], [margin, margin]) as unknown as ImageRegion;
    const data = { ...tileData(image, fitted, frame), ...(variance === undefined ? {} : { weights: contrastWeights(variance, image.width, fitted, weighting.strength) }) };
    const points = data.targets.length / image.channels;
    const batchRows = batchRowsFor(points, options.batch ?? DEFAULT_BATCH_POINTS);
    const width = widths[index]!;
    const tileArch = width === arch.width ? arch : { ...arch, width };
    return { region, frame, arch: tileArch, alpha: options.alpha ?? defaultImageAlpha(width, arch.depth, arch.width), lr: options.lr ?? defaultLearningRate(fourier, width), ...(batchRows === undefined ? data : padToBatches(shufflePoints(data, seed + index), batchRows)), points, batchRows };
  });
  const largest = tiles.reduce((a, b) => (b.points > a.points ? b : a));
  const batch = largest.batchRows ?? largest.points;
  const filterMode = options.filter ?? 'auto';
  if (!FILTER_MODES.includes(filterMode)) throw new EncodeOptionsError(`filter must be one of ${FILTER_MODES.join(', ')}; got ${String(filterMode)}`);
  // The filter's size is fixed by its shape, so the rate control sizes the file with a placeholder of it
  // (with fixed bits, the shape follows the file's size once it is known).
  const targetBytes = (bpp * image.width * image.height) / 8;
  const reserved = filterMode === 'auto' && rateMode ? filterShapeFor(targetBytes, image.channels) : undefined;
  const placeholder = reserved && placeholderFilter(reserved, image.channels);
  const headerFor = (
    quality: number, fitted: FitSummary, filter: RestorationFilter | undefined, withMetadata = false, residual?: ImageResidual, finalFilter?: RestorationFilter,
  ): SnfHeader => ({
    kind: 'image', width: image.width, height: image.height, layout: LAYOUTS[image.channels],
    colorSpace: 'srgb', normalization: 'symmetric8', ...(blend === undefined ? {} : { blend }), ...(filter === undefined ? {} : { filter }),
    ...(residual === undefined ? {} : { residual }), ...(finalFilter === undefined ? {} : { finalFilter }),
    // No wall-clock time in the file: the same input and options must give the same bytes.
    // Optimizer steps (spec §3.7), of the largest tile: passes × its batches.
    ...(options.metadata === true ? { train: {
      steps: fitted.steps * Math.ceil(largest.points / batch), ...(largest.batchRows === undefined ? {} : { batch }),
      alpha, lr, schedule, seed, psnr: Math.round(quality * 1000) / 1000, engine: fitted.engine, init: 'ws',
    } } : {}),
    ...(withMetadata && stored !== undefined ? { metadata: stored } : {}),
  });
  // Steps per unit (format 5) where the rate sets the steps; fixed bits keep one step a tensor, so that no value needs more bits than asked.
  const unitScales = rateMode && (options.unitScales ?? true);
  const fileFor = (tensors: QuantizedTensor[][], header: SnfHeader): Uint8Array =>
    writeSnf({ header, networks: tiles.map((tile, t) => ({ region: [...tile.region], arch: tile.arch, tensors: tensors[t]!, unitScales })), sharedContexts: true });
  // The networks' field as the decoder renders it at the source's size, before the filter and the residual, and
  // rounded to the source's samples (a 16-bit image's 16-bit ones too, which `snfc decode --bit-depth 16` gives back).
  const renderNetworks = rememberLast(async (tensors: QuantizedTensor[][]): Promise<{ field: FieldImage; decoded: Raster }> => {
    await initKernels();
    const rendered: ImageNetwork[] = tiles.map((tile, t) => ({ region: tile.region, frame: tile.frame, arch: tile.arch, params: networkParams({ arch: tile.arch, tensors: tensors[t]!, unitScales }) }));
    const field = await renderField(image.width, image.height, image.channels, rendered, image.width, image.height, selectForward(), { overlap: blend?.overlap, grid: selectGrid() });
    return { field, decoded: rasterFromField(field, NATIVE_SCALE, image.data16 ? { sampleBits: 16 } : {}) };
  });
  // Exact at the source's own precision.
  const exactDecode = async (tensors: QuantizedTensor[][]): Promise<boolean> => {
    const { decoded } = await renderNetworks(tensors);
    return image.data16 ? sameSamples(image.data16, decoded.data16!) : psnr(image, decoded) === Infinity;
  };
  // Fit, choose the quantization (the slope λ that fills the budget, or fixed bits), fine-tune, quantize (fit-networks.ts).
  const residualSearch = options.residualSearch ?? searchInThisThread;
  const choice = residualChoice(tune, detail, fullBpp);
  const pixels = image.width * image.height;
  // Under --time the fit leaves what follows it its expected time: the filter's fit, the residual's search and the
  // final filter's fit (about the restoration filter's time).
  const withResidualPlanned = rateMode && residualShare > 0;
  // With a residual, on a small image twice: on the fitted networks, and on networks that hold the image's mean
  // (below), which need no restoration filter, only the final one.
  const triesMean = withResidualPlanned && triesMeanNetworks(pixels);
  const finishes = withResidualPlanned ? (triesMean ? 2 : 1) : 0;
  const finishSeconds = timeLimit === undefined ? 0
    : pixels * FILTER_SECONDS_PER_PIXEL * (1 + finishes) + finishes * residualSearchSeconds(residualSearch, choice, pixels);
  const trained = await trainNetworks({
    arch, dims: 2, sets: tiles, alpha, lr, schedule, seed, restarts, steps, qatSteps, warmup, weightDecay, createEngine: options.engine ?? defaultEngine,
    timeLimitSeconds: timeLimit, finishSeconds, elapsed, unitScales,
    // PSNR is stored with the same MessagePack width whatever its value, so a placeholder sizes the file (without the kept
    // metadata) to within the few bytes by which the deflated header (spec §2.2) depends on values.
    grid: rateMode ? { targetBytes, sizeOf: (tensors, fitted) => fileFor(tensors, headerFor(99.999, fitted, placeholder)).length, exact: exactDecode } : { bits: options.bits ?? 8 },
    onStep: (done, total, loss) => options.onStep?.(done, total, trainingPsnr(loss)),
  });
  const fitSummary: FitSummary = { steps: trained.fitSteps, engine: trained.engine };
  const fullTargetBytes = (fullBpp * image.width * image.height) / 8;
  // Past the time limit the search keeps what it has found (`Date.now()`: the clock its worker threads share).
  const deadline = timeLimit === undefined ? undefined : Date.now() + (timeLimit - elapsed()) * 1000;
  // The residual fills the file less the final filter's bytes.
  const finalShape = filterMode === 'auto' && withResidualPlanned ? filterShapeFor(fullTargetBytes, image.channels, FINAL_FILTER_SHAPES) : undefined;
  // What follows the fit, on `networks`' tensors: the filter (of `filterShape`), the residual and the final filter.
  const finishWith = async (networks: QuantizedTensor[][], filterShape: FilterShape | undefined) => {
    const { field, decoded: unfiltered } = await renderNetworks(networks);
    // The filter is fitted to the field the decoder renders, and the PSNR measured through it, as decode will.
    const filtered = filterField(image, field, unfiltered, filterShape);
    // A decode that is already exact (a flat image) leaves the residual nothing to code.
    const withResidual = withResidualPlanned && filtered.psnr !== Infinity
      ? await fillWithResidual(image, filtered.base, fullTargetBytes, choice, residualSearch, deadline, finalShape,
        (residual, finalPlaceholder) => fileFor(networks, headerFor(99.999, fitSummary, filtered.filter, false, residual, finalPlaceholder)).length)
      : undefined;
    const decoded = withResidual?.decoded ?? filtered.decoded;
    return { tensors: networks, ...filtered, withResidual, decoded, quality: withResidual ? psnr(image, decoded) : filtered.psnr };
  };
  const filterShape = rateMode || filterMode === 'off' ? reserved : filterShapeFor(fileFor(trained.tensors, headerFor(0, fitSummary, undefined)).length, image.channels);
  let finished = await finishWith(trained.tensors, filterShape);
  let meanNetworks: { fittedPsnr: number } | undefined;
  // The same file with networks that hold the image's mean alone (every weight 0, a few bytes), the residual taking
  // the rest of the rate, where it decodes better by the residual's own ranking (`choice`): the DCT codes busy
  // texture better than a small network does, and a starved network can decode worse than none (a busy 32×32 crop at
  // 5 bpp: 26.6 dB with its network of 2.3 bits a weight, 40.0 with the mean). Measured: docs/studies.md, "Networks
  // or the residual alone". Images up to 512×384 only (triesMeanNetworks): on full-size photos MS-SSIM fell.
  if (triesMean && finished.quality !== Infinity) {
    // No restoration filter: a flat field gives it nothing to restore.
    const mean = targetsMean(image.channels, regionTargets(image, [0, 0, image.width, image.height]))!;
    const alone = await finishWith(meanNetworksOf(tiles, mean, unitScales), undefined);
    // Only a file that holds a residual: where none fits the rate (a tiny image's header takes it), a flat decode is no better file.
    if (alone.withResidual !== undefined && qualityOf(image, alone.decoded, choice) > qualityOf(image, finished.decoded, choice)) {
      meanNetworks = { fittedPsnr: finished.quality };
      finished = alone;
    }
  }
  const { tensors, filter, psnr: networkPsnr, unfilteredPsnr, withResidual, decoded, quality } = finished;
  const residual = withResidual?.residual;
  const finalFilter = withResidual?.finalFilter;
  const tilePsnrs = tiles.map((tile) => psnrFromMse(regionMeanSquaredError(image, decoded, tile.region)));
  const bytes = fileFor(tensors, headerFor(quality, fitSummary, filter, true, residual, finalFilter));
  const metadataBytes = stored === undefined ? 0 : bytes.length - fileFor(tensors, headerFor(quality, fitSummary, filter, false, residual, finalFilter)).length;
  // The rate control sized the file with placeholders, which a deflated header (spec §2.2) may miss by a few bytes: the
  // file as written says whether the target was hit.
  const rateHit = trained.rateHit === undefined ? undefined : withinRate(bytes.length - metadataBytes, fullTargetBytes);
  const params = tiles.reduce((sum, tile) => sum + parameterCount(tile.arch), 0);
  const allTensors = tensors.flat();
  return {
    bytes, psnr: quality, arch, tiles: tiling, overlap, params, bits: Math.max(...allTensors.map((t) => t.bits)),
    bitsPerParam: (8 * inspectSnf(bytes).payloadBytes) / params, alpha, lr, schedule, weightDecay, seed, restarts: trained.restarts, steps: trained.fitSteps, batch, qatSteps: trained.qatSteps,
    seconds: elapsed(), engine: trained.engine, ...(rateHit === undefined ? {} : { rateHit }), metadataBytes, widths, tilePsnrs, tune,
    filterClasses: filter === undefined ? 0 : filterClasses(filter), filterDirections: filter === undefined ? 0 : filter.directions ?? 1, unfilteredPsnr,
    residualBytes: withResidual?.bytes ?? 0, residualShare: rateMode ? residualShare : 0, detail, networkPsnr,
    finalFilterClasses: finalFilter === undefined ? 0 : filterClasses(finalFilter) * (finalFilter.directions ?? 1),
    residualPsnr: withResidual === undefined ? networkPsnr : psnr(image, withResidual.residualDecoded),
    ...(meanNetworks === undefined ? {} : { meanNetworks }),
  };
}

/**
 * Networks that hold the image's mean alone: every weight and bias 0 but the output bias, `mean` (the whole image's),
 * the same in every tile. Each tile's own mean decoded as well (kodim18 at 1 bpp: 31.43 dB against 31.42) but put
 * steps between the tiles, which the blend turns into ramps that the residual's coarse steps leave as seams (ratio
 * 1.088 against 0.989; docs/studies.md, "Networks or the residual alone").
 */
function meanNetworksOf(tiles: readonly Tile[], mean: Float32Array, unitScales: boolean): QuantizedTensor[][] {
  return tiles.map((tile) => {
    const params = biasOnlyNetwork(tile.arch, mean);
    return quantizeWithSteps(tile.arch, params, fixedBitSteps(tile.arch, params, MEAN_NETWORK_BITS), unitScales);
  });
}

/** Whether `options` ask for a target rate (the default) rather than a fixed width and bits. */
function isRateMode(options: ImageEncodeOptions): boolean {
  return options.bpp !== undefined || options.width === undefined;
}

/** `options.residual`, checked; the default for a photo of `detail` at `bpp` where absent. */
function checkResidualShare(options: ImageEncodeOptions, detail: number, bpp: number): number {
  const share = options.residual ?? defaultResidualShare(detail, bpp);
  if (typeof share !== 'number' || !(share >= 0 && share <= MAX_RESIDUAL_SHARE)) {
    throw new EncodeOptionsError(`residual must be a share of the rate from 0 to ${MAX_RESIDUAL_SHARE}; got ${String(share)}`);
  }
  if (options.residual !== undefined && share > 0 && !isRateMode(options)) {
    throw new EncodeOptionsError('residual is a share of a target rate: give it with bpp, not with a fixed width');
  }
  return share;
}

/** Whether two sample arrays are equal, sample for sample. */
function sameSamples(a: Uint16Array, b: Uint16Array): boolean {
  return a.length === b.length && a.every((sample, i) => sample === b[i]);
}
