/**
 * Node worker shim of the WASM engine (wasm-engine.ts): runs chunks of the
 * training step on the shared memory. All the work is in the browser-safe
 * TrainCore; a Web Worker shim would be these same few lines over `self`.
 *
 * Messages in: {type:'init', memory, module, variant, layout, slot}, {type:'run'}
 * (training); {type:'forward-init', …same fields with a ForwardLayout},
 * {type:'forward-run'} (threaded evaluation).
 * Messages out: {type:'ready'}, {type:'done'}, {type:'error', message}.
 */
import { parentPort } from 'node:worker_threads';
import { createKernels } from '../kernels/wasm/load.js';
import { ForwardCore, type ForwardLayout } from '../kernels/wasm/forward-core.js';
import type { TrainLayout } from '../kernels/wasm/layout.js';
import type { KernelVariant } from '../kernels/wasm/table.js';
import { TrainCore } from '../kernels/wasm/train-core.js';

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

const port = parentPort;
if (port) {
  let core: TrainCore | undefined;
  let forward: ForwardCore | undefined;
  let slot = 0;
  const reply = (message: WorkerReply): void => port.postMessage(message);
  port.on('message', (message: WorkerMessage) => {
    try {
      if (message.type === 'init') {
        const kernels = createKernels(message.memory, message.variant, message.module ?? undefined);
        core = new TrainCore(kernels, message.layout, message.memory);
        slot = message.slot;
        reply({ type: 'ready' });
      } else if (message.type === 'forward-init') {
        forward = new ForwardCore(createKernels(message.memory, message.variant, message.module ?? undefined), message.layout, message.memory);
        slot = message.slot;
        reply({ type: 'ready' });
      } else if (message.type === 'forward-run') {
        if (!forward) throw new Error('wasm worker: forward-run before forward-init');
        forward.runTiles(slot);
        reply({ type: 'done' });
      } else if (message.type === 'run') {
        if (!core) throw new Error('wasm worker: run before init');
        core.runChunks(slot);
        reply({ type: 'done' });
      }
    } catch (error) {
      reply({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  });
}
