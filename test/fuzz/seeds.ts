/**
 * The valid files the fuzzer starts from: the committed encoder fixture,
 * the spec's Appendix A file, and small files that cover what those two do
 * not (tiles, every layout, bit depths 2 … 16, audio), and hostile files
 * at the limits.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tensorSlices, type SirenArch } from '../../src/kernels/arch.js';
import { deflateMetadata, gridStepAtLeast, writeSnf, type QuantizedTensor, type SnfHeader, type SnfNetworkInput } from '../../src/format/index.js';
import { FIXTURES } from '../helpers/cli.js';
import type { FuzzSeed } from './harness.js';

/** The committed fixture: `snfc encode` output for fixtures/kodim-crop32.png (scripts/make-snf-fixture.mjs). */
export const FIXTURE_SNF = path.join(FIXTURES, 'kodim-crop32.snf');
/** Its reference decode at 32 × 32. */
export const FIXTURE_DECODED_PNG = path.join(FIXTURES, 'kodim-crop32.decoded.png');
/** The same crop in format 2.0, with Fourier inputs, and its reference decode. */
export const FOURIER_FIXTURE_SNF = path.join(FIXTURES, 'kodim-crop32-fourier.snf');
export const FOURIER_FIXTURE_DECODED_PNG = path.join(FIXTURES, 'kodim-crop32-fourier.decoded.png');
/** The crop in format 2.3: 2×2 tiles blended over 2 px, compact tensor tables (spec §3.4), and its reference decode. */
export const TILES_FIXTURE_SNF = path.join(FIXTURES, 'kodim-crop32-tiles.snf');
export const TILES_FIXTURE_DECODED_PNG = path.join(FIXTURES, 'kodim-crop32-tiles.decoded.png');
/** The tiles file in format 2.4: with a restoration filter (spec §3.10), and its reference decode. */
export const FILTER_FIXTURE_SNF = path.join(FIXTURES, 'kodim-crop32-filter.snf');
export const FILTER_FIXTURE_DECODED_PNG = path.join(FIXTURES, 'kodim-crop32-filter.decoded.png');
/** The same in format 2.5: its filter with direction classes (2 activity × 5 directions), and its reference decode. */
export const DIRECTION_FIXTURE_SNF = path.join(FIXTURES, 'kodim-crop32-filter-dir.snf');
export const DIRECTION_FIXTURE_DECODED_PNG = path.join(FIXTURES, 'kodim-crop32-filter-dir.decoded.png');
/** The same in format 3.5: its header deflated (spec §2.2), and its reference decode (the 2.5 file's pixels). */
export const DEFLATED_FIXTURE_SNF = path.join(FIXTURES, 'kodim-crop32-deflated.snf');
export const DEFLATED_FIXTURE_DECODED_PNG = path.join(FIXTURES, 'kodim-crop32-deflated.decoded.png');
export const SHARED_FIXTURE_SNF = path.join(FIXTURES, 'kodim-crop32-shared.snf');
export const SHARED_FIXTURE_DECODED_PNG = path.join(FIXTURES, 'kodim-crop32-shared.decoded.png');
/** The 4.5 file in format 4.6: with a DCT residual (spec §3.11), and its reference decode. */
export const RESIDUAL_FIXTURE_SNF = path.join(FIXTURES, 'kodim-crop32-residual.snf');
export const RESIDUAL_FIXTURE_DECODED_PNG = path.join(FIXTURES, 'kodim-crop32-residual.decoded.png');
/** The same networks in format 4.7: a residual whose step grows with frequency (spec §3.11 `g`), and its reference decode. */
export const GRADED_FIXTURE_SNF = path.join(FIXTURES, 'kodim-crop32-graded.snf');
export const GRADED_FIXTURE_DECODED_PNG = path.join(FIXTURES, 'kodim-crop32-graded.decoded.png');
/** The same networks in format 4.8: the residual's steps also grow with the field's activity (spec §3.11 `a`, `e`), and its reference decode. */
export const ADAPTIVE_FIXTURE_SNF = path.join(FIXTURES, 'kodim-crop32-adaptive.snf');
export const ADAPTIVE_FIXTURE_DECODED_PNG = path.join(FIXTURES, 'kodim-crop32-adaptive.decoded.png');
/** Format 4.9: kodim16's shoreline in 2×2 tiles whose middle row the encoder moved off the shore (a grid with cuts, spec §3.5), and its reference decode. */
export const CUTS_FIXTURE_SNF = path.join(FIXTURES, 'kodim-shore32-cuts.snf');
export const CUTS_FIXTURE_DECODED_PNG = path.join(FIXTURES, 'kodim-shore32-cuts.decoded.png');
/** Format 4.10: the 4.8 file with a final filter after its residual (spec §3.12), and its reference decode. */
export const FINAL_FIXTURE_SNF = path.join(FIXTURES, 'kodim-crop32-final.snf');
export const FINAL_FIXTURE_DECODED_PNG = path.join(FIXTURES, 'kodim-crop32-final.decoded.png');
/** Format 4.11: the same final filter fitted with clipped taps (spec §3.13), and its reference decode. */
export const CLIPPED_FIXTURE_SNF = path.join(FIXTURES, 'kodim-crop32-clipped.snf');
export const CLIPPED_FIXTURE_DECODED_PNG = path.join(FIXTURES, 'kodim-crop32-clipped.decoded.png');
export const UNITS_FIXTURE_SNF = path.join(FIXTURES, 'kodim-crop32-units.snf');
export const UNITS_FIXTURE_DECODED_PNG = path.join(FIXTURES, 'kodim-crop32-units.decoded.png');
/** Format 5.11: the units file with a restoration filter, an adaptive residual and a clipped final filter (every image feature), and its reference decode. */
export const ALL_FEATURES_FIXTURE_SNF = path.join(FIXTURES, 'kodim-crop32-all.snf');
export const ALL_FEATURES_FIXTURE_DECODED_PNG = path.join(FIXTURES, 'kodim-crop32-all.decoded.png');
/** The audio test vector (format 2.1: 4 blended segments; scripts/make-audio-fixtures.mjs), its source and reference decode. */
export const AUDIO_FIXTURE_SNF = path.join(FIXTURES, 'bach-excerpt.snf');
export const AUDIO_FIXTURE_WAV = path.join(FIXTURES, 'bach-excerpt.wav');
export const AUDIO_FIXTURE_DECODED_WAV = path.join(FIXTURES, 'bach-excerpt.decoded.wav');
/** The excerpt in the format the audio encoder writes today (4.3: shared contexts, compact tables), and its reference decode. */
export const SHARED_AUDIO_FIXTURE_SNF = path.join(FIXTURES, 'bach-excerpt-shared.snf');
export const SHARED_AUDIO_FIXTURE_DECODED_WAV = path.join(FIXTURES, 'bach-excerpt-shared.decoded.wav');

