// The demo's pictures: small crops of Kodak images (../shared/data/kodak, or
// $SNFC_KODAK), each encoded to .snf at 1 bpp, and a JPEG (mozjpeg) and a
// WebP of the same crop at the highest quality whose file is no larger than
// the .snf. Made once into dist/demo/ (not committed) and reused.
//
// Usage: node demo/assets.mjs   (demo/server.mjs runs it when dist/demo/assets.json is missing)
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ASSET_DIR = join(root, 'dist', 'demo');
const KODAK = process.env.SNFC_KODAK ?? join(root, '..', 'shared', 'data', 'kodak');
/** Crop [left, top] of 192×128 pixels from each 768×512 image: faces, text and texture. */
const CROPS = [
  { name: 'kodim03', left: 280, top: 100 },
  { name: 'kodim15', left: 300, top: 120 },
  { name: 'kodim05', left: 300, top: 200 },
];
const WIDTH = 192;
const HEIGHT = 128;
/** Fit passes per crop: fewer than the CLI's 1000, so the demo starts in about a minute. */
const STEPS = 300;

/** The largest quality in 1 … 100 whose encoding is at most `budget` bytes (or quality 1). */
async function atMost(budget, encode) {
  let lo = 1;
  let hi = 100;
  let best = await encode(1);
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const bytes = await encode(mid);
    if (bytes.length <= budget) {
      best = bytes;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

/** PSNR (dB) of the JPEG and WebP of crop `name` against its PNG. */
async function comparePsnr(name) {
  const { psnr } = await import('../dist/src/metrics/psnr.js');
  const raster = async (file) => {
    const { data, info } = await sharp(join(ASSET_DIR, file)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data) };
  };
  const original = await raster(`${name}.png`);
  return {
    jpgPsnr: Number(psnr(original, await raster(`${name}.jpg`)).toFixed(2)),
    webpPsnr: Number(psnr(original, await raster(`${name}.webp`)).toFixed(2)),
  };
}

async function write(file, bytes) {
  await writeFile(`${file}.tmp`, bytes);
  await rename(`${file}.tmp`, file);
}

/** Makes (or reads) the demo assets; returns the list the page shows. */
export async function demoAssets(log = console.log) {
  const listFile = join(ASSET_DIR, 'assets.json');
  if (existsSync(listFile)) return JSON.parse(await readFile(listFile, 'utf8'));
  const { encodeImage } = await import('../dist/src/index.js');
  await mkdir(ASSET_DIR, { recursive: true });
  const list = [];
  for (const { name, left, top } of CROPS) {
    const itemFile = join(ASSET_DIR, `${name}.json`);
    if (existsSync(itemFile)) {
      const item = JSON.parse(await readFile(itemFile, 'utf8'));
      if (item.jpgPsnr === undefined) {
        Object.assign(item, await comparePsnr(name));
        await write(itemFile, JSON.stringify(item));
      }
      list.push(item);
      continue;
    }
    const source = join(KODAK, `${name}.png`);
    if (!existsSync(source)) throw new Error(`demo: ${source} is missing (set SNFC_KODAK to the Kodak folder)`);
    const crop = sharp(source).extract({ left, top, width: WIDTH, height: HEIGHT });
    const { data, info } = await crop.clone().raw().toBuffer({ resolveWithObject: true });
    log(`demo: encoding ${name} ${WIDTH}x${HEIGHT} crop at 1 bpp (${STEPS} steps)…`);
    const result = await encodeImage({ width: WIDTH, height: HEIGHT, channels: info.channels, data: new Uint8Array(data) }, { bpp: 1, steps: STEPS });
    const snf = result.bytes;
    const jpg = await atMost(snf.length, (quality) => crop.clone().jpeg({ quality, mozjpeg: true }).toBuffer());
    const webp = await atMost(snf.length, (quality) => crop.clone().webp({ quality }).toBuffer());
    await write(join(ASSET_DIR, `${name}.snf`), snf);
    await write(join(ASSET_DIR, `${name}.jpg`), jpg);
    await write(join(ASSET_DIR, `${name}.webp`), webp);
    await write(join(ASSET_DIR, `${name}.png`), await crop.clone().png().toBuffer());
    const item = { name, width: WIDTH, height: HEIGHT, snf: snf.length, jpg: jpg.length, webp: webp.length, psnr: Number(result.psnr.toFixed(2)), ...(await comparePsnr(name)) };
    await write(itemFile, JSON.stringify(item));
    list.push(item);
  }
  await write(listFile, JSON.stringify(list, null, 2));
  return list;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await demoAssets();
