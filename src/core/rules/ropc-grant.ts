import { capped } from '../evidence.ts';
import { tokenRequestsOf } from '../flow-facts.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 9700 §2.4: the resource owner password credentials grant MUST NOT be used: it exposes the user's
 * credentials to the client, cannot carry multi-factor or phishing-resistant authentication, and trains users
 * to type passwords outside the authorization server. OAuth 2.1 removes it.
 *
 * Trigger: a token request with grant_type=password (exact string), whatever its encoding.
 */
export default defineRule({
  meta: {
    id: 'ropc-grant',
    severity: 'error',
    title: 'Resource owner password credentials grant',
    citation: 'RFC 9700 §2.4',
    fix: 'Use the authorization code flow with PKCE; let the authorization server collect the password',
    evidence: 'W',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      for (const request of tokenRequestsOf(flow)) {
        if (request.grantType !== 'password') continue;
        const status = request.exchange.status;
        const issued = status !== undefined && status >= 200 && status < 300;
        report({
          flow,
          message: `The client sends the user's password to the token endpoint (grant_type=password)${issued ? ', and the authorization server issued tokens for it' : ''}.`,
          exchanges: [request.exchange],
          evidence: [
            { label: 'grant_type', value: 'password' },
            { label: 'token endpoint', value: capped(request.endpoint) },
            ...(request.clientId !== undefined ? [{ label: 'client_id', value: capped(request.clientId) }] : []),
            ...(status !== undefined ? [{ label: 'HTTP status', value: String(status) }] : []),
          ],
        });
      }
    }
  },
});
