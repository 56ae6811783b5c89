import type { Engine, EngineFactory, EngineSetup } from './engine.js';
import { quantizationAwareFineTune } from './qat.js';
import { measureRounding, type RoundingCheck } from './rounding-check.js';
import { tensorSensitivities } from './sensitivity.js';
import { fit, type Schedule } from './trainer.js';

/**
 * One network's share of an encode, as a message: fit it and measure its
 * tensors' sensitivities, measure what rounding to a grid costs it, or
 * fine-tune it on its quantization grid. Every
 * field is plain data, so a job runs the same here (trainNetworks with one
 * engine at a time) or on a thread of its own (`NetworkLanes`, several
 * networks at once). Browser-safe.
 */
export type NetworkJob = FitJob | RoundingJob | FineTuneJob;

export interface FitJob {
  readonly kind: 'fit';
  /** The engine's setup: the network, its initial parameters, its points (Fourier-encoded) and their weights. */
  readonly setup: EngineSetup;
  readonly steps: number;
  readonly lr: number;
  readonly schedule?: Schedule;
  readonly warmupFraction: number;
  /** Seconds this fit may take, from when it starts; none to run every pass. */
  readonly timeLimitSeconds?: number;
  /** Seed of the sensitivity probe's noise. */
  readonly sensitivitySeed: number;
  /** The file's steps are per unit (format 5, spec §5.1): each sine unit's probe noise is scaled by its multiplier. */
  readonly unitScales?: boolean;
}

/** Measure what rounding to `gridSteps` adds to the loss of the fitted parameters, against the prediction (rounding-check.ts). */
export interface RoundingJob {
  readonly kind: 'checkRounding';
  /** The engine's setup, with the fitted parameters. */
  readonly setup: EngineSetup;
  readonly sensitivities: readonly number[];
  readonly gridSteps: readonly number[];
  /** Rounded with steps per unit (format 5). */
  readonly unitScales?: boolean;
}

export interface FineTuneJob {
  readonly kind: 'fineTune';
  /** The engine's setup, with the fitted parameters. */
  readonly setup: EngineSetup;
  /** Every tensor's quantization step. */
  readonly gridSteps: readonly number[];
  readonly steps: number;
  readonly lr: number;
  readonly timeLimitSeconds?: number;
  /** Rounded with steps per unit (format 5). */
  readonly unitScales?: boolean;
}

export type NetworkJobResult =
  | { readonly kind: 'fit'; readonly params: Float32Array; readonly sensitivities: number[]; readonly steps: number; readonly engine: string; readonly loss: number }
  | { readonly kind: 'checkRounding'; readonly check: RoundingCheck; readonly engine: string }
  | { readonly kind: 'fineTune'; readonly params: Float32Array; readonly steps: number; readonly engine: string };

/** Called after every pass of a fit and every fine-tuning step, with its loss. */
export type JobProgress = (loss: number) => void;

/** Runs `job` on an engine from `createEngine`, which it disposes of afterwards. */
export async function runNetworkJob(createEngine: EngineFactory, job: NetworkJob, onStep?: JobProgress): Promise<NetworkJobResult> {
  const engine: Engine = await createEngine(job.setup);
  const { arch, params } = job.setup;
  try {
    if (job.kind === 'fit') {
      const fitted = await fit(engine, {
        steps: job.steps, lr: job.lr, schedule: job.schedule, warmupFraction: job.warmupFraction,
        timeLimitSeconds: job.timeLimitSeconds, onStep: (_, loss) => onStep?.(loss),
      });
      const sensitivities = await tensorSensitivities(engine, arch, fitted.params, job.sensitivitySeed, job.unitScales);
      return { kind: 'fit', params: fitted.params, sensitivities, steps: fitted.steps, engine: engine.name, loss: fitted.bestLoss };
    }
    if (job.kind === 'checkRounding') {
      return { kind: 'checkRounding', check: await measureRounding(engine, arch, params, job.sensitivities, job.gridSteps, job.unitScales), engine: engine.name };
    }
    const tuned = await quantizationAwareFineTune(engine, arch, params, job.gridSteps, {
      unitScales: job.unitScales,
      steps: job.steps, lr: job.lr, timeLimitSeconds: job.timeLimitSeconds, onStep: (_, loss) => onStep?.(loss),
    });
    return { kind: 'fineTune', params: tuned.params, steps: tuned.steps, engine: engine.name };
  } finally {
    await engine.dispose();
  }
}

/**
 * Threads that each run whole network jobs, several networks at once. An
 * engine factory that can offer them (`EngineFactory.openLanes`, the WASM
 * engine in Node) makes a many-tile encode faster than one network at a time
 * on every thread: the threads of one fit meet at every Adam step, and the
 * step's serial parts leave the others idle. Jobs give the same result on a
 * lane as on the calling thread, bit for bit.
 */
export interface NetworkLanes {
  /** Jobs that can run at once; the caller starts no more than this many together. */
  readonly count: number;
  /** Runs `job` on a free lane. */
  run(job: NetworkJob, onStep?: JobProgress): Promise<NetworkJobResult>;
  /** Stops the lanes' threads. */
  close(): Promise<void>;
}
