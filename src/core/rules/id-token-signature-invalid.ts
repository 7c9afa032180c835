import { capped } from '../evidence.ts';
import { idTokensOf, SOURCE_WORDS } from '../id-token.ts';
import type { Evidence, Severity } from '../model.ts';
import { defineRule } from './rule.ts';

/**
 * OIDC Core §3.1.3.7 step 6 (the client MUST validate the ID token's signature with the keys the issuer
 * provides, using the header's alg) and step 7 (the alg SHOULD be RS256 or the one the client registered; the
 * issuer lists its algs in id_token_signing_alg_values_supported, OIDC Discovery §3); RFC 7515 §5.2 (JWS
 * validation); RFC 7518 §3.3 (RSA keys of 2048 bits or more MUST be used).
 *
 * The signatures are checked against the JWKS responses of the token's issuer the browser fetched, once per
 * flow when it is built (`flow.idTokenSignatures`, src/core/id-token-signature.ts, which says which responses
 * count and when a missing key proves anything). Trigger, one finding per ID token: no key with the header's
 * kid in a JWKS fetched after the token was requested; the key is of another type or under 2048 bits; the
 * signature does not verify; alg not among id_token_signing_alg_values_supported (a warning: SHOULD).
 *
 * Silent: the JWKS was not observed (the views say "not observable"); alg none (id-token-invalid judges it with
 * the response type); HS* (keyed with the client secret); a JWE; a key set that may predate a key rotation.
 */
export default defineRule({
  meta: {
    id: 'id-token-signature-invalid',
    severity: 'error',
    title: 'The ID token signature does not verify with the issuer keys',
    citation: 'OIDC Core §3.1.3.7; RFC 7515 §5.2; RFC 7518 §3.3',
    fix: "Verify the ID token signature with the issuer's jwks_uri keys and the advertised alg; on the server, sign with a published key",
    evidence: 'B',
  },
  check({ flows, exchanges, report }) {
    const byId = new Map(exchanges.map((e) => [e.id, e]));
    for (const flow of flows) {
      const checks = flow.idTokenSignatures;
      if (!checks?.length) continue;
      for (const observed of idTokensOf(flow)) {
        const check = checks.find((c) => c.exchangeId === observed.exchange.id && c.source === observed.source);
        if (!check?.problems.length) continue;
        const severity: Severity = check.problems.some((p) => p.severity === 'error') ? 'error' : 'warning';
        const jwks = check.jwksExchangeId !== undefined ? byId.get(check.jwksExchangeId) : undefined;
        report({
          flow,
          severity,
          message: `The ID token from ${SOURCE_WORDS[observed.source]} fails its signature check: ${check.problems.map((p) => p.detail).join('; ')}.`,
          exchanges: [flow.authorization?.exchange, ...observed.exchanges, jwks],
          evidence: [
            { label: 'ID token from', value: SOURCE_WORDS[observed.source] },
            ...(check.alg !== undefined ? [{ label: 'alg', value: capped(check.alg) }] : []),
            ...(check.kid !== undefined ? [{ label: 'kid', value: capped(check.kid) }] : []),
            ...(check.jwksUrl !== undefined ? [{ label: 'JWKS', value: capped(check.jwksUrl) }] : []),
            ...check.problems.map((p): Evidence => ({ label: `failed: ${p.check}`, value: capped(p.detail) })),
            { label: 'id_token', value: observed.token, secret: true },
          ],
        });
      }
    }
  },
});
