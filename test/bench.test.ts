import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import type { CodecName } from '../src/rate-distortion/codecs.js';
import { msSsimDb } from '../src/metrics/ms-ssim.js';
import { runBench, summarize, summaryMarkdown, type BenchEntry, type BenchOptions } from '../src/rate-distortion/run-bench.js';
import { syntheticImage } from './helpers/synthetic.js';

/** snf runs only when the encoder and decoder load in this checkout (they are built in parallel). */
async function snfLoads(): Promise<boolean> {
  try {
    await Promise.all([import('../src/encoder/image/encode-image.js'), import('../src/decoder/index.js')]);
    return true;
  } catch {
    return false;
  }
}

async function readEntries(file: string): Promise<BenchEntry[]> {
  return (JSON.parse(await fs.readFile(file, 'utf8')) as { entries: BenchEntry[] }).entries;
}

test('bench resumes: a rerun measures nothing, and a deleted entry is the only one measured again', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'snfc-bench-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const images = path.join(dir, 'images');
  await fs.mkdir(images);
  for (const [name, shift] of [['a.png', 0], ['b.png', 7]] as const) {
    const raster = syntheticImage(24 + shift, 24, 3);
    await sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 3 } }).png().toFile(path.join(images, name));
  }
  await fs.writeFile(path.join(images, 'notes.txt'), 'not an image'); // skipped: not an image extension
  const anchors = path.join(dir, 'anchors.json');
  await fs.writeFile(anchors, JSON.stringify({ dataset: 'made up', curves: [{ name: 'Made-up anchor', points: [{ bpp: 0.5, psnr: 24 }, { bpp: 4, psnr: 45 }] }] }));

  const withSnf = await snfLoads();
  if (!withSnf) t.diagnostic('snf skipped: the encoder or decoder does not load in this build');
  const codecs: CodecName[] = withSnf ? ['snf', 'jpeg', 'webp'] : ['jpeg', 'webp'];
  const out = path.join(dir, 'out');
  const measured: string[] = [];
  const options: BenchOptions = {
    inputs: [images], codecs, bpps: [1, 4], qualities: [20, 50, 80, 95], outDir: out,
    snf: { engine: 'ref', steps: 20 }, anchorsPath: anchors, anchorsRequired: true, commandLine: 'snfc bench (test)',
    onMeasured: (entry) => measured.push(entry.key),
  };
  const perImage = 2 * 4 + (withSnf ? 2 : 0);

  const first = await runBench(options);
  assert.equal(first.measured, 2 * perImage);
  assert.equal(measured.length, 2 * perImage);
  const json = path.join(out, 'results.json');
  const before = await readEntries(json);
  assert.equal(before.length, 2 * perImage);
  assert.deepEqual(first.summary.images.map((i) => path.basename(i)), ['a.png', 'b.png']);
  const csv = (await fs.readFile(path.join(out, 'results.csv'), 'utf8')).trim().split('\n');
  assert.equal(csv.length, 1 + 2 * perImage);
  assert.match(await fs.readFile(path.join(out, 'plot.svg'), 'utf8'), /^<svg [^]*Made-up anchor[^]*<\/svg>\n$/);
  const summary = await fs.readFile(path.join(out, 'summary.md'), 'utf8');
  assert.match(summary, /snfc bench \(test\)/);
  assert.match(summary, /\| jpeg \|/);
  assert.ok(first.summary.bd.some((b) => b.test === 'jpeg' && b.reference === 'webp'));
  if (withSnf) {
    // Per image: the values behind each mean, and a table row per image with snf's lead over each codec.
    for (const row of first.summary.rows) assert.ok(row.psnr === null || Math.abs(row.psnr - row.perImage.reduce((s, p) => s + p.psnr, 0) / row.perImage.length) < 1e-9);
    const compared = before.flatMap((e) => {
      if (e.codec !== 'snf') return [];
      const webpAt = first.summary.rows.find((r) => r.codec === 'webp' && r.targetBpp === e.targetBpp)!.perImage.find((p) => p.image === e.image);
      return webpAt === undefined ? [] : [{ e, webpAt }];
    });
    assert.ok(compared.length > 0, 'webp\'s sweep reaches snf\'s rate somewhere (jpeg\'s headers keep it above these tiny images\' rates)');
    for (const { e, webpAt } of compared) {
      assert.equal(webpAt.bpp, e.bpp, 'webp read off at the rate snf reached');
      const lead = e.psnr - webpAt.psnr;
      assert.ok(summary.includes(`| ${path.basename(e.image)} | ${e.bpp.toFixed(3)} | ${e.psnr.toFixed(2)} | n/a | n/a | ${webpAt.psnr.toFixed(2)} | ${lead >= 0 ? '+' : ''}${lead.toFixed(2)} |`), summary);
    }
  }
  measured.length = 0;
  const second = await runBench(options);
  assert.equal(second.measured, 0);
  assert.equal(second.skipped, 2 * perImage);
  assert.deepEqual(measured, []);
  assert.deepEqual((await readEntries(json)).map((e) => e.finishedAt), before.map((e) => e.finishedAt));

  // Delete one entry: only it is measured again, the others keep their time stamps.
  const victim = before.find((e) => e.codec === 'webp' && e.quality === 50 && e.image.endsWith('b.png'))!;
  const stored = JSON.parse(await fs.readFile(json, 'utf8')) as { entries: BenchEntry[] };
  stored.entries = stored.entries.filter((e) => e.key !== victim.key);
  await fs.writeFile(json, JSON.stringify(stored));
  const third = await runBench(options);
  assert.equal(third.measured, 1);
  assert.deepEqual(measured, [victim.key]);
  const after = await readEntries(json);
  assert.equal(after.length, before.length);
  for (const e of before) {
    const again = after.find((a) => a.key === e.key)!;
    if (e.key === victim.key) assert.equal(again.bytes, e.bytes); // deterministic encoder
    else assert.equal(again.finishedAt, e.finishedAt);
  }

  // A different resize is different work: new keys, the old entries are kept.
  measured.length = 0;
  const resized = await runBench({ ...options, resize: { width: 16, height: 16 }, codecs: ['jpeg'], limit: 1 });
  assert.equal(resized.measured, 4);
  assert.equal((await readEntries(json)).length, 2 * perImage + 4);

  if (withSnf) {
    // A batch size, when given, is part of snf's key: new work, with the batch it used recorded.
    measured.length = 0;
    const fullBatch = await runBench({ ...options, codecs: ['snf'], bpps: [4], limit: 1, snf: { engine: 'ref', steps: 20, batch: 0 } });
    assert.equal(fullBatch.measured, 1);
    const entry = (await readEntries(json)).find((e) => e.key === measured[0]) as { batch?: number } | undefined;
    assert.equal(entry?.batch, 24 * 24);
    // So is a tuning: new work, recorded in the entry (the entries before it used the default).
    measured.length = 0;
    const tuned = await runBench({ ...options, codecs: ['snf'], bpps: [4], limit: 1, snf: { engine: 'ref', steps: 20, tune: 'psnr' } });
    assert.equal(tuned.measured, 1);
    const entries = await readEntries(json);
    assert.equal((entries.find((e) => e.key === measured[0]) as { tune?: string } | undefined)?.tune, 'psnr');
    assert.ok(entries.filter((e) => e.codec === 'snf' && e.key !== measured[0]).every((e) => (e as { tune?: string }).tune === 'balanced'));
    // And restarts: new work, recorded in the entry.
    measured.length = 0;
    const restarted = await runBench({ ...options, codecs: ['snf'], bpps: [4], limit: 1, snf: { engine: 'ref', steps: 20, restarts: 2 } });
    assert.equal(restarted.measured, 1);
    const withRestarts = (await readEntries(json)).find((e) => e.key === measured[0]) as { restarts?: number; key: string } | undefined;
    assert.equal(withRestarts?.restarts, 2);
    assert.match(withRestarts?.key ?? '', /"restarts":2/);
  }
});

