/**
 * An 8-bit interleaved image in memory: the currency between image I/O,
 * the encoder, the decoder and the metrics. Channel layouts:
 * 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
 */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
  /** width × height × channels bytes, row-major, channels interleaved. */
  readonly data: Uint8Array;
  /**
   * The same samples at 16 bits (0 … 65535), when the source had more than
   * 8 bits (a 16-bit PNG or TIFF) or the decoder was asked for them; `data`
   * is then their 8-bit rounding, round(v / 257). The encoder fits these.
   */
  readonly data16?: Uint16Array;
}

/** Luma (BT.601) of every pixel of an 8-bit raster; a gray raster's samples as they are. Alpha is ignored. */
export function luma(image: Raster): Float64Array {
  const { width, height, channels, data } = image;
  const out = new Float64Array(width * height);
  for (let p = 0; p < out.length; p++) {
    const at = p * channels;
    out[p] = channels >= 3 ? 0.299 * data[at]! + 0.587 * data[at + 1]! + 0.114 * data[at + 2]! : data[at]!;
  }
  return out;
}
