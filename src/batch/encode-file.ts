/**
 * One input file to one .snf file, whatever the signal: the unit of work of
 * `snfc batch`, run on a thread of this machine (pool.ts) or of a queue
 * worker (queue.ts). The input's kind is decided per file, here.
 *
 * Adding a signal (audio): add its kind and extensions to INPUT_KINDS, its
 * settings (`kbps`) to EncodeSettings and to src/cli/encode-options.ts, and
 * a branch in `encodeFile` that decodes the bytes and calls its encoder.
 * Nothing else in src/batch looks at the kind.
 */
import path from 'node:path';
import type { ImageEncodeOptions } from '../encoder/image/encode-image.js';
import { encodeImage, EncodeOptionsError } from '../encoder/image/encode-image.js';
import type { EngineFactory } from '../encoder/network/engine.js';
import { resolveEngine, type EngineName } from '../encoder/network/engines.js';
import { TfjsUnavailableError } from '../encoder/network/tfjs-backend.js';
import { createRefEngine } from '../encoder/network/ref-engine.js';
import { wasmEngineFactory } from '../encoder/network/wasm-engine.js';
import { residualSearchOnThreads } from '../encoder/residual/residual-threads.js';
import { CliError, EXIT } from '../node/errors.js';
import { readPhoto } from '../io/image-io.js';
import { sniffAudio } from '../io/sniff.js';
import { exactBelowRate, meanNetworksNotice, residualHoldsNotice, starvedNetwork } from '../node/rate-warnings.js';
import { reportPsnr } from '../metrics/psnr.js';
import { DEFAULT_BPP } from '../encoder/image/image-defaults.js';

/** Signals `snfc batch` encodes, with the file extensions that pick them when walking a folder. */
export const INPUT_KINDS = {
  image: ['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.avif', '.gif'],
  // audio: ['.wav'],  ← the hook: see the comment at the top of this file.
} as const satisfies Record<string, readonly string[]>;
export type InputKind = keyof typeof INPUT_KINDS;

/** The kind a file's extension names, or undefined for a file a folder walk skips. */
export function inputKindOf(file: string): InputKind | undefined {
  const extension = path.extname(file).toLowerCase();
  for (const [kind, extensions] of Object.entries(INPUT_KINDS) as [InputKind, readonly string[]][]) {
    if (extensions.includes(extension)) return kind;
  }
  return undefined;
}

/**
 * The encode options as plain data: what `snfc encode` and `snfc batch`
 * flags give, what a queued job carries to another machine and what the
 * manifest records to tell a stale output.
 */
export interface EncodeSettings extends Omit<ImageEncodeOptions, 'engine' | 'onStep' | 'photoMetadata'> {
  readonly engine: EngineName;
  /** `--no-auto-orient`: keep the stored pixels. Set only then, so that the default's manifest key is what it was before the flag. */
  readonly autoOrient?: false;
  /** `--keep-metadata`: keep the photo's EXIF, ICC profile and XMP in the file (spec §3.8). Set only then. */
  readonly keepMetadata?: true;
}

/** What one encode gives back. */
export interface EncodedFile {
  /** The complete .snf file. */
  readonly bytes: Uint8Array;
  /** PSNR (dB) of the decoded file against the input; an exact decode is 100 with `lossless` true (JSON has no Infinity: the queue and the manifest carry this). */
  readonly psnr: number;
  readonly lossless: boolean;
  /** Image: bits per pixel of the whole file. */
  readonly bpp: number;
  readonly seconds: number;
  /** With a target rate: whether the file landed within ±5 % of it (a tiny image may not: its header alone is over). */
  readonly rateHit?: boolean;
  /**
   * Set when the file hit its rate but left the network too few bits per weight to hold the image: the --bpp that would
   * give it enough (where the residual holds the image anyway, a notice says so instead).
   */
  readonly enoughBpp?: number;
  /** Set when the file is below its rate because its decode is exact in fewer bytes (a flat image). */
  readonly exactBelowRate?: boolean;
  /**
   * What reading the input changed or left out (an animation's other frames, CMYK converted, …), and a starved network
   * whose image the residual holds, one line each; set when any.
   */
  readonly notices?: readonly string[];
}

