import sharp from 'sharp';
import { psnr, reportPsnr } from '../metrics/psnr.js';
import type { Raster } from '../raster.js';
import { msSsim } from '../metrics/ms-ssim.js';

/**
 * The classic codecs of `snfc bench`, through sharp (libvips): JPEG by
 * mozjpeg, WebP by libwebp, AVIF by libheif + libaom. Each is swept over
 * its quality setting; every point is decoded again by sharp and measured
 * on 8-bit RGB.
 */

/** Codecs the bench knows: the neural field and the three through sharp. */
export const CODEC_NAMES = ['snf', 'jpeg', 'webp', 'avif'] as const;
export type CodecName = (typeof CODEC_NAMES)[number];
export type SharpCodecName = Exclude<CodecName, 'snf'>;

/**
 * Encoder settings besides quality, recorded in every result entry. sharp's
 * defaults, spelled out so a change of sharp's defaults does not silently
 * change the meaning of stored results: mozjpeg with its trellis
 * quantization and 4:2:0 chroma; WebP effort 4 (4:2:0); AVIF effort 4, 4:4:4.
 */
export const SHARP_SETTINGS = {
  jpeg: { mozjpeg: true, chromaSubsampling: '4:2:0' },
  webp: { effort: 4 },
  avif: { effort: 4, chromaSubsampling: '4:4:4' },
} as const;

/**
 * Qualities swept (sharp's 1–100 scale): dense where the rates of interest
 * (0.1–3 bpp on photographs) lie, a few at the extremes. 26 points.
 */
export const QUALITY_GRID: readonly number[] = [1, 3, 5, 8, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 88, 90, 92, 95, 98, 100];

/** One measured point of a sweep. */
export interface CodecPoint {
  readonly quality: number;
  /** Size of the whole file as written. */
  readonly bytes: number;
  /** bytes × 8 / pixels. */
  readonly bpp: number;
  /** dB, 8-bit RGB, peak 255; at most PSNR_REPORT_CAP (100, an exact decode). */
  readonly psnr: number;
  /** The decode was exact (psnr is then the cap). Absent from entries written before it existed. */
  readonly lossless?: boolean;
  /** MS-SSIM (RGB, mean of channels). */
  readonly msssim: number;
  /** Scales MS-SSIM used (5 unless the image is small). */
  readonly msssimScales: number;
  /** Encode + decode time. */
  readonly seconds: number;
}

/** Encodes an 8-bit RGB raster with `codec` at `quality` and decodes it back to RGB. */
export async function roundTrip(image: Raster, codec: SharpCodecName, quality: number): Promise<{ bytes: Uint8Array; decoded: Raster }> {
  if (image.channels !== 3) throw new RangeError(`the bench compares RGB images, got ${image.channels} channels`);
  const input = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
  const encoded = await (codec === 'jpeg' ? input.jpeg({ quality, ...SHARP_SETTINGS.jpeg })
    : codec === 'webp' ? input.webp({ quality, ...SHARP_SETTINGS.webp })
      : input.avif({ quality, ...SHARP_SETTINGS.avif })).toBuffer();
  const { data, info } = await sharp(encoded).toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.width !== image.width || info.height !== image.height || info.channels !== 3) {
    throw new Error(`${codec} at quality ${quality} decoded to ${info.width}x${info.height}x${info.channels}, not ${image.width}x${image.height}x3`);
  }
  return {
    bytes: new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.length),
    decoded: { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) },
  };
}

/**
 * `codec`'s decode of `image` at the highest of `qualities` whose file is at
 * most `budget` bytes: the comparison "at equal bytes" of the crop and
 * error studies.
 * @throws Error when even the lowest quality is larger.
 */
export async function highestQualityWithin(
  image: Raster, codec: SharpCodecName, budget: number, qualities: readonly number[] = QUALITY_GRID,
): Promise<{ quality: number; bytes: number; decoded: Raster }> {
  let best: { quality: number; bytes: number; decoded: Raster } | undefined;
  for (const quality of qualities) {
    const { bytes, decoded } = await roundTrip(image, codec, quality);
    if (bytes.length <= budget && (!best || quality > best.quality)) best = { quality, bytes: bytes.length, decoded };
  }
  if (!best) throw new Error(`${codec}: even quality ${Math.min(...qualities)} is larger than ${budget} bytes`);
  return best;
}

/** Measures one point of a sweep: rate, PSNR and MS-SSIM of `codec` at `quality`. */
export async function measureSharpPoint(image: Raster, codec: SharpCodecName, quality: number): Promise<CodecPoint> {
  const started = performance.now();
  const { bytes, decoded } = await roundTrip(image, codec, quality);
  const seconds = (performance.now() - started) / 1000;
  const similarity = msSsim(image, decoded);
  return {
    quality, bytes: bytes.length, bpp: (bytes.length * 8) / (image.width * image.height),
    ...reportPsnr(psnr(image, decoded)), msssim: similarity.value, msssimScales: similarity.scales, seconds,
  };
}

/**
 * The rate at which a sweep reaches `quality`: along `front` (a Pareto front, rising in rate and quality, as
 * `paretoFront` gives), log(bpp) interpolated linearly between the two points whose quality brackets it. null where
 * the sweep does not reach it, or starts above it: no extrapolation.
 *
 * @example rateAtQuality(paretoFront(points), 34.2, (p) => p.psnr)
 */
export function rateAtQuality<T extends { readonly bpp: number }>(front: readonly T[], quality: number, value: (p: T) => number): number | null {
  for (let i = 1; i < front.length; i++) {
    const lo = front[i - 1]!;
    const hi = front[i]!;
    if (value(lo) <= quality && quality <= value(hi) && lo.bpp > 0) {
      const t = value(hi) === value(lo) ? 0 : (quality - value(lo)) / (value(hi) - value(lo));
      return Math.exp(Math.log(lo.bpp) + t * Math.log(hi.bpp / lo.bpp));
    }
  }
  return null;
}

/**
 * A quantity of a sweep at rate `bpp`, interpolated linearly in log(bpp)
 * between the two neighbouring points of the sweep sorted by rate (when
 * several points share a rate, the first is used). null when `bpp` lies
 * outside the swept rates: no extrapolation.
 *
 * @example interpolateAtRate(points, 0.5, (p) => p.psnr)
 */
export function interpolateAtRate<T extends { readonly bpp: number }>(points: readonly T[], bpp: number, value: (p: T) => number): number | null {
  const sorted = [...points].filter((p) => p.bpp > 0).sort((a, b) => a.bpp - b.bpp);
  if (sorted.length === 0 || !(bpp > 0)) return null;
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  if (bpp < first.bpp || bpp > last.bpp) return null;
  for (let i = 0; i < sorted.length; i++) {
    const hi = sorted[i]!;
    if (hi.bpp === bpp) return value(hi);
    if (hi.bpp > bpp) {
      const lo = sorted[i - 1]!;
      const t = Math.log(bpp / lo.bpp) / Math.log(hi.bpp / lo.bpp);
      return value(lo) + t * (value(hi) - value(lo));
    }
  }
  return null;
}
