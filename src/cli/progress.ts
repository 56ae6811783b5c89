import cliProgress from 'cli-progress';
import { duration } from './duration.js';

/** The progress line's cli-progress format: the engine (`wasm`, `tfjs-node-gpu`, …) first. */
export function progressFormat(engine?: string): string {
  return `training${engine === undefined ? '' : ` on ${engine}`} {bar} step {value}/{total} | {psnr} dB | ETA {eta_formatted}`;
}

type TrainingProgress = { update(step: number, steps: number, psnr: number): void; stop(): void };

/** Milliseconds between the plain lines written where stderr is not a terminal. */
export const PLAIN_PROGRESS_INTERVAL_MS = 30_000;

function psnrText(psnr: number): string {
  return Number.isFinite(psnr) ? psnr.toFixed(2) : 'exact';
}

/**
 * Progress for a log or a pipe, where a bar that redraws itself cannot work: a plain line every `intervalMs`
 * (step, training PSNR, ETA), none before the first interval, so a short encode writes nothing more than its
 * result. A 6-megapixel photo's hour-long fit in a script or CI log then says how far it is.
 */
export function plainTrainingProgress(
  write: (line: string) => void, engine?: string, now: () => number = Date.now, intervalMs = PLAIN_PROGRESS_INTERVAL_MS,
): TrainingProgress {
  // The first update's time and step: the ETA extrapolates the pace since then.
  let started: number | undefined;
  let firstStep = 0;
  let lastLine = 0;
  return {
    update(step, steps, psnr) {
      const time = now();
      if (started === undefined) {
        started = time;
        firstStep = step;
        lastLine = time;
        return;
      }
      if (time - lastLine < intervalMs || step <= firstStep || step >= steps) return;
      lastLine = time;
      const eta = ((time - started) / 1000) * (steps - step) / (step - firstStep);
      write(`snfc: training${engine === undefined ? '' : ` on ${engine}`}: step ${step}/${steps} | ${psnrText(psnr)} dB | ETA ${duration(eta)}\n`);
    },
    stop() {},
  };
}

/**
 * Progress on stderr: on a terminal a bar with the engine, step, training PSNR and ETA; elsewhere a plain line every
 * 30 s (plainTrainingProgress). A no-op when quiet.
 */
export function trainingProgress(quiet: boolean, engine?: string): TrainingProgress {
  if (quiet) return { update() {}, stop() {} };
  if (!process.stderr.isTTY) return plainTrainingProgress((line) => process.stderr.write(line), engine);
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
      bar.update(step, { psnr: psnrText(psnr) });
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
