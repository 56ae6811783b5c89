/**
 * The bad-input matrix of the command line, end to end: every case runs the
 * real `snfc` and must print one line on stderr, exit with the documented
 * code, print no stack trace, leave no output or temp file behind and leave
 * its input untouched. Unusual but valid images must encode and decode.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { crc32, writeSnf } from '../src/format/index.js';
import { tensorSlices, type SirenArch } from '../src/kernels/arch.js';
import { FIXTURES, ROOT, tempDir, type CliRun } from './helpers/cli.js';

/** Runs `snfc` without blocking, so that cases can run side by side. */
function snfcAsync(args: string[], cwd: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'snfc.js'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Runs `jobs` with at most `limit` at a time (the test machine has few cores). */
async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

/** Every file under `dir` with a hash of its bytes, to show that nothing was added, removed or changed. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const full = path.join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(path.relative(dir, full), createHash('sha256').update(readFileSync(full)).digest('hex'));
    }
  };
  walk(dir);
  return files;
}

const dir = tempDir();
const png = readFileSync(path.join(FIXTURES, 'kodim-crop32.png'));
const snf = readFileSync(path.join(FIXTURES, 'kodim-crop32.snf'));
writeFileSync(path.join(dir, 'in.png'), png);
writeFileSync(path.join(dir, 'in.snf'), snf);
writeFileSync(path.join(dir, 'clip.wav'), readFileSync(path.join(FIXTURES, 'bach-excerpt.wav')));
mkdirSync(path.join(dir, 'folder.png'));
mkdirSync(path.join(dir, 'folder.snf'));
writeFileSync(path.join(dir, 'empty.png'), '');
writeFileSync(path.join(dir, 'empty.snf'), '');
writeFileSync(path.join(dir, 'truncated.png'), png.subarray(0, png.length >> 1));
writeFileSync(path.join(dir, 'text.png'), 'not an image, just text\n');
writeFileSync(path.join(dir, 'cut.snf'), snf.subarray(0, snf.length - 7));
const corrupt = Buffer.from(snf);
corrupt[corrupt.length - 8]! ^= 0x10; // in the payload: the CRC catches it
writeFileSync(path.join(dir, 'corrupt.snf'), corrupt);
const badLength = Buffer.from(snf);
badLength[12]! ^= 0x04; // the header length H
writeFileSync(path.join(dir, 'bad-length.snf'), badLength);
// A well-formed file of a later major version (6), CRC and all: this reader reads 1 to 5.
const future = Buffer.from(snf);
future[8] = 6;
future.writeUInt32LE(crc32(future.subarray(0, future.length - 4)), future.length - 4);
writeFileSync(path.join(dir, 'future.snf'), future);
// A valid file of a few hundred bytes that claims 65536 × 65536 pixels.
const flat: SirenArch = { inputs: 2, outputs: 1, width: 2, depth: 1, omega: 30 };
writeFileSync(path.join(dir, 'giant.snf'), writeSnf({
  header: { kind: 'image', width: 65536, height: 65536, layout: 'gray', colorSpace: 'srgb', normalization: 'symmetric8' },
  networks: [{ region: [0, 0, 65536, 65536], arch: flat, tensors: tensorSlices(flat).map(({ length }) => ({ bits: 2, step: 1, values: new Int32Array(length) })) }],
}));
writeFileSync(path.join(dir, 'kept.snf'), 'precious');
// An input reached through a link, and an .snf under an image's name: writing over what they name would destroy it.
symlinkSync('in.png', path.join(dir, 'alias.png'));
writeFileSync(path.join(dir, 'coded.png'), snf);
symlinkSync('coded.png', path.join(dir, 'coded-alias.snf'));
writeFileSync(path.join(dir, 'kept.png'), 'precious');

/** [what, args, exit code, pattern of the one stderr line]. */
const FAILURES: [string, string[], number, RegExp][] = [
  // encode: inputs
  ['encode: nonexistent input', ['encode', 'missing.png'], 3, /'missing\.png'.*no such file/],
  ['encode: a directory', ['encode', 'folder.png', '-o', 'a.snf'], 3, /'folder\.png'.*directory/],
  ['encode: an empty file', ['encode', 'empty.png'], 3, /'empty\.png'.*empty/],
  ['encode: a truncated PNG', ['encode', 'truncated.png'], 3, /cannot decode 'truncated\.png' as an image/],
  ['encode: a text file named .png', ['encode', 'text.png'], 3, /cannot decode 'text\.png' as an image/],
  // encode: flags
  ['encode: --bpp -1', ['encode', 'in.png', '--bpp', '-1'], 2, /--bpp.*'-1'/],
  ['encode: --steps abc', ['encode', 'in.png', '--steps', 'abc'], 2, /--steps.*'abc'/],
  ['encode: --bits 1', ['encode', 'in.png', '--bits', '1'], 2, /--bits.*'1'/],
  ['encode: --fourier 17', ['encode', 'in.png', '--fourier', '17'], 2, /--fourier.*'17'/],
  ['encode: --engine gpu', ['encode', 'in.png', '--engine', 'gpu'], 2, /--engine.*'gpu'/],
  ['encode: --steps twice', ['encode', 'in.png', '--steps', '3', '--steps', '5'], 2, /^snfc: give --steps once$/],
  ['decode: --scale twice', ['decode', 'in.snf', '--scale', '2', '--scale', '3', '-o', 'a.png'], 2, /^snfc: give --scale once$/],
  ['batch: --out twice, once by its alias', ['batch', 'in.png', '--out', 'o9', '-o', 'o10'], 2, /^snfc: give -o \(--out\) once$/],
  ['bench: anchors that are a PNG, not JSON', ['bench', 'in.png', '--anchors', 'in.png', '--out', 'bo'], 3, /^snfc: anchors 'in\.png' is not JSON: [ -~]+$/],
  ['batch: --out names a file', ['batch', 'in.png', '--out', 'kept.snf'], 4, /^snfc: cannot write to the folder 'kept\.snf': a file of that name is in the way$/],
  ['batch: an empty --out', ['batch', 'in.png', '--out', ''], 2, /^snfc: --out needs a folder name$/],
  ['bench: --out names a file', ['bench', 'in.png', '--out', 'kept.snf', '--codecs', 'snf'], 4, /^snfc: cannot create the folder 'kept\.snf': a file of that name is in the way$/],
  ['batch: standard input', ['batch', '-', '--out', 'z'], 2, /^snfc: batch reads files and folders, not standard input \('-'\)$/],
  ['bench: standard input beside a file', ['bench', 'in.png', '-'], 2, /^snfc: bench reads files and folders, not standard input \('-'\)$/],
  ['bench: --out twice', ['bench', 'in.png', '--out', 'x1', '--out', 'x2'], 2, /^snfc: give (-o \()?--out\)? once$/],
  // encode: outputs
  ['encode: output folder does not exist', ['encode', 'in.png', '-o', 'nowhere/x.snf'], 4, /folder 'nowhere' does not exist/],
  ['encode: existing output without --force', ['encode', 'in.png', '-o', 'kept.snf'], 4, /'kept\.snf' exists.*--force/],
  ['encode: output is the input', ['encode', 'in.png', '-o', 'in.png', '--force'], 4, /refusing to overwrite the input/],
  ['encode: output is the input, read through a link', ['encode', 'alias.png', '-o', 'in.png', '--force'], 4, /refusing to overwrite the input 'alias\.png'/],
  ['decode: output is the input, read through a link', ['decode', 'coded-alias.snf', '-o', 'coded.png', '--force'], 4, /refusing to overwrite the input 'coded-alias\.snf'/],
  ['encode: output is a directory', ['encode', 'in.png', '-o', 'folder.snf', '--force'], 4, /'folder\.snf'.*directory/],
  ['encode: output names a folder (trailing slash)', ['encode', 'in.png', '-o', 'kept.snf/', '--force'], 4, /'kept\.snf\/': it names a folder; give a file name/],
  ['decode: an output name too long for the file system', ['decode', 'in.snf', '-o', `${'a'.repeat(300)}.png`], 4, /the name is too long/],
  ['decode: --scale given as hexadecimal', ['decode', 'in.snf', '--scale', '0x10', '-o', 'a.png'], 2, /--scale.*'0x10'/],
  // decode: inputs
  ['decode: nonexistent input', ['decode', 'missing.snf'], 3, /'missing\.snf'.*no such file/],
  ['decode: a directory', ['decode', 'folder.snf', '-o', 'a.png'], 3, /'folder\.snf'.*directory/],
  ['decode: a PNG', ['decode', 'in.png', '-o', 'a.png'], 3, /^snfc: 'in\.png' is a PNG image, not an \.snf file: snfc encode makes one of it$/],
  ['decode: a WAV', ['decode', 'clip.wav'], 3, /^snfc: 'clip\.wav' is a WAV file, not an \.snf file: snfc encode makes one of it$/],
  ['info: a PNG', ['info', 'in.png'], 3, /^snfc: 'in\.png' is a PNG image, not an \.snf file/],
  ['decode: an empty .snf', ['decode', 'empty.snf'], 3, /'empty\.snf'.*empty/],
  ['decode: a truncated .snf', ['decode', 'cut.snf'], 3, /invalid \.snf file: truncated/],
  ['decode: one changed byte', ['decode', 'corrupt.snf'], 3, /invalid \.snf file: .*corrupt.*CRC-32/],
  ['decode: a later major version', ['decode', 'future.snf', '-o', 'a.png'], 3, /unsupported \.snf version 6\.\d \(this reader reads versions 1\.x to 5\.x\)/],
  ['decode: one changed byte in a length', ['decode', 'bad-length.snf'], 3, /invalid \.snf file: .*corrupt/],
  // decode: flags
  ['decode: --scale 0', ['decode', 'in.snf', '--scale', '0', '-o', 'a.png'], 2, /--scale.*'0'/],
  ['decode: --scale 100000', ['decode', 'in.snf', '--scale', '100000', '-o', 'a.png'], 2, /--scale.*'100000'/],
  ['decode: --scale abc', ['decode', 'in.snf', '--scale', 'abc', '-o', 'a.png'], 2, /--scale.*'abc'/],
  ['decode: --size 10xq', ['decode', 'in.snf', '--size', '10xq', '-o', 'a.png'], 2, /--size.*'10xq'/],
  ['decode: --size 0x5', ['decode', 'in.snf', '--size', '0x5', '-o', 'a.png'], 2, /--size.*'0x5'/],
  ['decode: --size -5x5', ['decode', 'in.snf', '--size', '-5x5', '-o', 'a.png'], 2, /^snfc: Expected WIDTHxHEIGHT .* for --size but received '-5x5'$/],
  ['encode: --steps -.5', ['encode', 'in.png', '--steps', '-.5'], 2, /--steps.*'?-0?\.5'?$/],
  ['decode: --scale and --size', ['decode', 'in.snf', '--scale', '2', '--size', '4x4', '-o', 'a.png'], 2, /scale|size/],
  ['decode: over the default --max-pixels', ['decode', 'in.snf', '--size', '65536x65536', '-o', 'a.png'], 2, /65536x65536 = 4294967296 pixels, over --max-pixels 67108864/],
  ['decode: a file claiming 65536² pixels', ['decode', 'giant.snf'], 2, /65536x65536 = 4294967296 pixels, over --max-pixels/],
  ['decode: over --max-pixels', ['decode', 'in.snf', '--scale', '2', '--max-pixels', '4095', '-o', 'a.png'], 2, /64x64 = 4096 pixels, over --max-pixels 4095/],
  ['decode: --max-pixels 0', ['decode', 'in.snf', '--max-pixels', '0', '-o', 'a.png'], 2, /--max-pixels.*'0'/],
  ['decode: unknown output format', ['decode', 'in.snf', '-o', 'a.txt'], 2, /cannot write 'a\.txt': use one of/],
  ['decode: the output is a folder', ['decode', 'in.snf', '-o', '.'], 4, /^snfc: cannot write '\.': it names a folder; give a file name, such as photo\.png$/],
  ['decode: the output names a folder (trailing slash)', ['decode', 'in.snf', '-o', 'out/'], 4, /^snfc: cannot write 'out\/': it names a folder; give a file name, such as out\/photo\.png$/],
  ['decode: too wide for WebP', ['decode', 'in.snf', '--size', '20000x4', '-o', 'a.webp'], 2, /WEBP holds at most 16383 pixels a side/],
  // decode: outputs
  ['decode: output folder does not exist', ['decode', 'in.snf', '-o', 'nowhere/a.png'], 4, /folder 'nowhere' does not exist/],
  ['decode: existing output without --force', ['decode', 'in.snf', '-o', 'kept.png'], 4, /'kept\.png' exists.*--force/],
  // info
  ['info: an empty .snf', ['info', 'empty.snf'], 3, /'empty\.snf'.*empty/],
  ['info: one changed byte', ['info', 'corrupt.snf'], 3, /invalid \.snf file: .*corrupt/],
  // the command itself
  ['an unknown command', ['frobnicate'], 2, /Unknown argument|command/],
  ['a misspelt flag, named once as typed', ['encode', 'in.png', '--keep-metadta', '--bpp', '1'], 2, /^snfc: Unknown argument: keep-metadta; did you mean --keep-metadata\? \(see snfc --help\)$/],
  ['two unknown flags', ['decode', 'in.snf', '--scael', '2', '--max-pixel', '9'], 2, /^snfc: Unknown arguments: scael, max-pixel \(see snfc --help\)$/],
  ['a misspelt flag, with the flag meant', ['encode', 'in.png', '--stpes', '5'], 2, /^snfc: Unknown argument: stpes; did you mean --steps\? \(see snfc --help\)$/],
  ['a dashed flag one letter short', ['encode', 'in.png', '--tile-edge', 'even'], 2, /^snfc: Unknown argument: tile-edge; did you mean --tile-edges\? \(see snfc --help\)$/],
  ['an unknown flag like none', ['decode', 'in.snf', '--quality', '80'], 2, /^snfc: Unknown argument: quality \(see snfc --help\)$/],
  ['no command', [], 2, /command/],
];

test(`bad inputs: ${FAILURES.length} cases, each one line, its exit code, no stack, no output left, input untouched`, async () => {
  const before = snapshot(dir);
  const runs = await pool(FAILURES.map(([, args]) => () => snfcAsync(args, dir)), 3);
  FAILURES.forEach(([what, , exitCode, pattern], i) => {
    const run = runs[i]!;
    assert.equal(run.status, exitCode, `${what}: exit ${run.status}, stderr: ${run.stderr}`);
    const lines = run.stderr.split('\n').filter((line) => line !== '');
    assert.equal(lines.length, 1, `${what}: one line expected on stderr, got: ${run.stderr}`);
    assert.match(lines[0]!, /^snfc: /, what);
    assert.match(lines[0]!, pattern, what);
    assert.doesNotMatch(run.stderr, /\n\s+at |internal error/, `${what}: ${run.stderr}`);
    assert.equal(run.stdout, '', `${what}: nothing on stdout`);
  });
  // Nothing was written, renamed or left as a temp file, and every input has its bytes.
  assert.deepEqual(snapshot(dir), before);
});

test('an input from a pipe (/dev/stdin) is read to its end, not refused as empty', async () => {
  const fixture = readFileSync(path.join(FIXTURES, 'kodim-crop32-tiles.snf'));
  const run = await new Promise<CliRun>((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'snfc.js'), 'info', '/dev/stdin', '--json'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(fixture);
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).bytes, fixture.length);
  // A shell's pipe is a FIFO, which /dev/stdin opens by name (Node's 'pipe' above is a socket, read as stdin).
  const shell = spawnSync('sh', ['-c', `cat "$1" | "${process.execPath}" "$2" info /dev/stdin --json`, 'sh', path.join(FIXTURES, 'kodim-crop32-tiles.snf'), path.join(ROOT, 'bin', 'snfc.js')], { encoding: 'utf8' });
  assert.equal(shell.status, 0, shell.stderr);
  assert.equal(JSON.parse(shell.stdout).bytes, fixture.length);
});

