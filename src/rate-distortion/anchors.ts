import { promises as fs } from 'node:fs';
import type { RdPoint } from './bd-rate.js';

/**
 * Published rate–PSNR curves that a bench run is compared with, e.g.
 * `shared/data/anchors/kodak-rd.json`:
 *
 *     { "dataset": "Kodak (24 images, …)", "bpp": "…", "psnr": "…",
 *       "curves": [ { "name", "kind", "source", "metric",
 *                     "points": [ { "bpp", "psnr" }, … ] }, … ] }
 *
 * Only `curves[].name` and `curves[].points` are required; the other
 * fields are carried through to the summary when present.
 */

/** Where `snfc bench` looks for anchors when `--anchors` is not given (relative to the working folder). */
export const DEFAULT_ANCHORS_PATH = '../shared/data/anchors/kodak-rd.json';

export interface AnchorCurve {
  readonly name: string;
  readonly kind?: string;
  readonly source?: string;
  readonly metric?: string;
  readonly points: readonly RdPoint[];
}

export interface Anchors {
  /** The file they came from. */
  readonly path: string;
  /** What the curves were measured on, e.g. "Kodak (24 images, 768x512, RGB, 8-bit)". */
  readonly dataset?: string;
  readonly curves: readonly AnchorCurve[];
}

/** A malformed anchors file; the message names the file and the field. */
export class AnchorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnchorsError';
  }
}

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Reads and checks an anchors file. Returns null when the file does not
 * exist and `required` is false (the default path on a machine without the
 * shared data).
 *
 * @throws {AnchorsError} unreadable, not JSON, or a curve without a name or valid points.
 */
export async function loadAnchors(file: string, required = false): Promise<Anchors | null> {
  let text;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return null;
    throw new AnchorsError(`cannot read anchors '${file}': ${code === 'ENOENT' ? 'no such file' : code ?? 'read failed'}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // JSON.parse quotes the start of the text, which for a binary file (an image given by mistake) holds control
    // bytes and line breaks: one line of printable text instead.
    const reason = (error as Error).message.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]+/g, ' ').slice(0, 160);
    throw new AnchorsError(`anchors '${file}' is not JSON: ${reason}`);
  }
  return parseAnchors(json, file);
}

/** Checks the parsed JSON of an anchors file (see the module comment). */
export function parseAnchors(json: unknown, file: string): Anchors {
  const root = json as { dataset?: unknown; curves?: unknown } | null;
  if (typeof root !== 'object' || root === null || !Array.isArray(root.curves)) {
    throw new AnchorsError(`anchors '${file}' has no "curves" array`);
  }
  const curves = root.curves.map((raw: unknown, i: number): AnchorCurve => {
    const curve = raw as { name?: unknown; kind?: unknown; source?: unknown; metric?: unknown; points?: unknown } | null;
    if (typeof curve !== 'object' || curve === null || typeof curve.name !== 'string' || curve.name === '') {
      throw new AnchorsError(`anchors '${file}': curves[${i}] has no "name"`);
    }
    if (!Array.isArray(curve.points) || curve.points.length === 0) {
      throw new AnchorsError(`anchors '${file}': curve '${curve.name}' has no "points"`);
    }
    const points = curve.points.map((p: unknown, j: number): RdPoint => {
      const point = p as { bpp?: unknown; psnr?: unknown } | null;
      const bpp = point?.bpp;
      const psnr = point?.psnr;
      if (typeof bpp !== 'number' || typeof psnr !== 'number' || !(bpp > 0) || !Number.isFinite(bpp) || !Number.isFinite(psnr)) {
        throw new AnchorsError(`anchors '${file}': curve '${curve.name}' point ${j} needs a positive "bpp" and a finite "psnr"`);
      }
      return { bpp, psnr };
    });
    return {
      name: curve.name, kind: optionalString(curve.kind), source: optionalString(curve.source), metric: optionalString(curve.metric),
      points: [...points].sort((a, b) => a.bpp - b.bpp),
    };
  });
  return { path: file, dataset: optionalString(root.dataset), curves };
}
