// The whole-image detail the encoder plans a photo with (regionDetail over the image: what picks its residual's share,
// its bits per weight, and the busy and smooth groups of docs/studies.md), one line a photo:
//   npm run build && node bench/image-detail.mjs ../shared/data/kodak/kodim*.png
import sharp from 'sharp';
import { regionDetail } from '../dist/src/encoder/image/tile-widths.js';

for (const file of process.argv.slice(2)) {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const image = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
  console.log(`${file} ${regionDetail(image, [0, 0, info.width, info.height]).toFixed(0)}`);
}
