import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import sharp from 'sharp';
import {
  activityClasses, applyRestorationFilter, clippedFilterFeatures, CLIP_BOUNDS, diamondTaps, DIRECTIONS, filterContextRows, filterFeatures, filterRows, pixelActivity, pixelDirections, pixelSets, tapsPerChannel,
  type FieldImage, type RestorationFilter,
} from '../src/kernels/post-filter.js';
import { filterBytes, filterShapeFor, fitFilter, placeholderFilter, DEFAULT_FILTER_SHAPE } from '../src/encoder/image/filter-fit.js';
import { encodeImage } from '../src/encoder/image/encode-image.js';
import { decodeImage } from '../src/decoder/index.js';
import { psnr } from '../src/metrics/psnr.js';
import { readSnf, writeSnf, SnfFormatError, type SnfErrorCode } from '../src/format/index.js';
import { normalizeSample } from '../src/kernels/render.js';
import type { Raster } from '../src/raster.js';
import { DIRECTION_FIXTURE_SNF, FILTER_FIXTURE_SNF, TILES_FIXTURE_SNF } from './fuzz/seeds.js';
import { withHeader, type Json } from './helpers/snf-bytes.js';
import { FIXTURES, snfc } from './helpers/cli.js';
import { mulberry32 } from './helpers/prng.js';

/** A field of random values, `channels` interleaved. */
function randomField(width: number, height: number, channels: number, seed: number): FieldImage {
  const random = mulberry32(seed);
  return { width, height, channels, values: Float32Array.from({ length: width * height * channels }, () => 2 * random() - 1) };
}

/** A 3-channel filter of one class with random coefficients. */
function randomFilter(radius: number, cross: number, seed: number): RestorationFilter {
  const random = mulberry32(seed);
  return { radius, cross, shift: 8, thresholds: new Float32Array(0), coefficients: Int8Array.from({ length: 3 * tapsPerChannel(radius, cross, 3) }, () => Math.round(60 * (2 * random() - 1))) };
}

test('taps: one of each symmetric pair in the diamond, ρ(ρ + 1) of them, in the order of spec §3.10', () => {
  assert.deepEqual(diamondTaps(1), [[0, 1], [1, 0]]);
  assert.deepEqual(diamondTaps(2), [[0, 1], [0, 2], [1, -1], [1, 0], [1, 1], [2, 0]]);
  for (const radius of [1, 2, 3, 4]) assert.equal(diamondTaps(radius).length, radius * (radius + 1));
  assert.equal(tapsPerChannel(3, 1, 3), 12 + 2 * 2);
  assert.equal(tapsPerChannel(3, 1, 1), 12);
});

test('the filter leaves a flat field as it is and the alpha channel alone, and corrects by second differences', () => {
  const flat: FieldImage = { width: 9, height: 7, channels: 4, values: Float32Array.from({ length: 9 * 7 * 4 }, (_, i) => [0.25, -0.5, 0.75, 0.1][i % 4]!) };
  const filter = randomFilter(3, 1, 5);
  assert.deepEqual(applyRestorationFilter(flat, filter), flat.values);
  // One pixel by hand, on a random field: its own channel's taps (0, 1) and (1, 0) only.
  const field = randomField(6, 5, 4, 7);
  const coefficients = new Int8Array(3 * 2);
  coefficients[0] = 32; // channel 0, tap (0, 1): 0.125
  coefficients[2 + 1] = -64; // channel 1, tap (1, 0): −0.25
  const out = applyRestorationFilter(field, { radius: 1, cross: 0, shift: 8, thresholds: new Float32Array(0), coefficients });
  const at = (x: number, y: number, c: number): number => field.values[(y * 6 + x) * 4 + c]!;
  const [x, y] = [2, 3];
  assert.ok(Math.abs(out[(y * 6 + x) * 4]! - (at(x, y, 0) + 0.125 * (at(x + 1, y, 0) + at(x - 1, y, 0) - 2 * at(x, y, 0)))) < 1e-6);
  assert.ok(Math.abs(out[(y * 6 + x) * 4 + 1]! - (at(x, y, 1) - 0.25 * (at(x, y + 1, 1) + at(x, y - 1, 1) - 2 * at(x, y, 1)))) < 1e-6);
  assert.equal(out[(y * 6 + x) * 4 + 2], field.values[(y * 6 + x) * 4 + 2]);
  for (let i = 3; i < out.length; i += 4) assert.equal(out[i], field.values[i]);
});

