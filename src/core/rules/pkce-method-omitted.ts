import { observedAuthorizations, codeGrants, isSuccess } from '../code-flow.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 7636 §4.3: code_challenge_method defaults to "plain" when not present; §4.2: clients capable of S256
 * MUST use it. A challenge sent without a method is compared with the verifier itself, so an S256 challenge
 * sent without "S256" makes the token request fail with invalid_grant.
 * Warning: the omission itself is allowed (OPTIONAL, §4.3), and until the verifier is seen it is not known
 * whether the client meant plain. Raised to error when the verifier equals the challenge: the flow then runs on
 * plain, which a client able to use S256 (every browser and server has SHA-256) MUST NOT do (§4.2).
 */
export default defineRule({
  meta: {
    id: 'pkce-method-omitted',
    severity: 'warning',
    title: 'PKCE challenge sent without a method',
    citation: 'RFC 7636 §4.3',
    fix: 'Send code_challenge_method=S256 explicitly',
    evidence: 'W',
  },
  check({ flows, classified, report }) {
    for (const auth of observedAuthorizations(flows, classified)) {
      if (auth.codeChallenge === undefined || auth.codeChallengeMethod !== undefined) continue;
      const computed = auth.flow?.pkce.computedS256;
      const isS256 = computed !== undefined && computed === auth.codeChallenge;
      const grant = auth.flow ? codeGrants(auth.flow).find((r) => r.codeVerifier !== undefined) : undefined;
      const status = grant?.exchange.status;
      const plainInEffect = grant?.codeVerifier === auth.codeChallenge;
      report({
        flow: auth.flow,
        ...(plainInEffect ? { severity: 'error' as const } : {}),
        message: plainInEffect
          ? 'The code_challenge was sent without code_challenge_method and the verifier is the challenge itself: the flow runs on plain PKCE, which exposes the verifier in the authorization request; a client able to use S256 must (RFC 7636 §4.2).'
          : isS256
            ? s256Message(status)
            : 'The code_challenge was sent without code_challenge_method, so the authorization server applies plain (the verifier itself is the challenge).',
        exchanges: [...auth.exchanges, grant?.exchange],
        evidence: [
          { label: 'code_challenge', value: auth.codeChallenge },
          { label: 'code_challenge_method', value: '(absent: plain applies)' },
          ...(isS256 ? [{ label: 'prediction', value: 'invalid_grant (challenge = S256(verifier))' }] : []),
          ...(grant && status !== undefined
            ? [{ label: 'token response', value: `${status}${grant.response?.error ? ` ${grant.response.error}` : ''}` }]
            : []),
        ],
      });
    }
  },
});

const OMITTED =
  'The code_challenge is the S256 of the verifier but code_challenge_method was omitted, so the authorization server must apply plain';

function s256Message(status: number | undefined): string {
  if (status === undefined) return `${OMITTED} and the token request should fail with invalid_grant.`;
  if (isSuccess(status)) return `${OMITTED}; it answered ${status} anyway, so it does not apply plain as RFC 7636 §4.3 requires.`;
  return `${OMITTED}, and the token request failed as expected (${status}).`;
}
