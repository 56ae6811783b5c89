/**
 * What a file is, judged by its first bytes, for the messages that name it (`'clip.wav' is a WAV file, not an .snf
 * file`) and for the commands that tell audio from images by content. No imports: `decode` and `info` use it on the
 * way to an error, and loading wav.ts (and with it wavefile) at their start had cost every decode 21 ms.
 */

/** What a file is, judged by its first bytes: a WAV, another audio container (named), or neither. */
export function sniffAudio(bytes: Uint8Array): 'wav' | 'MP3' | 'FLAC' | 'Ogg' | 'AIFF' | undefined {
  const text = (at: number, n: number): string => String.fromCharCode(...bytes.subarray(at, at + n));
  if (bytes.length >= 4 && ['RIFF', 'RIFX', 'RF64'].includes(text(0, 4))) {
    // RIFF holds other forms too, WebP ('WEBP') and AVI among them: only a WAVE form, or a header cut too short to name
    // its form (a broken WAV: the reader says what is wrong), is audio.
    return bytes.length < 12 || text(8, 4) === 'WAVE' ? 'wav' : undefined;
  }
  if (text(0, 3) === 'ID3' || (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0)) return 'MP3';
  if (text(0, 4) === 'fLaC') return 'FLAC';
  if (text(0, 4) === 'OggS') return 'Ogg';
  if (text(0, 4) === 'FORM' && bytes.length >= 12 && ['AIFF', 'AIFC'].includes(text(8, 4))) return 'AIFF';
  return undefined;
}

/** First bytes of the image formats people hand to the wrong command, with how to name them. */
const IMAGE_MAGICS: readonly [string, readonly number[]][] = [
  ['PNG', [0x89, 0x50, 0x4e, 0x47]], ['JPEG', [0xff, 0xd8, 0xff]], ['GIF', [0x47, 0x49, 0x46, 0x38]],
  ['TIFF', [0x49, 0x49, 0x2a, 0x00]], ['TIFF', [0x4d, 0x4d, 0x00, 0x2a]],
];

/** The image format `bytes` begin as (`PNG`, `JPEG`, `GIF`, `TIFF`, `WebP`), or undefined. */
export function sniffImage(bytes: Uint8Array): string | undefined {
  const found = IMAGE_MAGICS.find(([, magic]) => magic.every((byte, i) => bytes[i] === byte));
  if (found !== undefined) return found[0];
  const text = (at: number, n: number): string => String.fromCharCode(...bytes.subarray(at, at + n));
  return text(0, 4) === 'RIFF' && text(8, 4) === 'WEBP' ? 'WebP' : undefined;
}
