/** Pixels as a canvas takes them: straight (not premultiplied) 8-bit RGBA, row by row from the top. */
export interface RgbaPixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray<ArrayBuffer>;
}

/** Expands 1–4 channel samples (gray, gray+alpha, RGB, RGBA) to RGBA. */
export function toRgba(raster: { readonly width: number; readonly height: number; readonly channels: number; readonly data: Uint8Array }): RgbaPixels {
  const { width, height, channels, data } = raster;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0, from = 0, to = 0; p < width * height; p++, from += channels, to += 4) {
    const gray = channels < 3;
    out[to] = data[from]!;
    out[to + 1] = data[from + (gray ? 0 : 1)]!;
    out[to + 2] = data[from + (gray ? 0 : 2)]!;
    out[to + 3] = channels === 2 ? data[from + 1]! : channels === 4 ? data[from + 3]! : 255;
  }
  return { width, height, data: out };
}
