/**
 * Network lanes for the WASM engine in Node (network-lanes.ts): each lane is
 * a worker_threads worker running network-worker.js. On these 2 cores a
 * full-size photo encodes 28–36 % faster on two lanes than one tile at a
 * time on both threads, to the same bytes (docs/engine.md).
 */
import { Worker } from 'node:worker_threads';
import type { NetworkLanes } from './network-job.js';
import { openLanes, type LaneEngine, type LanePort, type LaneReply } from './network-lanes.js';

const startNodeLane = (): LanePort => {
  const worker = new Worker(new URL('./network-worker.js', import.meta.url));
  return {
    post: (request) => worker.postMessage(request),
    listen(onReply, onError) {
      worker.on('message', (reply: LaneReply) => onReply(reply));
      worker.on('error', (error: unknown) => onError(error instanceof Error ? error : new Error(String(error))));
      worker.on('exit', () => onError(new Error('network lane stopped')));
    },
    hold: (busy) => (busy ? worker.ref() : worker.unref()),
    terminate: () => worker.terminate(),
  };
};

/** Lanes on worker threads; see `openLanes`. */
export function openWasmLanes(networks: number, threads: number, engine: LaneEngine): NetworkLanes | undefined {
  return openLanes(networks, threads, engine, startNodeLane);
}
