/**
 * The doorbell: an Int32Array over `bytes` shared bytes. The pool sets `left`
 * to the worker count and `command`, then bumps `generation` and notifies it;
 * each worker runs the command, and the last to finish notifies `left` (0).
 * A worker that fails posts the error, sets `failed` and still counts down.
 */
export const DOORBELL = {
  bytes: 16, generation: 0, left: 1, command: 2, failed: 3,
  /** Commands. */
  run: 1, forwardRun: 2, stop: 3,
} as const;
