/**
 * A decode lane (grid-lanes.ts): evaluates the networks' pixel grids it is
 * sent with the decoder's WASM grid path, one at a time, and sends the
 * values back; then filters the band of rows it is sent (restoration filter).
 */
import { parentPort } from 'node:worker_threads';
import { enableRelaxedSimd } from '../node/relaxed-simd.js';
import type { FilterReply, FilterRequest, GridReply, GridRequest } from './grid-lanes.js';

const port = parentPort;
if (!port) throw new Error('grid-worker.js runs as a worker thread');
// The same kernels as the calling thread's, so that either gives the same samples: the flag first, then the kernels.
enableRelaxedSimd();
const { gridForwardFast } = await import('../kernels/grid-forward.js');
const filterModule = import('../kernels/post-filter.js');

function evaluate({ arch, params, axes, buffer }: GridRequest): void {
  // The values go into the buffer the calling thread lent (grown if too short) and go back with it.
  const scratch = { inputs: new Float32Array(0), values: new Float32Array(buffer) };
  const { values, stride } = gridForwardFast(arch, params, axes, scratch);
  const reply: GridReply = { buffer: scratch.values.buffer as ArrayBuffer, length: values.length, stride };
  port!.postMessage(reply, [reply.buffer]);
}

async function filter({ field, filter, scale, first, end }: FilterRequest): Promise<void> {
  const { filterRows } = await filterModule;
  const filtered = new Float32Array((end - first) * field.width * field.channels);
  filterRows(field, filter, scale, first, end, filtered);
  const reply: FilterReply = { filtered: filtered.buffer };
  port!.postMessage(reply, [reply.filtered]);
}

port.on('message', (request: GridRequest | FilterRequest) => {
  const fail = (error: unknown): void => port.postMessage({ error: (error as Error).message });
  try {
    if ('filter' in request) filter(request).catch(fail);
    else evaluate(request);
  } catch (error) {
    fail(error);
  }
});
port.postMessage('ready');
// The filter comes after the networks: its module loads, and its kernels are warmed (warmFilterKernels), in between jobs.
void import('../kernels/wasm/filter-kernel.js').then(({ warmFilterKernels }) => warmFilterKernels(), () => {});
