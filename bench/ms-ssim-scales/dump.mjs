// Writes raw 8-bit RGB for the MS-SSIM scale study (README.md): the source, the
// snf file's decode, and mozjpeg and WebP at the largest quality whose file
// is not larger than the snf file.
//   node bench/ms-ssim-scales/dump.mjs photo.snf photo.png OUT_DIR TAG
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../../dist/src/decoder/index.js';

const [snf, source, out, tag] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const bytes = readFileSync(snf);
const decoded = await decodeImage(new Uint8Array(bytes));
const { data, info } = await sharp(source).removeAlpha().raw().toBuffer({ resolveWithObject: true });
writeFileSync(path.join(out, `${tag}-src.raw`), data);
writeFileSync(path.join(out, `${tag}-snf.raw`), decoded.data);
const raw = { raw: { width: info.width, height: info.height, channels: 3 } };
const codecs = { jpeg: (p, q) => p.jpeg({ quality: q, mozjpeg: true }), webp: (p, q) => p.webp({ quality: q }) };
for (const [name, encode] of Object.entries(codecs)) {
  let best;
  for (let q = 1; q <= 100; q++) {
    const file = await encode(sharp(data, raw), q).toBuffer();
    if (file.length <= bytes.length) best = file;
  }
  writeFileSync(path.join(out, `${tag}-${name}.raw`), await sharp(best).removeAlpha().raw().toBuffer());
  console.log(`${name}: ${best.length} bytes`);
}
console.log(`${info.width}x${info.height}, snf ${bytes.length} bytes`);
