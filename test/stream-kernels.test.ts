/**
 * The WASM range decoding of a file's streams (assembly/streams.ts,
 * src/kernels/wasm/stream-kernels.ts) against the TypeScript decoder it
 * stands in for: the same values, the same carried counts, and the same
 * error for every stream the TypeScript decoder refuses.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binaries } from '../src/kernels/wasm/binaries-streams.js';
import { useWasmStreams, wasmStreams } from '../src/kernels/wasm/stream-kernels.js';
import { residualPlanes, residualValueCount } from '../src/kernels/residual.js';
import { decodeTensors, encodeTensors, type TensorCode } from '../src/format/range-coder.js';
import { CarriedContexts, decodeSharedTensors, encodeSharedTensors } from '../src/format/shared-contexts.js';
import { encodeResidualValues, validateResidual } from '../src/format/residual.js';
import { applyUnitScales } from '../src/format/unit-scales.js';
import { parameterCount, type SirenArch } from '../src/kernels/arch.js';
import { mulberry32 as prng } from './helpers/prng.js';

/** What `decode` gives with the WASM decoder and with the TypeScript one: its value, or its error's message. */
function both<T>(decode: () => T): { wasm: T | string; typescript: T | string } {
  const attempt = (): T | string => {
    try {
      return decode();
    } catch (error) {
      return `${(error as { code?: string }).code}: ${(error as Error).message}`;
    }
  };
  const wasm = attempt();
  useWasmStreams(false);
  try {
    return { wasm, typescript: attempt() };
  } finally {
    useWasmStreams(true);
  }
}

/** A network's tensors as a trained one's look: W and b pairs, values mostly small, at several bit depths. */
function randomNetwork(random: () => number, widths: readonly number[], bits: readonly number[]): TensorCode[] {
  const tensors: TensorCode[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    for (const length of [widths[l]! * widths[l + 1]!, widths[l + 1]!]) {
      const b = bits[tensors.length % bits.length]!;
      const max = 2 ** (b - 1) - 1;
      const values = Int32Array.from({ length }, () => {
        const magnitude = Math.min(max, Math.floor(-Math.log(1 - random()) * (1 + random() * max) / 4));
        return random() < 0.5 ? -magnitude : magnitude;
      });
      tensors.push({ bits: b, values });
    }
  }
  return tensors;
}

test('the WASM build is small enough for a page\'s main thread to compile synchronously (4 KB)', () => {
  assert.ok(wasmStreams() !== undefined, 'Node has WebAssembly');
  assert.ok(atob(binaries.scalar).length <= 4096, `${atob(binaries.scalar).length} bytes`);
});

test('tensors with one model a tensor (formats 1–3) decode to the same values in WASM and TypeScript', () => {
  const random = prng(7);
  for (let trial = 0; trial < 20; trial++) {
    const tensors = randomNetwork(random, [26, 3 + trial, 8 + (trial % 5), 3], [2, 5, 6, 9, 12, 16]);
    const stream = encodeTensors(tensors);
    const specs = tensors.map((t) => ({ bits: t.bits, length: t.values.length }));
    const { wasm, typescript } = both(() => decodeTensors(stream, specs));
    assert.deepEqual(wasm, typescript);
    assert.deepEqual(wasm, tensors.map((t) => t.values));
  }
});

test('a file\'s networks with carried contexts (format 4) decode to the same values and leave the same counts', () => {
  const random = prng(11);
  const networks = Array.from({ length: 6 }, (_, n) => randomNetwork(random, [26, 8 + 4 * (n % 3), 12, 3], n % 2 === 0 ? [6] : [5, 6, 7]));
  const carriedOut = new CarriedContexts();
  const streams = networks.map((tensors) => encodeSharedTensors(tensors, carriedOut));
  const decodeAll = (): { values: Int32Array[][]; counts: Uint16Array[] } => {
    const carried = new CarriedContexts();
    const values = streams.map((stream, n) => decodeSharedTensors(stream, networks[n]!.map((t) => ({ bits: t.bits, length: t.values.length })), carried));
    // The counts each tensor would start the next network from.
    const counts = networks[0]!.map((t, i) => carried.start(i, t.bits).slice());
    return { values, counts };
  };
  const { wasm, typescript } = both(decodeAll);
  assert.deepEqual(wasm, typescript);
  assert.deepEqual((wasm as { values: Int32Array[][] }).values, networks.map((tensors) => tensors.map((t) => t.values)));
});

