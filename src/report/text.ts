/** Plain-text helpers every view shares (CLI formats, DevTools panel, popup). Pure. */

/**
 * Make control characters visible (`\n`, `\u001b`): a trailing newline in a verifier is exactly the bug to
 * show, and a HAR must not be able to drive the terminal with escape sequences (C0, DEL and C1, where U+009B
 * is a terminal's CSI) or break a line where none shows (U+2028, U+2029).
 */
export function visible(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => {
    switch (ch) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
}

/** As `visible`, for text shown as lines (a response body): line breaks and tabs stay, CRLF becomes LF. */
export function visibleLines(value: string): string {
  return value.replace(/\r\n/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => visible(ch));
}

/** `1 flow`, `2 flows`, `3 HAR entries`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** 12 ms, 1.2 s, 3 min; `—` when unknown. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}
