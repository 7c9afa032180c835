/**
 * The authorization server answered with an error (RFC 6749 §4.1.2.1; OIDC Core §3.1.2.6): its code, decoded
 * by the one table of OAuth error codes (src/core/oauth-errors.ts) with how the request was made (prompt=none,
 * an iframe), which changes what a silent failure means.
 */
import { capped, quotable } from '../evidence.ts';
import type { Flow } from '../model.ts';
import { authorizationContextOf, authorizationErrorMeaning } from '../oauth-errors.ts';
import { providerWords } from './provider-hints.ts';
import { DIAGNOSIS_TITLES, type Diagnosis } from './types.ts';

export function authorizationError(flow: Flow): Diagnosis | undefined {
  const callback = flow.callback;
  if (callback?.error === undefined) return undefined;
  const context = authorizationContextOf(flow);
  const known = authorizationErrorMeaning(callback.error, context) !== undefined;
  // GitHub's redirect_uri_mismatch, Entra's AADSTS codes in the description: the provider's own words.
  const words = providerWords(
    flow,
    callback.error,
    callback.errorDescription,
    (code) => authorizationErrorMeaning(code, context) !== undefined,
  );
  return {
    id: `${flow.id}:authorization-error`,
    kind: 'authorization-error',
    flowId: flow.id,
    title: DIAGNOSIS_TITLES['authorization-error'],
    likelihood: known || words?.decoded ? 'likely' : 'possible',
    evidence: [
      { label: 'error', value: capped(callback.error) },
      ...(callback.errorDescription !== undefined ? [{ label: 'error_description', value: capped(callback.errorDescription) }] : []),
    ],
    exchangeIds: [...new Set([callback.exchange.id, ...(callback.arrival ? [callback.arrival.id] : [])])],
    hints: [{ kind: 'authorization-error', error: quotable(callback.error) ?? null, ...context }, ...(words?.hints ?? [])],
  };
}
