import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { inputError, outputError } from '../node/errors.js';
import { reason, writeOutputAtomically } from '../node/files.js';
import type { Raster } from '../raster.js';
import { msSsimDb } from '../metrics/ms-ssim.js';
import { PSNR_REPORT_CAP } from '../metrics/psnr.js';
import { loadAnchors, DEFAULT_ANCHORS_PATH, type Anchors } from './anchors.js';
import { bdPsnr, bdRate, paretoFront, type BdResult, type RdPoint } from './bd-rate.js';
import {
  CODEC_NAMES, interpolateAtRate, measureSharpPoint, rateAtQuality, QUALITY_GRID, SHARP_SETTINGS,
  type CodecName, type CodecPoint, type SharpCodecName,
} from './codecs.js';
import { plotRateDistortion, type PlotSeries } from './plot-svg.js';
import { measureSnfPoint, type SnfBenchSettings, type SnfPoint } from './snf-codec.js';

/**
 * `snfc bench`: rate–distortion of snf against JPEG, WebP and AVIF on a set
 * of images, with BD-rates against those and against published anchors.
 *
 * Work is a list of entries, one per image × codec × operating point (a
 * target bpp for snf, a quality for the others). Each finished entry is
 * saved to `<out>/results.json` at once, under a key made of the image
 * path, the resize, the codec, the point and the codec's settings; a rerun
 * skips every entry whose key is there. The reports (results.csv,
 * plot.svg, summary.md) are rebuilt from the entries of the current run.
 */

/** Target rates of snf when `--bpp` is not given. */
export const DEFAULT_BPPS: readonly number[] = [0.25, 0.5, 1, 2];
/** Output folder when `--out` is not given. */
export const DEFAULT_OUT_DIR = 'bench-out';
/** File extensions taken from a folder (files named one by one are taken whatever their name). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.avif', '.gif'];
/** Largest input image, in pixels. */
const MAX_INPUT_PIXELS = 64 * 1024 * 1024;

/** Version of the results.json layout; a different one is refused rather than overwritten. */
export const RESULTS_VERSION = 1;

export interface BenchProgress {
  /** Called once: entries in the run, and how many were already done. */
  start(total: number, done: number): void;
  /** Before each entry (and during long ones): entries done, what runs now, time left (null: nothing timed yet). */
  update(done: number, next: string, eta: Eta | null): void;
  stop(): void;
}

export interface BenchOptions {
  /** Image files and folders (a folder gives its images, sorted by name; not recursive). */
  readonly inputs: readonly string[];
  /** snf target rates; default 0.25, 0.5, 1, 2. */
  readonly bpps?: readonly number[];
  /** Codecs to run; default all four. */
  readonly codecs?: readonly CodecName[];
  /** Output folder, created if missing; default `bench-out`. */
  readonly outDir?: string;
  /** Scale and centre-crop every image to exactly this size first. */
  readonly resize?: { readonly width: number; readonly height: number };
  /** Use only the first `limit` images. */
  readonly limit?: number;
  /** snf settings; default engine `auto`, the encoder's defaults otherwise. */
  readonly snf?: SnfBenchSettings;
  /** Qualities swept for jpeg, webp and avif; default `QUALITY_GRID`. */
  readonly qualities?: readonly number[];
  /** Anchors file; default `DEFAULT_ANCHORS_PATH`, skipped quietly if missing. null: no anchors. */
  readonly anchorsPath?: string | null;
  /** The anchors file must exist (the user named it). */
  readonly anchorsRequired?: boolean;
  /** The command line, for summary.md; default this process's arguments. */
  readonly commandLine?: string;
  readonly progress?: BenchProgress;
  /** Called after each entry is measured and saved (not for skipped ones). */
  readonly onMeasured?: (entry: BenchEntry) => void;
}

interface EntryCommon {
  /** The resume key (see the module comment). */
  readonly key: string;
  /** Image path relative to the working folder, '/'-separated. */
  readonly image: string;
  /** Size measured on (after any resize). */
  readonly width: number;
  readonly height: number;
  /** `WxH` or null. */
  readonly resize: string | null;
  /** ISO time the entry was finished. */
  readonly finishedAt: string;
}

export interface SnfEntry extends EntryCommon, SnfPoint {
  readonly codec: 'snf';
  readonly settings: SnfBenchSettings;
}

export interface SharpEntry extends EntryCommon, CodecPoint {
  readonly codec: SharpCodecName;
  readonly settings: Record<string, unknown>;
}

export type BenchEntry = SnfEntry | SharpEntry;

/** One planned unit of work. */
interface Task {
  readonly key: string;
  readonly image: string;
  readonly codec: CodecName;
  /** Target bpp (snf) or quality (others). */
  readonly point: number;
}

/** Mean over images at one snf target rate, for one codec. */
export interface RateRow {
  readonly codec: CodecName;
  readonly targetBpp: number;
  /** Mean rate: snf's measured rates (the others are read off there). */
  readonly bpp: number | null;
  readonly psnr: number | null;
  readonly msssim: number | null;
  /** Images that gave a value; the means are null unless all did. */
  readonly images: number;
  /** The values behind the means, image by image (those that gave one). */
  readonly perImage: readonly ImagePoint[];
}

/** One image's rate and quality for one codec at one target (RateRow). */
export interface ImagePoint {
  readonly image: string;
  readonly bpp: number;
  readonly psnr: number;
  readonly msssim: number;
}

