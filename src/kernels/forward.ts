import { layerShapes, type SirenArch } from './arch.js';

/**
 * Plain TypeScript forward pass: evaluates the field at `count` points.
 * This is the complete, portable default; faster kernels (WASM SIMD) may
 * replace it but must give the same answers within float32 rounding.
 *
 * @param coords  count × arch.inputs coordinates, row-major
 * @param out     count × arch.outputs results, row-major (written)
 */
export function forwardScalar(arch: SirenArch, params: Float32Array, coords: Float32Array, count: number, out: Float32Array): void {
  const layers = layerShapes(arch);
  const span = Math.max(arch.inputs, arch.width, arch.outputs);
  let current = new Float64Array(span);
  let next = new Float64Array(span);
  for (let p = 0; p < count; p++) {
    for (let i = 0; i < arch.inputs; i++) current[i] = coords[p * arch.inputs + i]!;
    for (const layer of layers) {
      for (let o = 0; o < layer.fanOut; o++) {
        let z = params[layer.biasOffset + o]!;
        for (let i = 0; i < layer.fanIn; i++) z += current[i]! * params[layer.weightOffset + i * layer.fanOut + o]!;
        next[o] = layer.sine ? Math.sin(arch.omega * z) : z;
      }
      const swap = current;
      current = next;
      next = swap;
    }
    for (let o = 0; o < arch.outputs; o++) out[p * arch.outputs + o] = current[o]!;
  }
}
