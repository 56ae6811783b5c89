import { blendWeight } from '../kernels/blend.js';
import type { ImageSnfFile } from '../format/index.js';

/**
 * Where one network of an image file acts: the rectangle of source units
 * that its coordinates map onto [-1, 1] (its frame, spec §4.3), and its
 * weight along each axis at a source-unit position (spec §3.5,
 * `blendWeight`). Without blending the frame is the cell and the weight is 1
 * inside it, 0 outside; with it the frame is the cell grown by the overlap
 * and the weights of all networks sum to 1 everywhere.
 */
export interface Placement {
  /** [x0, y0, x1, y1] in source pixels. */
  readonly frame: readonly [number, number, number, number];
  readonly weightX: (u: number) => number;
  readonly weightY: (v: number) => number;
}

/** The placement of every network of `file`, in file order. */
export function placements(file: ImageSnfFile): Placement[] {
  const { width, height } = file.header;
  const [ox = 0, oy = 0] = file.header.blend?.overlap ?? [];
  return file.networks.map(({ region, frame }) => {
    const [x0, y0, x1, y1] = region;
    return {
      frame: ox > 0 || oy > 0 ? frame : region,
      weightX: (u) => blendWeight(u, x0, x1, width, ox),
      weightY: (v) => blendWeight(v, y0, y1, height, oy),
    };
  });
}
