import { authorizationToken, type DpopProof, dpopProofsOf } from '../dpop.ts';
import { capped } from '../evidence.ts';
import { tokenRequestsOf } from '../flow-facts.ts';
import type { Exchange, Flow, TokenRequest } from '../model.ts';
import { firstParam } from '../params.ts';
import { isRedacted } from '../redaction-marker.ts';
import { defineRule, type RuleContext } from './rule.ts';

/**
 * RFC 9449, where a DPoP key does not match what it is bound to (each a MUST, so an error):
 * - §10: the authorization request's `dpop_jkt` binds the code to a key; the token request redeeming it must
 *   prove that key (its proof's jwk has that RFC 7638 thumbprint), or the server rejects it;
 * - §7.1: a DPoP-bound access token (token_type DPoP in the token response, §5) is sent with the `DPoP`
 *   authentication scheme; sent as `Bearer` it is either refused or, at a resource server that does not
 *   check, used without its binding;
 * - §5: a public client's refresh token is bound to the key of the proof that obtained it: a refresh, or a
 *   second code exchange, of the same flow proved with another key is refused.
 *
 * Silent: proofs that do not decode or whose key cannot be thumbprinted (dpop-proof-invalid reports them);
 * a token request without a proof when dpop_jkt was sent (the stuck-flow diagnosis "dpop-proof-missing"
 * explains it); tokens that are redaction markers.
 */
export default defineRule({
  meta: {
    id: 'dpop-binding-mismatch',
    severity: 'error',
    title: 'The DPoP key does not match its binding',
    citation: 'RFC 9449 §10, §7.1, §5',
    fix: 'Keep one DPoP key per session: prove the key named in dpop_jkt, and send DPoP-bound tokens with the DPoP scheme and a proof',
    evidence: 'W+B',
  },
  async check({ flows, exchanges, report }) {
    const proofs = await dpopProofsOf(exchanges);
    const proofOf = new Map<Exchange, DpopProof>(proofs.map((p) => [p.exchange, p]));
    for (const flow of flows) {
      jktMismatch(flow, proofOf, report);
      keyChanged(flow, proofOf, report);
    }
    sentAsBearer(flows, exchanges, report);
  },
});

type Reporter = RuleContext['report'];

function jktMismatch(flow: Flow, proofOf: Map<Exchange, DpopProof>, report: Reporter): void {
  const auth = flow.authorization;
  if (!auth) return;
  const jkt = firstParam(auth.params, 'dpop_jkt') ?? (auth.par ? firstParam(auth.par.params, 'dpop_jkt') : undefined);
  if (jkt === undefined) return;
  for (const request of flow.codeExchanges) {
    const thumbprint = proofOf.get(request.exchange)?.thumbprint;
    if (thumbprint === undefined || thumbprint === jkt) continue;
    report({
      flow,
      message: `The authorization request bound the code to the DPoP key ${JSON.stringify(capped(jkt))} (dpop_jkt), and the token request proves another key, ${thumbprint}: the server must refuse the code.`,
      exchanges: [auth.exchange, request.exchange],
      evidence: [
        { label: 'dpop_jkt', value: capped(jkt) },
        { label: 'proof key thumbprint (RFC 7638)', value: thumbprint },
      ],
    });
  }
}

function keyChanged(flow: Flow, proofOf: Map<Exchange, DpopProof>, report: Reporter): void {
  let first: { request: TokenRequest; thumbprint: string } | undefined;
  for (const request of tokenRequestsOf(flow)) {
    const thumbprint = proofOf.get(request.exchange)?.thumbprint;
    if (thumbprint === undefined) continue;
    if (!first) {
      first = { request, thumbprint };
      continue;
    }
    if (thumbprint === first.thumbprint) continue;
    report({
      flow,
      message: `The ${request.grantType === 'refresh_token' ? 'refresh' : 'token'} request proves another DPoP key than the flow's first token request: tokens bound to the first key (a public client's refresh token, RFC 9449 §5) are refused with the second.`,
      exchanges: [first.request.exchange, request.exchange],
      evidence: [
        { label: 'first key thumbprint', value: first.thumbprint },
        { label: 'later key thumbprint', value: thumbprint },
      ],
    });
    return;
  }
}

function sentAsBearer(flows: readonly Flow[], exchanges: readonly Exchange[], report: Reporter): void {
  const bound = new Map<string, { flow: Flow; request: TokenRequest }>();
  for (const flow of flows)
    for (const request of tokenRequestsOf(flow)) {
      const token = request.response?.accessToken;
      if (token !== undefined && !isRedacted(token) && request.response?.tokenType?.toLowerCase() === 'dpop')
        bound.set(token, { flow, request });
    }
  if (!bound.size) return;
  const reported = new Set<string>();
  for (const exchange of exchanges) {
    const sent = authorizationToken(exchange);
    if (sent?.scheme !== 'bearer' || reported.has(sent.token)) continue;
    const issued = bound.get(sent.token);
    if (!issued || exchange.time < issued.request.exchange.time) continue;
    reported.add(sent.token);
    report({
      flow: issued.flow,
      message: `A DPoP-bound access token (token_type DPoP) is sent to ${capped(exchange.url)} as a Bearer token, without its proof: it must use the DPoP scheme with a proof (RFC 9449 §7.1).`,
      exchanges: [issued.request.exchange, exchange],
      evidence: [
        { label: 'token_type', value: issued.request.response?.tokenType ?? 'DPoP' },
        { label: 'access_token', value: sent.token, secret: true },
      ],
    });
  }
}
