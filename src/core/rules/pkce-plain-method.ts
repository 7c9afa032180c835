import {
  authorizationOrigin,
  observedAuthorizations,
  firstFailure,
  isCodeResponseType,
  type ObservedAuthorization,
  type FlowFailure,
} from '../code-flow.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 7636 §4.2: a client capable of S256 MUST use it; plain is only for clients that cannot. §7.2: plain
 * gives no protection against an attacker who can read the authorization request, and clients SHOULD NOT
 * downgrade to plain after trying S256, since an attacker can provoke that failure.
 */
export default defineRule({
  meta: {
    id: 'pkce-plain-method',
    severity: 'error',
    title: 'PKCE uses the plain method, or falls back from S256',
    citation: 'RFC 7636 §4.2, §7.2',
    fix: 'Use S256, and never retry with plain or without PKCE after S256 fails',
    evidence: 'W',
  },
  check({ flows, classified, report }) {
    const all = observedAuthorizations(flows, classified);
    const s256Attempts = all.filter((a) => a.flow && a.codeChallenge !== undefined && a.codeChallengeMethod === 'S256');
    for (const auth of all) {
      const plain = auth.codeChallenge !== undefined && auth.codeChallengeMethod === 'plain';
      const noPkce = auth.codeChallenge === undefined && isCodeResponseType(auth.responseType);
      if (!plain && !noPkce) continue;
      const fallback = failedS256Before(auth, s256Attempts);
      if (!plain && !fallback) continue;
      const retried = fallback
        ? ` after an S256 attempt of the same client at the same authorization server failed (${fallback.failure.description} in ${fallback.attempt.flow!.id})`
        : '';
      report({
        flow: auth.flow,
        message: plain
          ? `The authorization request uses code_challenge_method=plain${retried}; the challenge is then the verifier itself and protects nothing against anyone who sees the request.`
          : `The authorization request sends no PKCE${retried}: a client must not downgrade, since an attacker can provoke the failure.`,
        exchanges: [...auth.exchanges, ...(fallback ? [fallback.failure.exchange] : [])],
        evidence: [
          { label: 'code_challenge_method', value: plain ? 'plain' : '(no code_challenge)' },
          { label: 'client_id', value: auth.clientId ?? '(absent)' },
          ...(fallback
            ? [
                { label: 'earlier S256 flow', value: fallback.attempt.flow!.id },
                { label: 'earlier failure', value: fallback.failure.description },
              ]
            : []),
        ],
      });
    }
  },
});

/** The latest S256 flow of the same client at the same authorization server that failed before `auth` began. */
function failedS256Before(
  auth: ObservedAuthorization,
  attempts: readonly ObservedAuthorization[],
): { attempt: ObservedAuthorization; failure: FlowFailure } | undefined {
  if (auth.clientId === undefined) return undefined;
  const origin = authorizationOrigin(auth.endpoint);
  let found: { attempt: ObservedAuthorization; failure: FlowFailure } | undefined;
  for (const attempt of attempts) {
    if (attempt.flow === auth.flow || attempt.clientId !== auth.clientId || attempt.time >= auth.time) continue;
    if (origin === undefined || authorizationOrigin(attempt.endpoint) !== origin) continue;
    const failure = firstFailure(attempt.flow!);
    if (!failure || failure.time > auth.time) continue;
    if (!found || attempt.time > found.attempt.time) found = { attempt, failure };
  }
  return found;
}
