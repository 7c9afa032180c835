/**
 * The one place a `Flow` is made. Correlation pairs the evidence (correlate.ts); then what is recomputed from
 * it is added once, before any rule or view reads the flow: the PKCE check (RFC 7636 §4.6: views show it and
 * several rules read it), the ID tokens' at_hash / c_hash (OIDC Core §3.1.3.8, §3.2.2.9, §3.3.2.10–11) and
 * their signatures against the observed JWKS (OIDC Core §3.1.3.7 step 6). All use WebCrypto, which is async,
 * so building is too.
 */
import { readable } from './authorization-parameters.ts';
import type { Classified } from './classify.ts';
import { correlate } from './correlate.ts';
import { idTokenHashChecks } from './id-token.ts';
import { idTokenSignatureChecks, observedKeySets } from './id-token-signature.ts';
import type { CorrelatedFlow, Exchange, Flow, PkceResult } from './model.ts';
import { checkPkce, methodOf, type OtherChallengeLookup, type OtherChallenge } from './pkce.ts';
import { isRedacted } from './redaction-marker.ts';

export async function buildFlows(classified: Classified, ordered: readonly Exchange[]): Promise<Flow[]> {
  const correlated = correlate(classified, ordered);
  const otherChallenge = otherChallengeLookup(correlated);
  const keySets = observedKeySets(classified.jwks);
  return Promise.all(
    correlated.map(async (flow): Promise<Flow> => {
      const [pkce, idTokenHashes, idTokenSignatures] = await Promise.all([
        pkceOf(flow, (challenge, s256) => otherChallenge(flow, challenge, s256)),
        idTokenHashChecks(flow),
        idTokenSignatureChecks(flow, keySets, classified.metadata),
      ]);
      return {
        ...flow,
        pkce,
        ...(idTokenHashes.length ? { idTokenHashes } : {}),
        ...(idTokenSignatures.length ? { idTokenSignatures } : {}),
      };
    }),
  );
}

/**
 * RFC 7636 §4.6 for a flow that sent a challenge or a verifier. The challenge is the effective one (a readable
 * request object's included, RFC 9101 §6.3). Nothing is claimed about PKCE when the authorization request was
 * not observed or its parameters cannot be read (a `request_uri` without its PAR request, a request object
 * that does not decode), nor when no token request was seen, nor when the verifier was redacted (a HAR
 * exported redacted: the verifier was sent, its value is not observable): `not-observable`.
 */
async function pkceOf(flow: CorrelatedFlow, findOther: OtherChallengeLookup): Promise<PkceResult> {
  const verifier = flow.codeExchanges.find((r) => r.codeVerifier !== undefined)?.codeVerifier;
  const auth = flow.authorization;
  if (!readable(auth)) return { method: 'absent', status: 'not-observable', ...(verifier !== undefined ? { verifier } : {}) };
  if (verifier !== undefined && isRedacted(verifier)) {
    const challenge = auth.codeChallenge;
    return {
      method: methodOf({ method: auth.codeChallengeMethod }),
      status: 'not-observable',
      verifier,
      ...(challenge !== undefined ? { challenge } : {}),
    };
  }
  const result = await checkPkce({ challenge: auth.codeChallenge, method: auth.codeChallengeMethod, verifier }, findOther);
  return result.status === 'no-verifier' && !flow.codeExchanges.length ? { ...result, status: 'not-observable' } : result;
}

/** Other flows' challenges, by value: a verifier that answers one of them names a mix-up of flows. */
function otherChallengeLookup(
  flows: readonly CorrelatedFlow[],
): (flow: CorrelatedFlow, challenge: string, s256: boolean) => OtherChallenge | undefined {
  const byChallenge = new Map<string, OtherChallenge[]>();
  for (const f of flows) {
    if (!readable(f.authorization) || f.authorization.codeChallenge === undefined) continue;
    const other = { flowId: f.id, challenge: f.authorization.codeChallenge, method: f.authorization.codeChallengeMethod };
    const same = byChallenge.get(other.challenge);
    if (same) same.push(other);
    else byChallenge.set(other.challenge, [other]);
  }
  return (flow, challenge, s256) => byChallenge.get(challenge)?.find((o) => o.flowId !== flow.id && (o.method === 'S256') === s256);
}
