import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AudioClip } from '../audio.js';
import { inputError, outputError, usageError } from '../node/errors.js';
import { reason, writeOutputAtomically } from '../node/files.js';
import { encodeAudio } from '../encoder/audio/encode-audio.js';
import { engineByName, type EngineName } from '../encoder/network/engines.js';
import { sniffAudio } from '../io/sniff.js';
import { readWav, WavError } from '../io/wav.js';
import { decodeAudio } from '../decoder/decode-audio.js';
import { logSpectralDistance, audioPsnr, snr } from '../metrics/audio.js';
import { AUDIO_CODEC_NAMES, mp3RoundTrip, opusRoundTrip, type AudioCodecName } from './audio-codecs.js';
import { bdRate, paretoFront, type RdPoint } from './bd-rate.js';
import { plotRateDistortion } from './plot-svg.js';

/**
 * `snfc bench` on WAV files: snf against MP3 and Opus at matched target
 * bitrates, measured by SNR and log-spectral distance, with BD-rates on
 * both. Each finished entry (file × codec × target kbps) is saved to
 * `<out>/results.json` at once under a key of the file, codec, target and
 * settings; a rerun skips entries already there. The reports (results.csv,
 * plot.svg of SNR against kbps, summary.md) are rebuilt from the entries of
 * the current run.
 */

export const DEFAULT_AUDIO_KBPS: readonly number[] = [32, 64, 128];
export const AUDIO_RESULTS_VERSION = 1;

export interface AudioBenchOptions {
  /** WAV files, or folders whose .wav files are taken (sorted, not recursive). */
  readonly inputs: readonly string[];
  readonly kbps?: readonly number[];
  readonly codecs?: readonly AudioCodecName[];
  readonly outDir: string;
  readonly snf?: { readonly engine?: EngineName; readonly steps?: number; readonly seed?: number; readonly timeLimitSeconds?: number; readonly restarts?: number };
  readonly commandLine?: string;
  readonly onEntry?: (entry: AudioBenchEntry, done: number, total: number) => void;
}

export interface AudioBenchEntry {
  readonly key: string;
  readonly file: string;
  readonly codec: AudioCodecName;
  readonly targetKbps: number;
  /** Measured rate of what the codec stores: the whole .snf file, the MP3 stream, the Opus packets. */
  readonly kbps: number;
  readonly bytes: number;
  readonly snr: number;
  readonly psnr: number;
  readonly lsd: number;
  /** Encode (and for MP3/Opus decode) time. */
  readonly seconds: number;
  /** MP3/Opus: the delay removed, in source samples; the rate they coded at. */
  readonly lag?: number;
  readonly codedRate?: number;
  readonly settings: Record<string, unknown>;
}

/** The WAV files of `inputs`: files as given, folders' .wav files sorted by name. */
export async function audioInputs(inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const stat = await fs.stat(input).catch(() => undefined);
    if (stat === undefined) throw inputError(`cannot read '${input}': no such file or folder`);
    if (stat.isDirectory()) {
      const names = (await fs.readdir(input)).filter((name) => name.toLowerCase().endsWith('.wav')).sort();
      if (names.length === 0) throw inputError(`folder '${input}' has no .wav files`);
      files.push(...names.map((name) => path.join(input, name)));
    } else {
      files.push(input);
    }
  }
  return files;
}

/** True when the bench should run on audio: the first input file (or a folder's first .wav) is a WAV by content. */
export async function isAudioBench(inputs: readonly string[]): Promise<boolean> {
  const first = inputs[0];
  if (first === undefined) return false;
  const stat = await fs.stat(first).catch(() => undefined);
  if (stat?.isDirectory()) return (await fs.readdir(first)).some((name) => name.toLowerCase().endsWith('.wav'));
  if (!stat?.isFile()) return false;
  const handle = await fs.open(first, 'r');
  try {
    const head = new Uint8Array(12);
    await handle.read(head, 0, 12, 0);
    return sniffAudio(head) === 'wav';
  } finally {
    await handle.close();
  }
}

function settingsFor(codec: AudioCodecName, options: AudioBenchOptions): Record<string, unknown> {
  if (codec === 'snf') {
    const s = options.snf ?? {};
    // restarts only when given, so that the keys of earlier runs stay as they were.
    return { engine: s.engine ?? 'auto', steps: s.steps ?? null, seed: s.seed ?? null, time: s.timeLimitSeconds ?? null, ...(s.restarts === undefined ? {} : { restarts: s.restarts }) };
  }
  return codec === 'mp3' ? { encoder: '@breezystack/lamejs', mode: 'cbr' } : { encoder: 'libopus 1.4 (opusscript)', mode: 'cbr', signal: 'music', frameMs: 20 };
}