test('a file that is not an image stops the bench before any work, naming it as given, with no out folder', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'snfc-bench-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const good = path.join(dir, 'good.png');
  const raster = syntheticImage(16, 16, 3);
  await sharp(raster.data, { raw: { width: 16, height: 16, channels: 3 } }).png().toFile(good);
  const bad = path.join(dir, 'bad.png');
  await fs.writeFile(bad, 'not a png at all');
  const measured: string[] = [];
  const out = path.join(dir, 'out');
  await assert.rejects(
    runBench({ inputs: [good, bad], codecs: ['jpeg'], qualities: [50], outDir: out, anchorsPath: null, onMeasured: (entry) => measured.push(entry.key) }),
    (error: Error) => {
      assert.match(error.message, new RegExp(`^cannot decode '${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}' as an image`));
      return true;
    },
  );
  assert.deepEqual(measured, []);
  await assert.rejects(fs.access(out), 'no out folder');
});

test('BD by MS-SSIM compares the curves of MS-SSIM in dB: the same MS-SSIM at half the rate is −50 %, whatever PSNR says', () => {
  assert.ok(Math.abs(msSsimDb(0.99) - 20) < 1e-9);
  assert.ok(Math.abs(msSsimDb(0.999) - 30) < 1e-9);
  assert.equal(msSsimDb(1), 100, 'an exact decode is capped as PSNR is');
  const image = 'a.png';
  const jpeg = [[20, 0.4, 30, 0.9], [50, 0.8, 33, 0.95], [80, 1.6, 36, 0.98], [95, 3.2, 39, 0.995]] as const;
  // snf: jpeg's MS-SSIM at half jpeg's rate, and jpeg's PSNR at jpeg's own rate (so the PSNR curves coincide).
  const entries = [
    ...jpeg.map(([quality, bpp, psnr, msssim]) => ({ codec: 'jpeg', image, quality, bpp, psnr, msssim })),
    ...jpeg.map(([, bpp, , msssim], i) => ({ codec: 'snf', image, targetBpp: bpp / 2, bpp: bpp / 2, psnr: 30 + 3 * (i - 1), msssim })),
  ] as unknown as BenchEntry[];
  const summary = summarize(entries, { images: [image], codecs: ['snf', 'jpeg'], bpps: jpeg.map(([, bpp]) => bpp / 2), qualities: jpeg.map(([q]) => q), anchors: null, commandLine: 'test' });
  const byMsSsim = summary.msSsimBd.find((b) => b.test === 'snf' && b.reference === 'jpeg')!;
  assert.ok(Math.abs(byMsSsim.bdRate! + 50) < 1e-9, `BD-rate by MS-SSIM ${byMsSsim.bdRate}`);
  assert.ok(byMsSsim.bdMsSsimDb! > 0);
  assert.deepEqual(byMsSsim.msSsimDbInterval, [msSsimDb(0.9), msSsimDb(0.995)]);
  assert.ok(Math.abs(summary.msSsimBd.find((b) => b.test === 'jpeg')!.bdRate! - 100) < 1e-9, 'and jpeg needs twice the bits');
  const byPsnr = summary.bd.find((b) => b.test === 'snf' && b.reference === 'jpeg')!;
  assert.ok(Math.abs(byPsnr.bdRate!) < 1e-9, `BD-rate by PSNR ${byPsnr.bdRate}`);
});

