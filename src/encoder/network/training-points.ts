import { SeededRandom } from './random.js';

/** The points of one fit: `dims` coordinates and the targets of each, and optionally each one's weight in the loss. */
export interface PointSet {
  readonly coords: Float32Array;
  readonly targets: Float32Array;
  readonly weights?: Float32Array;
}

/** `data` with its points taken in `order` (indices into it, repeats allowed). */
function pointsInOrder<T extends PointSet>(data: T, order: readonly number[], dims: number): T {
  const count = data.coords.length / dims;
  const channels = data.targets.length / count;
  const coords = new Float32Array(order.length * dims);
  const targets = new Float32Array(order.length * channels);
  const weights = data.weights === undefined ? undefined : new Float32Array(order.length);
  order.forEach((from, to) => {
    coords.set(data.coords.subarray(dims * from, dims * from + dims), dims * to);
    targets.set(data.targets.subarray(channels * from, channels * (from + 1)), channels * to);
    if (weights !== undefined) weights[to] = data.weights![from]!;
  });
  return { ...data, coords, targets, ...(weights === undefined ? {} : { weights }) };
}

/**
 * A training set in a seeded random order (Fisher–Yates), so that the
 * engine's consecutive mini-batches are random samples of a tile or segment
 * rather than bands of rows or runs of time. The loss over all points does
 * not depend on the order. `dims` coordinates per point: 2 for images, 1 for audio.
 */
export function shufflePoints<T extends PointSet>(data: T, seed: number, dims = 2): T {
  const count = data.coords.length / dims;
  const order = Array.from({ length: count }, (_, i) => i);
  const random = new SeededRandom(seed);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random.next() * (i + 1)));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return pointsInOrder(data, order, dims);
}

/**
 * The shuffled set grown to a whole number of mini-batches of `batchRows`
 * points by repeating its first points (a random sample, since the set is
 * shuffled). Without it the last batch of a tile whose size is not a
 * multiple of the batch is whatever is left over — 132 points of a 194×130
 * blended tile against 1,792 in the others — and its Adam step, taken at
 * the full learning rate on a sixteenth of the usual sample, is mostly noise.
 */
export function padToBatches<T extends PointSet>(data: T, batchRows: number, dims = 2): T {
  const count = data.coords.length / dims;
  const padded = Math.ceil(count / batchRows) * batchRows;
  if (padded === count) return data;
  return pointsInOrder(data, Array.from({ length: padded }, (_, p) => (p < count ? p : p - count)), dims);
}
