import assert from 'node:assert/strict';
import { encodePng } from '../src/io/png.js';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { psnr } from '../src/metrics/psnr.js';
import type { Raster } from '../src/raster.js';
import { FIXTURES, snfc, tempDir } from './helpers/cli.js';

async function loadImage(file: string): Promise<Raster> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels as Raster['channels'], data: new Uint8Array(data) };
}

const dir = tempDir();
const input = path.join(dir, 'crop.png');
copyFileSync(path.join(FIXTURES, 'kodim-crop32.png'), input);
const original = await loadImage(input);

test('encode --json reports the PSNR that decode gives back', async () => {
  const encoded = snfc(['encode', input, '--width', '16', '--steps', '80', '--json']);
  assert.equal(encoded.status, 0, encoded.stderr);
  const report = JSON.parse(encoded.stdout);
  assert.equal(report.output, path.join(dir, 'crop.snf'));
  assert.equal(report.bytes, readFileSync(report.output).length);
  assert.equal(report.bpp, (report.bytes * 8) / (32 * 32));
  for (const key of ['input', 'output', 'bytes', 'bpp', 'psnr', 'steps', 'seconds', 'params', 'width', 'depth', 'fourier', 'bits', 'alpha', 'engine']) {
    assert.ok(key in report, `--json lacks ${key}`);
  }
  const decodedPath = path.join(dir, 'decoded.png');
  const decoded = snfc(['decode', report.output, '-o', decodedPath]);
  assert.equal(decoded.status, 0, decoded.stderr);
  const measured = psnr(original, await loadImage(decodedPath));
  assert.ok(Math.abs(measured - report.psnr) <= 0.05, `decode gives ${measured} dB, encode reported ${report.psnr}`);
  assert.ok(report.psnr > 18, `a 16-wide field after 80 steps should beat a flat image, got ${report.psnr}`);
  assert.equal(report.fourier, 2, 'a 32x32 image gets 2 Fourier levels by default');
});

test('decode renders at any size: --scale 2 doubles, --size gives exactly that, --scale 0.5 halves', async () => {
  const snf = path.join(dir, 'crop.snf');
  for (const [flags, width, height] of [[['--scale', '2'], 64, 64], [['--size', '100x37'], 100, 37], [['--scale', '0.5'], 16, 16]] as const) {
    const out = path.join(dir, `sized-${width}x${height}.png`);
    const run = snfc(['decode', snf, ...flags, '-o', out]);
    assert.equal(run.status, 0, run.stderr);
    const meta = await sharp(out).metadata();
    assert.deepEqual([meta.width, meta.height], [width, height]);
  }
  // Upsampling samples the same field: shrinking the 2x render back is close to the 1x render.
  const big = await sharp(path.join(dir, 'sized-64x64.png')).resize(32, 32, { kernel: 'cubic' }).raw().toBuffer();
  const small = await loadImage(path.join(dir, 'decoded.png'));
  assert.ok(psnr(small, { ...small, data: new Uint8Array(big) }) > 25);
});

test('encoding twice gives identical bytes; another seed gives other bytes', () => {
  const a = path.join(dir, 'a.snf');
  const b = path.join(dir, 'b.snf');
  const c = path.join(dir, 'c.snf');
  for (const [out, seed] of [[a, '3'], [b, '3'], [c, '4']] as const) {
    const run = snfc(['encode', input, '-o', out, '--width', '12', '--steps', '30', '--seed', seed, '--quiet']);
    assert.equal(run.status, 0, run.stderr);
  }
  assert.deepEqual(readFileSync(a), readFileSync(b));
  assert.notDeepEqual(readFileSync(a), readFileSync(c));
});

test('--weight-decay reaches the fit and the report; images default to 0.05', () => {
  const encode = (out: string, ...flags: string[]): { weightDecay: number } => {
    const run = snfc(['encode', input, '-o', path.join(dir, out), '--width', '12', '--steps', '30', ...flags, '--json']);
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout);
  };
  assert.equal(encode('wd-default.snf').weightDecay, 0.05);
  assert.equal(encode('wd-0.05.snf', '--weight-decay', '0.05').weightDecay, 0.05);
  assert.equal(encode('wd-0.snf', '--weight-decay', '0').weightDecay, 0);
  const bytes = (out: string): Buffer => readFileSync(path.join(dir, out));
  assert.deepEqual(bytes('wd-0.05.snf'), bytes('wd-default.snf'));
  assert.notDeepEqual(bytes('wd-0.snf'), bytes('wd-default.snf'));
});

