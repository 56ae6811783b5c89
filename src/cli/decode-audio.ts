import type { ArgumentsCamelCase } from 'yargs';
import { decodeAudio, decodedSpan, DEFAULT_MAX_OUTPUT_SAMPLES } from '../decoder/index.js';
import type { AudioHeader, SnfFile } from '../format/index.js';
import { maxWavRate, WAV_OUTPUT_FORMATS, writeWav } from '../io/wav.js';
import { usageError } from '../node/errors.js';
import { checkOutput, defaultDecodedName, refuseFolder, writeOutput, labelOf, shownName, STANDARD_STREAM } from '../node/files.js';
import { decodeWork, withNodeForward } from './threaded-forward.js';
import { integerIn, nonNegativeNumber, oneOf } from './validate.js';

/** Largest --rate: 8 × 192 kHz. */
const MAX_RATE = 1_536_000;
/** Largest --max-samples: 2^31 samples over all channels (8 GiB as float32). */
const MAX_MAX_SAMPLES = 2 ** 31;

/** `snfc decode clip.snf`: the audio half of the decode command. */
export async function decodeAudioFile(argv: ArgumentsCamelCase<Record<string, unknown>>, input: string, named: string | undefined, file: SnfFile, header: AudioHeader, network: { parameters: number; networks: number }): Promise<void> {
  const imageFlags = { scale: 'scale', size: 'size', maxPixels: 'max-pixels', bitDepth: 'bit-depth', strip: 'strip' } as const;
  for (const [flag, name] of Object.entries(imageFlags)) {
    if (argv[flag] !== undefined) throw usageError(`--${name} is for images; ${shownName(input, 'input')} holds audio (use --rate, --start, --end)`);
  }
  const duration = header.length / header.sampleRate;
  const sampleRate = argv.rate === undefined ? undefined : integerIn('rate', argv.rate, 1, MAX_RATE);
  const start = argv.start === undefined ? undefined : nonNegativeNumber('start', argv.start); // past the end: the line below says so
  const end = argv.end === undefined ? undefined : nonNegativeNumber('end', argv.end);
  if (start !== undefined && start >= duration) throw usageError(`--start ${start} is at or past the end of the ${duration.toFixed(3)} s clip`);
  if (end !== undefined && end <= (start ?? 0)) throw usageError(`--end ${end} must be after --start ${start ?? 0}`);
  const format = oneOf('format', argv.format ?? 's16', WAV_OUTPUT_FORMATS);
  const maxOutputSamples = argv.maxSamples === undefined ? DEFAULT_MAX_OUTPUT_SAMPLES : integerIn('max-samples', argv.maxSamples, 1, MAX_MAX_SAMPLES);
  // A WAV header holds the rate and the bytes a second in 32 bits: a file's rate may be any 32-bit number (spec §3.3).
  const outputRate = sampleRate ?? header.sampleRate;
  const mostRate = maxWavRate(header.channels, format);
  if (outputRate > mostRate) {
    throw usageError(`the clip is at ${outputRate} Hz, and a WAV file of ${header.channels} ${format} channel(s) holds at most ${mostRate} Hz: decode it with --rate`);
  }
  const request = { sampleRate, start, end };
  const span = decodedSpan(header, request);
  if ((span.end - span.first) * header.channels > maxOutputSamples) {
    throw usageError(`the output would be ${span.end - span.first} samples × ${header.channels} channel(s), over --max-samples ${maxOutputSamples}; ask for a shorter stretch, a lower --rate, or raise --max-samples`);
  }
  const output = named ?? defaultDecodedName(input, '.wav');
  if (output !== STANDARD_STREAM && !/\.wav$/i.test(output)) {
    refuseFolder(output, 'clip.wav');
    throw usageError(`audio decodes to WAV: the output '${output}' must end in .wav`);
  }
  await checkOutput(output, input, argv.force === true);
  const clip = await withNodeForward(decodeWork(span.end - span.first, network.parameters, network.networks),
    (forward) => decodeAudio(file, request, { maxOutputSamples }, { forward }));
  await writeOutput(output, writeWav(clip, format), argv.force === true);
  process.stderr.write(`${labelOf(output, 'output')}: ${clip.channels[0]!.length} samples x ${clip.channels.length} ch @ ${clip.sampleRate} Hz (${(clip.channels[0]!.length / clip.sampleRate).toFixed(3)} s, ${format})\n`);
}
