/**
 * The coded streams of .snf version 4 (spec §6.8): the binarization and the
 * range coder of §6.3–§6.5, with two changes to where a value's contexts
 * come from.
 *
 * - **Neighbourhood models.** Each tensor has NEIGHBOURHOOD_MODELS tensor
 *   models side by side; a value is coded with the one picked by the mean
 *   magnitude already coded in its row and its column of the weight matrix.
 *   A layer's neurons have scales of their own (a wide input, a quiet
 *   output), which one model per tensor averages away.
 * - **Carried contexts.** A tensor's models start from the counts the same
 *   tensor ended with in the latest earlier network that coded it at the same bit depth,
 *   scaled down to at most CARRIED_COUNT_LIMIT observations: the tiles of a
 *   photo have alike weights, and a fresh model pays to learn them again in
 *   every tile (the learning cost is most of the 5 % between the coder and
 *   the empirical entropy of these small tensors).
 *
 * Measured on 6 photo files (0.5 and 1 bpp, 16 networks each): the payload
 * 2.2 % smaller; either change alone gives 0.7–0.8 % (docs/studies.md).
 */
import { fail } from './errors.js';
import { wasmStreams } from '../kernels/wasm/stream-kernels.js';
import {
  checkBits, checkStreamEnd, checkTensor, contextCount, decodeValue, encodeValue, RangeDecoder, RangeEncoder, type TensorCode, type TensorSpec,
} from './range-coder.js';

/** Tensor models per tensor, one per neighbourhood bucket (§6.8). */
export const NEIGHBOURHOOD_MODELS = 7;
/** A carried context's two counts are scaled down to about this total (§6.8). */
export const CARRIED_COUNT_LIMIT = 64;

/**
 * The row length of each tensor of a network (§6.8): the tensors come in
 * pairs W(l), b(l) (§4.2), and b(l) holds fanOut(l) values, so W(l) is read
 * as rows of that many values (its row-major layout) and b(l) as one row.
 */
function rowLengths(lengths: readonly number[]): number[] {
  return lengths.map((length, t) => {
    const columns = t % 2 === 0 && t + 1 < lengths.length ? lengths[t + 1]! : length;
    if (length > 0 && (columns < 1 || length % columns !== 0)) {
      fail('INVALID_ARGUMENT', `Expected tensor ${t}'s ${length} values to make rows of ${columns} (the length of tensor ${t + 1})`);
    }
    return Math.max(columns, 1);
  });
}

/**
 * The counts that carry from network to network within one file (§6.8). One
 * per file, used in network order by the writer and by the reader alike.
 */
export class CarriedContexts {
  private readonly last = new Map<string, Uint16Array>();

  /**
   * The starting counts of tensor `t` at `bits`: those it last ended with,
   * scaled down (in place: the coder then updates them and `keep`s them
   * again), or all zero.
   */
  start(t: number, bits: number): Uint16Array {
    const counts = this.last.get(`${t}:${bits}`);
    if (counts === undefined) return new Uint16Array(2 * NEIGHBOURHOOD_MODELS * contextCount(bits));
    for (let i = 0; i < counts.length; i += 2) {
      const n0 = counts[i]!;
      const n1 = counts[i + 1]!;
      const total = n0 + n1;
      if (total > CARRIED_COUNT_LIMIT) {
        // Each count rounded half up to its share of the limit; exact in integers.
        counts[i] = Math.floor((2 * n0 * CARRIED_COUNT_LIMIT + total) / (2 * total));
        counts[i + 1] = Math.floor((2 * n1 * CARRIED_COUNT_LIMIT + total) / (2 * total));
      }
    }
    return counts;
  }

  /** Records the counts tensor `t` at `bits` ended with. */
  keep(t: number, bits: number, counts: Uint16Array): void {
    this.last.set(`${t}:${bits}`, counts);
  }
}

/**
 * The model (§6.8) of the value in row `row`, column `column`, from the
 * magnitudes coded before it: `rowSum` of the `column` values left of it,
 * `columnSum` of the `row` values above it. Bucket 0 when there are none,
 * else 1 + floor(log2(mean + 1)), at most NEIGHBOURHOOD_MODELS − 1, where
 * mean is the mean of the row's mean and the column's (of those that
 * exist). In integers, with mean = num / den: floor(log2(mean + 1)) is the
 * largest k with (2^k − 1) · den ≤ num.
 */
