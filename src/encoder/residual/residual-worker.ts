/**
 * A worker thread of residual-threads.ts: fits the residual's shapes it is
 * sent (residual-fit.ts, `fitResidualShapes`) and answers with the best of them.
 */
import { parentPort } from 'node:worker_threads';
import { fitResidualShapes } from './residual-fit.js';
import type { ResidualShareReply, ResidualShareRequest } from './residual-threads.js';

const port = parentPort;
if (!port) throw new Error('residual-worker.js runs as a worker thread');

port.on('message', ({ source, field, budget, choice, indices, deadline }: ResidualShareRequest) => {
  let reply: ResidualShareReply;
  try {
    reply = { type: 'done', best: fitResidualShapes(source, field, budget, choice, indices, deadline) };
  } catch (error) {
    reply = { type: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
