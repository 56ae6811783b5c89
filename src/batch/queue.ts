/**
 * `snfc batch --queue` and `snfc worker` over BullMQ on Redis.
 *
 * The batch process adds one job per input, carrying the input's bytes (or
 * its path with a shared filesystem), and waits for each; a worker encodes
 * on its thread pool and returns the .snf bytes as the job's result, so no
 * machine needs to see another's files. Results stay in Redis until the
 * batch has written the output and its manifest line, then it removes the
 * job: a batch that is stopped and started again finds the jobs by their id
 * (a hash of output, settings and input) and collects what finished meanwhile.
 *
 * A worker that dies mid-job stops renewing the job's lock; after
 * `lockDuration` another worker's stalled-job check puts the job back on the
 * queue, and it is retried. Deterministic failures (the input is not an
 * image) are UnrecoverableErrors: failed at once, not retried.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Job, Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { CliError, EXIT } from '../node/errors.js';
import { readInput } from '../node/files.js';
import { BatchItemError, failureOf, type EncodedFile, type EncodeSettings, type InputKind } from './encode-file.js';
import type { BatchItem } from './inputs.js';
import { settingsKey } from './manifest.js';
import { EncodePool } from './pool.js';
import { WORKER_ID, type BatchExecutor } from './run-batch.js';

export const QUEUE_NAME = 'snfc-encode';
/** Tries of a job that fails for a reason that may pass (a crash, out of memory); a stalled job gets MAX_STALLED more. */
const ATTEMPTS = 3;
const MAX_STALLED = 2;

/**
 * How long a worker's lock on a job lasts without renewal (ms). The worker
 * renews it every half of this while it encodes (the encode runs on another
 * thread, so the event loop is free to), so it bounds how long a job of a
 * dead worker waits before another takes it, not the encode's length.
 * SNFC_QUEUE_LOCK_MS changes it (tests use a few seconds).
 */
export function lockDurationMs(): number {
  return envMs('SNFC_QUEUE_LOCK_MS', 120_000);
}

/** How often a worker checks for stalled jobs (ms); SNFC_QUEUE_STALLED_MS. */
export function stalledIntervalMs(): number {
  return envMs('SNFC_QUEUE_STALLED_MS', 30_000);
}

function envMs(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value >= 100 ? value : fallback;
}

/** Inputs read and sent to Redis at once by a batch: bounds its memory, whatever the collection's size. */
const SENDING_AT_ONCE = 8;

/** At most `count` holders at once; `acquire` resolves with a release function that is safe to call twice. */
function semaphore(count: number): { acquire(): Promise<() => void> } {
  let free = count;
  const waiting: (() => void)[] = [];
  return {
    async acquire() {
      if (free > 0) free--;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const next = waiting.shift();
        if (next) next();
        else free++;
      };
    },
  };
}

/** What a job carries: the input's bytes (base64) or, with a shared filesystem, its absolute path. */
export interface EncodeJobData {
  readonly kind: InputKind;
  readonly name: string;
  readonly settings: EncodeSettings;
  readonly bytes?: string;
  readonly path?: string;
}

/** What a worker sends back: the .snf file (base64) and its measurements. */
export interface EncodeJobResult extends Omit<EncodedFile, 'bytes'> {
  /** The file, base64 (a job's result is JSON). */
  readonly bytes: string;
  readonly worker: string;
}

/** A Redis connection, or one clear line when Redis cannot be reached (instead of ioredis retrying forever). */
export async function connectRedis(url: string): Promise<Redis> {
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 5000 });
  // The socket's own error (ECONNREFUSED, ENOTFOUND, …) says why; connect() rejects only with "Connection is closed."
  let cause: Error | undefined;
  probe.on('error', (error: Error) => { cause ??= error; });
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new CliError(`cannot reach Redis at ${url}: ${(cause ?? (error as Error)).message}`, EXIT.FAILURE);
  } finally {
    probe.disconnect();
  }
  // BullMQ's blocking commands need maxRetriesPerRequest null; once up, reconnect through Redis restarts.
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  let warned = false;
  redis.on('error', (error: Error) => {
    if (!warned) process.stderr.write(`snfc: Redis at ${url}: ${error.message} (reconnecting)\n`);
    warned = true;
  });
  redis.on('ready', () => (warned = false));
  return redis;
}

