/**
 * The WS paper's experiment with snfc's own trainer (`npm run bench:ws`,
 * docs/ws-and-engines.md): learning curves of a SIREN fitted to one image at
 * several WS scales α, and how many steps each α needs to reach a PSNR.
 */
import type { EngineFactory } from '../src/encoder/network/engine.js';
import { trainingPsnr } from '../src/encoder/image/encode-image.js';
import { fit, type Schedule } from '../src/encoder/network/trainer.js';
import { initializeWeightScaled } from '../src/encoder/network/ws-init.js';
import type { SirenArch } from '../src/kernels/arch.js';
import { normalizeSample, regionGrid } from '../src/kernels/render.js';
import type { Raster } from '../src/raster.js';
import { PLOT_COLOURS, plotRateDistortion } from '../src/rate-distortion/plot-svg.js';

export interface CurveOptions {
  readonly width: number;
  readonly depth: number;
  readonly alpha: number;
  readonly lr: number;
  readonly steps: number;
  readonly schedule: Schedule;
  readonly engine: EngineFactory;
  readonly omega?: number;
  readonly seed?: number;
}

/** PSNR of the field after `step` Adam steps, and the seconds of fitting it took to get there. */
export interface CurvePoint {
  readonly step: number;
  readonly psnr: number;
  readonly seconds: number;
}

export interface LearningCurve {
  /** Step 0 (the initialization) to steps − 1: each step's loss is measured before its update. */
  readonly points: CurvePoint[];
  /** Best PSNR over the fit, the last update included (what `fit` keeps). */
  readonly bestPsnr: number;
  readonly seconds: number;
  readonly engine: string;
}

/**
 * Fits one full-batch SIREN on plain pixel coordinates (no Fourier inputs,
 * no warm-up) to `image` with snfc's trainer, recording the training PSNR
 * (float field, 8-bit peak) at every step.
 */
export async function fitLearningCurve(image: Raster, options: CurveOptions): Promise<LearningCurve> {
  const arch: SirenArch = { inputs: 2, outputs: image.channels, width: options.width, depth: options.depth, omega: options.omega ?? 30, fourier: 0 };
  const { coords } = regionGrid(image.width, image.height, [0, 0, image.width, image.height], image.width, image.height);
  const targets = Float32Array.from(image.data, normalizeSample);
  const engine = await options.engine({ arch, params: initializeWeightScaled(arch, options.alpha, options.seed ?? 1), coords, targets });
  try {
    const points: CurvePoint[] = [];
    const started = performance.now();
    const result = await fit(engine, {
      steps: options.steps, lr: options.lr, schedule: options.schedule, warmupFraction: 0, divergenceGuard: false,
      // The loss of step n is measured before its update, on every pixel: the field after n − 1 updates.
      onStep: (step, loss) => points.push({ step: step - 1, psnr: trainingPsnr(loss), seconds: (performance.now() - started) / 1000 }),
    });
    return { points, bestPsnr: trainingPsnr(result.bestLoss), seconds: result.seconds, engine: engine.name };
  } finally {
    await engine.dispose();
  }
}

/** The first step at which the curve reaches `db`, or null when it never does. */
export function stepsToReach(points: readonly CurvePoint[], db: number): CurvePoint | null {
  return points.find((p) => p.psnr >= db) ?? null;
}

/** One run of the study, as a line of its jsonl file. */
export interface WsRun {
  readonly image: string;
  readonly channels: number;
  readonly width: number;
  readonly alpha: number;
  readonly steps: number;
  readonly lr: number;
  readonly schedule: Schedule;
  readonly engine: string;
  readonly bestPsnr: number;
  readonly seconds: number;
  /** The command line that ran it. */
  readonly command: string;
  /** os.loadavg() before and after the run: the machine is shared. */
  readonly load: readonly [number, number];
  readonly points: CurvePoint[];
}

export const WS_THRESHOLDS = [20, 30, 40, 50] as const;

/**
 * Markdown tables, one per image and width: each α's best PSNR, and the
 * steps it needs to reach each threshold with the speed-up over α = 1 (a
 * lower bound, `>`, when α = 1 never gets there within the run).
 */
