// How unequal are the sensitivities of a tensor's units, and how much of that does the multiplier of steps per unit
// (format 5, spec §5.1) capture? For some tiles of a file written with one step a tensor (format 4): for each sine
// layer's unit j (a column of W and its bias … here the column), the loss curvature along random noise on its column
// alone (L(+ε) + L(−ε) − 2 L, antithetic, so the gradient's term cancels), per squared unit of noise: h_j. At one rate
// the quantization error of a tensor is least with steps ∝ h^(−1/2) (high-rate theory), which lowers it from
// mean(h) to geomean(h) times the same step²; steps ∝ E^(−1/2), E the energies of spec §5.1, lower it to
// geomean(E) · mean(h / E). Printed per tile: the network's squared error, the share of it that the rounding adds
// (Σ h_j n_j step² / 12 over it), and for each sine layer the log–log correlation of h with E, the error ratio with
// the multipliers and the best ratio; then what either would take off the tile's error, in dB (before the rate
// control spends the bits again, and before the filter and the residual). Last, the same for steps ∝ E^(−β/2) at
// other exponents β (docs/studies.md, "A softer or harder exponent?"); h and E mean the same on a version 5 file.
//
//   npm run build && node bench/unit-sensitivities.mjs file.snf source.png [tiles, e.g. 0,5,10,15]
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { readSnf, networkParams } from '../dist/src/format/index.js';
import { unitScalesBelow } from '../dist/src/format/unit-scales.js';
import { renderField } from '../dist/src/kernels/render.js';
import { initKernels, selectForward } from '../dist/src/kernels/forward-select.js';
import { layerShapes } from '../dist/src/kernels/arch.js';

const [snfPath, pngPath, tileList] = process.argv.slice(2);
if (snfPath === undefined || pngPath === undefined) {
  console.error('usage: node bench/unit-sensitivities.mjs file.snf source.png [tiles]');
  process.exit(2);
}
await initKernels();
const forward = selectForward();
const file = readSnf(new Uint8Array(readFileSync(snfPath)));
if (file.networks.some((network) => network.unitScales)) console.error('note: a version 5 file; its steps are already per unit');
const { width: W, height: H } = file.header;
const source = (await sharp(pngPath).removeAlpha().raw().toBuffer({ resolveWithObject: true })).data;
const tiles = tileList ? tileList.split(',').map(Number) : file.networks.map((_, i) => i);
let seed = 12345;
const random = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 2 ** 32; };

/** The network's summed squared error (levels²) over its frame, the pixels it was fitted on, without blending. */
async function frameError(network, params) {
  const frame = network.frame;
  const field = await renderField(W, H, 3, [{ region: frame, arch: network.arch, params }], W, H, forward, {});
  let sum = 0;
  for (let y = frame[1]; y < frame[3]; y++) {
    for (let x = frame[0]; x < frame[2]; x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * W + x) * 3 + c;
        const d = ((field.values[i] + 1) / 2) * 255 - source[i];
        sum += d * d;
      }
    }
  }
  return sum;
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const geomean = (xs) => Math.exp(mean(xs.map(Math.log)));
function correlation(xs, ys) {
  const mx = mean(xs), my = mean(ys);
  let sxy = 0, sxx = 0, syy = 0;
  xs.forEach((x, i) => { sxy += (x - mx) * (ys[i] - my); sxx += (x - mx) ** 2; syy += (ys[i] - my) ** 2; });
  return sxy / Math.sqrt(sxx * syy);
}

let totalError = 0, totalBest = 0, totalProxy = 0;
// Softer or harder multipliers, steps ∝ E^(−β/2) (β = 1 is the format's): the error ratio geomean(E)^β · mean(h / E^β) / mean(h).
const BETAS = [0.5, 0.75, 1, 1.25, 1.5];
const totalBeta = BETAS.map(() => 0);
for (const t of tiles) {
  const network = file.networks[t];
  const params = networkParams(network);
  const base = await frameError(network, params);
  const layers = layerShapes(network.arch);
  let rounding = 0, best = 0, proxy = 0;
  const notes = [];
  let above;
  for (let layer = network.arch.depth - 1; layer >= 0; layer--) {
    const { fanIn, fanOut, weightOffset } = layers[layer];
    const step = network.tensors[2 * layer].step;
    const h = [];
    for (let j = 0; j < fanOut; j++) {
      const plus = Float32Array.from(params), minus = Float32Array.from(params);
      let squared = 0;
      for (let i = 0; i < fanIn; i++) {
        const e = (random() - 0.5) * step;
        plus[weightOffset + i * fanOut + j] += e;
        minus[weightOffset + i * fanOut + j] -= e;
        squared += e * e;
      }
      h.push(Math.max((await frameError(network, plus)) + (await frameError(network, minus)) - 2 * base, 1e-9) / squared);
    }
    const { energies } = unitScalesBelow(network.arch, params, layer, above);
    above = energies;
    const e = Array.from(energies, (x) => Math.max(x, 1e-12));
    const now = mean(h) * fanIn * fanOut * step * step / 12;
    const ratioBest = geomean(h) / mean(h);
    const ratioProxy = (geomean(e) * mean(h.map((x, j) => x / e[j]))) / mean(h);
    BETAS.forEach((b, k) => { totalBeta[k] += now * (1 - (geomean(e) ** b * mean(h.map((x, j) => x / e[j] ** b))) / mean(h)); });
    rounding += now;
    best += now * (1 - ratioBest);
    proxy += now * (1 - ratioProxy);
    notes.push(`layer ${layer}: corr ${correlation(e.map(Math.log), h.map(Math.log)).toFixed(2)}, ×${ratioProxy.toFixed(3)} (best ×${ratioBest.toFixed(3)})`);
  }
  const frame = network.frame;
  const samples = (frame[2] - frame[0]) * (frame[3] - frame[1]) * 3;
  console.log(`tile ${t} (width ${network.arch.width}): MSE ${(base / samples).toFixed(2)}, rounding ~${(100 * rounding / base).toFixed(0)} % of it; ${notes.join('; ')}; `
    + `per-unit steps ${(10 * Math.log10(base / (base - proxy))).toFixed(3)} dB (best ${(10 * Math.log10(base / (base - best))).toFixed(3)})`);
  totalError += base; totalBest += best; totalProxy += proxy;
}
console.log(`β (steps ∝ E^(−β/2), unclamped): ${BETAS.map((b, k) => `${b}: ${(10 * Math.log10(totalError / (totalError - totalBeta[k]))).toFixed(3)} dB`).join(', ')}`);
console.log(`all ${tiles.length} tiles: per-unit steps ${(10 * Math.log10(totalError / (totalError - totalProxy))).toFixed(3)} dB of the networks' error (best ${(10 * Math.log10(totalError / (totalError - totalBest))).toFixed(3)})`);
