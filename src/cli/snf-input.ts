import { readSnf, SnfFormatError, type SnfFile } from '../format/index.js';
import { inputError } from '../node/errors.js';
import { shownName } from '../node/files.js';

/** First bytes of the images people give decode by mistake, with how to name them. */
const IMAGE_MAGICS: readonly [string, readonly number[]][] = [
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]], ['a JPEG image', [0xff, 0xd8, 0xff]], ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['a TIFF image', [0x49, 0x49, 0x2a, 0x00]], ['a TIFF image', [0x4d, 0x4d, 0x00, 0x2a]],
];

/** What `bytes` are, where they are an image or audio rather than an .snf file: `a PNG image`, `a WAV file`. */
async function mistakenKind(bytes: Uint8Array): Promise<string | undefined> {
  const image = IMAGE_MAGICS.find(([, magic]) => magic.every((byte, i) => bytes[i] === byte));
  if (image !== undefined) return image[0];
  const text = (from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));
  if (text(0, 4) === 'RIFF' && text(8, 12) === 'WEBP') return 'a WebP image';
  // Loaded only here, on the way to an error: wav.ts brings wavefile, which every decode would otherwise load (~20 ms).
  const { sniffAudio } = await import('../io/wav.js');
  const audio = sniffAudio(bytes);
  return audio === undefined ? undefined : audio === 'wav' ? 'a WAV file' : `an ${audio} file`;
}

/**
 * The .snf file in `bytes` (decode, info). An image or a clip given instead is named as what it is, with the command
 * that makes an .snf file of it; any other file the reader refuses is reported as an invalid .snf file (main.ts).
 */
export async function readSnfInput(bytes: Uint8Array, input: string): Promise<SnfFile> {
  try {
    return readSnf(bytes);
  } catch (error) {
    const kind = error instanceof SnfFormatError && error.code === 'BAD_MAGIC' ? await mistakenKind(bytes) : undefined;
    if (kind !== undefined) throw inputError(`${shownName(input, 'input')} is ${kind}, not an .snf file${/image|WAV/.test(kind) ? ': snfc encode makes one of it' : ''}`);
    throw error;
  }
}
