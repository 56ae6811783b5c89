/**
 * What a worker of the WASM engine does, whatever starts it: the messages it
 * takes and answers, and the handler that runs chunks of the training step
 * (TrainCore) or tiles of a forward pass (ForwardCore) on the shared memory.
 * Browser-safe: the Node shim (src/node/wasm-worker.ts, over parentPort) and the
 * browser one (src/web-encode/index.ts, over a Web Worker's `self`) only
 * connect it to their message port.
 *
 * Messages in: {type:'init', memory, module, variant, layout, slot}, {type:'run'}
 * (training); {type:'forward-init', …same fields with a ForwardLayout},
 * {type:'forward-run'} (threaded evaluation).
 * Messages out: {type:'ready'}, {type:'done'}, {type:'error', message}.
 */
import { createKernels } from './load.js';
import { ForwardCore, type ForwardLayout } from './forward-core.js';
import type { TrainLayout } from './layout.js';
import type { KernelVariant } from './table.js';
import { TrainCore } from './train-core.js';

export interface WorkerInit {
  readonly type: 'init';
  readonly memory: WebAssembly.Memory;
  /** The compiled kernels (null for the scalar TypeScript kernels). */
  readonly module: WebAssembly.Module | null;
  readonly variant: KernelVariant;
  readonly layout: TrainLayout;
  readonly slot: number;
}

export interface WorkerForwardInit extends Omit<WorkerInit, 'type' | 'layout'> {
  readonly type: 'forward-init';
  readonly layout: ForwardLayout;
}

export type WorkerMessage = WorkerInit | WorkerForwardInit | { readonly type: 'run' | 'forward-run' };

export type WorkerReply = { readonly type: 'ready' | 'done' } | { readonly type: 'error'; readonly message: string };

/** A worker's state: a function from each message to its reply (never throws). */
export function kernelWorker(): (message: WorkerMessage) => WorkerReply {
  let core: TrainCore | undefined;
  let forward: ForwardCore | undefined;
  let slot = 0;
  return (message) => {
    try {
      if (message.type === 'init') {
        const kernels = createKernels(message.memory, message.variant, message.module ?? undefined);
        core = new TrainCore(kernels, message.layout, message.memory);
        slot = message.slot;
        return { type: 'ready' };
      }
      if (message.type === 'forward-init') {
        forward = new ForwardCore(createKernels(message.memory, message.variant, message.module ?? undefined), message.layout, message.memory);
        slot = message.slot;
        return { type: 'ready' };
      }
      if (message.type === 'forward-run') {
        if (!forward) throw new Error('wasm worker: forward-run before forward-init');
        forward.runTiles(slot);
        return { type: 'done' };
      }
      if (message.type === 'run') {
        if (!core) throw new Error('wasm worker: run before init');
        core.runChunks(slot);
        return { type: 'done' };
      }
      throw new Error(`wasm worker: unknown message ${String((message as { type?: unknown }).type)}`);
    } catch (error) {
      return { type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
    }
  };
}
