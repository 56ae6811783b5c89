/**
 * What `snfc encode` and `snfc batch` say about a file whose rate went wrong:
 * off the `--bpp` target, or on it with a network too starved of bits to hold
 * the image. Shared so that both say the same thing.
 */
import { defaultResidualShare, MAX_BPP } from '../encoder/image/image-defaults.js';
import { formatPsnr } from '../metrics/psnr.js';

/** How far a rate is from the one asked, in words: `5 % above`, `12 % below`, or past twice it `3.8 times`. */
export function howFarFrom(rate: number, asked: number): string {
  // Past twice the target a percentage says little (a 1×1 image's header alone is hundreds of bpp): a factor does.
  const ratio = rate / asked;
  const times = ratio < 100 ? ratio.toFixed(1) : ratio < 1e6 ? ratio.toFixed(0) : ratio.toExponential(1);
  // Under 10 % one decimal, so that a miss just past the ±5 % tolerance does not read as "5 % above".
  const percent = 100 * Math.abs(ratio - 1);
  return ratio >= 2 ? `${times} times` : `${percent.toFixed(percent < 10 ? 1 : 0)} % ${rate > asked ? 'above' : 'below'}`;
}

/**
 * The warning for a file whose size missed `--bpp` by more than the tolerance. `subject` names what was measured:
 * the rate leaves out kept metadata (--keep-metadata), which the summary line's bpp includes.
 */
export function rateMissWarning(bpp: number, targetBpp: number, subject = 'the file'): string {
  const off = `${bpp.toFixed(3)} bpp, ${howFarFrom(bpp, targetBpp)} the ${targetBpp} bpp asked`;
  if (bpp <= targetBpp) return `snfc: warning: ${subject} is ${off}: the quantization search could not get closer; try another --width or --depth`;
  // Past the largest --bpp, asking for more cannot help.
  return bpp > MAX_BPP
    ? `snfc: warning: ${subject} is ${off}: even its smallest network and header need more than any --bpp gives an image this small`
    : `snfc: warning: ${subject} is ${off}: even coarsely quantized it needs more at this image size; ask for a higher --bpp`;
}


/**
 * Whether a file missed its rate from below because its decode is exact: the rate control stops at the smallest exact
 * file (a flat image, silence), since more bytes would change nothing. Nothing is missing, so it gets a notice, not
 * the rate-miss warning; a tiny flat image can be exact and still above its rate, and that is a miss.
 */
export function exactBelowRate(result: { rateHit?: boolean; psnr: number }, rate: number, asked: number): boolean {
  return result.rateHit === false && result.psnr === Infinity && rate < asked;
}

/** Decimals of a rate in a line, as the encode lines give them: `0.083 bpp`, `1.2 kbps`. */
const RATE_DIGITS = { bpp: 3, kbps: 1 } as const;

/**
 * What `snfc encode` prints about a file's rate, or nothing: the notice for `exactBelowRate` (not with --quiet), else
 * a warning for a file off its rate (even with --quiet, on stderr, so --json stays parseable): `missWarning`'s, or for
 * an exact decode above its rate (a tiny flat image, a clip of a few samples) that this smallest file is exact, where
 * a higher rate would change nothing.
 */
export function reportRate(
  result: { rateHit?: boolean; psnr: number }, rate: number, asked: number, unit: keyof typeof RATE_DIGITS, quiet: boolean, missWarning: (rate: number, asked: number) => string,
): void {
  if (exactBelowRate(result, rate, asked)) {
    if (!quiet) process.stderr.write(`snfc: notice: the decode is exact (lossless) at ${rate.toFixed(RATE_DIGITS[unit])} ${unit}; the ${asked} ${unit} asked would add nothing\n`);
  } else if (result.rateHit === false) {
    const off = `${rate.toFixed(RATE_DIGITS[unit])} ${unit}, ${howFarFrom(rate, asked)} the ${asked} ${unit} asked`;
    process.stderr.write((result.psnr === Infinity ? `snfc: warning: the file is ${off}: it is the smallest the encoder makes of this input, and its decode is exact (lossless)` : missWarning(rate, asked)) + '\n');
  }
}

/**
 * Coded bits per weight below which the rate control starved the network: most of its weights round to
 * zero and the file is mostly header (a 32x32 image at 1 bpp: 0 bits per weight, 13 dB). The sizing aims
 * at 6 (5 for a busy photo); at 5 a small network still holds a recognisable image.
 */
const STARVED_BITS_PER_WEIGHT = 3;

/** What the warnings read of an image encode's result. */
export interface RateOutcome {
  readonly bytes: Uint8Array;
  /** Bytes of kept metadata in the file: the rate control sizes the file without them, and so do the warnings. */
  readonly metadataBytes: number;
  readonly rateHit?: boolean;
  readonly params: number;
  readonly bitsPerParam: number;
  /** Bytes of the DCT residual (spec §3.11): in the header, but the rate's, not the networks' overhead. */
  readonly residualBytes?: number;
  /** The image's `regionDetail`, which sets the residual's default share at any rate (it grows with the rate). */
  readonly detail: number;
  /** PSNR of the decode: an exact one (Infinity) starves nothing, however few its bits per weight. */
  readonly psnr: number;
  /** PSNR of the networks alone, before the residual: far below `psnr` when the residual holds the image. */
  readonly networkPsnr?: number;
  /** Where the networks hold the image's mean alone, because the residual decoded better without fitted ones. */
  readonly meanNetworks?: { readonly fittedPsnr: number };
  /** What ranked the decodes (`--tune`): PSNR, MS-SSIM or both, so a lower PSNR can be the better file. */
  readonly tune?: string;
}

