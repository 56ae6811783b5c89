// The range decoding of a file's coded streams (spec §6): the binary range
// decoder (§6.4), the tensor model's binarization (§6.5), a network's tensors
// with one model or with neighbourhood models (§6.8), and the DCT residual's
// values (§3.11). The entry of its own small, scalar WASM build
// (scripts/build-wasm.mjs: binaries-streams), which `readSnf` compiles
// synchronously, also on a page's main thread, where browsers refuse modules
// over 4 KB. Why WASM: a file is read once, and V8 runs JavaScript's first
// hundred thousand bits slowly, so three quarters of a cold read was warm-up
// (docs/engine.md, "Reading a file cold"); WASM runs at speed from the first.
//
// The TypeScript decoder in src/format/ is the reference and the fallback
// where WebAssembly is missing; test/stream-kernels.test.ts compares the two.
// Every argument is a byte offset into the imported memory, which the host
// lays out (src/format/stream-kernels.ts). No allocation.

// @ts-ignore: decorator
@inline const PROB_BITS: u32 = 15;
// @ts-ignore: decorator
@inline const COUNT_LIMIT: u32 = 1 << 13;
// @ts-ignore: decorator
@inline const RANGE_TOP: u32 = 1 << 24;

// The decoder's state, kept across calls: one network's stream spans all its tensors.
let stream: usize = 0;
let length: u32 = 0;
let position: u32 = 0;
let range: u32 = 0;
let code: u32 = 0;
/** The encoder's `low`, mirrored, for the stream's end check (§6.6): below 2^33. */
let low: u64 = 0;

// @ts-ignore: decorator
@inline function nextByte(): u32 {
  const byte: u32 = position < length ? <u32>load<u8>(stream + position) : 0;
  position++;
  return byte;
}

// @ts-ignore: decorator
@inline function shift(): void {
  range <<= 8;
  code = (code << 8) | nextByte();
  low = (low & 0xff_ffff) << 8;
}

/** Starts decoding the `bytes` bytes at `at` (§6.4). Returns 1 if the start is possible for an encoder's stream. */
export function begin(at: usize, bytes: u32): u32 {
  stream = at;
  length = bytes;
  position = 0;
  range = 0xffff_ffff;
  code = 0;
  low = 0;
  for (let k = 0; k < 4; k++) code = (code << 8) | nextByte();
  return code < range ? 1 : 0;
}

/** The state the host checks the end against (§6.6). */
export function statePosition(): u32 { return position; }
export function stateRange(): u32 { return range; }
export function stateCode(): u32 { return code; }
export function stateLow(): f64 { return <f64>low; }

/** One bit in context `ctx` of the counts at `counts` (two u16 a context, §6.2), which it then updates. */
function decodeBit(counts: usize, ctx: u32): u32 {
  const at = counts + (<usize>ctx << 2);
  const n0 = <u32>load<u16>(at);
  const n1 = <u32>load<u16>(at, 2);
  const p0 = ((2 * n0 + 1) << PROB_BITS) / (2 * (n0 + n1) + 2);
  const bound = (range >>> PROB_BITS) * p0;
  let bit: u32;
  if (code < bound) {
    range = bound;
    store<u16>(at, n0 + 1);
    bit = 0;
  } else {
    code -= bound;
    low += bound;
    range -= bound;
    store<u16>(at, n1 + 1, 2);
    bit = 1;
  }
  if (n0 + n1 + 1 > COUNT_LIMIT) {
    store<u16>(at, (<u32>load<u16>(at) + 1) >>> 1);
    store<u16>(at, (<u32>load<u16>(at, 2) + 1) >>> 1, 2);
  }
  while (range < RANGE_TOP) shift();
  return bit;
}

/** `count` bits at probability ½, most significant first (§6.3). */
function decodeDirect(count: u32): u32 {
  let value: u32 = 0;
  for (let k: u32 = 0; k < count; k++) {
    range >>>= 1;
    let bit: u32 = 0;
    if (code >= range) {
      code -= range;
      low += range;
      bit = 1;
    }
    value = (value << 1) | bit;
    while (range < RANGE_TOP) shift();
  }
  return value;
}

