// N training steps of the WASM engine (one thread, depth 3, 26 inputs, 3 outputs, mini-batches of 1,536
// points) at a width, for counting instructions under valgrind, where timings are too noisy to judge a
// kernel change (docs/engine.md, session 21). Per step = (count at N − count at 0) / N:
//   npm run build
//   for n in 0 200; do valgrind --tool=lackey --basic-counts=yes --smc-check=all \
//     node bench/train-instructions.mjs dist 24 $n 2>&1 | grep 'guest instrs'; done
import path from 'node:path';
import { pathToFileURL } from 'node:url';
const dist = path.resolve(process.argv[2]);
const W = Number(process.argv[3] ?? 24);
const N = Number(process.argv[4] ?? 60);
const { enableRelaxedSimd } = await import(pathToFileURL(path.join(dist, 'src/node/relaxed-simd.js')).href);
enableRelaxedSimd();
const { wasmEngineFactory } = await import(pathToFileURL(path.join(dist, 'src/encoder/network/wasm-engine.js')).href);
const { initializeWeightScaled } = await import(pathToFileURL(path.join(dist, 'src/encoder/network/ws-init.js')).href);
const arch = { inputs: 26, outputs: 3, width: W, depth: 3, omega: 30 };
const count = 3072;
const coords = new Float32Array(count * 26).fill(0.3);
const targets = new Float32Array(count * 3).fill(0.1);
const e = await wasmEngineFactory({ threads: 1 })({ arch, params: initializeWeightScaled(arch, 1, 1), coords, targets, batchRows: 1536 });
for (let i = 0; i < N; i++) { await e.forward(i % 2); await e.update(1e-4); }
await e.dispose();
