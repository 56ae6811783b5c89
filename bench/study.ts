/**
 * The defaults study (README "Defaults"): encodes a set of images under a
 * grid of settings at several rates, one setting changed at a time from the
 * defaults, and appends one JSON line per encode to a results file as it
 * goes, so a long study can be stopped and resumed.
 *
 *   npm run build && node dist/bench/study.js --study alpha --images 01,07,13,20 \
 *     --resize 192x128 --steps 1000 --out bench/results/study-alpha.jsonl
 *
 * `--variants NAME,…` runs only some of a study's variants.
 *
 * `--crop WxH` studies a centre crop at the native resolution instead (HxW for a portrait photo; issue
 * 10: downscaled images flatter a neural field); tiled encodes also record
 * the seam ratio (src/metrics/seams.ts).
 *
 * Fixed step counts (not time) make every number reproducible on any machine;
 * the wall time per encode is recorded too.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { encodeImage, planEncode, tileRegions, type ImageEncodeOptions } from '../src/encoder/image/encode-image.js';
import { allocationFloor, regionDetail, widthsByDetail, type DetailMeasure } from '../src/encoder/image/tile-widths.js';
import { engineByName } from '../src/encoder/network/engines.js';
import { defaultResidualShare } from '../src/encoder/image/image-defaults.js';
import type { Raster } from '../src/raster.js';
import { decodeImage } from '../src/decoder/index.js';
import { seamRatio } from '../src/metrics/seams.js';
import { msSsim } from '../src/metrics/ms-ssim.js';

/** Options of a variant: fixed, or computed from the plan (equal tiles) for the image and rate. */
type VariantOptions = Partial<ImageEncodeOptions> | ((planned: ReturnType<typeof planEncode>, image: Raster) => Partial<ImageEncodeOptions>);

/** Tile widths by detail^exponent (tile-widths.ts) for the plan's tiling. */
function widthsAt(exponent: number, granule?: number, minWidthOfPlan?: (width: number) => number, measure?: DetailMeasure): VariantOptions {
  return ({ arch, tiling }, image) => ({
    tileWidths: widthsByDetail(arch, tileRegions(image.width, image.height, tiling.columns, tiling.rows).map((region) => regionDetail(image, region, measure)), exponent, granule, minWidthOfPlan?.(arch.width)),
  });
}

