import type { Argv } from 'yargs';
import { ENGINE_NAMES } from '../encoder/network/engines.js';
import { DEFAULT_SCHEDULE, SCHEDULES } from '../encoder/network/trainer.js';
import { TILE_ALLOCATIONS } from '../encoder/image/tile-widths.js';
import { TILE_EDGE_MODES } from '../encoder/image/tile-edges.js';
import { TUNINGS } from '../encoder/image/contrast-weights.js';
import { FILTER_MODES } from '../encoder/image/filter-fit.js';
import { BUSY_RESIDUAL_SHARE, BUSY_RESIDUAL_SHARE_FROM_1_BPP, MAX_BPP, MAX_DEFAULT_PASSES, mostDefaultPasses, MAX_TILES_A_SIDE, BUSY_RESIDUAL_SHARE_FROM_2_BPP, DEFAULT_RESIDUAL_SHARE, MAX_RESIDUAL_SHARE, SMOOTH_RESIDUAL_SHARE_AT_1_BPP, SMOOTH_RESIDUAL_SHARE_FROM_2_BPP, SMOOTH_RESIDUAL_SHARE_TO_QUARTER_BPP } from '../encoder/image/image-defaults.js';
import { MAX_RESTARTS } from '../encoder/network/fit-networks.js';
import { MAX_FOURIER_LEVELS } from '../kernels/input-encoding.js';
import { DEFAULT_AUDIO_BATCH, DEFAULT_AUDIO_LR, DEFAULT_AUDIO_STEPS } from '../encoder/audio/audio-defaults.js';
import type { EncodeSettings } from '../batch/encode-file.js';
import { NUMBER_OPTIONS } from '../encoder/option-values.js';
import { usageError } from '../node/errors.js';
import { integerIn, numberIn, oneOf, positiveNumber, sizeFlag } from './validate.js';

/** A library option's range (option-values.ts), as the flag of the same meaning takes it. */
const libraryRange = (option: string): readonly [number, number] => [NUMBER_OPTIONS[option]!.min, NUMBER_OPTIONS[option]!.max];

/**
 * The range of each numeric flag of an snf encode, [least, most]: what its help states and its check enforces, in
 * `encode`, `batch` and `bench` alike. `alpha`, `omega`, `lr` and `time` must be above their least, not at it. Where
 * the library checks the same option, the range is the library's; width and depth are narrower than the format's
 * limits (4,096 units, 64 layers), which a command-line encode would take hours a photo to reach.
 */
export const FLAG_RANGES: Readonly<Record<
  'width' | 'depth' | 'bits' | 'steps' | 'batch' | 'warmup' | 'alpha' | 'omega' | 'lr' | 'weightDecay' | 'seed' | 'overlap' | 'time',
  readonly [number, number]
>> = {
  width: [1, 1024], depth: [1, 32], bits: libraryRange('bits'), steps: libraryRange('steps'), batch: [0, 2 ** 30], warmup: [0, 0.99],
  alpha: libraryRange('alpha'), omega: libraryRange('omega'), lr: libraryRange('lr'), weightDecay: [0, 1000], seed: libraryRange('seed'),
  overlap: [0, 32768], time: libraryRange('timeLimitSeconds'),
};

/** A whole-number flag's range as its help gives it: `1–1024`. */
export const span = ([least, most]: readonly [number, number]): string => `${least}–${most}`;

/**
 * The encode flags, defined once for every command that encodes (`encode`,
 * `batch`): their help, their ranges and their validation. A new signal's
 * flags (audio's `--kbps`) go here, and both commands get them.
 */