test('at twice the size the taps reach twice as far (spec §4.6), so a field sampled at every other pixel filters the same', () => {
  // A field at 2x whose even pixels are a 1x field: at those pixels, the 2x filter reads only the 1x samples.
  const small = randomField(8, 6, 3, 11);
  const large: FieldImage = { width: 16, height: 12, channels: 3, values: new Float32Array(16 * 12 * 3) };
  for (let y = 0; y < 12; y++) {
    for (let x = 0; x < 16; x++) {
      for (let c = 0; c < 3; c++) large.values[(y * 16 + x) * 3 + c] = small.values[((y >> 1) * 8 + (x >> 1)) * 3 + c]!;
    }
  }
  const filter = randomFilter(2, 1, 3);
  const a = applyRestorationFilter(small, filter);
  const b = applyRestorationFilter(large, filter, { x: 2, y: 2 });
  // Away from the far edges (where 2x clamps one pixel later than 1x).
  for (let y = 0; y < 4; y++) {
    for (let x = 0; x < 6; x++) {
      for (let c = 0; c < 3; c++) assert.ok(Math.abs(a[(y * 8 + x) * 3 + c]! - b[(2 * y * 16 + 2 * x) * 3 + c]!) < 1e-6);
    }
  }
});

test('the decoder\'s filter is the features the fit reads, dotted with the class\'s coefficients, at every pixel and scale (clipped taps too)', () => {
  const cases = [[3, 3, 1, 1, false], [4, 2, 2, 1, false], [2, 2, 0, 1, false], [3, 3, 1, DIRECTIONS, false], [1, 2, 0, DIRECTIONS, false], [3, 2, 1, DIRECTIONS, true], [2, 2, 0, 1, true]] as const;
  for (const [channels, radius, cross, directions, clipped] of cases) {
    const field = randomField(13, 11, channels, 21);
    const colours = channels >= 3 ? 3 : 1;
    const n = tapsPerChannel(radius, cross, colours);
    const random = mulberry32(8);
    const activity = Float64Array.from(pixelActivity(field)).sort();
    const ownTaps = diamondTaps(radius).length;
    // Clipped (spec §4.9): a bound index a set and own tap, every index used.
    const clips = clipped ? Uint8Array.from({ length: 3 * directions * ownTaps }, (_, i) => i % CLIP_BOUNDS.length) : undefined;
    const filter: RestorationFilter = {
      radius, cross, shift: 9, thresholds: Float32Array.from([activity[50]!, activity[100]!]), directions,
      coefficients: Int8Array.from({ length: 3 * directions * colours * n }, () => Math.round(100 * (2 * random() - 1))),
      ...(clips ? { clips } : {}),
    };
    for (const scale of [{ x: 1, y: 1 }, { x: 2, y: 1.5 }]) {
      const out = applyRestorationFilter(field, filter, scale);
      const classes = pixelSets(field, filter, scale);
      if (scale.x === 1) assert.ok(new Set(classes).size >= 3, `${new Set(classes).size} sets used`);
      const features = new Float64Array(n + ownTaps * (CLIP_BOUNDS.length - 1));
      for (let y = 0; y < 11; y++) {
        for (let x = 0; x < 13; x++) {
          for (let c = 0; c < colours; c++) {
            if (clips) clippedFilterFeatures(field, x, y, c, radius, cross, features, scale);
            else filterFeatures(field, x, y, c, radius, cross, features, scale);
            const set = classes[y * 13 + x]!;
            const base = (set * colours + c) * n;
            // A clipped filter's own tap m reads its feature at the set's bound; the cross taps follow all the own taps' bounds.
            const feature = (k: number): number => (clips === undefined ? features[k]!
              : k < ownTaps ? features[k * CLIP_BOUNDS.length + clips[set * ownTaps + k]!]! : features[ownTaps * CLIP_BOUNDS.length + k - ownTaps]!);
            let expected = field.values[(y * 13 + x) * channels + c]!;
            for (let k = 0; k < n; k++) expected += (filter.coefficients[base + k]! / 512) * feature(k);
            assert.ok(Math.abs(out[(y * 13 + x) * channels + c]! - expected) < 1e-5, `${channels} channels: (${x}, ${y}) channel ${c} at ${scale.x}x${scale.y}`);
          }
        }
      }
    }
  }
});

