import { readSnf, SnfFormatError, type SnfFile } from '../format/index.js';
import { sniffAudio, sniffImage } from '../io/sniff.js';
import { inputError } from '../node/errors.js';
import { shownName } from '../node/files.js';

/** What `bytes` are, where they are an image or audio rather than an .snf file: `a PNG image`, `a WAV file`. */
function mistakenKind(bytes: Uint8Array): string | undefined {
  const image = sniffImage(bytes);
  if (image !== undefined) return `a ${image} image`;
  const audio = sniffAudio(bytes);
  return audio === undefined ? undefined : audio === 'wav' ? 'a WAV file' : `an ${audio} file`;
}

/**
 * The .snf file in `bytes` (decode, info). An image or a clip given instead is named as what it is, with the command
 * that makes an .snf file of it; any other file the reader refuses is reported as an invalid .snf file (main.ts).
 */
export function readSnfInput(bytes: Uint8Array, input: string): SnfFile {
  try {
    return readSnf(bytes);
  } catch (error) {
    const kind = error instanceof SnfFormatError && error.code === 'BAD_MAGIC' ? mistakenKind(bytes) : undefined;
    if (kind !== undefined) throw inputError(`${shownName(input, 'input')} is ${kind}, not an .snf file${/image|WAV/.test(kind) ? ': snfc encode makes one of it' : ''}`);
    throw error;
  }
}