async function measure(clip: AudioClip, codec: AudioCodecName, kbps: number, options: AudioBenchOptions): Promise<Omit<AudioBenchEntry, 'key' | 'file' | 'settings'>> {
  const started = performance.now();
  const duration = clip.channels[0]!.length / clip.sampleRate;
  if (codec === 'snf') {
    const s = options.snf ?? {};
    const result = await encodeAudio(clip, { kbps, steps: s.steps, seed: s.seed, timeLimitSeconds: s.timeLimitSeconds, restarts: s.restarts, engine: await engineByName(s.engine ?? 'auto') });
    // Measured on what the decoder gives back, through the public decoder.
    const decoded = await decodeAudio(result.bytes);
    return {
      codec, targetKbps: kbps, kbps: (result.bytes.length * 8) / duration / 1000, bytes: result.bytes.length,
      snr: snr(clip, decoded), psnr: audioPsnr(clip, decoded), lsd: logSpectralDistance(clip, decoded), seconds: result.seconds,
    };
  }
  const trip = await (codec === 'mp3' ? mp3RoundTrip(clip, kbps) : opusRoundTrip(clip, kbps));
  return {
    codec, targetKbps: kbps, kbps: (trip.bytes * 8) / duration / 1000, bytes: trip.bytes, snr: snr(clip, trip.decoded),
    psnr: audioPsnr(clip, trip.decoded), lsd: logSpectralDistance(clip, trip.decoded), seconds: (performance.now() - started) / 1000,
    lag: trip.lag, codedRate: trip.codedRate,
  };
}

/** Runs (or resumes) the audio bench and writes its reports; returns the entries of this run. */
export async function runAudioBench(options: AudioBenchOptions): Promise<{ entries: AudioBenchEntry[]; measured: number; skipped: number; files: Record<string, string> }> {
  const files = await audioInputs(options.inputs);
  // The form a clip's path takes in the entries' keys: relative to the working folder, with '/'.
  const keyPath = (file: string): string => path.relative(process.cwd(), file).split(path.sep).join('/');
  // Every clip is read before any work: a bad last clip would otherwise end a long run when its turn came.
  const clips = new Map<string, AudioClip>();
  for (const file of files) {
    try {
      clips.set(keyPath(file), readWav(new Uint8Array(await fs.readFile(file))));
    } catch (error) {
      throw inputError(`cannot bench '${file}': ${error instanceof WavError ? error.message : (error as Error).message}`);
    }
  }
  const kbpsList = options.kbps ?? DEFAULT_AUDIO_KBPS;
  const codecs = options.codecs ?? AUDIO_CODEC_NAMES;
  // lamejs and the bench's Opus code 1 or 2 channels: said before any work, not after the clip's snf encodes.
  const others = codecs.filter((codec) => codec !== 'snf');
  for (const [file, clip] of clips) {
    if (clip.channels.length > 2 && others.length > 0) {
      throw usageError(`'${file}' has ${clip.channels.length} channels, and the bench's ${others.map((c) => (c === 'mp3' ? 'MP3' : 'Opus')).join(' and ')} code 1 or 2: bench it with --codecs snf`);
    }
  }
  await fs.mkdir(options.outDir, { recursive: true }).catch((error: unknown) => {
    throw outputError(`cannot create the folder '${options.outDir}': ${reason(error, 'failed')}`);
  });
  const resultsPath = path.join(options.outDir, 'results.json');
  let stored: AudioBenchEntry[] = [];
  try {
    const json = JSON.parse(await fs.readFile(resultsPath, 'utf8')) as { version: number; kind?: string; entries: AudioBenchEntry[] };
    if (json.version !== AUDIO_RESULTS_VERSION || json.kind !== 'audio') throw outputError(`'${resultsPath}' is not an audio bench's results (version ${AUDIO_RESULTS_VERSION}); use another --out`);
    stored = json.entries;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error instanceof SyntaxError ? outputError(`'${resultsPath}' is not valid JSON; use another --out`) : error;
  }
  const byKey = new Map(stored.map((entry) => [entry.key, entry]));
  const tasks = files.flatMap((file) => codecs.flatMap((codec) => kbpsList.map((kbps) => {
    const settings = settingsFor(codec, options);
    const rel = keyPath(file);
    return { file: rel, codec, kbps, settings, key: JSON.stringify([rel, codec, kbps, settings]) };
  })));
  const entries: AudioBenchEntry[] = [];
  let measured = 0;
  for (const task of tasks) {
    let entry = byKey.get(task.key);
    if (entry === undefined) {
      const clip = clips.get(task.file)!;
      entry = { key: task.key, file: task.file, settings: task.settings, ...(await measure(clip, task.codec, task.kbps, options)) };
      byKey.set(task.key, entry);
      measured++;
      await writeOutputAtomically(resultsPath, new TextEncoder().encode(JSON.stringify({ version: AUDIO_RESULTS_VERSION, kind: 'audio', entries: [...byKey.values()] }, null, 1)));
    }
    entries.push(entry);
    options.onEntry?.(entry, entries.length, tasks.length);
  }
  const written = await writeReports(entries, codecs, kbpsList, files, options);
  return { entries, measured, skipped: tasks.length - measured, files: { json: resultsPath, ...written } };
}

