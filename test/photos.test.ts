/**
 * Photos as people have them (docs/photos.md): EXIF orientation, ICC
 * profiles, CMYK, 16 bits, alpha, animations, SVG, and metadata kept
 * through encode and decode. Fixtures are made with sharp here, tiny.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import { encodeImageFile, readPhoto } from '../src/io/image-io.js';
import { decodeImage } from '../src/decoder/index.js';
import { encodeImage, EncodeOptionsError } from '../src/encoder/image/encode-image.js';
import { psnr } from '../src/metrics/psnr.js';
import { exifTiffStructure, exifOrientation } from '../src/photo/exif.js';
import type { Raster } from '../src/raster.js';
import { snfc, tempDir } from './helpers/cli.js';
import { grayProfile } from './helpers/gray-icc.js';

const W = 24;
const H = 16;

/** An asymmetric RGB pattern: any turn or flip of it is far from it (and from the other turns). */
function pattern(width = W, height = H): Buffer {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      px[i] = Math.round((255 * x) / (width - 1));
      px[i + 1] = Math.round((255 * y) / (height - 1));
      px[i + 2] = x < width / 3 && y < height / 2 ? 230 : 40;
    }
  }
  return px;
}

const rawInput = (px: Buffer, width = W, height = H, channels: 3 | 4 = 3) => sharp(px, { raw: { width, height, channels } });

async function rawOf(input: Sharp): Promise<Raster> {
  const { data, info } = await input.raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels as Raster['channels'], data: new Uint8Array(data) };
}

/** Encodes in process: a small fixed network, few steps. */
async function roundTrip(image: Raster, photoMetadata = {}): Promise<{ decoded: Raster; psnr: number; bytes: Uint8Array }> {
  const result = await encodeImage(image, { width: 16, depth: 2, steps: 150, photoMetadata });
  return { decoded: await decodeImage(result.bytes), psnr: result.psnr, bytes: result.bytes };
}

test('EXIF orientation 1–8: read upright as sharp(input).rotate() shows it, and decoded within the codec error of it', async () => {
  for (let orientation = 1; orientation <= 8; orientation++) {
    // The same stored pixels, shown turned or flipped as the tag says.
    const jpeg = await rawInput(pattern()).withMetadata({ orientation }).jpeg({ quality: 95 }).toBuffer();
    const photo = await readPhoto(jpeg, 'o.jpg');
    const viewed = await rawOf(sharp(jpeg).rotate());
    assert.deepEqual([photo.image.width, photo.image.height], [viewed.width, viewed.height], `orientation ${orientation}`);
    assert.deepEqual(photo.image.data, viewed.data, `orientation ${orientation}: pixels`);
    const { decoded, psnr: encoded } = await roundTrip(photo.image);
    assert.deepEqual([decoded.width, decoded.height], [viewed.width, viewed.height]);
    assert.ok(Math.abs(psnr(viewed, decoded) - encoded) < 1e-9, 'the encoder measures against the upright image');
    assert.ok(encoded > 20, `orientation ${orientation}: ${encoded.toFixed(2)} dB`);
    // Against the stored (unturned) pixels it is far off whenever they differ.
    const stored = await rawOf(sharp(jpeg));
    if (stored.width === decoded.width && orientation !== 1) assert.ok(psnr(stored, decoded) < encoded - 6, `orientation ${orientation} not applied`);
  }
  // --no-auto-orient keeps the stored pixels.
  const six = await rawInput(pattern()).withMetadata({ orientation: 6 }).jpeg().toBuffer();
  const kept = await readPhoto(six, 'o.jpg', { autoOrient: false });
  assert.deepEqual([kept.image.width, kept.image.height], [W, H]);
});

