import type { ImageSnfFile } from '../format/index.js';

/**
 * Where one network of an image file acts: the rectangle of source units
 * that its coordinates map onto [-1, 1] (spec §4.3), and its weight along
 * each axis at a source-unit position. Without blending (formats 1.0, 2.0)
 * the frame is the region and the weight is 1 inside it, 0 outside.
 */
export interface Placement {
  /** [x0, y0, x1, y1] in source pixels. */
  readonly frame: readonly [number, number, number, number];
  readonly weightX: (u: number) => number;
  readonly weightY: (v: number) => number;
}

/** The placement of every network of `file`, in file order. */
export function placements(file: ImageSnfFile): Placement[] {
  return file.networks.map(({ region }) => {
    const [x0, y0, x1, y1] = region;
    return {
      frame: [x0, y0, x1, y1],
      weightX: (u) => (u >= x0 && u < x1 ? 1 : 0),
      weightY: (v) => (v >= y0 && v < y1 ? 1 : 0),
    };
  });
}
