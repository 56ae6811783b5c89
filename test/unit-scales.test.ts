import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import sharp from 'sharp';
import { applyUnitScales, MAX_UNIT_SCALE, unitScalesBelow } from '../src/format/unit-scales.js';
import { crc32, networkParams, readSnf, SnfFormatError, writeSnf, type SnfNetworkInput } from '../src/format/index.js';
import { layerShapes, parameterCount, tensorSlices, type SirenArch } from '../src/kernels/arch.js';
import { quantizeWithSteps, roundToSteps } from '../src/encoder/network/rate-control.js';
import { encodeImage } from '../src/encoder/image/encode-image.js';
import { engineByName } from '../src/encoder/network/engines.js';
import { decodeImage } from '../src/decoder/index.js';
import { psnr } from '../src/metrics/psnr.js';
import { UNITS_FIXTURE_SNF } from './fuzz/seeds.js';
import { FIXTURES } from './helpers/cli.js';

const arch: SirenArch = { inputs: 2, outputs: 1, width: 2, depth: 1, omega: 30 };

/** Parameters of `arch` with the output layer's weights `out` (row j: unit j) and everything else 1. */
function paramsWith(out: number[]): Float32Array {
  const params = new Float32Array(parameterCount(arch)).fill(1);
  const output = layerShapes(arch)[1]!;
  out.forEach((w, j) => { params[output.weightOffset + j] = w; });
  return params;
}

test('steps per unit: the multipliers of spec §5.1, √(mean energy / energy) within [1/4, 4]', () => {
  // Output rows 2 and 1: energies 4 and 1, mean 2.5, so E = 1.6 and 0.4, multipliers √(1/1.6) and √(1/0.4).
  const { scales, energies } = unitScalesBelow(arch, paramsWith([2, 1]), 0, undefined);
  assert.deepEqual(Array.from(energies), [4 / 2.5, 1 / 2.5]);
  assert.deepEqual(Array.from(scales), [Math.sqrt(1 / (4 / 2.5)), Math.sqrt(1 / (1 / 2.5))]);
  // A unit the output does not hear gets the coarsest step; a file of silent units keeps the tensor's.
  assert.deepEqual(Array.from(unitScalesBelow(arch, paramsWith([3, 0]), 0, undefined).scales), [Math.sqrt(0.5), MAX_UNIT_SCALE]);
  assert.deepEqual(Array.from(unitScalesBelow(arch, paramsWith([0, 0]), 0, undefined).scales), [1, 1]);
  // A total energy that overflows (a float32 step near its top times an integer: ∞ is a valid dequantized value) is not
  // "above 0 and finite": the tensor's step, not 4 for the finite unit.
  for (const out of [[Infinity, 1], [Infinity, 0], [-Infinity, Infinity]]) {
    assert.deepEqual(Array.from(unitScalesBelow(arch, paramsWith(out), 0, undefined).scales), [1, 1], String(out));
  }
  // Applied: the first layer's column j and bias j times scale j, the output layer untouched.
  const params = paramsWith([2, 1]);
  applyUnitScales(arch, params);
  const first = layerShapes(arch)[0]!;
  assert.deepEqual(Array.from(params.subarray(first.weightOffset, first.biasOffset + 2)), [
    Math.fround(scales[0]!), Math.fround(scales[1]!), Math.fround(scales[0]!), Math.fround(scales[1]!), Math.fround(scales[0]!), Math.fround(scales[1]!),
  ]);
  assert.deepEqual(Array.from(params.subarray(layerShapes(arch)[1]!.weightOffset)), [2, 1, 1]);
});