test('a Display P3 JPEG decodes to the colours a colour-managed viewer shows, not to its P3 numbers read as sRGB', async () => {
  const colours = Buffer.alloc(W * H * 3);
  // Smooth, with saturated corners: red, green and blue where P3 and sRGB numbers differ most.
  for (let i = 0; i < W * H; i++) {
    const x = (i % W) / (W - 1);
    const y = Math.floor(i / W) / (H - 1);
    colours.set([255 * x * (1 - y), 255 * (1 - x) * (1 - y), 255 * y].map(Math.round), 3 * i);
  }
  const p3 = await rawInput(colours).withIccProfile('p3').jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toBuffer();
  assert.ok((await sharp(p3).metadata()).icc!.length > 0);
  const managed = await rawOf(sharp(p3).toColourspace('srgb')); // what a colour-managed viewer shows, in sRGB
  const numbers = await rawOf(sharp(p3).keepIccProfile()); // the P3 values, as a viewer without colour management shows them
  assert.ok(psnr(managed, numbers) < 25, 'the fixture is wide-gamut enough to tell the two apart');
  const photo = await readPhoto(p3, 'p3.jpg');
  const { decoded, psnr: encoded } = await roundTrip(photo.image);
  assert.ok(Math.abs(psnr(managed, decoded) - encoded) < 1e-9);
  assert.ok(encoded > 28, `${encoded.toFixed(2)} dB`);
  assert.ok(psnr(numbers, decoded) < encoded - 3, `${psnr(numbers, decoded).toFixed(2)} against ${encoded.toFixed(2)} dB`);
  // With the profile kept, the output carries it and its pixels are converted to it: a viewer shows the same colours.
  const kept = await readPhoto(p3, 'p3.jpg', { keepMetadata: true });
  const withProfile = await roundTrip(kept.image, kept.metadata);
  const png = await encodeImageFile(await decodeImage(withProfile.bytes), 'png', kept.metadata);
  assert.deepEqual(new Uint8Array((await sharp(png.bytes).metadata()).icc!), new Uint8Array((await sharp(p3).metadata()).icc!));
  const viewed = await rawOf(sharp(png.bytes).toColourspace('srgb'));
  assert.ok(psnr(managed, viewed) > withProfile.psnr - 1.5, `${psnr(managed, viewed).toFixed(2)} dB against ${withProfile.psnr.toFixed(2)}`);
});

test('a 16-bit PNG is fitted on its 16-bit samples and decodes to a 16-bit PNG', async () => {
  const w = 32;
  const h = 8;
  const deep = new Uint16Array(w * h * 3);
  for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) deep[3 * i + c] = Math.round(65535 * (0.2 + 0.6 * ((i % w) / w) ** (c + 1)));
  const png16 = await sharp(deep, { raw: { width: w, height: h, channels: 3 } }).toColourspace('rgb16').png().toBuffer();
  assert.equal((await sharp(png16).metadata()).depth, 'ushort');
  const photo = await readPhoto(png16, 'deep.png');
  assert.deepEqual(photo.image.data16, deep);
  assert.deepEqual(photo.image.data, Uint8Array.from(deep, (v) => Math.round(v / 257)));
  const { bytes } = await encodeImage(photo.image, { width: 16, depth: 2, steps: 150 });
  const decoded = await decodeImage(bytes, {}, undefined, { sampleBits: 16 });
  assert.equal(decoded.data16!.length, deep.length);
  const out = await encodeImageFile(decoded, 'png');
  assert.equal((await sharp(out.bytes).metadata()).depth, 'ushort');
  const back = await sharp(out.bytes).toColourspace('rgb16').raw({ depth: 'ushort' }).toBuffer();
  assert.deepEqual(new Uint16Array(back.buffer, back.byteOffset, back.length / 2), decoded.data16);
  // The 8-bit samples of a 16-bit decode are the normative ones (spec §4.3).
  assert.deepEqual(decoded.data, (await decodeImage(bytes)).data);
});

