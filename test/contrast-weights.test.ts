import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { contrastWeights, localLumaVariance, tuningWeighting, TUNING_WEIGHTS } from '../src/encoder/image/contrast-weights.js';
import { BUSY_DETAIL } from '../src/encoder/image/image-defaults.js';
import { regionDetail } from '../src/encoder/image/tile-widths.js';
import { encodeImage, EncodeOptionsError } from '../src/encoder/image/encode-image.js';
import { padToBatches, shufflePoints } from '../src/encoder/network/training-points.js';
import type { EngineSetup } from '../src/encoder/network/engine.js';
import { createRefEngine, type RefEngine } from '../src/encoder/network/ref-engine.js';
import { wasmEngineFactory, type WasmEngine } from '../src/encoder/network/wasm-engine.js';
import { decodeImage } from '../src/decoder/index.js';
import { regionMeanSquaredError } from '../src/metrics/psnr.js';
import type { Raster } from '../src/raster.js';
import { FIXTURES, snfc, tempDir } from './helpers/cli.js';
import { largestRelativeError, lcg, sirenParams } from './helpers/random-net.js';
import { smoothBesideTexture } from './helpers/synthetic.js';

test('localLumaVariance: 0 on a flat image; the variance of the window, clipped at the edges', () => {
  const flat: Raster = { width: 5, height: 4, channels: 3, data: new Uint8Array(60).fill(77) };
  assert.ok(localLumaVariance(flat, 2).every((v) => Math.abs(v) < 1e-9));
  const row: Raster = { width: 3, height: 1, channels: 1, data: Uint8Array.of(0, 10, 20) };
  const variance = localLumaVariance(row, 1);
  // Windows {0, 10}, {0, 10, 20}, {10, 20}.
  assert.ok(Math.abs(variance[0]! - 25) < 1e-9);
  assert.ok(Math.abs(variance[1]! - 200 / 3) < 1e-4);
  assert.ok(Math.abs(variance[2]! - 25) < 1e-9);
});

test('contrastWeights: mean 1 over the region, flat pixels above busy ones, strength 0 all 1', () => {
  // Left half flat, right half a checkerboard of 0 and 200.
  const width = 16;
  const height = 8;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = x < 8 ? 90 : ((x + y) % 2) * 200;
  const variance = localLumaVariance({ width, height, channels: 1, data }, 1);
  const weights = contrastWeights(variance, width, [0, 0, width, height], 0.5);
  assert.equal(weights.length, width * height);
  assert.ok(Math.abs(weights.reduce((a, b) => a + b, 0) / weights.length - 1) < 1e-5);
  assert.ok(weights[2 * width + 2]! > 5 * weights[2 * width + 12]!, `flat ${weights[2 * width + 2]} against busy ${weights[2 * width + 12]}`);
  // A region's weights are its own pixels', row by row.
  const part = contrastWeights(variance, width, [10, 2, 14, 5], 0.5);
  assert.equal(part.length, 12);
  assert.ok(contrastWeights(variance, width, [0, 0, width, height], 0).every((w) => w === 1));
});

test('shufflePoints and padToBatches keep each point\'s weight with it', () => {
  const count = 40;
  const data = {
    coords: Float32Array.from({ length: 2 * count }, (_, i) => i),
    targets: Float32Array.from({ length: count }, (_, i) => 1000 + i),
    weights: Float32Array.from({ length: count }, (_, i) => 0.5 + i),
  };
  const padded = padToBatches(shufflePoints(data, 3), 16);
  assert.equal(padded.weights!.length, 48);
  for (let p = 0; p < 48; p++) {
    const from = padded.coords[2 * p]! / 2;
    assert.equal(padded.targets[p], 1000 + from);
    assert.equal(padded.weights![p], 0.5 + from);
  }
});

/** A random fit of 300 points with weights from 0.2 to 2.2. */
function weightedSetup(): EngineSetup {
  const arch = { inputs: 26, outputs: 3, width: 12, depth: 2, omega: 30 };
  const random = lcg(11);
  const count = 300;
  const coords = new Float32Array(count * arch.inputs).map(() => random() * 2 - 1);
  const targets = new Float32Array(count * arch.outputs).map((_, i) => Math.sin(3 * coords[Math.floor(i / 3) * arch.inputs]! + (i % 3)) * 0.5);
  return { arch, params: sirenParams(arch, random), coords, targets, weights: Float32Array.from({ length: count }, () => 0.2 + 2 * random()) };
}

test('weighted loss: the wasm engine follows the reference engine (loss and gradient), and weights of 2 double both', async () => {
  const setup = weightedSetup();
  const ref = (await createRefEngine(setup)) as RefEngine;
  const refLoss = await ref.forward();
  await ref.backward();
  const refGrad = ref.gradient();
  const { weights: _weights, ...plain } = setup;
  const unweighted = (await createRefEngine(plain)) as RefEngine;
  assert.notEqual(await unweighted.forward(), refLoss);
  for (const threads of [1, 2]) {
    const engine = (await wasmEngineFactory({ threads })({ ...setup, batchRows: 256 })) as WasmEngine;
    try {
      const loss = await engine.forward();
      assert.ok(Math.abs(loss - refLoss) / refLoss < 1e-4, `${threads} thread(s): loss ${loss} against ${refLoss}`);
      const err = largestRelativeError(engine.gradient(), refGrad);
      assert.ok(err < 1e-4, `${threads} thread(s): gradient relative error ${err}`);
    } finally {
      await engine.dispose();
    }
  }
  const plainEngine = (await wasmEngineFactory({ threads: 1 })(plain)) as WasmEngine;
  const doubled = (await wasmEngineFactory({ threads: 1 })({ ...plain, weights: new Float32Array(300).fill(2) })) as WasmEngine;
  try {
    const plainLoss = await plainEngine.forward();
    assert.ok(Math.abs((await doubled.forward()) - 2 * plainLoss) < 1e-6 * plainLoss);
    const a = plainEngine.gradient();
    const b = doubled.gradient();
    for (let i = 0; i < a.length; i++) assert.equal(b[i], 2 * a[i]!);
  } finally {
    await plainEngine.dispose();
    await doubled.dispose();
  }
  await assert.rejects(wasmEngineFactory({ threads: 1 })({ ...plain, weights: new Float32Array(3) }), /Expected 300 weights for 300 points but received 3/);
});

