// Usage: node bench/pick-mean-networks.mjs FITTED_DIR MEAN_DIR OUT_DIR
// Session 67: where it plans a residual on an image of at most 256×256 pixels, the encoder finishes the file twice, on
// its fitted networks and on networks that hold the image's mean (the residual then takes the whole rate), and keeps the
// better decode by the residual's own ranking (`qualityOf` of `residualChoice`: PSNR + weight × MS-SSIM in dB under
// --tune balanced). This measures what the same choice would do at full size. FITTED_DIR holds
// `snfc bench` entries of the fitted files (an earlier table), MEAN_DIR the same images and rates encoded with the mean
// networks alone (a study build, docs/studies.md "Networks or the residual alone"). This writes to OUT_DIR/results.json
// the MEAN_DIR entries that the encoder would keep, ranked as it ranks them, for bench/merge-results.mjs to put first;
// and prints each pair. Needs `npm run build` (it ranks through the encoder's own code).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { residualChoice } from '../dist/src/encoder/image/residual-choice.js';
import { regionDetail } from '../dist/src/encoder/image/tile-widths.js';
import { msSsimDb } from '../dist/src/metrics/ms-ssim.js';
import { writeOutputAtomically } from '../dist/src/node/files.js';

const [fittedDir, meanDir, out] = process.argv.slice(2);
if (!fittedDir || !meanDir || !out) {
  console.error('usage: node bench/pick-mean-networks.mjs FITTED_DIR MEAN_DIR OUT_DIR');
  process.exit(2);
}
const runOf = (dir) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
const entries = (dir) => runOf(dir).entries.filter((entry) => entry.codec === 'snf');
const fitted = new Map(entries(fittedDir).map((entry) => [entry.key, entry]));
const details = new Map();
const detailOf = async (image) => {
  if (!details.has(image)) {
    const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const raster = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
    details.set(image, regionDetail(raster, [0, 0, info.width, info.height]));
  }
  return details.get(image);
};
// The score `qualityOf` gives a decode, from the bench's PSNR and MS-SSIM of the same decode.
const score = (entry, choice) => {
  if (choice.by === 'psnr') return entry.psnr;
  if (choice.by === 'ms-ssim') return entry.msssim;
  return entry.psnr + (choice.msSsimWeight ?? 1) * msSsimDb(entry.msssim);
};
const picked = [];
for (const mean of entries(meanDir)) {
  const other = fitted.get(mean.key);
  if (other === undefined) continue;
  const choice = residualChoice(mean.settings?.tune ?? 'balanced', await detailOf(mean.image), mean.targetBpp);
  const gain = score(mean, choice) - score(other, choice);
  console.log(`${mean.image} ${mean.targetBpp} bpp: fitted ${other.psnr.toFixed(2)} dB ${other.msssim.toFixed(4)}, mean ${mean.psnr.toFixed(2)} dB ${mean.msssim.toFixed(4)}, score ${gain >= 0 ? '+' : ''}${gain.toFixed(3)}${gain > 0 ? ' mean kept' : ''}`);
  if (gain > 0) picked.push(mean);
}
mkdirSync(out, { recursive: true });
const { tool, version } = runOf(meanDir);
await writeOutputAtomically(join(out, 'results.json'), new TextEncoder().encode(JSON.stringify({ tool, version, entries: picked })));
console.log(`${picked.length} of the mean networks' entries kept -> ${join(out, 'results.json')}`);
