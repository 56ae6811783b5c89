/**
 * The shape of a sinusoidal neural field (SIREN) and the flat parameter
 * layout shared by the encoder, the decoder, the engines and the file format.
 *
 * A field with `depth` sine layers of `width` units maps `inputs` coordinates
 * to `outputs` values:
 *
 *   h0 = x
 *   h(l+1) = sin(omega * (h(l) · W(l) + b(l)))     for l = 0 .. depth-1
 *   y = h(depth) · W(depth) + b(depth)             (linear output layer)
 *
 * Parameter layout (spec §4.2): for each layer in order, the weight matrix W
 * stored row-major as fanIn rows × fanOut columns (so a row of activations
 * times W is one GEMM), followed by the bias vector of fanOut values.
 */
export interface SirenArch {
  /**
   * Network inputs: the coordinate dimensions (2 for images, 1 for audio),
   * times 1 + 2·fourier when the coordinates are Fourier-encoded.
   */
  readonly inputs: number;
  /** Output channels: 1 to 4. */
  readonly outputs: number;
  /** Units per sine layer. */
  readonly width: number;
  /** Number of sine layers (the linear output layer is extra). */
  readonly depth: number;
  /** Frequency factor ω applied inside every sine layer. */
  readonly omega: number;
  /**
   * Fourier levels L of the input encoding (spec §4.1; see input-encoding.ts):
   * 0 or absent, the coordinates themselves. The kernels see only `inputs`;
   * whoever feeds them coordinates encodes them first.
   */
  readonly fourier?: number;
}

export interface LayerShape {
  readonly fanIn: number;
  readonly fanOut: number;
  /** True for the sine layers, false for the linear output layer. */
  readonly sine: boolean;
  /** Offset of W in the flat parameter vector. */
  readonly weightOffset: number;
  /** Offset of b in the flat parameter vector. */
  readonly biasOffset: number;
}

/** Layers of `arch` with their offsets into the flat parameter vector. */
export function layerShapes(arch: SirenArch): LayerShape[] {
  const layers: LayerShape[] = [];
  let offset = 0;
  for (let l = 0; l <= arch.depth; l++) {
    const fanIn = l === 0 ? arch.inputs : arch.width;
    const fanOut = l === arch.depth ? arch.outputs : arch.width;
    layers.push({ fanIn, fanOut, sine: l < arch.depth, weightOffset: offset, biasOffset: offset + fanIn * fanOut });
    offset += fanIn * fanOut + fanOut;
  }
  return layers;
}

/** Total number of parameters (weights and biases) of `arch`. */
export function parameterCount(arch: SirenArch): number {
  const w = arch.width;
  return (arch.inputs + 1) * w + (arch.depth - 1) * (w + 1) * w + (w + 1) * arch.outputs;
}

/**
 * Tensors in file order (spec §4.2): W0, b0, W1, b1, …, each as an offset and
 * a length into the flat parameter vector.
 */
export function tensorSlices(arch: SirenArch): { offset: number; length: number }[] {
  const slices: { offset: number; length: number }[] = [];
  for (const layer of layerShapes(arch)) {
    slices.push({ offset: layer.weightOffset, length: layer.fanIn * layer.fanOut });
    slices.push({ offset: layer.biasOffset, length: layer.fanOut });
  }
  return slices;
}
