import { readSnf, type SnfFile, type SnfLimits } from '../format/index.js';

/**
 * The file a decoder was given: bytes, read and checked with `limits` (spec §7), or a file that `readSnf` has read
 * already (with its caller's limits), taken as it is. Anything else goes to `readSnf`, whose error names what was
 * passed (an ArrayBuffer, say, and how to wrap it).
 */
export function fileOf(source: Uint8Array | SnfFile, limits: Partial<SnfLimits>): SnfFile {
  return isReadFile(source) ? source : readSnf(source as Uint8Array, limits);
}

function isReadFile(value: unknown): value is SnfFile {
  return typeof value === 'object' && value !== null && 'header' in value && 'networks' in value;
}
