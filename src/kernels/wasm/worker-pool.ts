import type { WorkerMessage, WorkerReply } from './worker-core.js';

/**
 * The WASM engine's workers, whatever the platform: a pool that sends each
 * worker one message and waits for every answer. Browser-safe; the platforms
 * differ only in how one worker is started and spoken to (`WorkerPort`):
 * worker_threads in Node (src/node/wasm-threads.ts), Web Workers in a page
 * (src/web-encode/web-workers.ts).
 */

/** One started worker that takes `In` messages and answers `Out` ones, as a pool uses it (also network-lanes.ts). */
export interface ThreadPort<In, Out> {
  /** Posts a message (a shared memory and a compiled module are shared, not copied). */
  post(message: In): void;
  /** Sets the listeners for the worker's replies and for its failure (a crash, a script that did not load). */
  listen(onReply: (reply: Out) => void, onError: (error: Error) => void): void;
  /**
   * Whether the worker has work: Node lets an idle worker not keep the
   * process alive (unref); browsers need nothing here.
   */
  hold(busy: boolean): void;
  terminate(): Promise<unknown> | void;
}

/** One started kernel worker, as the pool uses it. */
export type WorkerPort = ThreadPort<WorkerMessage, WorkerReply>;

/** Starts one worker running the handler of worker-core.ts. */
export type StartWorker = () => WorkerPort;

/**
 * Workers running worker-core.ts: one message to each, then wait for
 * all to answer; `run` lets the calling thread do its share meanwhile.
 * Idle between calls (unref'd in Node, so an idle pool never keeps the
 * process alive); `terminate` stops them.
 */
export class WorkerPool {
  private readonly workers: WorkerPort[] = [];
  private pending: { resolve: () => void; reject: (error: Error) => void; left: number } | undefined;
  private failure: Error | undefined;

  constructor(count: number, start: StartWorker) {
    for (let i = 0; i < count; i++) {
      const worker = start();
      this.workers.push(worker);
      worker.listen((reply) => this.onReply(reply), (error) => this.fail(error));
      worker.hold(false);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  private onReply(reply: WorkerReply): void {
    if (reply.type === 'error') {
      this.fail(new Error(`wasm worker failed: ${reply.message}`));
      return;
    }
    const pending = this.pending;
    if (pending && --pending.left === 0) {
      this.pending = undefined;
      pending.resolve();
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }

  /**
   * Posts `message(slot)` to every worker, runs `here` on this thread
   * meanwhile (its share of the work), and waits for all of them.
   */
  async run(message: (slot: number) => WorkerMessage, here?: () => void): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.pending) throw new Error('wasm engine: a call is already running; await each call');
    const answered = new Promise<void>((resolve, reject) => {
      this.pending = { resolve, reject, left: this.workers.length };
      for (const worker of this.workers) worker.hold(true);
      this.workers.forEach((worker, slot) => worker.post(message(slot)));
    });
    try {
      here?.();
    } finally {
      // Even when `here` failed: the workers are still at work on the shared memory.
      await answered.finally(() => {
        for (const worker of this.workers) worker.hold(false);
      });
    }
  }

  async terminate(): Promise<void> {
    this.fail(new Error('wasm workers terminated'));
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    this.workers.length = 0;
  }
}