test('--restarts reaches the fit and the report, and out of range it is one line and exit 2', () => {
  const run = snfc(['encode', input, '-o', path.join(dir, 'restarts.snf'), '--width', '12', '--steps', '20', '--restarts', '2', '--json']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).restarts, 2);
  const summary = snfc(['encode', input, '-o', path.join(dir, 'restarts-line.snf'), '--width', '12', '--steps', '20', '--restarts', '2']);
  assert.match(summary.stderr, /20\+\d+ steps, best of 2 fits/);
  const bad = snfc(['encode', input, '-o', path.join(dir, 'restarts-bad.snf'), '--restarts', '0']);
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, "snfc: Expected a number from 1 to 16 for --restarts but received '0'\n");
});

test('a 96x96 Kodak crop at --bpp 2 --steps 300 reaches 28 dB in at most 2.2 bpp', () => {
  const out = path.join(dir, 'crop96.snf');
  const run = snfc(['encode', path.join(FIXTURES, 'kodim-crop96.png'), '-o', out, '--bpp', '2', '--steps', '300', '--json']);
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  assert.ok(report.psnr >= 28, `PSNR ${report.psnr}`);
  assert.ok(report.bpp <= 2.2, `bpp ${report.bpp}`);
});

test('info reports the signal and the coded size against fp16', () => {
  const run = snfc(['info', path.join(dir, 'crop.snf'), '--json']);
  assert.equal(run.status, 0, run.stderr);
  const info = JSON.parse(run.stdout);
  assert.equal(info.kind, 'image');
  assert.equal(info.bytes, readFileSync(path.join(dir, 'crop.snf')).length);
  assert.equal(info.fp16Bytes, info.params * 2);
  assert.ok(info.ratioToFp16 < 1, 'coded file should be smaller than raw fp16 weights');
  const text = snfc(['info', path.join(dir, 'crop.snf')]);
  assert.match(text.stdout, /image 32x32 rgb/);
  // The encoder writes compact tensor tables (spec §3.4), minor version 3, shares contexts across the networks'
  // streams and deflates the header (major 4, spec §2.2, §6.8); the frozen 1.0 fixture says what it is too.
  assert.equal(info.format, '4.3');
  assert.ok(info.headerMapBytes > info.headerBytes - 24, `the map (${info.headerMapBytes} bytes) is longer than the header as stored`);
  assert.match(text.stdout, new RegExp(`^format: +snf 4\\.3 \\(header deflated from ${info.headerMapBytes} bytes; streams with shared contexts\\)$`, 'm'));
  assert.equal(JSON.parse(snfc(['info', path.join(FIXTURES, 'kodim-crop32.snf'), '--json']).stdout).format, '1.0');
});

test('training metadata is left out unless --metadata asks for it, and costs only header bytes', () => {
  const work = tempDir();
  const plain = path.join(work, 'plain.snf');
  const kept = path.join(work, 'kept.snf');
  for (const [out, extra] of [[plain, []], [kept, ['--metadata']]] as const) {
    assert.equal(snfc(['encode', path.join(FIXTURES, 'kodim-crop32.png'), '-o', out, '--width', '8', '--steps', '5', '--quiet', ...extra]).status, 0);
  }
  const [a, b] = [plain, kept].map((file) => JSON.parse(snfc(['info', file, '--json']).stdout));
  assert.equal(a.train, undefined);
  assert.equal(b.train.steps, 5);
  assert.equal(b.train.init, 'ws');
  assert.equal(a.payloadBytes, b.payloadBytes);
  assert.ok(b.bytes - a.bytes >= 50, `metadata took ${b.bytes - a.bytes} bytes`);
  assert.match(snfc(['info', plain]).stdout, /training: +not recorded/);
  assert.match(snfc(['info', kept]).stdout, /training: +5 steps, α=/);
  // On mini-batches, steps counts Adam steps (passes × batches) and batch the pixels of each.
  const batched = path.join(work, 'batched.snf');
  assert.equal(snfc(['encode', path.join(FIXTURES, 'kodim-crop32.png'), '-o', batched, '--width', '8', '--steps', '5', '--batch', '256', '--metadata', '--quiet']).status, 0);
  assert.deepEqual(JSON.parse(snfc(['info', batched, '--json']).stdout).train.batch, 256);
  assert.match(snfc(['info', batched]).stdout, /training: +20 steps of 256 points, α=/);
});