export function wsTable(runs: readonly WsRun[], thresholds: readonly number[] = WS_THRESHOLDS): string {
  const out: string[] = [];
  const groups = [...new Set(runs.map((r) => `${r.image}\n${r.width}`))];
  for (const group of groups) {
    const [image, width] = group.split('\n');
    const rows = runs.filter((r) => r.image === image && String(r.width) === width).sort((a, b) => a.alpha - b.alpha);
    const base = rows.find((r) => r.alpha === 1);
    out.push(`### ${image}, width ${width}`, '');
    out.push(`| α | best PSNR in ${rows[0]!.steps} steps | ${thresholds.map((t) => `steps to ${t} dB (× α 1)`).join(' | ')} | highest reached, at | s/step |`);
    out.push(`| ---: | ---: | ${thresholds.map(() => '---:').join(' | ')} | ---: | ---: |`);
    for (const r of rows) {
      const cells = thresholds.map((t) => {
        const at = stepsToReach(r.points, t);
        if (at === null) return `> ${r.steps}`;
        if (base === undefined || r === base) return String(at.step);
        const reference = stepsToReach(base.points, t);
        return reference === null
          ? `${at.step} (> ${(base.steps / Math.max(1, at.step)).toFixed(1)}×)`
          : `${at.step} (${(reference.step / Math.max(1, at.step)).toFixed(1)}×)`;
      });
      const highest = [...thresholds].reverse().find((t) => stepsToReach(r.points, t) !== null);
      const at = highest === undefined ? '—' : `${highest} dB, ${stepsToReach(r.points, highest)!.seconds.toFixed(1)} s`;
      out.push(`| ${r.alpha} | ${r.bestPsnr.toFixed(2)} | ${cells.join(' | ')} | ${at} | ${(r.seconds / r.steps).toFixed(3)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** Points kept per curve in the plot: every step up to 100, then every fifth. */
function thin(points: readonly CurvePoint[]): CurvePoint[] {
  return points.filter((p, i) => p.step < 100 || p.step % 5 === 0 || i === points.length - 1);
}

/**
 * One SVG of panels: a row per image and width, PSNR against step on the
 * left and against seconds on the right, one curve per α.
 */
export function wsPlot(runs: readonly WsRun[], title: string): string {
  const groups = [...new Set(runs.map((r) => `${r.image}\n${r.width}`))];
  const panelW = 640;
  const panelH = 360;
  const panels: string[] = [];
  // One colour per α in every panel, in the order of the palette.
  const alphas = [...new Set(runs.map((r) => r.alpha))].sort((a, b) => a - b);
  groups.forEach((group, row) => {
    const [image, width] = group.split('\n');
    const rows = runs.filter((r) => r.image === image && String(r.width) === width).sort((a, b) => a.alpha - b.alpha);
    (['step', 'seconds'] as const).forEach((axis, column) => {
      const series = rows.map((r) => ({ name: `α ${r.alpha}`, colour: PLOT_COLOURS[alphas.indexOf(r.alpha) % PLOT_COLOURS.length], points: thin(r.points).map((p) => ({ bpp: p[axis], psnr: p.psnr })) }));
      const svg = plotRateDistortion(series, {
        title: `${image}, width ${width}`, width: panelW, height: panelH, legendWidth: 80, markers: false, clipId: `clip-${row}-${column}`,
        maxBpp: Math.max(...series.flatMap((s) => s.points.map((p) => p.bpp))),
        xLabel: axis === 'step' ? 'Adam steps (full batch)' : 'seconds of fitting', yLabel: 'training PSNR (dB)',
      });
      panels.push(svg.replace('<svg ', `<svg x="${column * panelW}" y="${40 + row * panelH}" `));
    });
  });
  const width = 2 * panelW;
  const height = 40 + groups.length * panelH;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="26" text-anchor="middle" font-size="16">${title.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!)}</text>`,
    ...panels,
    '</svg>',
  ].join('\n') + '\n';
}
