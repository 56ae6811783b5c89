/**
 * Milliseconds per Adam step (forward, backward, update) of the training engines on the
 * networks a photo's tiles get: a 192×128 tile (24,576 pixels), 6 Fourier levels (26 inputs),
 * 3 sine layers of 16–48 units, steps on 1,536-pixel batches (the default `--batch`) and on the
 * whole tile (`--batch 0`). Written for the GPU check of session 38 (WebGPU in Node through
 * tfjs), where an encode's `--time` says less than the step itself.
 *
 *   node dist/bench/engine-steps.js [--engines tfjs,wasm] [--widths 16,24,48] [--seconds 2]
 *
 * SNFC_TFJS_BACKEND picks tfjs's backend. A benchmark, not a test: each timed run checks only
 * that its losses stay finite.
 */
import { availableParallelism, cpus } from 'node:os';
import type { Engine, EngineSetup } from '../src/encoder/network/engine.js';
import { resolveEngine } from '../src/encoder/network/engines.js';
import { initializeWeightScaled } from '../src/encoder/network/ws-init.js';
import type { SirenArch } from '../src/kernels/arch.js';

const TILE_PIXELS = 192 * 128;
const DEFAULT_BATCH = 1536;
const FOURIER_INPUTS = 2 * (1 + 2 * 6);

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}

/** A tile-sized fit with random inputs and smooth targets: timing only, so the values need not be a photo's. */
function tileSetup(width: number, batchRows: number | undefined): EngineSetup {
  const arch: SirenArch = { inputs: FOURIER_INPUTS, outputs: 3, width, depth: 3, omega: 30, fourier: 6 };
  let state = 12345;
  const random = (): number => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const coords = Float32Array.from({ length: TILE_PIXELS * arch.inputs }, () => random() * 2 - 1);
  const targets = Float32Array.from({ length: TILE_PIXELS * 3 }, (_, i) => 0.5 * Math.sin(3 * coords[Math.floor(i / 3) * arch.inputs]! + (i % 3)));
  return { arch, params: initializeWeightScaled(arch, 1, 1), coords, targets, ...(batchRows === undefined ? {} : { batchRows }) };
}

/** Mean milliseconds of a step after one warm-up step, over about `seconds`. */
async function msPerStep(engine: Engine, seconds: number): Promise<number> {
  const step = async (batch: number): Promise<number> => {
    const loss = await engine.forward(engine.batches > 1 ? batch % engine.batches : undefined);
    await engine.backward();
    await engine.update(1e-3);
    if (!Number.isFinite(loss)) throw new Error(`${engine.name}: the loss is ${loss}`);
    return loss;
  };
  await step(0);
  const started = performance.now();
  let steps = 0;
  while (performance.now() - started < seconds * 1000) await step(++steps);
  return (performance.now() - started) / steps;
}

async function main(): Promise<void> {
  const engines = option('engines', 'tfjs,wasm').split(',') as ('tfjs' | 'wasm')[];
  const widths = option('widths', '16,24,48').split(',').map(Number);
  const seconds = Number(option('seconds', '2'));
  console.log(`# ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`);
  console.log('engine              width  batch   ms/step  pixels/s');
  for (const name of engines) {
    const { factory, name: resolved, backend } = await resolveEngine(name);
    console.log(`# ${resolved}: ${backend}`);
    for (const width of widths) {
      for (const batch of [DEFAULT_BATCH, TILE_PIXELS]) {
        const engine = await factory(tileSetup(width, batch === TILE_PIXELS ? undefined : batch));
        try {
          const ms = await msPerStep(engine, seconds);
          console.log(`${resolved.padEnd(18)} ${String(width).padStart(6)} ${String(batch).padStart(6)} ${ms.toFixed(2).padStart(9)} ${(batch / (ms / 1000)).toExponential(2).padStart(9)}`);
        } finally {
          await engine.dispose();
        }
      }
    }
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
