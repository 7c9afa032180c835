import { capped } from '../evidence.ts';
import { idTokensOf, SOURCE_WORDS } from '../id-token.ts';
import type { Evidence, IdTokenHashCheck } from '../model.ts';
import { defineRule } from './rule.ts';

/**
 * OIDC Core §3.1.3.8 / §3.2.2.9 (at_hash) and §3.3.2.10–11 (c_hash): the claim is the base64url encoding of
 * the left-most half of the hash of the ASCII octets of the access token (or the code), the hash being the one
 * of the ID token's JWS alg (SHA-256 for *256, SHA-384 for *384, SHA-512 for *512 and for EdDSA over
 * Ed25519). It binds the access token or code to the signed ID token; a mismatch means the value was swapped
 * (token or code injection) or the server computes it wrongly, and the client must reject the response.
 * at_hash is REQUIRED when the authorization endpoint returns an ID token with an access token (`id_token
 * token`, `code id_token token`); c_hash when it returns one with a code (`code id_token`, `code id_token
 * token`). In a token response at_hash is OPTIONAL, and checked when present.
 *
 * Trigger, one finding per ID token: a hash claim differs from the recomputed value, or is absent where it is
 * REQUIRED. The recomputation is done when the flow is built (`flow.idTokenHashes`, src/core/build-flows.ts).
 * EdDSA without a `crv` in the header is hashed as Ed25519 (SHA-512), and the evidence says it was assumed.
 *
 * Silent: an ID token that does not decode (a JWE: its claims are not readable); an alg whose hash cannot be
 * told (none, unknown, Ed448); a claim whose value did not come in the same response.
 */
export default defineRule({
  meta: {
    id: 'hash-claim-mismatch',
    severity: 'error',
    title: 'The ID token at_hash or c_hash does not match',
    citation: 'OIDC Core §3.1.3.8, §3.2.2.9, §3.3.2.10–11',
    fix: 'Reject the response: recompute at_hash and c_hash with the hash of the ID token alg and require them where the response type makes them REQUIRED',
    evidence: 'W+B',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      const checks = flow.idTokenHashes;
      if (!checks?.length) continue;
      for (const observed of idTokensOf(flow)) {
        const failed = checks.filter(
          (c) =>
            c.exchangeId === observed.exchange.id && c.source === observed.source && (c.status === 'mismatch' || c.status === 'missing'),
        );
        if (!failed.length) continue;
        const front = observed.source === 'authorization-response';
        const accessToken = front ? observed.callback?.accessToken : observed.request?.response?.accessToken;
        const code = front ? observed.callback?.code : observed.request?.code;
        report({
          flow,
          message: `The ID token from ${SOURCE_WORDS[observed.source]} ${failed.map(describe).join(', and ')}.`,
          exchanges: [flow.authorization?.exchange, ...observed.exchanges],
          evidence: [
            { label: 'ID token from', value: SOURCE_WORDS[observed.source] },
            ...failed.flatMap(evidenceOf),
            ...hashEvidence(failed.find((c) => c.status === 'mismatch')),
            { label: 'id_token', value: observed.token, secret: true },
            ...(failed.some((c) => c.claim === 'at_hash') && accessToken !== undefined
              ? [{ label: 'access_token', value: accessToken, secret: true }]
              : []),
            ...(failed.some((c) => c.claim === 'c_hash') && code !== undefined ? [{ label: 'code', value: code, secret: true }] : []),
          ],
        });
      }
    }
  },
});

function describe(check: IdTokenHashCheck): string {
  const of = check.claim === 'at_hash' ? 'the access token' : 'the code';
  return check.status === 'missing'
    ? `has no ${check.claim} although it is REQUIRED when the authorization endpoint returns an ID token with ${of}`
    : `has ${check.claim === 'at_hash' ? 'an' : 'a'} ${check.claim} that is not the ${check.hash ?? 'hash'} left half of ${of} delivered with it`;
}

function evidenceOf(check: IdTokenHashCheck): Evidence[] {
  const evidence: Evidence[] = [{ label: check.claim, value: check.claimed === undefined ? '(absent, REQUIRED)' : capped(check.claimed) }];
  if (check.computed !== undefined) evidence.push({ label: `${check.claim} recomputed`, value: check.computed });
  return evidence;
}

/** How the hashes were recomputed (the same for every claim of one ID token). */
function hashEvidence(mismatch: IdTokenHashCheck | undefined): Evidence[] {
  if (!mismatch) return [];
  return [
    { label: 'alg', value: capped(mismatch.alg ?? '(absent)') },
    { label: 'hash', value: mismatch.hash ?? '' },
    ...(mismatch.hashNote ? [{ label: 'assumed', value: mismatch.hashNote }] : []),
  ];
}
