/**
 * `-` as the input (standard input) and `-o -` as the output (standard output), as in most Unix tools: the same
 * bytes as through files, one-line errors where a name is needed or the streams would clash.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readSnf } from '../src/format/index.js';
import { FIXTURES, ROOT, snfc, snfcPiped, tempDir } from './helpers/cli.js';

const PHOTO = readFileSync(path.join(FIXTURES, 'kodim-crop32.png'));
const CLIP = readFileSync(path.join(FIXTURES, 'bach-excerpt.wav'));
const QUICK = ['--bpp', '4', '--steps', '20'];

test('an image through the pipes: encode - -o - and decode - -o - give the bytes the files do', () => {
  const dir = tempDir();
  const piped = snfcPiped(['encode', '-', '-o', '-', ...QUICK], PHOTO, { cwd: dir });
  assert.equal(piped.status, 0, piped.stderr);
  assert.match(piped.stderr, /^standard output: \d+ bytes, /m);
  assert.equal(snfc(['encode', path.join(FIXTURES, 'kodim-crop32.png'), '-o', 'photo.snf', ...QUICK], { cwd: dir }).status, 0);
  assert.deepEqual(piped.stdout, readFileSync(path.join(dir, 'photo.snf')), 'the same file as through a file');
  assert.equal(readSnf(new Uint8Array(piped.stdout)).header.kind, 'image');

  const decoded = snfcPiped(['decode', '-', '--output', '-', '--scale', '2'], piped.stdout, { cwd: dir });
  assert.equal(decoded.status, 0, decoded.stderr);
  assert.match(decoded.stderr, /^standard output: 64x64$/m);
  assert.equal(snfc(['decode', 'photo.snf', '-o', 'photo.png', '--scale', '2'], { cwd: dir }).status, 0);
  assert.deepEqual(decoded.stdout, readFileSync(path.join(dir, 'photo.png')), 'a PNG, the same as the file');

  const info = snfcPiped(['info', '-'], piped.stdout, { cwd: dir });
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stdout.toString(), /image 32x32 rgb/);
  assert.deepEqual(readdirSync(dir).sort(), ['photo.png', 'photo.snf'], 'nothing else written');
});

test('a clip through the pipes: a WAV on standard input, an .snf and a WAV on standard output', () => {
  const encoded = snfcPiped(['encode', '-', '-o', '-', '--steps', '20'], CLIP);
  assert.equal(encoded.status, 0, encoded.stderr);
  assert.equal(readSnf(new Uint8Array(encoded.stdout)).header.kind, 'audio');
  const decoded = snfcPiped(['decode', '-', '-o', '-'], encoded.stdout);
  assert.equal(decoded.status, 0, decoded.stderr);
  assert.equal(decoded.stdout.subarray(0, 4).toString('latin1'), 'RIFF');
  assert.equal(decoded.stdout.subarray(8, 12).toString('latin1'), 'WAVE');
});

test('standard input has no name to derive an output from, --json and -o - would share standard output, and an empty one is an input error', () => {
  const dir = tempDir();
  const unnamed = snfcPiped(['encode', '-', ...QUICK], PHOTO, { cwd: dir });
  assert.equal(unnamed.status, 2);
  assert.equal(unnamed.stderr, 'snfc: the input is standard input: name the output with -o FILE, or -o - for standard output\n');
  // decode's output name waits on the input's kind (.png or .wav), but standard input with no -o is refused before it
  // is read, whatever it holds; with -o, a PNG on standard input is not an .snf.
  const undecoded = snfcPiped(['decode', '-'], PHOTO, { cwd: dir });
  assert.equal(undecoded.status, 2);
  assert.equal(undecoded.stderr, unnamed.stderr);
  const notSnf = snfcPiped(['decode', '-', '-o', 'out.png'], PHOTO, { cwd: dir });
  assert.equal(notSnf.status, 3);
  const json = snfcPiped(['encode', '-', '-o', '-', '--json', ...QUICK], PHOTO, { cwd: dir });
  assert.equal(json.status, 2);
  assert.match(json.stderr, /^snfc: --json prints its result on standard output, where -o - writes the file/);
  assert.equal(json.stdout.length, 0);
  const empty = snfcPiped(['encode', '-', '-o', 'out.snf', ...QUICK], new Uint8Array(0), { cwd: dir });
  assert.equal(empty.status, 3);
  assert.equal(empty.stderr, 'snfc: cannot read standard input: it is empty\n');
  const junk = snfcPiped(['encode', '-', '-o', 'out.snf', ...QUICK], new TextEncoder().encode('not an image'), { cwd: dir });
  assert.equal(junk.status, 3);
  assert.match(junk.stderr, /^snfc: cannot decode standard input as an image: /);
  assert.equal(existsSync(path.join(dir, 'out.snf')), false);
  assert.deepEqual(readdirSync(dir), []);
});

test('-o wants one name: an empty one and two of them are usage errors; an empty input name is not standard input', () => {
  const dir = tempDir();
  const photo = path.join(FIXTURES, 'kodim-crop32.png');
  const empty = snfc(['encode', photo, '-o', '', ...QUICK], { cwd: dir });
  assert.equal(empty.status, 2);
  assert.equal(empty.stderr, 'snfc: -o (--output) needs a file name, or - for standard output\n');
  const twice = snfc(['encode', photo, '-o', 'a.snf', '-o', 'b.snf', ...QUICK], { cwd: dir });
  assert.equal(twice.status, 2);
  assert.equal(twice.stderr, 'snfc: give -o (--output) once\n');
  // A shell variable that is empty ("$f") names no file; it must not read standard input because -o - is there.
  const unnamed = snfcPiped(['encode', '', '-o', '-', ...QUICK], PHOTO, { cwd: dir });
  assert.equal(unnamed.status, 3);
  assert.equal(unnamed.stderr, "snfc: cannot read '': no such file\n");
  assert.deepEqual(readdirSync(dir), []);
});

test('a reader that closes standard output early gets one line and exit 4, not a stack trace', async () => {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'snfc.js'), 'decode', path.join(FIXTURES, 'kodim-crop32-adaptive.snf'), '-o', '-', '--scale', '4']);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  // The reader goes away before the PNG comes, as `| head -c 10` does once it has its bytes.
  child.stdout.destroy();
  const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(status, 4, stderr);
  assert.equal(stderr, 'snfc: cannot write standard output: the reader closed it before the whole file was written\n');
});