/** Writes `snfc: Redis at URL: message` once per distinct message (a Redis outage repeats its error at every retry). */
function oncePerMessage(url: string): (error: Error) => void {
  const seen = new Set<string>();
  return (error) => {
    if (seen.has(error.message)) return;
    seen.add(error.message);
    process.stderr.write(`snfc: Redis at ${url}: ${error.message}\n`);
  };
}

/** A failure's exit code travels in the failed job's reason as an `exit N: ` prefix. */
function failedReason(exitCode: number, message: string): string {
  return `exit ${exitCode}: ${message}`;
}

function failureFromReason(reason: string): BatchItemError {
  const match = /^exit (\d+): ([\s\S]*)$/.exec(reason);
  return new BatchItemError(match
    ? { message: match[2]!, exitCode: Number(match[1]), deterministic: true }
    : { message: reason, exitCode: EXIT.FAILURE, deterministic: false });
}

/** The job of an item: the same output, settings and input give the same id, so a restarted batch finds its jobs. */
function jobIdFor(item: BatchItem, settings: EncodeSettings, input: string): string {
  return createHash('sha256').update(`${path.resolve(item.output)}\0${settingsKey(settings)}\0${input}`).digest('hex').slice(0, 40);
}

/**
 * The batch side of the queue: each `encode` adds the item's job (unless a
 * job of that id is already queued, running or finished) and resolves with
 * the worker's result; `release` removes the job once the result is on disk.
 */
export async function queueExecutor(url: string, options: { sharedFs: boolean; maxJobBytes: number }): Promise<BatchExecutor> {
  const connection = await connectRedis(url);
  const eventsConnection = connection.duplicate();
  // The same server as `connection`, whose handler reports an outage; without a listener ioredis prints a stack.
  eventsConnection.on('error', () => {});
  const queue = new Queue<EncodeJobData, EncodeJobResult>(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection: eventsConnection });
  // Without listeners BullMQ prints each error with its stack; one line per distinct message instead.
  const reportError = oncePerMessage(url);
  queue.on('error', reportError);
  events.on('error', reportError);
  await events.waitUntilReady();
  const listeners = new Map<string, (step: number, steps: number, psnr: number) => void>();
  const jobIds = new Map<BatchItem, string>();
  const sending = semaphore(SENDING_AT_ONCE);
  events.on('progress', ({ jobId, data }) => {
    const progress = data as { step?: number; steps?: number; psnr?: number };
    if (typeof progress.step === 'number') listeners.get(jobId)?.(progress.step, progress.steps ?? 0, progress.psnr ?? 0);
  });
  /** Queues the item's job unless a job of its id is already there, and returns it without the input's bytes. */
  const submit = async (item: BatchItem, settings: EncodeSettings): Promise<Job<EncodeJobData, EncodeJobResult>> => {
    let data: EncodeJobData;
    let identity: string;
    if (options.sharedFs) {
      const stat = await fs.stat(item.input);
      data = { kind: item.kind, name: item.input, settings, path: path.resolve(item.input) };
      identity = `${data.path}\0${stat.size}\0${stat.mtimeMs}`;
    } else {
      const stat = await fs.stat(item.input).catch(() => undefined);
      if (stat && stat.size > options.maxJobBytes) {
        throw new BatchItemError({
          message: `'${item.input}' is ${(stat.size / 2 ** 20).toFixed(1)} MiB, over the ${options.maxJobBytes / 2 ** 20} MiB a queued job carries (--max-job-mb); use --shared-fs when every worker sees the same files`,
          exitCode: EXIT.INPUT, deterministic: true,
        });
      }
      const bytes = await readInput(item.input);
      data = { kind: item.kind, name: item.input, settings, bytes: Buffer.from(bytes).toString('base64') };
      identity = createHash('sha256').update(bytes).digest('hex');
    }
    const jobId = jobIdFor(item, settings, identity);
    let job = await Job.fromId<EncodeJobData, EncodeJobResult>(queue, jobId);
    // A job that failed before is tried again: the input may have been fixed, the failure may pass.
    if (job && (await job.isFailed())) {
      await job.remove();
      job = undefined;
    }
    job ??= await queue.add('encode', data, {
      jobId, attempts: ATTEMPTS, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: false, removeOnFail: false,
    });
    // The input is in Redis now: keep only the id while waiting, not its bytes.
    job.data = { ...job.data, bytes: undefined };
    return job;
  };
  return {
    // Every job is queued at once (workers come and go); only reading and sending inputs is limited, below.
    concurrency: Number.MAX_SAFE_INTEGER,
    async encode(item, settings, onStep) {
      const release = await sending.acquire();
      let job: Job<EncodeJobData, EncodeJobResult>;
      try {
        job = await submit(item, settings);
      } finally {
        release();
      }
      const jobId = job.id!;
      jobIds.set(item, jobId);
      listeners.set(jobId, onStep);
      try {
        const result = await job.waitUntilFinished(events).catch((error: Error) => {
          throw failureFromReason(error.message);
        });
        const { bytes, worker, ...measures } = result;
        return { file: { ...measures, bytes: new Uint8Array(Buffer.from(bytes, 'base64')) }, worker };
      } finally {
        listeners.delete(jobId);
      }
    },
    async release(item) {
      const jobId = jobIds.get(item);
      if (jobId !== undefined) await queue.remove(jobId);
    },
    async close() {
      // The events connection sits in a blocking XREAD (up to 10 s): drop it rather than wait for it.
      eventsConnection.disconnect();
      await Promise.all([events.close(), queue.close()]);
      connection.disconnect();
    },
  };
}

