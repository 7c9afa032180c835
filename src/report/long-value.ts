/**
 * Long captured values (a 1 MB `state`, a URL carrying it, a header of several KB) in every view, with the words
 * they are shown with: past LONG_VALUE_CHARS a value is shown as its start (and a URL also its end) until the
 * user asks for all of it, since a megabyte-long text node stalls a view's layout for seconds (issue 11). Pure.
 */

/** Values longer than this (UTF-16 code units) are elided until asked for. A few KB: more than any real URL. */
export const LONG_VALUE_CHARS = 4 * 1024;

/** How much of an elided value is shown before "show all". */
export const ELIDED_HEAD_CHARS = 128;

/** The end of a URL kept in view (the last path segment, the end of its query), in a long one and in an elided one. */
export const URL_TAIL_CHARS = 24;

/**
 * An expanded value is laid out in pieces of this many characters, each skipped by layout while off screen
 * (CSS content-visibility), so showing 1 MB lays out a few pieces, not the megabyte.
 */
export const EXPANDED_CHUNK_CHARS = 16 * 1024;

export function isLongValue(value: string): boolean {
  return value.length > LONG_VALUE_CHARS;
}

/** `value.slice(0, end)` moved back one place rather than cutting a surrogate pair in two. */
function safeEnd(value: string, end: number): number {
  const last = value.charCodeAt(end - 1);
  return end > 0 && end < value.length && last >= 0xd800 && last <= 0xdbff ? end - 1 : end;
}

/** The start of an elided value, never ending inside a surrogate pair. */
export function elidedHead(value: string): string {
  return value.slice(0, safeEnd(value, Math.min(ELIDED_HEAD_CHARS, value.length)));
}

/**
 * A URL as its head (scheme, host, the start of the path) and its tail (its last URL_TAIL_CHARS characters, at
 * most half of it): a view elides the head's end, never the tail's, so both the server and the end of the path
 * or query stay in view, even of `http://127.0.0.1:33537/cb` in a narrow column.
 */
export function urlEnds(url: string): { head: string; tail: string } {
  const cut = safeEnd(url, url.length - Math.min(URL_TAIL_CHARS, Math.floor(url.length / 2)));
  return { head: url.slice(0, cut), tail: url.slice(cut) };
}

/** An expanded value's pieces (EXPANDED_CHUNK_CHARS each), none cutting a surrogate pair. Linear. */
export function valueChunks(value: string): string[] {
  const chunks: string[] = [];
  for (let start = 0; start < value.length; ) {
    const end = safeEnd(value, Math.min(start + EXPANDED_CHUNK_CHARS, value.length));
    chunks.push(value.slice(start, end));
    start = end;
  }
  return chunks;
}

/** `812 characters`, `4.5 KB`, `1.0 MB`: a value's size (one byte a character, as captured text mostly is). */
export function valueSize(chars: number): string {
  if (chars < 1000) return `${chars} characters`;
  // Below 999,950 characters: 999,960 would read "1000.0 KB".
  if (chars < 999_950) return `${(chars / 1000).toFixed(1)} KB`;
  return `${(chars / 1_000_000).toFixed(1)} MB`;
}

/** The words of an elided value's controls and notes. */
export const LONG_VALUE_WORDS = {
  showAll: (chars: number) => `show all ${valueSize(chars)}`,
  showLess: 'show less',
  /** A URL elided in the middle, wrapped whole on lines instead. */
  showWhole: 'show whole',
  copy: 'copy',
  copied: 'copied',
  copyFailed: 'copy failed',
  /** After the head: how much is not shown. */
  omitted: (chars: number, shown: number) => `… ${(chars - shown).toLocaleString('en')} more characters`,
  /** Between an elided URL's start and end, on one line. */
  omittedSize: (chars: number) => ` … ${valueSize(chars)} … `,
  /** While a long value's secrets are being masked. */
  pending: (chars: number) => `${valueSize(chars)}, masking secrets…`,
  /** The tooltip of an elided value (a megabyte is too long for a tooltip). */
  title: (chars: number) => `${chars.toLocaleString('en')} characters: "show all" lays them out, "copy" copies them whole`,
} as const;
