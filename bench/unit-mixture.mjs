// Usage: npm run build && node bench/unit-mixture.mjs FILE.snf   (a 5.x file; docs/studies.md, "Steps per unit")
// Per sine-layer weight tensor of a 5.x file: the empirical entropy of its integers as one distribution, and split
// into two halves by the unit's multiplier (below and above the tensor's median): the bits a per-class context could save at most.
import { readFileSync } from 'node:fs';
import { readSnf, networkParams } from '../dist/src/format/index.js';
import { unitScalesOf } from '../dist/src/format/unit-scales.js';
const file = readSnf(new Uint8Array(readFileSync(process.argv[2])));
const H = (vals) => { const c = new Map(); for (const v of vals) c.set(v, (c.get(v) ?? 0) + 1); let h = 0; for (const n of c.values()) h -= n * Math.log2(n / vals.length); return h; };
let one = 0, split = 0, control = 0, n = 0;
for (const net of file.networks) {
  const arch = net.arch; const params = networkParams(net);
  const scales = unitScalesOf(arch, params);
  for (let layer = 0; layer < arch.depth; layer++) {
    const W = net.tensors[2 * layer].values; const m = scales[layer]; const width = m.length;
    const med = [...m].sort((a, b) => a - b)[width >> 1];
    const lo = [], hi = [];
    for (let i = 0; i < W.length; i++) (m[i % width] < med ? lo : hi).push(W[i]);
    const even = [], odd = [];
    for (let i = 0; i < W.length; i++) ((i % width) % 2 === 0 ? even : odd).push(W[i]);
    one += H([...W]); split += H(lo) + H(hi); control += H(even) + H(odd); n += W.length;
  }
}
console.log(`weights ${n}: one distribution ${(one / 8).toFixed(0)} B, split by multiplier ${(split / 8).toFixed(0)} B (${((1 - split / one) * 100).toFixed(1)} % less, before any learning cost; split by unit parity, a control: ${((1 - control / one) * 100).toFixed(1)} % less); payload ${file.networks.reduce((a, x) => a + x.bytes, 0)} B`);