/** A BD comparison, or why it could not be made. */
export interface BdEntry {
  readonly test: CodecName;
  readonly reference: string;
  readonly anchor: boolean;
  readonly bdRate: number | null;
  readonly bdPsnr: number | null;
  readonly psnrInterval: readonly [number, number] | null;
  readonly error?: string;
}

/**
 * A BD comparison of two measured codecs on MS-SSIM in dB (msSsimDb), or why it could not be made. Only the measured
 * codecs have one: the published anchors give PSNR alone.
 */
export interface MsSsimBdEntry {
  readonly test: CodecName;
  readonly reference: CodecName;
  /** Percent: < 0 where `test` needs fewer bits for the same MS-SSIM. */
  readonly bdRate: number | null;
  /** BD-MS-SSIM: the mean difference in MS-SSIM dB at the same rate, > 0 where `test` is ahead. */
  readonly bdMsSsimDb: number | null;
  readonly msSsimDbInterval: readonly [number, number] | null;
  readonly error?: string;
}

/**
 * snf against one sharp codec at one target rate, image by image: the rate the codec's sweep needs for snf's PSNR on
 * each image, and the geometric mean of snf's rate over it. Unlike BD on the mean-over-images curves, which averages
 * the codec's PSNR at one quality over images of different rates, it compares each image at its own rate.
 */
export interface EqualPsnrRow {
  readonly reference: CodecName;
  readonly targetBpp: number;
  /** Percent: the geometric mean over `images` of snf's bpp ÷ the reference's at snf's PSNR, less 1; < 0 where snf needs fewer bits. null where no image gave one. */
  readonly rateDifference: number | null;
  /** Images whose sweep reaches snf's PSNR (the others are left out). */
  readonly images: number;
}

export interface BenchSummary {
  readonly images: readonly string[];
  readonly rows: readonly RateRow[];
  /** snf against each sharp codec at each target, image by image at equal PSNR (empty without snf). */
  readonly equalPsnr: readonly EqualPsnrRow[];
  /** Mean-over-images curves: snf at each target, the others at each quality (Pareto front). */
  readonly curves: Readonly<Record<string, readonly RdPoint[]>>;
  readonly bd: readonly BdEntry[];
  /** The same curves on MS-SSIM in dB (`psnr` holds msSsimDb of the mean MS-SSIM), measured codecs only. */
  readonly msSsimCurves: Readonly<Record<string, readonly RdPoint[]>>;
  readonly msSsimBd: readonly MsSsimBdEntry[];
  readonly machine: MachineInfo;
  readonly commandLine: string;
  readonly anchors: { readonly path: string; readonly dataset?: string } | null;
}

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly os: string;
  readonly libraries: Readonly<Record<string, string>>;
}

export interface BenchResult {
  readonly summary: BenchSummary;
  /** Entries measured by this call (the others were already in results.json). */
  readonly measured: number;
  readonly skipped: number;
  readonly files: { readonly json: string; readonly csv: string; readonly svg: string; readonly markdown: string };
}

/** The machine, for the report. */
export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  const v = sharp.versions as Record<string, string | undefined>;
  const libraries: Record<string, string> = {};
  for (const name of ['sharp', 'vips', 'mozjpeg', 'webp', 'heif', 'aom']) if (v[name]) libraries[name] = v[name]!;
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown', cores: cpus.length, node: process.version,
    os: `${os.platform()} ${os.release()} ${os.arch()}`, libraries,
  };
}

/** Quotes one argument for a POSIX shell when it needs it. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** This process's command line, as `snfc …` when run through the snfc binary. */
export function currentCommandLine(): string {
  const args = process.argv.slice(2).map(shellQuote).join(' ');
  const script = path.basename(process.argv[1] ?? 'snfc').replace(/\.js$/, '');
  return `${script === 'main' ? 'snfc' : script} ${args}`.trim();
}

/** `path` relative to the working folder with '/' separators: the form stored in keys. */
function imageId(file: string): string {
  return path.relative(process.cwd(), path.resolve(file)).split(path.sep).join('/');
}

/**
 * The image files of `inputs`: files as given, folders expanded to their
 * images sorted by name; duplicates dropped; at most `limit`.
 *
 * @throws {CliError} an input that does not exist, or no images at all.
 */