/**
 * dB by which the residual must lift the networks' PSNR to hold the image itself: 3 dB halves the error. A tiny busy
 * image at 2–5 bpp (32×32) gets +12 to +29 dB from it, 28–38 dB in all: a good decode, not a starved one.
 */
const RESIDUAL_HOLDS_DB = 3;

/** A network the rate control starved: its header's bytes and the rate that would give it enough bits. */
export interface StarvedNetwork {
  readonly bitsPerWeight: number;
  readonly headerBytes: number;
  /** The --bpp at which the same network would get about 8 bits per weight: where precision stops being the limit. */
  readonly enoughBpp: number;
  /**
   * Whether the DCT residual holds the image without the network: then the starved network is a missed chance to add
   * to a good decode (a notice), not an image lost (a warning).
   */
  readonly residualHolds: boolean;
}

/**
 * The starved network of a file that hit its rate, or undefined when it missed it or its weights had bits enough.
 * `askedShare`: the `--residual` given, which any rate keeps; without it the default share at the rate suggested.
 */
export function starvedNetwork(result: RateOutcome, pixels: number, askedShare?: number): StarvedNetwork | undefined {
  // Networks that hold the mean by choice are not starved: their bits went to the residual, which used them better.
  if (result.rateHit !== true || result.bitsPerParam >= STARVED_BITS_PER_WEIGHT || result.psnr === Infinity || result.meanNetworks !== undefined) return undefined;
  const residual = result.residualBytes ?? 0;
  const headerBytes = result.bytes.length - result.metadataBytes - residual - (result.params * result.bitsPerParam) / 8;
  const networkBpp = ((headerBytes + result.params) * 8) / pixels;
  // The residual takes its share of the rate asked for, at least what it took here (a starved file may have had no
  // room for any residual): the networks get the rest. The default share grows with the rate, so the rate that
  // leaves the networks `networkBpp` is found by iterating; it only rises, and the share is at most MAX_RESIDUAL_SHARE.
  const shareAt = (bpp: number): number => askedShare ?? defaultResidualShare(result.detail, bpp);
  const taken = residual / (result.bytes.length - result.metadataBytes);
  let bpp = networkBpp;
  for (let i = 0; i < 8; i++) bpp = networkBpp / (1 - Math.max(shareAt(bpp), taken));
  const enoughBpp = Math.ceil(bpp * 10) / 10;
  const residualHolds = residual > 0 && result.networkPsnr !== undefined && result.psnr >= result.networkPsnr + RESIDUAL_HOLDS_DB;
  return { bitsPerWeight: result.bitsPerParam, headerBytes, enoughBpp, residualHolds };
}

/**
 * What to say about a file that hit `--bpp` but left its network too few bits per weight, or undefined: a warning
 * when the image is lost with it, a notice (none with `quiet`) when the residual holds the image anyway. A file whose
 * networks hold the image's mean by choice gets that notice instead (`meanNetworksNotice`).
 */
export function starvedNetworkReport(result: RateOutcome, pixels: number, targetBpp: number, askedShare: number | undefined, quiet: boolean): string | undefined {
  const mean = meanNetworksNotice(result, targetBpp);
  if (mean !== undefined) return quiet ? undefined : `snfc: notice: ${mean}`;
  const starved = starvedNetwork(result, pixels, askedShare);
  if (starved === undefined) return undefined;
  if (starved.residualHolds) return quiet ? undefined : `snfc: notice: ${residualHoldsNotice(starved, result, targetBpp)}`;
  return `snfc: warning: at ${targetBpp} bpp this image leaves its network ${starved.bitsPerWeight.toFixed(1)} bits per weight after ${Math.round(starved.headerBytes)} bytes of header, ` +
    `too few to hold it (${formatPsnr(result.psnr)}); ask for --bpp ${starved.enoughBpp} or more`;
}

/** The notice's text for a starved network whose file the residual holds (`snfc batch` keeps it in the manifest's notices). */
export function residualHoldsNotice(starved: StarvedNetwork, result: RateOutcome, targetBpp: number): string {
  return `at ${targetBpp} bpp the DCT residual holds this image (${formatPsnr(result.psnr)}, ${formatPsnr(result.networkPsnr!)} from the network alone): ` +
    `its network gets ${starved.bitsPerWeight.toFixed(1)} bits per weight, too few to add much; from --bpp ${starved.enoughBpp} it gets enough`;
}

/**
 * The notice's text for a file whose networks hold the image's mean alone (`ImageEncodeResult.meanNetworks`), or
 * undefined: the DCT residual coded the image better without fitted networks. Not a fault; said so that a PSNR that
 * comes from the residual alone is no surprise.
 */
export function meanNetworksNotice(result: RateOutcome, targetBpp: number): string | undefined {
  if (result.meanNetworks === undefined) return undefined;
  return `at ${targetBpp} bpp the DCT residual alone decodes this image better${result.tune === undefined ? '' : `, as --tune ${result.tune} ranks decodes`} ` +
    `(${formatPsnr(result.psnr)}; with fitted networks ${formatPsnr(result.meanNetworks.fittedPsnr)}): the file's networks hold the image's mean`;
}
