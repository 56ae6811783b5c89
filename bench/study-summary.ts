/**
 * Summarizes study results (bench/study.ts output): mean PSNR over images
 * for each variant at each rate, as a Markdown table; where every row of a
 * cell has it, the mean MS-SSIM beside it.
 *
 *   node dist/bench/study-summary.js bench/results/study-alpha.jsonl
 */
import { readFileSync } from 'node:fs';

for (const file of process.argv.slice(2)) {
  const parsed = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  // A variant run at another step count than the study's first row is its own line.
  const rows = parsed.map((r) => (r.steps === parsed[0]?.steps ? r : { ...r, variant: `${r.variant}, ${r.steps} steps` }));
  const rates = [...new Set(rows.map((r) => r.bpp as number))].sort((a, b) => a - b);
  const variants = [...new Set(rows.map((r) => r.variant as string))];
  const images = [...new Set(rows.map((r) => r.image as string))];
  console.log(`\n${file}: mean PSNR (dB) [/ MS-SSIM] over ${images.length} images (${images.join(', ')}), ${rows[0]?.resize}, ${rows[0]?.steps} steps\n`);
  console.log(`| variant | ${rates.map((r) => `${r} bpp`).join(' | ')} |`);
  console.log(`| --- | ${rates.map(() => '---').join(' | ')} |`);
  for (const variant of variants) {
    const cells = rates.map((bpp) => {
      const hits = rows.filter((r) => r.variant === variant && r.bpp === bpp);
      if (hits.length === 0) return '';
      const psnr = (hits.reduce((s, r) => s + r.psnr, 0) / hits.length).toFixed(2);
      const mean = hits.every((r) => typeof r.msssim === 'number') ? `${psnr} / ${(hits.reduce((s, r) => s + r.msssim, 0) / hits.length).toFixed(4)}` : psnr;
      return hits.length < images.length ? `${mean} (images ${hits.map((r) => r.image).join(', ')})` : mean;
    });
    console.log(`| ${variant} | ${cells.join(' | ')} |`);
  }
}