test('the WASM kernels and the TypeScript class and filter to the same bits (RGB and RGBA, clipped taps or not, at the source size and others, down to 1 × 1)', () => {
  const cases = [
    [3, 3, 1, DIRECTIONS, 150, 140, false], [4, 2, 2, 1, 37, 29, false], [3, 1, 0, 1, 9, 7, false], [3, 3, 1, 1, 5, 40, false], [3, 3, 1, DIRECTIONS, 1, 1, false],
    [4, 3, 1, DIRECTIONS, 2, 3, false], [3, 2, 0, DIRECTIONS, 150, 140, true], [4, 2, 1, 1, 37, 29, true],
  ] as const;
  for (const [channels, radius, cross, directions, width, height, clipped] of cases) {
    const field = randomField(width, height, channels, 41);
    const n = tapsPerChannel(radius, cross, 3);
    const random = mulberry32(9);
    const activity = Float64Array.from(pixelActivity(field)).sort();
    const filter: RestorationFilter = {
      radius, cross, shift: 9, thresholds: Float32Array.from([activity[Math.floor(activity.length / 3)]!]), directions,
      coefficients: Int8Array.from({ length: 2 * directions * 3 * n }, () => Math.round(120 * (2 * random() - 1))),
      ...(clipped ? { clips: Uint8Array.from({ length: 2 * directions * diamondTaps(radius).length }, (_, i) => (i * 7) % CLIP_BOUNDS.length) } : {}),
    };
    for (const scale of [{ x: 1, y: 1 }, { x: 2, y: 1.5 }, { x: 0.5, y: 0.5 }]) {
      assert.deepEqual(pixelSets(field, filter, scale), pixelSets(field, filter, scale, 'typescript'));
      assert.deepEqual(pixelSets(field, { ...filter, thresholds: new Float32Array(0) }, scale), pixelSets(field, { ...filter, thresholds: new Float32Array(0) }, scale, 'typescript'));
      const wasm = applyRestorationFilter(field, filter, scale);
      const typescript = applyRestorationFilter(field, filter, scale, 'typescript');
      assert.deepEqual(wasm, typescript, `${channels} channels ${width}x${height} at ${scale.x}x${scale.y}`);
      // One pixel has no neighbours to differ from: the filter leaves it as it is.
      if (width * height > 1) assert.notDeepEqual(wasm, field.values);
      else assert.deepEqual(wasm, field.values);
    }
  }
});

