/**
 * The index of the quote that closes a JSON string whose characters start at `from` (just after its opening
 * quote), or -1 when the text ends first. A quote is escaped when an odd number of backslashes precede it
 * (RFC 8259 §7). Uses `indexOf`, so a multi-megabyte string costs a native scan, not a regex's backtracking.
 */
export function jsonStringEnd(text: string, from: number): number {
  for (let at = text.indexOf('"', from); at !== -1; at = text.indexOf('"', at + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}

const BACKSLASH = 0x5c;
