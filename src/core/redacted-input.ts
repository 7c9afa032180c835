/**
 * Whether the analysed input carried redaction markers where the wire carries secrets (OAuth Lens's own
 * redacted HAR export, audited again), and whether the markers are numbered (src/core/redaction-marker.ts).
 * The report says so once per input, since every check that needs a secret's value is then not observable.
 */
import { callbacksOf, tokenRequestsOf } from './flow-facts.ts';
import type { Flow } from './model.ts';
import { isSecretParameter } from './secret-parameters.ts';
import { comparableSecret, isRedacted } from './redaction-marker.ts';

/**
 * `numbered`: every marker carries its number (equal values, equal markers: codes and tokens still compare);
 * `unnumbered`: some marker carries none (codes and tokens cannot be compared); `null`: no marker.
 */
export type RedactedInput = 'numbered' | 'unnumbered' | null;

/** The markers among the secrets the flows carry: codes, verifiers, tokens, client secrets and assertions. */
export function redactedInput(flows: readonly Flow[]): RedactedInput {
  let found: RedactedInput = null;
  const look = (value: string | undefined) => {
    if (value === undefined || !isRedacted(value)) return;
    found = comparableSecret(value) === undefined ? 'unnumbered' : (found ?? 'numbered');
  };
  for (const flow of flows) {
    for (const callback of callbacksOf(flow)) {
      look(callback.code);
      look(callback.accessToken);
      look(callback.idToken);
    }
    for (const request of tokenRequestsOf(flow)) {
      for (const param of request.params) if (isSecretParameter(param.name)) look(param.value);
      look(request.clientAuth.basic?.secret);
      look(request.response?.accessToken);
      look(request.response?.idToken);
      look(request.response?.refreshToken);
    }
  }
  return found;
}
