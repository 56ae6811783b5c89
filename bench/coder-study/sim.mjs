// Offline entropy-model study for snfc weight integers.
// Run from /work/main:  node .scratch/coder/sim.mjs
// Computes ideal adaptive code lengths (sum of -log2 p per binary decision) for the
// current binarization of spec §6.5 and for variants V1..V6. Nothing here touches the product.
import fs from 'node:fs';
import { readSnf, entropyBits } from '../../dist/src/format/index.js';

const DIR = process.env.SNF_DIR ?? new URL('./data', import.meta.url).pathname;
const files = fs.readdirSync(DIR).filter((x) => x.endsWith('.snf')).sort();

// ---------------------------------------------------------------- data
const data = files.map((f) => {
  const bytes = fs.readFileSync(`${DIR}/${f}`);
  const file = readSnf(new Uint8Array(bytes));
  const h = file.header;
  const pixels = (h.width ?? 192) * (h.height ?? 128);
  const bpp = (bytes.length * 8) / pixels;
  const rate = bpp < 0.75 ? '0.5' : bpp < 1.5 ? '1' : '2';
  const nets = file.networks.map((n) => {
    const a = n.arch;
    const shapes = [];
    for (let l = 0; l <= a.depth; l++) {
      const fanIn = l === 0 ? a.inputs : a.width;
      const fanOut = l === a.depth ? a.outputs : a.width;
      shapes.push({ rows: fanIn, cols: fanOut, role: l === 0 ? 'W0' : l === a.depth ? 'WL' : 'WH', layer: l });
      shapes.push({ rows: 1, cols: fanOut, role: l === a.depth ? 'bL' : 'b', layer: l });
    }
    const tensors = n.tensors.map((t, i) => ({ ...shapes[i], idx: i, bits: t.bits, C: t.bits - 2, values: t.values }));
    return { bytes: n.bytes, tensors };
  });
  return { name: f, image: f.slice(0, 3), rate, fileBytes: bytes.length, nets };
});

// ---------------------------------------------------------------- estimators
// Each estimator: make(prior) -> state; cost(state, bit) -> bits (and updates state).
// prior: {p0, s} (virtual counts s*p0, s*(1-p0)) or undefined.
const LOG2 = Math.log2;
function ktEstimator(limit = 1 << 13, alpha = 0.5, intExact = false) {
  return {
    name: `KT(a=${alpha},L=${limit})${intExact ? 'int' : ''}`,
    make(prior) {
      return prior ? { n0: 0, n1: 0, a0: prior.s * prior.p0, a1: prior.s * (1 - prior.p0) } : { n0: 0, n1: 0, a0: 0, a1: 0 };
    },
    cost(st, bit) {
      let p0;
      if (intExact) p0 = Math.floor(((2 * st.n0 + 1) * 32768) / (2 * (st.n0 + st.n1) + 2)) / 32768;
      else p0 = (st.n0 + st.a0 + alpha) / (st.n0 + st.n1 + st.a0 + st.a1 + 2 * alpha);
      const c = -LOG2(bit ? 1 - p0 : p0);
      if (bit) st.n1++;
      else st.n0++;
      if (st.n0 + st.n1 > limit) {
        if (intExact) {
          st.n0 = (st.n0 + 1) >>> 1;
          st.n1 = (st.n1 + 1) >>> 1;
        } else {
          // halve observed and prior counts alike
          st.n0 /= 2; st.n1 /= 2; st.a0 /= 2; st.a1 /= 2;
        }
      }
      return c;
    },
  };
}
// Shift-based probability (LZMA-style), optional two-rate mix; optional count-based warm-up
// (rate 1/(n+2) until it reaches 2^-r, which makes the first updates KT-like).
function shiftEstimator(rates, warm = true) {
  return {
    name: `shift(${rates.join('+')}${warm ? ',warm' : ''})`,
    make(prior) {
      const p = prior ? prior.p0 : 0.5;
      return { p: rates.map(() => p), n: prior ? prior.s : 0 };
    },
    cost(st, bit) {
      let p0 = 0;
      for (const p of st.p) p0 += p;
      p0 /= st.p.length;
      p0 = Math.min(Math.max(p0, 1 / 4096), 1 - 1 / 4096);
      const c = -LOG2(bit ? 1 - p0 : p0);
      const t = bit ? 0 : 1;
      for (let k = 0; k < rates.length; k++) {
        let rate = 2 ** -rates[k];
        if (warm) rate = Math.max(rate, 1 / (st.n + 1.5));
        st.p[k] += (t - st.p[k]) * rate;
      }
      st.n++;
      return c;
    },
  };
}

