import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { runBench, type BenchEntry } from '../src/rate-distortion/run-bench.js';
import { formatPsnr, meanSquaredError, psnr, PSNR_REPORT_CAP, regionMeanSquaredError, reportPsnr } from '../src/metrics/psnr.js';
import type { Raster } from '../src/raster.js';
import { snfc, tempDir } from './helpers/cli.js';

test('an exact decode is reported as a finite PSNR with lossless true, never as null', () => {
  const same = { width: 2, height: 1, channels: 1 as const, data: new Uint8Array([3, 250]) };
  assert.equal(psnr(same, same), Infinity);
  assert.deepEqual(reportPsnr(Infinity), { psnr: PSNR_REPORT_CAP, lossless: true });
  assert.deepEqual(JSON.parse(JSON.stringify(reportPsnr(Infinity))), { psnr: 100, lossless: true });
  assert.deepEqual(reportPsnr(31.5), { psnr: 31.5, lossless: false });
  // A lossy result above the cap keeps lossless false, so the two never read alike.
  assert.deepEqual(reportPsnr(120), { psnr: 100, lossless: false });
  assert.throws(() => reportPsnr(NaN), RangeError);
  assert.equal(formatPsnr(Infinity), 'lossless');
  assert.equal(formatPsnr(31.256), '31.26 dB');
});

test('encode --json, info --json and info text report a fit that decodes exactly as lossless', async () => {
  const dir = tempDir();
  const input = path.join(dir, 'flat.png');
  // A flat mid-gray image: with fixed bits it is coded by the network's output bias alone (fit-networks.ts), exactly.
  await sharp(Buffer.alloc(16 * 16, 128), { raw: { width: 16, height: 16, channels: 1 } }).png().toFile(input);
  const encoded = snfc(['encode', input, '--width', '8', '--steps', '400', '--weight-decay', '0', '--metadata', '--json']);
  assert.equal(encoded.status, 0, encoded.stderr);
  const report = JSON.parse(encoded.stdout);
  assert.equal(report.psnr, PSNR_REPORT_CAP);
  assert.equal(report.lossless, true);
  const info = JSON.parse(snfc(['info', path.join(dir, 'flat.snf'), '--json']).stdout);
  assert.equal(info.train.psnr, PSNR_REPORT_CAP);
  assert.equal(info.train.lossless, true);
  assert.match(snfc(['info', path.join(dir, 'flat.snf')]).stdout, /lossless at encode/);
  const text = snfc(['encode', input, '--width', '8', '--steps', '400', '--weight-decay', '0', '-o', path.join(dir, 'text.snf')]);
  assert.match(text.stderr, /bpp, lossless \(wasm, width 8/);
  // A lossy fit says so: a gradient, fitted for 5 passes.
  const gradient = path.join(dir, 'gradient.png');
  await sharp(Buffer.from(Array.from({ length: 16 * 16 }, (_, i) => 8 * (i % 16) + 4 * Math.floor(i / 16))), { raw: { width: 16, height: 16, channels: 1 } }).png().toFile(gradient);
  const lossy = JSON.parse(snfc(['encode', gradient, '--width', '8', '--steps', '5', '--json', '-o', path.join(dir, 'lossy.snf')]).stdout);
  assert.equal(lossy.lossless, false);
  assert.ok(lossy.psnr < PSNR_REPORT_CAP);
});

test('the bench stores an exact decode as the cap with lossless, in results.json, results.csv and summary.md', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'snfc-lossless-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const images = path.join(dir, 'images');
  await fs.mkdir(images);
  // Uniform mid-gray survives JPEG's colour conversion and DCT exactly.
  await sharp(Buffer.alloc(16 * 16 * 3, 128), { raw: { width: 16, height: 16, channels: 3 } }).png().toFile(path.join(images, 'gray.png'));
  const out = path.join(dir, 'out');
  await runBench({ inputs: [images], codecs: ['jpeg'], bpps: [1], qualities: [90], outDir: out, snf: { engine: 'ref' }, anchorsPath: null, commandLine: 'test' });
  const entries = (JSON.parse(await fs.readFile(path.join(out, 'results.json'), 'utf8')) as { entries: BenchEntry[] }).entries;
  assert.equal(entries.length, 1);
  assert.equal(entries[0]!.psnr, PSNR_REPORT_CAP);
  assert.equal(entries[0]!.lossless, true);
  const csv = (await fs.readFile(path.join(out, 'results.csv'), 'utf8')).trim().split('\n');
  assert.equal(csv[0]!.split(',').at(-1), 'lossless');
  assert.equal(csv[1]!.split(',').at(-1), '1');
  assert.equal(csv[1]!.split(',')[9], '100.0000');
  assert.match(await fs.readFile(path.join(out, 'summary.md'), 'utf8'), /exact decode counts as 100 dB[^\n]*1 entry was lossless/);
});

test('regionMeanSquaredError: the error of one region only; over the whole image it is meanSquaredError', () => {
  const a: Raster = { width: 3, height: 2, channels: 1, data: Uint8Array.from([0, 0, 0, 0, 0, 0]) };
  const b: Raster = { width: 3, height: 2, channels: 1, data: Uint8Array.from([0, 2, 0, 0, 0, 4]) };
  assert.equal(regionMeanSquaredError(a, b, [1, 0, 2, 1]), 4);
  assert.equal(regionMeanSquaredError(a, b, [0, 1, 2, 2]), 0);
  assert.equal(regionMeanSquaredError(a, b, [1, 0, 3, 2]), (4 + 16) / 4);
  assert.equal(regionMeanSquaredError(a, b, [0, 0, 3, 2]), meanSquaredError(a, b));
});
