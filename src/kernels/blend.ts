/**
 * Blending of overlapping networks at their seams (spec §3.5, format 2.1):
 * the weight each network has at a point. Shared by the image and audio
 * decoders, the encoder's own render and the web renderers.
 */

/**
 * The blending weight along one axis (spec §3.5) of the network whose cell
 * spans [lo, hi) of an axis of `size` units, at position `u` in source units
 * (a pixel or sample centre is index + 0.5), with `overlap` units of
 * overlap: 1 inside the cell away from its inner edges, 0 beyond the
 * extended region, and across each inner edge a ramp s(t) = sin²(πt/2) over
 * [edge − overlap, edge + overlap]. The ramps of the two networks that share
 * an edge are s(t) and 1 − s(t), so the weights of all networks sum to 1
 * everywhere: blending needs no normalization.
 */
export function blendWeight(u: number, lo: number, hi: number, size: number, overlap: number): number {
  if (overlap <= 0) return u >= lo && u < hi ? 1 : 0;
  let weight = 1;
  if (lo > 0) {
    if (u <= lo - overlap) return 0;
    if (u < lo + overlap) weight = rampUp((u - (lo - overlap)) / (2 * overlap));
  }
  if (hi < size) {
    if (u >= hi + overlap) return 0;
    if (u > hi - overlap) weight *= 1 - rampUp((u - (hi - overlap)) / (2 * overlap));
  }
  return weight;
}

/** s(t) = sin²(πt/2) for t in [0, 1]: 0 to 1 with zero slope at both ends, and s(t) + s(1 − t) = 1. */
function rampUp(t: number): number {
  const s = Math.sin((Math.PI / 2) * t);
  return s * s;
}
