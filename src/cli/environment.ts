import { KERNEL_CHOICES } from '../kernels/wasm/table.js';
import { usageError } from '../node/errors.js';

/** The most engine threads SNFC_THREADS may ask for, as the library's `threads` option (wasm-threads.ts). */
const MAX_THREADS = 256;

/**
 * Checks the environment variables that steer the engine (docs/cli.md), before a command starts: a bad value is the
 * user's mistake and gets its one line and exit 2, where deep in the engine it surfaced as an internal error (or,
 * in `snfc batch`, as every input failing in turn). SNFC_TFJS_BACKEND is checked where `--engine tfjs` loads.
 */
export function checkEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  const threads = env['SNFC_THREADS'];
  if (threads !== undefined && threads !== '' && !(/^\d+$/.test(threads.trim()) && Number(threads) >= 1 && Number(threads) <= MAX_THREADS)) {
    throw usageError(`SNFC_THREADS must be a whole number from 1 to ${MAX_THREADS}; it is '${threads}'`);
  }
  const kernels = env['SNFC_KERNELS'];
  if (kernels !== undefined && kernels !== '' && !(KERNEL_CHOICES as readonly string[]).includes(kernels)) {
    throw usageError(`SNFC_KERNELS must be one of ${KERNEL_CHOICES.join(', ')}; it is '${kernels}'`);
  }
}
