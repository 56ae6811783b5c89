import { readSnf, SnfFormatError, type SnfFile, type SnfLimits } from '../format/index.js';

/**
 * The file a decoder was given: bytes, read and checked with `limits` (spec §7), or a file that `readSnf` has read
 * already (with its caller's limits), taken as it is. Anything else goes to `readSnf`, whose error names what was
 * passed (an ArrayBuffer, say, and how to wrap it).
 */
export function fileOf(source: Uint8Array | SnfFile, limits: Partial<SnfLimits>): SnfFile {
  if (isReadFile(source)) return source;
  if (typeof source === 'object' && source !== null && 'header' in source && 'networks' in source) {
    // inspectSnf's result: the header and the streams' sizes, without the decoded networks.
    throw new SnfFormatError('INVALID_ARGUMENT', 'Expected the bytes of a .snf file or what readSnf returns, but received a file whose networks are not decoded (inspectSnf reads the header only)');
  }
  return readSnf(source as Uint8Array, limits);
}

function isReadFile(value: unknown): value is SnfFile {
  if (typeof value !== 'object' || value === null || !('header' in value) || !('networks' in value)) return false;
  const networks: unknown = value.networks;
  // readSnf's networks carry their tensors' values; inspectSnf's only their bits and steps.
  return Array.isArray(networks) && networks.every((network: { tensors?: unknown } | null) => {
    const tensors = network?.tensors;
    return Array.isArray(tensors) && tensors.every((tensor: { values?: unknown } | null) => ArrayBuffer.isView(tensor?.values));
  });
}