// ---------------------------------------------------------------- binarization
// emit(ctxName, bit, info) for adaptive decisions; returns number of direct bits.
// ctx names: 'z', 's', ['u', k], ['o', c, node]. A = adaptive offset bits (Infinity = all).
function binarize(q, C, A, emit) {
  if (q === 0) {
    emit('z', 0, -1);
    return 0;
  }
  emit('z', 1, -1);
  emit('s', q < 0 ? 1 : 0, -1);
  const m = q < 0 ? -q : q;
  const c = 31 - Math.clz32(m);
  for (let k = 0; k < C; k++) {
    const more = c > k ? 1 : 0;
    emit('u', more, k);
    if (!more) break;
  }
  const off = m - (1 << c);
  const ad = Math.min(c, A);
  let node = 1;
  for (let j = 0; j < ad; j++) {
    const bit = (off >>> (c - 1 - j)) & 1;
    emit('o', bit, c, node);
    node = 2 * node + bit;
  }
  return c - ad;
}

const cls = (q) => (q === 0 ? -1 : 31 - Math.clz32(q < 0 ? -q : q));

// ---------------------------------------------------------------- generic adaptive model run
// cfg: { A, est, share: 'none'|'role'|'all', rel: bool (index classes relative to top class C),
//        nb: neighbour-context function (t, i, values) -> bucket string or '', nbOn: set of ctx kinds,
//        prior: (key) -> {p0,s} | undefined }
// Returns per-file per-tensor bits.
function keyOf(cfg, t, kind, a, b) {
  // tensor scope
  let scope;
  if (cfg.share === 'none') scope = `T${t.idx}`;
  else if (cfg.share === 'role') scope = t.role;
  else if (cfg.share === 'WB') scope = t.role[0];
  else scope = 'all';
  if (kind === 'z' || kind === 's') return `${scope}|${kind}`;
  const ci = cfg.rel ? t.C - a : a; // class or unary position
  if (kind === 'u') return `${scope}|u${cfg.rel ? 'r' : ''}${ci}`;
  return `${scope}|o${cfg.rel ? 'r' : ''}${ci}.${b}`;
}

function runNet(net, cfg, recordCounts) {
  const ctx = new Map();
  const per = [];
  for (const t of net.tensors) {
    if (cfg.share === 'none') ctx.clear();
    let bits = 0;
    const v = t.values;
    for (let i = 0; i < v.length; i++) {
      const nbb = cfg.nb ? cfg.nb(t, i, v) : '';
      const sh = cfg.shift ? cfg.shift(t, i, v) : 0;
      const emit = (kind, bit, a, b) => {
        let key = keyOf(cfg, t, kind, kind === 'u' && sh ? a - sh : a, b);
        if (kind === 'z' && sh) key += `@${sh}`;
        if (nbb !== '' && cfg.nbOn.has(kind)) key += `#${nbb}`;
        let st = ctx.get(key);
        if (!st) {
          st = cfg.est.make(cfg.prior ? cfg.prior(key, t) : undefined);
          ctx.set(key, st);
        }
        if (recordCounts) {
          let rc = recordCounts.get(key);
          if (!rc) recordCounts.set(key, (rc = [0, 0]));
          rc[bit]++;
        }
        bits += cfg.est.cost(st, bit);
      };
      const direct = binarize(v[i], t.C, cfg.A, emit);
      bits += direct;
    }
    per.push(bits);
  }
  return per;
}