export async function listImages(inputs: readonly string[], limit?: number): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    let stat;
    try {
      stat = await fs.stat(input);
    } catch {
      throw inputError(`cannot read '${input}': no such file or folder`);
    }
    if (stat.isDirectory()) {
      const names = (await fs.readdir(input)).filter((n) => IMAGE_EXTENSIONS.includes(path.extname(n).toLowerCase())).sort();
      files.push(...names.map((n) => path.join(input, n)));
    } else {
      files.push(input);
    }
  }
  const seen = new Set<string>();
  const unique = files.filter((f) => {
    const id = imageId(f);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  if (unique.length === 0) throw inputError(`no images in ${inputs.map((i) => `'${i}'`).join(', ')} (looked for ${IMAGE_EXTENSIONS.join(' ')})`);
  return limit === undefined ? unique : unique.slice(0, limit);
}

/**
 * Reads an image as 8-bit RGB: alpha dropped, gray expanded, optionally
 * scaled to cover `resize` and centre-cropped to it (Lanczos 3).
 */
export async function loadRgb(file: string, resize?: { width: number; height: number }): Promise<Raster> {
  try {
    let pipeline = sharp(file, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS }).removeAlpha().toColourspace('srgb');
    if (resize) pipeline = pipeline.resize(resize.width, resize.height, { fit: 'cover', position: 'centre' });
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    let rgb = new Uint8Array(data.buffer, data.byteOffset, data.length);
    if (info.channels === 1) rgb = Uint8Array.from({ length: data.length * 3 }, (_, i) => data[Math.floor(i / 3)]!);
    else if (info.channels !== 3) throw new Error(`unexpected ${info.channels}-channel decode`);
    return { width: info.width, height: info.height, channels: 3, data: rgb };
  } catch (error) {
    throw inputError(`cannot decode '${file}' as an image: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** The resume key of one entry. */
function entryKey(image: string, resize: string | null, codec: CodecName, point: number, snf: SnfBenchSettings): string {
  const settings = codec === 'snf'
    // batch, tune, restarts, residual and tile edges only when given, so that the keys of runs at the default stay as they were before they existed.
    ? {
      steps: snf.steps ?? null, time: snf.timeLimitSeconds ?? null, engine: snf.engine, seed: snf.seed ?? null, ...(snf.batch === undefined ? {} : { batch: snf.batch }),
      ...(snf.tune === undefined ? {} : { tune: snf.tune }), ...(snf.restarts === undefined ? {} : { restarts: snf.restarts }),
      ...(snf.residual === undefined ? {} : { residual: snf.residual }), ...(snf.tileEdges === undefined ? {} : { tileEdges: snf.tileEdges }),
    }
    : SHARP_SETTINGS[codec];
  return JSON.stringify([image, resize, codec, point, settings]);
}

/** Entries of an existing results.json, by key; empty when there is none. */
async function loadStore(file: string): Promise<Map<string, BenchEntry>> {
  let text;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw inputError(`cannot read '${file}': ${reason(error, 'read failed')}`);
  }
  let json: { version?: unknown; entries?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    throw inputError(`'${file}' is not JSON; move it away to start a fresh bench`);
  }
  if (json.version !== RESULTS_VERSION || !Array.isArray(json.entries)) {
    throw inputError(`'${file}' is not a version ${RESULTS_VERSION} snfc bench result; move it away to start a fresh bench`);
  }
  const store = new Map<string, BenchEntry>();
  for (const entry of json.entries as BenchEntry[]) if (typeof entry?.key === 'string') store.set(entry.key, entry);
  return store;
}

async function saveJson(file: string, store: Map<string, BenchEntry>, summary?: BenchSummary): Promise<void> {
  const json = { tool: 'snfc bench', version: RESULTS_VERSION, entries: [...store.values()], ...(summary ? { summary } : {}) };
  await writeOutputAtomically(file, new TextEncoder().encode(JSON.stringify(json, null, 1) + '\n'));
}

/** Time left, as far as it is known. */
export interface Eta {
  readonly seconds: number;
  /** Some codec left has no timed entry yet, so `seconds` leaves it out: the time left is at least this. */
  readonly partial: boolean;
}

/** Each entry left costs the mean time of its codec's entries so far; null when nothing left is timed. */
function estimate(left: readonly Task[], times: Map<CodecName, number[]>, stored: Map<CodecName, number[]>, snf: SnfBenchSettings): Eta | null {
  let seconds = 0;
  let partial = false;
  let known = false;
  for (const task of left) {
    const seen = times.get(task.codec) ?? stored.get(task.codec);
    if (seen && seen.length > 0) seconds += seen.reduce((s, t) => s + t, 0) / seen.length;
    else if (task.codec === 'snf' && snf.timeLimitSeconds !== undefined) seconds += snf.timeLimitSeconds;
    else {
      partial = true;
      continue;
    }
    known = true;
  }
  return known || left.length === 0 ? { seconds, partial } : null;
}

/**
 * Runs (or resumes) a bench and writes its reports. See the module comment
 * and docs/bench.md.
 *
 * @throws {CliError} unreadable inputs (every image is decoded once before any work) or anchors, or an output folder that cannot be written.
 */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const bpps = [...(options.bpps ?? DEFAULT_BPPS)].sort((a, b) => a - b);
  const codecs = CODEC_NAMES.filter((c) => (options.codecs ?? CODEC_NAMES).includes(c));
  const qualities = options.qualities ?? QUALITY_GRID;
  const snf: SnfBenchSettings = options.snf ?? { engine: 'auto' };
  const resize = options.resize ? `${options.resize.width}x${options.resize.height}` : null;
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  const files = {
    json: path.join(outDir, 'results.json'), csv: path.join(outDir, 'results.csv'),
    svg: path.join(outDir, 'plot.svg'), markdown: path.join(outDir, 'summary.md'),
  };

  const images = await listImages(options.inputs, options.limit);
  // Every image decodes before any work: a bad 20th photo would otherwise end a run of hours when its turn came.
  for (const file of images) await loadRgb(file, options.resize);
  const anchorsPath = options.anchorsPath === undefined ? DEFAULT_ANCHORS_PATH : options.anchorsPath;
  let anchors: Anchors | null = null;
  if (anchorsPath !== null) {
    try {
      anchors = await loadAnchors(anchorsPath, options.anchorsRequired === true);
    } catch (error) {
      throw inputError((error as Error).message);
    }
  }
  try {
    await fs.mkdir(outDir, { recursive: true });
  } catch (error) {
    throw outputError(`cannot create the folder '${outDir}': ${reason(error, 'failed')}`);
  }
  const store = await loadStore(files.json);

  const tasks: Task[] = [];
  for (const file of images) {
    const image = imageId(file);
    for (const codec of codecs) {
      for (const point of codec === 'snf' ? bpps : qualities) {
        tasks.push({ key: entryKey(image, resize, codec, point, snf), image, codec, point });
      }
    }
  }
  const pending = tasks.filter((t) => !store.has(t.key));
  // For the ETA: wall time per entry (codec + metrics) in this run; until a
  // codec has one, the codec times stored by earlier runs.
  const times = new Map<CodecName, number[]>();
  const storedTimes = new Map<CodecName, number[]>();
  for (const t of tasks) {
    const entry = store.get(t.key);
    if (entry) storedTimes.set(t.codec, [...(storedTimes.get(t.codec) ?? []), entry.seconds]);
  }
  const label = (t: Task): string => `${path.basename(t.image)} ${t.codec} ${t.codec === 'snf' ? `${t.point} bpp` : `q${t.point}`}`;

  let done = tasks.length - pending.length;
  options.progress?.start(tasks.length, done);
  try {
    const loaded = { image: '', raster: undefined as Raster | undefined };
    for (let i = 0; i < pending.length; i++) {
      const task = pending[i]!;
      const eta = estimate(pending.slice(i), times, storedTimes, snf);
      options.progress?.update(done, label(task), eta);
      const started = performance.now();
      // snf entries take long: show the training step, at most twice a second.
      let shown = started;
      const onStep = (step: number, steps: number): void => {
        const now = performance.now();
        if (now - shown < 500) return;
        shown = now;
        options.progress?.update(done, `${label(task)} step ${step}/${steps}`, eta && { ...eta, seconds: Math.max(0, eta.seconds - (now - started) / 1000) });
      };
      if (loaded.raster === undefined || loaded.image !== task.image) {
        loaded.image = task.image;
        loaded.raster = await loadRgb(task.image, options.resize);
      }
      const raster = loaded.raster;
      const common = { key: task.key, image: task.image, width: raster.width, height: raster.height, resize };
      const entry: BenchEntry = task.codec === 'snf'
        ? { ...(await measureSnfPoint(raster, task.point, snf, options.progress && onStep)), ...common, codec: 'snf', settings: snf, finishedAt: new Date().toISOString() }
        : { ...(await measureSharpPoint(raster, task.codec, task.point)), ...common, codec: task.codec, settings: { ...SHARP_SETTINGS[task.codec] }, finishedAt: new Date().toISOString() };
      store.set(entry.key, entry);
      await saveJson(files.json, store);
      times.set(task.codec, [...(times.get(task.codec) ?? []), (performance.now() - started) / 1000]);
      done++;
      options.onMeasured?.(entry);
    }
    options.progress?.update(done, 'writing reports', { seconds: 0, partial: false });
  } finally {
    options.progress?.stop();
  }

  const entries = tasks.map((t) => store.get(t.key)!);
  const summary = summarize(entries, {
    images: images.map(imageId), codecs, bpps, qualities, anchors,
    commandLine: options.commandLine ?? currentCommandLine(),
  });
  await saveJson(files.json, store, summary);
  await writeOutputAtomically(files.csv, new TextEncoder().encode(resultsCsv(entries)));
  await writeOutputAtomically(files.svg, new TextEncoder().encode(plotRateDistortion(plotSeries(summary, anchors), {
    title: `Rate–PSNR, mean over ${images.length} image${images.length === 1 ? '' : 's'}${resize ? ` at ${resize}` : ''}`,
    maxBpp: 1.25 * Math.max(...bpps, ...(summary.curves.snf ?? []).map((p) => p.bpp)),
  })));
  await writeOutputAtomically(files.markdown, new TextEncoder().encode(summaryMarkdown(summary, entries, { resize, limit: options.limit, snf, qualities })));
  return { summary, measured: pending.length, skipped: tasks.length - pending.length, files };
}

const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;

/** BD-rate and BD-quality of `test` against `reference`, each null with the reason where the curves allow none. */
function compareCurves(reference: readonly RdPoint[], test: readonly RdPoint[]): { rate: BdResult | null; quality: number | null; error?: string } {
  const errors: string[] = [];
  const attempt = <T>(compute: () => T): T | null => {
    try {
      return compute();
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      if (!errors.includes(error.message)) errors.push(error.message);
      return null;
    }
  };
  const rate = attempt(() => bdRate(reference, test));
  const quality = attempt(() => bdPsnr(reference, test));
  return { rate, quality, ...(errors.length > 0 ? { error: errors.join('; ') } : {}) };
}

/**
 * Means, curves and BD comparisons from the entries of one run.
 *
 * - snf at each target rate: mean over images of its measured bpp, PSNR, MS-SSIM.
 * - jpeg, webp, avif at each target rate: PSNR and MS-SSIM read off each
 *   image's sweep (its Pareto front) at the rate snf reached on that image
 *   (at the target itself when snf is not in the run), linear in log bpp;
 *   then the mean over images. null when a rate falls outside an image's sweep.
 * - snf against each sharp codec image by image (`equalPsnr`): the rate each
 *   image's sweep needs for snf's PSNR on it, geometric mean of the ratios.
 * - BD: snf's mean curve against each codec's mean-over-images sweep (at
 *   each quality, the mean bpp and mean PSNR; its Pareto front) and each
 *   anchor curve; and every measured codec against every other curve.
 */
export function summarize(entries: readonly BenchEntry[], run: {
  images: readonly string[]; codecs: readonly CodecName[]; bpps: readonly number[]; qualities: readonly number[];
  anchors: Anchors | null; commandLine: string;
}): BenchSummary {
  const snfAt = new Map<string, SnfEntry>(); // image + target → entry
  const sweeps = new Map<string, SharpEntry[]>(); // image + codec → its points
  for (const e of entries) {
    if (e.codec === 'snf') snfAt.set(`${e.image}\n${e.targetBpp}`, e);
    else sweeps.set(`${e.image}\n${e.codec}`, [...(sweeps.get(`${e.image}\n${e.codec}`) ?? []), e]);
  }
  const hasSnf = run.codecs.includes('snf');
  const rows: RateRow[] = [];
  for (const codec of run.codecs) {
    for (const targetBpp of run.bpps) {
      const perImage: ImagePoint[] = [];
      for (const image of run.images) {
        const snfEntry = snfAt.get(`${image}\n${targetBpp}`);
        if (codec === 'snf') {
          if (snfEntry) perImage.push({ image, bpp: snfEntry.bpp, psnr: snfEntry.psnr, msssim: snfEntry.msssim });
          continue;
        }
        const rate = hasSnf ? snfEntry?.bpp : targetBpp;
        if (rate === undefined) continue;
        const front = paretoFront(sweeps.get(`${image}\n${codec}`) ?? []);
        const p = interpolateAtRate(front, rate, (e) => e.psnr);
        const m = interpolateAtRate(front, rate, (e) => e.msssim);
        if (p !== null && m !== null) perImage.push({ image, bpp: rate, psnr: p, msssim: m });
      }
      const all = perImage.length === run.images.length;
      const meanOf = (value: (p: ImagePoint) => number): number | null => (all ? mean(perImage.map(value)) : null);
      rows.push({ codec, targetBpp, images: perImage.length, bpp: meanOf((p) => p.bpp), psnr: meanOf((p) => p.psnr), msssim: meanOf((p) => p.msssim), perImage });
    }
  }

  const equalPsnr: EqualPsnrRow[] = [];
  for (const reference of hasSnf ? run.codecs.filter((c) => c !== 'snf') : []) {
    // Each image's front once, for every target rate.
    const fronts = new Map(run.images.map((image) => [image, paretoFront(sweeps.get(`${image}\n${reference}`) ?? [])]));
    for (const targetBpp of run.bpps) {
      const logRatios: number[] = [];
      for (const image of run.images) {
        const snfEntry = snfAt.get(`${image}\n${targetBpp}`);
        const rate = snfEntry && rateAtQuality(fronts.get(image)!, snfEntry.psnr, (e) => e.psnr);
        if (snfEntry && rate) logRatios.push(Math.log(snfEntry.bpp / rate));
      }
      const rateDifference = logRatios.length === 0 ? null : (Math.exp(mean(logRatios)) - 1) * 100;
      equalPsnr.push({ reference, targetBpp, rateDifference, images: logRatios.length });
    }
  }

  // Each codec's mean-over-images curve of one quality measure (PSNR, or MS-SSIM in dB of the mean MS-SSIM).
  const curvesOf = (quality: (mean: { psnr: number; msssim: number }) => number): Record<string, RdPoint[]> => {
    const curves: Record<string, RdPoint[]> = {};
    for (const codec of run.codecs) {
      if (codec === 'snf') {
        // Two targets can give the same file (at the smallest network); that is one operating point.
        const points = rows.filter((r) => r.codec === 'snf' && r.bpp !== null && r.psnr !== null && r.msssim !== null)
          .map((r) => ({ bpp: r.bpp!, psnr: quality({ psnr: r.psnr!, msssim: r.msssim! }) }));
        curves.snf = points.filter((p, i) => points.findIndex((q) => q.bpp === p.bpp && q.psnr === p.psnr) === i);
        continue;
      }
      const points: RdPoint[] = [];
      for (const q of run.qualities) {
        const at = run.images.map((image) => sweeps.get(`${image}\n${codec}`)?.find((e) => e.quality === q));
        if (at.every((e) => e !== undefined)) points.push({ bpp: mean(at.map((e) => e!.bpp)), psnr: quality({ psnr: mean(at.map((e) => e!.psnr)), msssim: mean(at.map((e) => e!.msssim)) }) });
      }
      curves[codec] = paretoFront(points);
    }
    return curves;
  };
  const curves = curvesOf((m) => m.psnr);
  const msSsimCurves = curvesOf((m) => msSsimDb(m.msssim));

  const references: { name: string; points: readonly RdPoint[]; anchor: boolean }[] = [
    ...run.codecs.map((c) => ({ name: c as string, points: curves[c] ?? [], anchor: false })),
    ...(run.anchors?.curves ?? []).map((c) => ({ name: c.name, points: c.points, anchor: true })),
  ];
  const bd: BdEntry[] = [];
  const msSsimBd: MsSsimBdEntry[] = [];
  for (const test of run.codecs) {
    for (const reference of references) {
      if (reference.name === test) continue;
      const { rate, quality, error } = compareCurves(reference.points, curves[test] ?? []);
      bd.push({
        test, reference: reference.name, anchor: reference.anchor, bdRate: rate?.rate ?? null, bdPsnr: quality,
        psnrInterval: rate?.psnrInterval ?? null, ...(error === undefined ? {} : { error }),
      });
    }
    for (const reference of run.codecs) {
      if (reference === test) continue;
      const { rate, quality, error } = compareCurves(msSsimCurves[reference] ?? [], msSsimCurves[test] ?? []);
      msSsimBd.push({
        test, reference, bdRate: rate?.rate ?? null, bdMsSsimDb: quality, msSsimDbInterval: rate?.psnrInterval ?? null,
        ...(error === undefined ? {} : { error }),
      });
    }
  }
  return {
    images: run.images, rows, equalPsnr, curves, bd, msSsimCurves, msSsimBd, machine: describeMachine(), commandLine: run.commandLine,
    anchors: run.anchors ? { path: run.anchors.path, dataset: run.anchors.dataset } : null,
  };
}

function plotSeries(summary: BenchSummary, anchors: Anchors | null): PlotSeries[] {
  return [
    ...Object.entries(summary.curves).map(([name, points]) => ({ name, points })),
    ...(anchors?.curves ?? []).map((c) => ({ name: c.name, points: c.points, anchor: true })),
  ];
}

/** A CSV field, quoted when it holds a comma, quote or newline. */
function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per entry of the run: the raw measurements. */
export function resultsCsv(entries: readonly BenchEntry[]): string {
  const header = ['image', 'width', 'height', 'resize', 'codec', 'target_bpp', 'quality', 'bytes', 'bpp', 'psnr', 'msssim', 'msssim_scales', 'seconds', 'lossless'];
  const lines = [header.join(',')];
  for (const e of entries) {
    lines.push([
      e.image, e.width, e.height, e.resize, e.codec, e.codec === 'snf' ? e.targetBpp : null, e.codec === 'snf' ? null : e.quality,
      e.bytes, e.bpp.toFixed(5), e.psnr.toFixed(4), e.msssim.toFixed(6), e.msssimScales, e.seconds.toFixed(3), e.lossless === true ? 1 : 0,
    ].map(csvField).join(','));
  }
  return lines.join('\n') + '\n';
}

const fixed = (value: number | null, digits: number): string => (value === null ? 'n/a' : value.toFixed(digits));
const signed = (value: number | null, digits: number): string => (value === null ? 'n/a' : `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`);

/** summary.md: what was run, on what, the means at each rate and the BD tables. */
export function summaryMarkdown(summary: BenchSummary, entries: readonly BenchEntry[], run: {
  resize: string | null; limit?: number; snf: SnfBenchSettings; qualities: readonly number[];
}): string {
  const codecs = [...new Set(summary.rows.map((r) => r.codec))];
  const targets = [...new Set(summary.rows.map((r) => r.targetBpp))];
  const row = (codec: CodecName, target: number): RateRow | undefined => summary.rows.find((r) => r.codec === codec && r.targetBpp === target);
  const m = summary.machine;
  const out: string[] = [];
  out.push('# snfc bench', '');
  out.push('```sh', summary.commandLine, '```', '');
  out.push(`- Machine: ${m.cpu}, ${m.cores} cores; Node ${m.node}; ${m.os}`);
  out.push(`- Libraries: ${Object.entries(m.libraries).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.push(`- Images: ${summary.images.length}${run.limit !== undefined ? ` (--limit ${run.limit})` : ''}${run.resize ? `, each scaled and centre-cropped to ${run.resize}` : ''}: ${summary.images.map((i) => path.basename(i)).join(', ')}`);
  if (codecs.includes('snf')) {
    const s = run.snf;
    out.push(`- snf: engine ${s.engine}, steps ${s.steps ?? 'default'}, batch ${s.batch ?? 'default'}, time limit ${s.timeLimitSeconds === undefined ? 'none' : `${s.timeLimitSeconds} s`}, seed ${s.seed ?? 'default'}, tune ${s.tune ?? 'default'}${s.restarts === undefined ? '' : `, restarts ${s.restarts}`}${s.residual === undefined ? '' : `, residual ${s.residual}`}${s.tileEdges === undefined ? '' : `, tile edges ${s.tileEdges}`}`);
  }
  const sharpCodecs = codecs.filter((c): c is SharpCodecName => c !== 'snf');
  if (sharpCodecs.length > 0) {
    out.push(`- Sweeps: ${sharpCodecs.map((c) => `${c} ${JSON.stringify(SHARP_SETTINGS[c])}`).join('; ')}; qualities ${run.qualities.join(', ')}`);
  }
  const scales = [...new Set(entries.map((e) => e.msssimScales))].sort();
  out.push(`- MS-SSIM: RGB (mean of per-channel MS-SSIM), ${scales.join('/')} scale${scales.length === 1 && scales[0] === 1 ? '' : 's'}${scales.some((s) => s < 5) ? ' (images under 176 px on a side use fewer than the standard 5, weights renormalized)' : ''}`);
  out.push('');

  out.push('## Mean over images at each target rate', '');
  out.push(codecs.includes('snf')
    ? 'snf\'s rate and quality are measured; the other codecs\' PSNR and MS-SSIM are read off each image\'s quality sweep at the rate snf reached on that image (linear in log bpp between sweep points), then averaged. n/a: some image\'s sweep does not reach that rate.'
    : 'Each codec\'s PSNR and MS-SSIM are read off each image\'s quality sweep at the target rate (linear in log bpp between sweep points), then averaged. n/a: some image\'s sweep does not reach that rate.');
  out.push('');
  out.push(`| target bpp | mean bpp | ${codecs.map((c) => `${c} PSNR`).join(' | ')} | ${codecs.map((c) => `${c} MS-SSIM`).join(' | ')} |`);
  out.push(`| ---: | ---: | ${codecs.map(() => '---:').join(' | ')} | ${codecs.map(() => '---:').join(' | ')} |`);
  for (const target of targets) {
    const rate = codecs.includes('snf') ? row('snf', target)?.bpp ?? null : target;
    out.push(`| ${target} | ${fixed(rate, 3)} | ${codecs.map((c) => fixed(row(c, target)?.psnr ?? null, 2)).join(' | ')} | ${codecs.map((c) => fixed(row(c, target)?.msssim ?? null, 4)).join(' | ')} |`);
  }
  out.push('');
  const snfEntries = entries.filter((e): e is SnfEntry => e.codec === 'snf');
  if (snfEntries.length > 0) {
    out.push(`snf encode + decode time: mean ${mean(snfEntries.map((e) => e.seconds)).toFixed(1)} s per image and rate; ${snfEntries.reduce((s, e) => s + e.seconds, 0).toFixed(0)} s in all.`, '');
    const seams = snfEntries.flatMap((e) => (e.seams === undefined ? [] : [e.seams]));
    if (seams.length > 0) {
      out.push(`Tile seams (mean error on tile edges over the rest, src/metrics/seams.ts; 1: none): mean ${mean(seams).toFixed(3)}, from ${Math.min(...seams).toFixed(3)} to ${Math.max(...seams).toFixed(3)} over ${seams.length} encodes.`, '');
    }
  }

  const snfBd = summary.bd.filter((b) => b.test === 'snf');
  if (snfBd.length > 0) {
    out.push('## BD of snf against each reference', '');
    out.push('Bjøntegaard delta, piecewise cubic (PCHIP) as in the JVET CTC sheet, on the mean-over-images curves: snf at its target rates; each sharp codec at each quality (its Pareto front); the anchors as published. BD-rate < 0: snf needs fewer bits for the same PSNR. BD-PSNR > 0: snf gives more dB at the same rate.');
    out.push('');
    out.push('| reference | BD-rate | BD-PSNR | PSNR interval (dB) |');
    out.push('| --- | ---: | ---: | --- |');
    for (const b of snfBd) {
      const interval = b.psnrInterval ? `${b.psnrInterval[0].toFixed(2)}–${b.psnrInterval[1].toFixed(2)}` : (b.error ?? '');
      out.push(`| ${b.anchor ? `${b.reference} (anchor)` : b.reference} | ${b.bdRate === null ? 'n/a' : `${signed(b.bdRate, 1)} %`} | ${b.bdPsnr === null ? 'n/a' : `${signed(b.bdPsnr, 2)} dB`} | ${interval} |`);
    }
    out.push('');
  }
  out.push(...equalPsnrMarkdown(summary));
  const anchorNames = [...new Set(summary.bd.filter((b) => b.anchor).map((b) => b.reference))];
  if (codecs.length > 1 || anchorNames.length > 0) {
    out.push('## BD-rate (%) of each measured codec (columns) against each curve (rows)', '');
    out.push('n/a: the curves do not overlap in PSNR, or one is not usable (see results.json "summary.bd" for why).', '');
    out.push(`| reference | ${codecs.join(' | ')} |`);
    out.push(`| --- | ${codecs.map(() => '---:').join(' | ')} |`);
    for (const reference of [...codecs, ...anchorNames]) {
      const cells = codecs.map((test) => (test === reference ? '—' : signed(summary.bd.find((b) => b.test === test && b.reference === reference)?.bdRate ?? null, 1)));
      out.push(`| ${anchorNames.includes(reference) ? `${reference} (anchor)` : reference} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  if (summary.msSsimBd.length > 0) {
    out.push('## BD by MS-SSIM', '');
    out.push('The same Bjøntegaard delta on MS-SSIM in dB, −10 · log10(1 − MS-SSIM), of the mean MS-SSIM over images at each point (snf at its target rates, each sharp codec at each quality, its Pareto front), for the measured codecs: the anchors publish PSNR only. BD-rate < 0: the test codec needs fewer bits for the same MS-SSIM. BD-MS-SSIM > 0: it gives more MS-SSIM dB at the same rate.');
    out.push('');
    out.push('| test | reference | BD-rate | BD-MS-SSIM | MS-SSIM interval (dB) |');
    out.push('| --- | --- | ---: | ---: | --- |');
    for (const b of summary.msSsimBd) {
      const interval = b.msSsimDbInterval ? `${b.msSsimDbInterval[0].toFixed(2)}–${b.msSsimDbInterval[1].toFixed(2)}` : (b.error ?? '');
      out.push(`| ${b.test} | ${b.reference} | ${b.bdRate === null ? 'n/a' : `${signed(b.bdRate, 1)} %`} | ${b.bdMsSsimDb === null ? 'n/a' : `${signed(b.bdMsSsimDb, 2)} dB`} | ${interval} |`);
    }
    out.push('');
  }
  out.push(...perImageMarkdown(summary, snfEntries));
  out.push('## Notes', '');
  // Correctness check: the PSNR the encoder reports must be what the decoder gives back.
  const disagree = snfEntries.filter((e) => !(Math.abs(e.psnr - e.encoderPsnr) <= 0.01));
  if (disagree.length > 0) {
    out.push(`- **Warning:** on ${disagree.length} snf entr${disagree.length === 1 ? 'y' : 'ies'} the decoded file's PSNR differs from the encoder's by more than 0.01 dB (largest ${Math.max(...disagree.map((e) => Math.abs(e.psnr - e.encoderPsnr))).toFixed(3)} dB); the tables use the decoded PSNR.`);
  }
  out.push(`- PSNR: 8-bit RGB, peak 255, over all samples of an image; then the mean of the per-image PSNRs. An exact decode counts as ${PSNR_REPORT_CAP} dB (results.csv: lossless 1)${entries.some((e) => e.lossless === true) ? `; ${entries.filter((e) => e.lossless === true).length} entr${entries.filter((e) => e.lossless === true).length === 1 ? 'y was' : 'ies were'} lossless in this run` : ''}.`);
  out.push('- bpp: bytes of the whole file × 8 / pixels (snf: the .snf file, headers included).');
  if (summary.anchors) {
    out.push(`- Anchors: ${summary.anchors.path}${summary.anchors.dataset ? ` (${summary.anchors.dataset})` : ''}. They hold for that data set at its size only${run.resize || run.limit !== undefined ? '; this run used a resized or partial set, so BD against them is indicative at most' : ''}.`);
  } else {
    out.push('- Anchors: none (no anchors file).');
  }
  out.push('- Full measurements: results.csv (one row per image and point) and results.json (also this summary).');
  return out.join('\n') + '\n';
}

/** The table of `summary.equalPsnr`: snf's rate against each sharp codec's at equal PSNR, image by image. */
function equalPsnrMarkdown(summary: BenchSummary): string[] {
  if (summary.equalPsnr.length === 0) return [];
  const references = [...new Set(summary.equalPsnr.map((r) => r.reference))];
  const targets = [...new Set(summary.equalPsnr.map((r) => r.targetBpp))];
  const out = ['## snf against each codec image by image, at equal PSNR', ''];
  out.push('For each image at each target rate, the rate at which the codec\'s sweep (its Pareto front) reaches snf\'s PSNR on that image (linear in log bpp between sweep points); then the geometric mean over images of snf\'s rate over that rate, less 1, with the number of images whose sweep reaches it. < 0: snf needs fewer bits. BD on the mean-over-images curves averages a codec\'s PSNR at one quality over images of different rates, where snf\'s points share one rate, and the two measures can differ by several points (on the Kodak photos BD favours snf); this one compares each image at its own rate.');
  out.push('');
  out.push(`| target bpp | ${references.join(' | ')} |`);
  out.push(`| ---: | ${references.map(() => '---:').join(' | ')} |`);
  for (const target of targets) {
    const cells = references.map((reference) => {
      const row = summary.equalPsnr.find((r) => r.reference === reference && r.targetBpp === target);
      return row === undefined || row.rateDifference === null ? 'n/a' : `${signed(row.rateDifference, 1)} % (${row.images})`;
    });
    out.push(`| ${target} | ${cells.join(' | ')} |`);
  }
  out.push('');
  return out;
}

/**
 * One table per target rate, one row per image: snf's rate, every codec's
 * PSNR at it and snf's lead over each of the others, MS-SSIM and snf's seams.
 * Empty when snf is not in the run (the mean table says it all then).
 */
function perImageMarkdown(summary: BenchSummary, snfEntries: readonly SnfEntry[]): string[] {
  const snfRows = summary.rows.filter((r) => r.codec === 'snf');
  if (snfRows.length === 0) return [];
  const others = [...new Set(summary.rows.map((r) => r.codec))].filter((c) => c !== 'snf');
  const out = ['## Per image', '', 'Each image at each target rate: snf measured, the others read off their sweeps at snf\'s rate as in the mean table; "snf − X": snf\'s PSNR lead (dB) over codec X.', ''];
  for (const snfRow of snfRows) {
    const at = (codec: CodecName, image: string): ImagePoint | undefined => summary.rows.find((r) => r.codec === codec && r.targetBpp === snfRow.targetBpp)?.perImage.find((p) => p.image === image);
    out.push(`### ${snfRow.targetBpp} bpp`, '');
    out.push(`| image | snf bpp | snf PSNR | ${others.map((c) => `${c} PSNR | snf − ${c}`).join(' | ')} | snf MS-SSIM | ${others.map((c) => `${c} MS-SSIM`).join(' | ')} | seams |`);
    out.push(`| --- | ---: | ---: | ${others.map(() => '---: | ---:').join(' | ')} | ---: | ${others.map(() => '---:').join(' | ')} | ---: |`);
    for (const snf of snfRow.perImage) {
      const points = others.map((c) => at(c, snf.image));
      const seams = snfEntries.find((e) => e.image === snf.image && e.targetBpp === snfRow.targetBpp)?.seams;
      out.push(`| ${path.basename(snf.image)} | ${snf.bpp.toFixed(3)} | ${snf.psnr.toFixed(2)} | ${points.map((p) => `${fixed(p?.psnr ?? null, 2)} | ${signed(p === undefined ? null : snf.psnr - p.psnr, 2)}`).join(' | ')} | ${snf.msssim.toFixed(4)} | ${points.map((p) => fixed(p?.msssim ?? null, 4)).join(' | ')} | ${fixed(seams ?? null, 3)} |`);
    }
    out.push('');
  }
  return out;
}
