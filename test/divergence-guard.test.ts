import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Engine } from '../src/encoder/network/engine.js';
import { fit, MAX_RECOVERIES } from '../src/encoder/network/trainer.js';

/**
 * A one-parameter engine that fits well until its parameter reaches 5, where
 * the loss jumps 500-fold (a diverged fit); each update moves the parameter
 * by the learning rate over `lr`, so halving the rate halves the stride.
 */
function cliffEngine(lr: number): Engine & { readonly rates: number[] } {
  let p = 0;
  const rates: number[] = [];
  return {
    name: 'cliff', batches: 1, rates,
    forward: async () => (p < 5 ? 1 / (1 + p) : 100),
    backward: async () => {},
    update: async (rate) => { rates.push(rate); p += rate / lr; },
    getParams: async () => Float32Array.of(p),
    setParams: async (params) => { p = params[0]!; },
    predict: async () => new Float32Array(0),
    dispose: async () => {},
  };
}

test('a diverged pass sends the fit back to its last good parameters at half the learning rate', async () => {
  const lr = 0.01;
  const engine = cliffEngine(lr);
  const losses: number[] = [];
  const result = await fit(engine, { steps: 30, lr, schedule: 'constant', onStep: (_, loss) => losses.push(loss) });
  // Passes 0–4 go 0 → 5; pass 5 sees the cliff and the fit returns to 4 at half the rate, and so on.
  assert.deepEqual(losses.slice(0, 7).map((l) => +l.toFixed(3)), [1, 0.5, 0.333, 0.25, 0.2, 100, 0.2]);
  assert.equal(result.recoveries, MAX_RECOVERIES);
  assert.equal(engine.rates[6], lr / 2);
  assert.equal(engine.rates.at(-1), lr / 2 ** MAX_RECOVERIES);
  assert.ok(result.params[0]! < 5, `kept ${result.params[0]}, before the cliff`);
  assert.ok(result.bestLoss < 0.2);
  // Without the guard (the WS study's plain Adam) the fit walks off the cliff and stays there.
  const plain = cliffEngine(lr);
  const unguarded = await fit(plain, { steps: 30, lr, schedule: 'constant', divergenceGuard: false });
  assert.equal(unguarded.recoveries, 0);
  assert.ok(plain.rates.every((rate) => rate === lr));
  assert.equal(unguarded.bestLoss, 0.2);
});