// ---------------------------------------------------------------- neighbour contexts (V3)
function relBucketOf(q, C) {
  // 0: zero, 1: small (<= C-3), 2: mid (C-2), 3: large (>= C-1)
  const c = cls(q);
  if (c < 0) return 0;
  const r = C - c;
  return r >= 3 ? 1 : r === 2 ? 2 : 3;
}
const nbLeftAbs = (t, i, v) => {
  const col = i % t.cols;
  if (col === 0) return 'x';
  const c = cls(v[i - 1]);
  return c < 0 ? '0' : c === 0 ? '1' : '2';
};
const nbLeftRel = (t, i, v) => (i % t.cols === 0 ? 'x' : String(relBucketOf(v[i - 1], t.C)));
const nbUpRel = (t, i, v) => (t.rows === 1 || i < t.cols ? 'x' : String(relBucketOf(v[i - t.cols], t.C)));
const nbLeftUpRel = (t, i, v) => nbLeftRel(t, i, v) + nbUpRel(t, i, v);
// sum of two neighbour relative buckets (fewer contexts)
const nbSum = (t, i, v) => {
  const l = i % t.cols === 0 ? -1 : relBucketOf(v[i - 1], t.C);
  const u = t.rows === 1 || i < t.cols ? -1 : relBucketOf(v[i - t.cols], t.C);
  if (l < 0 && u < 0) return 'x';
  if (l < 0 || u < 0) return `h${Math.max(l, u)}`;
  return String(l + u);
};
// running row/column magnitude: mean |q| of already coded values in same row (left) and column (above),
// compared to the running mean over the whole tensor so far.
function makeScaleCtx(nb = 3) {
  let cache = null;
  return (t, i, v) => {
    if (!cache || cache.t !== t) {
      // prefix sums computed causally on the fly
      cache = { t, rowSum: 0, colSum: new Float64Array(t.cols), tot: 0, n: 0 };
    }
    const col = i % t.cols;
    const row = (i / t.cols) | 0;
    if (col === 0) cache.rowSum = 0;
    let out = 'x';
    if (cache.n >= 8 && t.rows > 1) {
      const mean = cache.tot / cache.n;
      let s = 0;
      let k = 0;
      if (col > 0) { s += cache.rowSum / col; k++; }
      if (row > 0) { s += cache.colSum[col] / row; k++; }
      if (k > 0) {
        const r = LOG2((s / k + 0.5) / (mean + 0.5));
        out = r < -0.25 ? '0' : r < 0.15 ? '1' : '2';
        if (nb === 5) out = r < -0.5 ? '0' : r < -0.2 ? '1' : r < 0.1 ? '2' : r < 0.3 ? '3' : '4';
      }
    }
    const a = Math.abs(v[i]);
    cache.rowSum += a;
    cache.colSum[col] += a;
    cache.tot += a;
    cache.n++;
    return out;
  };
}

// ---------------------------------------------------------------- V6 parametric
// Generalized Gaussian pmf over [-M, M]: p(q) ∝ exp(-(|q|/alpha)^beta), alpha = 2^(k/16).
const SHAPES = [0.5, 0.75, 1, 1.5, 2, 3, 6, 12];
function ggCost(values, M, beta, alpha) {
  let Z = 0;
  const w = (q) => Math.exp(-((Math.abs(q) / alpha) ** beta));
  const lut = new Float64Array(M + 1);
  for (let q = 0; q <= M; q++) lut[q] = w(q);
  for (let q = 0; q <= M; q++) Z += q === 0 ? lut[q] : 2 * lut[q];
  // floor probability: mix with uniform 2^-20 to avoid infinities
  let bits = 0;
  const eps = 1e-6;
  const U = 1 / (2 * M + 1);
  for (const q of values) {
    const p = (1 - eps) * (lut[Math.abs(q)] / Z) + eps * U;
    bits -= LOG2(p);
  }
  return bits;
}
function bestParam(values, M, shapes) {
  let best = { bits: Infinity };
  for (const beta of shapes) {
    // coarse then fine on k
    let bk = 0;
    let bb = Infinity;
    for (let k = 0; k < 256; k += 8) {
      const b = ggCost(values, M, beta, 2 ** (k / 16 - 2));
      if (b < bb) { bb = b; bk = k; }
    }
    for (let k = Math.max(0, bk - 8); k < Math.min(256, bk + 9); k++) {
      const b = ggCost(values, M, beta, 2 ** (k / 16 - 2));
      if (b < bb) { bb = b; bk = k; }
    }
    if (bb < best.bits) best = { bits: bb, beta, k: bk, alpha: 2 ** (bk / 16 - 2) };
  }
  return best;
}
// Prior for each binary context of the §6.5 tree from a pmf over m=|q| (for V6b hybrid).
function treePriorsFromPmf(pm, C, A) {
  // pm[m] for m = 0..M (mass of |q| = m, both signs together)
  const pri = new Map();
  const tot = pm.reduce((a, b) => a + b, 0);
  pri.set('z', pm[0] / tot);
  pri.set('s', 0.5);
  const massCls = (c) => { let s = 0; for (let m = 1 << c; m < Math.min(pm.length, 1 << (c + 1)); m++) s += pm[m]; return s; };
  const mc = [];
  for (let c = 0; c <= C; c++) mc.push(massCls(c));
  for (let k = 0; k < C; k++) {
    let ge = 0; for (let c = k; c <= C; c++) ge += mc[c];
    pri.set(`u${k}`, ge > 0 ? mc[k] / ge : 0.5);
  }
  for (let c = 1; c <= C; c++) {
    const ad = Math.min(c, A);
    // node masses
    const rec = (node, depth) => {
      if (depth >= ad) return;
      // node covers offsets with prefix (node - 2^depth) of length depth
      const pre = node - (1 << depth);
      const span = 1 << (c - depth);
      const lo = (1 << c) + pre * span;
      let m0 = 0, m1 = 0;
      for (let m = lo; m < lo + span / 2 && m < pm.length; m++) m0 += pm[m];
      for (let m = lo + span / 2; m < lo + span && m < pm.length; m++) m1 += pm[m];
      pri.set(`o${c}.${node}`, m0 + m1 > 0 ? m0 / (m0 + m1) : 0.5);
      rec(2 * node, depth + 1);
      rec(2 * node + 1, depth + 1);
    };
    rec(1, 0);
  }
  return pri;
}

