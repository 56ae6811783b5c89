/** The building blocks of the spec's Appendix A test vectors, shared by the tests that check them. */
import type { SirenArch } from '../../src/kernels/arch.js';
import type { QuantizedTensor, SnfHeader } from '../../src/format/index.js';

/** Bytes from the spec's hex dumps, whitespace ignored. */
export function fromHex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

/** The network shape of Appendix A.2: one unit, one sine layer, ω = 30. */
export const appendixArch: SirenArch = { inputs: 2, outputs: 1, width: 1, depth: 1, omega: 30 };

/** The tensors of Appendix A.2's network with the integers W0 = `w0`, b0 = [`b0`], W1 = [`w1`], b1 = [0]. */
export const appendixTensors = (w0: number[], b0: number, w1: number): QuantizedTensor[] => [
  { bits: 4, step: 0.5, values: Int32Array.from(w0) },
  { bits: 4, step: 0.25, values: Int32Array.from([b0]) },
  { bits: 8, step: 0.0078125, values: Int32Array.from([w1]) },
  { bits: 2, step: 1, values: Int32Array.from([0]) },
];

/** A gray image `width` × 1 with the default colour space and normalization; `overlap` adds `blend` (§3.5). */
export const grayHeader = (width: number, overlap?: number[]): SnfHeader => ({
  kind: 'image', width, height: 1, layout: 'gray', colorSpace: 'srgb', normalization: 'symmetric8', ...(overlap ? { blend: { overlap } } : {}),
});
