/**
 * The 16-bit study (docs/photos.md "Bit depth"): does a 16-bit source gain
 * from being fitted on its 16-bit samples, and from a 16-bit decode?
 *
 *   npm run build && nice -n 10 node dist/bench/study-16bit.js --images 03,07,20 --size 96 \
 *     --bpp 1,2,4 --seeds 1,2 --steps 1000 --out bench/results/study-16bit.jsonl
 *
 * Sources: 16-bit images with detail below an 8-bit step: each Kodak image
 * (8-bit, 768×512) reduced to `size`×`size`·2/3 by box averages in floating
 * point (8×8 source pixels at size 96, so the result holds 16-bit values),
 * and two synthetic smooth 16-bit fields (a sky and a studio backdrop,
 * where 8 bits band). For each source, rate and fit (on the 8-bit rounding of the
 * samples, or on the 16-bit samples) the decode is measured at 8 bits (×257)
 * and at 16 bits against the 16-bit source: PSNR with peak 65535, all channels.
 * One JSON line per encode, appended as it goes. The table of docs/photos.md:
 *
 *   node dist/bench/study-16bit.js --summary bench/results/study-16bit.jsonl
 */
import { appendFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../src/decoder/index.js';
import { encodeImage } from '../src/encoder/image/encode-image.js';
import type { Raster } from '../src/raster.js';

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1]! : fallback;
}

/** PSNR (dB) of `actual` against `source`, both on the 16-bit scale. */
function psnr16(source: Uint16Array, actual: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < source.length; i++) sum += (source[i]! - actual[i]!) ** 2;
  return sum === 0 ? Infinity : 10 * Math.log10((65535 * 65535) / (sum / source.length));
}

function raster16(width: number, height: number, data16: Uint16Array): Raster {
  return { width, height, channels: 3, data: Uint8Array.from(data16, (v) => Math.round(v / 257)), data16 };
}

/**
 * A Kodak image reduced by box averages of b×b pixels (b = 768 / width) in
 * floating point: each sample the mean of b² 8-bit ones, kept at 16 bits, as a
 * camera's high-bit output downsampled. (sharp resizes before it converts to
 * 16 bits, so its resize of an 8-bit file only holds 8-bit values.)
 */
async function kodak16(file: string, width: number, height: number): Promise<Raster> {
  const { data, info } = await sharp(file).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const box = Math.floor(info.width / width);
  if (box < 1 || box * height > info.height) throw new RangeError(`cannot reduce ${info.width}x${info.height} to ${width}x${height} by whole boxes`);
  const data16 = new Uint16Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = 0; dy < box; dy++) for (let dx = 0; dx < box; dx++) sum += data[3 * ((y * box + dy) * info.width + x * box + dx) + c]!;
        data16[3 * (y * width + x) + c] = Math.round((sum / (box * box)) * 257);
      }
    }
  }
  return raster16(width, height, data16);
}

/** A studio backdrop: a soft warm-gray radial falloff, as behind a portrait. */
function studio(width: number, height: number): Raster {
  const data16 = new Uint16Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const r = Math.hypot((x - 0.45 * width) / width, (y - 0.4 * height) / height);
      const v = 0.62 - 0.45 * r * r;
      [v * 1.04, v, v * 0.93].forEach((c, k) => { data16[3 * (y * width + x) + k] = Math.round(65535 * Math.max(0, Math.min(1, c))); });
    }
  }
  return raster16(width, height, data16);
}

/** A smooth sky: a vertical gradient from deep to pale blue with a faint warm glow, every value a 16-bit one. */
function sky(width: number, height: number): Raster {
  const data16 = new Uint16Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = y / (height - 1);
      const glow = Math.exp(-(((x - 0.7 * width) / (0.4 * width)) ** 2) - (((y - height) / (0.5 * height)) ** 2));
      const rgb = [0.25 + 0.35 * t + 0.2 * glow, 0.45 + 0.3 * t + 0.1 * glow, 0.8 + 0.1 * t];
      rgb.forEach((v, c) => { data16[3 * (y * width + x) + c] = Math.round(65535 * Math.min(1, v)); });
    }
  }
  return raster16(width, height, data16);
}

