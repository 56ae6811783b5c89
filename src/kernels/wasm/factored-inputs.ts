/**
 * The first layer of a fit on a pixel grid, factored. Its inputs are a
 * column's features plus a row's (each encoded input depends on x alone or
 * on y alone: input-encoding.ts `inputAxes`), so a pixel's pre-activation
 * X·W + b is the column's part plus the row's part, each computed once per
 * training step for the tile's ~200 columns and ~130 rows instead of once
 * for each of a mini-batch's 1,536 pixels; and the weights' gradient Xᵀ·G
 * is the columns' features times their pixels' summed G, plus the rows'.
 * The training engine then gathers and scatters rows of width-long vectors
 * where it multiplied by the whole input row (train-core.ts).
 *
 * Here the table of those parts is found in the encoded inputs themselves,
 * and checked: each point's inputs must be exactly its column's row plus its
 * row's row of the table, else the fit runs unfactored. Browser-safe.
 */

/** A fit's inputs as a table of per-axis rows and each point's two rows in it. */
export interface FactoredInputs {
  /** Rows of the table per axis: each distinct value of the axis, then one row of zeros. */
  readonly entries: readonly [number, number];
  /**
   * (entries[0] + entries[1]) × inputs values: axis 0's rows, then axis 1's.
   * A row holds the inputs of its axis at one value and zero in the other
   * axis's inputs; each axis's last row is all zero.
   */
  readonly table: Float32Array;
  /** count × 2: each point's row of axis 0 and of axis 1 in the table (axis 1's counted from the table's start). */
  readonly index: Int32Array;
  /** The inputs of each axis, in order. */
  readonly groups: readonly [readonly number[], readonly number[]];
}

/**
 * Fewest inputs for which the factored layer pays: with few inputs the
 * product it replaces costs no more than the gather and scatter themselves.
 */
const FACTOR_MIN_INPUTS = 8;
/**
 * The table may have at most this share of a step's points in rows: each
 * step multiplies the whole table by W and sums G into every row of it, so
 * a table about as large as the step (one network on a whole photo, with
 * mini-batches: 1,282 rows for 1,536 points) would cost what it saves. A
 * photo's tiles with their margins have 330–350 rows, for steps of 1,536 points.
 */
const FACTOR_MAX_ROW_SHARE = 1 / 2;

/**
 * Factors `count` points of `inputs` encoded inputs (`coords`, row by row),
 * input i depending on coordinate `axes[i]` alone (0 or 1), into a table of
 * per-axis rows, for a fit that takes `pointsPerStep` points a step.
 * Undefined where it would not pay (fewer than FACTOR_MIN_INPUTS inputs, a
 * table of more than FACTOR_MAX_ROW_SHARE of a step's points: scattered
 * points rather than a grid, or a grid too large for the step) or where the
 * inputs are not such a sum to the bit.
 */
export function factorInputs(coords: Float32Array, inputs: number, axes: readonly number[], count: number, pointsPerStep = count): FactoredInputs | undefined {
  if (inputs < FACTOR_MIN_INPUTS || axes.length !== inputs || axes.some((axis) => axis !== 0 && axis !== 1)) return undefined;
  const of = [0, 1].map((axis) => axes.flatMap((a, i) => (a === axis ? [i] : [])));
  if (of[0]!.length === 0 || of[1]!.length === 0) return undefined;
  const limit = Math.floor(Math.min(count, pointsPerStep) * FACTOR_MAX_ROW_SHARE);
  // Per axis, the distinct values of its first input, in order of first use, and the point that first had each.
  const firstPoint: number[][] = [[], []];
  const rowOfPoint = new Int32Array(count * 2);
  for (let axis = 0; axis < 2; axis++) {
    const key = of[axis]![0]!;
    const rowOf = new Map<number, number>();
    for (let p = 0; p < count; p++) {
      const value = coords[p * inputs + key]!;
      let row = rowOf.get(value);
      if (row === undefined) {
        row = rowOf.size;
        if (row + 1 > limit) return undefined;
        rowOf.set(value, row);
        firstPoint[axis]!.push(p);
      }
      rowOfPoint[p * 2 + axis] = row;
    }
  }
  const entries: [number, number] = [firstPoint[0]!.length + 1, firstPoint[1]!.length + 1];
  if (entries[0] + entries[1] > limit) return undefined;
  const table = new Float32Array((entries[0] + entries[1]) * inputs);
  for (let axis = 0; axis < 2; axis++) {
    const start = axis === 0 ? 0 : entries[0];
    firstPoint[axis]!.forEach((p, row) => {
      for (const i of of[axis]!) table[(start + row) * inputs + i] = coords[p * inputs + i]!;
    });
  }
  const index = new Int32Array(count * 2);
  for (let p = 0; p < count; p++) {
    const r0 = rowOfPoint[p * 2]!;
    const r1 = entries[0] + rowOfPoint[p * 2 + 1]!;
    index[p * 2] = r0;
    index[p * 2 + 1] = r1;
    // Exactly the sum, input by input: the other axis's entry is zero there.
    for (let i = 0; i < inputs; i++) {
      if (coords[p * inputs + i] !== table[r0 * inputs + i]! + table[r1 * inputs + i]!) return undefined;
    }
  }
  return { entries, table, index, groups: [of[0]!, of[1]!] };
}