test('a rate the image cannot reach, or one that starves its network, gives a one-line warning, even with --json; a sufficient one none', () => {
  const work = tempDir();
  const crop = path.join(FIXTURES, 'kodim-crop32.png');
  // 0.75 bpp of 32×32 pixels is 96 bytes, less than the header and the smallest network at its coarsest (about
  // 130 bytes: under twice the rate, which the warning gives as a percentage; the 1×1 image below gets "times").
  const missed = snfc(['encode', crop, '-o', path.join(work, 'a.snf'), '--steps', '5', '--bpp', '0.75', '--json']);
  assert.equal(missed.status, 0);
  assert.equal(JSON.parse(missed.stdout).rateHit, false);
  assert.equal(JSON.parse(missed.stdout).kind, 'image'); // as an audio encode's report says 'audio'
  assert.match(missed.stderr, /^snfc: warning: the file is \d\.\d+ bpp, \d+ % above the 0\.75 bpp asked: even coarsely quantized it needs more at this image size; ask for a higher --bpp\n$/);
  // A 1×1 image's header alone is hundreds of bpp: no --bpp reaches it, its decode is exact (one colour), and the
  // warning says so rather than ask for a higher --bpp (it did until session 70).
  const dot = path.join(work, 'dot.png');
  writeFileSync(dot, encodePng({ width: 1, height: 1, channels: 3, data: Uint8Array.of(200, 10, 30) }, false));
  const tiny = snfc(['encode', dot, '-o', path.join(work, 'dot.snf'), '--steps', '2', '--bpp', '64', '--json']);
  assert.equal(tiny.status, 0, tiny.stderr);
  // An .snf named as an image is written, with a word.
  const misnamed = snfc(['encode', crop, '-o', path.join(work, 'looks-like.png'), '--steps', '2', '--bpp', '8']);
  assert.equal(misnamed.status, 0, misnamed.stderr);
  assert.match(misnamed.stderr, /^snfc: warning: '(.*)looks-like\.png' will hold an \.snf file, not the PNG its name says \(use -o \1looks-like\.snf\)$/m);
  assert.match(tiny.stderr, /^snfc: warning: the file is \d+\.\d+ bpp, \d+\.\d times the 64 bpp asked: it is the smallest the encoder makes of this input, and its decode is exact \(lossless\)\n$/);
  // 1 bpp is reached, but by a network whose weights all round to zero: the file is its header.
  const starved = snfc(['encode', crop, '-o', path.join(work, 's.snf'), '--steps', '5', '--bpp', '1', '--json']);
  assert.equal(starved.status, 0);
  const report = JSON.parse(starved.stdout);
  assert.equal(report.rateHit, true);
  assert.ok(report.bitsPerParam < 3, `${report.bitsPerParam} bits per weight`);
  const suggested = /^snfc: warning: at 1 bpp this image leaves its network \d\.\d bits per weight after \d+ bytes of header, too few to hold it \(\d+\.\d\d dB\); ask for --bpp (\d+(?:\.\d)?) or more\n$/.exec(starved.stderr);
  assert.ok(suggested, starved.stderr);
  // The rate it suggests gives the network enough bits: no warning, and a file far above the starved one (there the
  // residual alone may decode better still, and the file's networks hold the mean: a notice says so).
  const enough = snfc(['encode', crop, '-o', path.join(work, 'e.snf'), '--steps', '5', '--bpp', suggested[1]!, '--json']);
  assert.doesNotMatch(enough.stderr, /warning/);
  const enoughReport = JSON.parse(enough.stdout);
  assert.equal(enoughReport.rateHit, true);
  assert.ok(enoughReport.psnr > report.psnr + 10, `${report.psnr} -> ${enoughReport.psnr} dB`);
  // 4 bpp: the network's quarter is still under its header, but the residual's three quarters hold the image: a
  // notice that says so (none with --quiet), not the warning.
  const held = snfc(['encode', crop, '-o', path.join(work, 'h.snf'), '--steps', '5', '--bpp', '4', '--json']);
  assert.equal(held.status, 0);
  const heldReport = JSON.parse(held.stdout);
  assert.ok(heldReport.bitsPerParam < 3 && heldReport.psnr >= heldReport.networkPsnr + 3, held.stdout);
  assert.match(held.stderr, /^snfc: notice: at 4 bpp the DCT residual holds this image \(\d+\.\d\d dB, \d+\.\d\d dB from the network alone\): its network gets \d\.\d bits per weight, too few to add much; from --bpp \d+(\.\d)? it gets enough\n$/);
  assert.equal(snfc(['encode', crop, '-o', path.join(work, 'h.snf'), '--steps', '5', '--bpp', '4', '--quiet', '--force']).stderr, '');
  // 8 bpp: the residual takes three quarters of a busy image's file from 2 bpp, and the network's quarter holds it.
  const hit = snfc(['encode', crop, '-o', path.join(work, 'b.snf'), '--steps', '5', '--bpp', '8', '--quiet']);
  assert.equal(hit.status, 0);
  assert.equal(hit.stderr, '');
  // 5 bpp with the default passes: the fitted network (about 2 bits a weight) decodes worse with the residual than the
  // mean does, so the file's network holds the mean: a notice, none with --quiet, and --json gives the fitted PSNR.
  const mean = snfc(['encode', crop, '-o', path.join(work, 'm.snf'), '--bpp', '5', '--json']);
  assert.equal(mean.status, 0, mean.stderr);
  const meanReport = JSON.parse(mean.stdout);
  assert.ok(meanReport.meanNetworks.fittedPsnr + 3 < meanReport.psnr, mean.stdout);
  assert.match(mean.stderr, /^snfc: notice: at 5 bpp the DCT residual alone decodes this image better, as --tune balanced ranks decodes \(\d+\.\d\d dB; with fitted networks \d+\.\d\d dB\): the file's networks hold the image's mean\n$/);
  // The summary line says what the file's networks hold.
  assert.match(snfc(['encode', crop, '-o', path.join(work, 'm.snf'), '--bpp', '5', '--force']).stderr, /^[^\n]*m\.snf: \d+ bytes, .*\(\w+, networks holding the image's mean \(fitted: width \d+, depth \d, Fourier \d\), 1x1 tiles, residual /);
  assert.equal(snfc(['encode', crop, '-o', path.join(work, 'm.snf'), '--bpp', '5', '--quiet', '--force']).stderr, '');
});

test('decode next to the original picks a name that keeps the original', async () => {
  const work = tempDir();
  const photo = path.join(work, 'photo.png');
  copyFileSync(path.join(FIXTURES, 'kodim-crop32.png'), photo);
  assert.equal(snfc(['encode', photo, '--width', '8', '--steps', '5', '--quiet']).status, 0);
  const run = snfc(['decode', path.join(work, 'photo.snf'), '--scale', '2']);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(readFileSync(photo), readFileSync(path.join(FIXTURES, 'kodim-crop32.png')));
  const meta = await sharp(path.join(work, 'photo.decoded.png')).metadata();
  assert.deepEqual([meta.width, meta.height], [64, 64]);
  assert.match(run.stderr, /photo\.decoded\.png: 64x64/);
});

test('a flat image decodes losslessly in its smallest exact file: the summary line says so rather than print a NaN gain, and a notice says why the file is below the rate', () => {
  const work = tempDir();
  const flat = path.join(work, 'flat.png');
  writeFileSync(flat, encodePng({ width: 64, height: 64, channels: 3, data: new Uint8Array(64 * 64 * 3).map((_, i) => [30, 120, 200][i % 3]!) }, false));
  const run = snfc(['encode', flat, '-o', path.join(work, 'flat.snf'), '--bpp', '1', '--steps', '50']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /flat\.snf: \d+ bytes, [\d.]+ bpp, lossless \(/);
  assert.doesNotMatch(run.stderr, /NaN|Infinity/);
  // Not the warning of a missed rate ("try another --width"): nothing is missing from the file.
  assert.match(run.stderr, /^snfc: notice: the decode is exact \(lossless\) at 0\.\d{3} bpp; the 1 bpp asked would add nothing$/m);
  assert.doesNotMatch(run.stderr, /warning/);
  const quiet = snfc(['encode', flat, '-o', path.join(work, 'quiet.snf'), '--bpp', '1', '--steps', '50', '--quiet']);
  assert.equal(quiet.stderr, '');
});