export function withEncodeOptions<T>(yargs: Argv<T>): Argv<T> {
  return yargs
    .option('bpp', { type: 'string', describe: 'Target size in bits per pixel of the whole file (±5 %; less where fewer bytes decode exactly, as a flat image does); picks width and quantization [default: 1]' })
    .option('width', { type: 'string', describe: `Units per sine layer, ${span(FLAG_RANGES.width)} [default: the widest that --bpp allows]` })
    .option('depth', { type: 'string', describe: `Number of sine layers, ${span(FLAG_RANGES.depth)} [default: 4 up to 1 bpp where four layers still leave the tiles\' planned width 16 units (15 among 16 tiles or more) and it is shared out by detail (full-size photos at 0.5 and 1 bpp), else 3; 3 with --width; for a WAV clip 3]` })
    .option('bits', { type: 'string', describe: 'With --width and no --bpp: quantization bits of the body weights, 2–16 (first layer +4) [default: 8]' })
    .option('tiles', { type: 'string', describe: 'Split the image into COLUMNSxROWS tiles, one network each, or auto: tiles of about 192x128 pixels (1x1 for small images, 4x4 for 768x512) [default: auto]' })
    .option('overlap', { type: 'string', describe: 'Pixels each tile reaches into its neighbours, blended at decode so that no seam shows; 0: tiles meet edge to edge (a 2.0 file) [default: 4 with more than one tile, less where tiles are under 8 pixels a side]. For a WAV clip: samples each segment reaches into its neighbours, cross-faded [default: 32]' })
    .option('tile-edges', { type: 'string', describe: 'Where the tiles meet: content moves an inner edge that lies on a strong edge of the photo (a horizon, a shoreline), by at most an eighth of a tile, to a quiet band near it, one with at most half its luma gradient (a 4.9 file when an edge moved; 1 of the 20 Kodak photos); even: equal tiles [default: content]' })
    .option('allocation', { type: 'string', describe: 'How --bpp shares its parameters among the tiles: detail (busy tiles get wider networks, smooth ones narrower) or equal (one width for all) [default: detail]' })
    .option('tune', { type: 'string', describe: 'What the fit minimizes, and how the DCT residual is chosen. balanced: the squared error weighted towards flat areas, where SSIM sees errors most, by (local variance + K)^-0.25 (^-0.5 on a busy photo, and on any photo up to 0.5 bpp), and the residual of the best PSNR + MS-SSIM (MS-SSIM weighed less at low rates: half at 0.5 bpp, not at all at 0.25), its quantization free to weigh the error of busy blocks less and to give them coarser steps than flat ones (MS-SSIM up, PSNR about level); ssim: weighted by ^-0.5, the residual of the best MS-SSIM (MS-SSIM up more, PSNR down); psnr: weighted as balanced, which also fits the networks best by PSNR, and the residual of the best PSNR (PSNR up, MS-SSIM down) [default: balanced]' })
    .option('filter', { type: 'string', describe: 'Restoration filter: auto fits a small linear filter to the decoded image and stores it in the file, coefficients per class of local activity and direction (998 bytes on a photo at 1 bpp, fewer classes on smaller files, none where it would be over 2.5 % of the file; takes back some of the grain and blur, +0.3 to +0.6 dB on photos), and with a residual a smaller one after it (398 bytes and its taps clipped, on a 768x512 photo from 0.35 bpp); off: neither [default: auto]' })
    .option('residual', { type: 'string', describe: `Share of --bpp's bytes spent on a DCT residual (the first coefficients of each 8x8 block of what the networks leave, as JPEG codes a photo) rather than on the networks, 0 to ${MAX_RESIDUAL_SHARE}; brings back texture with periods of 4-16 pixels that the networks blur (MS-SSIM up); its values are chosen by rate and distortion, as mozjpeg's trellis does [default: ${DEFAULT_RESIDUAL_SHARE} at 0.5 bpp, ${SMOOTH_RESIDUAL_SHARE_TO_QUARTER_BPP} at 0.25 bpp and below, ${SMOOTH_RESIDUAL_SHARE_AT_1_BPP} at 1 bpp and ${SMOOTH_RESIDUAL_SHARE_FROM_2_BPP} from 2 bpp (by the log of the rate between); ${BUSY_RESIDUAL_SHARE} on a busy photo, one with fine texture over much of it, rising to ${BUSY_RESIDUAL_SHARE_FROM_1_BPP} at 1 bpp and ${BUSY_RESIDUAL_SHARE_FROM_2_BPP} at 2 bpp]` })
    .option('time', { type: 'string', describe: `Bound the whole encode to this many seconds (at most ${FLAG_RANGES.time[1]}, a week); returns the best result within it. The passes then follow the machine\'s speed and load, so two runs can give different files` })
    .option('steps', { type: 'string', describe: `Passes over every pixel per network, each one Adam step per batch, ${span(FLAG_RANGES.steps)} [default for images: 800 to ${MAX_DEFAULT_PASSES} (at most ${mostDefaultPasses(1)} from 1 bpp), more for smaller networks and fewer for the 5-bit plans of busy photos, so that an encode takes about the same time per pixel at any rate; for a WAV clip ${DEFAULT_AUDIO_STEPS}; or as many as --time allows]` })
    .option('batch', { type: 'string', describe: `Pixels per Adam step: each pass steps through random batches of about this many of a tile's pixels (a multiple of 256, at most 2^30); 0: one step on every pixel [default: 1536; for a WAV clip ${DEFAULT_AUDIO_BATCH} samples]` })
    .option('warmup', { type: 'string', describe: 'Fraction of the fit over which the learning rate rises from a tenth of --lr to it, 0 to 0.99 [default: 0.05]' })
    .option('fourier', { type: 'string', describe: 'Fourier levels of the input encoding, 0–16: the network also sees sin and cos of 2^k·π·x for k < L (0: plain coordinates) [default: from the tile size: 6 from 128 pixels a side, two fewer per halving (2 for 32x32); for a WAV clip from the segment: levels up to a step below its Nyquist rate (12 for 0.25 s at 44.1 kHz)]' })
    .option('alpha', { type: 'string', describe: `WS init scale α, above 0 and at most ${FLAG_RANGES.alpha[1]} [default: 1 up to width 64, +0.75 per doubling, 2.5 from 256; 0.5 for image networks of 4 sine layers or more up to width 64, the default depth at 0.5 and 1 bpp, and for plans under 16 units]` })
    .option('omega', { type: 'string', describe: `ω of every sine layer, above 0 and at most ${FLAG_RANGES.omega[1]} [default: 30]` })
    .option('lr', { type: 'string', describe: `Peak Adam learning rate, above 0 and at most ${FLAG_RANGES.lr[1]} (cosine-decayed, or held with --schedule constant) [default: 0.002 with Fourier inputs, 0.003 without; networks wider than 56 take it times 56 / width; for a WAV clip ${DEFAULT_AUDIO_LR}]` })
    .option('weight-decay', { type: 'string', describe: 'Decoupled weight decay of the fit (AdamW): each Adam step first shrinks every weight by the factor 1 - lr x this; keeps the weights small and cheap to code over long fits, 0: plain Adam [default: 0.05 for images, 0 for audio]' })
    .option('schedule', { type: 'string', describe: `Learning rate after the warm-up: cosine (decays to 5 % of --lr) or constant (holds --lr; the WS paper's code; add --warmup 0 for no warm-up) [default: ${DEFAULT_SCHEDULE}]` })
    .option('restarts', { type: 'string', describe: `Quality mode for long budgets: fit every network this many times, each from its own seed, and keep the fit with the lowest loss; takes as many times as long, 1 to ${MAX_RESTARTS}. On busy photos at 1 bpp it gained about what as long a --time gains (docs/cli.md) [default: 1]` })
    .option('seed', { type: 'string', describe: `Initialization seed, ${span(FLAG_RANGES.seed)}; same seed, same bytes [default: 1]` })
    .option('engine', { type: 'string', describe: `Compute engine: ${ENGINE_NAMES.join(', ')}. wasm: WASM SIMD on worker threads; ref: plain TypeScript reference; tfjs: TensorFlow.js on the first backend installed (tfjs-node-gpu, tfjs-node, tfjs-backend-webgpu with a browser or the webgpu package, tfjs-backend-wasm, tfjs-backend-cpu; SNFC_TFJS_BACKEND=cpu|wasm|webgpu|node|node-gpu picks one); auto: tfjs when it finds CUDA or a browser WebGPU, else wasm (faster than tfjs on a CPU, and on an H200 through WebGPU: docs/ws-and-engines.md) [default: auto]` })
    .option('metadata', { type: 'boolean', describe: 'Keep the training settings and PSNR in the file for `snfc info` (about 80 bytes) [default: false]' })
    .option('auto-orient', { type: 'boolean', default: true, describe: 'Turn the image upright as its EXIF orientation says, as viewers show it; --no-auto-orient keeps the stored pixels' })
    .option('keep-metadata', { type: 'boolean', describe: 'Keep the EXIF, ICC profile and XMP in the file, deflated, for decode to write back (spec §3.8; about their deflated size on top of --bpp) [default: false]' });
}

