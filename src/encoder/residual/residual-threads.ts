/**
 * The residual's shape search split between worker threads in Node
 * (residual-search.ts): the shapes dealt out in turn, this thread taking the
 * first share and a worker each other one, the best of their bests kept
 * (`bestResidual`: the same residual as one search). The search runs after
 * the networks are fitted, when the training threads are idle: on 2 cores a
 * full-size photo's `balanced` search takes half its time (docs/engine.md).
 */
import { Worker } from 'node:worker_threads';
import type { FieldImage } from '../../kernels/post-filter.js';
import type { Raster } from '../../raster.js';
import { bestResidual, fitResidualShapes, unranked, type RankedResidualFit, type ResidualChoice } from './residual-fit.js';
import type { ResidualSearch } from './residual-search.js';
import { resolveThreads } from '../../node/wasm-threads.js';

/** What a residual worker is sent: the search's inputs and its share of the shapes. */
export interface ResidualShareRequest {
  readonly source: Raster;
  readonly field: FieldImage;
  readonly budget: number;
  readonly choice: ResidualChoice;
  readonly indices: readonly number[];
  readonly deadline?: number;
}

/** What it answers: the best of its shapes (none where none fits), or why it failed. */
export type ResidualShareReply = { readonly type: 'done'; readonly best: RankedResidualFit | undefined } | { readonly type: 'failed'; readonly message: string };

/** One share on a worker thread of its own, which ends with the answer. */
function searchOnWorker(request: ResidualShareRequest): Promise<RankedResidualFit | undefined> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./residual-worker.js', import.meta.url));
    const settle = (result: () => void): void => {
      worker.removeAllListeners();
      void worker.terminate();
      result();
    };
    worker.on('message', (reply: ResidualShareReply) => settle(() => (reply.type === 'done' ? resolve(reply.best) : reject(new Error(`residual worker failed: ${reply.message}`)))));
    worker.on('error', (error: unknown) => settle(() => reject(error instanceof Error ? error : new Error(String(error)))));
    worker.on('exit', () => settle(() => reject(new Error('residual worker stopped'))));
    worker.postMessage(request);
  });
}

/** A search on `threads` threads (default SNFC_THREADS, else the machine's cores); one thread searches in this one. */
export function residualSearchOnThreads(threads = resolveThreads()): ResidualSearch {
  return {
    threads,
    async search(source: Raster, field: FieldImage, budget: number, choice: ResidualChoice, deadline?: number) {
      const shares = Math.max(1, Math.min(threads, choice.shapes.length));
      const indices = Array.from({ length: shares }, (_, share) => [...choice.shapes.keys()].filter((index) => index % shares === share));
      const others = indices.slice(1).map((share) => searchOnWorker({ source, field, budget, choice, indices: share, ...(deadline === undefined ? {} : { deadline }) }));
      let own: RankedResidualFit | undefined;
      try {
        own = fitResidualShapes(source, field, budget, choice, indices[0], deadline);
      } catch (error) {
        await Promise.allSettled(others); // no worker's answer left to fail unheard
        throw error;
      }
      return unranked(bestResidual([own, ...(await Promise.all(others))]));
    },
  };
}
