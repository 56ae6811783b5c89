/**
 * A thread of the encode pool (pool.ts): encodes the files it is sent, one
 * at a time, and posts back progress (at most a few times a second) and the
 * result or the failure.
 */
import { parentPort } from 'node:worker_threads';
import { encodeFile, failureOf } from './encode-file.js';
import type { PoolReply, PoolTask } from './pool.js';

const PROGRESS_INTERVAL_MS = 250;

const port = parentPort;
if (!port) throw new Error('pool-thread.js runs as a worker thread');

port.on('message', async (task: PoolTask) => {
  let lastPost = 0;
  const onStep = (step: number, steps: number, psnr: number): void => {
    const now = performance.now();
    if (now - lastPost < PROGRESS_INTERVAL_MS && step < steps) return;
    lastPost = now;
    port.postMessage({ type: 'step', step, steps, psnr } satisfies PoolReply);
  };
  try {
    const result = await encodeFile(task.kind, task.bytes, task.name, task.settings, task.threads, onStep);
    port.postMessage({ type: 'done', result } satisfies PoolReply, [result.bytes.buffer as ArrayBuffer]);
  } catch (error) {
    port.postMessage({ type: 'failed', failure: failureOf(error) } satisfies PoolReply);
  }
});
