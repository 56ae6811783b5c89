import { TUNINGS } from '../encoder/image/contrast-weights.js';
import { MAX_RESTARTS } from '../encoder/network/fit-networks.js';
import { MAX_BPP, MAX_RESIDUAL_SHARE } from '../encoder/image/image-defaults.js';
import cliProgress from 'cli-progress';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { DEFAULT_ANCHORS_PATH } from '../rate-distortion/anchors.js';
import { CODEC_NAMES, type CodecName } from '../rate-distortion/codecs.js';
import { DEFAULT_BPPS, DEFAULT_OUT_DIR, runBench, type BenchProgress } from '../rate-distortion/run-bench.js';
import { AUDIO_CODEC_NAMES, type AudioCodecName } from '../rate-distortion/audio-codecs.js';
import { DEFAULT_AUDIO_KBPS, isAudioBench, runAudioBench } from '../rate-distortion/run-audio-bench.js';
import { ENGINE_NAMES, type EngineName } from '../encoder/network/engines.js';
import { engineFromFlag } from './engine-option.js';
import { interruptNote, usageError } from '../node/errors.js';
import { fileListArgument, folderArgument, integerIn, numberIn, oneOf, positiveNumber, sizeFlag } from './validate.js';
import { plural } from './words.js';
import { FLAG_RANGES, restartsFlag, span } from './encode-options.js';
import { TILE_EDGE_MODES } from '../encoder/image/tile-edges.js';
import { withExamples } from './examples.js';

/** A comma-separated flag value as trimmed, non-empty parts. */
function listFlag(flag: string, value: unknown): string[] {
  const parts = String(value).split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) {
    throw usageError(`Expected a comma-separated list for --${flag} but received '${String(value)}'`);
  }
  return parts;
}

/** A list without repeats, or a usage error naming the repeat. */
function unique<T>(flag: string, values: T[]): T[] {
  const repeat = values.find((v, i) => values.indexOf(v) !== i);
  if (repeat !== undefined) throw usageError(`--${flag} lists ${String(repeat)} twice`);
  return values;
}

/** Formats seconds as 1h02m, 3m05s or 12s. */
function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * The bench's progress line on stderr: entries done, time left from the
 * measured time per entry of each codec ('>' while some codec is not timed
 * yet), and the entry running.
 */
function benchProgress(quiet: boolean): BenchProgress | undefined {
  if (quiet) return undefined;
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: 'bench {bar} {value}/{total} | ETA {remaining} | {next}',
    hideCursor: true,
  }, cliProgress.Presets.shades_classic);
  return {
    start(total, done) {
      bar.start(total, done, { remaining: '--', next: '' });
    },
    update(done, next, eta) {
      bar.update(done, { remaining: eta === null ? '--' : `${eta.partial ? '>' : ''}${duration(eta.seconds)}`, next });
    },
    stop() {
      bar.stop();
    },
  };
}

/** Fails before anything is measured (one line, exit 2) when snf is benched on an engine that cannot load. */
async function checkEngineLoads(engine: EngineName, codecs: readonly string[] | undefined): Promise<void> {
  if (engine === 'tfjs' && (codecs === undefined || codecs.includes('snf'))) await engineFromFlag(engine);
}