// ---------------------------------------------------------------- evaluation helpers
const rates = ['0.5', '1', '2'];
function summarize(perFileBits) {
  perFileBits = perFileBits.map((x) => (typeof x === 'number' ? x : x.reduce((a, b) => a + b, 0)));
  // perFileBits: array aligned with data of total bits
  const total = perFileBits.reduce((a, b) => a + b, 0);
  const byRate = {};
  for (const r of rates) byRate[r] = 0;
  data.forEach((d, i) => (byRate[d.rate] += perFileBits[i]));
  return { total, byRate };
}
function runAdaptive(cfg, sel = () => true) {
  return data.map((d) => d.nets.flatMap((n) => runNet(n, cfg).map((b, ti) => (sel(n.tensors[ti]) ? b : 0))));
}
const ROLES = ['W0', 'b', 'WH', 'WL', 'bL'];
const roleList = data.map((d) => d.nets.flatMap((n) => n.tensors.map((t) => t.role)));
const roleSum = (per) => { const o = {}; for (const r of ROLES) o[r] = 0; per.forEach((arr, i) => arr.forEach((b, j) => (o[roleList[i][j]] += b))); return o; };

const results = [];
let baseTotal = null;
let baseByRate = null;
let baseByRole = null;
function report(name, perFileBits, note = '') {
  const s = summarize(perFileBits);
  if (baseTotal === null) { baseTotal = s.total; baseByRate = s.byRate; }
  if (typeof perFileBits[0] !== 'number') {
    s.byRole = roleSum(perFileBits);
    if (!baseByRole) baseByRole = s.byRole;
    note = ROLES.map((r) => `${r}:${(((s.byRole[r] - baseByRole[r]) / baseByRole[r]) * 100).toFixed(1)}%`).join(' ') + (note ? ' ' + note : '');
  }
  const pct = (x, b) => `${(((x - b) / b) * 100).toFixed(2)}%`;
  results.push({ name, ...s, note });
  console.log(
    name.padEnd(58),
    String(Math.round(s.total)).padStart(7),
    pct(s.total, baseTotal).padStart(8),
    rates.map((r) => pct(s.byRate[r], baseByRate[r]).padStart(8)).join(''),
    note,
  );
}

// ---------------------------------------------------------------- 0. verification
const KT = ktEstimator();
const base = { A: 2, est: KT, share: 'none', rel: false };
console.log('verification (exact integer p0 of §6.2 vs actual stream bytes):');
for (const d of data) {
  const exact = d.nets.reduce((s, n) => s + runNet(n, { ...base, est: ktEstimator(1 << 13, 0.5, true) }).reduce((a, b) => a + b, 0), 0);
  const ideal = d.nets.reduce((s, n) => s + runNet(n, base).reduce((a, b) => a + b, 0), 0);
  const real = d.nets.reduce((s, n) => s + n.bytes * 8, 0);
  console.log(`  ${d.name.padEnd(12)} rate ${d.rate}  real ${real} bits, model(int p0) ${exact.toFixed(0)} (${(((real - exact) / real) * 100).toFixed(2)}% under real), model(float KT) ${ideal.toFixed(0)}`);
}
console.log();
console.log('variant'.padEnd(58), 'bits'.padStart(7), 'vs cur'.padStart(8), rates.map((r) => `@${r}`.padStart(8)).join(''));

