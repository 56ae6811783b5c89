// A/B of two builds' WASM training engines in one process, one thread: alternating bursts of 50 steps
// (the order flips every burst), so that both see the same machine speed, which on these cores wanders by
// up to 30 % within minutes (docs/engine.md, session 22). Depth 3, 26 inputs, 3 outputs, mini-batches of
// 1,536 points, unweighted loss. Prints the best and the median burst of each build and B/A.
//   node bench/engine-ab.mjs DIST_A DIST_B [width] [bursts]    e.g. a copy of dist/ from before a change, then dist
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [distA, distB, widthArg = '24', burstsArg = '30'] = process.argv.slice(2);
const width = Number(widthArg);
const bursts = Number(burstsArg);
const arch = { inputs: 26, outputs: 3, width, depth: 3, omega: 30 };
const count = 26624;
const coords = Float32Array.from({ length: count * 26 }, (_, i) => Math.sin(i * 0.1));
const targets = Float32Array.from({ length: count * 3 }, (_, i) => Math.sin(i * 0.01) * 0.5);
const batches = Math.ceil(count / 1536);

async function engineOf(dist) {
  const load = (file) => import(pathToFileURL(path.join(path.resolve(dist), 'src', file)).href);
  (await load('node/relaxed-simd.js')).enableRelaxedSimd();
  const { wasmEngineFactory } = await load('encoder/network/wasm-engine.js');
  const { initializeWeightScaled } = await load('encoder/network/ws-init.js');
  return wasmEngineFactory({ threads: 1 })({ arch, params: initializeWeightScaled(arch, 1, 1), coords, targets, batchRows: 1536 });
}

/** Microseconds a step over `steps` steps. */
async function burst(engine, steps) {
  const started = performance.now();
  for (let i = 0; i < steps; i++) {
    await engine.forward(i % batches);
    await engine.update(1e-4);
  }
  return ((performance.now() - started) * 1000) / steps;
}

const engines = [await engineOf(distA), await engineOf(distB)];
for (const engine of engines) await burst(engine, 100); // warm-up: TurboFan's code
const times = [[], []];
for (let b = 0; b < bursts; b++) {
  for (const i of b % 2 ? [1, 0] : [0, 1]) times[i].push(await burst(engines[i], 50));
}
const median = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
const [bestA, bestB] = times.map((t) => Math.min(...t));
const [medA, medB] = times.map(median);
console.log(`width ${width}: A best ${bestA.toFixed(0)} median ${medA.toFixed(0)} µs/step; B best ${bestB.toFixed(0)} median ${medB.toFixed(0)}; B/A best ${(bestB / bestA).toFixed(3)} median ${(medB / medA).toFixed(3)}`);
for (const engine of engines) await engine.dispose();
