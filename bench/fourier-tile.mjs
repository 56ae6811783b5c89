// node bench/fourier-tile.mjs: smooth 192x128 native tiles, one network, the plan's width for each Fourier level at one rate.
import sharp from 'sharp';
const { encodeImage } = await import('../dist/src/encoder/image/encode-image.js');
const tiles = JSON.parse(process.argv[2]); // [[id,left,top],...]
const rates = process.argv[3].split(',').map(Number);
const levels = process.argv[4].split(',').map(Number);
for (const [id, left, top] of tiles) {
  const { data, info } = await sharp(`../shared/data/kodak/kodim${id}.png`).extract({ left, top, width: 192, height: 128 }).raw().toBuffer({ resolveWithObject: true });
  const image = { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data) };
  for (const bpp of rates) for (const fourier of levels) {
    const t = Date.now();
    const r = await encodeImage(image, { bpp, fourier, tiles: { columns: 1, rows: 1 } });
    console.log(JSON.stringify({ image: id, left, top, bpp, fourier, width: r.arch.width, psnr: +r.psnr.toFixed(3), actualBpp: +(r.bytes.length * 8 / (192 * 128)).toFixed(4), s: (Date.now() - t) / 1000 }));
  }
}