// ---------------------------------------------------------------- reference: empirical entropy
report('current (§6.5, A=2, fresh per tensor, KT L=2^13)', runAdaptive(base));
report('ref: sum per-tensor empirical entropy (not achievable)', data.map((d) => d.nets.reduce((s, n) => s + n.tensors.reduce((a, t) => a + entropyBits(t.values), 0), 0)));
report('ref: current, stored stream bytes*8', data.map((d) => d.nets.reduce((s, n) => s + n.bytes * 8, 0)));

// per-role breakdown of current
{
  const roles = ['W0', 'b', 'WH', 'WL', 'bL'];
  const line = roles.map((r) => `${r}=${Math.round(runAdaptive(base, (t) => t.role === r).flat().reduce((a, b) => a + b, 0))}`).join(' ');
  console.log('  current by role:', line);
  const eline = roles.map((r) => `${r}=${Math.round(data.reduce((s, d) => s + d.nets.reduce((s2, n) => s2 + n.tensors.filter((t) => t.role === r).reduce((a, t) => a + entropyBits(t.values), 0), 0), 0))}`).join(' ');
  console.log('  entropy by role:', eline);
  const nline = roles.map((r) => `${r}=${data.reduce((s, d) => s + d.nets.reduce((s2, n) => s2 + n.tensors.filter((t) => t.role === r).reduce((a, t) => a + t.values.length, 0), 0), 0)}`).join(' ');
  console.log('  values by role: ', nline);
}

// ---------------------------------------------------------------- V1
console.log('-- V1 adaptive offset bits');
for (const A of [0, 1, 3, 4, 5, Infinity]) report(`V1 A=${A}`, runAdaptive({ ...base, A }));

// ---------------------------------------------------------------- V2
console.log('-- V2 sharing across tensors');
for (const A of [2, 3]) {
  report(`V2 share by role (W0,WH,WL,b,bL), abs class, A=${A}`, runAdaptive({ ...base, A, share: 'role', rel: false }));
  report(`V2 share by role, class rel. to top (C-c), A=${A}`, runAdaptive({ ...base, A, share: 'role', rel: true }));
  report(`V2 share W / b, rel, A=${A}`, runAdaptive({ ...base, A, share: 'WB', rel: true }));
  report(`V2 share all tensors, rel, A=${A}`, runAdaptive({ ...base, A, share: 'all', rel: true }));
}
report('V2b fresh per tensor but rel indexing (=current), A=2', runAdaptive({ ...base, rel: true }));

// ---------------------------------------------------------------- V3
console.log('-- V3 neighbour contexts (zero flag + unary bits)');
const zu = new Set(['z', 'u']);
report('V3 left abs bucket (0,1,2+) [brief]', runAdaptive({ ...base, nb: nbLeftAbs, nbOn: zu }));
report('V3 left rel bucket', runAdaptive({ ...base, nb: nbLeftRel, nbOn: zu }));
report('V3 up rel bucket', runAdaptive({ ...base, nb: nbUpRel, nbOn: zu }));
report('V3 left+up sum', runAdaptive({ ...base, nb: nbSum, nbOn: zu }));
report('V3 left x up (16 ctx sets)', runAdaptive({ ...base, nb: nbLeftUpRel, nbOn: zu }));
report('V3 running row/col mean |q| vs tensor mean, 3 buckets', runAdaptive({ ...base, nb: makeScaleCtx(3), nbOn: zu }));
report('V3 running row/col mean, 3 buckets, + offsets', runAdaptive({ ...base, nb: makeScaleCtx(3), nbOn: new Set(['z', 'u', 'o']) }));
report('V3 running row/col mean, 3 buckets, shared by role', runAdaptive({ ...base, share: 'role', rel: true, nb: makeScaleCtx(3), nbOn: zu }));

