// The post-fit pilot's lines (bench/post-fit-pilot.ts) against mozjpeg and WebP of the same photos: for each variant,
// the mean change in PSNR and MS-SSIM against the file's own path ({}), the photos whose MS-SSIM falls below
// mozjpeg's at the same rate, and image by image against WebP (snf's rate over the rate WebP's sweep needs for the
// variant's PSNR, geometric mean). The sweeps are a bench's results.json (default: session 70's table).
//   node bench/pilot-against-sweeps.mjs pilot.jsonl [results.json]
import { readFileSync } from 'node:fs';
const [pilotPath, resultsPath = new URL('./results/share-s70/results.json', import.meta.url).pathname] = process.argv.slice(2);
const entries = JSON.parse(readFileSync(resultsPath, 'utf8')).entries;
const lines = readFileSync(pilotPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const sweep = (image, codec) => entries.filter((e) => e.codec === codec && e.image.endsWith(image)).sort((a, b) => a.bpp - b.bpp);
const interp = (pts, xKey, yKey, x) => {
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1], b = pts[i];
    if (a[xKey] <= x && x <= b[xKey]) { const t = (x - a[xKey]) / (b[xKey] - a[xKey]); return a[yKey] + t * (b[yKey] - a[yKey]); }
  }
  return NaN;
};
const withLog = (pts) => pts.map((p) => ({ ...p, lb: Math.log(p.bpp), db: -10 * Math.log10(1 - p.msssim) }));
const by = new Map();
for (const l of lines) {
  const image = l.photo.split('/').pop();
  const pixels = 768 * 512, bpp = (l.bytes * 8) / pixels;
  const jpeg = withLog(sweep(image, 'jpeg')), webp = withLog(sweep(image, 'webp'));
  const jm = interp(jpeg, 'lb', 'msssim', Math.log(bpp));
  const webpRate = Math.exp(interp([...webp].sort((a, b) => a.psnr - b.psnr), 'psnr', 'lb', l.psnr));
  const key = JSON.stringify(l.variant);
  if (!by.has(image)) by.set(image, {});
  by.get(image)[key] = { psnr: l.psnr, msssim: l.msssim, jm, webpRatio: webpRate / bpp, bpp };
}
const variants = [...new Set(lines.map((l) => JSON.stringify(l.variant)))];
console.log('photo', variants.join(' | '));
const sums = {};
for (const [image, v] of by) {
  const base = v['{}'];
  const cells = variants.map((k) => v[k] ? `${v[k].psnr.toFixed(2)} ${v[k].msssim.toFixed(4)}${v[k].msssim >= v[k].jm ? '' : '<J'}` : '-');
  console.log(image, `mozjpeg MS-SSIM ${base?.jm.toFixed(4)}`, cells.join(' | '));
  for (const k of variants) {
    if (!v[k] || !base) continue;
    const s = (sums[k] ??= { n: 0, dp: 0, dm: 0, logRatio: 0, below: 0 });
    s.n++; s.dp += v[k].psnr - base.psnr; s.dm += v[k].msssim - base.msssim; s.logRatio -= Math.log(v[k].webpRatio); s.below += v[k].msssim < v[k].jm ? 1 : 0;
  }
}
for (const [k, s] of Object.entries(sums)) {
  console.log(k, `n ${s.n}: ΔPSNR ${(s.dp / s.n).toFixed(3)} dB, ΔMS-SSIM ${(s.dm / s.n).toFixed(5)}, image by image against WebP ${((Math.exp(s.logRatio / s.n) - 1) * 100).toFixed(1)} % (snf's rate over the rate WebP needs for its PSNR), below mozjpeg MS-SSIM ${s.below}`);
}
