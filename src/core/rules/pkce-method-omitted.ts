import { observedAuthorizations, codeGrants, isSuccess } from '../code-flow.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 7636 §4.3: code_challenge_method defaults to "plain" when not present; §4.2: clients capable of S256
 * MUST use it. A challenge sent without a method is compared with the verifier itself, so an S256 challenge
 * sent without "S256" makes the token request fail with invalid_grant.
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
      report({
        flow: auth.flow,
        message: isS256
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
