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
 * gives no protection against an attacker who can read the authorization request, and clients MUST NOT
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
    const suspects = all.filter(
      (auth) =>
        (auth.codeChallenge !== undefined && auth.codeChallengeMethod === 'plain') ||
        (auth.codeChallenge === undefined && isCodeResponseType(auth.responseType)),
    );
    const fallbacks = failedS256Before(suspects, s256Attempts);
    for (const auth of suspects) {
      const plain = auth.codeChallenge !== undefined;
      const fallback = fallbacks.get(auth);
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

interface Fallback {
  attempt: ObservedAuthorization;
  failure: FlowFailure;
}

/**
 * For each suspect, the latest S256 attempt (the first listed, of equally late ones) of the same client at the
 * same authorization server that began before it and whose failure it could see: began before it, failed no
 * later. One sweep in time order over both lists, keeping the latest eligible attempt per client and server,
 * so a client that falls back N times costs O(N log N), not O(N²). An attempt is never the suspect itself:
 * one sends S256, the other plain or nothing.
 */
function failedS256Before(
  suspects: readonly ObservedAuthorization[],
  attempts: readonly ObservedAuthorization[],
): Map<ObservedAuthorization, Fallback> {
  const keyOf = (auth: ObservedAuthorization) => {
    const origin = authorizationOrigin(auth.endpoint);
    return auth.clientId === undefined || origin === undefined ? undefined : JSON.stringify([auth.clientId, origin]);
  };
  // An attempt counts for a suspect sent at T when it began before T and failed at or before T: from T = its
  // failure time when it failed after it began, from just after it began otherwise.
  const eligible = attempts.flatMap((attempt, order) => {
    const key = keyOf(attempt);
    const failure = firstFailure(attempt.flow!);
    if (key === undefined || !failure) return [];
    const strict = attempt.time >= failure.time;
    return [{ attempt, failure, key, order, from: strict ? attempt.time : failure.time, strict }];
  });
  eligible.sort((a, b) => a.from - b.from || Number(a.strict) - Number(b.strict));
  const queries = suspects.flatMap((auth) => {
    const key = keyOf(auth);
    return key === undefined ? [] : [{ auth, key }];
  });
  queries.sort((a, b) => a.auth.time - b.auth.time);

  const latest = new Map<string, (typeof eligible)[number]>();
  const found = new Map<ObservedAuthorization, Fallback>();
  let next = 0;
  for (const { auth, key } of queries) {
    for (; next < eligible.length; next++) {
      const e = eligible[next]!;
      if (e.from > auth.time || (e.from === auth.time && e.strict)) break;
      const best = latest.get(e.key);
      if (!best || e.attempt.time > best.attempt.time || (e.attempt.time === best.attempt.time && e.order < best.order))
        latest.set(e.key, e);
    }
    const best = latest.get(key);
    if (best) found.set(auth, { attempt: best.attempt, failure: best.failure });
  }
  return found;
}
