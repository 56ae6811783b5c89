// Fixed cost of one training step of the WASM engine: a tiny network (width 8, depth 2) on mini-batches of
// 1024 points, so the arithmetic is a few tens of µs and the rest is dispatch to the threads.
//   npm run build && node bench/step-overhead.mjs [DIST]      (DIST: a built dist folder, default ./dist)
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = path.resolve(process.argv[2] ?? 'dist');
const { wasmEngineFactory } = await import(pathToFileURL(path.join(dist, 'src/encoder/network/wasm-engine.js')).href);
const { initializeWeightScaled } = await import(pathToFileURL(path.join(dist, 'src/encoder/network/ws-init.js')).href);
const arch = { inputs: 2, outputs: 3, width: 8, depth: 2, omega: 30 };
const count = 2048;
const coords = Float32Array.from({ length: count * 2 }, (_, i) => Math.sin(i));
const setup = { arch, params: initializeWeightScaled(arch, 1, 1), coords, targets: new Float32Array(count * 3), batchRows: 1024 };
for (const threads of [1, 2]) {
  const engine = await wasmEngineFactory({ threads })(setup);
  const steps = async (n) => {
    for (let i = 0; i < n; i++) {
      await engine.forward(i % 2);
      await engine.update(1e-4);
    }
  };
  await steps(200);
  const started = performance.now();
  await steps(4000);
  console.log(`${threads} thread(s): ${((performance.now() - started) / 4).toFixed(1)} µs per step`);
  await engine.dispose();
}
