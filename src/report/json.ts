/**
 * JSON for a file, a terminal or a download: JSON.stringify escapes only U+0000–U+001F (RFC 8259 §7), so a
 * hostile HAR's U+009B (CSI to a terminal, ECMA-48 §5.3) would reach `cat report.json` raw. C1 controls and
 * U+2028/U+2029 (line terminators in JavaScript before ES2019) become `\u` escapes. They can only stand inside
 * a string there, and never right after an escaping backslash, so the JSON stays valid and parses to the same
 * values. Pure.
 */
export function jsonText(value: unknown): string {
  const json = JSON.stringify(value, null, 2).replace(
    /[\u0080-\u009f\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `${json}\n`;
}
