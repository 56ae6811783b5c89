/**
 * A lane of wasm-lanes.ts: runs the network jobs it is sent, one at a time,
 * on a WASM engine of its own (network-lanes.ts serves each request).
 */
import { parentPort } from 'node:worker_threads';
import { serveLaneRequest, type LaneRequest } from './network-lanes.js';
import { wasmEngineFactory } from './wasm-engine.js';

const port = parentPort;
if (!port) throw new Error('network-worker.js runs as a worker thread');

port.on('message', (request: LaneRequest) =>
  serveLaneRequest(request, ({ engine, threads }) => wasmEngineFactory({ threads, kernels: engine.variant, tileRows: engine.tileRows, chunkRows: engine.chunkRows, networkLanes: false }),
    (reply, transfer) => port.postMessage(reply, transfer ?? [])));