/** One integer of the tensor model whose contexts start at `base` (§6.5). */
function decodeValue(counts: usize, base: u32, maxClass: u32): i32 {
  if (decodeBit(counts, base) == 0) return 0;
  const negative = decodeBit(counts, base + 1);
  let c: u32 = 0;
  while (c < maxClass && decodeBit(counts, base + 2 + c) == 1) c++;
  const adaptive: u32 = c < 2 ? c : 2;
  const suffixBase = base + 2 + maxClass + 3 * c - 4;
  let node: u32 = 1;
  for (let j: u32 = 0; j < adaptive; j++) node = 2 * node + decodeBit(counts, suffixBase + node);
  const rest = c - adaptive;
  const m = (1 << c) + (((node - (1 << adaptive)) << rest) | decodeDirect(rest));
  return negative == 1 ? -<i32>m : <i32>m;
}

/**
 * `count` values of one tensor of `bits` into i32s at `values`, with its counts at `counts`. With `models` 7 each
 * value's model is picked by the mean magnitude already coded in its row and column of rows of `columns` values
 * (§6.8; `sums`: `columns` u64s of scratch), with 1 the one model of §6.5.
 */
export function decodeTensor(counts: usize, values: usize, count: u32, bits: u32, models: u32, columns: u32, sums: usize): void {
  const maxClass = bits - 2;
  const contexts = 2 + maxClass * 4;
  if (models > 1) memory.fill(sums, 0, <usize>columns << 3);
  let rowSum: u64 = 0;
  let row: u64 = 0;
  let column: u32 = 0;
  for (let i: u32 = 0; i < count; i++) {
    let model: u32 = 0;
    if (models > 1) {
      const columnSum = load<u64>(sums + (<usize>column << 3));
      model = neighbourhoodModel(rowSum, <u64>column, columnSum, row, models);
    }
    const q = decodeValue(counts, model * contexts, maxClass);
    store<i32>(values + (<usize>i << 2), q);
    if (models > 1) {
      const magnitude = <u64>(q < 0 ? -q : q);
      rowSum += magnitude;
      store<u64>(sums + (<usize>column << 3), load<u64>(sums + (<usize>column << 3)) + magnitude);
      if (++column == columns) {
        column = 0;
        row++;
        rowSum = 0;
      }
    }
  }
}

/** §6.8's bucket: 0 with no neighbours, else 1 + floor(log2(mean + 1)), at most models − 1 (src/format/shared-contexts.ts). */
// @ts-ignore: decorator
@inline function neighbourhoodModel(rowSum: u64, column: u64, columnSum: u64, row: u64, models: u32): u32 {
  let num: u64;
  let den: u64;
  if (column > 0 && row > 0) {
    num = rowSum * row + columnSum * column;
    den = 2 * column * row;
  } else if (column > 0) {
    num = rowSum;
    den = column;
  } else if (row > 0) {
    num = columnSum;
    den = row;
  } else {
    return 0;
  }
  let model: u32 = 1;
  while (model < models - 1 && ((<u64>1 << model) - 1) * den <= num) model++;
  return model;
}

// The residual's contexts (§3.11; src/format/residual.ts): 2 kinds × 6 position groups × 3 neighbour counts models of
// 16-bit values, then the occupied flags (2 kinds × 3), then the last flags (2 kinds × 6).
// @ts-ignore: decorator
@inline const RESIDUAL_MAX_CLASS: u32 = 14;
// @ts-ignore: decorator
@inline const MODEL_CONTEXTS: u32 = 2 + RESIDUAL_MAX_CLASS * 4;
// @ts-ignore: decorator
@inline const OCCUPIED_CONTEXT: u32 = 2 * 6 * 3 * MODEL_CONTEXTS;
// @ts-ignore: decorator
@inline const LAST_CONTEXT: u32 = OCCUPIED_CONTEXT + 6;

// @ts-ignore: decorator
@inline function positionGroup(c: u32): u32 {
  return c < 1 ? 0 : c < 3 ? 1 : c < 6 ? 2 : c < 10 ? 3 : c < 15 ? 4 : 5;
}

/**
 * One plane of the residual's values (§3.11) into the i16s at `values` (from its first block), `blocksX` × `blocksY`
 * blocks of `n` coefficients, `kind` 0 for luma and 1 for chroma, with the residual's counts at `counts` and a byte a
 * block of scratch at `occupied`. Returns 0, or 1 for a block whose flags leave it without its last nonzero
 * coefficient (§6.6), where it stops.
 */
