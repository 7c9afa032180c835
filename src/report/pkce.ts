/**
 * PKCE (RFC 7636) in words, worded once for every view (CLI text and Markdown, DevTools panel, popup): the
 * method the authorization request named (§4.3), and whether the verifier at the token endpoint answered the
 * challenge (§4.6). Takes the report's shape (CLI, popup) or the core's PkceResult plus the method as sent
 * (panel). Returns raw text: each view escapes it its own way (`visible`, Markdown, text nodes). Pure.
 */
import type { PkceNearMissKind, PkceResult } from '../core/model.ts';

export interface PkceNearMissFacts {
  kind: PkceNearMissKind;
  /** The core's sentence: it already names the other flow for `other-flow-verifier`. */
  explanation: string;
}

export interface PkceFacts {
  method: PkceResult['method'];
  /** code_challenge_method exactly as sent (null or undefined when none was). */
  methodSent?: string | null;
  status: PkceResult['status'];
  challenge?: string | null;
  verifier?: string | null;
  nearMiss?: PkceNearMissFacts | null;
}

const present = (value: string | null | undefined): value is string => value !== null && value !== undefined;

/** `S256`, `plain`, `no method sent (plain applies)`, `none`, `unknown method s256`, or `not observed`. */
export function pkceMethodText(pkce: PkceFacts): string {
  switch (pkce.method) {
    case 'S256':
    case 'plain':
      return pkce.method;
    case 'other':
      return `unknown method ${pkce.methodSent ?? ''}`.trim();
    case 'absent':
      // RFC 7636 §4.3: a challenge without a method is plain. Without a readable authorization request the
      // core claims nothing about the method (src/core/build-flows.ts, pkceOf).
      if (present(pkce.challenge)) return 'no method sent (plain applies)';
      return pkce.status === 'not-observable' ? 'not observed' : 'none';
  }
}

/** Whether the verifier answered the challenge, in words. */
export function pkceStatusText(pkce: PkceFacts): string {
  switch (pkce.status) {
    case 'match':
      return 'the verifier matches the challenge';
    case 'mismatch':
      return 'the verifier does NOT match the challenge';
    case 'no-challenge':
      // RFC 9700 §4.8.2: a verifier without a challenge is the PKCE downgrade the server must refuse.
      return present(pkce.verifier)
        ? 'no code_challenge was sent, but the token request has a code_verifier'
        : 'no code_challenge was sent';
    case 'no-verifier':
      return 'a code_challenge was sent, but the token request has no code_verifier';
    case 'not-observable':
      // A challenge and a verifier both sent yet unjudged: the verifier was a redaction marker (src/core/build-flows.ts).
      if (present(pkce.challenge) && present(pkce.verifier)) return 'not observable: the code_verifier was redacted before the audit';
      return present(pkce.challenge)
        ? 'not observable: no token request seen for this flow'
        : 'not observable: the authorization request was not seen or could not be read';
  }
}

/** `near miss (verifier-whitespace): The challenge was computed from …`; only the kind when `brief`. */
export function pkceNearMissText(nearMiss: PkceNearMissFacts, { brief = false }: { brief?: boolean } = {}): string {
  return brief ? `near miss (${nearMiss.kind})` : `near miss (${nearMiss.kind}): ${nearMiss.explanation}`;
}

/** `S256 · the verifier matches the challenge`, and the near miss when there is one (only its kind when `brief`). */
export function pkceSummary(pkce: PkceFacts, options: { brief?: boolean } = {}): string {
  const near = pkce.nearMiss ? ` — ${pkceNearMissText(pkce.nearMiss, options)}` : '';
  return `${pkceMethodText(pkce)} · ${pkceStatusText(pkce)}${near}`;
}