/** The file of spec Appendix A.2, as a writer of version x.3 writes it (compact tensor table: 120 bytes). */
export function appendixA(): Uint8Array {
  return writeSnf({
    header: { kind: 'image', width: 1, height: 1, layout: 'gray', colorSpace: 'srgb', normalization: 'symmetric8' },
    networks: [{
      region: [0, 0, 1, 1], arch: { inputs: 2, outputs: 1, width: 1, depth: 1, omega: 30 }, tensors: [
        { bits: 4, step: 0.5, values: Int32Array.from([3, -2]) },
        { bits: 4, step: 0.25, values: Int32Array.from([1]) },
        { bits: 8, step: 0.0078125, values: Int32Array.from([-100]) },
        { bits: 2, step: 1, values: Int32Array.from([0]) },
      ],
    }],
  });
}

/** Deterministic small integers for `arch`, |q| ≤ 2^(bits−1) − 1. */
function network(arch: SirenArch, region: number[], bits: readonly number[], seed: number): SnfNetworkInput {
  let state = seed;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  const tensors: QuantizedTensor[] = tensorSlices(arch).map(({ length }, t) => {
    const b = bits[t % bits.length]!;
    const max = 2 ** (b - 1) - 1;
    const values = Int32Array.from({ length }, () => Math.round((next() - 0.5) * 2 * Math.min(max, 40)));
    return { bits: b, step: Math.fround(0.002 * (t + 1)), values };
  });
  return { region, arch, tensors };
}

