import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensorSlices, type SirenArch } from '../src/kernels/arch.js';
import { encodeImage } from '../src/encoder/image/encode-image.js';
import { fixedBitSteps, trainNetworks } from '../src/encoder/network/fit-networks.js';
import { networkParams, type QuantizedTensor } from '../src/format/index.js';
import { engineByName } from '../src/encoder/network/engines.js';
import { quantizationAwareFineTune } from '../src/encoder/network/qat.js';
import { quantizeWithSteps, roundToSteps, searchLambda, smallestExactLambda, stepsForLambda } from '../src/encoder/network/rate-control.js';
import { missFactor, ROUNDING_MISS_FACTOR } from '../src/encoder/network/rounding-check.js';
import { runNetworkJob } from '../src/encoder/network/network-job.js';
import { RefEngine } from '../src/encoder/network/ref-engine.js';
import { tensorSensitivities } from '../src/encoder/network/sensitivity.js';
import { fit } from '../src/encoder/network/trainer.js';
import { syntheticImage, tinySetup } from './helpers/synthetic.js';

test('searchLambda lands on the largest size not above the target', () => {
  // A staircase-ish decreasing size curve, like a real coder's.
  const sizeAt = (lambda: number): number => Math.round(2000 * Math.log2(1 + 1 / lambda) + 3 * Math.sin(lambda * 1e4));
  for (const target of [6000, 9000, 15000]) {
    const found = searchLambda(sizeAt, target);
    assert.ok(found.bytes <= target, `${found.bytes} > ${target}`);
    assert.ok(found.bytes >= target * 0.95, `${found.bytes} far below ${target}`);
    assert.ok(found.hit);
  }
});

test('searchLambda, for a target below every file: the finest λ within 5 % of the smallest file', () => {
  // Sizes fall to 1000 bytes at λ 1 and grow again above it (step values cost header bytes), as a tiny image's do.
  const sizeAt = (lambda: number): number => Math.round(1000 * (1 + 0.03 * Math.abs(Math.log10(lambda))));
  const found = searchLambda(sizeAt, 500);
  assert.equal(found.hit, false);
  assert.ok(found.bytes <= 1050, `${found.bytes} bytes`);
  // Finer than the smallest file's λ (1): of the λ the search tries (4^k / 1000), 0.064 is the finest within 5 %
  // (1036 bytes; 0.016 gives 1054).
  assert.ok(found.lambda < 1, `λ ${found.lambda}`);
  assert.ok(sizeAt(found.lambda / 4) > 1050);
});

test('smallestExactLambda: the smallest exact file among the coarser slopes, exactness not monotone, each size checked once', async () => {
  // Sizes fall with λ down to a floor at λ 2^16 (every value rounds to zero); exact at λ 1 (the caller's), not from 2
  // to 2^9, exact again from 2^10 to 2^14 (a coarser grid that rounds back onto exact values), not above.
  const sizeAt = (lambda: number): number => Math.max(280, Math.round(1000 - 45 * Math.log2(lambda)));
  const checked: number[] = [];
  const exactAt = (lambda: number): Promise<boolean> => {
    checked.push(lambda);
    const k = Math.log2(lambda);
    return Promise.resolve(k >= 10 && k <= 14);
  };
  assert.equal(await smallestExactLambda(sizeAt, exactAt, 1), 2 ** 14);
  // From the coarsest down: the floor once (2^48; 2^47 … 2^16 give the same size), then 2^15, then 2^14, exact; every
  // finer file is larger than that, so it is not decoded.
  assert.deepEqual(checked.map((lambda) => Math.log2(lambda)), [48, 15, 14]);
  // Stopped (a time limit) after the floor's check: the best so far, the caller's.
  let checks = 0;
  assert.equal(await smallestExactLambda(sizeAt, (lambda) => { checks++; return exactAt(lambda); }, 1, () => checks >= 1), 1);
  // Nothing coarser is exact: the caller's λ stays.
  assert.equal(await smallestExactLambda(sizeAt, () => Promise.resolve(false), 1), 1);
});

test('a flat image is coded at the smallest exact file, below any rate asked, with no residual', async () => {
  const data = new Uint8Array(64 * 48 * 3).fill(255);
  const image = { width: 64, height: 48, channels: 3 as const, data };
  for (const bpp of [1, 4]) {
    const result = await encodeImage(image, { bpp, steps: 20, restarts: 2, engine: await engineByName('auto') });
    const target = (bpp * 64 * 48) / 8;
    assert.equal(result.psnr, Infinity, `${bpp} bpp: ${result.psnr} dB`);
    assert.equal(result.residualBytes, 0);
    assert.equal(result.rateHit, false);
    // Not fitted at all: a network of its output bias alone holds it (the 20 passes and 2 restarts asked were not spent).
    assert.deepEqual([result.steps, result.restarts], [0, 1]);
    // Before, the rate control filled the budget (a 128×96 white image at 1 bpp: 1,184 bytes, 324 residual values).
    assert.ok(result.bytes.length < target / 2, `${bpp} bpp: ${result.bytes.length} bytes for a target of ${target}`);
  }
});