test('filterRows: any band of rows, from those rows and filterContextRows around them, in place or not, is those rows of the whole filter', () => {
  for (const [channels, radius, cross, directions, width, height] of [[3, 3, 1, DIRECTIONS, 31, 150], [4, 2, 2, 1, 17, 90], [1, 2, 0, DIRECTIONS, 13, 70], [3, 1, 0, 1, 9, 7]] as const) {
    const field = randomField(width, height, channels, 43);
    const colours = channels >= 3 ? 3 : 1;
    const n = tapsPerChannel(radius, cross, colours);
    const random = mulberry32(11);
    const activity = Float64Array.from(pixelActivity(field)).sort();
    const filter: RestorationFilter = {
      radius, cross, shift: 9, thresholds: Float32Array.from([activity[Math.floor(activity.length / 2)]!]), directions,
      coefficients: Int8Array.from({ length: 2 * directions * colours * n }, () => Math.round(120 * (2 * random() - 1))),
    };
    // At 1 × 30 the taps of radius 3 reach 90 rows, past the WASM kernel's 64-row bands.
    for (const scale of [{ x: 1, y: 1 }, { x: 2, y: 1.5 }, { x: 0.5, y: 0.5 }, { x: 1, y: 30 }]) {
      for (const kernel of ['auto', 'typescript'] as const) {
        const whole = applyRestorationFilter(field, filter, scale, kernel);
        const rowSamples = width * channels;
        const context = filterContextRows(filter, scale);
        for (const [first, end] of [[0, height], [0, Math.ceil(height / 2)], [Math.ceil(height / 2), height], [3, Math.min(height, 70)], [height - 1, height], [2, 2]] as const) {
          const label = `${channels} channels ${width}x${height}, rows ${first}..${end} at ${scale.x}x${scale.y} (${kernel})`;
          const want = whole.subarray(first * rowSamples, end * rowSamples);
          // Only the rows it may read: the rest of the field is garbage, and must not matter.
          const values = Float32Array.from(field.values);
          values.fill(Number.NaN, 0, Math.max(0, first - context) * rowSamples);
          values.fill(Number.NaN, Math.min(height, end + context) * rowSamples);
          const out = new Float32Array(want.length);
          filterRows({ ...field, values }, filter, scale, first, end, out, kernel);
          assert.deepEqual(out, want, label);
          // In place: the rows themselves are the output.
          const inPlace = Float32Array.from(field.values);
          filterRows({ ...field, values: inPlace }, filter, scale, first, end, inPlace.subarray(first * rowSamples, end * rowSamples), kernel);
          assert.deepEqual(inPlace.subarray(first * rowSamples, end * rowSamples), want, `${label}, in place`);
          assert.deepEqual(inPlace.subarray(0, first * rowSamples), field.values.subarray(0, first * rowSamples), `${label}: rows above untouched`);
          assert.deepEqual(inPlace.subarray(end * rowSamples), field.values.subarray(end * rowSamples), `${label}: rows below untouched`);
        }
      }
    }
  }
  const field = randomField(8, 8, 3, 1);
  const filter = randomFilter(1, 0, 2);
  assert.throws(() => filterRows(field, filter, { x: 1, y: 1 }, 5, 3, new Float32Array(0)), RangeError);
  assert.throws(() => filterRows(field, filter, { x: 1, y: 1 }, 0, 9, new Float32Array(9 * 24)), RangeError);
  assert.throws(() => filterRows(field, filter, { x: 1, y: 1 }, 0, 4, new Float32Array(10)), RangeError);
});

test('activity classes: busy pixels get the higher classes', () => {
  const field: FieldImage = { width: 20, height: 4, channels: 1, values: Float32Array.from({ length: 80 }, (_, i) => (i % 20 < 10 ? 0 : (i % 2) - 0.5)) };
  const classes = activityClasses(field, Float32Array.from([0.5]));
  assert.equal(classes[0], 0);
  assert.equal(classes[19], 1);
});

test('direction classes are spec §4.6 computed pixel by pixel, at every scale', () => {
  for (const [channels, scale] of [[3, { x: 1, y: 1 }], [1, { x: 2, y: 1.5 }], [4, { x: 0.5, y: 3 }]] as const) {
    const field = randomField(17, 13, channels, 31);
    const { width, height, values } = field;
    const luma = (x: number, y: number): number => {
      const at = (Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))) * channels;
      return channels >= 3 ? Math.fround(0.299 * values[at]! + 0.587 * values[at + 1]! + 0.114 * values[at + 2]!) : values[at]!;
    };
    const sX = Math.max(1, Math.floor(scale.x + 0.5)), sY = Math.max(1, Math.floor(scale.y + 0.5));
    const bX = Math.floor(2 * scale.x + 0.5), bY = Math.floor(2 * scale.y + 0.5);
    const classes = pixelDirections(field, scale);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const sums = [0, 0, 0, 0];
        for (let qy = Math.max(0, y - bY); qy <= Math.min(height - 1, y + bY); qy++) {
          for (let qx = Math.max(0, x - bX); qx <= Math.min(width - 1, x + bX); qx++) {
            const twice = 2 * luma(qx, qy);
            sums[0]! += Math.abs(twice - luma(qx - sX, qy) - luma(qx + sX, qy));
            sums[1]! += Math.abs(twice - luma(qx, qy - sY) - luma(qx, qy + sY));
            sums[2]! += Math.abs(twice - luma(qx - sX, qy - sY) - luma(qx + sX, qy + sY));
            sums[3]! += Math.abs(twice - luma(qx + sX, qy - sY) - luma(qx - sX, qy + sY));
          }
        }
        const [h, v, d1, d2] = sums as [number, number, number, number];
        const [hi, lo, hiD, loD] = [Math.max(h, v), Math.min(h, v), Math.max(d1, d2), Math.min(d1, d2)];
        const expected = hi * loD >= hiD * lo ? (hi > 2 * lo ? (h > v ? 1 : 2) : 0) : (hiD > 2 * loD ? (d1 > d2 ? 3 : 4) : 0);
        assert.equal(classes[y * width + x], expected, `(${x}, ${y}) at ${scale.x}x${scale.y}`);
      }
    }
  }
});

