import { capped, paramEvidence, responseTypeEvidence } from '../evidence.ts';
import { callbacksOf } from '../flow-facts.ts';
import { defineRule } from './rule.ts';

/**
 * OAuth 2.0 Multiple Response Type Encoding Practices §4–5: for every response type that returns an ID token or
 * an access token from the authorization endpoint, the default response mode is the fragment and "the query
 * encoding MUST NOT be used" (cited with §7, Security Considerations). Unlike a fragment, a query reaches the
 * client's server and its logs, stays in the history and leaks through Referer headers.
 *
 * Reads the callback as classified (the AS's `Location` or the browser's request to the redirect_uri). Tokens
 * in a fragment or in a form_post body are not this rule's concern (see `implicit-grant`).
 */
export default defineRule({
  meta: {
    id: 'tokens-in-query-response',
    severity: 'error',
    title: 'Tokens returned in the callback query',
    citation: 'OAuth Multiple Response Types §7',
    fix: 'Use the code flow, or response_mode=fragment or form_post, never the query for tokens',
    evidence: 'W',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      for (const callback of callbacksOf(flow)) {
        if (callback.mode !== 'query') continue;
        const tokens = (
          [
            ['access_token', callback.accessToken],
            ['id_token', callback.idToken],
          ] as const
        ).filter((t): t is readonly ['access_token' | 'id_token', string] => !!t[1]);
        if (!tokens.length) continue;
        const auth = flow.authorization;
        report({
          flow,
          message: `The authorization response carries ${tokens.map(([name]) => name).join(' and ')} in the redirect URI's query, which is sent to the client's server and kept in logs, history and Referer headers.`,
          exchanges: [callback.exchange, callback.arrival],
          evidence: [
            { label: 'callback', value: capped(callback.target) },
            ...responseTypeEvidence(auth),
            ...(auth?.responseMode !== undefined ? [{ label: 'response_mode', value: capped(auth.responseMode) }] : []),
            ...tokens.map(([name, value]) => paramEvidence(name, value)),
          ],
        });
      }
    }
  },
});