const STUDIES: Record<string, { name: string; options: VariantOptions }[]> = {
  // The encoder's defaults, as `snfc encode` chooses them: the baseline on crops no other run has encoded.
  defaults: [{ name: 'default', options: {} }],
  alpha: [1, 1.5, 2, 2.5].map((alpha) => ({ name: `alpha=${alpha}`, options: { alpha } })),
  lr: [1e-3, 3e-3, 1e-2].map((lr) => ({ name: `lr=${lr}`, options: { lr } })),
  omega: [20, 30, 45].map((omega) => ({ name: `omega=${omega}`, options: { omega } })),
  depth: [2, 3, 4, 5].map((depth) => ({ name: `depth=${depth}`, options: { depth } })),
  bitsPerParam: [5, 6, 7, 8, 9].map((bitsPerParam) => ({ name: `bitsPerParam=${bitsPerParam}`, options: { bitsPerParam } })),
  fourier: [0, 4, 6, 7, 8].map((fourier) => ({ name: `fourier=${fourier}`, options: { fourier } })),
  fourierLr: [1e-3, 2e-3].map((lr) => ({ name: `fourier=6,lr=${lr}`, options: { fourier: 6, lr } })),
  fourierOmega: [15, 20].map((omega) => ({ name: `fourier=6,omega=${omega}`, options: { fourier: 6, omega } })),
  fourierAlpha: [0.5].map((alpha) => ({ name: `fourier=6,alpha=${alpha}`, options: { fourier: 6, alpha } })),
  fourierBits: [6, 7, 8].map((bitsPerParam) => ({ name: `fourier=6,bitsPerParam=${bitsPerParam}`, options: { fourier: 6, bitsPerParam } })),
  // Run with --steps: the default setting (Fourier 6, lr 0.002) at another step count.
  fourierSteps: [{ name: 'fourier=6,lr=0.002', options: { fourier: 6, lr: 2e-3 } }],
  fourierDepth: [2, 4].map((depth) => ({ name: `fourier=6,depth=${depth}`, options: { fourier: 6, depth } })),
  // Mini-batches (pixels per Adam step; 0: all) at two learning rates, with the Fourier defaults.
  batch: ([[0, 2e-3], [3072, 2e-3], [3072, 3e-3], [1536, 2e-3], [1536, 1.5e-3]] as const).map(([batch, lr]) => ({ name: `batch=${batch},lr=${lr}`, options: { batch, lr } })),
  // Around the chosen default (1536 pixels, lr 0.002): smaller batches at lower rates, a higher rate.
  batchFine: ([[1536, 2e-3], [1536, 2.5e-3], [1024, 1.5e-3], [1024, 2e-3], [768, 1e-3]] as const).map(([batch, lr]) => ({ name: `batch=${batch},lr=${lr}`, options: { batch, lr } })),
  // Learning rate against width on mini-batches: fixed 0.002, or c / width (0.002 and 0.0025 at width 33).
  lrWidth: [
    { name: 'lr=0.002', options: { lr: 2e-3 } },
    ...[0.066, 0.083].map((c) => ({ name: `lr=${c}/width`, options: ({ arch }: { arch: { width: number } }) => ({ lr: c / arch.width }) })),
  ],
  warmup: [0, 0.05].map((warmup) => ({ name: `warmup=${warmup}`, options: { warmup } })),
  // Blended tile edges (spec §3.5): pixels of overlap at each inner edge; run at native resolution with --crop.
  overlap: [0, 2, 4, 8].map((overlap) => ({ name: `overlap=${overlap}`, options: { overlap } })),
  // Blended edges fitted on only `fitMargin` of the `overlap` pixels: the rest is extrapolated, at small weight.
  fitMargin: ([[0, 0], [2, 0], [2, 1], [4, 0], [4, 1], [4, 2]] as const).map(([overlap, fitMargin]) => ({ name: `overlap=${overlap},fitMargin=${fitMargin}`, options: { overlap, fitMargin } })),
  // Issue 10, defaults re-studied on native pixels (run with --crop): bits per weight and learning rate around the defaults.
  nativeBits: [5, 6, 7, 8].map((bitsPerParam) => ({ name: `bitsPerParam=${bitsPerParam}`, options: { bitsPerParam } })),
  nativeLr: [1e-3, 2e-3, 3e-3].map((lr) => ({ name: `lr=${lr}`, options: { lr } })),
  // The rest of the issue's list on native pixels, with every later default on (allocation, tune): WS α, and batch with its lr.
  nativeAlphaBatch: [
    ...[1, 0.5, 1.5].map((alpha) => ({ name: `alpha=${alpha}`, options: { alpha } })),
    ...([[1024, 1.5e-3], [3072, 3e-3]] as const).map(([batch, lr]) => ({ name: `batch=${batch},lr=${lr}`, options: { batch, lr } })),
  ],
  // Quantization-aware fine-tuning off, against the default 10 % of the passes (the nativeAlphaBatch study's alpha=1 rows).
  nativeQat: [{ name: 'qatSteps=0', options: { qatSteps: 0 } }],
  // Issue 10: the rate's parameters shared among the tiles in proportion to detail^exponent (0: equal widths); full size.
  allocation: [
    { name: 'allocation=equal', options: { allocation: 'equal' } },
    ...[0.5, 0.75, 1].map((exponent) => ({ name: `allocation=detail^${exponent}`, options: widthsAt(exponent) })),
  ],
  // The exponent above 0.75 (which ties 1 at 0.5 bpp), for higher rates.
  allocationExponent: [0.75, 1, 1.25].map((exponent) => ({ name: `allocation=detail^${exponent}`, options: widthsAt(exponent) })),
  // Widths in steps of 4 units rather than the kernels' blocks of 8 (which then pad them): finer shares, some compute wasted; compare with allocation=detail^1.
  allocationGranule: [4].map((granule) => ({ name: `allocation=detail^1,granule=${granule}`, options: widthsAt(1, granule) })),
  // Session 51: at 0.25 bpp plans of 10–12 units are under two blocks of 8, where the default then kept equal widths; in steps of 4 (padded to 8 by the kernels) from 8 units they can be shared out (now the default among 16 tiles or more).
  allocationGranuleLow: [{ name: 'allocation=absolute^1.2,granule=4,floor=8', options: widthsAt(1.2, 4, allocationFloor, 'absolute') }],
  // The same at a lower exponent: at 0.25 bpp the smooth photos lost 0.3 dB where busy ones gained (session 51).
  allocationGranuleLowExponent: [0.8].map((exponent) => ({ name: `allocation=absolute^${exponent},granule=4,floor=8`, options: widthsAt(exponent, 4, allocationFloor, 'absolute') })),
  // Detail as the mean absolute step (a few strong edges weigh less): it predicts tiles' errors better (docs/studies.md); with the default's floor.
  allocationAbsolute: [1.2, 1, 0.8].map((exponent) => ({ name: `allocation=absolute^${exponent}`, options: widthsAt(exponent, undefined, allocationFloor, 'absolute') })),
  // The exponent again with the DCT residual behind the networks (session 43; 1.2 was fitted before it, session 17).
  allocationWithResidual: [0.6, 0.9, 1.2, 1.5].map((exponent) => ({ name: `allocation=absolute^${exponent}`, options: widthsAt(exponent, undefined, allocationFloor, 'absolute') })),
  // No tile narrower than a fraction of the plan's width (session 16: at 2 bpp, tiles of 8 units on kodim19 lost 5 dB to the image).
  allocationFloor: [0.5, 0.75, 0.3].map((fraction) => ({ name: `allocation=detail^0.75+floor=${fraction}`, options: widthsAt(0.75, undefined, (width) => fraction * width) })),
  // Issue 10, MS-SSIM: the fit's squared error weighted by 1 / (local luma variance + K)^strength (contrast-weights.ts); full size.
  tune: [0, 0.25, 0.5, 0.75, 1].map((strength) => ({ name: `contrastWeighting=${strength}`, options: { contrastWeighting: { strength, radius: 3 } } })),
  tuneFine: [
    ...[0.125, 0.375].map((strength) => ({ name: `contrastWeighting=${strength}`, options: { contrastWeighting: { strength, radius: 3 } } })),
    ...[1, 8].map((radius) => ({ name: `contrastWeighting=0.25,radius=${radius}`, options: { contrastWeighting: { strength: 0.25, radius } } })),
  ],
  tiles: [[1, 1], [2, 1], [2, 2], [4, 4]].map(([columns, rows]) => ({ name: `tiles=${columns}x${rows}`, options: { tiles: { columns: columns!, rows: rows! } } })),
};

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1]! : fallback;
}

