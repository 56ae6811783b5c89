#!/usr/bin/env node
// Builds the small .snf fixtures and their reference decodes (run `npm run build` first):
//   fixtures/kodim-crop32.snf                  format 1.0: the 32×32 crop, plain coordinates (width 10, depth 2)
//   fixtures/kodim-crop32-fourier.snf          format 2.0: the same crop with Fourier inputs (2 levels)
//   fixtures/kodim-crop32-tiles.snf            format 2.3: 2×2 tiles blended over 2 px, compact tensor tables
//   fixtures/kodim-crop32-filter.snf           format 2.4: the tiles file with a restoration filter (spec §3.10)
//                                              fitted by the encoder's fit (2 classes; encode's auto leaves
//                                              a file this small without one: it would be over 3 % of it)
//   fixtures/kodim-crop32-filter-dir.snf       format 2.5: the same with direction classes (2 activity × 5 directions)
//   fixtures/kodim-crop32-deflated.snf         format 3.5: the 2.5 file with its header deflated (spec §2.2)
//   fixtures/kodim-crop32-shared.snf           format 4.5: the 2.5 file with shared contexts (spec §6.8), header deflated
//   fixtures/kodim-crop32-residual.snf         format 4.6: the 4.5 file with a DCT residual (spec §3.11) fitted by the
//                                              encoder's fit in 160 bytes
//   fixtures/kodim-crop32-graded.snf           format 4.7: the same with a residual at a graded step (`g` = 32)
//   fixtures/kodim-crop32-adaptive.snf         format 4.8: the same with adaptive steps too (`a` = 10, `e` = 8)
//   fixtures/kodim-shore32-cuts.snf            format 4.9: a 32×32 crop of kodim16's shoreline in 2×2 tiles blended
//                                              over 2 px, whose middle row the encoder moved off the shore (a grid
//                                              with cuts, spec §3.5)
//   fixtures/kodim-crop32-units.snf            format 5.3: the crop in 2×2 tiles at 8 bpp (depth 2, 150 passes), whose
//                                              networks the encoder quantized with steps per unit (spec §5.1)
//   fixtures/kodim-crop32-final.snf            format 4.10: the 4.8 file with a final filter after its residual (spec §3.12)
//   fixtures/kodim-crop32-clipped.snf          format 4.11: the same final filter fitted with clipped taps (spec §3.13)
//                                              fitted by the encoder's fit (radius 2, 2 activity × 5 directions)
//   fixtures/kodim-crop32-all.snf              format 5.11: the units file with a restoration filter (direction classes),
//                                              an adaptive residual and a final filter with clipped taps: every image
//                                              feature in the format the encoder writes
//   fixtures/<name>.decoded.png                what the reference decoder renders from each at 32×32
// The .snf files are frozen: tests check that decoding them still gives the PNGs (±1 per sample,
// spec §4.5), and the fuzz tests start from them. Rerun only to replace them; name the ones to make
// (the first two were written by older encoders, in the older formats: keep them).
//   node scripts/make-snf-fixture.mjs [name ...]      (default: all)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { decodeField, decodeImage } from '../dist/src/decoder/index.js';
import { readSnf, writeSnf } from '../dist/src/format/index.js';
import { fitFilter } from '../dist/src/encoder/image/filter-fit.js';
import { fitResidual, RESIDUAL_SHAPES } from '../dist/src/encoder/residual/residual-fit.js';
import { applyRestorationFilter } from '../dist/src/kernels/post-filter.js';
import { correctedField } from '../dist/src/kernels/render.js';