/** `--restarts K` (encode, batch, bench), or undefined for the encoder's default. */
export function restartsFlag(value: unknown): number | undefined {
  return value === undefined ? undefined : integerIn('restarts', value, 1, MAX_RESTARTS);
}

/** For an encode's summary line: `, best of 3 fits` with `--restarts 3`, else nothing. */
export function restartsText(restarts: number): string {
  return restarts > 1 ? `, best of ${restarts} fits` : '';
}

/** `--tiles CxR`: 1 to 64 tiles a side. */
function tilesFlag(value: unknown): { columns: number; rows: number } {
  const { width, height } = sizeFlag('tiles', value, MAX_TILES_A_SIDE);
  return { columns: width, rows: height };
}

/**
 * Validates the encode flags of `withEncodeOptions` before anything is read
 * or trained, and returns them as plain data (a batch job carries them to
 * another machine, the manifest records them).
 */
export function parseEncodeOptions(argv: Record<string, unknown>): EncodeSettings {
  const settings: EncodeSettings = {
    bpp: argv.bpp === undefined ? undefined : positiveNumber('bpp', argv.bpp, MAX_BPP),
    width: argv.width === undefined ? undefined : integerIn('width', argv.width, ...FLAG_RANGES.width),
    depth: argv.depth === undefined ? undefined : integerIn('depth', argv.depth, ...FLAG_RANGES.depth),
    bits: argv.bits === undefined ? undefined : integerIn('bits', argv.bits, ...FLAG_RANGES.bits),
    steps: argv.steps === undefined ? undefined : integerIn('steps', argv.steps, ...FLAG_RANGES.steps),
    batch: argv.batch === undefined ? undefined : integerIn('batch', argv.batch, ...FLAG_RANGES.batch),
    warmup: argv.warmup === undefined ? undefined : numberIn('warmup', argv.warmup, ...FLAG_RANGES.warmup),
    fourier: argv.fourier === undefined ? undefined : integerIn('fourier', argv.fourier, 0, MAX_FOURIER_LEVELS),
    alpha: argv.alpha === undefined ? undefined : positiveNumber('alpha', argv.alpha, FLAG_RANGES.alpha[1]),
    omega: argv.omega === undefined ? undefined : positiveNumber('omega', argv.omega, FLAG_RANGES.omega[1]),
    lr: argv.lr === undefined ? undefined : positiveNumber('lr', argv.lr, FLAG_RANGES.lr[1]),
    weightDecay: argv.weightDecay === undefined ? undefined : numberIn('weight-decay', argv.weightDecay, ...FLAG_RANGES.weightDecay),
    schedule: oneOf('schedule', argv.schedule ?? DEFAULT_SCHEDULE, SCHEDULES),
    seed: argv.seed === undefined ? undefined : integerIn('seed', argv.seed, ...FLAG_RANGES.seed),
    restarts: restartsFlag(argv.restarts),
    tiles: argv.tiles === undefined || argv.tiles === 'auto' ? undefined : tilesFlag(argv.tiles),
    overlap: argv.overlap === undefined ? undefined : integerIn('overlap', argv.overlap, ...FLAG_RANGES.overlap),
    tileEdges: argv.tileEdges === undefined ? undefined : oneOf('tile-edges', argv.tileEdges, TILE_EDGE_MODES),
    allocation: argv.allocation === undefined ? undefined : oneOf('allocation', argv.allocation, TILE_ALLOCATIONS),
    tune: argv.tune === undefined ? undefined : oneOf('tune', argv.tune, TUNINGS),
    filter: argv.filter === undefined ? undefined : oneOf('filter', argv.filter, FILTER_MODES),
    residual: argv.residual === undefined ? undefined : numberIn('residual', argv.residual, 0, MAX_RESIDUAL_SHARE),
    timeLimitSeconds: argv.time === undefined ? undefined : positiveNumber('time', argv.time, FLAG_RANGES.time[1]),
    metadata: argv.metadata === true,
    engine: oneOf('engine', argv.engine ?? 'auto', ENGINE_NAMES),
    ...(argv.autoOrient === false ? { autoOrient: false } as const : {}),
    ...(argv.keepMetadata === true ? { keepMetadata: true } as const : {}),
  };
  if (settings.bits !== undefined && settings.bpp !== undefined) {
    throw usageError('--bits fixes the quantization, --bpp lets the rate control choose it: give one of them');
  }
  if (settings.residual !== undefined && settings.residual > 0 && settings.bpp === undefined && settings.width !== undefined) {
    throw usageError('--residual is a share of --bpp: give it with --bpp, not with a fixed --width');
  }
  if (settings.bits !== undefined && settings.width === undefined) {
    throw usageError('--bits needs --width (with --bpp alone, the rate control chooses the quantization)');
  }
  return settings;
}