/**
 * A failure of one input, as data that crosses threads and machines.
 * `deterministic`: the same input and settings would fail again (not
 * decodable, options this input rules out), so a queue must not retry it.
 */
export interface EncodeFailure {
  readonly message: string;
  readonly exitCode: number;
  readonly deterministic: boolean;
}

export class BatchItemError extends Error {
  constructor(readonly failure: EncodeFailure) {
    super(failure.message);
    this.name = 'BatchItemError';
  }
}

/** The failure an error stands for: user mistakes are deterministic, anything else (out of memory, a bug) may not be. */
export function failureOf(error: unknown): EncodeFailure {
  if (error instanceof BatchItemError) return error.failure;
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode, deterministic: error.exitCode === EXIT.INPUT || error.exitCode === EXIT.USAGE };
  if (error instanceof EncodeOptionsError) return { message: error.message, exitCode: EXIT.USAGE, deterministic: true };
  if (error instanceof TfjsUnavailableError) return { message: `--engine: ${error.message}`, exitCode: EXIT.USAGE, deterministic: true };
  return { message: `internal error: ${error instanceof Error ? error.message : String(error)}`, exitCode: EXIT.FAILURE, deterministic: false };
}

/**
 * The engine of `name`; the WASM engine on `threads` threads (the reference
 * and tfjs engines bring their own parallelism). `auto` is tfjs only where
 * it finds a GPU, as for `snfc encode`.
 */
async function engineFor(name: EngineName, threads: number): Promise<EngineFactory> {
  if (name === 'ref') return createRefEngine;
  const resolved = name === 'wasm' ? undefined : await resolveEngine(name);
  return resolved === undefined || resolved.name === 'wasm' ? wasmEngineFactory({ threads }) : resolved.factory;
}

/** Encodes one input file's bytes; throws what `failureOf` classifies. */
export async function encodeFile(
  kind: InputKind, bytes: Uint8Array, name: string, settings: EncodeSettings, threads: number,
  onStep?: (step: number, steps: number, psnr: number) => void,
): Promise<EncodedFile> {
  switch (kind) {
    case 'image': {
      // Named on the command line, a clip reaches here: say what batch takes rather than "not an image".
      const audio = sniffAudio(bytes);
      if (audio !== undefined) {
        throw new CliError(`'${name}' is ${audio === 'wav' ? 'a WAV clip' : `audio (${audio})`}: snfc batch encodes images; ${audio === 'wav' ? 'encode a clip with snfc encode' : 'convert it to WAV and encode it with snfc encode'}`, EXIT.INPUT);
      }
      const { engine, autoOrient, keepMetadata, ...options } = settings;
      // Upright and in sRGB, as `snfc encode` reads it (docs/photos.md).
      const { image, metadata, notices } = await readPhoto(bytes, name, { autoOrient: autoOrient !== false, keepMetadata: keepMetadata === true });
      // The residual's search shares the job's threads too, not the machine's: other jobs run beside it.
      const result = await encodeImage(image, {
        ...options, ...(keepMetadata ? { photoMetadata: metadata } : {}), engine: await engineFor(engine, threads), residualSearch: residualSearchOnThreads(threads), onStep,
      });
      const pixels = image.width * image.height;
      const starved = starvedNetwork(result, pixels, options.residual);
      // A starved network whose file the residual holds is a notice, as `snfc encode` gives it; else the manifest's enoughBpp.
      const mean = meanNetworksNotice(result, options.bpp ?? DEFAULT_BPP);
      const allNotices = [...notices, ...(mean === undefined ? [] : [mean]), ...(starved?.residualHolds === true ? [residualHoldsNotice(starved, result, options.bpp ?? DEFAULT_BPP)] : [])];
      return {
        bytes: result.bytes, ...reportPsnr(result.psnr), bpp: (result.bytes.length * 8) / pixels, seconds: result.seconds, rateHit: result.rateHit,
        ...(exactBelowRate(result, ((result.bytes.length - result.metadataBytes) * 8) / pixels, options.bpp ?? DEFAULT_BPP) ? { exactBelowRate: true } : {}),
        ...(starved === undefined || starved.residualHolds ? {} : { enoughBpp: starved.enoughBpp }), ...(allNotices.length > 0 ? { notices: allNotices } : {}),
      };
    }
  }
}
