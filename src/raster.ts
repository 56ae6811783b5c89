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
}
