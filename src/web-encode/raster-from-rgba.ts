import type { Raster } from '../raster.js';

/**
 * A Raster from a page's RGBA pixels (an ImageData from a canvas), with the
 * fewest channels that hold them: gray where R = G = B at every pixel, alpha
 * only where some pixel is not opaque. A canvas always hands out RGBA, so
 * this is how the encoder learns the layout the CLI reads from the file.
 */
export function rasterFromRgba(pixels: { readonly width: number; readonly height: number; readonly data: ArrayLike<number> }): Raster {
  const { width, height, data } = pixels;
  const count = width * height;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`Expected a positive whole width and height but received ${String(width)}×${String(height)}`);
  }
  if (data.length !== count * 4) throw new RangeError(`Expected ${count * 4} RGBA bytes for ${width}×${height} but received ${data.length}`);
  let gray = true;
  let alpha = false;
  for (let i = 0; i < count * 4 && (gray || !alpha); i += 4) {
    if (data[i] !== data[i + 1] || data[i] !== data[i + 2]) gray = false;
    if (data[i + 3] !== 255) alpha = true;
  }
  const channels = ((gray ? 1 : 3) + (alpha ? 1 : 0)) as Raster['channels'];
  const out = new Uint8Array(count * channels);
  for (let p = 0, o = 0; p < count * 4; p += 4) {
    out[o++] = data[p]!;
    if (!gray) {
      out[o++] = data[p + 1]!;
      out[o++] = data[p + 2]!;
    }
    if (alpha) out[o++] = data[p + 3]!;
  }
  return { width, height, channels, data: out };
}
