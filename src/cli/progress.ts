import cliProgress from 'cli-progress';

/** The progress line's cli-progress format: the engine (`wasm`, `tfjs-node-gpu`, …) first. */
export function progressFormat(engine?: string): string {
  return `training${engine === undefined ? '' : ` on ${engine}`} {bar} step {value}/{total} | {psnr} dB | ETA {eta_formatted}`;
}

/** A progress line on stderr: the engine, step, training PSNR and ETA. A no-op when quiet. */
export function trainingProgress(quiet: boolean, engine?: string): { update(step: number, steps: number, psnr: number): void; stop(): void } {
  if (quiet) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: progressFormat(engine),
    hideCursor: true,
    etaBuffer: 50,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(step, steps, psnr) {
      if (!started) {
        bar.start(steps, 0, { psnr: '--.--' });
        started = true;
      }
      bar.update(step, { psnr: Number.isFinite(psnr) ? psnr.toFixed(2) : 'exact' });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/**
 * Runs an encode with the progress bar (unless quiet) and stops the bar however
 * it ends; an EncodeOptionsError it lets through is a usage error in `report`
 * (main.ts), for every command alike.
 */
export async function withTrainingProgress<T>(
  quiet: boolean, engine: string, run: (onStep: (step: number, steps: number, quality: number) => void) => Promise<T>,
): Promise<T> {
  const progress = trainingProgress(quiet, engine);
  try {
    return await run(progress.update);
  } finally {
    progress.stop();
  }
}