test('residuals decode to the same values in WASM and TypeScript, luma alone and with chroma', () => {
  const random = prng(3);
  for (const [width, height, colours, luma, chroma] of [[33, 17, 3, 10, 3], [64, 48, 1, 64, 0], [96, 40, 3, 21, 21], [8, 8, 3, 1, 0]] as const) {
    const planes = residualPlanes(width, height, colours, luma, chroma);
    const values = Int16Array.from({ length: residualValueCount(planes) }, () => {
      if (random() < 0.7) return 0;
      const magnitude = Math.floor(-Math.log(1 - random()) * 6) + 1;
      return random() < 0.5 ? -magnitude : Math.min(32_767, magnitude * (random() < 0.01 ? 3000 : 1));
    });
    const res = { k: luma, j: chroma, s: 16, u: 16, b: encodeResidualValues(planes, values) };
    const { wasm, typescript } = both(() => validateResidual(res, colours === 3 ? 'rgb' : 'gray', width, height).values);
    assert.deepEqual(wasm, typescript);
    assert.deepEqual(wasm, values);
  }
});

test('damaged streams get the same error (or the same values) from WASM and TypeScript', () => {
  const random = prng(5);
  const tensors = randomNetwork(random, [10, 6, 3], [6]);
  const specs = tensors.map((t) => ({ bits: t.bits, length: t.values.length }));
  const planes = residualPlanes(40, 24, 3, 15, 6);
  const values = Int16Array.from({ length: residualValueCount(planes) }, () => (random() < 0.6 ? 0 : Math.round((random() - 0.5) * 20)));
  const streams = { tensors: encodeTensors(tensors), residual: encodeResidualValues(planes, values) };
  let refused = 0;
  for (let trial = 0; trial < 300; trial++) {
    for (const kind of ['tensors', 'residual'] as const) {
      const stream = streams[kind].slice();
      const damage = trial % 4;
      let damaged: Uint8Array = stream;
      if (damage === 0) stream[Math.floor(random() * stream.length)]! ^= 1 << Math.floor(random() * 8);
      else if (damage === 1) damaged = stream.subarray(0, Math.floor(random() * stream.length));
      else if (damage === 2) damaged = Uint8Array.from([...stream, Math.floor(random() * 256)]);
      else damaged = Uint8Array.from({ length: stream.length }, () => Math.floor(random() * 256));
      const { wasm, typescript } = both(() => (kind === 'tensors'
        ? decodeTensors(damaged, specs)
        : validateResidual({ k: 15, j: 6, s: 16, u: 16, b: damaged }, 'rgb', 40, 24).values));
      assert.deepEqual(wasm, typescript, `${kind}, damage ${damage}, trial ${trial}`);
      if (typeof wasm === 'string') refused++;
    }
  }
  assert.ok(refused > 300, `${refused} of 600 damaged streams refused`);
});

test('steps per unit (spec §5.1) scale a network to the same float32s in WASM and TypeScript', () => {
  const random = prng(51);
  const arches: SirenArch[] = [
    { inputs: 26, width: 24, depth: 4, outputs: 3, omega: 30 },
    { inputs: 2, width: 8, depth: 1, outputs: 1, omega: 30 },
    { inputs: 14, width: 40, depth: 3, outputs: 4, omega: 30 },
    { inputs: 10, width: 4, depth: 2, outputs: 2, omega: 30 },
  ];
  const cases = arches.flatMap((arch, i) => [
    // weights of a trained network's size, some units' outgoing weights all zero (energy 0: the largest multiplier)
    { arch, params: Float32Array.from({ length: parameterCount(arch) }, () => (random() < 0.15 ? 0 : (random() - 0.5) * 0.3 * 2 ** (i - 1))) },
    // an output layer of zeros: no unit is heard (§5.1's T = 0), every multiplier 1
    { arch, params: Float32Array.from({ length: parameterCount(arch) }, (_, k) => (k >= parameterCount(arch) - (arch.width + 1) * arch.outputs ? 0 : random() - 0.5)) },
  ]);
  for (const [i, { arch, params }] of cases.entries()) {
    const { wasm, typescript } = both(() => {
      const scaled = params.slice();
      applyUnitScales(arch, scaled);
      return scaled;
    });
    assert.deepEqual(wasm, typescript, `case ${i}`);
    if (i % 2 === 0) assert.notDeepEqual(wasm, params, `case ${i}: the multipliers changed something`);
  }
});