const fixtures = [
  ['kodim-crop32', ['--fourier', '0', '--metadata']],
  ['kodim-crop32-fourier', ['--fourier', '2']],
  ['kodim-crop32-tiles', ['--fourier', '2', '--tiles', '2x2', '--overlap', '2', '--filter', 'off']],
  ['kodim-shore32-cuts', ['--fourier', '2', '--tiles', '2x2', '--overlap', '2', '--filter', 'off', '--tile-edges', 'content'], 'fixtures/kodim-shore32.png'],
];
const wanted = process.argv.slice(2);
for (const [name, flags, source = 'fixtures/kodim-crop32.png'] of fixtures.filter(([name]) => wanted.length === 0 || wanted.includes(name))) {
  const snf = `fixtures/${name}.snf`;
  const png = `fixtures/${name}.decoded.png`;
  execFileSync(process.execPath, [
    'bin/snfc.js', 'encode', source, '-o', snf,
    '--width', '10', '--depth', '2', '--steps', '150', '--seed', '1', ...flags, '--quiet', '--force',
  ], { stdio: 'inherit' });
  await writeReferenceDecode(name);
}
// Steps per unit come with a target rate (the encoder's rate control sets them), so this one is encoded at one.
if (wanted.length === 0 || wanted.includes('kodim-crop32-units')) {
  execFileSync(process.execPath, [
    'bin/snfc.js', 'encode', 'fixtures/kodim-crop32.png', '-o', 'fixtures/kodim-crop32-units.snf', '--bpp', '8', '--depth', '2', '--steps', '150',
    '--seed', '1', '--fourier', '2', '--tiles', '2x2', '--overlap', '2', '--filter', 'off', '--residual', '0', '--quiet', '--force',
  ], { stdio: 'inherit' });
  await writeReferenceDecode('kodim-crop32-units');
}
const filtered = [['kodim-crop32-filter', 1], ['kodim-crop32-filter-dir', 5]];
for (const [name, directions] of filtered.filter(([name]) => wanted.length === 0 || wanted.includes(name))) {
  const source = await sharp('fixtures/kodim-crop32.png').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = { width: source.info.width, height: source.info.height, channels: 3, data: new Uint8Array(source.data) };
  const tiles = new Uint8Array(readFileSync('fixtures/kodim-crop32-tiles.snf'));
  const file = readSnf(tiles);
  const field = await decodeField(tiles);
  const filter = fitFilter(field, image, { radius: 3, cross: 1, classes: 2, directions });
  const tensors = file.networks.map((n) => ({ region: [...n.region], arch: n.arch, tensors: n.tensors }));
  writeFileSync(`fixtures/${name}.snf`, writeSnf({ header: { ...file.header, filter }, networks: tensors }));
  await writeReferenceDecode(name);
}

if (wanted.length === 0 || wanted.includes('kodim-crop32-deflated')) {
  const file = readSnf(new Uint8Array(readFileSync('fixtures/kodim-crop32-filter-dir.snf')));
  const networks = file.networks.map((n) => ({ region: [...n.region], arch: n.arch, tensors: n.tensors }));
  writeFileSync('fixtures/kodim-crop32-deflated.snf', writeSnf({ header: file.header, networks, deflateHeader: true }));
  await writeReferenceDecode('kodim-crop32-deflated');
}

if (wanted.length === 0 || wanted.includes('kodim-crop32-shared')) {
  const file = readSnf(new Uint8Array(readFileSync('fixtures/kodim-crop32-filter-dir.snf')));
  const networks = file.networks.map((n) => ({ region: [...n.region], arch: n.arch, tensors: n.tensors }));
  writeFileSync('fixtures/kodim-crop32-shared.snf', writeSnf({ header: file.header, networks, sharedContexts: true }));
  await writeReferenceDecode('kodim-crop32-shared');
}

// The residual's fixtures: the encoder's fit (uniform step, 4.6), one at a graded step (4.7, spec §3.11 `g`) and one
// whose steps also grow with the field's activity (4.8, `a` and `e`).
const uniform = { shapes: RESIDUAL_SHAPES.filter((shape) => shape.gradient === 0), by: 'psnr' };
const residuals = [
  ['kodim-crop32-residual', uniform],
  ['kodim-crop32-graded', { shapes: [{ count: 64, gradient: 32 }], by: 'psnr' }],
  ['kodim-crop32-adaptive', { shapes: [{ count: 64, gradient: 32, adaptive: { sigma: 10, exponent: 8 } }], by: 'psnr', rdo: 0.12 }],
];
for (const [name, choice] of residuals.filter(([name]) => wanted.length === 0 || wanted.includes(name))) {
  const source = await sharp('fixtures/kodim-crop32.png').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = { width: source.info.width, height: source.info.height, channels: 3, data: new Uint8Array(source.data) };
  const shared = new Uint8Array(readFileSync('fixtures/kodim-crop32-shared.snf'));
  const file = readSnf(shared);
  const field = await decodeField(shared);
  const { residual } = fitResidual(image, { ...field, values: applyRestorationFilter(field, file.header.filter, { x: 1, y: 1 }) }, 160, choice);
  const networks = file.networks.map((n) => ({ region: [...n.region], arch: n.arch, tensors: n.tensors }));
  writeFileSync(`fixtures/${name}.snf`, writeSnf({ header: { ...file.header, residual }, networks, sharedContexts: true }));
  await writeReferenceDecode(name);
}