test('a CMYK JPEG is converted to sRGB with a notice; gray (with a gray ICC profile) stays gray; alpha is kept', async () => {
  const source = await rawOf(rawInput(pattern()));
  const cmyk = await rawInput(pattern()).withIccProfile('cmyk').jpeg({ quality: 95 }).toBuffer();
  assert.equal((await sharp(cmyk).metadata()).space, 'cmyk');
  const photo = await readPhoto(cmyk, 'print.jpg', { keepMetadata: true });
  assert.equal(photo.image.channels, 3);
  assert.deepEqual(photo.image.data, (await rawOf(sharp(cmyk).toColourspace('srgb'))).data);
  // Through the generic CMYK profile and back, saturated colours lose some gamut; misread channels would be far worse.
  assert.ok(psnr(source, photo.image) > 15, `${psnr(source, photo.image).toFixed(2)} dB`);
  assert.match(photo.notices.join('\n'), /'print\.jpg' is CMYK: converted to sRGB with its ICC profile/);
  // Its CMYK profile cannot describe the sRGB samples: not kept, with a notice.
  assert.equal(photo.metadata.icc, undefined);
  assert.match(photo.notices.join('\n'), /CMYK ICC profile is not kept/);

  // Gray with a gray ICC profile stays gray, and the profile is kept and written back.
  const dir = tempDir();
  const profile = grayProfile(1.8);
  writeFileSync(path.join(dir, 'gray.icc'), profile);
  const ramp = Buffer.from(Array.from({ length: W * H }, (_, i) => 20 + (i % 200)));
  const gray = await sharp(ramp, { raw: { width: W, height: H, channels: 1 } }).toColourspace('b-w').withIccProfile(path.join(dir, 'gray.icc')).png().toBuffer();
  assert.deepEqual(new Uint8Array((await sharp(gray).metadata()).icc!), profile);
  const grayPhoto = await readPhoto(gray, 'g.png', { keepMetadata: true });
  assert.equal(grayPhoto.image.channels, 1);
  assert.deepEqual(grayPhoto.metadata.icc, profile);
  const grayOut = await encodeImageFile(grayPhoto.image, 'png', grayPhoto.metadata);
  const grayMeta = await sharp(grayOut.bytes).metadata();
  assert.deepEqual([grayMeta.channels, grayMeta.space], [1, 'b-w']);
  assert.deepEqual(new Uint8Array(grayMeta.icc!), profile);

  const rgba = Buffer.alloc(W * H * 4);
  pattern().forEach((v, i) => { rgba[4 * Math.floor(i / 3) + (i % 3)] = v; });
  for (let i = 0; i < W * H; i++) rgba[4 * i + 3] = (i % W) * 10;
  const alphaPng = await rawInput(rgba, W, H, 4).png().toBuffer();
  const alpha = await readPhoto(alphaPng, 'a.png');
  assert.equal(alpha.image.channels, 4);
  const { decoded, psnr: encoded } = await roundTrip(alpha.image);
  assert.equal(decoded.channels, 4);
  assert.ok(encoded > 20, `${encoded.toFixed(2)} dB`);
  const out = await encodeImageFile(decoded, 'png');
  assert.equal((await sharp(out.bytes).metadata()).hasAlpha, true);
});

test('an animated GIF or WebP gives its first frame with a notice; an SVG is rasterized at its intrinsic size; AVIF reads', async () => {
  const first = await rawInput(pattern()).png().toBuffer();
  const second = await rawInput(pattern()).negate().png().toBuffer();
  const gif = await sharp([first, second], { join: { animated: true } }).gif().toBuffer();
  assert.equal((await sharp(gif).metadata()).pages, 2);
  const photo = await readPhoto(gif, 'anim.gif');
  assert.deepEqual([photo.image.width, photo.image.height], [W, H]);
  assert.match(photo.notices.join('\n'), /'anim\.gif' is animated \(2 frames\): encoding its first frame only/);
  const rgb = (image: Raster): Raster => ({ ...image, channels: 3, data: image.data.filter((_, i) => i % image.channels < 3) });
  const webp = await sharp([first, second], { join: { animated: true } }).webp({ lossless: true }).toBuffer();
  const fromWebp = await readPhoto(webp, 'anim.webp');
  assert.match(fromWebp.notices.join('\n'), /'anim\.webp' is animated \(2 frames\): encoding its first frame only/);
  assert.deepEqual([fromWebp.image.width, fromWebp.image.height], [W, H]);
  const frame0 = await rawOf(rawInput(pattern()));
  const frame1 = await rawOf(rawInput(pattern()).negate());
  assert.ok(psnr(frame0, rgb(photo.image)) > 25 && psnr(frame1, rgb(photo.image)) < 15);
  assert.ok(psnr(frame0, rgb(fromWebp.image)) > 40 && psnr(frame1, rgb(fromWebp.image)) < 15);

  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="30" height="12"><rect width="15" height="12" fill="#c00"/></svg>');
  const drawn = await readPhoto(svg, 'logo.svg');
  assert.deepEqual([drawn.image.width, drawn.image.height, drawn.image.channels], [30, 12, 4]);
  assert.match(drawn.notices.join('\n'), /'logo\.svg' is SVG: rasterized at its intrinsic size, 30x12 pixels/);

  const avif = await rawInput(pattern()).avif().toBuffer();
  const fromAvif = await readPhoto(avif, 'p.avif');
  assert.ok(psnr(frame0, fromAvif.image) > 25);
});

