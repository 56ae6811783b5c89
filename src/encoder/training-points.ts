import { SeededRandom } from './random.js';

/**
 * A training set in a seeded random order (Fisher–Yates), so that the
 * engine's consecutive mini-batches are random samples of a tile or segment
 * rather than bands of rows or runs of time. The loss over all points does
 * not depend on the order. `dims` coordinates per point: 2 for images, 1 for audio.
 */
export function shufflePoints(data: { coords: Float32Array; targets: Float32Array }, seed: number, dims = 2): { coords: Float32Array; targets: Float32Array } {
  const count = data.coords.length / dims;
  const channels = data.targets.length / count;
  const order = Array.from({ length: count }, (_, i) => i);
  const random = new SeededRandom(seed);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random.next() * (i + 1)));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const coords = new Float32Array(data.coords.length);
  const targets = new Float32Array(data.targets.length);
  order.forEach((from, to) => {
    coords.set(data.coords.subarray(dims * from, dims * from + dims), dims * to);
    targets.set(data.targets.subarray(channels * from, channels * (from + 1)), channels * to);
  });
  return { coords, targets };
}

/**
 * The shuffled set grown to a whole number of mini-batches of `batchRows`
 * points by repeating its first points (a random sample, since the set is
 * shuffled). Without it the last batch of a tile whose size is not a
 * multiple of the batch is whatever is left over — 132 points of a 194×130
 * blended tile against 1,792 in the others — and its Adam step, taken at
 * the full learning rate on a sixteenth of the usual sample, is mostly noise.
 */
export function padToBatches(data: { coords: Float32Array; targets: Float32Array }, batchRows: number, dims = 2): { coords: Float32Array; targets: Float32Array } {
  const count = data.coords.length / dims;
  const channels = data.targets.length / count;
  const padded = Math.ceil(count / batchRows) * batchRows;
  if (padded === count) return data;
  const coords = new Float32Array(padded * dims);
  const targets = new Float32Array(padded * channels);
  coords.set(data.coords);
  targets.set(data.targets);
  for (let p = count; p < padded; p++) {
    const from = p - count;
    coords.set(data.coords.subarray(dims * from, dims * from + dims), dims * p);
    targets.set(data.targets.subarray(channels * from, channels * (from + 1)), channels * p);
  }
  return { coords, targets };
}
