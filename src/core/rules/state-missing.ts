import { readable } from '../authorization-parameters.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 6749 §10.12: the client MUST implement CSRF protection for its redirection URI, typically with a
 * `state` value bound to the user agent. RFC 9700 §2.1 / §4.7.1 lets PKCE (S256) carry that protection
 * instead, so a flow with S256 PKCE and no state is a warning: the platforms this tool audits (SPAs and
 * their libraries) still expect `state`, and `plain` PKCE does not count. An empty `state=` protects nothing
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
      report({
        flow,
        severity: s256 ? 'warning' : 'error',
        message: s256
          ? `The authorization request has ${what}; S256 PKCE protects the code exchange against CSRF (RFC 9700 §2.1), but a one-time state is still expected.`
          : `The authorization request has ${what} and no S256 PKCE, so nothing protects the redirect URI against CSRF (RFC 6749 §10.12).`,
        exchanges: [auth.par?.exchange, auth.exchange],
        evidence: [
          { label: 'state', value: auth.state === '' ? '(empty)' : '(absent)' },
          {
            label: 'code_challenge_method',
            value: auth.codeChallenge === undefined ? '(no PKCE)' : (auth.codeChallengeMethod ?? '(absent: plain applies)'),
          },
          { label: 'parameters read from', value: auth.carrier },
          ...(auth.clientId !== undefined ? [{ label: 'client_id', value: auth.clientId }] : []),
          ...(auth.redirectUri !== undefined ? [{ label: 'redirect_uri', value: auth.redirectUri }] : []),
        ],
      });
    }
  },
});
