import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { encodeImage } from '../src/index.js';
import { crc32, type AudioHeader } from '../src/format/index.js';
import { encodePng } from '../src/io/png.js';
import { checkEnvironment } from '../src/cli/environment.js';
import { FLAG_RANGES } from '../src/cli/encode-options.js';
import { FIXTURES, ROOT, snfc, tempDir } from './helpers/cli.js';

const dir = tempDir();
const png = path.join(dir, 'in.png');
copyFileSync(path.join(FIXTURES, 'kodim-crop32.png'), png);

/** A user mistake: one line on stderr, the expected exit code, no stack trace. */
function assertCleanFailure(args: string[], exitCode: number, pattern: RegExp): void {
  const run = snfc(args, { cwd: dir });
  assert.equal(run.status, exitCode, `exit ${run.status} for ${args.join(' ')}: ${run.stderr}`);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected, got: ${run.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
}

test('bad inputs and flags fail with one clear line and the documented exit code', () => {
  assertCleanFailure(['encode', 'missing.png'], 3, /missing\.png.*no such file/);
  assertCleanFailure(['encode', 'in.png', '--steps', 'abc'], 2, /--steps.*'abc'/);
  assertCleanFailure(['encode', 'in.png', '--bpp', '-1'], 2, /--bpp/);
  assertCleanFailure(['encode', 'in.png', '--batch', '-256'], 2, /--batch/);
  assertCleanFailure(['encode', 'in.png', '--batch', '1.5'], 2, /--batch/);
  assertCleanFailure(['encode', 'in.png', '--warmup', '1'], 2, /Expected a number from 0 to 0.99 for --warmup but received '1'/);
  assertCleanFailure(['encode', 'in.png', '--weight-decay', '-0.1'], 2, /Expected a number from 0 to 1000 for --weight-decay but received '-0.1'/);
  assertCleanFailure(['encode', 'in.png', '--engine', 'gpu'], 2, /--engine/);
  assertCleanFailure(['encode', 'in.png', '--filter', 'on'], 2, /--filter/);
  assertCleanFailure(['decode', 'in.png', '-o', 'x.png'], 3, /'in\.png' is a PNG image, not an \.snf file/);
  assertCleanFailure(['decode', 'in.snf'], 3, /no such file/);
  assertCleanFailure(['frobnicate'], 2, /Unknown argument|command/);
  assertCleanFailure([], 2, /command/);
});

test('an existing output is kept without --force, and the input is never overwritten', () => {
  const out = path.join(dir, 'kept.snf');
  writeFileSync(out, 'precious');
  assertCleanFailure(['encode', 'in.png', '-o', 'kept.snf', '--steps', '1'], 4, /exists.*--force/);
  assert.equal(readFileSync(out, 'utf8'), 'precious');
  assertCleanFailure(['encode', 'in.png', '-o', 'in.png', '--force'], 4, /overwrite the input/);
  assertCleanFailure(['encode', 'in.png', '-o', 'nowhere/x.snf'], 4, /does not exist/);
  const forced = snfc(['encode', 'in.png', '-o', 'kept.snf', '--width', '4', '--steps', '1', '--force', '--quiet'], { cwd: dir });
  assert.equal(forced.status, 0, forced.stderr);
  assert.notEqual(readFileSync(out, 'utf8').slice(0, 8), 'precious');
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  assert.ok(existsSync(png));
});

test('options this image rules out are usage errors before any training', () => {
  assertCleanFailure(['encode', 'in.png', '--tiles', '40x2'], 2, /tiles 40x2 need an image of at least/);
  assertCleanFailure(['encode', 'in.png', '--tiles', '32x32', '--overlap', '2'], 2, /^snfc: overlap must be 0 for 32x32 tiles of this image \(tiles of a pixel or two a side have none to share\); got 2$/);
  assertCleanFailure(['encode', 'in.png', '--bits', '6'], 2, /--bits needs --width/);
  assertCleanFailure(['encode', 'in.png', '--width', '1024', '--depth', '17'], 2, /is \d+ parameters; a file holds at most 16777216/);
});

test('an image wider than an .snf holds is refused before any work, naming the file; the library says the same', async () => {
  const wide = path.join(dir, 'wide.png');
  await sharp({ create: { width: 65_537, height: 2, channels: 3, background: { r: 10, g: 200, b: 30 } } }).png().toFile(wide);
  assertCleanFailure(['encode', 'wide.png'], 3, /^snfc: 'wide\.png' is 65537x2 pixels; an \.snf holds images of at most 65536 pixels a side$/);
  assert.equal(existsSync(path.join(dir, 'wide.snf')), false);
  const image = { width: 2, height: 65_537, channels: 1 as const, data: new Uint8Array(2 * 65_537) };
  await assert.rejects(encodeImage(image, { bpp: 1 }), /^EncodeOptionsError: the image is 2x65537 pixels; a file holds images of at most 65536 pixels a side$/);
});

test('an image over 64 Mi pixels is refused from its header, with its size and the limit', () => {
  // A 1x1 PNG whose header claims 8193 x 8193 pixels: the check reads the header and never gets to the pixels.
  const bytes = Buffer.from(encodePng({ width: 1, height: 1, channels: 3, data: Uint8Array.of(1, 2, 3) }, false));
  bytes.writeUInt32BE(8193, 16);
  bytes.writeUInt32BE(8193, 20);
  bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)), 29); // IHDR's CRC covers its type and 13 bytes of data
  writeFileSync(path.join(dir, 'huge.png'), bytes);
  assertCleanFailure(['encode', 'huge.png'], 3, /^snfc: 'huge\.png' is 8193x8193 = 67125249 pixels; encode takes at most 67108864 \(64 Mi pixels\)$/);
});