test('snf against a codec image by image at equal PSNR: its PSNR at half the codec\'s rate is −50 %, an image the sweep does not reach is left out', () => {
  const jpeg = [[20, 0.4, 30], [50, 0.8, 33], [80, 1.6, 36]] as const;
  const sweep = (image: string, shift: number): BenchEntry[] =>
    jpeg.map(([quality, bpp, psnr]) => ({ codec: 'jpeg', image, quality, bpp: bpp * shift, psnr, msssim: 0.9 })) as unknown as BenchEntry[];
  const snf = (image: string, bpp: number, psnr: number): BenchEntry => ({ codec: 'snf', image, targetBpp: 0.4, bpp, psnr, msssim: 0.9 }) as unknown as BenchEntry;
  // a.png: 31.5 dB (half-way between 30 and 33 dB, so jpeg's rate √(0.4 · 0.8)) at half that rate; b.png, on a sweep
  // at twice the rates, the same; c.png above every point of its sweep.
  const entries = [...sweep('a.png', 1), ...sweep('b.png', 2), ...sweep('c.png', 1),
    snf('a.png', Math.sqrt(0.32) / 2, 31.5), snf('b.png', Math.sqrt(1.28) / 2, 31.5), snf('c.png', 0.4, 40)];
  const summary = summarize(entries, { images: ['a.png', 'b.png', 'c.png'], codecs: ['snf', 'jpeg'], bpps: [0.4], qualities: [20, 50, 80], anchors: null, commandLine: 'test' });
  assert.equal(summary.equalPsnr.length, 1);
  const [row] = summary.equalPsnr;
  assert.equal(row!.reference, 'jpeg');
  assert.equal(row!.images, 2);
  assert.ok(Math.abs(row!.rateDifference! + 50) < 1e-9, `rate difference ${row!.rateDifference}`);
  assert.match(summaryMarkdown(summary, entries, { resize: null, snf: { engine: 'auto' }, qualities: [20, 50, 80] }), /\| 0\.4 \| -50\.0 % \(2\) \|/);
  const withoutSnf = summarize(entries.filter((e) => e.codec !== 'snf'), { images: ['a.png'], codecs: ['jpeg'], bpps: [0.4], qualities: [20, 50, 80], anchors: null, commandLine: 'test' });
  assert.deepEqual(withoutSnf.equalPsnr, []);
});