/** `network` with its steps rounded up onto the grid of the compact tensor table (spec §3.4). */
function onGrid(input: SnfNetworkInput): SnfNetworkInput {
  return { ...input, tensors: input.tensors.map((tensor) => ({ ...tensor, step: gridStepAtLeast(tensor.step)! })) };
}

function image(width: number, height: number, layout: 'gray' | 'graya' | 'rgb' | 'rgba'): SnfHeader {
  return { kind: 'image', width, height, layout, colorSpace: 'srgb', normalization: 'symmetric8', train: { steps: 10, schedule: 'constant', psnr: 30, engine: 'ref', init: 'ws' } };
}

/** A one-network gray image of `arch` with every weight 0: an empty coded stream, valid however large the network. */
function zeros(width: number, height: number, arch: SirenArch): Uint8Array {
  const tensors = tensorSlices(arch).map(({ length }) => ({ bits: 2, step: 1, values: new Int32Array(length) }));
  return writeSnf({ header: image(width, height, 'gray'), networks: [{ region: [0, 0, width, height], arch, tensors }] });
}

/** Every seed, in a fixed order. */
export function fuzzSeeds(): FuzzSeed[] {
  const arch = (outputs: number, width: number, depth: number): SirenArch => ({ inputs: 2, outputs, width, depth, omega: 30 });
  return [
    { name: 'fixture', bytes: new Uint8Array(readFileSync(FIXTURE_SNF)) },
    { name: 'fourier fixture', bytes: new Uint8Array(readFileSync(FOURIER_FIXTURE_SNF)) },
    { name: 'tiles fixture', bytes: new Uint8Array(readFileSync(TILES_FIXTURE_SNF)) },
    { name: 'filter fixture', bytes: new Uint8Array(readFileSync(FILTER_FIXTURE_SNF)) },
    { name: 'direction filter fixture', bytes: new Uint8Array(readFileSync(DIRECTION_FIXTURE_SNF)) },
    { name: 'deflated header fixture', bytes: new Uint8Array(readFileSync(DEFLATED_FIXTURE_SNF)) },
    { name: 'shared contexts fixture', bytes: new Uint8Array(readFileSync(SHARED_FIXTURE_SNF)) },
    { name: 'residual fixture', bytes: new Uint8Array(readFileSync(RESIDUAL_FIXTURE_SNF)) },
    { name: 'graded residual fixture', bytes: new Uint8Array(readFileSync(GRADED_FIXTURE_SNF)) },
    { name: 'adaptive residual fixture', bytes: new Uint8Array(readFileSync(ADAPTIVE_FIXTURE_SNF)) },
    { name: 'final filter fixture', bytes: new Uint8Array(readFileSync(FINAL_FIXTURE_SNF)) },
    { name: 'clipped final filter fixture', bytes: new Uint8Array(readFileSync(CLIPPED_FIXTURE_SNF)) },
    { name: 'grid with cuts fixture', bytes: new Uint8Array(readFileSync(CUTS_FIXTURE_SNF)) },
    { name: 'steps per unit fixture', bytes: new Uint8Array(readFileSync(UNITS_FIXTURE_SNF)) },
    { name: 'audio fixture', bytes: new Uint8Array(readFileSync(AUDIO_FIXTURE_SNF)) },
    { name: 'every image feature fixture', bytes: new Uint8Array(readFileSync(ALL_FEATURES_FIXTURE_SNF)) },
    { name: 'shared contexts audio fixture', bytes: new Uint8Array(readFileSync(SHARED_AUDIO_FIXTURE_SNF)) },
    { name: 'appendixA', bytes: appendixA() },
    {
      name: 'tiled-rgba',
      bytes: writeSnf({
        header: image(7, 5, 'rgba'),
        networks: [
          network(arch(4, 4, 2), [0, 0, 4, 3], [8], 1),
          network(arch(4, 3, 1), [4, 0, 7, 3], [2, 16], 2),
          network(arch(4, 2, 1), [0, 3, 4, 5], [5], 3),
          network(arch(4, 4, 3), [4, 3, 7, 5], [12, 3], 4),
        ],
      }),
    },
    {
      name: 'graya',
      bytes: writeSnf({ header: image(3, 6, 'graya'), networks: [network(arch(2, 3, 1), [0, 0, 3, 2], [6], 5), network(arch(2, 2, 2), [0, 2, 3, 6], [4], 6)] }),
    },
    {
      // Format 2.1: a 3x2 grid whose networks overlap by 2 and 1 pixels and are blended (spec §3.5).
      name: 'blended',
      bytes: writeSnf({
        header: { ...image(12, 6, 'rgb'), blend: { overlap: [2, 1] } },
        networks: [0, 1, 2, 3, 4, 5].map((n) => network(arch(3, 3, 1), [4 * (n % 3), 3 * Math.floor(n / 3), 4 * (n % 3) + 4, 3 * Math.floor(n / 3) + 3], [6, 9], 20 + n)),
      }),
    },
    {
      // Format 2.2: blended tiles of different widths (sized by detail), all but the shared one as partial archs (spec §3.4).
      name: 'partial-arch',
      bytes: writeSnf({
        header: { ...image(12, 6, 'rgb'), blend: { overlap: [2, 1] } },
        networks: [0, 1, 2, 3, 4, 5].map((n) => network({ ...arch(3, 3, 1), width: [3, 5, 3, 8, 1, 3][n]!, inputs: 6, fourier: 1 },
          [4 * (n % 3), 3 * Math.floor(n / 3), 4 * (n % 3) + 4, 3 * Math.floor(n / 3) + 3], [6, 9], 40 + n)),
      }),
    },
    {
      // Format 2.3: the same tiles with every step on the grid, so compact tables q and widths as w (spec §3.4).
      name: 'compact-tables',
      bytes: writeSnf({
        header: { ...image(12, 6, 'rgb'), blend: { overlap: [2, 1] } },
        networks: [0, 1, 2, 3, 4, 5].map((n) => onGrid(network({ ...arch(3, 3, 1), width: [3, 5, 3, 8, 1, 3][n]!, inputs: 6, fourier: 1 },
          [4 * (n % 3), 3 * Math.floor(n / 3), 4 * (n % 3) + 4, 3 * Math.floor(n / 3) + 3], [6, 9], 40 + n))),
      }),
    },
    {
      // Embedded photo metadata (spec §3.8): three deflated blobs, one of them compressible 50:1.
      name: 'metadata',
      bytes: writeSnf({
        header: {
          ...image(4, 3, 'rgb'),
          metadata: deflateMetadata({
            exif: Uint8Array.from({ length: 120 }, (_, i) => (i * 37) & 0xff),
            icc: new Uint8Array(2000).fill(7),
            xmp: new TextEncoder().encode('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'),
          }),
        },
        networks: [network(arch(3, 3, 2), [0, 0, 4, 3], [7], 9)],
      }),
    },
    // Hostile files that a writer accepts: 2^32 source pixels; the widest network; one just over FUZZ_LIMITS.maxParameters.
    { name: 'giant-claim', bytes: zeros(65536, 65536, arch(1, 2, 1)), weight: 0.5 },
    { name: 'wide', bytes: zeros(2, 2, arch(1, 4096, 1)), weight: 0.25 },
    { name: 'deep', bytes: zeros(4, 4, arch(1, 64, 64)), weight: 0.5 },
    {
      name: 'audio',
      bytes: writeSnf({
        header: { kind: 'audio', sampleRate: 8000, length: 50, channels: 2, colorSpace: 'linear', normalization: 'identity' },
        networks: [
          network({ inputs: 1, outputs: 2, width: 3, depth: 1, omega: 300 }, [0, 20], [7], 7),
          network({ inputs: 1, outputs: 2, width: 3, depth: 2, omega: 300 }, [20, 50], [9], 8),
        ],
      }),
    },
    {
      // Version 2.1: three blended segments of a 3-channel clip with Fourier inputs.
      name: 'audio-blend',
      bytes: writeSnf({
        header: { kind: 'audio', sampleRate: 22050, length: 90, channels: 3, colorSpace: 'linear', normalization: 'identity', blend: { overlap: [7] } },
        networks: [[0, 30], [30, 60], [60, 90]].map((region, n) => network({ inputs: 5, outputs: 3, width: 4, depth: 2, omega: 30, fourier: 2 }, region, [8, 5], 9 + n)),
      }),
    },
  ];
}
