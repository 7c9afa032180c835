/**
 * The one wording of the redacted-HAR notice (text, Markdown, SARIF): the HAR carried redaction markers where
 * the wire carried secrets (OAuth Lens's own redacted export), and what that leaves unjudged. A marker proves
 * that a value was sent (a client secret from the browser is still found), never what it was.
 */
import type { RedactedInput } from '../core/redacted-input.ts';

/** One sentence, or undefined when the HAR carried its secrets. */
export function redactedInputNotice(redacted: RedactedInput): string | undefined {
  if (redacted === null) return undefined;
  const unobservable =
    "the PKCE verifier check, the verifier's syntax and what the ID tokens say (claims, nonce, at_hash and c_hash) are not observable";
  const comparison =
    redacted === 'numbered'
      ? "equal values share a marker's number, so codes and tokens still pair"
      : 'its markers carry no numbers, so neither are code replays nor refresh-token reuse and rotation, and a token request pairs with its callback only when no other sign-in of the client is pending';
  return `Redacted HAR: codes, verifiers and tokens were replaced by ‹redacted …› markers (an OAuth Lens export), so ${unobservable}; ${comparison}. Nothing is concluded from a marker; audit an unredacted export to check them.`;
}
