import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeAudio, encodeImage, EncodeOptionsError } from '../src/index.js';

const image = { width: 8, height: 8, channels: 3 as const, data: new Uint8Array(8 * 8 * 3).fill(100) };
const clip = { sampleRate: 8000, channels: [new Float32Array(800)] };

test('an option the encoder does not know is refused before any work, naming it and the option meant (a CLI flag\'s name)', async () => {
  const refusals: [Promise<unknown>, RegExp][] = [
    [encodeImage(image, { time: 180 } as object), /^image encoding has no option 'time'; did you mean 'timeLimitSeconds'\?$/],
    [encodeImage(image, { 'tile-edges': 'even' } as object), /^image encoding has no option 'tile-edges'; did you mean 'tileEdges'\?$/],
    [encodeImage(image, { keepMetadata: true } as object), /^image encoding has no option 'keepMetadata'; did you mean 'photoMetadata'\?$/],
    [encodeImage(image, { bpp: 1, biits: 8 } as object), /^image encoding has no option 'biits'$/],
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
