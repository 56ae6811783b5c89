// Error-driven point selection ("mining", issue 10, session 22; docs/studies.md): does fitting the later passes
// on the worst-fitted part of a tile's pixels buy the quality of more uniform passes at less work? One
// 192×128 native-resolution tile, the WASM engine on one thread, WS init α 1, lr 2e-3 with the cosine
// schedule and 5 % warm-up, weight decay 0.05, mini-batches of 1,536 (the encoder's defaults at these widths).
// Prints the float PSNR of the fitted network over all the tile's pixels.
//   npm run build
//   node bench/mining-study.mjs IMAGE X Y ARM [width]
//     ARM uniform:PASSES                       every pixel every pass
//     ARM mine:WARM:PASSES:FRACTION:EVERY      after WARM uniform passes, rank the pixels by error every EVERY
//                                              passes and fit only the worst FRACTION of them
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src');
const load = (f) => import(pathToFileURL(path.join(dist, f)).href);
(await load('node/relaxed-simd.js')).enableRelaxedSimd();
const { wasmEngineFactory } = await load('encoder/network/wasm-engine.js');
const { initializeWeightScaled } = await load('encoder/network/ws-init.js');
const { encodeCoordinates } = await load('kernels/input-encoding.js');
const { forwardScalar } = await load('kernels/forward.js');
const { learningRateAt } = await load('encoder/network/trainer.js');

const [image, X, Y, armSpec, widthArg = '24'] = process.argv.slice(2);
const W = 192, H = 128, width = Number(widthArg);
const { data } = await sharp(image).extract({ left: Number(X), top: Number(Y), width: W, height: H }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const count = W * H;
const coords = new Float32Array(count * 2), targets = new Float32Array(count * 3);
for (let y = 0, p = 0; y < H; y++) for (let x = 0; x < W; x++, p++) {
  coords[2 * p] = ((x + 0.5) / W) * 2 - 1; coords[2 * p + 1] = ((y + 0.5) / H) * 2 - 1;
  for (let c = 0; c < 3; c++) targets[3 * p + c] = (2 * data[3 * p + c]) / 255 - 1;
}
const inputs = encodeCoordinates(coords, 2, 6);
const arch = { inputs: 26, outputs: 3, width, depth: 3, omega: 30 };
// A fixed shuffle, as the encoder's.
let seed = 12345; const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
const shuffle = (idx) => { for (let i = idx.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [idx[i], idx[j]] = [idx[j], idx[i]]; } return idx; };
const gather = (order) => {
  const c = new Float32Array(count * 26), t = new Float32Array(count * 3);
  order.forEach((p, i) => { c.set(inputs.subarray(p * 26, p * 26 + 26), i * 26); t.set(targets.subarray(p * 3, p * 3 + 3), i * 3); });
  return { c, t };
};
let order = shuffle(Array.from({ length: count }, (_, i) => i));
let { c, t } = gather(order);
const engine = await wasmEngineFactory({ threads: 1 })({ arch, params: initializeWeightScaled(arch, 1, 1), coords: c, targets: t, batchRows: 1536, adam: { weightDecay: 0.05 } });
const batches = count / 1536;
const errors = async () => {
  const out = new Float32Array(count * 3);
  forwardScalar(arch, await engine.getParams(), inputs, count, out);
  const e = new Float64Array(count);
  for (let p = 0; p < count; p++) for (let k = 0; k < 3; k++) e[p] += (out[3 * p + k] - targets[3 * p + k]) ** 2;
  return e;
};
const psnrOf = (e) => { const mse = e.reduce((a, b) => a + b, 0) / (count * 3) / 4; return 10 * Math.log10(1 / mse); };
const [kind, ...nums] = armSpec.split(':');
const lr = 2e-3;
let updates = 0, work = 0;
const plan = []; // batches per pass
if (kind === 'uniform') for (let i = 0; i < Number(nums[0]); i++) plan.push(batches);
else { const [warm, passes, fraction] = nums.map(Number); for (let i = 0; i < passes; i++) plan.push(i < warm ? batches : Math.round(batches * fraction)); }
const totalUpdates = plan.reduce((a, b) => a + b, 0);
const every = kind === 'mine' ? Number(nums[3]) : Infinity;
const warm = kind === 'mine' ? Number(nums[0]) : Infinity;
const started = performance.now();
for (let pass = 0; pass < plan.length; pass++) {
  if (pass >= warm && (pass - warm) % every === 0) {
    // Rank by error: the worst first (shuffled among themselves), then the rest (shuffled).
    const e = await errors();
    const ranked = Array.from({ length: count }, (_, i) => i).sort((a, b) => e[b] - e[a]);
    const top = Math.round(count * Number(nums[2]));
    order = [...shuffle(ranked.slice(0, top)), ...shuffle(ranked.slice(top))];
    ({ c, t } = gather(order));
    engine.core.setData(c, t); // the engine's private core: the same points, reordered; Adam's moments stay
  }
  for (let b = 0; b < plan[pass]; b++) {
    await engine.forward(b);
    await engine.update(learningRateAt(updates / totalUpdates, lr, 0.05));
    updates++;
  }
  work += plan[pass] / batches;
}
const final = psnrOf(await errors());
console.log(JSON.stringify({ image: path.basename(image), x: Number(X), y: Number(Y), width, arm: armSpec, passEquivalents: Math.round(work), updates, psnr: Number(final.toFixed(3)), seconds: Number(((performance.now() - started) / 1000).toFixed(1)) }));
await engine.dispose();
