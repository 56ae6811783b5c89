// PNG → raw 8-bit RGB for the numpy study beside it: node to-raw.mjs in.png out.raw (prints "width height").
import sharp from 'sharp';
import { writeFileSync } from 'node:fs';
const [input, output] = process.argv.slice(2);
const { data, info } = await sharp(input).removeAlpha().raw().toBuffer({ resolveWithObject: true });
writeFileSync(output, data);
console.log(info.width, info.height);
