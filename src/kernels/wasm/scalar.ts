import { MODE_LINEAR, MODE_MUL, MODE_SIN, MODE_SINCOS, type Kernels } from './table.js';

/**
 * The plain TypeScript kernels: the complete default of the kernel table,
 * computing in float64 and storing float32. They work on the views of
 * `memory` taken here, so the memory must not grow afterwards.
 */
export function scalarKernels(memory: WebAssembly.Memory): Kernels {
  const f32 = new Float32Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);
  return {
    variant: 'scalar',
    gemmNN(x, w, b, out, aux, rows, k, n, mode, omega) {
      const X = x >> 2, W = w >> 2, B = b >> 2, O = out >> 2, A = aux >> 2;
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < n; j++) {
          let z = b === 0 ? 0 : f32[B + j]!;
          for (let i = 0; i < k; i++) z += f32[X + r * k + i]! * f32[W + i * n + j]!;
          const o = r * n + j;
          if (mode === MODE_LINEAR) {
            f32[O + o] = z;
          } else if (mode === MODE_MUL) {
            f32[O + o] = z * f32[A + o]!;
          } else {
            const a = Math.fround(omega * Math.fround(z));
            f32[O + o] = Math.sin(a);
            if (mode === MODE_SINCOS) f32[A + o] = omega * Math.cos(a);
            else if (mode !== MODE_SIN) throw new RangeError(`Expected an epilogue mode 0 to 3 but received ${mode}`);
          }
        }
      }
    },
    gemmTN(x, g, d, rows, k, n, acc) {
      const X = x >> 2, G = g >> 2, D = d >> 2;
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let r = 0; r < rows; r++) s += f32[X + r * k + i]! * f32[G + r * n + j]!;
          f32[D + i * n + j] = acc ? f32[D + i * n + j]! + s : s;
        }
      }
    },
    colSum(g, d, rows, n, acc) {
      const G = g >> 2, D = d >> 2;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += f32[G + r * n + j]!;
        f32[D + j] = acc ? f32[D + j]! + s : s;
      }
    },
    lossGrad(y, t, g, rows, valid, outs, ldy, scale) {
      const Y = y >> 2, T = t >> 2, G = g >> 2;
      let sum = 0;
      for (let r = 0; r < rows; r++) {
        for (let o = 0; o < ldy; o++) {
          let gv = 0;
          if (r < valid && o < outs) {
            const diff = Math.fround(f32[Y + r * ldy + o]! - f32[T + r * outs + o]!);
            sum += diff * diff;
            gv = scale * diff;
          }
          f32[G + r * ldy + o] = gv;
        }
      }
      return sum;
    },
    adam(p, g, m, v, n, lr, beta1, beta2, eps, c1, c2, keep) {
      const P = p >> 2, G = g >> 2, M = m >> 2, V = v >> 2;
      for (let i = 0; i < n; i++) {
        const gv = f32[G + i]!;
        const mv = (f32[M + i] = beta1 * f32[M + i]! + (1 - beta1) * gv);
        const vv = (f32[V + i] = beta2 * f32[V + i]! + (1 - beta2) * gv * gv);
        f32[P + i] = Math.fround(keep * f32[P + i]!) - (lr * (mv / c1)) / (Math.sqrt(vv / c2) + eps);
      }
    },
    reduce(src, d, count, stride, n) {
      const S = src >> 2, D = d >> 2;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let c = 0; c < count; c++) s += f32[S + c * stride + i]!;
        f32[D + i] = s;
      }
    },
    transpose(w, t, rows, cols) {
      const W = w >> 2, T = t >> 2;
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) f32[T + j * rows + i] = f32[W + i * cols + j]!;
    },
    sincos(x, s, c, n) {
      const X = x >> 2, S = s >> 2, C = c >> 2;
      for (let i = 0; i < n; i++) {
        f32[S + i] = Math.sin(f32[X + i]!);
        if (c !== 0) f32[C + i] = Math.cos(f32[X + i]!);
      }
    },
    rowSin(a, row, out, rows, n, omega) {
      const A = a >> 2, R = row >> 2, O = out >> 2;
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < n; j++) f32[O + r * n + j] = Math.sin(Math.fround(omega * Math.fround(f32[A + r * n + j]! + f32[R + j]!)));
      }
    },
    gatherSinCos(index, pre, out, aux, rows, n, omega) {
      const I = index >> 2, P = pre >> 2, O = out >> 2, A = aux >> 2;
      for (let r = 0; r < rows; r++) {
        const a = P + i32[I + 2 * r]! * n, b = P + i32[I + 2 * r + 1]! * n;
        for (let j = 0; j < n; j++) {
          const z = Math.fround(omega * Math.fround(f32[a + j]! + f32[b + j]!));
          f32[O + r * n + j] = Math.sin(z);
          f32[A + r * n + j] = omega * Math.cos(z);
        }
      }
    },
    scatterAdd(index, g, acc, rows, n) {
      const I = index >> 2, G = g >> 2, C = acc >> 2;
      for (let r = 0; r < rows; r++) {
        for (const row of [i32[I + 2 * r]!, i32[I + 2 * r + 1]!]) {
          for (let j = 0; j < n; j++) f32[C + row * n + j] = f32[C + row * n + j]! + f32[G + r * n + j]!;
        }
      }
    },
  };
}