test('snfc encode takes a WebP as an image: a RIFF file that is not a WAVE form is not audio', async () => {
  const dir = tempDir();
  const input = path.join(dir, 'photo.webp');
  await rawInput(pattern()).webp({ quality: 90 }).toFile(input);
  const run = snfc(['encode', input, '--width', '8', '--steps', '10', '--json']);
  assert.equal(run.status, 0, run.stderr);
  const decoded = await decodeImage(new Uint8Array(readFileSync(path.join(dir, 'photo.snf'))));
  assert.deepEqual([decoded.width, decoded.height], [W, H]);
});

test('encode refuses what sharp cannot read with one line and exit 3, and writes nothing', () => {
  const dir = tempDir();
  const text = path.join(dir, 'notes.jpg');
  writeFileSync(text, 'this is not an image at all');
  const run = snfc(['encode', text, '--steps', '5']);
  assert.equal(run.status, 3);
  assert.match(run.stderr, /^snfc: cannot decode '.*notes\.jpg' as an image: contains unsupported image format\n$/);
  assert.equal(existsSync(path.join(dir, 'notes.snf')), false);
});

const XMP = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>';

/** The blobs of an image file as sharp reports them, EXIF as its TIFF structure. */
async function blobsOf(bytes: Uint8Array | string): Promise<{ exif?: Uint8Array; icc?: Uint8Array; xmp?: Uint8Array; orientation?: number }> {
  const meta = await sharp(bytes).metadata();
  return {
    ...(meta.exif ? { exif: new Uint8Array(exifTiffStructure(meta.exif)) } : {}),
    ...(meta.icc ? { icc: new Uint8Array(meta.icc) } : {}),
    ...(meta.xmp ? { xmp: new Uint8Array(meta.xmp) } : {}),
    ...(meta.orientation ? { orientation: meta.orientation } : {}),
  };
}

test('encode --keep-metadata + decode gives back the EXIF, ICC and XMP byte for byte; --strip drops them; info lists them', async () => {
  const dir = tempDir();
  const input = path.join(dir, 'camera.jpg');
  await rawInput(pattern()).withExif({ IFD0: { Make: 'Acme', Model: 'Snap 1', Software: 'test' } }).withIccProfile('p3').withXmp(XMP).jpeg().toFile(input);
  const source = await blobsOf(input);
  assert.ok(source.exif && source.icc && source.xmp);
  const snf = path.join(dir, 'camera.snf');
  const encoded = snfc(['encode', input, '-o', snf, '--keep-metadata', '--width', '8', '--steps', '30', '--json']);
  assert.equal(encoded.status, 0, encoded.stderr);
  assert.ok(JSON.parse(encoded.stdout).metadataBytes > 0);
  const info = snfc(['info', snf]);
  assert.match(info.stdout, new RegExp(`metadata: +EXIF ${source.exif.length} bytes \\(\\d+ deflated\\), ICC ${source.icc.length} bytes \\(\\d+ deflated\\), XMP ${source.xmp.length} bytes`));
  for (const extension of ['png', 'jpg', 'webp', 'tif']) {
    const out = path.join(dir, `out.${extension}`);
    const run = snfc(['decode', snf, '-o', out]);
    assert.equal(run.status, 0, run.stderr);
    const blobs = await blobsOf(out);
    assert.deepEqual(blobs.icc, source.icc, `${extension}: ICC`);
    assert.deepEqual(blobs.xmp, source.xmp, `${extension}: XMP`);
    if (extension === 'tif') {
      assert.match(run.stderr, /snfc: notice: the EXIF is not written: a TIFF output holds EXIF as tags of its own/);
      assert.equal(run.stderr.match(/EXIF is not written/g)?.length, 1, run.stderr);
      assert.match(run.stderr, /out\.tif: 24x16, with ICC, XMP\n/);
    } else {
      assert.deepEqual(blobs.exif, source.exif, `${extension}: EXIF`);
      assert.match(run.stderr, new RegExp(`out\\.${extension}: 24x16, with EXIF, ICC, XMP\\n`));
    }
  }
  const stripped = path.join(dir, 'stripped.png');
  assert.equal(snfc(['decode', snf, '-o', stripped, '--strip']).status, 0);
  assert.deepEqual(await blobsOf(stripped), {});
  // Without --keep-metadata nothing is kept.
  const plain = path.join(dir, 'plain.snf');
  assert.equal(snfc(['encode', input, '-o', plain, '--width', '8', '--steps', '10', '--quiet']).status, 0);
  assert.match(snfc(['info', plain]).stdout, /metadata: +none/);
});

