import type * as TfCore from '@tensorflow/tfjs-core';

type Tf = typeof TfCore;
type Tensor = TfCore.Tensor;

/**
 * The gradients of the kernels a SIREN's loss uses, for tfjs's autodiff.
 *
 * `@tensorflow/tfjs-core` registers no gradient on its own: the full
 * `@tensorflow/tfjs` bundle (which `tfjs-node` and `tfjs-node-gpu` load)
 * imports them from `tfjs-core/dist/register_all_gradients`, a file Node
 * cannot import (its ES module imports have no file extensions). So when
 * snfc runs on tfjs-core with the CPU, WASM or WebGPU backend, it registers
 * the seven it needs, written as tfjs's own are; a gradient already
 * registered (by the full bundle) is left alone.
 */
export function registerSirenGradients(tf: Tf): void {
  /** `dy` summed over the axes `shape` was broadcast along, back to `shape`. */
  const unbroadcast = (dy: Tensor, shape: number[]): Tensor => {
    const axes = tf.backend_util.getReductionAxes(shape, dy.shape);
    return axes.length > 0 ? tf.reshape(tf.sum(dy, axes), shape) : dy;
  };
  const configs: TfCore.GradConfig[] = [
    {
      kernelName: tf.BatchMatMul, inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved, attrs) => {
        const [a, b] = saved as [TfCore.Tensor2D, TfCore.Tensor2D];
        const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
        const g = dy as TfCore.Tensor2D;
        if (!transposeA && !transposeB) return { a: () => tf.matMul(g, b, false, true), b: () => tf.matMul(a, g, true, false) };
        if (!transposeA && transposeB) return { a: () => tf.matMul(g, b, false, false), b: () => tf.matMul(g, a, true, false) };
        if (transposeA && !transposeB) return { a: () => tf.matMul(b, g, false, true), b: () => tf.matMul(a, g, false, false) };
        return { a: () => tf.matMul(b, g, true, true), b: () => tf.matMul(g, a, true, true) };
      },
    },
    {
      kernelName: tf.Add, inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => ({ a: () => unbroadcast(dy as Tensor, saved[0]!.shape), b: () => unbroadcast(dy as Tensor, saved[1]!.shape) }),
    },
    {
      kernelName: tf.Sub, inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => ({ a: () => unbroadcast(dy as Tensor, saved[0]!.shape), b: () => tf.neg(unbroadcast(dy as Tensor, saved[1]!.shape)) }),
    },
    {
      kernelName: tf.Multiply, inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved) => {
        const [a, b] = saved as [Tensor, Tensor];
        return { a: () => unbroadcast(tf.mul(dy as Tensor, tf.cast(b, 'float32')), a.shape), b: () => unbroadcast(tf.mul(dy as Tensor, tf.cast(a, 'float32')), b.shape) };
      },
    },
    {
      kernelName: tf.Sin, inputsToSave: ['x'],
      gradFunc: (dy, saved) => ({ x: () => tf.mul(tf.cos(tf.cast(saved[0]!, 'float32')), dy as Tensor) }),
    },
    {
      kernelName: tf.Square, inputsToSave: ['x'],
      gradFunc: (dy, saved) => ({ x: () => tf.mul(dy as Tensor, tf.mul(tf.cast(saved[0]!, 'float32'), 2)) }),
    },
    {
      kernelName: tf.Sum, inputsToSave: ['x'],
      gradFunc: (dy, saved, attrs) => {
        const x = saved[0]!;
        const { axis } = attrs as unknown as { axis: number | number[] | null };
        const axes = tf.util.parseAxisParam(axis ?? x.shape.map((_, i) => i), x.shape);
        const kept = x.shape.map((size, i) => (axes.includes(i) ? 1 : size));
        return { x: () => tf.mul(tf.reshape(dy as Tensor, kept), tf.ones(x.shape, 'float32')) };
      },
    },
  ];
  for (const config of configs) if (tf.getGradient(config.kernelName) === undefined) tf.registerGradient(config);
}
