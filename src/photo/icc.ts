/**
 * The one field of an ICC profile snfc reads (ICC.1:2010 §7.2.6): the
 * colour space of its data, bytes 16–19 of the 128-byte header.
 */

/** Data colour spaces of an ICC profile that matter here; any other signature is returned trimmed as it is. */
export type IccColourSpace = 'RGB' | 'GRAY' | 'CMYK' | 'Lab' | string;

/** The profile's data colour space ('RGB', 'GRAY', 'CMYK', 'Lab', …), or undefined for a blob too short to be a profile. */
export function iccColourSpace(profile: Uint8Array): IccColourSpace | undefined {
  if (profile.length < 128) return undefined;
  return String.fromCharCode(...profile.subarray(16, 20)).trim();
}

/** Whether a profile of this colour space can be attached to decoded samples of `channels` (1–2 gray, 3–4 RGB). */
export function iccFitsChannels(space: IccColourSpace | undefined, channels: number): boolean {
  return channels <= 2 ? space === 'GRAY' : space === 'RGB';
}
