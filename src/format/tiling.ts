/**
 * The v1 tiling rule (spec §3.5): the networks' regions lie inside the
 * signal, do not overlap and together cover all of it. Both checks run in
 * O(n log n) for n regions, whatever the signal size.
 *
 * Also the regular grid of spec §3.5 (`grid`), from which regions are
 * derived instead of stored: `gridRegions` derives them, `findGrid` tells a
 * writer whether a list of regions is one.
 */

/**
 * Edge k of `cells` equal cells over `size` units: round(k · size / cells),
 * halves rounded up, in exact integer arithmetic (spec §3.5:
 * floor((2·k·size + cells) / (2·cells))). Equals `Math.round(k * size / cells)`
 * whenever 2·k·size + cells < 2^53.
 */
export function gridEdge(k: number, size: number, cells: number): number {
  const numerator = 2 * k * size + cells;
  if (Number.isSafeInteger(numerator)) return Math.floor(numerator / (2 * cells));
  return Number((2n * BigInt(k) * BigInt(size) + BigInt(cells)) / (2n * BigInt(cells)));
}

/**
 * The regions of a grid (spec §3.5), in row-major order: for images
 * `sizes` = [width, height] and `grid` = [columns, rows], giving
 * [x0, y0, x1, y1] per cell; for audio `sizes` = [length] and `grid` =
 * [segments], giving [s0, s1]. The caller checks 1 ≤ grid[i] ≤ sizes[i].
 */
export function gridRegions(sizes: readonly number[], grid: readonly number[]): number[][] {
  const [columns = 1, rows = 1] = grid;
  const [width = 1, height = 1] = sizes;
  const regions: number[][] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const x0 = gridEdge(c, width, columns);
      const x1 = gridEdge(c + 1, width, columns);
      regions.push(grid.length === 1 ? [x0, x1] : [x0, gridEdge(r, height, rows), x1, gridEdge(r + 1, height, rows)]);
    }
  }
  return regions;
}

/**
 * The grid whose `gridRegions` are exactly `regions`, in this order, or
 * undefined if there is none. O(n) for n regions.
 */
export function findGrid(sizes: readonly number[], regions: readonly (readonly number[])[]): number[] | undefined {
  const n = regions.length;
  if (n === 0) return undefined;
  let columns = n;
  if (sizes.length === 2) {
    // Row-major: the first row is every region up to the first that does not start at y = 0.
    columns = regions.findIndex((r) => r[1] !== 0);
    if (columns === -1) columns = n;
  }
  if (columns === 0 || n % columns !== 0) return undefined;
  const grid = sizes.length === 2 ? [columns, n / columns] : [columns];
  if (grid.some((cells, i) => cells > sizes[i]!)) return undefined;
  const derived = gridRegions(sizes, grid);
  for (let i = 0; i < n; i++) {
    const r = regions[i]!;
    const d = derived[i]!;
    if (r.length !== d.length || d.some((v, j) => r[j] !== v)) return undefined;
  }
  return grid;
}

/** Index of the first region that overlaps an earlier one in a sweep, or −1; regions are [x0, y0, x1, y1]. */
export function findOverlap(regions: readonly (readonly number[])[]): number {
  // Sweep a vertical line across x. Each region is an interval [y0, y1) on
  // the line while x0 ≤ x < x1; a segment tree over the distinct y values
  // counts how many intervals cover each elementary y cell.
  const ys = [...new Set(regions.flatMap((r) => [r[1]!, r[3]!]))].sort((a, b) => a - b);
  const yIndex = new Map(ys.map((y, i) => [y, i]));
  const cells = Math.max(1, ys.length - 1);
  const tree = new SegmentTree(cells);
  // Events sorted by x; at equal x, removals (kind 0) before insertions (kind 1),
  // because touching edges are not an overlap.
  const events: { x: number; kind: number; index: number }[] = [];
  regions.forEach((r, index) => {
    events.push({ x: r[0]!, kind: 1, index });
    events.push({ x: r[2]!, kind: 0, index });
  });
  events.sort((a, b) => a.x - b.x || a.kind - b.kind || a.index - b.index);
  for (const event of events) {
    const r = regions[event.index]!;
    const lo = yIndex.get(r[1]!)!;
    const hi = yIndex.get(r[3]!)! - 1;
    if (event.kind === 1) {
      if (tree.max(lo, hi) > 0) return event.index;
      tree.add(lo, hi, 1);
    } else {
      tree.add(lo, hi, -1);
    }
  }
  return -1;
}

/** Range add and range max over cells 0 … size−1 (inclusive ranges). */
class SegmentTree {
  private readonly top: Int32Array;
  private readonly lazy: Int32Array;

  constructor(private readonly size: number) {
    this.top = new Int32Array(4 * size);
    this.lazy = new Int32Array(4 * size);
  }

  add(lo: number, hi: number, delta: number): void {
    this.update(1, 0, this.size - 1, lo, hi, delta);
  }

  max(lo: number, hi: number): number {
    return this.query(1, 0, this.size - 1, lo, hi);
  }

  private update(node: number, l: number, r: number, lo: number, hi: number, delta: number): void {
    if (hi < l || r < lo) return;
    if (lo <= l && r <= hi) {
      this.top[node]! += delta;
      this.lazy[node]! += delta;
      return;
    }
    const mid = (l + r) >>> 1;
    this.update(2 * node, l, mid, lo, hi, delta);
    this.update(2 * node + 1, mid + 1, r, lo, hi, delta);
    this.top[node] = Math.max(this.top[2 * node]!, this.top[2 * node + 1]!) + this.lazy[node]!;
  }

  private query(node: number, l: number, r: number, lo: number, hi: number): number {
    if (hi < l || r < lo) return -Infinity;
    if (lo <= l && r <= hi) return this.top[node]!;
    const mid = (l + r) >>> 1;
    return Math.max(this.query(2 * node, l, mid, lo, hi), this.query(2 * node + 1, mid + 1, r, lo, hi)) + this.lazy[node]!;
  }
}

/**
 * A grid cell grown by `overlap[i]` units on each side of axis i, clipped to
 * the signal (spec §3.5, blending): the region a blended network is fitted
 * on and whose coordinate frame it uses. `cell` is [x0, y0, x1, y1] for
 * images, [s0, s1] for audio; `sizes` and `overlap` have one entry per axis.
 */
export function extendRegion(cell: readonly number[], sizes: readonly number[], overlap: readonly number[]): number[] {
  const axes = sizes.length;
  const out = [...cell];
  for (let i = 0; i < axes; i++) {
    const o = overlap[i] ?? 0;
    out[i] = Math.max(0, cell[i]! - o);
    out[i + axes] = Math.min(sizes[i]!, cell[i + axes]! + o);
  }
  return out;
}

/**
 * The largest overlap a grid allows on each axis (spec §3.5): half its
 * smallest cell, so that the ramps of a cell's two inner edges never meet.
 */
export function maxOverlap(sizes: readonly number[], grid: readonly number[]): number[] {
  return sizes.map((size, i) => {
    const cells = grid[i] ?? 1;
    let smallest = size;
    for (let k = 0; k < cells; k++) smallest = Math.min(smallest, gridEdge(k + 1, size, cells) - gridEdge(k, size, cells));
    return Math.floor(smallest / 2);
  });
}
