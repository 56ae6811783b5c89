import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { parameterCount, type SirenArch } from '../src/kernels/arch.js';
import { decodeImage } from '../src/decoder/index.js';
import { encodeImage, EncodeOptionsError } from '../src/encoder/image/encode-image.js';
import { engineByName } from '../src/encoder/network/engines.js';
import { allocatedWidths, allocationSharesOut, parametersOfWidths, regionDetail, widthsByDetail } from '../src/encoder/image/tile-widths.js';
import { readSnf } from '../src/format/index.js';
import { psnr, psnrFromMse, regionMeanSquaredError } from '../src/metrics/psnr.js';
import type { Raster } from '../src/raster.js';
import { FIXTURES, snfc, tempDir } from './helpers/cli.js';
import { smoothBesideTexture } from './helpers/synthetic.js';

const ARCH: SirenArch = { inputs: 26, outputs: 3, width: 24, depth: 3, omega: 30, fourier: 6 };

/** A gray image whose left half is flat and whose right half is a pseudo-random texture. */
function halfBusy(width: number, height: number): Raster {
  return smoothBesideTexture(width, height, () => 100);
}

test('regionDetail: 0 on a flat region; the mean squared (or absolute) step between neighbours otherwise', () => {
  const stripes: Raster = { width: 4, height: 2, channels: 1, data: Uint8Array.from([0, 10, 0, 10, 0, 10, 0, 10]) };
  // Horizontal steps: 3 per row of 10² each; vertical: 4 of 0.
  assert.equal(regionDetail(stripes, [0, 0, 4, 2]), (6 * 100) / 10);
  assert.equal(regionDetail(stripes, [0, 0, 4, 2], 'absolute'), (6 * 10) / 10);
  assert.equal(regionDetail(stripes, [0, 0, 1, 2]), 0);
  const image = halfBusy(32, 16);
  assert.equal(regionDetail(image, [0, 0, 16, 16]), 0);
  assert.ok(regionDetail(image, [16, 0, 32, 16]) > 100);
});

test('regionDetail: the absolute step ranks one strong edge below a texture, which the squared step ranks above it', () => {
  const size = 32;
  // A black half beside a white half: one step of 255 per row, the rest flat.
  const edge: Raster = { width: size, height: size, channels: 1, data: Uint8Array.from({ length: size * size }, (_, i) => (i % size < size / 2 ? 0 : 255)) };
  // A checkerboard of steps of 20 everywhere.
  const texture: Raster = { width: size, height: size, channels: 1, data: Uint8Array.from({ length: size * size }, (_, i) => 100 + 20 * ((i % size + Math.floor(i / size)) % 2)) };
  const whole = [0, 0, size, size] as const;
  assert.ok(regionDetail(edge, whole) > regionDetail(texture, whole), 'squared: the edge is busier');
  assert.ok(regionDetail(edge, whole, 'absolute') < regionDetail(texture, whole, 'absolute'), 'absolute: the texture is busier');
});

test('widthsByDetail: equal detail or exponent 0 keeps the planned width; busier tiles get wider networks within the same parameters', () => {
  assert.deepEqual(widthsByDetail(ARCH, [5, 5, 5, 5]), [24, 24, 24, 24]);
  assert.deepEqual(widthsByDetail(ARCH, [1, 10, 100, 1000], 0), [24, 24, 24, 24]);
  assert.deepEqual(widthsByDetail(ARCH, [0, 0]), [24, 24]);
  const details = [1, 10, 100, 1000];
  const widths = widthsByDetail(ARCH, details);
  for (let i = 1; i < widths.length; i++) assert.ok(widths[i]! >= widths[i - 1]!, `widths ${widths.join(',')} rise with detail`);
  assert.ok(widths[3]! > 24 && widths[0]! < 24, `widths ${widths.join(',')}`);
  // Whole blocks of the kernels (8 units), and no more parameters than the plan, short of it by less than one block.
  for (const width of widths) assert.equal(width % 8, 0);
  // With no tile below the narrowest network's share, the total is the plan's, less under one block.
  const moderate = widthsByDetail(ARCH, [20, 40, 80, 160]);
  const planned = 4 * parameterCount(ARCH);
  const shared = moderate.reduce((sum, width) => sum + parameterCount({ ...ARCH, width }), 0);
  const block = parameterCount({ ...ARCH, width: Math.max(...moderate) + 8 }) - parameterCount({ ...ARCH, width: Math.max(...moderate) });
  assert.ok(shared <= planned && shared > planned - block, `${moderate.join(',')}: ${shared} against ${planned}`);
  // A flat tile gets the narrowest network.
  assert.equal(widthsByDetail(ARCH, [0, 50])[0], 8);
  // A plan under two blocks of 8 keeps its width: 8 or 16 where it has 12 is too coarse a share (5 dB lost on a 48×48 image).
  assert.deepEqual(widthsByDetail({ ...ARCH, width: 12 }, [1, 1000]), [12, 12]);
  assert.deepEqual(widthsByDetail({ ...ARCH, width: 15 }, [1, 1000]), [15, 15]);
  assert.notDeepEqual(widthsByDetail({ ...ARCH, width: 16 }, [1, 1000]), [16, 16]);
});

