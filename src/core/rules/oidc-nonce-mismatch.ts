import { readable } from '../authorization-parameters.ts';
import { capped } from '../evidence.ts';
import { idTokensOf, SOURCE_WORDS, type ObservedIdToken } from '../id-token.ts';
import type { Evidence, Flow } from '../model.ts';
import { defineRule } from './rule.ts';

/**
 * OIDC Core §3.1.3.7 step 11 (and §3.2.2.11 for ID tokens from the authorization endpoint): "If a nonce value
 * was sent in the Authentication Request, a nonce Claim MUST be present and its value checked to verify that
 * it is the same value as the one that was sent"; §2: the server includes the nonce claim only when the
 * request had one, with exactly that value. So an ID token whose nonce differs, is absent although a nonce was
 * sent, or is present although none was sent, must be rejected (it may be replayed from another session).
 *
 * Trigger, for every readable ID token of the authorization response and of authorization_code token
 * responses, against the authorization request's effective nonce (a readable request object's or a pushed
 * one included): the claim is not the exact string sent, or absent although one was sent, or present although
 * none was sent. An empty nonce sent counts as none sent (oidc-nonce-missing speaks about it), unless the
 * token answers with another value.
 *
 * Refresh responses, OIDC Core §12.2: the new ID token SHOULD NOT carry a nonce, but if it does, it MUST be the
 * original ID token's. So a refresh ID token without nonce, or with the original one, passes; another value
 * fires. The original is the authorization request's nonce when readable, else the nonce of the flow's first
 * readable code-grant ID token; with neither, nothing is said. A refresh response attached to the flow only
 * because it came from the same client (its refresh token was not seen) is not compared: it may belong to
 * another sign-in.
 *
 * Silent: the authorization request not observed or unreadable (an unresolved request_uri, an encrypted
 * request object); an ID token that does not decode (a JWE: its claims are not readable; the flow notes
 * already name an undecodable one); other grants (no authentication request to compare with).
 */
export default defineRule({
  meta: {
    id: 'oidc-nonce-mismatch',
    severity: 'error',
    title: 'The ID token nonce is not the nonce of the authentication request',
    citation: 'OIDC Core §3.1.3.7(11)',
    fix: 'Reject the ID token: require its nonce to equal the one stored for this sign-in, and send none unless one was stored',
    evidence: 'W+B',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      const auth = flow.authorization;
      const sent = readable(auth) ? (auth.nonce === '' ? undefined : auth.nonce) : undefined;
      const tokens = idTokensOf(flow);
      const original = readable(auth) ? { nonce: auth.nonce, known: true } : originalFromCodeGrant(tokens);
      for (const observed of tokens) {
        if (!observed.decoded.ok) continue;
        const claim = observed.decoded.claims.nonce;
        const exchanges = [auth?.par?.exchange, auth?.exchange, ...observed.exchanges];
        if (observed.source === 'refresh-response') {
          if (!original.known || claim === undefined || claim === original.nonce) continue;
          if (pairedByClientOnly(flow, observed)) continue;
          report({
            flow,
            message:
              original.nonce === undefined
                ? 'The ID token of a refresh response carries a nonce although the original sign-in had none (OIDC Core §12.2).'
                : 'The ID token of a refresh response carries a nonce other than the original one (OIDC Core §12.2 allows only the original, and recommends none).',
            exchanges,
            evidence: evidenceOf(observed, claim, original.nonce, readable(auth) ? 'authorization request' : 'original ID token'),
          });
          continue;
        }
        if (!readable(auth)) continue;
        if (observed.source === 'token-response' && observed.request?.grantType !== 'authorization_code') continue;
        const where = SOURCE_WORDS[observed.source];
        let message: string | undefined;
        if (sent === undefined) {
          // An empty nonce sent and echoed empty is no mismatch.
          if (claim !== undefined && !(auth.nonce === '' && claim === ''))
            message = `The ID token from ${where} carries a nonce although the authorization request sent none.`;
        } else if (claim === undefined) {
          message = `The ID token from ${where} has no nonce although the authorization request sent one.`;
        } else if (claim !== sent) {
          message = `The ID token from ${where} carries a nonce that is not the one the authorization request sent.`;
        }
        if (message === undefined) continue;
        report({ flow, message, exchanges, evidence: evidenceOf(observed, claim, auth.nonce, 'authorization request') });
      }
    }
  },
});

/** The original ID token's nonce when the authorization request cannot be read: the first readable code-grant ID token's. */
function originalFromCodeGrant(tokens: readonly ObservedIdToken[]): { nonce?: string; known: boolean } {
  const first = tokens.find((t) => t.source === 'token-response' && t.request?.grantType === 'authorization_code' && t.decoded.ok);
  if (!first?.decoded.ok) return { known: false };
  const nonce = first.decoded.claims.nonce;
  return { nonce: typeof nonce === 'string' ? nonce : undefined, known: true };
}

function pairedByClientOnly(flow: Flow, observed: ObservedIdToken): boolean {
  return flow.steps.some((s) => s.exchangeId === observed.exchange.id && s.pairedBy === 'client');
}

function evidenceOf(observed: ObservedIdToken, claim: unknown, expected: string | undefined, expectedFrom: string): Evidence[] {
  return [
    { label: 'ID token from', value: SOURCE_WORDS[observed.source] },
    { label: 'nonce claim', value: claim === undefined ? '(absent)' : capped(typeof claim === 'string' ? claim : JSON.stringify(claim)) },
    { label: `nonce (${expectedFrom})`, value: expected === undefined ? '(none sent)' : expected === '' ? '(empty)' : capped(expected) },
    { label: 'id_token', value: observed.token, secret: true },
  ];
}
