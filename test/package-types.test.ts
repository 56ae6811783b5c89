/**
 * What a TypeScript user of the package gets: every entry point of
 * package.json's "exports" resolves with its types under `strict` and
 * Node's module resolution, as `npm install snfc` would give them (the
 * package linked into a scratch project's node_modules).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { ROOT, tempDir } from './helpers/cli.js';

const CONSUMER = `
import { encodeImage, decodeImage, EncodeOptionsError, type ImageEncodeOptions } from 'snfc';
import { decodeImage as decodeInPage, decodeAudio } from 'snfc/decoder';
import { readSnf, SnfFormatError } from 'snfc/format';
import { SnfImageElement, SnfAudioElement } from 'snfc/web';
import { encodeImageInBrowser } from 'snfc/web/encode';

const options: ImageEncodeOptions = { bpp: 0.5, timeLimitSeconds: 180 };
const image: SnfImageElement | null = document.querySelector('snf-image');
const audio: SnfAudioElement = document.createElement('snf-audio');
export const used = [encodeImage, decodeImage, EncodeOptionsError, decodeInPage, decodeAudio, readSnf, SnfFormatError, encodeImageInBrowser, options, image, audio];
`;

test('every entry point of the package gives its types to a strict TypeScript project (the elements by tag name too)', () => {
  const dir = tempDir();
  after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(ROOT, path.join(dir, 'node_modules', 'snfc'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(path.join(dir, 'consumer.ts'), CONSUMER);
  const run = spawnSync(process.execPath, [
    path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--target', 'es2022', '--lib', 'es2022,dom', '--types', 'node', '--typeRoots', path.join(ROOT, 'node_modules', '@types'), 'consumer.ts',
  ], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, run.stdout + run.stderr);
});