test('widthsByDetail with a floor: no tile below it, the rest shared by detail, the total still the plan\'s', () => {
  const wide: SirenArch = { ...ARCH, width: 56 };
  const details = [0.5, 2, 40, 0.5, 60, 30, 90, 0.5, 400, 250, 300, 200, 150, 90, 60, 60];
  // An exponent under the default's, so that the busiest tile is not already at MAX_WIDTH without a floor.
  const free = widthsByDetail(wide, details, 0.75);
  assert.equal(Math.min(...free), 8, `without a floor the flattest tiles get 8 units: ${free.join(',')}`);
  const floored = widthsByDetail(wide, details, 0.75, undefined, 28);
  assert.equal(Math.min(...floored), 24, `a floor of 28 units is 24 in blocks of 8: ${floored.join(',')}`);
  const params = (widths: readonly number[]): number => widths.reduce((sum, width) => sum + parameterCount({ ...wide, width }), 0);
  assert.ok(params(floored) <= 16 * parameterCount(wide), 'within the plan');
  // What the floor gives the flat tiles comes from the busiest, and the order by detail stays.
  assert.ok(Math.max(...floored) < Math.max(...free));
  for (const [i, j] of [[8, 10], [10, 9], [9, 11]] as const) assert.ok(floored[i]! >= floored[j]!);
  // A floor at or under one block changes nothing; one above the plan's width is the plan's width for all.
  assert.deepEqual(widthsByDetail(wide, details, 0.75, undefined, 8), free);
  assert.deepEqual(widthsByDetail(wide, details, 0.75, undefined, 100), new Array(16).fill(56));
});

test('the default allocation floors the widths at half the plan\'s from plans of 48 units (2 bpp); under them, the free allocation', () => {
  const details = [0.5, 2, 40, 0.5, 60, 30, 90, 0.5, 400, 250, 300, 200, 150, 90, 60, 60];
  assert.equal(Math.min(...allocatedWidths({ ...ARCH, width: 56 }, details)), 24);
  assert.equal(Math.min(...allocatedWidths({ ...ARCH, width: 48 }, details)), 24);
  for (const width of [24, 37, 47]) assert.deepEqual(allocatedWidths({ ...ARCH, width }, details), widthsByDetail({ ...ARCH, width }, details), `a plan of ${width} units`);
});

test('the default allocation shares a plan under two blocks (0.25 bpp) among 16 tiles in steps of 4 units from one block, within its parameters', () => {
  const details = [0.5, 2, 40, 0.5, 60, 30, 90, 0.5, 400, 250, 300, 200, 150, 90, 60, 60];
  for (const width of [9, 10, 12, 15]) {
    const widths = allocatedWidths({ ...ARCH, width }, details);
    assert.ok(widths.every((w) => w % 4 === 0 && w >= 8), `a plan of ${width}: ${widths.join(',')}`);
    assert.ok(new Set(widths).size > 1, `a plan of ${width} is shared out: ${widths.join(',')}`);
    assert.ok(widths.some((w) => w % 8 !== 0), `a plan of ${width} uses the finer steps: ${widths.join(',')}`);
    assert.ok(parametersOfWidths({ ...ARCH, width }, widths) <= 16 * parameterCount({ ...ARCH, width }), `a plan of ${width} within its parameters`);
    // Busier tiles never get narrower networks.
    assert.ok(widths[8]! >= widths[0]! && widths[8]! >= widths[4]!);
  }
  // Narrower than two steps of 4: every tile keeps the plan's width.
  assert.deepEqual(allocatedWidths({ ...ARCH, width: 7 }, details), new Array(16).fill(7));
  // A plan of 8 units has nothing above the 8-unit floor to share.
  assert.deepEqual(allocatedWidths({ ...ARCH, width: 8 }, details), new Array(16).fill(8));
  // Fewer tiles (a 2×2 crop, or 15) keep equal widths under two blocks, and are shared out in blocks of 8 from 16 units.
  assert.deepEqual(allocatedWidths({ ...ARCH, width: 13 }, [1, 50, 100, 400]), [13, 13, 13, 13]);
  assert.deepEqual(allocatedWidths({ ...ARCH, width: 13 }, details.slice(1)), new Array(15).fill(13));
  assert.ok(allocatedWidths({ ...ARCH, width: 16 }, [1, 50, 100, 400]).every((w) => w % 8 === 0));
  // Among 16 tiles, plans of 16–23 units (0.5 and 1 bpp at depth 4) are shared in steps of 4 too (sessions 54, 55); from 24 in blocks of 8.
  for (const width of [16, 17, 19, 20, 23]) assert.ok(allocatedWidths({ ...ARCH, width }, details).some((w) => w % 8 === 4), `a plan of ${width}`);
  for (const width of [24, 25]) assert.ok(allocatedWidths({ ...ARCH, width }, details).every((w) => w % 8 === 0), `a plan of ${width}`);
  assert.notDeepEqual(allocatedWidths({ ...ARCH, width: 16 }, [1, 50, 100, 400]), [16, 16, 16, 16]);
});

