import cliProgress from 'cli-progress';

/** A progress line on stderr: step, training PSNR and ETA. A no-op when quiet. */
export function trainingProgress(quiet: boolean): { update(step: number, steps: number, psnr: number): void; stop(): void } {
  if (quiet) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar({
    stream: process.stderr,
    format: 'training {bar} step {value}/{total} | {psnr} dB | ETA {eta_formatted}',
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