test('constant targets: the network of its output bias alone, unfitted, where a grid holds it exactly; else the usual fit', async () => {
  const arch: SirenArch = { inputs: 2, outputs: 3, width: 8, depth: 2, omega: 30 };
  const coords = new Float32Array(2 * 64).map((_, i) => ((i * 37) % 64) / 32 - 1);
  const targets = new Float32Array(3 * 64).map((_, i) => [0.25, -0.5, 0.75][i % 3]!);
  const sizeOf = (tensors: QuantizedTensor[][]): number => tensors.flat().reduce((sum, t) => sum + t.values.reduce((bits, v) => bits + (v === 0 ? 1 : 8), 0), 0);
  const engine = await engineByName('ref');
  const trained = (exact: (tensors: QuantizedTensor[][]) => Promise<boolean>): ReturnType<typeof trainNetworks> => trainNetworks({
    arch, dims: 2, sets: [{ coords, targets, batchRows: undefined }], alpha: 1, lr: 2e-3, seed: 3, steps: 30, qatSteps: 0, warmup: 0.05, weightDecay: 0,
    restarts: 1, grid: { targetBytes: 10_000, sizeOf, exact }, elapsed: () => 0, createEngine: engine,
  });
  // Exact where the output bias is within half an 8-bit level of the targets (and the network is bias-only).
  const biasExact = (tensors: QuantizedTensor[][]): Promise<boolean> => {
    const params = networkParams({ arch, tensors: tensors[0]!, unitScales: false });
    const outputBias = tensorSlices(arch)[2 * arch.depth + 1]!;
    const zeroElsewhere = params.every((v, i) => v === 0 || (i >= outputBias.offset && i < outputBias.offset + outputBias.length));
    return Promise.resolve(zeroElsewhere && [0, 1, 2].every((c) => Math.abs(params[outputBias.offset + c]! - targets[c]!) < 0.5 / 127.5));
  };
  const unfitted = await trained(biasExact);
  assert.equal(unfitted.fitSteps, 0);
  assert.equal(await biasExact(unfitted.tensors), true);
  // No grid is exact: fitted for its passes, as any signal.
  const fitted = await trained(() => Promise.resolve(false));
  assert.equal(fitted.fitSteps, 30);
});

test('a flat image keeps its colour, exactly, at a rate it cannot reach and at one it need not fill', async () => {
  // Black, and a colour far from mid-grey in every channel. Session 47: both decoded mid-grey (6 dB for black at 1 bpp,
  // 14 at 8 bpp); session 48 (the fit starts at the mean): 34 and 68.5 dB; now a network of its output bias alone.
  for (const [r, g, b] of [[0, 0, 0], [230, 20, 200]] as const) {
    const data = new Uint8Array(16 * 16 * 3);
    for (let p = 0; p < 16 * 16; p++) data.set([r, g, b], p * 3);
    const image = { width: 16, height: 16, channels: 3 as const, data };
    for (const bpp of [1, 8]) {
      const result = await encodeImage(image, { bpp, engine: await engineByName('auto') });
      assert.equal(result.psnr, Infinity, `(${r}, ${g}, ${b}) at ${bpp} bpp: ${result.psnr} dB`);
      assert.ok(result.bytes.length < 130, `(${r}, ${g}, ${b}) at ${bpp} bpp: ${result.bytes.length} bytes`);
    }
    // Fixed bits with no rate: the same network of the bias alone on those bits, not a fit (session 49's fixed-bit fits
    // were noise that 8-bit rounding hid on a flat image, and silence's decode was hiss).
    const fixed = await encodeImage(image, { width: 12, bits: 8, steps: 20, engine: await engineByName('auto') });
    assert.equal(fixed.psnr, Infinity, `(${r}, ${g}, ${b}) with fixed bits: ${fixed.psnr} dB`);
    assert.deepEqual([fixed.steps, fixed.qatSteps, fixed.arch.width], [0, 0, 12]);
  }
});

test('--bpp lands within ±5 % of the whole file on small images', async () => {
  const image = syntheticImage(64, 48);
  for (const bpp of [2, 4]) {
    const result = await encodeImage(image, { bpp, steps: 40, engine: await engineByName('auto') });
    const actual = (result.bytes.length * 8) / (64 * 48);
    assert.ok(Math.abs(actual - bpp) <= 0.05 * bpp, `asked ${bpp}, got ${actual}`);
    assert.equal(result.rateHit, true);
  }
});

