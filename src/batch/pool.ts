/**
 * Encodes on `size` worker threads at once, each one file at a time with
 * `threadsPerJob` engine threads. Encoding off the main thread keeps its
 * event loop free: for progress, for writing results, and for a queue
 * worker's lock renewals (a minute-long encode on the main thread would let
 * BullMQ's lock expire and the job be taken as stalled).
 */
import { Worker } from 'node:worker_threads';
import { BatchItemError, type EncodedFile, type EncodeFailure, type EncodeSettings, type InputKind } from './encode-file.js';

/** One file for a pool thread. */
export interface PoolTask {
  readonly kind: InputKind;
  readonly bytes: Uint8Array;
  /** The input's name, for error messages. */
  readonly name: string;
  readonly settings: EncodeSettings;
  readonly threads: number;
}

export type PoolReply =
  | { readonly type: 'step'; readonly step: number; readonly steps: number; readonly psnr: number }
  | { readonly type: 'done'; readonly result: EncodedFile }
  | { readonly type: 'failed'; readonly failure: EncodeFailure };

export type StepListener = (step: number, steps: number, psnr: number) => void;

interface Waiting {
  readonly task: Omit<PoolTask, 'threads'>;
  readonly onStep: StepListener | undefined;
  resolve(result: EncodedFile): void;
  reject(error: Error): void;
}

export class EncodePool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly waiting: Waiting[] = [];
  private closed = false;

  /**
   * @param size files encoded at once (threads of this pool)
   * @param threadsPerJob engine threads of each encode
   */
  constructor(readonly size: number, readonly threadsPerJob: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL('./pool-thread.js', import.meta.url));
      // An idle pool must not keep the process alive; a busy thread is held by its pending promise's caller.
      worker.unref();
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  /** Encodes one file on the next free thread. Rejects with a BatchItemError. */
  encode(task: Omit<PoolTask, 'threads'>, onStep?: StepListener): Promise<EncodedFile> {
    if (this.closed) return Promise.reject(new Error('EncodePool: used after close()'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ task, onStep, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.waiting.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.waiting.shift()!;
      worker.ref();
      const finish = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.unref();
        this.idle.push(worker);
        this.dispatch();
      };
      const onMessage = (reply: PoolReply): void => {
        if (reply.type === 'step') {
          job.onStep?.(reply.step, reply.steps, reply.psnr);
        } else if (reply.type === 'done') {
          finish();
          job.resolve(reply.result);
        } else {
          finish();
          job.reject(new BatchItemError(reply.failure));
        }
      };
      const onError = (error: Error): void => {
        // The thread died (out of memory, a crash in native code): not this input's fault for sure, so retryable.
        worker.off('message', onMessage);
        const index = this.all.indexOf(worker);
        const fresh = new Worker(new URL('./pool-thread.js', import.meta.url));
        fresh.unref();
        this.all[index] = fresh;
        this.idle.push(fresh);
        job.reject(new BatchItemError({ message: `encoder thread failed: ${error.message}`, exitCode: 1, deterministic: false }));
        this.dispatch();
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.postMessage({ ...job.task, threads: this.threadsPerJob } satisfies PoolTask);
    }
  }

  /** Stops every thread; pending encodes are abandoned. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.all.map((worker) => worker.terminate()));
  }
}
