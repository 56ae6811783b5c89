// node bench/gptq-study.mjs [images] [rates] [crop] [options JSON] (commit of the prototype only): nearest rounding against GPTQ rounding
// (src/encoder/gptq-rounding.ts, switched on by SNF_ROUNDING=gptq) on the same fit, a native centre crop, one row per image and rate.
import sharp from 'sharp';
import { encodeImage } from '../dist/src/encoder/encode-image.js';
const images = (process.argv[2] ?? '07,03,13,20').split(',');
const rates = (process.argv[3] ?? '0.5,1').split(',').map(Number);
const [cw, ch] = (process.argv[4] ?? '192x128').split('x').map(Number);
const extra = JSON.parse(process.argv[5] ?? '{}');
for (const id of images) {
  const { data, info } = await sharp(`../shared/data/kodak/kodim${id}.png`).extract({ left: 384 - cw / 2, top: 256 - ch / 2, width: cw, height: ch }).raw().toBuffer({ resolveWithObject: true });
  const image = { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data) };
  for (const bpp of rates) {
    const row = { image: id, bpp };
    for (const mode of ['nearest', 'gptq']) {
      process.env.SNF_ROUNDING = mode;
      const t = Date.now();
      const r = await encodeImage(image, { bpp, ...extra });
      row[mode] = { psnr: +r.psnr.toFixed(3), bytes: r.bytes.length, s: (Date.now() - t) / 1000 };
    }
    row.gain = +(row.gptq.psnr - row.nearest.psnr).toFixed(3);
    console.log(JSON.stringify(row));
  }
}