test('encodeImage: allocation by detail gives the busy tile the wider network, stores each width in the file, and decodes to the reported PSNR', async () => {
  const image = halfBusy(64, 32);
  // No residual: the networks get the whole rate (this half-busy image would give the residual 0.35 of it), which is what is shared here.
  const options = { bpp: 8, steps: 10, tiles: { columns: 2, rows: 1 }, residual: 0, engine: await engineByName('auto') };
  const detail = await encodeImage(image, options);
  assert.equal(detail.widths.length, 2);
  assert.ok(detail.widths[1]! > detail.widths[0]!, `widths ${detail.widths.join(',')}`);
  assert.deepEqual(readSnf(detail.bytes).networks.map((network) => network.arch.width), detail.widths);
  const decoded = await decodeImage(detail.bytes);
  assert.ok(Math.abs(psnr(image, decoded) - detail.psnr) < 1e-9);
  // Each tile's PSNR over its cell as the file has it (the edge between the smooth and the busy half may have moved: tile-edges.ts).
  const cells = readSnf(detail.bytes).networks.map((network) => network.region as [number, number, number, number]);
  assert.deepEqual(detail.tilePsnrs, cells.map((region) => psnrFromMse(regionMeanSquaredError(image, decoded, region))));
  const equal = await encodeImage(image, { ...options, allocation: 'equal' });
  assert.deepEqual(equal.widths, [equal.arch.width, equal.arch.width]);
  // A fixed width is not a rate to share: every tile gets it.
  assert.deepEqual((await encodeImage(image, { width: 5, steps: 2, tiles: { columns: 2, rows: 1 } })).widths, [5, 5]);
  await assert.rejects(encodeImage(image, { ...options, allocation: 'busy' as never }), (e: unknown) => e instanceof EncodeOptionsError && /allocation must be one of detail, equal/.test(e.message));
  await assert.rejects(encodeImage(image, { ...options, tileWidths: [8] }), (e: unknown) => e instanceof EncodeOptionsError && /tileWidths must be 2 whole widths/.test(e.message));
});

test('allocationSharesOut says where allocatedWidths shares a plan out: plans of 1 to 40 units among 1 to 20 tiles', () => {
  for (const tiles of [1, 2, 4, 9, 15, 16, 20]) {
    // Tiles of distinct detail, so that only the plan and the tile count decide.
    const details = Array.from({ length: tiles }, (_, i) => 1 + 40 * i);
    for (let width = 1; width <= 40; width++) {
      const shared = new Set(allocatedWidths({ ...ARCH, width }, details)).size > 1;
      assert.equal(allocationSharesOut(width, tiles), shared, `a plan of ${width} units among ${tiles} tiles`);
    }
  }
});

test('encodeImage: a plan under two blocks among 16 tiles is shared in steps of 4, and the file holds those widths', async () => {
  // 128×128 at 4 bpp in 4×4 tiles, no residual: a plan of 14 units.
  const image = smoothBesideTexture(128, 128, () => 100);
  const result = await encodeImage(image, { bpp: 4, steps: 2, tiles: { columns: 4, rows: 4 }, residual: 0, engine: await engineByName('auto') });
  assert.equal(result.arch.width, 14);
  assert.ok(result.widths.some((width) => width % 8 === 4) && result.widths.every((width) => width % 4 === 0 && width >= 8), `widths ${result.widths.join(',')}`);
  assert.deepEqual(readSnf(result.bytes).networks.map((network) => network.arch.width), result.widths);
  assert.ok(Math.abs(psnr(image, await decodeImage(result.bytes)) - result.psnr) < 1e-9);
});

test('snfc encode --allocation: a bad value is a usage error (exit 2) and writes nothing; --json lists the widths', () => {
  const dir = tempDir();
  const out = path.join(dir, 'x.snf');
  const input = path.join(FIXTURES, 'kodim-crop32.png');
  const bad = snfc(['encode', input, '-o', out, '--tiles', '2x2', '--allocation', 'busy', '--steps', '2', '--quiet']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^snfc: Expected one of detail, equal for --allocation but received/);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  const ok = snfc(['encode', input, '-o', out, '--tiles', '2x2', '--allocation', 'equal', '--bpp', '4', '--steps', '3', '--json']);
  assert.equal(ok.status, 0, ok.stderr);
  const report = JSON.parse(ok.stdout);
  assert.deepEqual(report.widths, [report.width, report.width, report.width, report.width]);
  // The tiles' PSNRs bracket the image's.
  assert.ok(report.tilePsnrMin <= report.psnr && report.psnr <= report.tilePsnrMax, JSON.stringify(report));
});
