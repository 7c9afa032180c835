import { readable } from '../authorization-parameters.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 6749 §3.1.2: "The endpoint URI MUST NOT include a fragment component." The AS appends the response
 * to the redirect URI (a query, or a fragment in fragment mode), which a fragment in the URI itself breaks.
 * An empty fragment (a trailing `#`) counts: it is still a fragment component.
 */
export default defineRule({
  meta: {
    id: 'redirect-uri-fragment',
    severity: 'error',
    title: 'redirect_uri contains a fragment',
    citation: 'RFC 6749 §3.1.2',
    fix: 'Remove the fragment (#…) from the redirect_uri, at registration and in requests',
    evidence: 'W',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      const auth = flow.authorization;
      if (!readable(auth) || auth.redirectUri === undefined || !auth.redirectUri.includes('#')) continue;
      const redirectUri = auth.redirectUri;
      report({
        flow,
        message: 'The redirect_uri contains a fragment (#), which a redirection endpoint URI must not include.',
        exchanges: [auth.par?.exchange, auth.exchange],
        evidence: [
          { label: 'redirect_uri', value: redirectUri },
          { label: 'fragment', value: redirectUri.slice(redirectUri.indexOf('#')) },
        ],
      });
    }
  },
});
