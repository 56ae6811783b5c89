import { layerShapes, parameterCount, tensorSlices, type SirenArch } from '../kernels/arch.js';
import { selectForward } from '../kernels/forward-select.js';
import { normalizeSample, regionGrid, renderImage } from '../kernels/render.js';
import { psnr } from '../metrics/psnr.js';
import type { Raster } from '../raster.js';
import { networkParams, writeSnf, type QuantizedTensor, type SnfHeader } from '../format/index.js';
import {
  architectureForRate, DEFAULT_BITS, DEFAULT_BPP, DEFAULT_DEPTH, DEFAULT_LR, DEFAULT_OMEGA, DEFAULT_STEPS, defaultAlpha,
} from './architecture.js';
import type { EngineFactory } from './engine.js';
import { createRefEngine } from './ref-engine.js';
import { quantizeTensor } from './quantize.js';
import { fit } from './trainer.js';
import { initializeWeightScaled } from './ws-init.js';

export interface ImageEncodeOptions {
  /** Target bits per pixel; picks the width when `width` is not given. Default 1. */
  readonly bpp?: number;
  /** Units per sine layer; overrides `bpp`. */
  readonly width?: number;
  /** Sine layers; default 3. */
  readonly depth?: number;
  /** Quantization bits per weight, 2–16; default 8. */
  readonly bits?: number;
  /** Adam steps; default 1000. */
  readonly steps?: number;
  /** WS scale α; default depends on width (`defaultAlpha`). */
  readonly alpha?: number;
  /** ω of every sine layer; default 30. */
  readonly omega?: number;
  /** Peak learning rate; default 1e-3. */
  readonly lr?: number;
  /** Seed of the initialization; default 1. */
  readonly seed?: number;
  /** Compute engine; default the reference engine. */
  readonly engine?: EngineFactory;
  /** Stop training after this many seconds. */
  readonly timeLimitSeconds?: number;
  /** Progress: called after each step with the training PSNR (dB, before quantization). */
  readonly onStep?: (step: number, steps: number, trainingPsnr: number) => void;
}

export interface ImageEncodeResult {
  /** The complete .snf file. */
  readonly bytes: Uint8Array;
  /** PSNR (dB, peak 255, all channels) of the decoded file against the input. */
  readonly psnr: number;
  readonly arch: SirenArch;
  readonly params: number;
  readonly bits: number;
  readonly alpha: number;
  readonly lr: number;
  readonly seed: number;
  readonly steps: number;
  readonly seconds: number;
  readonly engine: string;
}

/** PSNR (dB) that a mean squared error on the [-1, 1] target scale corresponds to at 8 bits. */
export function trainingPsnr(loss: number): number {
  return 10 * Math.log10(4 / loss);
}

/** Training targets: every sample mapped to [-1, 1] (spec §3), pixel by pixel. */
function imageTargets(image: Raster): Float32Array {
  const targets = new Float32Array(image.data.length);
  for (let i = 0; i < targets.length; i++) targets[i] = normalizeSample(image.data[i]!);
  return targets;
}

/**
 * Bits for each tensor (file order) when the body uses `bits`: the first
 * layer's W0 and b0 get 4 more, up to 16. Those few parameters (3 × width
 * for an image) set the frequencies and phases of every feature, and ω
 * multiplies their error: measured on a 96×96 Kodak crop at width 31,
 * quantizing only them to 8 bits costs 1.0 dB, all the others together 0.6.
 */
export function tensorBits(arch: SirenArch, bits: number): number[] {
  return tensorSlices(arch).map((_, t) => (t < 2 ? Math.min(16, bits + 4) : bits));
}

/**
 * Folds every sine layer's bias into one period of the sine,
 * [−π/ω, π/ω]: sin(ω(z + b)) = sin(ω(z + b − 2πk/ω)), so the field is
 * unchanged while the range the quantizer must span shrinks (first layer:
 * from ±1/√2 to ±0.105 at ω = 30, three bits' worth).
 */