/** What a worker reports as it goes. */
export interface WorkerEvents {
  started?(name: string, attempt: number): void;
  completed?(name: string, result: EncodeJobResult): void;
  failed?(name: string, reason: string, willRetry: boolean): void;
}

/**
 * Takes jobs from the queue at `url` until closed, `jobs` at once, each
 * encoded with `threadsPerJob` engine threads.
 */
export async function startWorker(url: string, options: { jobs: number; threadsPerJob: number }, report: WorkerEvents = {}): Promise<{ close(): Promise<void> }> {
  const connection = await connectRedis(url);
  const pool = new EncodePool(options.jobs, options.threadsPerJob);
  const progressEveryMs = 1000;
  const worker = new Worker<EncodeJobData, EncodeJobResult>(QUEUE_NAME, async (job) => {
    const { kind, name, settings } = job.data;
    let bytes: Uint8Array;
    if (job.data.path !== undefined) {
      // With a shared filesystem a missing file may be this machine's mount: retryable, so another worker may try.
      try {
        bytes = await readInput(job.data.path);
      } catch (error) {
        throw new Error(failureOf(error).message);
      }
    } else {
      bytes = new Uint8Array(Buffer.from(job.data.bytes ?? '', 'base64'));
    }
    let last = 0;
    try {
      const file = await pool.encode({ kind, bytes, name, settings }, (step, steps, psnr) => {
        const now = performance.now();
        if (now - last < progressEveryMs) return;
        last = now;
        job.updateProgress({ step, steps, psnr }).catch(() => {});
      });
      const { bytes: snf, ...measures } = file;
      return { ...measures, bytes: Buffer.from(snf).toString('base64'), worker: WORKER_ID };
    } catch (error) {
      const failure = failureOf(error);
      if (failure.deterministic) throw new UnrecoverableError(failedReason(failure.exitCode, failure.message));
      throw new Error(failure.message);
    }
  }, {
    connection, concurrency: options.jobs,
    lockDuration: lockDurationMs(), stalledInterval: stalledIntervalMs(), maxStalledCount: MAX_STALLED,
  });
  worker.on('active', (job) => report.started?.(job.data.name, job.attemptsStarted));
  worker.on('completed', (job, result) => report.completed?.(job.data.name, result));
  worker.on('failed', (job, error) => {
    if (!job) return;
    const willRetry = !(error instanceof UnrecoverableError) && job.attemptsMade < (job.opts.attempts ?? 1);
    report.failed?.(job.data.name, error.message, willRetry);
  });
  worker.on('error', (error) => process.stderr.write(`snfc: worker: ${error.message}\n`));
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close(true);
      await pool.close();
      connection.disconnect();
    },
  };
}
