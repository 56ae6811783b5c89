/**
 * The manifest DIR/batch.jsonl: one line per finished input (encoded or
 * failed), appended as results arrive, so that an interrupted batch knows on
 * rerun what is done. The last line about an output wins. A line cut short
 * by a crash is ignored.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readSnf } from '../format/index.js';
import type { EncodeSettings } from './encode-file.js';
import type { BatchItem } from './inputs.js';

export const MANIFEST_NAME = 'batch.jsonl';

export interface ManifestRecord {
  /** The output, relative to the out folder ('/' separators). */
  readonly output: string;
  readonly input: string;
  readonly kind: string;
  readonly status: 'encoded' | 'failed';
  readonly bytes?: number;
  readonly bpp?: number;
  /** An exact decode's is 100, with `lossless` true. */
  readonly psnr?: number;
  readonly lossless?: boolean;
  /** Seconds of the encode itself (on whichever machine ran it). */
  readonly seconds?: number;
  /** False when the file missed the target rate (--bpp) by more than 5 %. */
  readonly rateHit?: boolean;
  /** Set when the file hit the rate but starved its network of the bits to hold the image: the --bpp that would give it enough. */
  readonly enoughBpp?: number;
  /** Set when the file is below the rate because its decode is exact in fewer bytes (a flat image). */
  readonly exactBelowRate?: boolean;
  /** What reading the input changed or left out, and a starved network the residual made up for, one line each (`snfc encode` prints them as notices). */
  readonly notices?: readonly string[];
  readonly error?: string;
  /** Exit code the failure stands for (3: bad input, 2: options this input rules out, 1: other). */
  readonly exitCode?: number;
  /** The encode settings, canonical (`settingsKey`): an output made with others is stale. */
  readonly settings: string;
  /** The input's size and modification time when it was encoded: an input changed since is stale. */
  readonly inputBytes: number;
  readonly inputMtimeMs: number;
  /** Who encoded it: `host:pid`, this process or a queue worker. */
  readonly worker?: string;
  readonly finishedAt: string;
}

/** The settings as canonical JSON (sorted keys, unset ones left out), so equal settings give equal strings. */
export function settingsKey(settings: EncodeSettings): string {
  const sorted = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sorted(v)]));
  };
  return JSON.stringify(sorted(settings));
}

/** The last record of each output in `dir`'s manifest (empty when there is none). */
export async function readManifest(dir: string): Promise<Map<string, ManifestRecord>> {
  const records = new Map<string, ManifestRecord>();
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, MANIFEST_NAME), 'utf8');
  } catch {
    return records;
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const record = JSON.parse(line) as ManifestRecord;
      if (typeof record.output === 'string') records.set(record.output, record);
    } catch {
      // A line cut short by a crash or a full disk: the input is simply redone.
    }
  }
  return records;
}

/** Appends one record as one write of one line (O_APPEND keeps concurrent lines whole). */
export async function appendManifest(dir: string, record: ManifestRecord): Promise<void> {
  await fs.appendFile(path.join(dir, MANIFEST_NAME), JSON.stringify(record) + '\n');
}

/**
 * Why `item` must be encoded, or undefined when its output is done: the
 * output exists, passes the reader's checks (a truncated file does not), and
 * the manifest says it was encoded from this input (same size and
 * modification time) with these settings. An output the manifest does not
 * know is redone: its settings cannot be told.
 */
export async function staleReason(
  item: BatchItem, record: ManifestRecord | undefined, settings: string, input: { size: number; mtimeMs: number },
): Promise<string | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(item.output));
  } catch {
    return 'no output yet';
  }
  try {
    readSnf(bytes);
  } catch (error) {
    return `output does not read back (${(error as Error).message})`;
  }
  if (record === undefined || record.status !== 'encoded') return 'not in the manifest';
  if (record.settings !== settings) return 'encoded with other options';
  if (record.inputBytes !== input.size || record.inputMtimeMs !== input.mtimeMs) return 'input changed since';
  if (record.bytes !== bytes.length) return 'output changed since';
  return undefined;
}
