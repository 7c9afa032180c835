import { observedAuthorizations, codeGrants, isSuccess, paramsObserved } from '../code-flow.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 7636 §4.5: the client MUST send the code_verifier with the token request; §4.6: the server verifies it
 * against the code_challenge it stored with the code, and a server that accepted a challenge must reject a
 * token request that lacks the verifier (otherwise PKCE protects nothing).
 */
export default defineRule({
  meta: {
    id: 'pkce-verifier-missing',
    severity: 'error',
    title: 'Token request without the PKCE verifier',
    citation: 'RFC 7636 §4.5–4.6',
    fix: 'Send the code_verifier stored for this flow with the token request',
    evidence: 'W',
  },
  check({ flows, classified, report }) {
    for (const auth of observedAuthorizations(flows, classified)) {
      const flow = auth.flow;
      // An error callback issues no code: oauth-error-response speaks for it.
      if (!flow || auth.codeChallenge === undefined || flow.callback?.error !== undefined) continue;
      for (const request of codeGrants(flow)) {
        if (!paramsObserved(request) || request.codeVerifier !== undefined) continue;
        const status = request.exchange.status;
        const accepted = isSuccess(status);
        report({
          flow,
          message: accepted
            ? `The token request has no code_verifier although the authorization request sent a code_challenge, and the authorization server answered ${status}: it does not enforce PKCE.`
            : 'The token request has no code_verifier although the authorization request sent a code_challenge; the authorization server must reject it.',
          exchanges: [...auth.exchanges, request.exchange],
          evidence: [
            { label: 'code_challenge', value: auth.codeChallenge },
            { label: 'code_challenge_method', value: auth.codeChallengeMethod ?? '(absent: plain applies)' },
            { label: 'token response status', value: status === undefined ? 'not observed' : String(status) },
            ...(accepted ? [{ label: 'authorization server', value: 'issued tokens without verifying PKCE' }] : []),
          ],
        });
      }
    }
  },
});
