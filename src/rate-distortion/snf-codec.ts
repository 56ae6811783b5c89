import { psnr, reportPsnr } from '../metrics/psnr.js';
import type { Raster } from '../raster.js';
import type { EngineName } from '../encoder/network/engines.js';
import { msSsim } from '../metrics/ms-ssim.js';
import { seamRatio } from '../metrics/seams.js';
import type { Tuning } from '../encoder/image/contrast-weights.js';
import type { TileEdgeMode } from '../encoder/image/tile-edges.js';

/**
 * snf as a bench codec: encode at a target rate, decode the file with the
 * real decoder, measure what came back.
 */

/** The snf settings a bench run uses; part of every snf entry's key. */
export interface SnfBenchSettings {
  /** Passes of the fit; undefined: the encoder's default. */
  readonly steps?: number;
  /** Pixels per Adam step (0: all); undefined: the encoder's default. */
  readonly batch?: number;
  /** Training time limit per encode, seconds; undefined: none. */
  readonly timeLimitSeconds?: number;
  readonly engine: EngineName;
  /** Initialization seed; undefined: the encoder's default. */
  readonly seed?: number;
  /** What the fit minimizes (`--tune`); undefined: the encoder's default. */
  readonly tune?: Tuning;
  /** Fits of every network, the best kept (`--restarts`); undefined: the encoder's default (1). */
  readonly restarts?: number;
  /** Share of the rate given to the DCT residual (`--residual`); undefined: the encoder's default. */
  readonly residual?: number;
  /** Where the tiles meet (`--tile-edges`); undefined: the encoder's default. */
  readonly tileEdges?: TileEdgeMode;
}

/** One measured snf point. */
export interface SnfPoint {
  readonly targetBpp: number;
  readonly bytes: number;
  readonly bpp: number;
  /** dB, measured on what `decodeImage` returns; at most PSNR_REPORT_CAP (100, an exact decode). */
  readonly psnr: number;
  /** The decode was exact (psnr is then the cap). Absent from entries written before it existed. */
  readonly lossless?: boolean;
  /** What the encoder reported (capped alike); differs from `psnr` only if encoder and decoder disagree. */
  readonly encoderPsnr: number;
  readonly msssim: number;
  readonly msssimScales: number;
  /** Units per sine layer and sine layers of the network the rate picked. */
  readonly networkWidth: number;
  readonly networkDepth: number;
  /** Passes actually run (fewer than asked when the time limit struck). */
  readonly steps: number;
  /** Pixels per Adam step in the largest tile. Absent from entries written before mini-batches (all pixels). */
  readonly batch?: number;
  /** Encode + decode time. */
  readonly seconds: number;
  /**
   * With more than one tile: the mean error on the tile edges over that of
   * the rest (`seamRatio`; 1: no seam). Absent from entries written before
   * tiles were blended, and for one tile.
   */
  readonly seams?: number;
  /** Tiles as CxR and the pixels they overlap (0: hard edges). */
  readonly tiles?: string;
  /** The tiles' inner edges on x and y (`--tile-edges`), with more than one tile. Absent from entries before session 39 (equal tiles). */
  readonly tileEdges?: { readonly xs: readonly number[]; readonly ys: readonly number[] };
  readonly overlap?: number;
  /** Each tile's network width, when they differ (`--allocation detail`). */
  readonly widths?: number[];
  /** PSNR of the worst tile (capped like `psnr`): far below the image's, a fit went wrong. Absent from older entries. */
  readonly tilePsnrMin?: number;
  /** What the fit minimized. Absent from entries written before `--tune` (plain squared error, `psnr`). */
  readonly tune?: Tuning;
  /** Fits of every network, the best kept. Absent from entries written before `--restarts` (1). */
  readonly restarts?: number;
  /** Bytes of the DCT residual (0: none). Absent from entries written before format x.6 (none). */
  readonly residualBytes?: number;
}

/**
 * Encodes `image` at `targetBpp` and measures the decoded file. The encoder
 * and decoder are imported on first use, so listing or resuming a bench
 * that needs no snf work does not load them.
 */
export async function measureSnfPoint(
  image: Raster, targetBpp: number, settings: SnfBenchSettings, onStep?: (step: number, steps: number) => void,
): Promise<SnfPoint> {
  const [{ encodeImage }, { engineByName }, { decodeImage }] = await Promise.all([
    import('../encoder/image/encode-image.js'), import('../encoder/network/engines.js'), import('../decoder/index.js'),
  ]);
  const started = performance.now();
  const result = await encodeImage(image, {
    bpp: targetBpp, steps: settings.steps, batch: settings.batch, timeLimitSeconds: settings.timeLimitSeconds, seed: settings.seed, tune: settings.tune, restarts: settings.restarts,
    residual: settings.residual, tileEdges: settings.tileEdges, engine: await engineByName(settings.engine), onStep,
  });
  const decoded = await decodeImage(result.bytes);
  const seconds = (performance.now() - started) / 1000;
  const similarity = msSsim(image, decoded);
  return {
    targetBpp, bytes: result.bytes.length, bpp: (result.bytes.length * 8) / (image.width * image.height),
    ...reportPsnr(psnr(image, decoded)), encoderPsnr: reportPsnr(result.psnr).psnr, msssim: similarity.value, msssimScales: similarity.scales,
    networkWidth: result.arch.width, networkDepth: result.arch.depth, steps: result.steps, batch: result.batch, seconds,
    tiles: `${result.tiles.columns}x${result.tiles.rows}`, overlap: result.overlap,
    ...(new Set(result.widths).size > 1 ? { widths: result.widths } : {}), tilePsnrMin: reportPsnr(Math.min(...result.tilePsnrs)).psnr, tune: result.tune, restarts: result.restarts,
    residualBytes: result.residualBytes,
    ...(result.tiles.columns * result.tiles.rows > 1
      ? { tileEdges: { xs: result.tiles.xs, ys: result.tiles.ys }, seams: seamRatio(image, decoded, result.tiles).ratio } : {}),
  };
}
