/**
 * What the DCT residual's coefficients (spec §3.11) would cost under other
 * context models: the bytes of the format's own range coder (§6.2–§6.5),
 * walked over the residual of real .snf files, for the format's model and for variants that condition on
 * more of what the decoder already has: the neighbours' magnitudes rather
 * than whether they are zero, how many coefficients of the block were
 * nonzero so far, and the activity of the decoded field over the block
 * (which the decoder measures for the adaptive steps anyway, spec §4.7);
 * and, with the format's contexts, each block's DC coded as its difference
 * from a prediction by its neighbours' (session 68).
 *
 *   npm run build && node dist/bench/residual-contexts.js a.snf b.snf …
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readSnf, networkParams, type ImageRegion } from '../src/format/index.js';
import { positionGroup } from '../src/format/residual.js';
import { contextCount, encodeValue, RangeEncoder } from '../src/format/range-coder.js';
import { initKernels, selectForward } from '../src/kernels/forward-select.js';
import { renderImage } from '../src/kernels/render.js';
import { residualPlanes, residualStepScales, type ImageResidual, type ResidualPlane } from '../src/kernels/residual.js';

const MODEL_CONTEXTS = contextCount(16);
const MAX_CLASS = 14;
/** Room for every variant's models below (the largest uses 540), then for its `any` and `last` contexts. */
const VALUE_MODELS = 600, FLAG_CONTEXTS = 200;
const ANY_BASE = VALUE_MODELS * MODEL_CONTEXTS, LAST_BASE = ANY_BASE + FLAG_CONTEXTS;

/** What a context model may look at for one coefficient or block. */
interface Site {
  kind: number;
  /** Zigzag position. */
  z: number;
  /** The same coefficient of the blocks above and left (0 where there is none). */
  above: number;
  left: number;
  /** Nonzero coefficients of this block before z. */
  nonzeros: number;
  /** Activity bucket of the block, from the decoded field (0 = flat). */
  activity: number;
  /** The blocks above and left occupied (0–2), and their nonzero counts summed. */
  nearBlocks: number;
  nearCount: number;
}

interface Model {
  readonly name: string;
  /** Codes each block's DC less this prediction from the blocks to its left (L), above (A) and above-left (AL). */
  readonly predictDc?: (left: number, above: number, aboveLeft: number) => number;
  value(s: Site): number;
  any(s: Site): number;
  last(s: Site): number;
}

const bucket = (x: number, edges: readonly number[]): number => {
  let b = 0;
  while (b < edges.length && x >= edges[b]!) b++;
  return b;
};
const nearZero = (s: Site): number => (s.above !== 0 ? 1 : 0) + (s.left !== 0 ? 1 : 0);
const nearMagnitude = (s: Site): number => bucket(Math.abs(s.above) + Math.abs(s.left), [1, 2, 3, 5]);
const finerGroup = (z: number): number => (z < 6 ? z : z < 10 ? 6 : z < 15 ? 7 : z < 21 ? 8 : z < 36 ? 9 : 10);