// ---------------------------------------------------------------- V4
console.log('-- V4 estimators');
for (const L of [1024, 255, 127, 63, 31]) report(`V4 KT halving limit ${L}`, runAdaptive({ ...base, est: ktEstimator(L) }));
for (const a of [0.25, 0.4, 0.75, 1]) report(`V4 add-${a} estimator (L=2^13)`, runAdaptive({ ...base, est: ktEstimator(1 << 13, a) }));
for (const r of [[4], [5], [6], [4, 7], [5, 8]]) {
  report(`V4 shift r=${r.join('+')} (no warm-up)`, runAdaptive({ ...base, est: shiftEstimator(r, false) }));
  report(`V4 shift r=${r.join('+')} with 1/(n+1.5) warm-up`, runAdaptive({ ...base, est: shiftEstimator(r, true) }));
}

// ---------------------------------------------------------------- V5 priors (leave-out)
console.log('-- V5 priors from other files');
// prior key: scoped context key (tensor index or role) + class index; same arch in all files
function priorTable(trainIdx, cfg) {
  const rc = new Map();
  for (const i of trainIdx) for (const n of data[i].nets) runNet(n, { ...cfg, prior: undefined }, rc);
  return rc;
}
function priorFor(i, cfg, s, leave) {
  const d = data[i];
  const train = data.map((_, j) => j).filter((j) => (leave === 'image' ? data[j].image !== d.image : j !== i));
  const rc = priorTable(train, cfg);
  return (key) => {
    const c = rc.get(key);
    if (!c) return undefined;
    const p0 = (c[0] + 0.5) / (c[0] + c[1] + 1);
    return { p0, s: Math.min(s, c[0] + c[1]) };
  };
}
function runWithPriors(cfg, s, leave) {
  return data.map((d, i) => {
    const prior = priorFor(i, cfg, s, leave);
    return d.nets.flatMap((n) => runNet(n, { ...cfg, prior }));
  });
}
const relBase = { ...base, rel: true }; // keys T<idx>|u r<C-k> : file-independent
for (const s of [4, 16, 64]) {
  report(`V5 priors per (tensor idx, rel ctx), s=${s}, leave-one-file-out`, runWithPriors(relBase, s, 'file'));
  report(`V5 priors per (tensor idx, rel ctx), s=${s}, leave-one-image-out`, runWithPriors(relBase, s, 'image'));
}
report('V5 priors, abs ctx, s=16, leave-one-image-out', runWithPriors(base, 16, 'image'));

// ---------------------------------------------------------------- V6 parametric
console.log('-- V6 parametric (discretized generalized Gaussian, per-tensor params as side info)');
const ggCache = new Map();
function ggFit(t, shapes) {
  const k = `${shapes.join(',')}`;
  let m = ggCache.get(t);
  if (!m) ggCache.set(t, (m = new Map()));
  if (!m.has(k)) m.set(k, bestParam(t.values, (1 << (t.bits - 1)) - 1, shapes));
  return m.get(k);
}
const sideBitsOf = (shapes) => 8 + Math.ceil(Math.log2(shapes.length));
function runParam(shapes) {
  return data.map((d) => d.nets.flatMap((n) => n.tensors.map((t) => ggFit(t, shapes).bits + sideBitsOf(shapes))));
}
const SHAPES16 = [0.5, 0.625, 0.75, 0.875, 1, 1.125, 1.25, 1.375, 1.5, 1.75, 2, 2.5, 3, 4, 6, 12];
report('V6 Laplace (beta=1), 8-bit scale', runParam([1]));
report('V6 Gaussian (beta=2), 8-bit scale', runParam([2]));
report('V6 gen. Gaussian, 8 shapes (3 bits) + 8-bit scale', runParam(SHAPES));
report('V6 gen. Gaussian, 16 shapes (4 bits) + 8-bit scale', runParam(SHAPES16));
// per-tensor choice between an adaptive run (precomputed per-tensor bits) and GG (1 flag bit)
function minWith(adPer, shapes = SHAPES, sel = () => true) {
  return data.map((d, i) => {
    const ts = d.nets.flatMap((n) => n.tensors);
    return ts.map((t, j) => (sel(t) ? 1 + Math.min(adPer[i][j], ggFit(t, shapes).bits + sideBitsOf(shapes)) : adPer[i][j]));
  });
}
const adBase = runAdaptive(base);
report('V6 per tensor min(GG8, current adaptive) + 1 flag bit', minWith(adBase));
// V6b hybrid: adaptive contexts initialised from per-tensor GG fit (sent as 11 bits)
function runHybrid(s, A = 2, est = KT, shapes = SHAPES) {
  return data.map((d) => d.nets.flatMap((n) => n.tensors.map((t) => {
    const M = (1 << (t.bits - 1)) - 1;
    const b = ggFit(t, shapes);
    const pm = new Float64Array(M + 1);
    for (let m = 0; m <= M; m++) pm[m] = (m === 0 ? 1 : 2) * Math.exp(-((m / b.alpha) ** b.beta)) + 1e-9;
    const pri = treePriorsFromPmf(pm, t.C, A);
    const prior = (key) => {
      const p0 = pri.get(key.split('|')[1]);
      if (p0 === undefined) return undefined;
      return { p0: Math.min(Math.max(p0, 0.002), 0.998), s };
    };
    return runNet({ tensors: [t] }, { ...base, A, est, prior })[0] + sideBitsOf(shapes);
  })));
}
for (const s of [4, 16, 64, 256]) report(`V6b adaptive ctx primed by per-tensor GG8 fit, s=${s}`, runHybrid(s));

