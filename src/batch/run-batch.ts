/**
 * A batch, whoever encodes: decides what is left to do (manifest.ts), hands
 * each input to an executor (this machine's thread pool, or a queue of
 * workers), and as each result arrives writes its output atomically and
 * appends its manifest line. Interrupted at any point, it leaves whole
 * outputs and a manifest that a rerun resumes from.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SNF_MAGIC } from '../format/constants.js';
import { EXIT, outputError } from '../node/errors.js';
import { readInput, wouldReplace, writeOutputAtomically } from '../node/files.js';
import { failureOf, type EncodedFile, type EncodeSettings } from './encode-file.js';
import type { BatchItem } from './inputs.js';
import { appendManifest, readManifest, settingsKey, staleReason, type ManifestRecord } from './manifest.js';
import { EncodePool, type StepListener } from './pool.js';

/** Encodes the items of a batch: on this machine or elsewhere. */
export interface BatchExecutor {
  /**
   * Items handed to `encode` at once. This machine: its jobs, so that inputs
   * are read only when a thread is free for them (a collection need not fit
   * in memory) and started in order. A queue: many, as all wait on workers.
   */
  readonly concurrency: number;
  /** Encodes one item; rejects with an error that `failureOf` classifies. */
  encode(item: BatchItem, settings: EncodeSettings, onStep: StepListener): Promise<{ file: EncodedFile; worker: string }>;
  /** Called once the item's output and manifest line are written (a queue then drops the job's stored result). */
  release?(item: BatchItem): Promise<void>;
  close(): Promise<void>;
}

/** Who this process is in the manifest's `worker` field. */
export const WORKER_ID = `${os.hostname()}:${process.pid}`;

/** This machine's executor: `jobs` files at once on a thread pool, with `threadsPerJob` engine threads each. */
export function localExecutor(jobs: number, threadsPerJob: number): BatchExecutor {
  const pool = new EncodePool(jobs, threadsPerJob);
  return {
    concurrency: jobs,
    async encode(item, settings, onStep) {
      const bytes = await readInput(item.input);
      return { file: await pool.encode({ kind: item.kind, bytes, name: item.input, settings }, onStep), worker: WORKER_ID };
    },
    close: () => pool.close(),
  };
}

/** What a batch tells its user, as it goes. */
export interface BatchEvents {
  /** Before any encode: how many inputs, and which are already done. */
  plan?(total: number, todo: readonly BatchItem[], upToDate: readonly BatchItem[]): void;
  /** Training progress of an item being encoded (its first call says it started). */
  step?(item: BatchItem, step: number, steps: number, psnr: number): void;
  /** An item finished, encoded or failed; its record is in the manifest. */
  done?(item: BatchItem, record: ManifestRecord): void;
}

export interface BatchSummary {
  readonly total: number;
  readonly upToDate: number;
  readonly encoded: number;
  readonly failed: number;
  /** 0 when every input is encoded or up to date; else 3 when every failure was a bad input, 1 otherwise. */
  readonly exitCode: number;
  readonly seconds: number;
}

/** Calls `work` on every item in order, at most `limit` at once. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}

/**
 * Why the item's output may not be written, if it may not: it would replace the input (`batch a.snf --out .`), or a
 * file that is not an .snf file is at its name. A batch replaces its own outputs without `--force` (a rerun redoes a
 * stale one), and any file that begins as an .snf file does (a damaged output is redone); anything else at that name is
 * the user's, and is left as it is.
 */
async function refusalToWrite(item: BatchItem): Promise<Error | undefined> {
  if (await wouldReplace(item.output, item.input)) return outputError(`refusing to overwrite the input '${item.input}' with its own output`);
  let start: Uint8Array;
  try {
    const handle = await fs.open(item.output, 'r');
    try {
      start = new Uint8Array(SNF_MAGIC.length);
      const { bytesRead } = await handle.read(start, 0, start.length, 0);
      start = start.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return undefined; // nothing there (or a folder, which the write reports)
  }
  if (start.length > 0 && SNF_MAGIC.every((byte, i) => start[i] === byte)) return undefined;
  return outputError(`'${item.output}' exists and is not an .snf file; batch replaces only .snf files, so it was left as it is`);
}

/** Runs a batch to the end: every item encoded, up to date or failed. */
export async function runBatch(
  items: readonly BatchItem[], outDir: string, settings: EncodeSettings, executor: BatchExecutor, events: BatchEvents = {},
): Promise<BatchSummary> {
  const start = performance.now();
  const key = settingsKey(settings);
  const manifest = await readManifest(outDir);
  const todo: { item: BatchItem; input: { size: number; mtimeMs: number } }[] = [];
  const upToDate: BatchItem[] = [];
  const failures: ManifestRecord[] = [];
  const record = async (item: BatchItem, fields: Omit<ManifestRecord, 'output' | 'input' | 'kind' | 'settings' | 'finishedAt'>): Promise<void> => {
    const line: ManifestRecord = { output: item.relative, input: item.input, kind: item.kind, ...fields, settings: key, finishedAt: new Date().toISOString() };
    await appendManifest(outDir, line);
    if (line.status === 'failed') failures.push(line);
    events.done?.(item, line);
  };
  const vanished: BatchItem[] = [];
  for (const item of items) {
    let stat;
    try {
      stat = await fs.stat(item.input);
    } catch {
      vanished.push(item);
      continue;
    }
    const reason = await staleReason(item, manifest.get(item.relative), key, stat);
    if (reason === undefined) upToDate.push(item);
    else todo.push({ item, input: { size: stat.size, mtimeMs: stat.mtimeMs } });
  }
  events.plan?.(items.length, [...vanished, ...todo.map((t) => t.item)], upToDate);
  for (const item of vanished) {
    await record(item, { status: 'failed', error: `cannot read '${item.input}': no such file`, exitCode: EXIT.INPUT, inputBytes: 0, inputMtimeMs: 0 });
  }
  await forEachLimited(todo, executor.concurrency, async ({ item, input }) => {
    const inputFields = { inputBytes: input.size, inputMtimeMs: input.mtimeMs };
    try {
      const refusal = await refusalToWrite(item);
      if (refusal !== undefined) throw refusal;
      const { file, worker } = await executor.encode(item, settings, (step, steps, psnr) => events.step?.(item, step, steps, psnr));
      await fs.mkdir(path.dirname(item.output), { recursive: true });
      // Again after the encode: a file may have come to that name meanwhile.
      const late = await refusalToWrite(item);
      if (late !== undefined) throw late;
      await writeOutputAtomically(item.output, file.bytes);
      // The manifest keeps every measure the encode gave, by the same names (ManifestRecord), and the file's size.
      const { bytes, ...measures } = file;
      await record(item, { status: 'encoded', ...measures, bytes: bytes.length, worker, ...inputFields });
    } catch (error) {
      const failure = failureOf(error);
      await record(item, { status: 'failed', error: failure.message, exitCode: failure.exitCode, ...inputFields });
    }
    await executor.release?.(item);
  });
  const failed = failures.length;
  return {
    total: items.length,
    upToDate: upToDate.length,
    encoded: items.length - upToDate.length - failed,
    failed,
    exitCode: failed === 0 ? EXIT.OK : failures.every((f) => f.exitCode === EXIT.INPUT) ? EXIT.INPUT : EXIT.FAILURE,
    seconds: (performance.now() - start) / 1000,
  };
}
