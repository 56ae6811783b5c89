import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { encodePng } from '../src/io/png.js';
import type { Raster } from '../src/raster.js';
import { lcg } from './helpers/random-net.js';

/** A width × height raster of seeded random samples, with 16-bit ones beside the 8-bit. */
function randomRaster(width: number, height: number, channels: Raster['channels'], seed: number): Raster {
  const random = lcg(seed);
  const data16 = Uint16Array.from({ length: width * height * channels }, () => Math.floor(random() * 65536));
  const data = Uint8Array.from(data16, (v) => Math.round(v / 257));
  return { width, height, channels, data, data16 };
}

/** Samples as sharp's raw output has them: gray spread to R, G and B. */
function asSharpReadsIt(samples: Uint8Array, channels: Raster['channels']): Uint8Array {
  if (channels > 2) return samples;
  const pixels = samples.length / channels;
  const out = new Uint8Array(pixels * (channels + 2));
  for (let p = 0; p < pixels; p++) {
    for (let k = 0; k < 3; k++) out[p * (channels + 2) + k] = samples[p * channels]!;
    if (channels === 2) out[p * 4 + 3] = samples[p * 2 + 1]!;
  }
  return out;
}

test('encodePng writes PNGs that sharp reads back sample for sample: 1–4 channels, 8 and 16 bits', async () => {
  for (const channels of [1, 2, 3, 4] as const) {
    const image = randomRaster(7, 5, channels, 3 + channels);
    const png = encodePng(image);
    const meta = await sharp(png).metadata();
    assert.deepEqual([meta.width, meta.height, meta.channels, meta.depth], [7, 5, channels, 'uchar']);
    // sharp's raw output of gray is RGB (R = G = B), with alpha when there is one.
    const eight = await sharp(png).raw().toBuffer();
    assert.deepEqual(new Uint8Array(eight), asSharpReadsIt(image.data, channels));
    const deep = encodePng(image, true);
    assert.equal((await sharp(deep).metadata()).depth, 'ushort');
    // Read in the 16-bit colourspaces: sharp's default raw output is 8-bit sRGB.
    const reader = sharp(deep).toColourspace(channels <= 2 ? 'grey16' : 'rgb16');
    const sixteen = await reader.raw({ depth: 'ushort' }).toBuffer();
    assert.deepEqual(new Uint16Array(sixteen.buffer, sixteen.byteOffset, sixteen.length / 2), image.data16);
  }
});

test('encodePng: 8 bits when the raster has no 16-bit samples, a 1-pixel image, and a wide smooth one smaller than its samples', async () => {
  const { data16: _, ...eight } = randomRaster(3, 2, 3, 9);
  assert.equal((await sharp(encodePng(eight, true)).metadata()).depth, 'uchar');
  const one = randomRaster(1, 1, 4, 1);
  assert.deepEqual(new Uint8Array(await sharp(encodePng(one)).raw().toBuffer()), one.data);
  const width = 300;
  const smooth: Raster = { width, height: 40, channels: 3, data: Uint8Array.from({ length: width * 40 * 3 }, (_, i) => (i / 3) % width) };
  const png = encodePng(smooth);
  assert.ok(png.length < smooth.data.length / 10, `${png.length} bytes`);
  assert.deepEqual(new Uint8Array(await sharp(png).raw().toBuffer()), smooth.data);
});
