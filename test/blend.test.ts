/**
 * Overlapping networks blended at their seams (spec §3.5, format 2.1): the
 * weights, the header rules, the test vector of Appendix A.5, and the
 * encoder's --overlap end to end.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { blendWeight } from '../src/kernels/blend.js';
import {
  extendRegion, gridRegions, inspectSnf, maxOverlap, readSnf, SnfFormatError, writeSnf, type ImageHeader, type SnfHeader,
} from '../src/format/index.js';
import { decodeImage } from '../src/decoder/index.js';
import { encodeImage, EncodeOptionsError } from '../src/encoder/image/encode-image.js';
import { engineByName } from '../src/encoder/network/engines.js';
import { psnr } from '../src/metrics/psnr.js';
import { appendixArch, appendixTensors, grayHeader } from './helpers/appendix.js';
import { codeOf, withHeader } from './helpers/snf-bytes.js';
import { FIXTURES, snfc, tempDir } from './helpers/cli.js';

const arch = appendixArch;
const tensors = appendixTensors;
const gray = (width: number, height: number, overlap?: number[]): SnfHeader => ({ ...(grayHeader(width, overlap) as ImageHeader), height });

/** A blended gray image of the cells of `grid` ([columns, rows], or with cuts, spec §3.5); every network is the one of Appendix A.2. */
function blendedImage(width: number, height: number, grid: number[], overlap: number[]): Uint8Array {
  return writeSnf({
    header: gray(width, height, overlap),
    networks: gridRegions([width, height], grid).map((region) => ({ region, arch, tensors: tensors([3, -2], 1, -100) })),
  });
}

test('blend weights: a partition of unity, each network non-zero only inside its frame', () => {
  // Equal cells, and cells of a grid with cuts (spec §3.5, x.9): [20, 3, 5, 12] has cells of 5, 7 and 8.
  for (const grid of [[20, 3], [7, 2], [100, 7], [9, 1], [16, 4], [20, 3, 5, 12], [9, 2, 2]] as const) {
    const [size] = grid;
    const cells = grid.slice(1);
    const most = maxOverlap([size], cells)[0]!;
    const regions = gridRegions([size], cells);
    for (let overlap = 0; overlap <= most; overlap++) {
      const frames = regions.map((cell) => extendRegion(cell, [size], [overlap]));
      for (let u = 0.05; u < size; u += 0.1) {
        let sum = 0;
        regions.forEach(([lo, hi], n) => {
          const w = blendWeight(u, lo!, hi!, size, overlap);
          assert.ok(w >= 0 && w <= 1);
          if (w > 0) assert.ok(u >= frames[n]![0]! && u <= frames[n]![1]!, `u ${u} outside the frame of network ${n}`);
          sum += w;
        });
        assert.ok(Math.abs(sum - 1) < 1e-12, `size ${size}, ${cells} cells, overlap ${overlap}: weights sum to ${sum} at ${u}`);
      }
    }
  }
  // The ramp is smooth: no jump anywhere across an edge (the step between neighbouring points stays small).
  let previous = blendWeight(0, 10, 20, 30, 4);
  for (let u = 0.01; u < 30; u += 0.01) {
    const w = blendWeight(u, 10, 20, 30, 4);
    assert.ok(Math.abs(w - previous) < 0.01, `jump at ${u}`);
    previous = w;
  }
});

test('spec appendix A.5: blended networks, version 2.1', async () => {
  const expected = Buffer.from(`89534e460d0a1a0a020100009e000000 88a46b696e64a5696d616765a5776964
    746804a668656967687401a66c61796f 7574a467726179a46172636883a57769
    64746801a5646570746801a56f6d6567 611ea467726964920201a5626c656e64
    81a76f7665726c6170920100a86e6574 776f726b739282a174c414040000003f
    040000803e080000003c020000803fa1 620482a174c414040000003f04000080
    3e080000003c020000803fa162030700 0000af017d0c936210d20c51d0`.replace(/\s+/g, ''), 'hex');
  const bytes = writeSnf({
    tensorTables: 'float32',
    header: gray(4, 1, [1, 0]),
    networks: [{ region: [0, 0, 2, 1], arch, tensors: tensors([3, -2], 1, -100) }, { region: [2, 0, 4, 1], arch, tensors: tensors([1, 1], -1, 64) }],
  });
  assert.deepEqual(Buffer.from(bytes), expected);
  assert.deepEqual([bytes[8], bytes[9]], [2, 1]);
  const file = readSnf(bytes);
  assert.deepEqual(file.header.blend, { overlap: [1, 0] });
  assert.deepEqual(file.networks.map((n) => [[...n.region], [...n.frame]]), [[[0, 0, 2, 1], [0, 0, 3, 1]], [[2, 0, 4, 1], [1, 0, 4, 1]]]);
  assert.deepEqual([...(await decodeImage(bytes)).data], [79, 57, 79, 166]);
});

