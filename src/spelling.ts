/**
 * The name a caller most likely meant when they wrote one that is not known: used by the encoders' and decoders'
 * argument checks and by the CLI's unknown flags to add "did you mean …" to their refusal. Shared by the encoder, the
 * decoder and the CLI (browser-clean).
 */

/** Edits (insert, delete, replace, swap of two neighbours) that turn `a` into `b`: `sclae` is one from `scale`. */
function editsBetween(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) { row.push(j); continue; }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/**
 * The one name of `known` that `name` differs from only in case, or else by at most one edit in four letters (at
 * least one): `stpes` → `steps`, `onProgres` → `onProgress`. Undefined where none is that near, or two are equally
 * near, so that a guess is only offered where it is clear.
 */
export function likelyMeant(name: string, known: readonly string[]): string | undefined {
  const sameLetters = known.filter((candidate) => candidate.toLowerCase() === name.toLowerCase());
  if (sameLetters.length > 0) return sameLetters.length === 1 ? sameLetters[0] : undefined;
  const allowed = Math.max(1, Math.floor(name.length / 4));
  let best: string | undefined;
  let bestEdits = allowed + 1;
  let tied = false;
  for (const candidate of known) {
    const edits = editsBetween(name.toLowerCase(), candidate.toLowerCase());
    if (edits < bestEdits) [best, bestEdits, tied] = [candidate, edits, false];
    else if (edits === bestEdits) tied = true;
  }
  return tied ? undefined : best;
}