export function foldSineBiases(arch: SirenArch, params: Float32Array): Float32Array {
  const folded = Float32Array.from(params);
  const period = (2 * Math.PI) / arch.omega;
  for (const layer of layerShapes(arch)) {
    if (!layer.sine) continue;
    for (let o = 0; o < layer.fanOut; o++) {
      const b = folded[layer.biasOffset + o]!;
      folded[layer.biasOffset + o] = b - period * Math.round(b / period);
    }
  }
  return folded;
}

/** Quantizes each tensor of `params` (file order, spec §4.2) with the bits of `tensorBits`. */
export function quantizeNetwork(arch: SirenArch, params: Float32Array, bits: number): QuantizedTensor[] {
  const folded = foldSineBiases(arch, params);
  const perTensor = tensorBits(arch, bits);
  return tensorSlices(arch).map(({ offset, length }, t) => quantizeTensor(folded.subarray(offset, offset + length), perTensor[t]!));
}

const LAYOUTS = { 1: 'gray', 2: 'graya', 3: 'rgb', 4: 'rgba' } as const;

/**
 * Fits one WS-initialized SIREN to `image` and returns the .snf file. The
 * reported PSNR is measured on exactly what `decode` reconstructs from the
 * quantized weights, not on the float training result.
 */
export async function encodeImage(image: Raster, options: ImageEncodeOptions = {}): Promise<ImageEncodeResult> {
  const started = performance.now();
  const bits = options.bits ?? DEFAULT_BITS;
  const omega = options.omega ?? DEFAULT_OMEGA;
  const depth = options.depth ?? DEFAULT_DEPTH;
  const pixels = image.width * image.height;
  const arch: SirenArch = options.width !== undefined
    ? { inputs: 2, outputs: image.channels, width: options.width, depth, omega }
    : architectureForRate({ bpp: options.bpp ?? DEFAULT_BPP, pixels, bits, inputs: 2, outputs: image.channels, depth, omega });
  const alpha = options.alpha ?? defaultAlpha(arch.width);
  const lr = options.lr ?? DEFAULT_LR;
  const seed = options.seed ?? 1;
  const steps = options.steps ?? DEFAULT_STEPS;
  const region = [0, 0, image.width, image.height] as const;

  const engine = await (options.engine ?? createRefEngine)({
    arch,
    params: initializeWeightScaled(arch, alpha, seed),
    coords: regionGrid(image.width, image.height, region, image.width, image.height).coords,
    targets: imageTargets(image),
  });
  let trained;
  try {
    trained = await fit(engine, {
      steps, lr, timeLimitSeconds: options.timeLimitSeconds,
      onStep: options.onStep && ((step, loss) => options.onStep!(step, steps, trainingPsnr(loss))),
    });
  } finally {
    await engine.dispose();
  }

  const tensors = quantizeNetwork(arch, trained.params, bits);
  const decoded = renderImage(image.width, image.height, image.channels,
    [{ region, arch, params: networkParams({ arch, tensors }) }], image.width, image.height, selectForward());
  const quality = psnr(image, decoded);
  const seconds = (performance.now() - started) / 1000;
  // No wall-clock time in the file: the same input and options must give the same bytes.
  const header: SnfHeader = {
    kind: 'image', width: image.width, height: image.height, layout: LAYOUTS[image.channels],
    colorSpace: 'srgb', normalization: 'symmetric8',
    train: { steps: trained.steps, alpha, lr, seed, psnr: Math.round(quality * 1000) / 1000, engine: engine.name, init: 'ws' },
  };
  const bytes = writeSnf({ header, networks: [{ region: [...region], arch, tensors }] });
  return { bytes, psnr: quality, arch, params: parameterCount(arch), bits, alpha, lr, seed, steps: trained.steps, seconds, engine: engine.name };
}
