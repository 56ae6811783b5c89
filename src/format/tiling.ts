/**
 * The v1 tiling rule (spec §3.5): the networks' regions lie inside the
 * signal, do not overlap and together cover all of it. Both checks run in
 * O(n log n) for n regions, whatever the signal size.
 */

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