/** `snfc bench` on WAV files (run-audio-bench.ts): `inputs` and `outDir` as the handler read them. */
async function audioBench(argv: ArgumentsCamelCase<Record<string, unknown>>, inputs: string[], outDir: string): Promise<void> {
  for (const flag of ['bpp', 'resize', 'limit', 'anchors', 'batch', 'tune', 'residual', 'tile-edges'] as const) {
    if (argv[flag] !== undefined) throw usageError(`--${flag} is for images; these inputs are WAV audio`);
  }
  const kbps = argv.kbps === undefined ? undefined : unique('kbps', listFlag('kbps', argv.kbps).map((k) => positiveNumber('kbps', k, 512)));
  const codecs = argv.codecs === undefined ? undefined
    : unique('codecs', listFlag('codecs', argv.codecs).map((c) => oneOf('codecs', c, AUDIO_CODEC_NAMES))) as AudioCodecName[];
  const timeLimitSeconds = argv.time === undefined ? undefined : positiveNumber('time', argv.time, FLAG_RANGES.time[1]);
  const steps = argv.steps === undefined ? undefined : integerIn('steps', argv.steps, ...FLAG_RANGES.steps);
  const seed = argv.seed === undefined ? undefined : integerIn('seed', argv.seed, ...FLAG_RANGES.seed);
  const restarts = restartsFlag(argv.restarts);
  const engine = oneOf('engine', argv.engine ?? 'auto', ENGINE_NAMES);
  await checkEngineLoads(engine, codecs);
  interruptNote.text = `finished entries are kept in ${outDir}/results.json; run the same command again to resume`;
  const quiet = argv.quiet === true;
  const result = await runAudioBench({
    inputs, kbps, codecs, outDir,
    snf: { engine, steps, seed, timeLimitSeconds, restarts },
    onEntry: quiet ? undefined : (e, done, total) => process.stderr.write(`bench ${done}/${total}: ${e.file} ${e.codec} @${e.targetKbps}: ${e.kbps.toFixed(1)} kbps, SNR ${e.snr.toFixed(2)} dB, LSD ${e.lsd.toFixed(2)} dB\n`),
  });
  if (!quiet) {
    process.stderr.write(`bench: ${plural(result.measured, 'entry', 'entries')} measured, ${result.skipped} already done; wrote ${Object.values(result.files).join(', ')}\n`);
  }
}

