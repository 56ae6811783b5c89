/**
 * The kernel table (libwebp's dsp pattern): each hot function is a slot. The
 * plain TypeScript kernels (scalar.ts) fill every slot; the WASM SIMD and
 * relaxed-SIMD builds of assembly/kernels.ts replace them where the runtime
 * supports them. Every kernel takes byte offsets into one WebAssembly.Memory,
 * so that the same calls work on every path and from any thread sharing it.
 *
 * Shape rules, which the callers (layout.ts) guarantee by padding the network
 * with zero units: column counts N and gemmTN's K are multiples of 4 (sine
 * layers' N of 8), offsets 16-byte aligned. Row counts are arbitrary.
 */

/** Epilogues of `gemmNN` (must match assembly/kernels.ts). */
export const MODE_LINEAR = 0;
/** out = sin(ω·z), aux = ω·cos(ω·z): the training forward pass. */
export const MODE_SINCOS = 1;
/** out = z ⊙ aux: backward through a sine layer. */
export const MODE_MUL = 2;
/** out = sin(ω·z): the inference forward pass. */
export const MODE_SIN = 3;

/** Which implementation fills the table. */
export type KernelVariant = 'scalar' | 'simd' | 'relaxed';

/** Kernel choice of the public options: `auto` is the fastest this runtime supports. */
export type KernelChoice = KernelVariant | 'auto';

/** Every KernelChoice, as the options' and SNFC_KERNELS's checks list them. */
export const KERNEL_CHOICES: readonly KernelChoice[] = ['auto', 'scalar', 'simd', 'relaxed'];

export interface Kernels {
  readonly variant: KernelVariant;
  /** out = epilogue(x·w + b) for x rows×k, w k×n, b n (offset 0: no bias). */
  gemmNN(x: number, w: number, b: number, out: number, aux: number, rows: number, k: number, n: number, mode: number, omega: number): void;
  /** d (+)= xᵀ·g for x rows×k, g rows×n, d k×n; accumulates when acc ≠ 0. */
  gemmTN(x: number, g: number, d: number, rows: number, k: number, n: number, acc: number): void;
  /** d (+)= column sums of g (rows×n). */
  colSum(g: number, d: number, rows: number, n: number, acc: number): void;
  /**
   * g = scale·(y − t) on the first `valid` rows and `outs` columns of y
   * (stride ldy), 0 elsewhere; t has stride outs.
   * @returns Σ (y − t)² over those entries.
   */
  lossGrad(y: number, t: number, g: number, rows: number, valid: number, outs: number, ldy: number, scale: number): number;
  /** One bias-corrected Adam step on n values in place; c1 = 1 − β1^t, c2 = 1 − β2^t; the parameters are first scaled by `keep` (weight decay). */
  adam(p: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number, keep: number): void;
  /** d[i] = Σ_c src[c·stride + i], c = 0 … count−1 in order. */
  reduce(src: number, d: number, count: number, stride: number, n: number): void;
  /** t = wᵀ for w rows×cols. */
  transpose(w: number, t: number, rows: number, cols: number): void;
  /** s = sin(x), c = cos(x) for n values; c may be 0 (none). */
  sincos(x: number, s: number, c: number, n: number): void;
  /**
   * out[r·n + j] = sin(ω·(a[r·n + j] + row[j])) for r < rows, j < n: the
   * first layer on a row of a pixel grid (grid-forward.ts).
   */
  rowSin(a: number, row: number, out: number, rows: number, n: number, omega: number): void;
  /**
   * For r < rows, with (i, j) the int32 pair at index + 8r: z = pre[i·n …] +
   * pre[j·n …], out[r·n …] = sin(ω·z), aux[r·n …] = ω·cos(ω·z) (n a multiple
   * of 8): the training forward of a factored first layer (factored-inputs.ts).
   */
  gatherSinCos(index: number, pre: number, out: number, aux: number, rows: number, n: number, omega: number): void;
  /** For r < rows, with (i, j) the int32 pair at index + 8r: acc[i·n …] += g[r·n …], then acc[j·n …] += g[r·n …], row by row in order. */
  scatterAdd(index: number, g: number, acc: number, rows: number, n: number): void;
}

export const KERNEL_NAMES = ['gemmNN', 'gemmTN', 'colSum', 'lossGrad', 'adam', 'reduce', 'transpose', 'sincos', 'rowSin', 'gatherSinCos', 'scatterAdd'] as const;
