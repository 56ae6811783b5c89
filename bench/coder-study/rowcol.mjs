// Is there row/column (per-neuron) scale structure in hidden W beyond iid? Compare spread of row RMS to a shuffled control.
import fs from 'node:fs';
import { readSnf } from '../../dist/src/format/index.js';
const dir = new URL('./data', import.meta.url).pathname;
function rms(a) { return Math.sqrt(a.reduce((s, x) => s + x * x, 0) / a.length); }
function cv(a) { const m = a.reduce((s, x) => s + x, 0) / a.length; return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / a.length) / m; }
function corr(a, b) { const n=a.length, ma=a.reduce((s,x)=>s+x,0)/n, mb=b.reduce((s,x)=>s+x,0)/n; let c=0,va=0,vb=0; for(let i=0;i<n;i++){c+=(a[i]-ma)*(b[i]-mb);va+=(a[i]-ma)**2;vb+=(b[i]-mb)**2;} return c/Math.sqrt(va*vb); }
for (const f of fs.readdirSync(dir).sort()) {
  const file = readSnf(new Uint8Array(fs.readFileSync(`${dir}/${f}`)));
  const n = file.networks[0]; const w = n.arch.width;
  const out = [];
  for (const ti of [2, 4]) {
    const v = Array.from(n.tensors[ti].values);
    const rows = [...Array(w)].map((_, r) => rms(v.slice(r * w, r * w + w)));
    const cols = [...Array(w)].map((_, c) => rms(rows.map((_, r) => v[r * w + c])));
    const sh = v.slice(); for (let i = sh.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [sh[i], sh[j]] = [sh[j], sh[i]]; }
    const rowsS = [...Array(w)].map((_, r) => rms(sh.slice(r * w, r * w + w)));
    // incoming col RMS of W_{l-1} (tensor ti-2) vs outgoing row RMS of W_l
    const prev = Array.from(n.tensors[ti - 2].values); const pc = n.tensors[ti - 2].values.length / w;
    const inc = [...Array(w)].map((_, c) => rms([...Array(pc)].map((_, r) => prev[r * w + c])));
    out.push(`W${ti / 2}: cv(rowRMS)=${cv(rows).toFixed(3)} cv(colRMS)=${cv(cols).toFixed(3)} shuffled=${cv(rowsS).toFixed(3)} corr(in-col of prev, out-row)=${corr(inc, rows).toFixed(2)}`);
  }
  console.log(f.padEnd(12), out.join(' | '));
}
