/**
 * The format's inflater (src/format/inflate.ts) against zlib, the reference a second reader would use: on streams
 * deflated at every level and on damaged ones, it must accept exactly what zlib accepts, with the same bytes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { deflateSync } from 'fflate';
import { inflateAtMost } from '../src/format/inflate.js';
import { mulberry32 } from './helpers/prng.js';

/** zlib's inflation of `stream`, or undefined where zlib refuses it. */
function zlibInflate(stream: Uint8Array): Uint8Array | undefined {
  try {
    return new Uint8Array(inflateRawSync(stream));
  } catch {
    return undefined;
  }
}

function sample(random: () => number, length: number): Uint8Array {
  // Text-like runs and repeats, so that every block type and long matches occur.
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = random() < 0.3 && i > 40 ? out[i - 1 - Math.floor(random() * 40)]! : 97 + Math.floor(random() * (random() < 0.5 ? 4 : 26));
  return out;
}

test('inflates what zlib and fflate deflate, at every level, to the same bytes', () => {
  const random = mulberry32(71);
  for (const length of [0, 1, 100, 5000, 70000]) {
    const data = sample(random, length);
    for (const level of [0, 1, 6, 9] as const) {
      for (const stream of [new Uint8Array(deflateRawSync(data, { level })), deflateSync(data, { level })]) {
        assert.deepEqual(inflateAtMost(stream, length + 1), data, `${length} bytes at level ${level}`);
      }
    }
  }
});

test('accepts exactly what zlib accepts among damaged streams, with the same bytes (bit flips, cuts, trailing bytes)', () => {
  const random = mulberry32(7);
  let refused = 0;
  let accepted = 0;
  for (let trial = 0; trial < 3000; trial++) {
    const data = sample(random, 1 + Math.floor(random() * 600));
    const level = [0, 1, 9][trial % 3]!;
    const stream = new Uint8Array(deflateRawSync(data, { level }));
    let damaged = stream.slice();
    const flips = 1 + Math.floor(random() * 3);
    for (let f = 0; f < flips; f++) damaged[Math.floor(random() * damaged.length)]! ^= 1 << Math.floor(random() * 8);
    if (trial % 5 === 0) damaged = damaged.subarray(0, Math.floor(random() * damaged.length));
    if (damaged.length === 0) continue;
    const ours = inflateAtMost(damaged, 1 << 20);
    const theirs = zlibInflate(damaged);
    if (theirs === undefined) {
      assert.ok(!(ours instanceof Uint8Array), `trial ${trial}: zlib refuses a stream this inflater took`);
      refused++;
    } else {
      assert.ok(ours instanceof Uint8Array, `trial ${trial}: zlib takes a stream this inflater refused (${JSON.stringify(ours)})`);
      assert.deepEqual(ours, theirs, `trial ${trial}`);
      accepted++;
    }
  }
  assert.ok(refused > 300 && accepted > 300, `${refused} refused, ${accepted} accepted: both kinds tried`);
});

test('refuses what RFC 1951 forbids and fflate took: a stored block whose NLEN is not LEN\'s complement, an incomplete code', () => {
  // A final stored block of 1 byte with NLEN 0x0000 instead of 0xFFFE, and the same with it right.
  const badStored = Uint8Array.of(0x01, 0x01, 0x00, 0x00, 0x00, 0x41);
  assert.deepEqual(inflateAtMost(badStored, 10), { invalid: 'invalid stored block lengths' });
  assert.equal(zlibInflate(badStored), undefined);
  assert.deepEqual(inflateAtMost(Uint8Array.of(0x01, 0x01, 0x00, 0xfe, 0xff, 0x41), 10), Uint8Array.of(0x41));
  // A dynamic block whose literal/length code is 'A' and end-of-block in 2 bits each, half its code space unused; and
  // the same code filled with 'B' in 1 bit, which both inflaters take.
  const incomplete = dynamicBlock(false);
  assert.equal(zlibInflate(incomplete), undefined, 'zlib refuses it');
  assert.deepEqual(inflateAtMost(incomplete, 10), { invalid: 'invalid literal/lengths set (incomplete)' });
  const complete = dynamicBlock(true);
  assert.deepEqual(zlibInflate(complete), Uint8Array.of(0x41, 0x42));
  assert.deepEqual(inflateAtMost(complete, 10), Uint8Array.of(0x41, 0x42));
});

/** One final dynamic block of 'A' (and 'B' where `withB`), its codes spelt out bit by bit (RFC 1951 §3.2.7). */
function dynamicBlock(withB: boolean): Uint8Array {
  const bits: number[] = [];
  const put = (value: number, count: number): void => { for (let i = 0; i < count; i++) bits.push((value >> i) & 1); };
  const code = (value: number, count: number): void => { for (let i = count - 1; i >= 0; i--) bits.push((value >> i) & 1); };
  put(1, 1); put(2, 2); // final, dynamic
  put(0, 5); put(0, 5); put(14, 4); // 257 literal/length codes, 1 distance code, 18 code-length code lengths
  // The code-length code: 18 in 1 bit ('0'), 1 and 2 in 2 bits ('10', '11'), in the order RFC 1951 lists them.
  const order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1];
  for (const symbol of order) put(symbol === 18 ? 1 : symbol === 1 || symbol === 2 ? 2 : 0, 3);
  const zeros = (count: number): void => { while (count > 0) { const run = Math.min(138, count); code(0, 1); put(run - 11, 7); count -= run; } };
  const length = (value: 1 | 2): void => code(value === 1 ? 0b10 : 0b11, 2);
  zeros(65); length(2); // 'A': 2 bits
  if (withB) { length(1); zeros(189); } else zeros(190); // 'B': 1 bit
  length(2); // end of block: 2 bits
  length(1); // distance 0: 1 bit (one code of 1 bit: zlib takes that)
  // The data. Canonical codes: with B, B '0', A '10', end '11'; without, A '00', end '01'.
  if (withB) { code(0b10, 2); code(0b0, 1); code(0b11, 2); } else { code(0b00, 2); code(0b01, 2); }
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((bit, i) => { out[i >> 3]! |= bit << (i & 7); });
  return out;
}
