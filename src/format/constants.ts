/**
 * Every magic number of the .snf format, in one place (spec §2, §5, §6, §8).
 *
 * Container layout (spec §2), all integers little-endian:
 *
 *   offset   size  field
 *   0        8     magic 0x89 'S' 'N' 'F' 0x0D 0x0A 0x1A 0x0A
 *   8        1     major version (1 to 5)
 *   9        1     minor version (0 … 11 written; any read)
 *   10       2     flags (reserved: write 0, ignore on read)
 *   12       4     H, header length in bytes (u32)
 *   16       H     header: one MessagePack map (spec §3); from version 3
 *                  a raw DEFLATE stream of it (spec §2.2)
 *   16+H     4     P, payload length in bytes (u32)
 *   20+H     P     payload: the networks' coded streams, in header order (spec §6)
 *   20+H+P   4     CRC-32 of bytes [0, 20+H+P) (spec §2.4)
 *
 *   file length = 24 + H + P exactly.
 *
 * The range coder's own parameters (PROB_BITS, COUNT_LIMIT, RANGE_TOP,
 * SUFFIX_ADAPTIVE_BITS; spec §6) sit next to its hot loops in range-coder.ts.
 */

/** The 8-byte signature (spec §2.1); PNG-style, so text-mode transfers that rewrite CR/LF or stop at ^Z are caught. */
export const SNF_MAGIC: readonly number[] = Object.freeze([0x89, 0x53, 0x4e, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Newest major version (spec §2.2). Readers read 1 to 5; writers write the
 * lowest that can express the file: 2 only for what 1 cannot say (Fourier
 * inputs, blended tiles), so files without it stay readable by 1.x readers,
 * 3 (a deflated header) only when asked to and shorter, 4 (coded
 * streams with shared contexts) only when asked to, and 5 (steps per unit)
 * when the networks were quantized so.
 */
export const SNF_VERSION_MAJOR = 5;
/** Oldest major version whose header is a raw DEFLATE stream of the MessagePack map (spec §2.2). */
export const DEFLATED_HEADER_VERSION_MAJOR = 3;
/** Major version whose coded streams share contexts across networks and pick them by neighbourhood (spec §6.8). */
export const SHARED_CONTEXTS_VERSION_MAJOR = 4;
/** Major version whose networks' sine units are dequantized with steps per unit (spec §5.1): version 4 plus them. */
export const UNIT_SCALES_VERSION_MAJOR = 5;
/** Oldest major version read. */
export const SNF_VERSION_MAJOR_MIN = 1;
/** Minor version written; readers accept any minor (spec §2.2). */
export const SNF_VERSION_MINOR = 0;
/** Minor version of files that blend overlapping networks (header key `blend`, spec §3.5): 2.1. */
export const BLEND_VERSION_MINOR = 1;
/** Minor version of files with a partial network `arch` (only its width, spec §3.4): x.2. */
export const PARTIAL_ARCH_VERSION_MINOR = 2;
/** Minor version of files with a compact tensor table `q` (steps on the grid of step-grid.ts, spec §3.4): x.3. */
export const COMPACT_TABLE_VERSION_MINOR = 3;
/** Minor version of files with a restoration filter (header key `filter`, spec §3.10): x.4. */
export const FILTER_VERSION_MINOR = 4;
/** Minor version of files whose filter has direction classes (`filter.d`, spec §3.10): x.5. */
export const DIRECTION_FILTER_VERSION_MINOR = 5;
/** Minor version of files with a DCT residual (header key `res`, spec §3.11): x.6. */
export const RESIDUAL_VERSION_MINOR = 6;
/** Minor version of files whose residual's step grows with frequency (`res.g`, spec §3.11): x.7. */
export const GRADED_RESIDUAL_VERSION_MINOR = 7;
/** Minor version of files whose residual's step grows with the field's activity (`res.a`, `res.e`, spec §3.11): x.8. */
export const ADAPTIVE_RESIDUAL_VERSION_MINOR = 8;
/** Minor version of files whose grid states its inner edges (a grid with cuts, spec §3.5): x.9. */
export const CUT_GRID_VERSION_MINOR = 9;
/** Minor version of files with a final filter after the residual (header key `final`, spec §3.12): x.10. */
export const FINAL_FILTER_VERSION_MINOR = 10;
/** Minor version of a file whose final filter has clipped taps (the root key `clipped`, spec §3.13). */
export const CLIPPED_FILTER_VERSION_MINOR = 11;

/** Byte offsets of the fixed fields (spec §2). */
export const OFFSET_MAGIC = 0;
export const OFFSET_MAJOR = 8;
export const OFFSET_MINOR = 9;
export const OFFSET_FLAGS = 10;
export const OFFSET_HEADER_LENGTH = 12;
export const OFFSET_HEADER = 16;

/** Bytes of a file outside its header and payload: 16 before the header, 4 for P, 4 for the CRC. */
export const CONTAINER_OVERHEAD = 24;

/**
 * Bytes per tensor in a network's binary tensor table (spec §3.4):
 *
 *   offset  size  field
 *   0       1     bits (u8), 2 … 16
 *   1       4     step (float32, little-endian), finite and > 0
 */
export const TENSOR_ENTRY_BYTES = 5;
/** Bytes per tensor in a compact table `q` (spec §3.4, version x.3): u8 bits, u8 step code (step-grid.ts). */
export const COMPACT_ENTRY_BYTES = 2;

/** Bit depths allowed for a quantized tensor (spec §5). */
export const MIN_TENSOR_BITS = 2;
export const MAX_TENSOR_BITS = 16;

/** Channels of each image layout, in this order of samples within a pixel (spec §3.2). */
export const IMAGE_LAYOUTS = Object.freeze({ gray: 1, graya: 2, rgb: 3, rgba: 4 } as const);
export type ImageLayout = keyof typeof IMAGE_LAYOUTS;

/** Largest channel count of an audio signal (spec §3.3). */
export const MAX_AUDIO_CHANNELS = 8;

/** Largest value of a u32 length field. */
export const U32_MAX = 0xffff_ffff;

/**
 * Reader limits (spec §8). Each bounds work or memory that a header could
 * otherwise make arbitrarily large; all are checked before anything sized by
 * the header is allocated. Pass a `Partial<SnfLimits>` to `readSnf` to change them.
 */
export interface SnfLimits {
  /** Largest header H in bytes. Default 1 MiB. */
  readonly maxHeaderBytes: number;
  /** Largest image width or height in pixels. Default 65,536. */
  readonly maxImageSide: number;
  /** Largest audio length in samples per channel. Default 2^31. */
  readonly maxAudioLength: number;
  /** Most networks in one file. Default 65,536. */
  readonly maxNetworks: number;
  /** Most sine layers (`arch.depth`) of one network. Default 64. */
  readonly maxDepth: number;
  /** Most units per layer (`arch.width`) of one network. Default 4,096. */
  readonly maxUnits: number;
  /** Most parameters (weights and biases) summed over all networks. Default 16,777,216. */
  readonly maxParameters: number;
  /** Most bytes of embedded metadata (spec §3.8), inflated, summed over its blobs. Default 16 MiB. */
  readonly maxMetadataBytes: number;
  /**
   * Most integers of a DCT residual (spec §3.11), which the reader decodes with the header: a file of a few hundred
   * bytes may claim a 65,536² image's residual. Default 2^27.
   */
  readonly maxResidualValues: number;
}

/** The default limits (spec §8). */
export const DEFAULT_LIMITS: Readonly<SnfLimits> = Object.freeze({
  maxHeaderBytes: 1 << 20,
  maxImageSide: 65_536,
  maxAudioLength: 2 ** 31,
  maxNetworks: 65_536,
  maxDepth: 64,
  maxUnits: 4_096,
  maxParameters: 16 * 1024 * 1024,
  maxMetadataBytes: 16 * 1024 * 1024,
  maxResidualValues: 2 ** 27,
});

/** Deepest nesting of arrays and maps the header parser accepts (spec §3.1). */
export const MAX_HEADER_NESTING = 16;
