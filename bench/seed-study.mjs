// node bench/seed-study.mjs images rates seeds: 192x128 native centre crops, one network, defaults but the seed.
// A study build may read settings from SNFC_STUDY_* variables (the Adam study's patch, docs/studies.md); each
// one set is copied into the JSON lines, SNFC_STUDY_BETA1 as beta1, so that runs of several settings can share a file.
import sharp from 'sharp';
const images = process.argv[2].split(',');
const rates = process.argv[3].split(',').map(Number);
const seeds = process.argv[4].split(',').map(Number);
const study = Object.fromEntries(
  Object.entries(process.env)
    .filter(([name]) => name.startsWith('SNFC_STUDY_'))
    .map(([name, value]) => [name.slice('SNFC_STUDY_'.length).toLowerCase(), Number(value)]),
);
const { encodeImage } = await import('../dist/src/encoder/image/encode-image.js');
for (const id of images) {
  const { data, info } = await sharp(`../shared/data/kodak/kodim${id}.png`).extract({ left: 288, top: 192, width: 192, height: 128 }).raw().toBuffer({ resolveWithObject: true });
  const image = { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data) };
  for (const bpp of rates) for (const seed of seeds) {
    const t = Date.now();
    const r = await encodeImage(image, { bpp, seed, tiles: { columns: 1, rows: 1 } });
    console.log(JSON.stringify({ image: id, bpp, seed, ...study, width: r.arch.width, psnr: +r.psnr.toFixed(3), bytes: r.bytes.length, actualBpp: +(r.bytes.length * 8 / (192 * 128)).toFixed(4), s: (Date.now() - t) / 1000 }));
  }
}