test('blend header rules: grid only, one overlap per axis, at most half the smallest cell, version 2 only', () => {
  const good = blendedImage(8, 6, [2, 2], [2, 1]);
  readSnf(good);
  // With cuts the cells are the cuts' (x: 3 and 5 pixels), and so is the most overlap: 1 on x.
  const cut = blendedImage(8, 6, [2, 2, 3, 3], [1, 1]);
  assert.deepEqual(readSnf(cut).networks.map((n) => [...n.frame]), [[0, 0, 4, 4], [2, 0, 8, 4], [0, 2, 4, 6], [2, 2, 8, 6]]);
  assert.equal(codeOf(() => readSnf(withHeader(cut, (h) => { h.blend.overlap = [2, 1]; }))), 'BAD_HEADER');
  const cases: [string, (h: Record<string, any>) => void][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
    ['blend not a map', (h) => { h.blend = 'linear'; }],
    ['overlap missing', (h) => { h.blend = {}; }],
    ['overlap with one value for an image', (h) => { h.blend.overlap = [2]; }],
    ['overlap negative', (h) => { h.blend.overlap = [-1, 0]; }],
    ['overlap fractional', (h) => { h.blend.overlap = [1.5, 0]; }],
    ['overlap over half the smallest cell', (h) => { h.blend.overlap = [3, 1]; }],
    ['overlap over half the smallest row', (h) => { h.blend.overlap = [2, 2]; }],
    ['explicit regions with blend', (h) => {
      h.networks.forEach((n: Record<string, unknown>, i: number) => { n.region = gridRegions([8, 6], [2, 2])[i]; });
      delete h.grid;
    }],
  ];
  for (const [what, mutate] of cases) assert.equal(codeOf(() => readSnf(withHeader(good, mutate))), 'BAD_HEADER', what);
  // Unknown keys inside the map are ignored (§3.6).
  readSnf(withHeader(good, (h) => { h.blend.window = 'future'; }));
  // Version 1 reserved the key: a 1.x file with it is UNSUPPORTED_FEATURE, whatever its value.
  const plainV1 = writeSnf({ header: gray(8, 6), networks: gridRegions([8, 6], [2, 2]).map((region) => ({ region, arch, tensors: tensors([3, -2], 1, -100) })) });
  assert.equal(plainV1[8], 1);
  assert.equal(codeOf(() => readSnf(withHeader(plainV1, (h) => { h.blend = { overlap: [1, 1] }; }))), 'UNSUPPORTED_FEATURE');
});

test('the writer refuses blending what is not a grid, and an overlap the grid cannot hold', () => {
  const networks = [{ region: [0, 0, 4, 2], arch, tensors: tensors([3, -2], 1, -100) }, { region: [4, 0, 8, 2], arch, tensors: tensors([3, -2], 1, -100) }];
  assert.throws(() => writeSnf({ header: gray(8, 2, [2, 0]), networks: [...networks].reverse() }),
    (e: unknown) => e instanceof SnfFormatError && e.code === 'INVALID_ARGUMENT' && /blend needs networks whose regions are the cells of a grid/.test(e.message));
  assert.throws(() => writeSnf({ header: gray(8, 2, [3, 0]), networks }), (e: unknown) => e instanceof SnfFormatError && e.code === 'INVALID_ARGUMENT');
  // One network: blend is allowed (nothing to blend) and the grid [1, 1] is written for it.
  const single = writeSnf({ header: gray(8, 2, [0, 0]), networks: [{ region: [0, 0, 8, 2], arch, tensors: tensors([3, -2], 1, -100) }] });
  assert.deepEqual(inspectSnf(single).header.blend, { overlap: [0, 0] });
  // A reader takes it without the grid key too: one network, no regions, is the grid [1, 1] (§3.5).
  assert.deepEqual(readSnf(withHeader(single, (h) => { delete h.grid; })).header.blend, { overlap: [0, 0] });
});

test('a blended file decodes at any size as spec §3.5 and §4.3 say, pixel for pixel, with equal cells or cuts', async () => {
  for (const [grid, overlap] of [[[3, 2], [2, 2]], [[3, 2, 5, 9, 3], [1, 1]]] as const) await checkBlendedDecode(12, 8, [...grid], overlap);
});

