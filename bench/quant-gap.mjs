// node bench/quant-gap.mjs [images] [rates]: how much PSNR quantization costs, and what the fine-tuning gives back: a 192×128 native crop (one network) at a target rate,
// against the same network width at 16 bits (about the float fit), and without fine-tuning.
import sharp from 'sharp';
import { encodeImage } from '../dist/src/encoder/image/encode-image.js'; // run from the repository root after npm run build
const images = (process.argv[2] ?? '07,03,13,20').split(',');
const rates = (process.argv[3] ?? '0.5,1').split(',').map(Number);
for (const id of images) {
  const { data, info } = await sharp(`../shared/data/kodak/kodim${id}.png`).extract({ left: 288, top: 192, width: 192, height: 128 }).raw().toBuffer({ resolveWithObject: true });
  const image = { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data) };
  for (const bpp of rates) {
    const base = { tune: 'psnr', tiles: { columns: 1, rows: 1 } };
    // `coded`: with the fine-tuning that was the default until session 8 (10 % of the 1000 passes).
    const coded = await encodeImage(image, { ...base, bpp, qatSteps: 100 });
    const noQat = await encodeImage(image, { ...base, bpp, qatSteps: 0 });
    const float = await encodeImage(image, { ...base, width: coded.arch.width, bits: 16 });
    console.log(JSON.stringify({ image: id, bpp, width: coded.arch.width, coded: +coded.psnr.toFixed(2), noQat: +noQat.psnr.toFixed(2), bits16: +float.psnr.toFixed(2), bits16Bpp: +(float.bytes.length * 8 / (192 * 128)).toFixed(2) }));
  }
}
