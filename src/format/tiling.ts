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
 * The cells a grid has on each axis: its first `axes` integers (spec §3.5).
 * A grid with cuts (format x.9) follows them with each axis's inner edges.
 */
function gridCells(grid: readonly number[], axes: number): number[] {
  return Array.from({ length: axes }, (_, i) => grid[i] ?? 1);
}

/**
 * Every edge of a grid on each axis, from 0 to the axis's size (spec §3.5):
 * `grid` = [cells per axis…] gives equal cells (`gridEdge`); a grid with
 * cuts (format x.9), [cells per axis…, axis 0's inner edges…, axis 1's…],
 * gives its own. The caller checks the grid (header.ts, validateGrid).
 */
export function gridAxisEdges(sizes: readonly number[], grid: readonly number[]): number[][] {
  const cells = gridCells(grid, sizes.length);
  const cut = grid.length > sizes.length;
  let next = sizes.length;
  return sizes.map((size, i) => {
    const edges = [0];
    for (let k = 1; k < cells[i]!; k++) edges.push(cut ? grid[next++]! : gridEdge(k, size, cells[i]!));
    edges.push(size);
    return edges;
  });
}

/**
 * The grid of `sizes` with `cells` per axis and the inner edges `inner[i]`
 * on axis i: the plain grid [cells…] where every axis's edges are the equal
 * cells' (what writers SHOULD write then, spec §3.5), else the grid with
 * cuts (format x.9).
 */
export function gridWithEdges(sizes: readonly number[], cells: readonly number[], inner: readonly (readonly number[])[]): number[] {
  const even = sizes.every((size, i) => inner[i]!.every((edge, k) => edge === gridEdge(k + 1, size, cells[i]!)));
  return even ? [...cells] : [...cells, ...inner.flat()];
}

/** Whether `grid` states its inner edges (a grid with cuts, format x.9) for a signal of `axes` axes. */
export function gridHasCuts(grid: readonly number[], axes: number): boolean {
  return grid.length > axes;
}

/**
 * The regions of a grid (spec §3.5), in row-major order: for images
 * `sizes` = [width, height] and `grid` = [columns, rows] (and, with cuts,
 * their inner edges), giving [x0, y0, x1, y1] per cell; for audio `sizes` =
 * [length] and `grid` = [segments…], giving [s0, s1]. The caller checks the grid.
 */
export function gridRegions(sizes: readonly number[], grid: readonly number[]): number[][] {
  const [xs = [0, 1], ys = [0, 1]] = gridAxisEdges(sizes, grid);
  const regions: number[][] = [];
  for (let r = 0; r + 1 < ys.length; r++) {
    for (let c = 0; c + 1 < xs.length; c++) regions.push(sizes.length === 1 ? [xs[c]!, xs[c + 1]!] : [xs[c]!, ys[r]!, xs[c + 1]!, ys[r + 1]!]);
  }
  return regions;
}

/**
 * The grid whose `gridRegions` are exactly `regions`, in this order, or
 * undefined if there is none: the plain grid where the cells are equal,
 * else the grid with cuts. O(n) for n regions.
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
  const cells = sizes.length === 2 ? [columns, n / columns] : [columns];
  if (cells.some((count, i) => count > sizes[i]!)) return undefined;
  // The inner edges: where the first row's cells end on x, where the first column's end on y.
  const axes = sizes.length;
  const inner = cells.map((count, i) => Array.from({ length: count - 1 }, (_, k) => regions[i === 0 ? k : k * columns]![i + axes]!));
  if (inner.some((edges, i) => edges.some((edge, k) => !Number.isSafeInteger(edge) || edge <= (k === 0 ? 0 : edges[k - 1]!) || edge >= sizes[i]!))) return undefined;
  const grid = gridWithEdges(sizes, cells, inner);
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
  return gridAxisEdges(sizes, grid).map((edges) => {
    let smallest = Infinity;
    for (let k = 1; k < edges.length; k++) smallest = Math.min(smallest, edges[k]! - edges[k - 1]!);
    return Math.floor(smallest / 2);
  });
}