export const benchCommand = {
  command: 'bench <inputs..>',
  describe: 'Rate–distortion of snf against JPEG, WebP and AVIF on images, or against MP3 and Opus on WAV files, with BD-rates',
  builder: (yargs: Argv) => withExamples(yargs
    .positional('inputs', { type: 'string', array: true, describe: 'Image files and/or folders of images; or WAV files and/or folders of them (audio, told by the first input\'s content)', demandOption: true, default: undefined })
    .option('kbps', { type: 'string', describe: `Audio: target rates of every codec, kilobits per second, comma-separated, each above 0 and at most 512 (Opus's most) [default: ${DEFAULT_AUDIO_KBPS.join(',')}]` })
    .option('bpp', { type: 'string', describe: `Target rates of snf, comma-separated [default: ${DEFAULT_BPPS.join(',')}]` })
    .option('codecs', { type: 'string', describe: `Codecs to run, from ${CODEC_NAMES.join(',')} (audio: ${AUDIO_CODEC_NAMES.join(',')}) [default: all]` })
    .option('time', { type: 'string', describe: `Time limit per snf encode, seconds, at most ${FLAG_RANGES.time[1]} [default: none]` })
    .option('steps', { type: 'string', describe: `Passes of the fit per snf encode, ${span(FLAG_RANGES.steps)} [default: the encoder's]` })
    .option('batch', { type: 'string', describe: `Pixels per Adam step of snf's fit, at most 2^30; 0: all [default: the encoder's]` })
    .option('engine', { type: 'string', describe: `snf compute engine: ${ENGINE_NAMES.join(', ')} [default: auto]` })
    .option('seed', { type: 'string', describe: `snf initialization seed, ${span(FLAG_RANGES.seed)} [default: the encoder's]` })
    .option('tune', { type: 'string', describe: `What snf's fit minimizes: ${TUNINGS.join(', ')} (snfc encode --tune) [default: the encoder's]` })
    .option('restarts', { type: 'string', describe: `Fits of every snf network, the best kept (snfc encode --restarts), 1 to ${MAX_RESTARTS} [default: the encoder's]` })
    .option('tile-edges', { type: 'string', describe: `Where snf's tiles meet: ${TILE_EDGE_MODES.join(' or ')} (snfc encode --tile-edges) [default: the encoder's]` })
    .option('residual', { type: 'string', describe: `Share of the rate snf gives its DCT residual (snfc encode --residual), 0 to ${MAX_RESIDUAL_SHARE} [default: the encoder's]` })
    .option('resize', { type: 'string', describe: 'Scale and centre-crop every image to WxH first (quick subsets)' })
    .option('limit', { type: 'string', describe: 'Use only the first N images, 1–1000000' })
    .option('out', { type: 'string', describe: `Output folder; a rerun resumes there [default: ${DEFAULT_OUT_DIR}]` })
    .option('anchors', { type: 'string', describe: `Published curves to compare with (JSON); --no-anchors for none [default: ${DEFAULT_ANCHORS_PATH} if present]` })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'No progress bar' }), [
      ['$0 bench ../shared/data/kodak --resize 64x64 --limit 4 --steps 200', 'a quick subset on a CPU'],
      ['$0 bench ../shared/data/kodak --time 120 --out kodak-bench', 'the full study; rerun the same line to resume'],
      ['$0 bench ../shared/data/audio/bach.wav --kbps 32,64,128 --out bach-bench', 'snf against MP3 and Opus on a clip'],
    ]),
  handler: async (argv: ArgumentsCamelCase<Record<string, unknown>>) => {
    const inputs = fileListArgument(argv.inputs, 'bench');
    const outDir = folderArgument('out', argv.out, DEFAULT_OUT_DIR);
    if (await isAudioBench(inputs)) return audioBench(argv, inputs, outDir);
    if (argv.kbps !== undefined) throw usageError('--kbps is for WAV inputs; these are images (use --bpp)');
    // Validate every flag before touching any file.
    const bpps = argv.bpp === undefined ? undefined
      : unique('bpp', listFlag('bpp', argv.bpp).map((b) => positiveNumber('bpp', b, MAX_BPP)));
    const codecs = argv.codecs === undefined ? undefined
      : unique('codecs', listFlag('codecs', argv.codecs).map((c) => oneOf('codecs', c, CODEC_NAMES))) as CodecName[];
    const timeLimitSeconds = argv.time === undefined ? undefined : positiveNumber('time', argv.time, FLAG_RANGES.time[1]);
    const steps = argv.steps === undefined ? undefined : integerIn('steps', argv.steps, ...FLAG_RANGES.steps);
    const batch = argv.batch === undefined ? undefined : integerIn('batch', argv.batch, ...FLAG_RANGES.batch);
    const seed = argv.seed === undefined ? undefined : integerIn('seed', argv.seed, ...FLAG_RANGES.seed);
    const tune = argv.tune === undefined ? undefined : oneOf('tune', argv.tune, TUNINGS);
    const restarts = restartsFlag(argv.restarts);
    const residual = argv.residual === undefined ? undefined : numberIn('residual', argv.residual, 0, MAX_RESIDUAL_SHARE);
    const tileEdges = argv.tileEdges === undefined ? undefined : oneOf('tile-edges', argv.tileEdges, TILE_EDGE_MODES);
    const engine = oneOf('engine', argv.engine ?? 'auto', ENGINE_NAMES);
    const resize = argv.resize === undefined ? undefined : sizeFlag('resize', argv.resize, 16384);
    const limit = argv.limit === undefined ? undefined : integerIn('limit', argv.limit, 1, 1_000_000);
    if (argv.anchors !== undefined && argv.anchors === '') throw usageError('Expected a file for --anchors but received \'\'');
    const noAnchors = argv.anchors === false;
    await checkEngineLoads(engine, codecs);
    interruptNote.text = `finished entries are kept in ${outDir}/results.json; run the same command again to resume`;

    const result = await runBench({
      inputs, bpps, codecs, resize, limit,
      outDir,
      snf: { engine, steps, batch, timeLimitSeconds, seed, tune, restarts, residual, tileEdges },
      anchorsPath: noAnchors ? null : typeof argv.anchors === 'string' ? argv.anchors : undefined,
      anchorsRequired: typeof argv.anchors === 'string',
      progress: benchProgress(argv.quiet === true),
    });
    if (argv.quiet !== true) {
      const { files } = result;
      process.stderr.write(`bench: ${plural(result.measured, 'entry', 'entries')} measured, ${result.skipped} already done; wrote ${files.markdown}, ${files.csv}, ${files.svg}, ${files.json}\n`);
    }
  },
};