/** Mean over files, per codec and target. */
function meanCurve(entries: readonly AudioBenchEntry[], codec: AudioCodecName, kbpsList: readonly number[]): { targetKbps: number; kbps: number; snr: number; lsd: number; psnr: number }[] {
  return kbpsList.flatMap((targetKbps) => {
    const at = entries.filter((e) => e.codec === codec && e.targetKbps === targetKbps);
    if (at.length === 0) return [];
    const mean = (key: 'kbps' | 'snr' | 'lsd' | 'psnr'): number => at.reduce((sum, e) => sum + e[key], 0) / at.length;
    return [{ targetKbps, kbps: mean('kbps'), snr: mean('snr'), lsd: mean('lsd'), psnr: mean('psnr') }];
  });
}

/**
 * BD-rate of `test` against `reference` on their Pareto fronts (a point that
 * costs more and measures worse than another of its curve is dropped: MP3's
 * SNR falls from 32 to 64 kbit/s, where it switches to full bandwidth), or
 * why there is none.
 */
function bd(reference: RdPoint[], test: RdPoint[]): string {
  const ref = paretoFront(reference);
  const tst = paretoFront(test);
  const range = (points: RdPoint[]): string => `${Math.min(...points.map((p) => p.psnr)).toFixed(1)} to ${Math.max(...points.map((p) => p.psnr)).toFixed(1)}`;
  try {
    return `${bdRate(ref, tst).rate.toFixed(1)} %${ref.length < reference.length ? ` (${reference.length - ref.length} dominated point(s) of the reference left out)` : ''}`;
  } catch (error) {
    const message = (error as Error).message;
    return /do not overlap/.test(message) ? `n/a: no common quality range (snf ${range(tst)}, this codec ${range(ref)})` : `n/a (${message})`;
  }
}

async function writeReports(entries: readonly AudioBenchEntry[], codecs: readonly AudioCodecName[], kbpsList: readonly number[], files: readonly string[], options: AudioBenchOptions): Promise<Record<string, string>> {
  const curves = new Map(codecs.map((codec) => [codec, meanCurve(entries, codec, kbpsList)]));
  const csvPath = path.join(options.outDir, 'results.csv');
  const csv = ['file,codec,target_kbps,kbps,bytes,snr_db,psnr_db,lsd_db,seconds,lag_samples',
    ...entries.map((e) => [e.file, e.codec, e.targetKbps, e.kbps.toFixed(3), e.bytes, e.snr.toFixed(3), e.psnr.toFixed(3), e.lsd.toFixed(3), e.seconds.toFixed(2), e.lag ?? ''].join(','))];
  await writeOutputAtomically(csvPath, new TextEncoder().encode(csv.join('\n') + '\n'));
  const svgPath = path.join(options.outDir, 'plot.svg');
  const svg = plotRateDistortion(codecs.map((codec) => ({ name: codec, points: curves.get(codec)!.map((p) => ({ bpp: p.kbps, psnr: p.snr })) })), {
    title: `SNR against rate, mean over ${files.length} file(s)`, xLabel: 'rate (kbit/s, whole file)', yLabel: 'SNR (dB)',
  });
  await writeOutputAtomically(svgPath, new TextEncoder().encode(svg));
  const lines = [
    '# Audio bench', '',
    `Command: \`${options.commandLine ?? `snfc ${process.argv.slice(2).join(' ')}`}\``, '',
    `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}; load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}.`, '',
    `Files: ${files.join(', ')}.`, '',
    'Means over the files at each target rate. kbps is measured on what each codec stores (the whole .snf file; the MP3 stream; the Opus packets without a container).',
    'MP3 and Opus are aligned to the source by the cross-correlation lag (0 to 4096 samples) before measuring. LSD: log-spectral distance, 2048-sample Hann frames, lower is better.', '',
    '| codec | target kbps | kbps | SNR dB | LSD dB | PSNR dB |', '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...codecs.flatMap((codec) => curves.get(codec)!.map((p) => `| ${codec} | ${p.targetKbps} | ${p.kbps.toFixed(1)} | ${p.snr.toFixed(2)} | ${p.lsd.toFixed(2)} | ${p.psnr.toFixed(2)} |`)),
    '', '## BD-rate of snf (negative: snf needs fewer bits for the same quality)', '',
    'On each curve\'s Pareto front; LSD enters as −LSD (higher is better).', '',
    '| against | on SNR | on LSD |', '| --- | ---: | ---: |',
  ];
  const snf = curves.get('snf') ?? [];
  for (const codec of codecs.filter((c) => c !== 'snf')) {
    const ref = curves.get(codec)!;
    lines.push(`| ${codec} | ${bd(ref.map((p) => ({ bpp: p.kbps, psnr: p.snr })), snf.map((p) => ({ bpp: p.kbps, psnr: p.snr })))} | ${bd(ref.map((p) => ({ bpp: p.kbps, psnr: -p.lsd })), snf.map((p) => ({ bpp: p.kbps, psnr: -p.lsd })))} |`);
  }
  lines.push('', '![SNR against rate](plot.svg)', '');
  const mdPath = path.join(options.outDir, 'summary.md');
  await writeOutputAtomically(mdPath, new TextEncoder().encode(lines.join('\n')));
  return { csv: csvPath, svg: svgPath, markdown: mdPath };
}
