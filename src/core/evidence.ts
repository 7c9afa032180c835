/**
 * Handling values taken from the network in findings. They are hostile data: they go into `evidence` (cut to a
 * bounded size), never into a message unless they are a short plain token, and never get interpreted. Secret
 * parameters (codes, verifiers, tokens, client credentials, passwords) are flagged so every output can redact
 * them.
 */
import type { AuthorizationRequest, Evidence } from './model.ts';
import { isSecretParameter } from './secret-parameters.ts';

/** Longest evidence value kept for a string read from the network. */
export const MAX_EVIDENCE_CHARS = 500;

/**
 * The authorization request's response_type as evidence: the value sent, or the `code` its provider implies when
 * the documented request has none (known-authorization-endpoints.ts), never shown as if it had been sent. None
 * when there is no response type to show.
 */
export function responseTypeEvidence(auth: Pick<AuthorizationRequest, 'responseType' | 'responseTypeImpliedBy'> | undefined): Evidence[] {
  if (auth?.responseType === undefined) return [];
  const value =
    auth.responseTypeImpliedBy === undefined
      ? capped(auth.responseType)
      : impliedResponseType(auth.responseType, auth.responseTypeImpliedBy);
  return [{ label: 'response_type', value }];
}

/** A response type its provider implies, worded so that no view shows it as sent (evidence, the report's summary). */
export function impliedResponseType(responseType: string, provider: string): string {
  return `${responseType} (not sent: implied by the provider, ${provider})`;
}

/** Cut a string to at most `max` UTF-16 code units, marking the cut with an ellipsis and never splitting a surrogate pair. */
export function capped(value: string, max = MAX_EVIDENCE_CHARS): string {
  if (value.length <= max) return value;
  let end = max - 1;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${value.slice(0, end)}…`;
}

/**
 * Evidence for one parameter: secret values are flagged (and kept whole, outputs redact them); other values
 * are capped.
 */
export function paramEvidence(name: string, value: string, label = name): Evidence {
  return isSecretParameter(name) ? { label: capped(label, 100), value, secret: true } : { label: capped(label, 100), value: capped(value) };
}

const PLAIN_TOKEN = /^[A-Za-z0-9._~:-]{1,64}$/;

/**
 * A network string that is safe to quote inside a message for people: at most 64 characters of letters,
 * digits and `._~:-` (error codes, parameter names). Undefined otherwise: keep it in evidence only.
 */
export function quotable(value: string | undefined): string | undefined {
  return value !== undefined && PLAIN_TOKEN.test(value) ? value : undefined;
}