test('direction classes (spec §4.6): stripes that vary along rows, columns or a diagonal get 1, 2, 3, 4; flat or isotropic texture 0', () => {
  const pattern = (f: (x: number, y: number) => number): FieldImage => {
    const values = new Float32Array(16 * 16 * 3);
    for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) values.fill(f(x, y), (y * 16 + x) * 3, (y * 16 + x) * 3 + 3);
    return { width: 16, height: 16, channels: 3, values };
  };
  const centre = (field: FieldImage): number => pixelDirections(field)[8 * 16 + 8]!;
  assert.equal(centre(pattern((x) => x % 2)), 1); // varies from column to column, along a row
  assert.equal(centre(pattern((_, y) => y % 2)), 2);
  assert.equal(centre(pattern((x, y) => Math.floor((x + y) / 2) % 2)), 3); // varies down-right, constant down-left
  assert.equal(centre(pattern((x, y) => Math.floor((x - y + 32) / 2) % 2)), 4);
  assert.equal(centre(pattern(() => 0.3)), 0);
  assert.equal(centre(pattern((x, y) => (x + y) % 2)), 0); // a checkerboard varies along rows and columns alike, not along diagonals: H ≈ V
  // The sets: activity class × 5 + direction.
  const stripes = pattern((x) => x % 2);
  const sets = pixelSets(stripes, { thresholds: Float32Array.from([0.1]), directions: DIRECTIONS });
  assert.equal(sets[8 * 16 + 8], 1 * DIRECTIONS + 1);
});

test('fitFilter: least squares on the decoded field takes back most of a blur, and no nearby coefficients do better', async () => {
  const { data, info } = await sharp(`${FIXTURES}/kodim-crop96.png`).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image: Raster = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
  // The "decoded" field: the image blurred by [1 2 1]/4 on both axes.
  const target = Float32Array.from(image.data, normalizeSample);
  const at = (x: number, y: number, c: number): number => target[(Math.min(95, Math.max(0, y)) * 96 + Math.min(95, Math.max(0, x))) * 3 + c]!;
  const blurred = new Float32Array(target.length);
  for (let y = 0; y < 96; y++) {
    for (let x = 0; x < 96; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (const [dy, wy] of [[-1, 1], [0, 2], [1, 1]] as const) for (const [dx, wx] of [[-1, 1], [0, 2], [1, 1]] as const) sum += wy * wx * at(x + dx, y + dy, c);
        blurred[(y * 96 + x) * 3 + c] = sum / 16;
      }
    }
  }
  const field: FieldImage = { width: 96, height: 96, channels: 3, values: blurred };
  const mse = (values: Float32Array): number => values.reduce((sum, v, i) => sum + (v - target[i]!) ** 2, 0) / values.length;
  const filter = fitFilter(field, image, DEFAULT_FILTER_SHAPE);
  assert.equal(filter.thresholds.length, 3);
  const before = mse(blurred);
  const after = mse(applyRestorationFilter(field, filter));
  assert.ok(after < 0.5 * before, `error ${before} -> ${after}`);
  // Least squares (up to the int8 rounding): moving any of a few coefficients by a step or two does not help.
  for (const k of [0, 5, 17, 40, 200, 700]) {
    for (const delta of [-2, 2]) {
      const moved = { ...filter, coefficients: Int8Array.from(filter.coefficients, (c, i) => (i === k ? Math.max(-127, Math.min(127, c + delta)) : c)) };
      assert.ok(mse(applyRestorationFilter(field, moved)) >= after * (1 - 1e-4), `coefficient ${k} ${delta}`);
    }
  }
  // With clipped taps (spec §3.13) the fit may keep every tap unclipped, so it does at least as well, and on the
  // blur's edges it clips some.
  const clipped = fitFilter(field, image, { ...DEFAULT_FILTER_SHAPE, clipped: true });
  assert.ok(clipped.clips !== undefined && clipped.clips.some((k) => k > 0), 'some taps clipped');
  const afterClipped = mse(applyRestorationFilter(field, clipped));
  assert.ok(afterClipped < after, `error ${after} -> ${afterClipped} clipped`);
});

