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