test('steps per unit: the encoder quantizes as the decoder dequantizes, each unit within half its own step', () => {
  const deep: SirenArch = { inputs: 6, outputs: 3, width: 8, depth: 3, omega: 30 };
  const params = Float32Array.from({ length: parameterCount(deep) }, (_, i) => 0.08 * Math.sin(i * 12.9898) * (1 + (i % 7) / 3));
  const steps = tensorSlices(deep).map(() => 0.004);
  const tensors = quantizeWithSteps(deep, params, steps, true);
  const decoded = networkParams({ arch: deep, tensors, unitScales: true });
  assert.deepEqual(decoded, roundToSteps(deep, params, steps, true));
  // Each sine unit's error is within half of its tensor's step times its multiplier, which the decoded layers above give.
  const layers = layerShapes(deep);
  let above: Float64Array | undefined;
  let unequal = 0;
  for (let layer = deep.depth - 1; layer >= 0; layer--) {
    const { scales, energies } = unitScalesBelow(deep, decoded, layer, above);
    const { fanIn, fanOut, weightOffset } = layers[layer]!;
    const step = tensors[2 * layer]!.step;
    for (let i = 0; i < fanIn * fanOut; i++) {
      const error = Math.abs(decoded[weightOffset + i]! - params[weightOffset + i]!);
      assert.ok(error <= (step * scales[i % fanOut]!) / 2 + 1e-6, `layer ${layer} weight ${i}: error ${error}`);
    }
    if (scales.some((scale) => Math.abs(scale - 1) > 0.05)) unequal++;
    above = energies;
  }
  assert.ok(unequal > 0, 'some layer has units of unequal loudness');
  // Without the multipliers the same integers decode to other weights.
  assert.notDeepEqual(networkParams({ arch: deep, tensors }), decoded);
});

test('steps per unit are a version 5 file: written when every network has them, read back with them, refused when mixed', () => {
  const header = { kind: 'image', width: 4, height: 2, layout: 'gray', colorSpace: 'srgb', normalization: 'symmetric8' } as const;
  const tensors = quantizeWithSteps(arch, paramsWith([2, 1]), tensorSlices(arch).map(() => 0.01), true);
  const network = (region: number[], unitScales?: boolean): SnfNetworkInput => ({ region, arch, tensors, ...(unitScales === undefined ? {} : { unitScales }) });
  const bytes = writeSnf({ header, networks: [network([0, 0, 2, 2], true), network([2, 0, 4, 2], true)] });
  assert.equal(bytes[8], 5);
  const file = readSnf(bytes);
  assert.ok(file.networks.every((n) => n.unitScales === true));
  assert.deepEqual(networkParams(file.networks[0]!), networkParams({ arch, tensors, unitScales: true }));
  // A SnfFile read back is a writer's input: the same bytes.
  assert.deepEqual(writeSnf(file), bytes);
  const plain = writeSnf({ header, networks: [network([0, 0, 2, 2]), network([2, 0, 4, 2], false)] });
  assert.notEqual(plain[8], 5);
  assert.equal(readSnf(plain).networks[0]!.unitScales, undefined);
  assert.throws(() => writeSnf({ header, networks: [network([0, 0, 2, 2], true), network([2, 0, 4, 2])] }),
    (e: unknown) => e instanceof SnfFormatError && e.code === 'INVALID_ARGUMENT' && /every network of a file or on none/.test(e.message));
});

test('the 5.3 fixture relabelled as version 4 decodes to other pixels: the multipliers are part of the format', async () => {
  const bytes = new Uint8Array(readFileSync(UNITS_FIXTURE_SNF));
  const relabelled = Uint8Array.from(bytes);
  relabelled[8] = 4;
  new DataView(relabelled.buffer).setUint32(relabelled.length - 4, crc32(relabelled.subarray(0, relabelled.length - 4)), true);
  const source = await sharp(readFileSync(`${FIXTURES}/kodim-crop32.png`)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = { width: source.info.width, height: source.info.height, channels: 3 as const, data: new Uint8Array(source.data) };
  const right = psnr(image, await decodeImage(bytes));
  const wrong = psnr(image, await decodeImage(relabelled));
  assert.ok(right > wrong + 3, `as written ${right.toFixed(2)} dB, read as version 4 ${wrong.toFixed(2)} dB`);
});

test('encodeImage: a target rate writes steps per unit (5.x), fixed bits or unitScales false a 4.x file; the PSNR is the decoded file\'s', async () => {
  const source = await sharp(readFileSync(`${FIXTURES}/kodim-crop32.png`)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = { width: source.info.width, height: source.info.height, channels: 3 as const, data: new Uint8Array(source.data) };
  const options = { steps: 40, engine: await engineByName('auto'), residual: 0, filter: 'off' as const };
  const scaled = await encodeImage(image, { ...options, bpp: 6 });
  assert.equal(scaled.bytes[8], 5);
  assert.ok(Math.abs(psnr(image, await decodeImage(scaled.bytes)) - scaled.psnr) < 1e-9);
  const plain = await encodeImage(image, { ...options, bpp: 6, unitScales: false });
  assert.equal(plain.bytes[8], 4);
  const fixed = await encodeImage(image, { ...options, width: 8 });
  assert.equal(fixed.bytes[8], 4);
});
