import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { decodeField, decodeImage } from '../src/decoder/index.js';
import { encodeImage } from '../src/encoder/image/encode-image.js';
import { filterBytes, filterPrice, filterShapeFor, FINAL_FILTER_SHAPES } from '../src/encoder/image/filter-fit.js';
import { readSnf, writeSnf, type SnfFile } from '../src/format/index.js';
import { rasterFromField } from '../src/kernels/render.js';
import { psnr } from '../src/metrics/psnr.js';
import type { Raster } from '../src/raster.js';
import { ADAPTIVE_FIXTURE_SNF, AUDIO_FIXTURE_SNF, CLIPPED_FIXTURE_SNF, FINAL_FIXTURE_SNF, TILES_FIXTURE_SNF } from './fuzz/seeds.js';
import { FIXTURES, snfc, tempDir } from './helpers/cli.js';
import { codeOf, withHeader, type Json } from './helpers/snf-bytes.js';

async function rgbOf(file: string): Promise<Raster> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

/** `file` written again with `header` changes (its networks as they are). */
function rewritten(file: SnfFile, change: (header: Json) => void): Uint8Array {
  const header = { ...file.header } as Json;
  change(header);
  return writeSnf({ header: header as SnfFile['header'], networks: file.networks.map((n) => ({ region: [...n.region], arch: n.arch, tensors: n.tensors })), sharedContexts: true });
}

test('the committed format 4.10 fixture: the final filter brings the decode closer to the source; without it (a reader before x.10) it is the 4.8 file', async () => {
  const bytes = new Uint8Array(readFileSync(FINAL_FIXTURE_SNF));
  const file = readSnf(bytes);
  assert.ok(file.header.kind === 'image' && file.header.finalFilter !== undefined && file.header.residual !== undefined);
  const source = await rgbOf(path.join(FIXTURES, 'kodim-crop32.png'));
  const adaptive = await decodeImage(new Uint8Array(readFileSync(ADAPTIVE_FIXTURE_SNF)));
  const withFinal = await decodeImage(bytes);
  assert.ok(psnr(source, withFinal) > psnr(source, adaptive) + 0.05, `${psnr(source, adaptive)} -> ${psnr(source, withFinal)}`);
  assert.deepEqual(await decodeImage(rewritten(file, (h) => { delete h.finalFilter; })), adaptive);
  // The decoder's order (spec §4.8): the field, its filter, the residual, then the final filter, at any size.
  for (const scale of [1, 2]) {
    const field = scale === 1 ? await decodeField(bytes) : undefined;
    const decoded = await decodeImage(bytes, { scale });
    if (field) assert.deepEqual(decoded, rasterFromField(field, { x: 1, y: 1 }, file.header));
    assert.deepEqual([decoded.width, decoded.height], [32 * scale, 32 * scale]);
  }
});

test('the committed format 4.11 fixture: the final filter fitted with clipped taps decodes closer to the source than the 4.10 fixture\'s unclipped one; without `clipped` (a reader before x.11) it is the 4.8 file', async () => {
  const bytes = new Uint8Array(readFileSync(CLIPPED_FIXTURE_SNF));
  const file = readSnf(bytes);
  assert.ok(file.header.kind === 'image' && file.header.finalFilter?.clips !== undefined);
  assert.ok(file.header.finalFilter.clips.some((k) => k > 0), 'some taps clipped');
  const source = await rgbOf(path.join(FIXTURES, 'kodim-crop32.png'));
  const unclipped = await decodeImage(new Uint8Array(readFileSync(FINAL_FIXTURE_SNF)));
  const clipped = await decodeImage(bytes);
  assert.ok(psnr(source, clipped) > psnr(source, unclipped), `${psnr(source, unclipped)} -> ${psnr(source, clipped)}`);
  const adaptive = await decodeImage(new Uint8Array(readFileSync(ADAPTIVE_FIXTURE_SNF)));
  assert.deepEqual(await decodeImage(rewritten(file, (h) => { delete h.finalFilter; })), adaptive);
  const info = snfc(['info', CLIPPED_FIXTURE_SNF]);
  assert.match(info.stdout, /format: +snf 4\.11/);
  assert.match(info.stdout, /final: +restoration after the residual, 2 classes × 5 directions, taps within 2 px, clipped\n/);
});

