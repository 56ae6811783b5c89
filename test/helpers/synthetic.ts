import type { SirenArch } from '../../src/kernels/arch.js';
import { regionGrid } from '../../src/kernels/render.js';
import type { Raster } from '../../src/raster.js';
import { initializeWeightScaled } from '../../src/encoder/network/ws-init.js';
import type { EngineSetup } from '../../src/encoder/network/engine.js';

/** A smooth synthetic test image: gradients plus a few sinusoids, deterministic. */
export function syntheticImage(width: number, height: number, channels: 1 | 2 | 3 | 4 = 3): Raster {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const v = 128 + 60 * Math.sin((x + 1) * 0.21 * (c + 1)) * Math.cos(y * 0.17) + 40 * ((x - y) / (width + height));
        data[(y * width + x) * channels + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return { width, height, channels, data };
}

/** A small training problem for engine tests: a grid of points with smooth targets. */
export function tinySetup(arch: SirenArch, side: number, seed = 7, alpha = 1.5): EngineSetup {
  const count = side * side;
  const coords = arch.inputs === 2
    ? regionGrid(side, side, [0, 0, side, side], side, side).coords
    : Float32Array.from({ length: count }, (_, i) => (2 * (i + 0.5)) / count - 1);
  const targets = new Float32Array(count * arch.outputs);
  for (let p = 0; p < count; p++) {
    for (let o = 0; o < arch.outputs; o++) targets[p * arch.outputs + o] = 0.8 * Math.sin(3 * coords[p * arch.inputs]! + o) * Math.cos(2 * p / count);
  }
  return { arch, params: initializeWeightScaled(arch, alpha, seed), coords, targets };
}

/**
 * A gray image whose left half is `smooth(x, y)` and whose right half is a
 * pseudo-random texture (an LCG's top byte, halved, from 60): a flat and a
 * busy region side by side, for the tests of tile widths and contrast weights.
 */
export function smoothBesideTexture(width: number, height: number, smooth: (x: number, y: number) => number, seed = 12345): Raster {
  const data = new Uint8Array(width * height);
  let state = seed;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      state = (state * 1103515245 + 12345) >>> 0;
      data[y * width + x] = x < width / 2 ? smooth(x, y) : 60 + (state >>> 24) / 2;
    }
  }
  return { width, height, channels: 1, data };
}
