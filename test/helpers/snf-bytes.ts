/**
 * Byte-level helpers for tests that craft or damage .snf files: split a file
 * into its container fields, reassemble it (with a correct CRC unless told
 * otherwise), and rewrite its header through msgpackr, an independent
 * MessagePack implementation.
 */
import assert from 'node:assert/strict';
import { Packr } from 'msgpackr';
import { crc32, SnfFormatError, type SnfErrorCode } from '../../src/format/index.js';
import { decodeHeaderValue } from '../../src/format/msgpack.js';

export interface Parts {
  major: number;
  minor: number;
  flags: number;
  header: Uint8Array;
  payload: Uint8Array;
}

/** Splits a valid file into its fields. */
export function split(bytes: Uint8Array): Parts {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = view.getUint32(12, true);
  const p = view.getUint32(16 + h, true);
  return {
    major: bytes[8]!, minor: bytes[9]!, flags: view.getUint16(10, true),
    header: bytes.slice(16, 16 + h), payload: bytes.slice(20 + h, 20 + h + p),
  };
}

/** Assembles a file from fields, with a correct CRC unless `crc` is given. */
export function assemble(parts: Partial<Parts> & Pick<Parts, 'header' | 'payload'>, crc?: number): Uint8Array {
  const { header, payload } = parts;
  const out = new Uint8Array(24 + header.length + payload.length);
  const view = new DataView(out.buffer);
  out.set([0x89, 0x53, 0x4e, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  out[8] = parts.major ?? 1;
  out[9] = parts.minor ?? 0;
  view.setUint16(10, parts.flags ?? 0, true);
  view.setUint32(12, header.length, true);
  out.set(header, 16);
  view.setUint32(16 + header.length, payload.length, true);
  out.set(payload, 20 + header.length);
  const end = 20 + header.length + payload.length;
  view.setUint32(end, crc ?? crc32(out.subarray(0, end)), true);
  return out;
}

/** msgpackr, as an independent MessagePack implementation for crafting headers. */
export const packr = new Packr({ useRecords: false, variableMapSize: true });
export type Json = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The header of `bytes` as a plain object to mutate; a MessagePack header only (versions 1 and 2), so that no test edits a deflated one by mistake. */
export function headerOf(bytes: Uint8Array): Json {
  assert.ok(bytes[8]! < 3, 'headerOf reads MessagePack headers; this file is version 3, its header deflated (spec §2.2)');
  return structuredClone(decodeHeaderValue(split(bytes).header)) as Json;
}

/** `bytes` with its header replaced by `mutate(header)` packed by msgpackr; CRC fixed. */
export function withHeader(bytes: Uint8Array, mutate: (header: Json) => void): Uint8Array {
  const header = headerOf(bytes);
  mutate(header);
  return assemble({ ...split(bytes), header: new Uint8Array(packr.pack(header)) });
}

export function codeOf(fn: () => unknown): SnfErrorCode | 'none' {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof SnfFormatError, `expected SnfFormatError, got ${String(error)}`);
    assert.ok(!error.message.includes('\n'), 'messages are one line');
    return error.code;
  }
  return 'none';
}