// ---------------------------------------------------------------- combos
console.log('-- combinations');
const roleRel = { ...base, share: 'role', rel: true };
const adRole = runAdaptive(roleRel);
report('K0 share by role rel (=V2 best), A=2', adRole);
report('K0 share by role rel, A=1', runAdaptive({ ...roleRel, A: 1 }));
const adRoleP = runWithPriors(roleRel, 16, 'image');
report('K1 share by role rel + priors s=16 LOIO', adRoleP);
report('K1 share by role rel + priors s=64 LOIO', runWithPriors(roleRel, 64, 'image'));
report('K1 share by role rel + priors s=16 LOFO', runWithPriors(roleRel, 16, 'file'));
const isWH = (t) => t.role === 'WH';
report('K2 GG8 for WH (no flag), share-by-role adaptive for the rest', data.map((d, i) => d.nets.flatMap((n) => n.tensors).map((t, j) => (isWH(t) ? ggFit(t, SHAPES).bits + 11 : adRole[i][j]))));
report('K2b GG16 for WH (no flag), share-by-role adaptive for rest', data.map((d, i) => d.nets.flatMap((n) => n.tensors).map((t, j) => (isWH(t) ? ggFit(t, SHAPES16).bits + 12 : adRole[i][j]))));
report('K3 GG8 for WH, share-by-role + priors s=16 LOIO for rest', data.map((d, i) => d.nets.flatMap((n) => n.tensors).map((t, j) => (isWH(t) ? ggFit(t, SHAPES).bits + 11 : adRoleP[i][j]))));
report('K4 per tensor min(GG8, share-by-role adaptive) + flag', minWith(adRole));
report('K5 per tensor min(GG8, share-by-role+priors LOIO) + flag', minWith(adRoleP));
const hyb = runHybrid(64);
report('K6 GG8-primed adaptive (s=64) for WH, share+priors LOIO rest', data.map((d, i) => d.nets.flatMap((n) => n.tensors).map((t, j) => (isWH(t) ? hyb[i][j] : adRoleP[i][j]))));
report('C1 A=3 + share by role rel + row/col scale ctx', runAdaptive({ ...base, A: 3, share: 'role', rel: true, nb: makeScaleCtx(3), nbOn: zu }));


