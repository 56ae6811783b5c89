// The factored first layer against the plain one, in one process, one thread: alternating bursts of 50 training
// steps on one tile's grid (196×132 pixels, as a 768×512 photo's 4×4 tiles with their margins; 6 Fourier levels,
// shuffled, mini-batches of 1,536), so that both see the same machine speed (docs/engine.md, session 22). Prints
// the best and the median burst of each and their ratio, and the two engines' losses after the same steps.
//   node bench/factored-ab.mjs [DIST] [width] [bursts]
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist = 'dist', widthArg = '40', burstsArg = '20'] = process.argv.slice(2);
const width = Number(widthArg);
const bursts = Number(burstsArg);
const load = (file) => import(pathToFileURL(path.join(path.resolve(dist), 'src', file)).href);
(await load('node/relaxed-simd.js')).enableRelaxedSimd();
const { wasmEngineFactory } = await load('encoder/network/wasm-engine.js');
const { initializeWeightScaled } = await load('encoder/network/ws-init.js');
const { encodeCoordinates, inputAxes } = await load('kernels/input-encoding.js');

const [columns, rows, levels] = [196, 132, 6];
const count = columns * rows;
const raw = new Float32Array(count * 2);
const order = Array.from({ length: count }, (_, i) => i);
let seed = 1;
for (let i = count - 1; i > 0; i--) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  const j = seed % (i + 1);
  [order[i], order[j]] = [order[j], order[i]];
}
order.forEach((p, i) => {
  raw[2 * i] = ((p % columns) + 0.5) / columns * 2 - 1;
  raw[2 * i + 1] = (Math.floor(p / columns) + 0.5) / rows * 2 - 1;
});
const coords = encodeCoordinates(raw, 2, levels);
const inputs = coords.length / count;
const targets = Float32Array.from({ length: count * 3 }, (_, i) => Math.sin(raw[2 * Math.floor(i / 3)] * 7 + i % 3) * 0.5 * Math.cos(raw[2 * Math.floor(i / 3) + 1] * 5));
const arch = { inputs, outputs: 3, width, depth: 3, omega: 30 };
const batchRows = 1536;
const batches = Math.ceil(count / batchRows);
const params = initializeWeightScaled(arch, 1, 1);
const make = (axes) => wasmEngineFactory({ threads: 1 })({ arch, params, coords, targets, batchRows, ...(axes ? { inputAxes: axes } : {}) });
const engines = [await make(undefined), await make(inputAxes(2, levels))];
if (engines[1].factored !== true) throw new Error('the second engine did not factor its first layer');

/** Microseconds a step over `steps` steps, and the last loss. */
async function burst(engine, steps) {
  const started = performance.now();
  let loss = 0;
  for (let i = 0; i < steps; i++) {
    loss = await engine.forward(i % batches);
    await engine.update(2e-3);
  }
  return { us: ((performance.now() - started) * 1000) / steps, loss };
}

for (const engine of engines) await burst(engine, 100); // warm-up: TurboFan's code
const times = [[], []];
const losses = [0, 0];
for (let b = 0; b < bursts; b++) {
  for (const i of b % 2 ? [1, 0] : [0, 1]) {
    const { us, loss } = await burst(engines[i], 50);
    times[i].push(us);
    losses[i] = loss;
  }
}
const median = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
const [bestA, bestB] = times.map((t) => Math.min(...t));
const [medA, medB] = times.map(median);
console.log(`width ${width}: plain best ${bestA.toFixed(0)} median ${medA.toFixed(0)} µs/step; factored best ${bestB.toFixed(0)} median ${medB.toFixed(0)}; ` +
  `factored/plain best ${(bestB / bestA).toFixed(3)} median ${(medB / medA).toFixed(3)}; loss after ${100 + 50 * bursts} steps ${losses[0].toExponential(4)} / ${losses[1].toExponential(4)}`);
for (const engine of engines) await engine.dispose();
