// node bench/seed-study.mjs images rates seeds: 192x128 native centre crops, one network, defaults but the seed.
import sharp from 'sharp';
const images = process.argv[2].split(',');
const rates = process.argv[3].split(',').map(Number);
const seeds = process.argv[4].split(',').map(Number);
const { encodeImage } = await import('../dist/src/encoder/encode-image.js');
for (const id of images) {
  const { data, info } = await sharp(`../shared/data/kodak/kodim${id}.png`).extract({ left: 288, top: 192, width: 192, height: 128 }).raw().toBuffer({ resolveWithObject: true });
  const image = { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data) };
  for (const bpp of rates) for (const seed of seeds) {
    const t = Date.now();
    const r = await encodeImage(image, { bpp, seed, tiles: { columns: 1, rows: 1 } });
    console.log(JSON.stringify({ image: id, bpp, seed, width: r.arch.width, psnr: +r.psnr.toFixed(3), actualBpp: +(r.bytes.length * 8 / (192 * 128)).toFixed(4), s: (Date.now() - t) / 1000 }));
  }
}