test('orientation with --keep-metadata: the kept EXIF says 1 once the pixels are upright (all else byte for byte); with --no-auto-orient it keeps 6', async () => {
  const dir = tempDir();
  const input = path.join(dir, 'portrait.jpg');
  await rawInput(pattern()).withExif({ IFD0: { Make: 'Acme' } }).withMetadata({ orientation: 6 }).jpeg().toFile(input);
  const source = await blobsOf(input);
  assert.equal(source.orientation, 6);
  for (const [flags, orientation, size] of [[[], 1, [H, W]], [['--no-auto-orient'], 6, [W, H]]] as const) {
    const snf = path.join(dir, `p${orientation}.snf`);
    const out = path.join(dir, `p${orientation}.jpg`);
    assert.equal(snfc(['encode', input, '-o', snf, '--keep-metadata', '--width', '8', '--steps', '10', '--quiet', ...flags]).status, 0);
    assert.equal(snfc(['decode', snf, '-o', out]).status, 0);
    const meta = await sharp(out).metadata();
    assert.deepEqual([meta.width, meta.height], size);
    const exif = (await blobsOf(out)).exif!;
    assert.equal(exifOrientation(exif), orientation);
    const differing = [...exif].flatMap((byte, i) => (byte === source.exif![i] ? [] : [i]));
    assert.equal(exif.length, source.exif!.length);
    assert.ok(differing.length <= (orientation === 1 ? 1 : 0), `bytes ${differing.join(', ')} differ`);
  }
});

test('EXIF and XMP go into a simple WebP (a VP8X chunk is added) and a PNG that sharp reads back', async () => {
  const image = await rawOf(rawInput(pattern()));
  const exif = exifTiffStructure(new Uint8Array((await sharp(await rawInput(pattern()).withExif({ IFD0: { Make: 'Acme' } }).jpeg().toBuffer()).metadata()).exif!));
  const xmp = new TextEncoder().encode(XMP);
  for (const format of ['webp', 'png', 'jpeg'] as const) {
    const out = await encodeImageFile(image, format, { exif, xmp });
    const blobs = await blobsOf(out.bytes);
    assert.deepEqual(blobs.exif, exif, format);
    assert.deepEqual(blobs.xmp, xmp, format);
    assert.deepEqual(out.notices, []);
    assert.ok(psnr(image, await rawOf(sharp(out.bytes))) > 25, `${format}: the pixels survive`);
  }
  // A blob larger than a JPEG segment is left out with a notice, the rest is written.
  const big = new Uint8Array(70_000).fill(32);
  const out = await encodeImageFile(image, 'jpeg', { exif, xmp: big });
  assert.deepEqual((await blobsOf(out.bytes)).exif, exif);
  assert.match(out.notices.join('\n'), /the XMP is not written: the XMP packet \(70029 bytes\) does not fit one JPEG segment/);
});

test('decode --bit-depth 16 needs PNG or TIFF', () => {
  const dir = tempDir();
  const snf = path.join(dir, 'x.snf');
  writeFileSync(snf, readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'fixtures', 'kodim-crop32.snf')));
  const jpeg = snfc(['decode', snf, '-o', path.join(dir, 'x.jpg'), '--bit-depth', '16']);
  assert.equal(jpeg.status, 2);
  assert.match(jpeg.stderr, /^snfc: --bit-depth 16 needs a \.png or \.tif output; JPEG holds 8 bits\n$/);
  assert.equal(snfc(['decode', snf, '-o', path.join(dir, 'x.png'), '--bit-depth', '12']).status, 2);
  const png = snfc(['decode', snf, '-o', path.join(dir, 'x.png'), '--bit-depth', '16']);
  assert.equal(png.status, 0, png.stderr);
  assert.match(png.stderr, /x\.png: 32x32, 16-bit/);
});

test('metadata that would push the header past its 1 MiB limit is refused before any training', async () => {
  const image = await rawOf(rawInput(pattern()));
  let state = 1;
  const noise = Uint8Array.from({ length: 900_000 }, () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24);
  const started = performance.now();
  await assert.rejects(encodeImage(image, { width: 8, steps: 100_000, photoMetadata: { xmp: noise } }), (error: unknown) =>
    error instanceof EncodeOptionsError && /the metadata to keep is \d+ bytes deflated, more than the 786432 a header has room for/.test(error.message));
  assert.ok(performance.now() - started < 10_000, 'refused before the 100,000-step fit');
});
