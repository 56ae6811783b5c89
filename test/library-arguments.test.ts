/**
 * The library's arguments of the wrong kind get an error that names them (EncodeOptionsError from the encoders,
 * SnfFormatError INVALID_ARGUMENT from the reader and the decoders), not a TypeError from deep inside, and the
 * decoders refuse keys they do not read, as the encoders refuse unknown options.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { decodeAudio, decodeImage, SnfFormatError as DecoderError } from '../src/decoder/index.js';
import { encodeAudio, encodeImage } from '../src/index.js';
import { inspectSnf, readSnf, SnfFormatError } from '../src/format/index.js';
import type { AudioClip } from '../src/audio.js';
import type { Raster } from '../src/raster.js';
import { FIXTURES } from './helpers/cli.js';

const image: Raster = { width: 4, height: 4, channels: 1, data: new Uint8Array(16).map((_, i) => i * 9) };
const imageFile = new Uint8Array(readFileSync(path.join(FIXTURES, 'kodim-crop32.snf')));
const audioFile = new Uint8Array(readFileSync(path.join(FIXTURES, 'bach-excerpt.snf')));

/** The rejection must be an `EncodeOptionsError` whose message matches. */
const encodeRefuses = (promise: Promise<unknown>, pattern: RegExp): Promise<void> =>
  assert.rejects(promise, (error: Error) => error.name === 'EncodeOptionsError' && pattern.test(error.message));

/** The rejection (or throw) must be an INVALID_ARGUMENT `SnfFormatError` whose message matches. */
const decodeRefuses = async (run: () => unknown, pattern: RegExp): Promise<void> =>
  assert.rejects(async () => run(), (error: unknown) => error instanceof SnfFormatError && error.code === 'INVALID_ARGUMENT' && pattern.test(error.message));

test('encodeImage names a missing image, an engine given by name, a callback that is not one, a number given as a string', async () => {
  await encodeRefuses(encodeImage(undefined as unknown as Raster), /^the image must be \{ width, height, channels, data \}; got undefined$/);
  await encodeRefuses(encodeImage(image, { engine: 'wasm' as never }), /^engine must be a function \(an engine factory, such as wasmEngineFactory\(\); the names are the CLI's --engine\); got 'wasm' \(a string\)$/);
  await encodeRefuses(encodeImage(image, { onStep: 5 as never }), /^onStep must be a function; got 5$/);
  await encodeRefuses(encodeImage({ ...image, channels: '1' as never }), /^the image has '1' \(a string\) channels; 1 to 4 are encoded/);
  await encodeRefuses(encodeImage(image, { steps: '10' as never }), /^steps must be a whole number from 0 to 1000000; got '10' \(a string\)$/);
});

test('encodeAudio names a missing clip, integer PCM and a sample rate out of range', async () => {
  await encodeRefuses(encodeAudio({} as AudioClip), /^the clip must be \{ sampleRate, channels: \[Float32Array, …\] \}; got channels undefined$/);
  await encodeRefuses(encodeAudio({ sampleRate: 8000, channels: [new Int16Array(100) as never] }), /^channel 0 must hold float samples in \[-1, 1\] \(a Float32Array\); got an Int16Array: scale integer PCM to \[-1, 1\] first$/);
  await encodeRefuses(encodeAudio({ sampleRate: 1, channels: [new Float32Array(800)] }), /^sampleRate must be a whole number of samples per second from 1000 to 768000; got 1$/);
  await encodeRefuses(encodeAudio({ sampleRate: 8000, channels: [new Float32Array(800)] }, { onStep: 'x' as never }), /^onStep must be a function; got 'x' \(a string\)$/);
});

test('the decoders and the reader refuse keys they do not read, and a limits argument that is not an object', async () => {
  await decodeRefuses(() => decodeImage(imageFile, { sclae: 2 } as never), /^size has no key 'sclae' \(it takes scale, width, height\); did you mean scale\?$/);
  await decodeRefuses(() => decodeImage(imageFile, { size: '10x10' } as never), /^size has no key 'size' .*; did you mean width and height\?$/);
  await decodeRefuses(() => decodeImage(imageFile, {}, { maxPixel: 100 } as never), /^limits has no key 'maxPixel' \(it takes .*maxPixels\); did you mean maxPixels\?$/);
  await decodeRefuses(() => decodeImage(imageFile, {}, undefined, { samplebits: 16 } as never), /; did you mean sampleBits\?$/);
  await decodeRefuses(() => decodeAudio(audioFile, { rate: 22050 } as never), /^request has no key 'rate' \(it takes sampleRate, start, end\); did you mean sampleRate\?$/);
  await decodeRefuses(() => readSnf(imageFile, 5 as never), /^Expected an object for limits but received 5 of type number$/);
  await decodeRefuses(() => decodeImage(inspectSnf(imageFile) as never), /^Expected the bytes of a \.snf file or what readSnf returns, but received a file whose networks are not decoded/);
  // What they read still works, and the decoder's entry point exports the error type a page tells a bad file by.
  assert.equal((await decodeImage(imageFile, { scale: 0.5 }, { maxPixels: 256 })).width, 16);
  assert.equal(DecoderError, SnfFormatError);
  await assert.rejects(decodeAudio(imageFile), (error: unknown) => error instanceof DecoderError && error.message === 'this file holds an image, not audio');
});