test('filterShapeFor: 4 × 5 classes from about 40 KB, fewer on smaller files, none under 2.7 KB', () => {
  // A set is 3 channels × 16 taps: 4 of them in c; with directions d: 5 (3 bytes) and e (its key and bin header, 5) of 16 sets.
  const plain = filterBytes({ ...DEFAULT_FILTER_SHAPE, directions: 1 }, 3);
  assert.equal(plain, 1 + 10 + 3 + 2 + 4 * 48 + 2 + 12);
  assert.equal(filterBytes(DEFAULT_FILTER_SHAPE, 3), plain + 3 + 5 + 4 * 4 * 48);
  const shape = (bytes: number, channels = 3): string => {
    const s = filterShapeFor(bytes, channels);
    return s === undefined ? 'none' : `${s.classes}x${s.directions}`;
  };
  assert.equal(shape(49_152), '4x5'); // 768×512 at 1 bpp
  assert.equal(shape(24_576), '2x5'); // at 0.5 bpp
  assert.equal(shape(12_288), '1x5'); // at 0.25 bpp
  assert.equal(shape(6144), '2x1'); // 192×128 at 2 bpp
  assert.equal(shape(3072), '1x1'); // at 1 bpp
  assert.equal(shape(1536), 'none'); // at 0.5 bpp
  assert.equal(shape(12_288, 1), '4x5'); // gray: 12 taps a set, 277 bytes for 4 × 5
});

test('the placeholder filter has the fitted one\'s size in the file, whatever the coefficients', () => {
  const file = readSnf(new Uint8Array(readFileSync(TILES_FIXTURE_SNF)));
  assert.ok(file.header.kind === 'image');
  const header = file.header;
  const networks = file.networks.map((n) => ({ region: [...n.region], arch: n.arch, tensors: n.tensors }));
  const placeholder = placeholderFilter(DEFAULT_FILTER_SHAPE, 3);
  const fitted = { ...placeholder, shift: 11, thresholds: Float32Array.from([0.01, 0.02, 0.5]), coefficients: Int8Array.from(placeholder.coefficients, (_, i) => ((i * 37) % 255) - 127) };
  const size = (filter: RestorationFilter): number => writeSnf({ header: { ...header, filter }, networks }).length;
  assert.equal(size(fitted), size(placeholder));
});

test('with the header deflated, the placeholder sizes the file near a fitted filter\'s, not as zeros would', () => {
  for (const fixture of [FILTER_FIXTURE_SNF, DIRECTION_FIXTURE_SNF]) {
    const file = readSnf(new Uint8Array(readFileSync(fixture)));
    const header = file.header;
    assert.ok(header.kind === 'image' && header.filter !== undefined);
    const fitted = header.filter;
    const networks = file.networks.map((n) => ({ region: [...n.region], arch: n.arch, tensors: n.tensors }));
    const shape = { radius: fitted.radius, cross: fitted.cross, classes: fitted.thresholds.length + 1, directions: fitted.directions ?? 1 };
    const size = (filter: RestorationFilter): number => writeSnf({ header: { ...header, filter }, networks, deflateHeader: true }).length;
    const miss = size(placeholderFilter(shape, 3)) - size(fitted);
    assert.ok(Math.abs(miss) <= 0.2 * filterBytes(shape, 3), `${fixture}: off by ${miss} bytes`);
  }
});

