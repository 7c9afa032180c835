import { observedAuthorizations, codeGrants, isSuccess } from '../code-flow.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 9700 §4.8.2 (PKCE downgrade): an authorization server MUST reject a token request that carries a
 * code_verifier when the authorization request had no code_challenge, otherwise an attacker can strip the
 * challenge and PKCE protects nothing. OAuth 2.1 §4.1.3: the verifier is checked against the stored challenge.
 * A client that sends a verifier it never announced lost (or never sent) its challenge.
 */
export default defineRule({
  meta: {
    id: 'pkce-downgrade',
    severity: 'error',
    title: 'PKCE verifier sent for a flow that had no challenge',
    citation: 'RFC 9700 §4.8.2; OAuth 2.1 §4.1.3',
    fix: 'Send the code_challenge with the authorization request; the authorization server must reject a verifier it has no challenge for',
    evidence: 'W',
  },
  check({ flows, classified, report }) {
    for (const auth of observedAuthorizations(flows, classified)) {
      const flow = auth.flow;
      if (!flow || auth.codeChallenge !== undefined) continue;
      for (const request of codeGrants(flow)) {
        if (request.codeVerifier === undefined) continue;
        const status = request.exchange.status;
        const accepted = isSuccess(status);
        report({
          flow,
          message: accepted
            ? `The token request sends a code_verifier although the authorization request had no code_challenge, and the authorization server answered ${status}: it must reject it (PKCE downgrade).`
            : 'The token request sends a code_verifier although the authorization request had no code_challenge: the challenge was never sent or was stripped (PKCE downgrade).',
          exchanges: [...auth.exchanges, request.exchange],
          evidence: [
            { label: 'code_challenge', value: '(absent from the authorization request)' },
            { label: 'code_verifier', value: request.codeVerifier, secret: true },
            { label: 'token response status', value: status === undefined ? 'not observed' : String(status) },
            ...(accepted ? [{ label: 'authorization server', value: 'accepted a verifier without a challenge' }] : []),
          ],
        });
      }
    }
  },
});