async function checkBlendedDecode(width: number, height: number, grid: number[], overlap: readonly [number, number]): Promise<void> {
  const bytes = blendedImage(width, height, grid, [...overlap]);
  // An independent evaluation of the spec's formulas for the Appendix A.2 network (W0 = [1.5, −1], b0 = 0.25, W1 = −0.78125).
  const field = (x: number, y: number): number => -0.78125 * Math.sin(30 * (1.5 * x - y + 0.25));
  const cells = gridRegions([width, height], grid);
  for (const [outWidth, outHeight] of [[12, 8], [24, 16], [17, 5]] as const) {
    const image = await decodeImage(bytes, { width: outWidth, height: outHeight });
    for (let j = 0; j < outHeight; j++) {
      for (let i = 0; i < outWidth; i++) {
        const u = ((i + 0.5) * width) / outWidth;
        const v = ((j + 0.5) * height) / outHeight;
        let sum = 0;
        for (const cell of cells) {
          const w = blendWeight(u, cell[0]!, cell[2]!, width, overlap[0]) * blendWeight(v, cell[1]!, cell[3]!, height, overlap[1]);
          if (w === 0) continue;
          const [fx0, fy0, fx1, fy1] = extendRegion(cell, [width, height], overlap) as [number, number, number, number];
          sum += w * field((2 * (u - fx0)) / (fx1 - fx0) - 1, (2 * (v - fy0)) / (fy1 - fy0) - 1);
        }
        const expected = Math.min(255, Math.max(0, Math.floor(((sum + 1) / 2) * 255 + 0.5)));
        assert.ok(Math.abs(image.data[j * outWidth + i]! - expected) <= 1, `${outWidth}x${outHeight} pixel (${i}, ${j}): ${image.data[j * outWidth + i]} against ${expected}`);
      }
    }
  }
}

test('encodeImage --overlap: blended tiles, a 4.3 file, PSNR measured on the decoded file; a bad overlap is refused before training', async () => {
  const { data, info } = await sharp(readFileSync(path.join(FIXTURES, 'kodim-crop32.png'))).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = { width: info.width, height: info.height, channels: 3 as const, data: new Uint8Array(data) };
  const options = { width: 6, steps: 30, tiles: { columns: 2, rows: 2 }, engine: await engineByName('auto') };
  const blended = await encodeImage(image, { ...options, overlap: 3 });
  assert.equal(blended.overlap, 3);
  // Blended, and compact tensor tables: x.3 (the encoder's steps are on the grid, spec §3.4); shared contexts: 4.3.
  assert.deepEqual([blended.bytes[8], blended.bytes[9]], [4, 3]);
  assert.deepEqual(readSnf(blended.bytes).header.blend, { overlap: [3, 3] });
  assert.ok(Math.abs(psnr(image, await decodeImage(blended.bytes)) - blended.psnr) < 1e-9);
  const hard = await encodeImage(image, { ...options, overlap: 0 });
  assert.equal(readSnf(hard.bytes).header.blend, undefined);
  // No blend; the minor version is the compact tables' (3), the float32 tables' would be 0.
  assert.equal(hard.bytes[9], 3);
  assert.equal(writeSnf({ ...readSnf(hard.bytes), tensorTables: 'float32' })[9], 0);
  await assert.rejects(encodeImage(image, { ...options, overlap: 9 }), (e: unknown) => e instanceof EncodeOptionsError && /overlap must be a whole number of pixels from 0 to 8/.test(e.message));
  // One tile: nothing to blend, so no blend key.
  const single = await encodeImage(image, { width: 6, steps: 5, engine: await engineByName('auto') });
  assert.equal(single.overlap, 0);
  // Tiles a few pixels wide: the default overlap shrinks to half the smallest side rather than be refused.
  const narrow = await encodeImage(image, { width: 4, steps: 2, tiles: { columns: Math.floor(image.width / 2), rows: 2 }, engine: await engineByName('auto') });
  assert.equal(narrow.overlap, 1);
});

test('snfc encode --overlap: out of range is a usage error (exit 2) and writes nothing', () => {
  const dir = tempDir();
  const out = path.join(dir, 'x.snf');
  const run = snfc(['encode', path.join(FIXTURES, 'kodim-crop32.png'), '-o', out, '--tiles', '2x2', '--overlap', '12', '--steps', '2', '--quiet']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /^snfc: overlap must be a whole number of pixels from 0 to 8/);
  assert.equal(run.stderr.trim().split('\n').length, 1);
  const ok = snfc(['encode', path.join(FIXTURES, 'kodim-crop32.png'), '-o', out, '--tiles', '2x2', '--overlap', '2', '--width', '4', '--steps', '3', '--json']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).overlap, 2);
  assert.match(snfc(['info', out]).stdout, /blended, overlapping 2x2 px/);
});
