// How long `readSnf` takes on a fresh process (cold: V8 has compiled nothing of the format's code yet, as in a
// `snfc decode`), on a second call, and hot (the mean of 20 more), in ms, one JSON line:
//   npm run build && node bench/cold-read.mjs file.snf
import { readFileSync } from 'node:fs';
import { readSnf } from '../dist/src/format/index.js';

const bytes = new Uint8Array(readFileSync(process.argv[2]));
const t0 = performance.now();
readSnf(bytes);
const t1 = performance.now();
readSnf(bytes);
const t2 = performance.now();
for (let i = 0; i < 20; i++) readSnf(bytes);
const t3 = performance.now();
console.log(JSON.stringify({ file: process.argv[2], bytes: bytes.length, cold: +(t1 - t0).toFixed(1), second: +(t2 - t1).toFixed(1), hot: +((t3 - t2) / 20).toFixed(1) }));
