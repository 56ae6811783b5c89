import { resolveEngine, type EngineName, type ResolvedEngine } from '../encoder/network/engines.js';
import { TfjsUnavailableError } from '../encoder/network/tfjs-backend.js';
import { usageError } from '../node/errors.js';

/** `--engine NAME`, loaded: a missing or unusable TensorFlow.js backend is the user's to fix, in one line (exit 2). */
export async function engineFromFlag(name: EngineName): Promise<ResolvedEngine> {
  try {
    return await resolveEngine(name);
  } catch (error) {
    if (error instanceof TfjsUnavailableError) throw usageError(`--engine ${name}: ${error.message}`);
    throw error;
  }
}
