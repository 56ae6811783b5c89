/**
 * Node worker shim of the WASM engine (wasm-engine.ts): runs chunks of the
 * training step on the shared memory. All the work is in the browser-safe
 * TrainCore; a Web Worker shim would be these same few lines over `self`.
 *
 * Messages in: {type:'init', memory, module, variant, layout, slot} (training),
 * {type:'forward-init', …same fields with a ForwardLayout} (threaded
 * evaluation), {type:'serve', doorbell}: from then on the worker takes its
 * work (run, forward-run, stop) from the doorbell in shared memory (DOORBELL).
 * Messages out: {type:'ready'}, {type:'error', message}.
 */
import { parentPort } from 'node:worker_threads';
import { DOORBELL } from './doorbell.js';
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

/** Starts the doorbell loop: the worker then reads no messages until the `stop` command. */
export interface WorkerServe {
  readonly type: 'serve';
  readonly doorbell: SharedArrayBuffer;
}

export type WorkerMessage = WorkerInit | WorkerForwardInit | WorkerServe;


export type WorkerReply = { readonly type: 'ready' } | { readonly type: 'error'; readonly message: string };

const port = parentPort;
if (port) {
  let core: TrainCore | undefined;
  let forward: ForwardCore | undefined;
  let slot = 0;
  const reply = (message: WorkerReply): void => port.postMessage(message);
  /** Runs doorbell commands until `stop` (see DOORBELL). */
  const serve = (bell: Int32Array): void => {
    // Read before answering: the pool may ring as soon as every worker has answered.
    let seen = Atomics.load(bell, DOORBELL.generation);
    reply({ type: 'ready' });
    for (;;) {
      Atomics.wait(bell, DOORBELL.generation, seen);
      seen = Atomics.load(bell, DOORBELL.generation);
      const command = Atomics.load(bell, DOORBELL.command);
      try {
        if (command === DOORBELL.run) {
          if (!core) throw new Error('wasm worker: run before init');
          core.runChunks(slot);
        } else if (command === DOORBELL.forwardRun) {
          if (!forward) throw new Error('wasm worker: forward-run before forward-init');
          forward.runTiles(slot);
        }
      } catch (error) {
        reply({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        Atomics.store(bell, DOORBELL.failed, 1);
      }
      if (Atomics.sub(bell, DOORBELL.left, 1) === 1) Atomics.notify(bell, DOORBELL.left);
      if (command === DOORBELL.stop) return;
    }
  };
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
      } else if (message.type === 'serve') {
        serve(new Int32Array(message.doorbell));
      }
    } catch (error) {
      reply({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  });
}