export function decodeResidualPlane(counts: usize, values: usize, blocksX: u32, blocksY: u32, n: u32, kind: u32, occupied: usize): u32 {
  const row = blocksX * n;
  let block: u32 = 0;
  let first: u32 = 0;
  for (let by: u32 = 0; by < blocksY; by++) {
    for (let bx: u32 = 0; bx < blocksX; bx++, block++, first += n) {
      const near = (by > 0 ? <u32>load<u8>(occupied + block - blocksX) : 0) + (bx > 0 ? <u32>load<u8>(occupied + block - 1) : 0);
      const any = decodeBit(counts, OCCUPIED_CONTEXT + kind * 3 + near);
      store<u8>(occupied + block, <u8>any);
      if (any == 0) continue;
      const above = by > 0 ? row : 0;
      const left = bx > 0 ? n : 0;
      let ended = false;
      for (let c: u32 = 0; c < n && !ended; c++) {
        const at = values + (<usize>(first + c) << 1);
        const nearValues = (above > 0 && load<i16>(at - (<usize>above << 1)) != 0 ? 1 : 0) + (left > 0 && load<i16>(at - (<usize>left << 1)) != 0 ? 1 : 0);
        const group = positionGroup(c);
        const q = decodeValue(counts, ((kind * 6 + group) * 3 + <u32>nearValues) * MODEL_CONTEXTS, RESIDUAL_MAX_CLASS);
        store<i16>(at, <i16>q);
        if (q == 0 || c == n - 1) continue;
        ended = decodeBit(counts, LAST_CONTEXT + kind * 6 + group) == 1;
      }
      if (!ended && load<i16>(values + (<usize>(first + n - 1) << 1)) == 0) return 1;
    }
  }
  return 0;
}

// Steps per unit (spec §5.1; src/format/unit-scales.ts `applyUnitScales`, the reference and the fallback): each sine
// layer's units, from the last down, scaled by the multipliers the layer above gives them, with the same float64
// operations in the same order, so the two agree to the bit. A decode applies them once, cold, to every network.
//   params: f32, the network's parameters; layers: i32 × 4 a layer (fanIn, fanOut, and the offsets in floats of its
//   weights and bias), the depth sine layers and then the output layer; energies, above, scales: f64 scratch, each as
//   long as the widest fan-in.
export function applyUnitScales(params: usize, layers: usize, depth: u32, energies: usize, above: usize, scales: usize): void {
  let heard = false; // whether `above` holds the energies of the layer above (not so under the output layer)
  for (let layer = <i32>depth - 1; layer >= 0; layer--) {
    const next = layers + (<usize>(layer + 1) << 4);
    const fanIn = load<i32>(next), fanOut = load<i32>(next, 4), weights = params + (<usize>load<i32>(next, 8) << 2);
    let total: f64 = 0;
    for (let j = 0; j < fanIn; j++) {
      let sum: f64 = 0;
      const row = weights + (<usize>(j * fanOut) << 2);
      for (let k = 0; k < fanOut; k++) {
        const w = <f64>load<f32>(row + (<usize>k << 2));
        sum += heard ? w * w * load<f64>(above + (<usize>k << 3)) : w * w;
      }
      store<f64>(energies + (<usize>j << 3), sum);
      total += sum;
    }
    if (total > 0 && isFinite<f64>(total)) {
      const mean = total / <f64>fanIn;
      for (let j = 0; j < fanIn; j++) {
        const at = energies + (<usize>j << 3);
        const energy = load<f64>(at) / mean;
        store<f64>(at, energy);
        const scale = energy > 0 ? Math.sqrt(1 / energy) : 4;
        store<f64>(scales + (<usize>j << 3), Math.min(4, Math.max(0.25, scale)));
      }
    } else {
      for (let j = 0; j < fanIn; j++) {
        store<f64>(energies + (<usize>j << 3), 1);
        store<f64>(scales + (<usize>j << 3), 1);
      }
    }
    // This layer's weights (column j) and bias (entry j) times scales[j], rounded to float32.
    const own = layers + (<usize>layer << 4);
    const ownIn = load<i32>(own), ownOut = load<i32>(own, 4);
    const ownWeights = params + (<usize>load<i32>(own, 8) << 2), bias = params + (<usize>load<i32>(own, 12) << 2);
    for (let i = 0; i < ownIn; i++) {
      const row = ownWeights + (<usize>(i * ownOut) << 2);
      for (let j = 0; j < ownOut; j++) {
        const at = row + (<usize>j << 2);
        store<f32>(at, <f32>(<f64>load<f32>(at) * load<f64>(scales + (<usize>j << 3))));
      }
    }
    for (let j = 0; j < ownOut; j++) {
      const at = bias + (<usize>j << 2);
      store<f32>(at, <f32>(<f64>load<f32>(at) * load<f64>(scales + (<usize>j << 3))));
    }
    // The energies become the layer above's for the next layer down: swap the two buffers.
    const swap = above;
    above = energies;
    energies = swap;
    heard = true;
  }
}
