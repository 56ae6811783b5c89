/**
 * A minimal ICC v2 gray display profile (ICC.1:2001-04): header, `desc`,
 * `wtpt`, `kTRC` (a pure gamma) and `cprt`; sharp's built-in profiles are
 * RGB and CMYK only, and the machine has no gray profile to test with.
 */
import { concat as join } from '../../src/photo/embed.js';

const concat = (...parts: Uint8Array[]): Uint8Array => join(parts);
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

function bigEndian(value: number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[bytes - 1 - i] = (value >>> (8 * i)) & 0xff;
  return out;
}

/** s15Fixed16Number. */
const fixed = (value: number): Uint8Array => bigEndian(Math.round(value * 65536) >>> 0, 4);
const D50 = concat(fixed(0.9642), fixed(1), fixed(0.8249));

/** A gray profile whose tone curve is `gamma`. */
export function grayProfile(gamma: number, name = 'snfc test gray'): Uint8Array {
  const tags: [string, Uint8Array][] = [
    ['desc', concat(ascii('desc'), new Uint8Array(4), bigEndian(name.length + 1, 4), ascii(name), new Uint8Array(1 + 4 + 4 + 2 + 1 + 67))],
    ['wtpt', concat(ascii('XYZ '), new Uint8Array(4), D50)],
    ['kTRC', concat(ascii('curv'), new Uint8Array(4), bigEndian(1, 4), bigEndian(Math.round(gamma * 256), 2))],
    ['cprt', concat(ascii('text'), new Uint8Array(4), ascii('none'), new Uint8Array(1))],
  ];
  let offset = 128 + 4 + 12 * tags.length;
  const table: Uint8Array[] = [bigEndian(tags.length, 4)];
  const data: Uint8Array[] = [];
  for (const [signature, tag] of tags) {
    table.push(ascii(signature), bigEndian(offset, 4), bigEndian(tag.length, 4));
    const padded = concat(tag, new Uint8Array((4 - (tag.length % 4)) % 4));
    data.push(padded);
    offset += padded.length;
  }
  const header = concat(
    bigEndian(offset, 4), new Uint8Array(4), bigEndian(0x02100000, 4), ascii('mntr'), ascii('GRAY'), ascii('XYZ '), new Uint8Array(12),
    ascii('acsp'), new Uint8Array(28), D50, new Uint8Array(48),
  );
  return concat(header, ...table, ...data);
}