export function neighbourhoodModel(rowSum: number, column: number, columnSum: number, row: number): number {
  let num: number;
  let den: number;
  if (column > 0 && row > 0) {
    num = rowSum * row + columnSum * column;
    den = 2 * column * row;
  } else if (column > 0) {
    num = rowSum;
    den = column;
  } else if (row > 0) {
    num = columnSum;
    den = row;
  } else {
    return 0;
  }
  let model = 1;
  while (model < NEIGHBOURHOOD_MODELS - 1 && ((1 << model) - 1) * den <= num) model++;
  return model;
}

/** Walks one tensor in file order, telling each value's model, and keeps the magnitude sums up to date. */
class Neighbourhood {
  private readonly columnSums: Float64Array;
  private rowSum = 0;
  private row = 0;
  private column = 0;

  constructor(private readonly columns: number) {
    this.columnSums = new Float64Array(columns);
  }

  /** The model of the next value. */
  model(): number {
    return neighbourhoodModel(this.rowSum, this.column, this.columnSums[this.column]!, this.row);
  }

  /** Records the value just coded and moves on. */
  advance(q: number): void {
    const magnitude = q < 0 ? -q : q;
    this.rowSum += magnitude;
    this.columnSums[this.column] = this.columnSums[this.column]! + magnitude;
    if (++this.column === this.columns) {
      this.column = 0;
      this.row++;
      this.rowSum = 0;
    }
  }
}

/**
 * Entropy-codes the tensors of one network (W0, b0, W1, b1, … as §4.2 lays
 * them out) into one stream the version 4 way (§6.8), starting from and updating `carried`. Networks must be coded
 * in file order with one `CarriedContexts` per file.
 *
 * @throws SnfFormatError `INVALID_ARGUMENT` if a bit depth or a value is out of range.
 */
export function encodeSharedTensors(tensors: readonly TensorCode[], carried: CarriedContexts): Uint8Array {
  tensors.forEach(checkTensor);
  const columns = rowLengths(tensors.map((tensor) => tensor.values.length));
  const enc = new RangeEncoder();
  tensors.forEach((tensor, t) => {
    const maxClass = tensor.bits - 2;
    const contexts = contextCount(tensor.bits);
    const counts = carried.start(t, tensor.bits);
    const neighbourhood = new Neighbourhood(columns[t]!);
    for (const q of tensor.values) {
      encodeValue(enc, counts, neighbourhood.model() * contexts, maxClass, q);
      neighbourhood.advance(q);
    }
    carried.keep(t, tensor.bits, counts);
  });
  return enc.finish();
}

/**
 * Decodes one network's version 4 stream (§6.8), starting from and updating
 * `carried`. Time linear in the total length whatever `stream` holds.
 *
 * @throws SnfFormatError `BAD_STREAM` as `decodeTensors`; `INVALID_ARGUMENT` for a bit depth out of range.
 */
export function decodeSharedTensors(stream: Uint8Array, specs: readonly TensorSpec[], carried: CarriedContexts): Int32Array[] {
  specs.forEach((spec, t) => checkBits(spec.bits, t));
  const columns = rowLengths(specs.map((spec) => spec.length));
  const wasm = wasmStreams();
  if (wasm !== undefined) {
    wasm.begin(stream);
    const out = specs.map((spec, t) => {
      const counts = carried.start(t, spec.bits);
      const values = wasm.tensor(counts, spec.length, spec.bits, NEIGHBOURHOOD_MODELS, columns[t]!);
      carried.keep(t, spec.bits, counts);
      return values;
    });
    checkStreamEnd(stream, wasm.end());
    return out;
  }
  const dec = new RangeDecoder(stream);
  const out = specs.map((spec, t) => {
    const maxClass = spec.bits - 2;
    const contexts = contextCount(spec.bits);
    const counts = carried.start(t, spec.bits);
    const neighbourhood = new Neighbourhood(columns[t]!);
    const values = new Int32Array(spec.length);
    for (let i = 0; i < values.length; i++) {
      const q = decodeValue(dec, counts, neighbourhood.model() * contexts, maxClass);
      values[i] = q;
      neighbourhood.advance(q);
    }
    carried.keep(t, spec.bits, counts);
    return values;
  });
  dec.finish();
  return out;
}
