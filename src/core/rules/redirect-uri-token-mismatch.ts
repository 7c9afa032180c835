import { readable } from '../authorization-parameters.ts';
import { compareRedirectUris } from '../redirect-uri.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 6749 §4.1.3: `redirect_uri` is REQUIRED in the token request if it was included in the authorization
 * request, "and their values MUST be identical" (compared as exact strings, RFC 3986 §6.2.1). OAuth 2.1
 * §10.2 keeps the comparison when the parameter is sent, but an OAuth 2.1 client may leave it out, which an
 * OAuth 2.0 AS rejects: absent → info. The difference is classified (trailing slash, case, port, scheme,
 * encoding, localhost vs 127.0.0.1, path, query) by src/core/redirect-uri.ts.
 * Silent when the authorization request had no redirect_uri (the registered one applies), when its
 * parameters cannot be read, or when the token request's parameters were not observed.
 */
export default defineRule({
  meta: {
    id: 'redirect-uri-token-mismatch',
    severity: 'error',
    title: 'redirect_uri at the token endpoint differs from the authorization request',
    citation: 'RFC 6749 §4.1.3; OAuth 2.1 §10.2',
    fix: 'Send the exact redirect_uri string of the authorization request, byte for byte',
    evidence: 'W',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      const auth = flow.authorization;
      if (!readable(auth) || auth.redirectUri === undefined) continue;
      const requested = auth.redirectUri;
      const seen = new Set<string | undefined>();
      for (const request of flow.codeExchanges) {
        if (request.grantType !== 'authorization_code') continue;
        if (request.encoding !== 'form' && request.encoding !== 'json' && request.encoding !== 'query') continue;
        const sent = request.redirectUri;
        if (sent === requested || seen.has(sent)) continue;
        seen.add(sent);
        const status = request.exchange.status;
        const accepted = status !== undefined && status >= 200 && status < 300;
        const exchanges = [auth.par?.exchange, auth.exchange, request.exchange];
        if (sent === undefined) {
          report({
            flow,
            severity: 'info',
            message:
              'The token request leaves out redirect_uri although the authorization request sent one; an OAuth 2.0 AS requires it (RFC 6749 §4.1.3).',
            exchanges,
            evidence: [
              { label: 'redirect_uri at /authorize', value: requested },
              { label: 'redirect_uri at /token', value: '(absent)' },
              ...(status !== undefined ? [{ label: 'token response status', value: String(status) }] : []),
            ],
          });
          continue;
        }
        const difference = compareRedirectUris(requested, sent, { expected: '/authorize', actual: '/token' })!;
        report({
          flow,
          message: `redirect_uri at /token is not identical to the one at /authorize: ${difference.explanation}${accepted ? '; the AS answered 2xx, so it does not enforce the comparison' : ''}.`,
          exchanges,
          evidence: [
            { label: 'redirect_uri at /authorize', value: requested },
            { label: 'redirect_uri at /token', value: sent },
            { label: 'difference', value: difference.kind },
            { label: 'differing components', value: difference.components.join(', ') },
            ...(status !== undefined ? [{ label: 'token response status', value: String(status) }] : []),
          ],
        });
      }
    }
  },
});