const MODELS: Model[] = [
  { name: 'format 4.8', value: (s) => (s.kind * 6 + positionGroup(s.z)) * 3 + nearZero(s), any: (s) => s.kind * 3 + s.nearBlocks, last: (s) => s.kind * 6 + positionGroup(s.z) },
  { name: '+ magnitudes', value: (s) => (s.kind * 6 + positionGroup(s.z)) * 5 + nearMagnitude(s), any: (s) => s.kind * 3 + s.nearBlocks, last: (s) => s.kind * 6 + positionGroup(s.z) },
  {
    name: '+ activity (3)',
    value: (s) => ((s.kind * 6 + positionGroup(s.z)) * 3 + nearZero(s)) * 3 + Math.min(s.activity, 2),
    any: (s) => (s.kind * 3 + s.nearBlocks) * 3 + Math.min(s.activity, 2),
    last: (s) => (s.kind * 6 + positionGroup(s.z)) * 3 + Math.min(s.activity, 2),
  },
  {
    name: '+ activity (5)',
    value: (s) => ((s.kind * 6 + positionGroup(s.z)) * 3 + nearZero(s)) * 5 + s.activity,
    any: (s) => (s.kind * 3 + s.nearBlocks) * 5 + s.activity,
    last: (s) => (s.kind * 6 + positionGroup(s.z)) * 5 + s.activity,
  },
  {
    name: '+ nonzeros so far',
    value: (s) => ((s.kind * 6 + positionGroup(s.z)) * 3 + nearZero(s)) * 3 + bucket(s.nonzeros, [1, 3]),
    any: (s) => s.kind * 3 + s.nearBlocks,
    last: (s) => (s.kind * 6 + positionGroup(s.z)) * 3 + bucket(s.nonzeros, [1, 3]),
  },
  {
    name: 'any by neighbours\' counts',
    value: (s) => (s.kind * 6 + positionGroup(s.z)) * 3 + nearZero(s),
    any: (s) => s.kind * 6 + bucket(s.nearCount, [1, 2, 4, 8, 16]),
    last: (s) => s.kind * 6 + positionGroup(s.z),
  },
  {
    name: 'finer groups',
    value: (s) => (s.kind * 11 + finerGroup(s.z)) * 3 + nearZero(s), any: (s) => s.kind * 3 + s.nearBlocks, last: (s) => s.kind * 11 + finerGroup(s.z),
  },
  {
    name: 'all: magnitudes, activity 3, nonzeros, any by counts',
    value: (s) => (((s.kind * 6 + positionGroup(s.z)) * 5 + nearMagnitude(s)) * 3 + Math.min(s.activity, 2)) * 3 + bucket(s.nonzeros, [1, 3]),
    any: (s) => (s.kind * 6 + bucket(s.nearCount, [1, 2, 4, 8, 16])) * 3 + Math.min(s.activity, 2),
    last: (s) => ((s.kind * 6 + positionGroup(s.z)) * 3 + Math.min(s.activity, 2)) * 3 + bucket(s.nonzeros, [1, 3]),
  },
  {
    name: 'magnitudes + activity 3',
    value: (s) => ((s.kind * 6 + positionGroup(s.z)) * 5 + nearMagnitude(s)) * 3 + Math.min(s.activity, 2),
    any: (s) => (s.kind * 6 + bucket(s.nearCount, [1, 2, 4, 8, 16])) * 3 + Math.min(s.activity, 2),
    last: (s) => (s.kind * 6 + positionGroup(s.z)) * 3 + Math.min(s.activity, 2),
  },
  ...([
    ['DC less the left DC', (l: number) => l],
    ['DC less the mean of left and above', (l: number, a: number) => Math.trunc((l + a) / 2)],
    ['DC less the median of L, A, L + A − AL', (l: number, a: number, al: number) => [l, a, l + a - al].sort((x, y) => x - y)[1]!],
  ] as const).map(([name, predictDc]): Model => ({
    name, predictDc, value: (s) => (s.kind * 6 + positionGroup(s.z)) * 3 + nearZero(s), any: (s) => s.kind * 3 + s.nearBlocks, last: (s) => s.kind * 6 + positionGroup(s.z),
  })),
];

/** The values with each block's DC replaced by its difference from `predict` of the decoded neighbours' DCs (0 past the edges). */
function withPredictedDc(residual: ImageResidual, planes: readonly ResidualPlane[], predict: NonNullable<Model['predictDc']>): Int16Array {
  const source = residual.values;
  const values = Int16Array.from(source);
  for (const plane of planes) {
    const n = plane.coefficients;
    const dc = (bx: number, by: number): number => (bx < 0 || by < 0 ? 0 : source[plane.offset + (by * plane.blocksX + bx) * n]!);
    for (let by = 0; by < plane.blocksY; by++) {
      for (let bx = 0; bx < plane.blocksX; bx++) values[plane.offset + (by * plane.blocksX + bx) * n] = dc(bx, by) - predict(dc(bx - 1, by), dc(bx, by - 1), dc(bx - 1, by - 1));
    }
  }
  return values;
}