test('unusual images encode and decode: 16-bit RGB and gray, gray + alpha (8- and 16-bit), CMYK JPEG, 1x1', async () => {
  const work = tempDir();
  const source = path.join(FIXTURES, 'kodim-crop32.png');
  const gray = new Uint8Array(32 * 32 * 2).map((_, i) => (i % 2 === 0 ? (i * 7) & 0xff : 255 - ((i * 3) % 200)));
  const gray16 = Buffer.alloc(32 * 32 * 4);
  for (let i = 0; i < 32 * 32 * 2; i++) gray16.writeUInt16BE((i * 977) & 0xffff, 2 * i);
  const images: [file: string, make: () => Promise<unknown>, layout: string, channels: number, size: number][] = [
    ['rgb16.png', () => sharp(source).toColourspace('rgb16').png().toFile(path.join(work, 'rgb16.png')), 'rgb', 3, 32],
    ['gray16.png', () => sharp(source).toColourspace('grey16').png().toFile(path.join(work, 'gray16.png')), 'gray', 1, 32],
    ['graya.png', () => sharp(gray, { raw: { width: 32, height: 32, channels: 2 } }).toColourspace('b-w').png().toFile(path.join(work, 'graya.png')), 'graya', 2, 32],
    // sharp reads 16-bit raw samples, though its types do not say so.
    ['graya16.png', () => sharp(gray16, { raw: { width: 32, height: 32, channels: 2, depth: 'ushort' } as { width: number; height: number; channels: 2 } }).toColourspace('grey16').png().toFile(path.join(work, 'graya16.png')), 'graya', 2, 32],
    ['cmyk.jpg', () => sharp(source).toColourspace('cmyk').jpeg().toFile(path.join(work, 'cmyk.jpg')), 'rgb', 3, 32],
    ['one.png', () => sharp({ create: { width: 1, height: 1, channels: 3, background: { r: 200, g: 10, b: 30 } } }).png().toFile(path.join(work, 'one.png')), 'rgb', 3, 1],
  ];
  for (const [, make] of images) await make();
  const meta = await Promise.all(images.map(([file]) => sharp(path.join(work, file)).metadata()));
  assert.deepEqual(meta.map((m) => [m.channels, m.depth, m.space]),
    [[3, 'ushort', 'rgb16'], [1, 'ushort', 'grey16'], [2, 'uchar', 'b-w'], [2, 'ushort', 'grey16'], [4, 'uchar', 'cmyk'], [3, 'uchar', 'srgb']]);

  const encodes = await pool(images.map(([file]) => () => snfcAsync(['encode', file, '--width', '6', '--steps', '30', '--quiet'], work)), 3);
  encodes.forEach((run, i) => assert.equal(run.status, 0, `${images[i]![0]}: ${run.stderr}`));
  const decodes = await pool(images.map(([file]) => () => {
    const snfFile = file.replace(/\.\w+$/, '.snf');
    return snfcAsync(['decode', snfFile, '-o', `${snfFile}.png`, '--scale', '2'], work);
  }), 3);
  for (const [i, [file, , , channels, size]] of images.entries()) {
    assert.equal(decodes[i]!.status, 0, `${file}: ${decodes[i]!.stderr}`);
    // The decoded PNG has the layout's channels (gray 1, gray + alpha 2, RGB 3) at twice the size.
    const decoded = await sharp(path.join(work, `${file.replace(/\.\w+$/, '.snf')}.png`)).metadata();
    assert.deepEqual([decoded.width, decoded.height, decoded.channels], [2 * size, 2 * size, channels], file);
  }
  // A JPEG of gray + alpha loses the alpha: decode says so.
  const jpeg = await snfcAsync(['decode', 'graya.snf', '-o', 'graya.jpg'], work);
  assert.equal(jpeg.status, 0, jpeg.stderr);
  assert.match(jpeg.stderr, /^snfc: notice: JPEG holds no alpha: the transparent areas are written over black \(PNG, WebP and TIFF keep the alpha\)$/m);
  assert.deepEqual(readdirSync(work).filter((f) => f.endsWith('.tmp')), []);
});

test('the decoded TIFF is lossless (sharp writes JPEG-compressed TIFF unless told otherwise)', async () => {
  const work = tempDir();
  copyFileSync(path.join(FIXTURES, 'kodim-crop32.snf'), path.join(work, 'in.snf'));
  for (const out of ['a.png', 'a.tif']) {
    const run = await snfcAsync(['decode', 'in.snf', '-o', out], work);
    assert.equal(run.status, 0, run.stderr);
  }
  const [fromPng, fromTiff] = await Promise.all(['a.png', 'a.tif'].map((f) => sharp(path.join(work, f)).raw().toBuffer()));
  assert.deepEqual(fromTiff, fromPng);
});

test('a file claiming 65536² pixels still decodes at a small --size', async () => {
  const work = tempDir();
  copyFileSync(path.join(dir, 'giant.snf'), path.join(work, 'giant.snf'));
  const run = await snfcAsync(['decode', 'giant.snf', '--size', '48x32', '-o', 'thumb.png'], work);
  assert.equal(run.status, 0, run.stderr);
  const meta = await sharp(path.join(work, 'thumb.png')).metadata();
  assert.deepEqual([meta.width, meta.height, meta.channels], [48, 32, 1]);
});
