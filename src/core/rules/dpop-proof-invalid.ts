import { accessTokenHash, authorizationToken, type DpopProof, dpopProofsOf, privateMembersOf } from '../dpop.ts';
import { capped } from '../evidence.ts';
import type { Exchange } from '../model.ts';
import { isRedacted } from '../redaction-marker.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 9449 §4.2 (the proof's syntax) and §4.3 (what the server checks), for every request carrying a `DPoP`
 * header. Each is a MUST of the proof or of its checking, so an error:
 * - a JWS whose typ is `dpop+jwt` (§4.3 steps 2–4), alg neither `none` nor symmetric (step 5), a `jwk` header
 *   with a public key and no private member (§4.2; step 7), a signature that verifies with that key (step 8);
 * - htm is the request's method (step 8), htu its URI without query and fragment (step 9), after syntax-based
 *   normalisation (scheme and host case, default port: RFC 3986 §6.2.2–6.2.3, via the URL parser);
 * - a jti (§4.2), never used by another request (§11.1: replay);
 * - at a resource server (an `Authorization: DPoP` access token), an ath that is the token's hash (§4.2,
 *   §4.3 step 12, §7).
 * One finding per proof, listing every failed check.
 *
 * Silent: a jti seen again on a request that got no answer the first time (the browser retrying a failed
 * request); a signature with an alg or key the runtime cannot check; ath when the Authorization header was
 * removed by the capture or the token is a redaction marker. iat's freshness is the server's window (§4.3
 * step 11), not judged here.
 */
export default defineRule({
  meta: {
    id: 'dpop-proof-invalid',
    severity: 'error',
    title: 'The DPoP proof is malformed or replayable',
    citation: 'RFC 9449 §4.2–4.3, §11.1',
    fix: 'Make a fresh proof per request: typ dpop+jwt, an asymmetric alg, the public key only, the exact method and URL, a new jti, and ath with an access token',
    evidence: 'W',
  },
  async check({ exchanges, report }) {
    const firstByJti = new Map<string, Exchange>();
    for (const proof of await dpopProofsOf(exchanges)) {
      const failures = await failuresOf(proof, firstByJti);
      if (!failures.length) continue;
      report({
        message: `The DPoP proof sent to ${capped(proof.exchange.url)} fails: ${failures.map((f) => f.check).join(', ')}.`,
        exchanges: [proof.exchange, ...failures.flatMap((f) => f.exchange ?? [])],
        evidence: [
          ...failures.map((f) => ({ label: `failed: ${f.check}`, value: capped(f.detail) })),
          { label: 'DPoP header', value: capped(proof.proof) },
        ],
      });
    }
  },
});

interface Failure {
  check: string;
  detail: string;
  exchange?: Exchange;
}

async function failuresOf(proof: DpopProof, firstByJti: Map<string, Exchange>): Promise<Failure[]> {
  const { decoded, exchange } = proof;
  if (!decoded.ok) return [{ check: 'format', detail: `not a JWS: ${decoded.problem}` }];
  const failures: Failure[] = [];
  const fail = (check: string, detail: string, other?: Exchange) => failures.push({ check, detail, ...(other ? { exchange: other } : {}) });
  const { header, claims } = decoded;

  if (header.typ !== 'dpop+jwt') fail('typ', `typ ${JSON.stringify(header.typ ?? null)}, not "dpop+jwt"`);
  const alg = header.alg;
  if (typeof alg !== 'string' || /^none$/i.test(alg)) fail('alg', `alg ${JSON.stringify(alg ?? null)}: a proof must be signed`);
  else if (/^HS/i.test(alg)) fail('alg', `alg ${JSON.stringify(alg)} is symmetric: the server could not tell the key holder`);
  if (!proof.jwk) fail('jwk', 'no jwk header: the proof names no public key');
  else {
    const secret = privateMembersOf(proof.jwk);
    if (secret.length) fail('jwk', `the jwk carries private key members (${secret.join(', ')}): the key is disclosed`);
    else if (proof.signatureVerifies === false) fail('signature', 'does not verify with the jwk in its own header');
  }

  if (claims.htm !== exchange.method) fail('htm', `htm ${JSON.stringify(claims.htm ?? null)}, the request is ${exchange.method}`);
  const htu = typeof claims.htu === 'string' ? withoutQueryAndFragment(claims.htu) : undefined;
  const requested = withoutQueryAndFragment(exchange.url);
  if (htu === undefined || htu !== requested)
    fail('htu', `htu ${JSON.stringify(capped(String(claims.htu ?? null)))}, the request went to ${capped(requested ?? exchange.url)}`);

  if (typeof claims.jti !== 'string' || claims.jti === '') fail('jti', 'absent: the server cannot detect a replay');
  else {
    const first = firstByJti.get(claims.jti);
    // A request that got no answer may be retried by the browser with its headers: only an answered one counts.
    if (first && first.status !== undefined)
      fail('jti', `${JSON.stringify(capped(claims.jti))} was already used by an earlier request`, first);
    else if (!first) firstByJti.set(claims.jti, exchange);
  }

  const bound = authorizationToken(exchange);
  if (bound?.scheme === 'dpop' && !isRedacted(bound.token)) {
    const expected = await accessTokenHash(bound.token);
    if (claims.ath === undefined) fail('ath', 'absent, while the request presents a DPoP-bound access token');
    else if (claims.ath !== expected) fail('ath', `${JSON.stringify(capped(String(claims.ath)))} is not the hash of the access token sent`);
  }
  return failures;
}

/** RFC 9449 §4.3 step 9: the URI without query and fragment, normalised (RFC 3986 §6.2.2–6.2.3). */
function withoutQueryAndFragment(uri: string): string | undefined {
  if (!URL.canParse(uri)) return undefined;
  const url = new URL(uri);
  return `${url.origin}${url.pathname}`;
}