function codeOf(fn: () => unknown): SnfErrorCode | 'none' {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SnfFormatError, String(error));
    assert.ok(!error.message.includes('\n'));
    return error.code;
  }
  return 'none';
}

test('the reader refuses a filter that spec §3.10 forbids, and the writer refuses to write one', () => {
  const bytes = new Uint8Array(readFileSync(FILTER_FIXTURE_SNF));
  assert.equal(codeOf(() => readSnf(bytes)), 'none');
  const f32 = (...values: number[]): Uint8Array => new Uint8Array(Float32Array.from(values).buffer);
  const cases: [string, (h: Json) => void][] = [
    ['not a map', (h) => { h.filter = 3; }],
    ['radius 0', (h) => { h.filter.r = 0; }],
    ['radius 5', (h) => { h.filter.r = 5; }],
    ['cross over radius', (h) => { h.filter.x = h.filter.r + 1; }],
    ['shift 16', (h) => { h.filter.s = 16; }],
    ['shift missing', (h) => { delete h.filter.s; }],
    ['thresholds not a multiple of 4 bytes', (h) => { h.filter.t = new Uint8Array(3); }],
    ['thresholds not ascending', (h) => { h.filter.t = f32(0.5, 0.5); h.filter.c = new Uint8Array(3 * 3 * 16); }],
    ['threshold not finite', (h) => { h.filter.t = f32(Number.NaN); }],
    ['16 thresholds', (h) => { h.filter.t = f32(...Array.from({ length: 16 }, (_, k) => k)); h.filter.c = new Uint8Array(17 * 3 * 16); }],
    ['coefficients one short', (h) => { h.filter.c = h.filter.c.subarray(1); }],
    ['coefficients not binary', (h) => { h.filter.c = [1, 2]; }],
  ];
  for (const [name, mutate] of cases) assert.equal(codeOf(() => readSnf(withHeader(bytes, mutate))), 'BAD_HEADER', name);
  // Unknown keys of the map are ignored (§3.6).
  assert.equal(codeOf(() => readSnf(withHeader(bytes, (h) => { h.filter.later = 1; }))), 'none');
  const file = readSnf(bytes);
  const header = file.header;
  assert.ok(header.kind === 'image' && header.filter !== undefined);
  const networks = file.networks.map((n) => ({ region: [...n.region], arch: n.arch, tensors: n.tensors }));
  const bad = { ...header.filter, thresholds: Float32Array.from([2, 1]) };
  assert.equal(codeOf(() => writeSnf({ header: { ...header, filter: bad }, networks })), 'INVALID_ARGUMENT');
  const untyped = { ...header.filter, coefficients: [...header.filter.coefficients] as unknown as Int8Array };
  assert.equal(codeOf(() => writeSnf({ header: { ...header, filter: untyped }, networks })), 'INVALID_ARGUMENT');
});

