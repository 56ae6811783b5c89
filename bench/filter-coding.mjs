// Usage: npm run build && node bench/filter-coding.mjs FILE.snf …
// What would coding the restoration filter's int8 coefficients (spec §3.10) with the weights' range coder save?
// raw: the bytes stored today; deflate: those bytes deflated alone (about what the deflated header makes of them);
// one: the coder of §6.1 over all of them; rings: one tensor per ring of taps (|dx| + |dy| = 1, 2, 3, and the
// cross-channel taps), same tap of every class, direction and channel together; tapMajor: one tensor, tap by tap;
// diffRings: directions 1–4 as differences from direction 0, by ring; classDiffRings: classes as differences from
// the class below, by ring.
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { readSnf, encodeTensors } from '../dist/src/format/index.js';
const tot = {};
const add = (k, v) => { tot[k] = (tot[k] ?? 0) + v; };
for (const f of process.argv.slice(2)) {
  const s = readSnf(readFileSync(f)); const flt = s.header.filter; if (!flt) continue;
  const c = Int32Array.from(flt.coefficients); const n = c.length;
  const K = flt.thresholds.length + 1, D = flt.directions ?? 1, C = 3, T = n / (K * D * C);
  const own = flt.radius * (flt.radius + 1);
  const r = {};
  r.raw = n; r.deflate = deflateRawSync(Buffer.from(new Uint8Array(flt.coefficients.buffer))).length;
  r.one = encodeTensors([{ bits: 8, values: c }]).length;
  // grouped by tap: the same tap of every class, direction, channel together, one tensor per ring
  const ringOf = (t) => { if (t >= own) return 'x'; const taps = []; for (let dy = 0; dy <= flt.radius; dy++) for (let dx = -flt.radius; dx <= flt.radius; dx++) if (Math.abs(dx) + dy <= flt.radius && (dy > 0 || dx > 0)) taps.push(Math.abs(dx) + dy); return taps[t]; };
  const groups = new Map();
  for (let i = 0; i < n; i++) { const t = i % T; const g = ringOf(t); if (!groups.has(g)) groups.set(g, []); groups.get(g).push(c[i]); }
  r.rings = encodeTensors([...groups.values()].map((v) => ({ bits: 8, values: Int32Array.from(v) }))).length;
  // tap-major order in one tensor
  const tapMajor = []; for (let t = 0; t < T; t++) for (let j = t; j < n; j += T) tapMajor.push(c[j]);
  r.tapMajor = encodeTensors([{ bits: 8, values: Int32Array.from(tapMajor) }]).length;
  // directions 1..4 as differences from direction 0 of the same class/channel
  const set = C * T; const diff = Int32Array.from(c);
  if (D > 1) for (let k = 0; k < K; k++) for (let d = 1; d < D; d++) for (let j = 0; j < set; j++) diff[(k * D + d) * set + j] = c[(k * D + d) * set + j] - c[(k * D) * set + j];
  const dg = new Map(); for (let i = 0; i < n; i++) { const g = ringOf(i % T); if (!dg.has(g)) dg.set(g, []); dg.get(g).push(diff[i]); }
  r.diffRings = encodeTensors([...dg.values()].map((v) => ({ bits: 9, values: Int32Array.from(v) }))).length;
  // differences from the class below (k-1), same direction
  const dk = Int32Array.from(c); for (let k = K - 1; k >= 1; k--) for (let j = 0; j < D * set; j++) dk[k * D * set + j] -= c[(k - 1) * D * set + j];
  const kg = new Map(); for (let i = 0; i < n; i++) { const g = ringOf(i % T); if (!kg.has(g)) kg.set(g, []); kg.get(g).push(dk[i]); }
  r.classDiffRings = encodeTensors([...kg.values()].map((v) => ({ bits: 9, values: Int32Array.from(v) }))).length;
  for (const [k, v] of Object.entries(r)) add(k, v);
  console.log(f.split('/').pop(), `K${K} D${D} T${T}`, Object.entries(r).map(([k, v]) => `${k} ${v}`).join(' '));
}
console.log('total', Object.entries(tot).map(([k, v]) => `${k} ${v}`).join(' '));
