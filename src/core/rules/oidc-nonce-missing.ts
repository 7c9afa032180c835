import { readable } from '../authorization-parameters.ts';
import { capped, responseTypeEvidence } from '../evidence.ts';
import { defineRule } from './rule.ts';

/**
 * OIDC Core §3.2.2.1 (implicit) and §3.3.2.11 (hybrid): `nonce` is REQUIRED when an ID token comes back in the
 * authorization response; §3.1.2.1 (code flow): OPTIONAL, but it is what binds the ID token to the browser
 * session. RFC 9700 §2.1.1: an OpenID Connect client may rely on nonce instead of PKCE against code injection,
 * so a code flow with neither has no protection at all.
 *
 * Trigger: scope contains `openid` and the request has no (or an empty) nonce. Error when response_type
 * contains id_token; warning for a code flow without S256 PKCE; info for a code flow with S256 PKCE. Other
 * response types (no ID token) and requests whose parameters are not observable (an unresolved request_uri, an
 * encrypted request object) are left alone. Parameters inside a readable request object (RFC 9101 §6.3) count:
 * the request's effective parameters, as classify read them, are checked.
 */
export default defineRule({
  meta: {
    id: 'oidc-nonce-missing',
    severity: 'error',
    title: 'OpenID Connect request without nonce',
    citation: 'OIDC Core §3.1.2.1, §3.2.2.1; RFC 9700 §2.1.1',
    fix: 'Send a fresh random nonce with every authentication request and check it in the ID token',
    evidence: 'W',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      const auth = flow.authorization;
      if (!readable(auth)) continue;
      const { scope, responseType, nonce, codeChallenge, codeChallengeMethod } = auth;
      if (!scope?.split(' ').includes('openid') || (nonce !== undefined && nonce !== '')) continue;
      const types = responseType?.split(' ') ?? [];
      const s256 = codeChallenge !== undefined && codeChallengeMethod === 'S256';
      const missing = nonce === '' ? 'an empty nonce' : 'no nonce';
      let severity: 'error' | 'warning' | 'info';
      let message: string;
      if (types.includes('id_token')) {
        severity = 'error';
        message = `The OpenID Connect request returns an ID token from the authorization endpoint (response_type includes id_token) but sends ${missing}, which is required there to stop ID token replay.`;
      } else if (types.includes('code')) {
        severity = s256 ? 'info' : 'warning';
        message = s256
          ? `The OpenID Connect code flow sends ${missing}; S256 PKCE already stops code injection, but a nonce also binds the ID token to this session.`
          : `The OpenID Connect code flow sends ${missing} and no S256 PKCE, so nothing binds the code or the ID token to this browser session (code injection goes unnoticed).`;
      } else {
        continue;
      }
      report({
        flow,
        severity,
        message,
        exchanges: [auth.par?.exchange, auth.exchange],
        evidence: [
          { label: 'scope', value: capped(scope) },
          ...responseTypeEvidence(auth),
          { label: 'nonce', value: nonce === '' ? '(empty)' : '(absent)' },
          {
            label: 'code_challenge_method',
            value: codeChallenge === undefined ? '(no PKCE)' : capped(codeChallengeMethod ?? '(absent: plain)'),
          },
        ],
      });
    }
  },
});
