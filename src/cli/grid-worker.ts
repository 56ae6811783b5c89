/**
 * A decode lane (grid-lanes.ts): evaluates the networks' pixel grids it is
 * sent with the decoder's WASM grid path, one at a time, and sends the values back.
 */
import { parentPort } from 'node:worker_threads';
import { enableRelaxedSimd } from '../node/relaxed-simd.js';
import type { GridReply, GridRequest } from './grid-lanes.js';

const port = parentPort;
if (!port) throw new Error('grid-worker.js runs as a worker thread');
// The same kernels as the calling thread's, so that either gives the same samples: the flag first, then the kernels.
enableRelaxedSimd();
const { gridForwardFast } = await import('../kernels/grid-forward.js');
port.on('message', ({ arch, params, axes, buffer }: GridRequest) => {
  // The values go into the buffer the calling thread lent (grown if too short) and go back with it.
  const scratch = { inputs: new Float32Array(0), values: new Float32Array(buffer) };
  try {
    const { values, stride } = gridForwardFast(arch, params, axes, scratch);
    const reply: GridReply = { buffer: scratch.values.buffer as ArrayBuffer, length: values.length, stride };
    port.postMessage(reply, [reply.buffer]);
  } catch (error) {
    port.postMessage({ error: (error as Error).message });
  }
});
port.postMessage('ready');