test('the reader refuses a clipped final filter the spec forbids (spec §3.13), and the writer refuses clips anywhere but there', () => {
  const tiles = readSnf(new Uint8Array(readFileSync(TILES_FIXTURE_SNF)));
  const finalFilter = { radius: 2, cross: 0, shift: 7, thresholds: Float32Array.from([0.1]), coefficients: new Int8Array(2 * 3 * 6), clips: new Uint8Array(2 * 6).fill(3) };
  const bytes = writeSnf({ header: { ...tiles.header, finalFilter } as SnfFile['header'], networks: tiles.networks.map((n) => ({ region: [...n.region], arch: n.arch, tensors: n.tensors })) });
  assert.deepEqual([bytes[8], bytes[9]], [2, 11]);
  assert.equal(codeOf(() => readSnf(bytes)), 'none');
  const cases: [string, (h: Json) => void][] = [
    ['no k', (h) => { delete h.clipped.k; }],
    ['k of another length', (h) => { h.clipped.k = new Uint8Array(3); }],
    ['k not binary', (h) => { h.clipped.k = 1; }],
    ['a bound index of 4', (h) => { h.clipped.k = Uint8Array.from(h.clipped.k as Uint8Array, (_, i) => (i === 5 ? 4 : 0)); }],
    ['final beside clipped', (h) => { h.final = h.clipped; }],
    ['c of another length', (h) => { h.clipped.c = new Uint8Array(5); }],
  ];
  for (const [name, mutate] of cases) assert.equal(codeOf(() => readSnf(withHeader(bytes, mutate))), 'BAD_HEADER', name);
  assert.throws(() => readSnf(withHeader(bytes, (h) => { h.clipped.k = new Uint8Array(3); })), /clipped\.k/);
  const audio = new Uint8Array(readFileSync(AUDIO_FIXTURE_SNF));
  assert.equal(codeOf(() => readSnf(withHeader(audio, (h) => { h.clipped = { r: 1, x: 0, s: 0, t: new Uint8Array(0), c: new Uint8Array(1), k: new Uint8Array(2) }; }))), 'BAD_HEADER');
  // The fixture written again from what was read: the same bytes; clips on the first filter have no key to go under.
  const fixture = new Uint8Array(readFileSync(CLIPPED_FIXTURE_SNF));
  const file = readSnf(fixture);
  const header = file.header;
  assert.ok(header.kind === 'image' && header.finalFilter !== undefined);
  const networks = file.networks.map((n) => ({ region: [...n.region], arch: n.arch, tensors: n.tensors }));
  assert.deepEqual(writeSnf({ header, networks, sharedContexts: true }), fixture);
  assert.throws(() => writeSnf({ header: { ...header, filter: header.finalFilter }, networks }), /clipped taps are a final filter's/);
});

test('the reader refuses a final filter the spec forbids (spec §3.12: a filter map of §3.10), naming the key, and in an audio header', () => {
  const tiles = readSnf(new Uint8Array(readFileSync(TILES_FIXTURE_SNF)));
  const finalFilter = { radius: 2, cross: 0, shift: 7, thresholds: Float32Array.from([0.1]), coefficients: new Int8Array(2 * 3 * 6) };
  const bytes = writeSnf({ header: { ...tiles.header, finalFilter } as SnfFile['header'], networks: tiles.networks.map((n) => ({ region: [...n.region], arch: n.arch, tensors: n.tensors })) });
  assert.deepEqual([bytes[8], bytes[9]], [2, 10]);
  assert.equal(codeOf(() => readSnf(bytes)), 'none');
  const cases: [string, (h: Json) => void][] = [
    ['r 0', (h) => { h.final.r = 0; }],
    ['x above r', (h) => { h.final.x = 3; }],
    ['c of another length', (h) => { h.final.c = new Uint8Array(5); }],
    ['e without d', (h) => { h.final.e = new Uint8Array(4); }],
    ['d 3', (h) => { h.final.d = 3; }],
    ['final not a map', (h) => { h.final = 1; }],
  ];
  for (const [name, mutate] of cases) assert.equal(codeOf(() => readSnf(withHeader(bytes, mutate))), 'BAD_HEADER', name);
  assert.throws(() => readSnf(withHeader(bytes, (h) => { h.final.c = new Uint8Array(5); })), /final\.c/);
  const audio = new Uint8Array(readFileSync(AUDIO_FIXTURE_SNF));
  assert.equal(codeOf(() => readSnf(withHeader(audio, (h) => { h.final = { r: 1, x: 0, s: 0, t: new Uint8Array(0), c: new Uint8Array(1) }; }))), 'BAD_HEADER');
  const networks = tiles.networks.map((n) => ({ region: [...n.region], arch: n.arch, tensors: n.tensors }));
  assert.throws(() => writeSnf({ header: { ...tiles.header, finalFilter: { ...finalFilter, coefficients: new Int8Array(3) } } as SnfFile['header'], networks }), /the header's final/);
});

test('the final filter\'s shape follows the file\'s size: 4 × 5 clipped classes from about 17 KB, fewer below, none in a file too small to pay for one', () => {
  const clipped = FINAL_FILTER_SHAPES[0]!;
  // The 120 bound indices (4 × 5 sets × 6 taps) are priced at 2 bits each, not the byte each the map spends on them.
  const twin = filterBytes({ ...clipped, clipped: false }, 3);
  assert.equal(filterBytes(clipped, 3) - twin > 120, true);
  assert.equal(filterPrice(clipped, 3), twin + 30);
  assert.equal(filterPrice(FINAL_FILTER_SHAPES[1]!, 3), filterBytes(FINAL_FILTER_SHAPES[1]!, 3));
  const largest = filterPrice(clipped, 3);
  assert.deepEqual(filterShapeFor(24_576, 3, FINAL_FILTER_SHAPES), clipped);
  assert.deepEqual(filterShapeFor(17_500, 3, FINAL_FILTER_SHAPES), clipped);
  assert.deepEqual(filterShapeFor(largest / 0.025 - 1, 3, FINAL_FILTER_SHAPES), FINAL_FILTER_SHAPES[1]);
  assert.equal(filterShapeFor(filterBytes(FINAL_FILTER_SHAPES[2]!, 3) / 0.025 - 1, 3, FINAL_FILTER_SHAPES), undefined);
});

test('encode at a target rate: the final filter is fitted after the residual, raises the PSNR, is paid from the residual\'s bytes, and the decode is what the encoder measured', async () => {
  const image = await rgbOf(path.join(FIXTURES, 'kodim-crop96.png'));
  const options = { bpp: 3, steps: 40, residual: 0.3, tune: 'psnr' } as const;
  const result = await encodeImage(image, options);
  assert.ok(result.finalFilterClasses > 0, 'a final filter');
  assert.deepEqual([result.bytes[8], result.bytes[9]], [5, 10]);
  assert.ok(result.psnr > result.residualPsnr && result.residualPsnr > result.networkPsnr, `${result.networkPsnr} -> ${result.residualPsnr} -> ${result.psnr}`);
  assert.ok(result.bytes.length * 8 <= 3 * 96 * 96, `${result.bytes.length} bytes`);
  assert.equal(psnr(image, await decodeImage(result.bytes)), result.psnr);
  // --filter off leaves out both filters.
  const off = await encodeImage(image, { ...options, filter: 'off' });
  assert.equal(off.finalFilterClasses, 0);
  const offHeader = readSnf(off.bytes).header;
  assert.ok(offHeader.kind === 'image' && offHeader.finalFilter === undefined && offHeader.filter === undefined);
});

test('snfc info names the final filter, and encode\'s summary line and --json say what it brought', () => {
  const dir = tempDir();
  const out = path.join(dir, 'crop.snf');
  const args = ['encode', path.join(FIXTURES, 'kodim-crop96.png'), '-o', out, '--bpp', '3', '--steps', '40', '--residual', '0.3', '--tune', 'psnr'];
  const line = snfc(args);
  assert.equal(line.status, 0, line.stderr);
  assert.match(line.stderr, /, residual \d+ bytes \+\d+\.\d\d dB, final filter \+\d+\.\d\d dB,/);
  const report = JSON.parse(snfc([...args, '--json', '--force']).stdout) as { psnr: number; residualPsnr: number; finalFilterClasses: number };
  assert.ok(report.finalFilterClasses > 0 && report.psnr > report.residualPsnr, JSON.stringify(report));
  const info = snfc(['info', FINAL_FIXTURE_SNF]);
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stdout, /format: +snf 4\.10/);
  assert.match(info.stdout, /final: +restoration after the residual, 2 classes × 5 directions, taps within 2 px\n/);
  const json = snfc(['info', FINAL_FIXTURE_SNF, '--json']);
  assert.deepEqual(JSON.parse(json.stdout).finalFilter, { radius: 2, cross: 0, classes: 2, directions: 5 });
});