// ---------------------------------------------------------------- V3c per-neuron scale contexts
console.log('-- V3c per-neuron scale contexts (zero flag + unary bits), W tensors with rows>1 only');
// column context: mean |q| of the column over rows already coded vs tensor mean so far (causal).
// row context: for W_l (l>=1), mean |q| of column i of W_{l-1} (fully decoded earlier) vs its mean:
//   neuron i's incoming scale; it anticorrelates with its outgoing row scale (corr -0.4..-0.8).
function bucket(r, th) { let b = 0; while (b < th.length && r >= th[b]) b++; return b; }
function makeNeuronCtx({ col = true, row = true, thC = [-0.3, 0.2], thR = [-0.3, 0.2], minRows = 3 }) {
  let st = null;
  return (t, i, v) => {
    if (!st || st.t !== t) {
      st = { t, colSum: new Float64Array(t.cols), tot: 0, n: 0, rowB: null };
      if (row && t.rows > 1 && t.layer >= 1) {
        // previous W of this network: find by identity via closure over net (set by caller)
        const prev = st.prevW = currentNet.tensors[t.idx - 2];
        const cs = new Float64Array(prev.cols);
        for (let k = 0; k < prev.values.length; k++) cs[k % prev.cols] += Math.abs(prev.values[k]);
        const mean = cs.reduce((a, b) => a + b, 0) / cs.length;
        st.rowB = Array.from(cs, (x) => bucket(LOG2((x + 0.5) / (mean + 0.5)), thR));
      }
    }
    const c = i % t.cols;
    const r = (i / t.cols) | 0;
    let out = '';
    if (t.rows > 1 && t.role !== 'W0') {
      if (col) out += r >= minRows ? bucket(LOG2((st.colSum[c] / r + 0.5) / (st.tot / st.n + 0.5)), thC) : 'x';
      if (row && st.rowB) out += st.rowB[r];
    }
    const a = Math.abs(v[i]);
    st.colSum[c] += a;
    st.tot += a;
    st.n++;
    return out;
  };
}
let currentNet = null;
function runAdaptiveN(cfg) {
  return data.map((d) => d.nets.flatMap((n) => { currentNet = n; return runNet(n, cfg); }));
}
for (const [name, opt] of [
  ['col only 3b', { row: false }],
  ['col only 5b', { row: false, thC: [-0.6, -0.25, 0.15, 0.4] }],
  ['row-pred only 3b', { col: false }],
  ['row-pred only 2b', { col: false, thR: [0] }],
  ['col 3b x row-pred 3b', {}],
  ['col 3b x row-pred 2b', { thR: [0] }],
  ['col 2b x row-pred 2b', { thC: [0], thR: [0] }],
]) {
  report(`V3c ${name}, fresh per tensor`, runAdaptiveN({ ...base, nb: makeNeuronCtx(opt), nbOn: zu }));
  report(`V3c ${name}, share by role rel`, runAdaptiveN({ ...roleRel, nb: makeNeuronCtx(opt), nbOn: zu }));
}
report('V3c col 3b x row-pred 2b, role rel, ctx on z,u,o', runAdaptiveN({ ...roleRel, nb: makeNeuronCtx({ thR: [0] }), nbOn: new Set(['z', 'u', 'o']) }));


// ---------------------------------------------------------------- V3d scale-normalised contexts
// shift = round(log2(causal column mean |q| / tensor mean |q|)) clamped to [-1, 1] (or half-steps): the
// unary position k is looked up as context k - shift, so no context dilution.
console.log('-- V3d column-scale-normalised unary contexts (no extra contexts)');
function makeColShift({ k = 4, lim = 1, roles = ['WH'], half = false }) {
  let st = null;
  return (t, i, v) => {
    if (!st || st.t !== t) st = { t, colSum: new Float64Array(t.cols), tot: 0, n: 0 };
    const c = i % t.cols;
    const r = (i / t.cols) | 0;
    let sh = 0;
    if (roles.includes(t.role) && st.n > 0) {
      const mean = st.tot / st.n;
      const cm = (st.colSum[c] + k * mean) / (r + k);
      const l = LOG2((cm + 0.5) / (mean + 0.5));
      sh = Math.max(-lim, Math.min(lim, Math.round(l)));
    }
    const a = Math.abs(v[i]);
    st.colSum[c] += a; st.tot += a; st.n++;
    return sh;
  };
}
report('V3d col shift k=4 lim1 WH, fresh per tensor', runAdaptive({ ...base, shift: makeColShift({}) }));
report('V3d col shift k=4 lim1 WH, share by role rel', runAdaptive({ ...roleRel, shift: makeColShift({}) }));
report('V3d col shift k=2 lim2 WH, share by role rel', runAdaptive({ ...roleRel, shift: makeColShift({ k: 2, lim: 2 }) }));
report('V3d col shift k=4 lim1 WH+WL, share by role rel', runAdaptive({ ...roleRel, shift: makeColShift({ roles: ['WH', 'WL'] }) }));
const v3d = runAdaptive({ ...roleRel, shift: makeColShift({}) });
report('K7 per tensor min(GG8, role-rel + colshift adaptive) + flag', minWith(v3d));
report('K8 role-rel + colshift + priors s=16 LOIO', runWithPriors({ ...roleRel, shift: makeColShift({}) }, 16, 'image'));

fs.writeFileSync('/work/main/.scratch/coder/results.json', JSON.stringify({ baseTotal, baseByRate, results }, null, 1));