/** The image scaled to `resize` (WxH, or 'none'), or a centre crop of `crop` (WxH, turned to HxW for a portrait photo) at its native resolution. */
async function loadImage(file: string, resize: string, crop: string): Promise<Raster> {
  let pipeline = sharp(file);
  if (crop !== 'none') {
    const [long, short] = crop.split('x').map(Number) as [number, number];
    const meta = await sharp(file).metadata();
    // A portrait photo (kodim09, 10, 17, 18 and 19) gets the crop turned to its orientation, which a landscape crop would not fit.
    const [width, height] = meta.height! > meta.width! ? [short, long] : [long, short];
    if (width > meta.width! || height > meta.height!) throw new Error(`--crop ${crop} is larger than ${file} (${meta.width}x${meta.height})`);
    pipeline = pipeline.extract({ left: Math.floor((meta.width! - width) / 2), top: Math.floor((meta.height! - height) / 2), width, height });
  } else if (resize !== 'none') {
    const [width, height] = resize.split('x').map(Number);
    pipeline = pipeline.resize(width, height, { fit: 'fill' });
  }
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

const study = flag('study', 'alpha');
const allVariants = STUDIES[study];
if (!allVariants) throw new Error(`unknown --study ${study}; one of ${Object.keys(STUDIES).join(', ')}`);
// `--variants a,b` runs only those of the study's variants (by name), to spend a short budget where the question is.
const only = flag('variants', 'all');
const variants = only === 'all' ? allVariants : allVariants.filter((variant) => only.split(',').includes(variant.name));
if (variants.length === 0) throw new Error(`--variants ${only}: none of ${allVariants.map((variant) => variant.name).join(', ')}`);
const images = flag('images', '01,07,13,20').split(',');
const rates = flag('bpp', '0.25,0.5,1,2').split(',').map(Number);
const crop = flag('crop', 'none');
// A native-resolution crop replaces the resize; the results record which.
const resize = crop !== 'none' ? `crop${crop}` : flag('resize', '192x128');
// `--steps default`: the encoder's own passes (by work, as `snfc encode` plans them).
const stepsFlag = flag('steps', '1000');
const steps = stepsFlag === 'default' ? 'default' : Number(stepsFlag);
const kodak = flag('kodak', path.resolve('..', 'shared', 'data', 'kodak'));
const out = flag('out', `bench/results/study-${study}.jsonl`);
const done = new Set(existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).map((line) => {
  const r = JSON.parse(line);
  return `${r.image}|${r.variant}|${r.bpp}|${r.resize}|${r.steps}`;
}) : []);
console.error(`study ${study}: ${variants.length} variants × ${images.length} images × ${rates.length} rates, ${steps} steps, ${resize}; ${os.cpus()[0]?.model} ×${os.cpus().length}; node ${process.version}`);
for (const image of images) {
  const raster = await loadImage(path.join(kodak, `kodim${image}.png`), resize, crop);
  for (const bpp of rates) {
    for (const variant of variants) {
      const key = `${image}|${variant.name}|${bpp}|${resize}|${steps}`;
      if (done.has(key)) continue;
      // Planned as the encoder plans its networks: for their share of the rate, the residual taking the rest.
      const networkBpp = bpp * (1 - defaultResidualShare(regionDetail(raster, [0, 0, raster.width, raster.height]), bpp));
      const options = typeof variant.options === 'function' ? variant.options(planEncode(raster, { bpp: networkBpp }, undefined, bpp), raster) : variant.options;
      const result = await encodeImage(raster, { bpp, ...(steps === 'default' ? {} : { steps }), engine: await engineByName('auto'), ...options });
      const tiled = result.tiles.columns * result.tiles.rows > 1;
      const decoded = await decodeImage(result.bytes);
      const seams = tiled ? seamRatio(raster, decoded, result.tiles).ratio : undefined;
      const row = {
        study, image, variant: variant.name, bpp, resize, steps, psnr: result.psnr, actualBpp: (result.bytes.length * 8) / (raster.width * raster.height),
        width: result.arch.width, ...(new Set(result.widths).size > 1 ? { widths: result.widths } : {}), depth: result.arch.depth, params: result.params, alpha: result.alpha, lr: result.lr, bitsPerParam: result.bitsPerParam, seconds: result.seconds,
        tiles: `${result.tiles.columns}x${result.tiles.rows}`, overlap: result.overlap, ...(seams === undefined ? {} : { seams }),
        ...(tiled ? { tilePsnrs: result.tilePsnrs.map((p) => Math.round(p * 100) / 100) } : {}),
        msssim: msSsim(raster, decoded).value,
      };
      appendFileSync(out, JSON.stringify(row) + '\n');
      console.error(`${image} ${bpp} ${variant.name}: ${result.psnr.toFixed(2)} dB @ ${row.actualBpp.toFixed(3)} bpp, MS-SSIM ${row.msssim.toFixed(4)}, width ${row.width}, ${result.seconds.toFixed(1)} s${seams === undefined ? '' : `, seams ${seams.toFixed(3)}`}`);
    }
  }
}
