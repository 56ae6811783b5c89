import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeAudio, encodeImage, EncodeOptionsError } from '../src/index.js';

const image = { width: 8, height: 8, channels: 3 as const, data: new Uint8Array(8 * 8 * 3).fill(100) };
const clip = { sampleRate: 8000, channels: [new Float32Array(800)] };

test('an option the encoder does not know is refused before any work, naming it and the option meant (a CLI flag\'s name)', async () => {
  const refusals: [Promise<unknown>, RegExp][] = [
    [encodeImage(image, { time: 180 } as object), /^image encoding has no option 'time'; did you mean 'timeLimitSeconds'\?$/],
    [encodeImage(image, { 'tile-edges': 'even' } as object), /^image encoding has no option 'tile-edges'; did you mean 'tileEdges'\?$/],
    [encodeImage(image, { keepMetadata: true } as object), /^image encoding has no option 'keepMetadata'; did you mean 'photoMetadata' \(the blobs to keep, \{ exif, icc, xmp \}\)\?$/],
    [encodeImage(image, { bpp: 1, biits: 8 } as object), /^image encoding has no option 'biits'; did you mean 'bits'\?$/],
    [encodeImage(image, { stpes: 8 } as object), /^image encoding has no option 'stpes'; did you mean 'steps'\?$/],
    [encodeImage(image, { fitMargn: 8 } as object), /^image encoding has no option 'fitMargn'; did you mean 'fitMargin'\?$/],
    [encodeImage(image, { quality: 80 } as object), /^image encoding has no option 'quality'$/],
    [encodeAudio(clip, { segment: 0.1 } as object), /^audio encoding has no option 'segment'; did you mean 'segmentSeconds'\?$/],
    [encodeAudio(clip, { tune: 'psnr' } as object), /^audio encoding has no option 'tune'$/],
  ];
  for (const [encode, message] of refusals) {
    await assert.rejects(encode, (error: unknown) => {
      assert.ok(error instanceof EncodeOptionsError, String(error));
      assert.match(error.message, message);
      return true;
    });
  }
});

test('an unknown option left undefined asks for nothing and is let through', async () => {
  const result = await encodeImage(image, { width: 4, bits: 8, steps: 2, time: undefined } as object);
  assert.ok(result.bytes.length > 0);
});

test('option values out of range and images whose samples do not match their shape are refused before any work, naming them', async () => {
  const refusals: [Promise<unknown>, RegExp][] = [
    [encodeImage(image, { bpp: Infinity }), /^bpp must be a number above 0 and at most 64; got Infinity$/],
    [encodeImage(image, { bpp: 0 }), /^bpp must be a number above 0/],
    [encodeImage(image, { steps: -1 }), /^steps must be a whole number from 0 to 1000000; got -1$/],
    [encodeImage(image, { seed: 1.5 }), /^seed must be a whole number/],
    [encodeImage(image, { width: 4, bits: 40 }), /^bits must be a whole number from 2 to 16; got 40$/],
    [encodeImage(image, { tiles: { columns: 0, rows: 1 } }), /^tiles must be whole numbers of columns and rows from 1 to 64; got 0x1$/],
    [encodeImage(image, { lr: Number.NaN }), /^lr must be a number above 0/],
    [encodeImage(image, { photoMetadata: true } as object), /^photoMetadata must be the blobs to keep, \{ exif, icc, xmp \} of Uint8Arrays; got true$/],
    [encodeImage({ ...image, data: image.data.subarray(0, 10) }, {}), /^the image's data must be 192 8-bit samples \(8x8x3\); got 10 in a Uint8Array$/],
    [encodeImage({ ...image, width: 0 }, {}), /^the image's width and height must be whole numbers from 1; got 0x8$/],
    [encodeImage({ ...image, channels: 5 as 3 }, {}), /^the image has 5 channels; 1 to 4 are encoded/],
    [encodeAudio(clip, { kbps: -1 }), /^kbps must be a number above 0/],
    [encodeAudio(clip, { segmentSeconds: 1e-9 }), /^segmentSeconds must be a number from 0\.001 to 3600/],
  ];
  for (const [encode, message] of refusals) {
    await assert.rejects(encode, (error: unknown) => {
      assert.ok(error instanceof EncodeOptionsError, String(error));
      assert.match(error.message, message);
      return true;
    });
  }
});
