import { readable } from '../authorization-parameters.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 6749 §10.12: the client MUST implement CSRF protection for its redirection URI, typically with a
 * `state` value bound to the user agent. RFC 9700 §2.1 / §4.7.1 lets PKCE (S256) carry that protection
 * instead ("Clients that have ensured that the authorization server supports PKCE MAY rely on" it), so a flow
 * with S256 PKCE and no state is a warning, and info when the server's metadata lists S256 in
 * code_challenge_methods_supported (RFC 8414 §2), the one sign on the wire that the client could have ensured
 * it. `plain` PKCE does not count. An empty `state=` protects nothing
 * and is treated as missing. Not observable (silent): a `request_uri` whose PAR request was not seen, or an
 * encrypted request object.
 */
export default defineRule({
  meta: {
    id: 'state-missing',
    severity: 'error',
    title: 'Authorization request without state',
    citation: 'RFC 6749 §10.12; RFC 9700 §2.1, §4.7.1',
    fix: 'Send a fresh one-time state per authorization request, bound to the browser session, and check it on return',
    evidence: 'W',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      const auth = flow.authorization;
      if (!readable(auth) || (auth.state !== undefined && auth.state !== '')) continue;
      const s256 = auth.codeChallenge !== undefined && auth.codeChallengeMethod === 'S256';
      const what = auth.state === '' ? 'an empty state' : 'no state';
      const serverSupportsS256 = flow.metadata?.codeChallengeMethodsSupported?.includes('S256') ?? false;
      report({
        flow,
        severity: s256 ? (serverSupportsS256 ? 'info' : 'warning') : 'error',
        message: s256
          ? serverSupportsS256
            ? `The authorization request has ${what}; S256 PKCE, which the server's metadata says it supports, protects the code exchange against CSRF instead (RFC 9700 §2.1).`
            : `The authorization request has ${what}; S256 PKCE protects the code exchange against CSRF (RFC 9700 §2.1) once the client has ensured the server supports it, which the metadata (not observed) would show.`
          : `The authorization request has ${what} and no S256 PKCE, so nothing protects the redirect URI against CSRF (RFC 6749 §10.12).`,
        exchanges: [auth.par?.exchange, auth.exchange],
        evidence: [
          { label: 'state', value: auth.state === '' ? '(empty)' : '(absent)' },
          {
            label: 'code_challenge_method',
            value: auth.codeChallenge === undefined ? '(no PKCE)' : (auth.codeChallengeMethod ?? '(absent: plain applies)'),
          },
          ...(s256 ? [{ label: 'S256 in the server metadata', value: serverSupportsS256 ? 'yes' : 'not observed' }] : []),
          { label: 'parameters read from', value: auth.carrier },
          ...(auth.clientId !== undefined ? [{ label: 'client_id', value: auth.clientId }] : []),
          ...(auth.redirectUri !== undefined ? [{ label: 'redirect_uri', value: auth.redirectUri }] : []),
        ],
      });
    }
  },
});