test('mini-batches: a tile of 96×64 pixels fits in four batches of 1536 by default, in one with batch 0; same bytes on a rerun', async () => {
  const image = syntheticImage(96, 64);
  // 7 bits per weight (the 2 bpp plan before session 13): a narrower network, which 30 full-batch passes take past 20 dB.
  // No residual: the networks' bytes are what differs, and a small image's file would keep the mean's networks
  // instead of networks fitted for 30 passes (triesMeanNetworks).
  const options = { bpp: 2, bitsPerParam: 7, steps: 30, residual: 0, engine: await engineByName('auto') };
  const batched = await encodeImage(image, options);
  assert.equal(batched.batch, 1536);
  assert.deepEqual((await encodeImage(image, options)).bytes, batched.bytes);
  const whole = await encodeImage(image, { ...options, batch: 0 });
  assert.equal(whole.batch, 96 * 64);
  assert.notDeepEqual(whole.bytes, batched.bytes);
  // Both fit the image: 30 passes are far from converged, but well past the initial state.
  for (const result of [batched, whole]) assert.ok(result.psnr > 20, `${result.batch}: ${result.psnr} dB`);
  await assert.rejects(encodeImage(image, { ...options, batch: -1 }), /batch must be 0/);
  await assert.rejects(encodeImage(image, { ...options, warmup: 1 }), /warmup must be a fraction/);
});

test('the first layer is more sensitive to weight error than the hidden ones', async () => {
  const arch: SirenArch = { inputs: 2, outputs: 3, width: 16, depth: 3, omega: 30 };
  const engine = new RefEngine(tinySetup(arch, 12));
  const fitted = await fit(engine, { steps: 60, lr: 3e-3 });
  const h = await tensorSensitivities(engine, arch, fitted.params, 1);
  assert.equal(h.length, tensorSlices(arch).length);
  assert.ok(h.every((v) => v > 0));
  // W0 vs the hidden W1 and W2: ω multiplies first-layer error, and it feeds every later layer.
  assert.ok(h[0]! > h[2]! && h[0]! > h[4]!, `sensitivities ${h.map((v) => v.toExponential(1)).join(' ')}`);
});

test('quantization-aware fine-tuning lowers the loss of the rounded weights', async () => {
  const arch: SirenArch = { inputs: 2, outputs: 3, width: 16, depth: 2, omega: 30 };
  const engine = new RefEngine(tinySetup(arch, 12));
  const fitted = await fit(engine, { steps: 80, lr: 3e-3 });
  const grid = fixedBitSteps(arch, fitted.params, 5); // coarse, so rounding hurts
  await engine.setParams(roundToSteps(arch, fitted.params, grid));
  const before = await engine.forward();
  const tuned = await quantizationAwareFineTune(engine, arch, fitted.params, grid, { steps: 30, lr: 3e-4 });
  assert.ok(tuned.loss < before * 0.95, `rounded loss ${before} → ${tuned.loss}`);
  // The reported loss is that of the grid the file will store.
  await engine.setParams(roundToSteps(arch, tuned.params, grid));
  assert.ok(Math.abs((await engine.forward()) - tuned.loss) < 1e-12);
  const tensors = quantizeWithSteps(arch, tuned.params, grid);
  // Body tensors stay at the 5-bit grid (a weight pushed past the old largest may need one more bit).
  assert.ok(tensors.slice(2).every((t) => t.bits <= 6), `bits ${tensors.map((t) => t.bits).join(',')}`);
});

test('the rounding check measures the loss rounding adds against the sensitivities\' prediction', async () => {
  const arch: SirenArch = { inputs: 2, outputs: 3, width: 16, depth: 3, omega: 30 };
  const setup = tinySetup(arch, 12);
  const engine = new RefEngine(setup);
  const fitted = await fit(engine, { steps: 60, lr: 3e-3 });
  const h = await tensorSensitivities(engine, arch, fitted.params, 1);
  // As trainNetworks runs it: a network job, on an engine of its own.
  const checkRounding = async (sensitivities: number[], gridSteps: number[]) => {
    const result = await runNetworkJob(async (s) => new RefEngine(s), { kind: 'checkRounding', setup: { ...setup, params: fitted.params }, sensitivities, gridSteps });
    assert.equal(result.kind, 'checkRounding');
    return result.kind === 'checkRounding' ? result.check : assert.fail('no check');
  };
  // Steps near the probe's (8-bit-like): the quadratic model holds, measured and predicted agree within a small factor.
  const fine = stepsForLambda(h, 2e-5);
  const trusted = await checkRounding(h, fine);
  await engine.setParams(fitted.params);
  assert.ok(Math.abs(trusted.floatLoss - (await engine.forward())) < 1e-12, 'the float loss is the engine\'s');
  assert.ok(missFactor(trusted) > 1 / ROUNDING_MISS_FACTOR && missFactor(trusted) < ROUNDING_MISS_FACTOR, `miss ${missFactor(trusted)}`);
  // Sensitivities a hundredth of the truth give steps ten times too coarse at the same predicted loss: caught.
  const underrated = h.map((v) => v / 100);
  const missed = await checkRounding(underrated, stepsForLambda(underrated, 2e-5));
  assert.ok(missFactor(missed) > ROUNDING_MISS_FACTOR, `miss ${missFactor(missed)}`);
  assert.equal(missed.floatLoss, trusted.floatLoss);
});
