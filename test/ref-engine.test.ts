import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parameterCount, type SirenArch } from '../src/kernels/arch.js';
import { RefEngine } from '../src/encoder/network/ref-engine.js';
import { fit } from '../src/encoder/network/trainer.js';
import { tinySetup } from './helpers/synthetic.js';

const archs: SirenArch[] = [
  { inputs: 2, outputs: 3, width: 6, depth: 2, omega: 30 },
  { inputs: 1, outputs: 1, width: 5, depth: 3, omega: 30 },
];

for (const arch of archs) {
  test(`reference gradients match central finite differences (${arch.inputs}→${arch.width}x${arch.depth}→${arch.outputs})`, async () => {
    const setup = tinySetup(arch, 5);
    const engine = new RefEngine(setup);
    await engine.forward();
    await engine.backward();
    const analytic = engine.gradient();
    const base = await engine.getParams();
    let worst = 0;
    for (let i = 0; i < parameterCount(arch); i++) {
      const up = Float32Array.from(base);
      const down = Float32Array.from(base);
      up[i] = base[i]! + 1e-4;
      down[i] = base[i]! - 1e-4;
      await engine.setParams(up);
      const lossUp = await engine.forward();
      await engine.setParams(down);
      const lossDown = await engine.forward();
      // Divide by the float32 step actually taken, not the one asked for.
      const numeric = (lossUp - lossDown) / (up[i]! - down[i]!);
      const error = Math.abs(numeric - analytic[i]!) / Math.max(1e-4, Math.abs(numeric) + Math.abs(analytic[i]!));
      worst = Math.max(worst, error);
    }
    assert.ok(worst < 2e-3, `worst relative gradient error ${worst}`);
  });
}

test('fitting lowers the loss and is deterministic', async () => {
  const arch: SirenArch = { inputs: 2, outputs: 3, width: 12, depth: 2, omega: 30 };
  const run = async () => {
    const engine = new RefEngine(tinySetup(arch, 8));
    const losses: number[] = [];
    const result = await fit(engine, { steps: 60, lr: 5e-3, onStep: (_, loss) => losses.push(loss) });
    return { losses, result };
  };
  const first = await run();
  const second = await run();
  assert.ok(first.result.bestLoss < first.losses[0]! / 4, `loss ${first.losses[0]} → ${first.result.bestLoss}`);
  assert.deepEqual(first.result.params, second.result.params);
});

test('fitting on mini-batches: one Adam step per batch per pass, best parameters scored on every point', async () => {
  const arch: SirenArch = { inputs: 2, outputs: 3, width: 12, depth: 2, omega: 30 };
  // 16×16 points in batches of 64: four steps a pass.
  const setup = { ...tinySetup(arch, 16), batchRows: 64 };
  const engine = new RefEngine(setup);
  let forwards = 0;
  const forward = engine.forward.bind(engine);
  const batchesSeen: (number | undefined)[] = [];
  engine.forward = async (batch?: number) => {
    forwards++;
    batchesSeen.push(batch);
    return forward(batch);
  };
  const losses: number[] = [];
  const result = await fit(engine, { steps: 30, lr: 5e-3, onStep: (_, loss) => losses.push(loss) });
  assert.equal(losses.length, 30);
  // 4 batches × 30 passes, then one scoring pass on every point at the end.
  assert.equal(forwards, 121);
  assert.deepEqual(batchesSeen.slice(0, 5), [0, 1, 2, 3, 0]);
  assert.equal(batchesSeen.at(-1), undefined);
  const whole = new RefEngine(tinySetup(arch, 16));
  await whole.setParams(result.params);
  assert.equal(await whole.forward(), result.bestLoss);
  assert.ok(result.bestLoss < losses[0]! / 4, `loss ${losses[0]} → ${result.bestLoss}`);
});
