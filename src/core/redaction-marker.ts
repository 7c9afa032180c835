/**
 * The redaction marker, `‹redacted code_verifier, 43 chars›`, as every output of OAuth Lens writes it in place
 * of a secret (src/core/redact.ts), and as the analysis must read it back: a HAR exported redacted from the
 * panel and audited with the CLI carries markers where the wire carried codes, verifiers and tokens.
 *
 * A marker is evidence that a value of that name was sent, never the value: nothing may be parsed out of it
 * (a marker is not a malformed verifier nor an undecodable JWT) and two markers are the same value only when
 * the export numbered them (`‹redacted code, 43 chars, value 3›`: equal values share a number within one export).
 * Without a number, two codes of equal length would look equal and a correct flow would read as a replay.
 */

const MARKER_START = '‹redacted ';
/** Recognises a marker even where a parameter value was cut at its first space. */
const MARKER_PREFIX = '‹redacted';
/**
 * The number an export gives each distinct value, `, value 3›` at the marker's end: words, because a marker
 * stands in URLs, where `#` would start a fragment.
 */
const NUMBERED = /, value \d+›$/;

/** `‹redacted code_verifier, 43 chars›`, or with `number`, `‹redacted code, 43 chars, value 3›`: nothing of the value. */
export function redactionMarker(label: string, value: string, number?: number): string {
  const length = value.length;
  return `${MARKER_START}${label}, ${length} char${length === 1 ? '' : 's'}${number !== undefined ? `, value ${number}` : ''}›`;
}

/** Whether a value is a redaction marker (in whole, or cut at its first space), not a value seen on the wire. */
export function isRedacted(value: string): boolean {
  return value.startsWith(MARKER_PREFIX);
}

/**
 * What a secret value can be compared by: the value itself, or a numbered marker (equal values, equal
 * markers), or undefined for a marker without a number, whose value is not observable and equals nothing.
 */
export function comparableSecret(value: string | undefined): string | undefined {
  if (value === undefined || !isRedacted(value)) return value;
  return NUMBERED.test(value) ? value : undefined;
}