test('tuningWeighting: balanced weighs a busy photo as ssim does, a smooth one as ssim up to 0.5 bpp and less by 1 bpp; psnr as balanced; ssim alike on both', () => {
  for (const detail of [BUSY_DETAIL - 1, BUSY_DETAIL]) {
    for (const bpp of [0.25, 0.7, 1, 2]) {
      assert.deepEqual(tuningWeighting('psnr', detail, bpp), tuningWeighting('balanced', detail, bpp));
      assert.deepEqual(tuningWeighting('ssim', detail, bpp), TUNING_WEIGHTS.ssim);
    }
  }
  const smoothAt = (bpp: number): number => tuningWeighting('balanced', BUSY_DETAIL - 1, bpp).strength;
  assert.equal(smoothAt(0.25), TUNING_WEIGHTS.ssim.strength);
  assert.equal(smoothAt(0.5), TUNING_WEIGHTS.ssim.strength);
  assert.ok(smoothAt(0.7) < smoothAt(0.5) && smoothAt(0.7) > smoothAt(1));
  assert.equal(smoothAt(1), TUNING_WEIGHTS.balanced.strength);
  assert.equal(smoothAt(2), TUNING_WEIGHTS.balanced.strength);
  assert.ok(TUNING_WEIGHTS.balanced.strength > 0 && TUNING_WEIGHTS.balanced.strength < TUNING_WEIGHTS.ssim.strength);
  for (const bpp of [0.25, 1, 2]) assert.equal(tuningWeighting('balanced', BUSY_DETAIL, bpp).strength, TUNING_WEIGHTS.ssim.strength);
});

test('encodeImage tune: ssim gives the flat half the smaller error than plain squared error and the busy half the larger, the default balanced weighs this busy image alike; a bad tuning is refused', async () => {
  // Left half a gentle ramp, right half texture.
  const image = smoothBesideTexture(48, 32, (x, y) => 80 + x + y, 99);
  const options = { width: 16, steps: 60, engine: wasmEngineFactory({ threads: 1 }) };
  // The plain squared error, which no tuning fits since session 58 (`psnr` weighs as `balanced`).
  const plain = await encodeImage(image, { ...options, contrastWeighting: { strength: 0, radius: 3 } });
  const tuned = await encodeImage(image, { ...options, tune: 'ssim' });
  // Half texture: a busy image, which the default weighs as ssim does (tuningWeighting); a fixed width has no residual to tell them apart.
  assert.ok(regionDetail(image, [0, 0, 48, 32]) >= BUSY_DETAIL);
  const balanced = await encodeImage(image, options);
  assert.equal(balanced.tune, 'balanced');
  assert.equal(tuned.tune, 'ssim');
  const flat = [0, 0, 24, 32] as const;
  const busy = [24, 0, 48, 32] as const;
  const [plainImage, tunedImage] = [await decodeImage(plain.bytes), await decodeImage(tuned.bytes)];
  const flatError = [regionMeanSquaredError(image, plainImage, flat), regionMeanSquaredError(image, tunedImage, flat)];
  const busyError = [regionMeanSquaredError(image, plainImage, busy), regionMeanSquaredError(image, tunedImage, busy)];
  assert.ok(flatError[1]! < flatError[0]!, `flat half: ${flatError.join(' → ')}`);
  assert.ok(busyError[1]! > busyError[0]!, `busy half: ${busyError.join(' → ')}`);
  const balancedFlat = regionMeanSquaredError(image, await decodeImage(balanced.bytes), flat);
  assert.equal(balancedFlat, flatError[1], `flat half: balanced ${balancedFlat}, ssim ${flatError[1]}`);
  await assert.rejects(encodeImage(image, { ...options, tune: 'ms-ssim' as never }), (e: unknown) => e instanceof EncodeOptionsError && /tune must be one of psnr, balanced, ssim/.test(e.message));
});

test('snfc encode --tune: a bad value is a usage error (exit 2) and writes nothing; --json says which; audio refuses it', () => {
  const dir = tempDir();
  const out = path.join(dir, 'x.snf');
  const input = path.join(FIXTURES, 'kodim-crop32.png');
  const bad = snfc(['encode', input, '-o', out, '--tune', 'vmaf', '--steps', '2', '--quiet']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^snfc: Expected one of psnr, balanced, ssim for --tune but received/);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  const ok = snfc(['encode', input, '-o', out, '--tune', 'ssim', '--bpp', '4', '--steps', '3', '--json']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).tune, 'ssim');
  const audio = snfc(['encode', path.join(FIXTURES, 'bach-excerpt.wav'), '-o', path.join(dir, 'a.snf'), '--tune', 'ssim', '--quiet']);
  assert.equal(audio.status, 2);
  assert.match(audio.stderr, /^snfc: --tune is for images;/);
});
