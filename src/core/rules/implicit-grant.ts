import { capped, responseTypeEvidence } from '../evidence.ts';
import { callbacksOf } from '../flow-facts.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 9700 §2.1.2: clients SHOULD NOT use the implicit grant (response type `token`) or any other response
 * type that issues access tokens in the authorization response; the token is exposed in the URL and cannot
 * be sender-constrained. OAuth 2.1 §10.1 removes it (a profile may raise this to an error).
 *
 * Trigger: the authorization request's response_type list contains `token` (`token`, `id_token token`,
 * `code token`…). When the request is not observable (capture started later, an unresolved request_uri), an
 * access token in the authorization response shows the same thing. `id_token` alone issues no access token
 * and is not flagged.
 */
export default defineRule({
  meta: {
    id: 'implicit-grant',
    severity: 'warning',
    title: 'Implicit grant: access token issued in the authorization response',
    citation: 'RFC 9700 §2.1.2; OAuth 2.1 §10.1',
    fix: 'Use the authorization code flow with S256 PKCE instead of response_type token',
    evidence: 'W',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      const auth = flow.authorization;
      const responseType = auth?.responseType;
      const callbacks = callbacksOf(flow);
      const evidence = [
        ...responseTypeEvidence(auth),
        ...(auth?.responseMode !== undefined ? [{ label: 'response_mode', value: capped(auth.responseMode) }] : []),
        ...(auth?.clientId !== undefined ? [{ label: 'client_id', value: capped(auth.clientId) }] : []),
      ];
      if (responseType?.split(' ').includes('token')) {
        report({
          flow,
          message:
            'The authorization request asks for an access token in the authorization response (response_type includes token), the implicit grant that current security guidance rules out.',
          exchanges: [auth?.par?.exchange, auth?.exchange, ...callbacks.map((c) => c.exchange)],
          evidence,
        });
        continue;
      }
      const withToken = callbacks.find((c) => !!c.accessToken);
      if (responseType === undefined && withToken) {
        report({
          flow,
          message:
            'The authorization response carries an access token, so the implicit grant (or a hybrid response type with token) was used, although the authorization request itself was not observable.',
          exchanges: [auth?.exchange, withToken.exchange],
          evidence: [
            ...evidence,
            { label: 'response mode', value: withToken.mode },
            { label: 'access_token', value: withToken.accessToken!, secret: true },
          ],
        });
      }
    }
  },
});