test('direction classes in the file (x.5): d and e round-trip; c keeps direction 0, which a reader before x.5 applies everywhere', () => {
  const file = readSnf(new Uint8Array(readFileSync(FILTER_FIXTURE_SNF)));
  const header = file.header;
  assert.ok(header.kind === 'image' && header.filter !== undefined);
  const networks = file.networks.map((n) => ({ region: [...n.region], arch: n.arch, tensors: n.tensors }));
  const set = 3 * tapsPerChannel(3, 1, 3);
  const filter: RestorationFilter = {
    ...header.filter, directions: DIRECTIONS, coefficients: Int8Array.from({ length: 2 * DIRECTIONS * set }, (_, i) => ((i * 37) % 255) - 127),
  };
  const bytes = writeSnf({ header: { ...header, filter }, networks });
  assert.equal(bytes[9], 5);
  const back = readSnf(bytes).header;
  assert.ok(back.kind === 'image' && back.filter !== undefined);
  assert.equal(back.filter.directions, DIRECTIONS);
  assert.deepEqual(back.filter.coefficients, filter.coefficients);
  // What a 2.4 reader sees: `c` alone, direction 0 of each class.
  const older = readSnf(withHeader(bytes, (h) => { delete h.filter.d; delete h.filter.e; })).header;
  assert.ok(older.kind === 'image' && older.filter !== undefined && older.filter.directions === undefined);
  assert.deepEqual(older.filter.coefficients, Int8Array.from([...filter.coefficients.subarray(0, set), ...filter.coefficients.subarray(DIRECTIONS * set, (DIRECTIONS + 1) * set)]));
  const cases: [string, (h: Json) => void][] = [
    ['3 directions', (h) => { h.filter.d = 3; }],
    ['e missing', (h) => { delete h.filter.e; }],
    ['e one short', (h) => { h.filter.e = h.filter.e.subarray(1); }],
    ['e without d', (h) => { delete h.filter.d; }],
  ];
  for (const [name, mutate] of cases) assert.equal(codeOf(() => readSnf(withHeader(bytes, mutate))), 'BAD_HEADER', name);
});

test('encode with the filter: an x.4 file whose decode is what the encoder measured, above the field unfiltered; off leaves none', async () => {
  const { data, info } = await sharp(`${FIXTURES}/kodim-crop96.png`).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image: Raster = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
  // 96×96 at 3 bpp is 3.4 KB: room for one class within 3 % of it. No residual: the file holds the filter alone (x.4).
  const options = { bpp: 3, steps: 40, residual: 0 } as const;
  const filtered = await encodeImage(image, { ...options });
  assert.equal(filtered.filterClasses, 1);
  // Minor 4: a filter. Major 5: at a target rate the encoder writes steps per unit, with version 4's shared contexts
  // and deflated header (spec §2.2, §5.1, §6.8).
  assert.equal(filtered.bytes[9], 4);
  assert.equal(filtered.bytes[8], 5);
  assert.ok(filtered.psnr > filtered.unfilteredPsnr, `${filtered.unfilteredPsnr} -> ${filtered.psnr}`);
  assert.ok(filtered.bytes.length * 8 <= 3 * 96 * 96);
  const decoded = await decodeImage(filtered.bytes);
  assert.equal(psnr(image, decoded), filtered.psnr);
  const plain = await encodeImage(image, { ...options, filter: 'off' });
  assert.equal(plain.filterClasses, 0);
  assert.equal(plain.psnr, plain.unfilteredPsnr);
  const header = readSnf(plain.bytes).header;
  assert.ok(header.kind === 'image' && header.filter === undefined);
  await assert.rejects(encodeImage(image, { ...options, filter: 'on' as never }), /filter must be one of auto, off/);
  // A flat image leaves the filter nothing to take back; whether it is kept or not, the file says what the result does.
  const flat = await encodeImage({ ...image, data: new Uint8Array(image.data.length).fill(90) }, options);
  const flatHeader = readSnf(flat.bytes).header;
  assert.ok(flatHeader.kind === 'image');
  assert.equal(flatHeader.filter !== undefined, flat.filterClasses > 0);
  assert.equal(flat.bytes[9], flat.filterClasses > 0 ? 4 : 3);
});

test('snfc info names the filter, and --json gives its shape', () => {
  const text = snfc(['info', FILTER_FIXTURE_SNF]);
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /format: +snf 2\.4/);
  assert.match(text.stdout, /filter: +restoration, 2 classes, taps within 3 px \(1 px across channels\)/);
  const json = JSON.parse(snfc(['info', FILTER_FIXTURE_SNF, '--json']).stdout) as { filter?: unknown };
  assert.deepEqual(json.filter, { radius: 3, cross: 1, classes: 2, directions: 1 });
  const directions = snfc(['info', DIRECTION_FIXTURE_SNF]);
  assert.match(directions.stdout, /format: +snf 2\.5/);
  assert.match(directions.stdout, /filter: +restoration, 2 classes × 5 directions, taps within 3 px/);
  assert.doesNotMatch(snfc(['info', TILES_FIXTURE_SNF]).stdout, /filter:/);
});
