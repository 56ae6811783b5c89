/**
 * A lane of wasm-lanes.ts: runs the network jobs it is sent, one at a time,
 * on a WASM engine of its own, and posts every pass's loss and the result.
 */
import { parentPort } from 'node:worker_threads';
import { runNetworkJob } from './network-job.js';
import { wasmEngineFactory } from './wasm-engine.js';
import type { LaneReply, LaneRequest } from './wasm-lanes.js';

const port = parentPort;
if (!port) throw new Error('network-worker.js runs as a worker thread');

port.on('message', async ({ job, engine, threads }: LaneRequest) => {
  try {
    // No lanes inside a lane: this engine fits one network on its threads.
    const createEngine = wasmEngineFactory({ threads, kernels: engine.variant, tileRows: engine.tileRows, chunkRows: engine.chunkRows, networkLanes: false });
    const result = await runNetworkJob(createEngine, job, (loss) => port.postMessage({ type: 'step', loss } satisfies LaneReply));
    port.postMessage({ type: 'done', result } satisfies LaneReply, [result.params.buffer as ArrayBuffer]);
  } catch (error) {
    port.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies LaneReply);
  }
});