interface Line { image: string; bpp: number; fit: 8 | 16; decode8: number; decode16: number }

/** Mean PSNRs by kind of source (photos, smooth fields) and rate: the four fit × decode pairs, and the gains. */
function summary(file: string): string {
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Line);
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  const rows = ['| sources | bpp | n | fit 8, decode 8 | fit 8, decode 16 | fit 16, decode 8 | fit 16, decode 16 | decode 16 gain | fit 16 gain |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const [kind, test] of [['Kodak (photos)', (image: string) => image.startsWith('kodim')], ['smooth (sky, studio)', (image: string) => !image.startsWith('kodim')]] as const) {
    for (const bpp of [...new Set(lines.map((line) => line.bpp))].sort((a, b) => a - b)) {
      const at = (fit: 8 | 16) => lines.filter((line) => test(line.image) && line.bpp === bpp && line.fit === fit);
      const [f8, f16] = [at(8), at(16)];
      if (f8.length === 0 || f16.length === 0) continue;
      const cells = [mean(f8.map((l) => l.decode8)), mean(f8.map((l) => l.decode16)), mean(f16.map((l) => l.decode8)), mean(f16.map((l) => l.decode16))];
      const decodeGain = mean([...f8, ...f16].map((l) => l.decode16 - l.decode8));
      const fitGain = mean(f16.map((l) => l.decode16)) - mean(f8.map((l) => l.decode16));
      rows.push(`| ${kind} | ${bpp} | ${f8.length} | ${cells.map((c) => c.toFixed(2)).join(' | ')} | ${decodeGain >= 0 ? '+' : ''}${decodeGain.toFixed(3)} | ${fitGain >= 0 ? '+' : ''}${fitGain.toFixed(2)} |`);
    }
  }
  return rows.join('\n');
}

if (process.argv.includes('--summary')) {
  console.log(summary(flag('summary', 'bench/results/study-16bit.jsonl')));
  process.exit(0);
}

const size = Number(flag('size', '64'));
const width = size;
const height = Math.round((size * 2) / 3);
const images = flag('images', '03,07,20').split(',');
const rates = flag('bpp', '1,2,4').split(',').map(Number);
const steps = Number(flag('steps', '1000'));
const seeds = flag('seeds', '1').split(',').map(Number);
const out = flag('out', 'bench/results/study-16bit.jsonl');
const kodak = path.resolve(flag('kodak', '../shared/data/kodak'));

const sources: { name: string; image: Raster }[] = [
  ...(await Promise.all(images.map(async (id) => ({ name: `kodim${id}`, image: await kodak16(path.join(kodak, `kodim${id}.png`), width, height) })))),
  { name: 'sky', image: sky(width, height) },
  { name: 'studio', image: studio(width, height) },
];
const machine = `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, node ${process.version}`;
for (const { name, image } of sources) {
  const source = image.data16!;
  const ceiling8 = psnr16(source, Uint16Array.from(image.data, (v) => v * 257));
  for (const bpp of rates) {
    for (const seed of seeds) for (const fit of [8, 16] as const) {
      const input: Raster = fit === 16 ? image : { width: image.width, height: image.height, channels: image.channels, data: image.data };
      const started = performance.now();
      const result = await encodeImage(input, { bpp, steps, seed });
      const decoded = await decodeImage(result.bytes, {}, undefined, { sampleBits: 16 });
      const line = {
        image: name, size: `${image.width}x${image.height}`, bpp, steps, seed, fit, bytes: result.bytes.length,
        decode8: psnr16(source, Uint16Array.from(decoded.data, (v) => v * 257)), decode16: psnr16(source, decoded.data16!),
        encoderPsnr8: result.psnr, ceiling8, seconds: (performance.now() - started) / 1000, load: os.loadavg()[0], machine,
      };
      appendFileSync(out, JSON.stringify(line) + '\n');
      console.log(`${name} ${bpp} bpp seed ${seed} fit${fit}: decode8 ${line.decode8.toFixed(3)} decode16 ${line.decode16.toFixed(3)} dB (8-bit ceiling ${ceiling8.toFixed(2)})`);
    }
  }
}
