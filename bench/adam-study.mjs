// node bench/adam-study.mjs IMAGES RATES SEEDS   with SNFC_STUDY_BETA1 / SNFC_STUDY_BETA2 set (a study build only:
// adam.ts of the study worktree reads them; the shipped encoder has no such switch).
// 192x128 native centre crops of Kodak, one network, the defaults but Adam's betas and the seed; one JSON line each.
import sharp from 'sharp';
const images = process.argv[2].split(',');
const rates = process.argv[3].split(',').map(Number);
const seeds = process.argv[4].split(',').map(Number);
const { encodeImage } = await import('../dist/src/encoder/encode-image.js');
const beta1 = Number(process.env.SNFC_STUDY_BETA1 ?? 0.9), beta2 = Number(process.env.SNFC_STUDY_BETA2 ?? 0.999);
for (const id of images) {
  const { data, info } = await sharp(`../shared/data/kodak/kodim${id}.png`).extract({ left: 288, top: 192, width: 192, height: 128 }).raw().toBuffer({ resolveWithObject: true });
  const image = { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data) };
  for (const bpp of rates) for (const seed of seeds) {
    const t = Date.now();
    const r = await encodeImage(image, { bpp, seed, tiles: { columns: 1, rows: 1 } });
    console.log(JSON.stringify({ image: id, bpp, seed, beta1, beta2, width: r.arch.width, psnr: +r.psnr.toFixed(3), bytes: r.bytes.length, s: (Date.now() - t) / 1000 }));
  }
}
