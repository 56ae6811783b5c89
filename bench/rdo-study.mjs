// node bench/rdo-study.mjs [images] [rates] [strengths]: rate–distortion rounding (FitSettings.rdo) against
// nearest rounding, on 192×128 native crops (the centre of each Kodak image, one network, default passes).
// The fit does not depend on the rounding, so each row differs only in the quantization. Prints JSON lines.
// The option it sets (rdo) exists at commit c8f8f9d only: it gave nothing and was removed (docs/studies.md).
import sharp from 'sharp';
import { encodeImage } from '../dist/src/encoder/image/encode-image.js'; // run from the repository root after npm run build
const images = (process.argv[2] ?? '07,03,13,20').split(',');
const rates = (process.argv[3] ?? '0.5,1').split(',').map(Number);
const strengths = (process.argv[4] ?? '0,0.06,0.116,0.2,0.35').split(',').map(Number);
for (const id of images) {
  const { data, info } = await sharp(`../shared/data/kodak/kodim${id}.png`).extract({ left: 288, top: 192, width: 192, height: 128 }).raw().toBuffer({ resolveWithObject: true });
  const image = { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data) };
  for (const bpp of rates) {
    for (const rdo of strengths) {
      const result = await encodeImage(image, { bpp, rdo, tiles: { columns: 1, rows: 1 } });
      console.log(JSON.stringify({ image: id, bpp, rdo, bytes: result.bytes.length, realBpp: +(result.bytes.length * 8 / (192 * 128)).toFixed(4), psnr: +result.psnr.toFixed(3), width: result.arch.width, steps: result.steps, seconds: +result.seconds.toFixed(1) }));
    }
  }
}