test('decode --force overwrites an earlier decode, never the original next to the .snf', () => {
  const work = path.join(dir, 'force');
  mkdirSync(work);
  copyFileSync(png, path.join(work, 'photo.png'));
  assert.equal(snfc(['encode', 'photo.png', '--width', '6', '--steps', '3', '--quiet'], { cwd: work }).status, 0);
  for (let run = 0; run < 2; run++) assert.equal(snfc(['decode', 'photo.snf', '--force'], { cwd: work }).status, 0);
  assert.deepEqual(readFileSync(path.join(work, 'photo.png')), readFileSync(png));
  assert.deepEqual(readdirSync(work).sort(), ['photo.decoded.png', 'photo.png', 'photo.snf']);
});

test('a bad SNFC_THREADS or SNFC_KERNELS is a usage error before any work (it was an internal error, exit 1)', () => {
  assert.throws(() => checkEnvironment({ SNFC_THREADS: '0' }), /^CliError: SNFC_THREADS must be a whole number from 1 to 256; it is '0'$/);
  assert.throws(() => checkEnvironment({ SNFC_THREADS: '2.5' }), /SNFC_THREADS/);
  assert.throws(() => checkEnvironment({ SNFC_THREADS: '257' }), /SNFC_THREADS/);
  assert.throws(() => checkEnvironment({ SNFC_KERNELS: 'fast' }), /^CliError: SNFC_KERNELS must be one of auto, scalar, simd, relaxed; it is 'fast'$/);
  checkEnvironment({ SNFC_THREADS: '256', SNFC_KERNELS: 'scalar' });
  checkEnvironment({ SNFC_THREADS: '', SNFC_KERNELS: '' });
  const run = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'snfc.js'), 'encode', 'in.png', '-o', 'threads.snf'], {
    cwd: dir, env: { ...process.env, SNFC_THREADS: '0' }, encoding: 'utf8',
  });
  assert.equal(run.status, 2, run.stderr);
  assert.equal(run.stderr, "snfc: SNFC_THREADS must be a whole number from 1 to 256; it is '0'\n");
  assert.equal(existsSync(path.join(dir, 'threads.snf')), false);
});

test("--help states each numeric encode flag's range, the one its check enforces (encode and bench alike)", () => {
  const help = snfc(['encode', '--help']).stdout.replace(/\s+/g, ' ');
  for (const flag of ['width', 'depth', 'steps', 'seed'] as const) assert.match(help, new RegExp(`--${flag} [^[]*${FLAG_RANGES[flag][0]}–${FLAG_RANGES[flag][1]}`), flag);
  for (const flag of ['alpha', 'omega', 'lr'] as const) assert.match(help, new RegExp(`--${flag} [^[]*above 0 and at most ${FLAG_RANGES[flag][1]}`), flag);
  assertCleanFailure(['encode', 'in.png', '--width', String(FLAG_RANGES.width[1] + 1)], 2, new RegExp(`from 1 to ${FLAG_RANGES.width[1]} for --width`));
  assertCleanFailure(['bench', 'in.png', '--time', String(FLAG_RANGES.time[1] + 1)], 2, new RegExp(`at most ${FLAG_RANGES.time[1]} for --time`));
});

test('an audio file whose rate a WAV header cannot hold is refused before the decode, naming --rate (it was an internal error)', async () => {
  const { readSnf, writeSnf } = await import('../src/format/index.js');
  const { AUDIO_FIXTURE_SNF } = await import('./fuzz/seeds.js');
  const file = readSnf(new Uint8Array(readFileSync(AUDIO_FIXTURE_SNF)));
  // The spec lets a file's rate be any 32-bit number; 2^31 Hz × 2 bytes overflows the WAV's bytes a second.
  writeFileSync(path.join(dir, 'fast.snf'), writeSnf({ ...file, header: { ...(file.header as AudioHeader), sampleRate: 2 ** 31 } }));
  assertCleanFailure(['decode', 'fast.snf', '-o', 'fast.wav'], 2, /^snfc: the clip is at 2147483648 Hz, and a WAV file of 1 s16 channel\(s\) holds at most 2147483647 Hz: decode it with --rate$/);
  assert.equal(existsSync(path.join(dir, 'fast.wav')), false);
  const slower = snfc(['decode', 'fast.snf', '-o', 'slower.wav', '--rate', '8000'], { cwd: dir });
  assert.equal(slower.status, 0, slower.stderr);
});

test('info shows a header string with control characters escaped, on one line (a file may hold any string there)', async () => {
  const { readSnf, writeSnf } = await import('../src/format/index.js');
  const file = readSnf(new Uint8Array(readFileSync(path.join(FIXTURES, 'kodim-crop32.snf'))));
  writeFileSync(path.join(dir, 'ansi.snf'), writeSnf({ ...file, header: { ...file.header, train: { ...file.header.train!, engine: 'wasm\n\u001b[31mRED' } } }));
  const run = snfc(['info', 'ansi.snf'], { cwd: dir });
  assert.equal(run.status, 0, run.stderr);
  const training = run.stdout.split('\n').filter((line) => line.startsWith('training:'));
  assert.equal(training.length, 1);
  assert.match(training[0]!, /, wasm\\x0a\\x1b\[31mRED, /);
  assert.doesNotMatch(run.stdout, /\u001b/);
});
