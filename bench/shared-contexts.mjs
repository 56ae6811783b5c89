// Usage: npm run build && node bench/shared-contexts.mjs FILE.snf …   (B=7 S=64 SCALE=1 for the format 4 section)
// How many bits would contexts shared across a file's networks save? Ideal adaptive code lengths (−log2 p of the
// spec's KT contexts, §6.2/§6.5), fresh per tensor (formats 1–3) against carried from the same tensor of the
// previous network (same bits), and a variant that carries the counts scaled down to a prior of at most S samples.
import { readFileSync } from 'node:fs';
import { readSnf } from '../dist/src/format/index.js';
const SUFFIX = 2, NODES = 3, LIMIT = 1 << 13;
const ctxCount = (B) => 2 + 4 * (B - 2);
function cost(counts, ctx, bit) {
  const n0 = counts[2 * ctx], n1 = counts[2 * ctx + 1];
  const p0 = Math.floor(((2 * n0 + 1) * 32768) / (2 * (n0 + n1) + 2)) / 32768;
  counts[2 * ctx + bit]++;
  if (counts[2 * ctx] + counts[2 * ctx + 1] > LIMIT) { counts[2 * ctx] = (counts[2 * ctx] + 1) >> 1; counts[2 * ctx + 1] = (counts[2 * ctx + 1] + 1) >> 1; }
  return -Math.log2(bit === 0 ? p0 : 1 - p0);
}
function valueBits(counts, C, q) {
  if (q === 0) return cost(counts, 0, 0);
  let b = cost(counts, 0, 1) + cost(counts, 1, q < 0 ? 1 : 0);
  const m = Math.abs(q), c = Math.floor(Math.log2(m));
  for (let k = 0; k < C; k++) { const more = c > k ? 1 : 0; b += cost(counts, 2 + k, more); if (!more) break; }
  const offset = m - (1 << c), adaptive = Math.min(c, SUFFIX), base = 2 + C + NODES * (c - 1) - 1;
  let node = 1;
  for (let j = 0; j < adaptive; j++) { const bit = (offset >> (c - 1 - j)) & 1; b += cost(counts, base + node, bit); node = 2 * node + bit; }
  return b + (c - adaptive);
}
for (const file of process.argv.slice(2)) {
  const snf = readSnf(readFileSync(file));
  const nets = snf.networks;
  const T = nets[0].tensors.length;
  let fresh = 0, shared = 0; const prior = { 16: 0, 64: 0, 256: 0 };
  const perT = Array.from({ length: T }, () => ({ n: 0, fresh: 0, shared: 0, p64: 0 }));
  for (const [S] of [[16], [64], [256], [Infinity]]) {
    const carry = new Map();
    for (const net of nets) net.tensors.forEach((t, ti) => {
      const key = ti + ':' + t.bits;
      let counts = new Uint16Array(2 * ctxCount(t.bits));
      const prev = carry.get(key);
      if (prev) for (let c = 0; c < prev.length; c += 2) {
        const tot = prev[c] + prev[c + 1]; const s = tot > S ? S / tot : 1;
        counts[c] = Math.round(prev[c] * s); counts[c + 1] = Math.round(prev[c + 1] * s);
      }
      let b = 0; for (const q of t.values) b += valueBits(counts, t.bits - 2, q);
      carry.set(key, counts);
      if (S === Infinity) { shared += b; perT[ti].shared += b; } else prior[S] += b;
      if (S === 64) perT[ti].p64 += b;
    });
  }
  for (const net of nets) net.tensors.forEach((t, ti) => {
    const counts = new Uint16Array(2 * ctxCount(t.bits)); let b = 0;
    for (const q of t.values) b += valueBits(counts, t.bits - 2, q);
    fresh += b; perT[ti].fresh += b; perT[ti].n += t.values.length;
  });
  const bytes = readFileSync(file).length;
  console.log(`${file}: ${bytes} bytes, ${nets.length} networks; payload ideal fresh ${(fresh / 8).toFixed(0)} B, carried ${(shared / 8).toFixed(0)} B (${(100 * (shared / fresh - 1)).toFixed(2)} %), prior≤16 ${(100 * (prior[16] / fresh - 1)).toFixed(2)} %, ≤64 ${(100 * (prior[64] / fresh - 1)).toFixed(2)} %, ≤256 ${(100 * (prior[256] / fresh - 1)).toFixed(2)} %`);
  perT.forEach((p, ti) => console.log(`  tensor ${ti}: ${p.n} values, fresh ${(p.fresh / p.n).toFixed(3)} b/v, carried ${(p.shared / p.n).toFixed(3)}, prior≤64 ${(p.p64 / p.n).toFixed(3)}`));
}
// The floor for any per-tensor static model: each tensor's own empirical entropy (its histogram free), and a
// discretized Laplace fitted per tensor (one scale, sent for free), for the same files.
import { entropyBits } from '../dist/src/format/index.js';
for (const file of process.argv.slice(2)) {
  const nets = readSnf(readFileSync(file)).networks;
  let empirical = 0, laplace = 0;
  for (const net of nets) for (const t of net.tensors) {
    empirical += entropyBits(t.values);
    const n = t.values.length; let mean = 0; for (const q of t.values) mean += Math.abs(q); mean /= n;
    const b = Math.max(mean, 0.05); // Laplace scale by its maximum-likelihood estimate
    const cdf = (x) => (x < 0 ? 0.5 * Math.exp(x / b) : 1 - 0.5 * Math.exp(-x / b));
    for (const q of t.values) laplace -= Math.log2(Math.max(1e-12, cdf(q + 0.5) - cdf(q - 0.5)));
  }
  console.log(`${file}: empirical entropy per tensor ${(empirical / 8).toFixed(0)} B, per-tensor Laplace ${(laplace / 8).toFixed(0)} B`);
}
// Contexts chosen by the neighbourhood (format 4, spec §6.8): each weight matrix coded row by row (§4.2), with one
// set of contexts per bucket of the magnitude already seen in its row and its column (1 + floor(log2(mean + 1)),
// capped at B − 1; bucket 0 while neither has a value), alone and with each bucket's counts carried from the
// previous network, scaled down to at most S. Then the file as the format 4 writer codes it (B = 7, S = 64).
// Try others with B=6,8 S=64,256 SCALE=1,1.5 (bucket 1 + floor(SCALE · log2(mean + 1))).
import { writeSnf } from '../dist/src/format/index.js';
const buckets = (process.env.B ?? '7').split(',').map(Number);
const limits = (process.env.S ?? '64').split(',').map(Number);
const scale = Number(process.env.SCALE ?? 1);
const scaled = (prev, S) => {
  const c = new Uint16Array(prev.length);
  for (let k = 0; k < prev.length; k += 2) { const t = prev[k] + prev[k + 1]; const s = t > S ? S / t : 1; c[k] = Math.round(prev[k] * s); c[k + 1] = Math.round(prev[k + 1] * s); }
  return c;
};
for (const file of process.argv.slice(2)) {
  const snf = readSnf(readFileSync(file));
  const line = [];
  for (const B of buckets) for (const S of limits) {
    let fresh = 0, neighbours = 0, both = 0;
    const carried = new Map();
    for (const net of snf.networks) net.tensors.forEach((t, ti) => {
      const cols = ti % 2 === 1 ? t.values.length : net.tensors[ti + 1].values.length;
      const rows = t.values.length / cols;
      const n = 2 * ctxCount(t.bits), key = ti + ':' + t.bits;
      const one = new Uint16Array(n);
      const sets = Array.from({ length: B }, () => new Uint16Array(n));
      const shared = carried.has(key) ? carried.get(key).map((c) => scaled(c, S)) : Array.from({ length: B }, () => new Uint16Array(n));
      const colSum = new Float64Array(cols);
      for (let i = 0; i < rows; i++) {
        let rowSum = 0;
        for (let o = 0; o < cols; o++) {
          const q = t.values[i * cols + o];
          const seen = (o > 0 ? 1 : 0) + (i > 0 ? 1 : 0);
          const mean = seen === 0 ? -1 : ((o > 0 ? rowSum / o : 0) + (i > 0 ? colSum[o] / i : 0)) / seen;
          const bucket = mean < 0 ? 0 : Math.min(B - 1, 1 + Math.floor(scale * Math.log2(mean + 1)));
          fresh += valueBits(one, t.bits - 2, q);
          neighbours += valueBits(sets[bucket], t.bits - 2, q);
          both += valueBits(shared[bucket], t.bits - 2, q);
          rowSum += Math.abs(q); colSum[o] += Math.abs(q);
        }
      }
      carried.set(key, shared);
    });
    const pct = (bits) => `${(bits / 8).toFixed(0)} B (${(100 * (bits / fresh - 1)).toFixed(2)} %)`;
    line.push(`B ${B} S ${S}: neighbourhood ${pct(neighbours)}, with carried counts ${pct(both)}`);
  }
  const v3 = writeSnf({ ...snf, deflateHeader: true }).length;
  const v4 = writeSnf({ ...snf, sharedContexts: true }).length;
  console.log(`${file}: ${line.join('; ')}; the file rewritten: ${v3} bytes as format 3, ${v4} as format 4 (${(100 * (v4 / v3 - 1)).toFixed(2)} %)`);
}