/** Bits of `residual`'s values under `model`; `activity[p][block]` the blocks' buckets. */
function costOf(model: Model, residual: ImageResidual, width: number, height: number, activity: readonly Uint8Array[]): number {
  // The format's own coder (§6.2–§6.5), each variant only picking other contexts: its bytes are the cost.
  const enc = new RangeEncoder();
  const contexts = new Uint16Array(2 * (LAST_BASE + FLAG_CONTEXTS));
  const planes = residualPlanes(width, height, 3, residual.lumaCoefficients, residual.chromaCoefficients);
  const values = model.predictDc === undefined ? residual.values : withPredictedDc(residual, planes, model.predictDc);
  planes.forEach((plane, p) => {
    const n = plane.coefficients, row = plane.blocksX * n, kind = plane.factor === 1 ? 0 : 1;
    const counts = new Uint8Array(plane.blocksX * plane.blocksY);
    for (let by = 0, block = 0, first = plane.offset; by < plane.blocksY; by++) {
      for (let bx = 0; bx < plane.blocksX; bx++, block++, first += n) {
        let last = n - 1;
        while (last >= 0 && values[first + last] === 0) last--;
        const aboveCount = by > 0 ? counts[block - plane.blocksX]! : 0, leftCount = bx > 0 ? counts[block - 1]! : 0;
        const site: Site = {
          kind, z: 0, above: 0, left: 0, nonzeros: 0, activity: activity[p]![block]!,
          nearBlocks: (aboveCount > 0 ? 1 : 0) + (leftCount > 0 ? 1 : 0), nearCount: aboveCount + leftCount,
        };
        enc.encodeBit(contexts, ANY_BASE + model.any(site), last >= 0 ? 1 : 0);
        let nonzeros = 0;
        for (let z = 0; z <= last; z++) {
          const q = values[first + z]!;
          site.z = z;
          site.above = by > 0 ? values[first + z - row]! : 0;
          site.left = bx > 0 ? values[first + z - n]! : 0;
          site.nonzeros = nonzeros;
          encodeValue(enc, contexts, model.value(site) * MODEL_CONTEXTS, MAX_CLASS, q);
          if (q !== 0) {
            nonzeros++;
            if (z < n - 1) enc.encodeBit(contexts, LAST_BASE + model.last(site), z === last ? 1 : 0);
          }
        }
        counts[block] = nonzeros;
      }
    }
  });
  return enc.finish().length * 8;
}

/** Each plane's blocks' activity buckets: the field's luma variance over the block (levels²), from the decode without the residual. */
async function activityBuckets(bytes: Uint8Array): Promise<{ residual: ImageResidual; width: number; height: number; buckets: Uint8Array[] }> {
  const file = readSnf(bytes);
  const header = file.header;
  if (header.kind !== 'image' || header.residual === undefined) throw new Error('not an image with a residual');
  await initKernels();
  const networks = file.networks.map((network) => ({
    region: network.region as ImageRegion, frame: network.frame as ImageRegion, arch: network.arch, params: networkParams(network),
  }));
  const raster = await renderImage(header.width, header.height, 3, networks, header.width, header.height, selectForward(), {
    overlap: header.blend?.overlap, ...(header.filter === undefined ? {} : { filter: header.filter }),
  });
  const field = { width: raster.width, height: raster.height, channels: 3, values: Float32Array.from(raster.data, (v) => (v / 255) * 2 - 1) };
  // With σ₀ = 1 and exponent 16 the multiplier is 1 + V.
  const scales = residualStepScales(field, { ...header.residual, adaptive: { sigma: 1, exponent: 16 } })!;
  const buckets = scales.map((s) => Uint8Array.from(s, (m) => bucket(m - 1, [20, 80, 300, 1200])));
  return { residual: header.residual, width: header.width, height: header.height, buckets };
}

const totals = new Map<string, number>();
for (const file of process.argv.slice(2)) {
  const bytes = new Uint8Array(readFileSync(file));
  const { residual, width, height, buckets } = await activityBuckets(bytes);
  const line: string[] = [];
  let reference = 0;
  for (const model of MODELS) {
    const bits = costOf(model, residual, width, height, buckets);
    if (model === MODELS[0]) reference = bits;
    totals.set(model.name, (totals.get(model.name) ?? 0) + bits);
    line.push(model === MODELS[0] ? `${(bits / 8).toFixed(0)} B` : `${(((bits - reference) / reference) * 100).toFixed(1)}%`);
  }
  const nonzero = residual.values.reduce((n, q) => n + (q !== 0 ? 1 : 0), 0);
  console.log(`${path.basename(file)} (${bytes.length} B, ${nonzero} nonzero, activity ${buckets[0]!.reduce((h, b) => (h[b]!++, h), [0, 0, 0, 0, 0]).join('/')}): ${line.join(' | ')}`);
}
const reference = totals.get(MODELS[0]!.name)!;
for (const [name, bits] of totals) console.log(`${name.padEnd(52)} ${(bits / 8).toFixed(0).padStart(8)} B  ${(((bits - reference) / reference) * 100).toFixed(2)}%`);
