import type { Raster } from '../raster.js';

/**
 * Mean squared error between two rasters of the same shape, over every
 * sample of every channel, on the 0–255 scale.
 */
export function meanSquaredError(a: Raster, b: Raster): number {
  return regionMeanSquaredError(a, b, [0, 0, a.width, a.height]);
}

/**
 * Mean squared error over the pixels [x0, x1) × [y0, y1) of two rasters of
 * the same shape (a tile's error: one network per tile).
 */
export function regionMeanSquaredError(a: Raster, b: Raster, region: readonly [number, number, number, number]): number {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) {
    throw new RangeError(`cannot compare ${a.width}x${a.height}x${a.channels} with ${b.width}x${b.height}x${b.channels}`);
  }
  const [x0, y0, x1, y1] = region;
  let sum = 0;
  for (let y = y0; y < y1; y++) {
    for (let i = (y * a.width + x0) * a.channels, end = (y * a.width + x1) * a.channels; i < end; i++) {
      const d = a.data[i]! - b.data[i]!;
      sum += d * d;
    }
  }
  return sum / ((x1 - x0) * (y1 - y0) * a.channels);
}

/** PSNR in dB for 8-bit samples (peak 255). Identical inputs give Infinity. */
export function psnrFromMse(mse: number): number {
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** PSNR in dB between two 8-bit rasters of the same shape, peak 255. */
export function psnr(a: Raster, b: Raster): number {
  return psnrFromMse(meanSquaredError(a, b));
}

/**
 * The largest PSNR snfc reports, in dB. An exact decode has an infinite PSNR,
 * which JSON cannot hold (`JSON.stringify(Infinity)` is `null`) and which
 * makes means over images meaningless; so reports give at most this value,
 * with `lossless` saying whether the decode was exact. A lossy 8-bit result
 * reaches 100 dB only when almost every sample is exact in an image of more
 * than 150,000 samples (one sample off by one in N samples is
 * 10·log10(255²·N) dB); it is reported as 100 too, with `lossless` false.
 */
export const PSNR_REPORT_CAP = 100;

/** A PSNR as reports give it: finite (at most PSNR_REPORT_CAP), and whether the decode was exact. */
export interface ReportedPsnr {
  readonly psnr: number;
  readonly lossless: boolean;
}

/** `db` (from `psnr`, +Infinity when exact) as reported in --json, `info` and the bench. */
export function reportPsnr(db: number): ReportedPsnr {
  if (Number.isNaN(db)) throw new RangeError('PSNR is NaN');
  return { psnr: Math.min(db, PSNR_REPORT_CAP), lossless: db === Infinity };
}

/** A PSNR for a line of text: `41.27 dB`, or `lossless` for an exact decode. */
export function formatPsnr(db: number, digits = 2): string {
  return db === Infinity ? 'lossless' : `${db.toFixed(digits)} dB`;
}

/** A reported PSNR (`reportPsnr`, as JSON carries it: a manifest, a queue job) back as `formatPsnr` writes it. */
export function formatReportedPsnr(report: ReportedPsnr): string {
  return formatPsnr(report.lossless ? Infinity : report.psnr);
}
