// WH only: GG with per-column causal scale adaptation vs plain per-tensor GG vs current adaptive.
// alpha_i = alpha * (colMean_causal/tensorMean_causal)^gamma, colMean shrunk with k virtual rows at tensor mean.
import fs from 'node:fs';
import { readSnf } from '../../dist/src/format/index.js';
const dir = new URL('./data', import.meta.url).pathname;
const SH = [0.75, 1, 1.25, 1.5, 2, 3];
function cost(t, beta, alpha, gamma, k, M) {
  const w = t.cols; const colSum = new Float64Array(w); let tot = 0, n = 0, bits = 0;
  const v = t.values;
  for (let i = 0; i < v.length; i++) {
    const c = i % w, r = (i / w) | 0;
    let a = alpha;
    if (gamma && n > 0) { const mean = tot / n; const cm = (colSum[c] + k * mean) / (r + k); a = alpha * Math.pow((cm + 0.5) / (mean + 0.5), gamma); }
    let Z = 0; for (let m = 1; m <= M; m++) Z += Math.exp(-((m / a) ** beta)); Z = 1 + 2 * Z;
    const q = Math.abs(v[i]);
    bits -= Math.log2((1 - 1e-6) * Math.exp(-((q / a) ** beta)) / Z + 1e-6 / (2 * M + 1));
    colSum[c] += q; tot += q; n++;
  }
  return bits;
}
let T0 = 0, T1 = 0, T2 = 0;
for (const f of fs.readdirSync(dir).sort()) {
  const file = readSnf(new Uint8Array(fs.readFileSync(`${dir}/${f}`)));
  const n = file.networks[0];
  for (const ti of [2, 4]) {
    const tt = n.tensors[ti]; const t = { values: tt.values, cols: n.arch.width };
    const M = (1 << (tt.bits - 1)) - 1;
    let best0 = Infinity, bestP = null;
    for (const beta of SH) for (let kk = 16; kk < 200; kk += 2) { const b = cost(t, beta, 2 ** (kk / 16 - 2), 0, 0, M); if (b < best0) { best0 = b; bestP = [beta, kk]; } }
    let best1 = Infinity, p1 = null;
    for (const gamma of [0.5, 0.75, 1]) for (const k of [2, 4, 8]) for (const dk of [-4, -2, 0, 2, 4]) {
      const b = cost(t, bestP[0], 2 ** ((bestP[1] + dk) / 16 - 2), gamma, k, M); if (b < best1) { best1 = b; p1 = [gamma, k, dk]; }
    }
    T0 += best0 + 11; T1 += best1 + 11 + 4;
    console.log(f.padEnd(12), ti, 'GG', (best0 + 11).toFixed(0), 'GG+colscale', (best1 + 15).toFixed(0), `${(((best1 + 4 - best0) / best0) * 100).toFixed(2)}%`, JSON.stringify(p1));
  }
}
console.log('WH totals: GG', T0.toFixed(0), 'GG+colscale', T1.toFixed(0), `${(((T1 - T0) / T0) * 100).toFixed(2)}%`);