// The final filter (4.10, spec §3.12): fitted, as the encoder fits it, to the adaptive file's decode after its residual;
// and the same fitted with clipped taps (4.11, spec §3.13).
for (const [name, clipped] of [['kodim-crop32-final', false], ['kodim-crop32-clipped', true]]) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const source = await sharp('fixtures/kodim-crop32.png').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = { width: source.info.width, height: source.info.height, channels: 3, data: new Uint8Array(source.data) };
  const adaptive = new Uint8Array(readFileSync('fixtures/kodim-crop32-adaptive.snf'));
  const file = readSnf(adaptive);
  const field = await decodeField(adaptive);
  const corrected = { ...field, values: correctedField(field, { x: 1, y: 1 }, { filter: file.header.filter, residual: file.header.residual }) };
  const finalFilter = fitFilter(corrected, image, { radius: 2, cross: 0, classes: 2, directions: 5, clipped });
  const networks = file.networks.map((n) => ({ region: [...n.region], arch: n.arch, tensors: n.tensors }));
  writeFileSync(`fixtures/${name}.snf`, writeSnf({ header: { ...file.header, finalFilter }, networks, sharedContexts: true }));
  await writeReferenceDecode(name);
}

// Every image feature at once in the format the encoder writes (5.11, session 71): the units file's networks
// (steps per unit, 5.3), a restoration filter with direction classes fitted to their field, an adaptive residual fitted
// after it, and a final filter with clipped taps fitted after that, shared contexts and a deflated header.
if (wanted.length === 0 || wanted.includes('kodim-crop32-all')) {
  const source = await sharp('fixtures/kodim-crop32.png').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = { width: source.info.width, height: source.info.height, channels: 3, data: new Uint8Array(source.data) };
  const units = new Uint8Array(readFileSync('fixtures/kodim-crop32-units.snf'));
  const file = readSnf(units);
  const field = await decodeField(units);
  const filter = fitFilter(field, image, { radius: 2, cross: 1, classes: 2, directions: 5 });
  const choice = { shapes: [{ count: 64, gradient: 32, adaptive: { sigma: 10, exponent: 8 } }], by: 'psnr', rdo: 0.12, chroma: 10 };
  const { residual } = fitResidual(image, { ...field, values: applyRestorationFilter(field, filter, { x: 1, y: 1 }) }, 200, choice);
  const corrected = { ...field, values: correctedField(field, { x: 1, y: 1 }, { filter, residual }) };
  const finalFilter = fitFilter(corrected, image, { radius: 1, cross: 0, classes: 4, directions: 1, clipped: true });
  const networks = file.networks.map((n) => ({ region: [...n.region], arch: n.arch, tensors: n.tensors, unitScales: n.unitScales }));
  writeFileSync('fixtures/kodim-crop32-all.snf', writeSnf({ header: { ...file.header, filter, residual, finalFilter }, networks, sharedContexts: true }));
  await writeReferenceDecode('kodim-crop32-all');
}

async function writeReferenceDecode(name) {
  const snf = `fixtures/${name}.snf`;
  const png = `fixtures/${name}.decoded.png`;
  const image = await decodeImage(new Uint8Array(readFileSync(snf)));
  await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .png({ compressionLevel: 9 }).toFile(png);
  console.log(`${snf} (${readFileSync(snf).length} bytes) and ${png} (${image.width}x${image.height}, ${image.channels} channels)`);
}
