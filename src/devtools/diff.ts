/**
 * A character diff for the parameters view: where two values (a redirect_uri at /authorize and at /token)
 * differ, down to the character. Pure. The common prefix and suffix are cut first, so the usual difference
 * (a trailing slash, one encoded character) costs nothing; the middle is diffed by LCS, bounded so a hostile
 * megabyte-long value cannot freeze the panel (past the bound the middle is shown as replaced whole).
 */

export type DiffOp = 'same' | 'add' | 'del';

export interface DiffSegment {
  op: DiffOp;
  text: string;
}

/** Cells of the LCS table beyond which the middle is reported as one deletion and one addition. */
export const MAX_LCS_CELLS = 250_000;

/** Segments turning `from` into `to`: `same` in both, `del` only in `from`, `add` only in `to`. */
export function diffChars(from: string, to: string): DiffSegment[] {
  if (from === to) return from ? [{ op: 'same', text: from }] : [];
  let prefix = 0;
  const shorter = Math.min(from.length, to.length);
  while (prefix < shorter && from[prefix] === to[prefix]) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && from[from.length - 1 - suffix] === to[to.length - 1 - suffix]) suffix++;
  const a = from.slice(prefix, from.length - suffix);
  const b = to.slice(prefix, to.length - suffix);
  const middle = a.length * b.length > MAX_LCS_CELLS ? replaced(a, b) : lcsDiff(a, b);
  return merge([{ op: 'same', text: from.slice(0, prefix) }, ...middle, { op: 'same', text: from.slice(from.length - suffix) }]);
}

function replaced(a: string, b: string): DiffSegment[] {
  return [
    { op: 'del', text: a },
    { op: 'add', text: b },
  ];
}

function lcsDiff(a: string, b: string): DiffSegment[] {
  const n = a.length;
  const m = b.length;
  // lengths[i][j]: LCS of a[i..] and b[j..], flattened.
  const lengths = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[at(i, j)] = a[i] === b[j] ? lengths[at(i + 1, j + 1)]! + 1 : Math.max(lengths[at(i + 1, j)]!, lengths[at(i, j + 1)]!);
    }
  }
  const out: DiffSegment[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: 'same', text: a[i]! });
      i++;
      j++;
    } else if (lengths[at(i + 1, j)]! >= lengths[at(i, j + 1)]!) {
      out.push({ op: 'del', text: a[i++]! });
    } else {
      out.push({ op: 'add', text: b[j++]! });
    }
  }
  if (i < n) out.push({ op: 'del', text: a.slice(i) });
  if (j < m) out.push({ op: 'add', text: b.slice(j) });
  return out;
}

/** Joins neighbours with the same op and drops empty segments. */
function merge(segments: DiffSegment[]): DiffSegment[] {
  const out: DiffSegment[] = [];
  for (const s of segments) {
    if (!s.text) continue;
    const last = out[out.length - 1];
    if (last && last.op === s.op) last.text += s.text;
    else out.push({ ...s });
  }
  return out;
}
