/**
 * Where the tiles' inner edges go (spec §3.5, a grid with cuts, format x.9).
 * Equal tiles put their edges where the arithmetic says, and on some photos
 * that is on the scene's own edges: kodim16's shoreline runs along the
 * middle row of a 4 × 4 grid. There two networks each fit half an edge, and
 * their cross-fade runs along it. So each inner edge may move a little (an
 * eighth of a tile), to the quietest band near it: the one whose luma
 * gradient, summed over the lines that the cross-fade covers, is least. It
 * moves only where that band is clearly quieter than the equal tiles' edge,
 * so photos with nothing on their tile edges keep the plain grid and their
 * bytes (19 of the 20 Kodak photos). Measured (docs/studies.md, session
 * 39): kodim16's seam ratio 1.12 → 0.98 at 0.5 bpp and 1.10 → 1.02 at 1 bpp,
 * PSNR +0.03 and +0.22 dB; the ratio falls also because it is then measured
 * on quieter lines (there a blur of the source gets 1.04 instead of 1.37).
 */
import { gridAxisEdges, gridEdge } from '../../format/tiling.js';
import { luma, type Raster } from '../../raster.js';

/** How the encoder places the tiles' inner edges: near the equal tiles' where the photo is quietest, or exactly there. */
export type TileEdgeMode = 'content' | 'even';
export const TILE_EDGE_MODES: readonly TileEdgeMode[] = ['content', 'even'];
export const DEFAULT_TILE_EDGES: TileEdgeMode = 'content';

/** How far an edge may move: this fraction of its tile's side, so that tiles stay within a quarter of equal. */
const MOST_SHIFT = 1 / 8;
/**
 * An edge moves only to a band whose gradient is at most this fraction of the equal edge's: where the equal edge lies
 * on a strong edge of the scene. Measured (session 39) with 0.75, which moved edges on 13 of the 20 Kodak photos:
 * their PSNR moved by ±0.1–0.35 dB each way, level on the mean within the bench's noise, and their seam ratios fell.
 * At 0.5 only kodim16 (0.43, its shoreline) moves among the 20, so the other photos keep equal tiles and their
 * bytes; the value was chosen after that measurement.
 */
const QUIETER = 0.5;

/**
 * Each axis's inner edges, [x edges, y edges], for `columns` × `rows` tiles of
 * `image` whose networks blend over `overlap` pixels each side of an edge.
 */
export function tileEdges(image: Raster, columns: number, rows: number, overlap: number, mode: TileEdgeMode): [number[], number[]] {
  if (mode === 'even' || columns * rows === 1) {
    const [xs = [], ys = []] = gridAxisEdges([image.width, image.height], [columns, rows]).map((edges) => edges.slice(1, -1));
    return [xs, ys];
  }
  const { across, down } = gradientProfiles(image);
  // The lines a band covers: the cross-fade's, and at least two either side (the pixels by the edge).
  const half = Math.max(2, overlap);
  return [placeEdges(across, columns, half, overlap), placeEdges(down, rows, half, overlap)];
}

/**
 * The inner edges of `cells` tiles over the lines of `profile` (one value a
 * line: its gradient), each moved to the quietest band of 2·`half` lines
 * within MOST_SHIFT of a tile of where equal tiles put it, if that band is
 * QUIETER than the equal edge's; ties go to the nearer line. No edge moves so
 * far that a tile could get narrower than twice the `overlap`, the most the
 * format lets it blend (spec §3.5), which the caller checked on equal tiles.
 */
function placeEdges(profile: Float64Array, cells: number, half: number, overlap: number): number[] {
  const size = profile.length;
  // prefix[i]: the sum of lines 0 … i − 1, so that a band's sum is two reads.
  const prefix = new Float64Array(size + 1);
  for (let i = 0; i < size; i++) prefix[i + 1] = prefix[i]! + profile[i]!;
  const band = (edge: number): number => prefix[Math.min(size, edge + half)]! - prefix[Math.max(0, edge - half)]!;
  const narrowest = Math.floor(size / cells);
  const shift = Math.max(0, Math.min(Math.floor(narrowest * MOST_SHIFT), Math.floor((narrowest - 2 * overlap) / 2)));
  const edges: number[] = [];
  for (let k = 1; k < cells; k++) {
    const equal = gridEdge(k, size, cells);
    let best = equal;
    for (let d = 1; d <= shift; d++) {
      for (const edge of [equal - d, equal + d]) if (band(edge) < band(best)) best = edge;
    }
    edges.push(band(best) <= QUIETER * band(equal) ? best : equal);
  }
  return edges;
}

/**
 * The photo's luma gradient summed along each line: `across[x]` over the
 * column x, `down[y]` over the row y, each pixel's |∂x| + |∂y| (forward
 * differences, BT.601 luma of the colour channels, or the one channel).
 */
function gradientProfiles(image: Raster): { across: Float64Array; down: Float64Array } {
  const { width, height } = image;
  const y = luma(image);
  const across = new Float64Array(width), down = new Float64Array(height);
  for (let row = 0; row < height; row++) {
    for (let x = 0; x < width; x++) {
      const i = row * width + x;
      const g = (x + 1 < width ? Math.abs(y[i + 1]! - y[i]!) : 0) + (row + 1 < height ? Math.abs(y[i + width]! - y[i]!) : 0);
      across[x]! += g;
      down[row]! += g;
    }
  }
  return { across, down };
}
