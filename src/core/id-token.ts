/**
 * The ID tokens a flow received (OIDC Core §2), for the ID token rules: from the authorization response
 * (implicit and hybrid flows; fragment, query or form_post) and from token responses (authorization_code and
 * other grants, refresh grants), each decoded once without verification (src/core/jwt.ts), with the exchange
 * that delivered it. An ID token that does not decode (a JWE, a broken JWT) is kept with its problem: the
 * rules say nothing about its claims; id-token-invalid reports a broken one (a JWE is not broken), and the
 * flow notes name both (correlate.ts).
 *
 * Also the recomputation of the hash claims (OIDC Core §3.1.3.8 at_hash, §3.3.2.11 c_hash): `idTokenHashChecks`
 * runs once per flow when the flow is built (build-flows.ts), and the flow keeps the result for
 * hash-claim-mismatch and the views.
 */
import { base64url, type ProtectedHeaderParameters } from 'jose';
import { decodeJwtParts, type DecodedJwt } from './jwt.ts';
import { callbacksOf } from './flow-facts.ts';
import type { Callback, CorrelatedFlow, Exchange, IdTokenHashCheck, TokenRequest } from './model.ts';
import { header } from './params.ts';
import { isRedacted } from './redaction-marker.ts';

export type IdTokenSource = IdTokenHashCheck['source'];

export interface ObservedIdToken {
  source: IdTokenSource;
  token: string;
  /** The exchange whose response delivered the token (the first, when the same token came again). */
  exchange: Exchange;
  /** Every exchange involved, for findings: the delivering ones and, for a callback, the browser's arrival. */
  exchanges: Exchange[];
  /** The authorization response that carried it (source `authorization-response`). */
  callback?: Callback;
  /** The token request whose response carried it (sources `token-response` and `refresh-response`). */
  request?: TokenRequest;
  decoded: DecodedJwt;
}

/** Words for people: where an ID token came from. */
export const SOURCE_WORDS: Record<IdTokenSource, string> = {
  'authorization-response': 'the authorization response',
  'token-response': 'the token response',
  'refresh-response': 'the refresh token response',
};

/**
 * Every ID token of a flow, in protocol order: the authorization response's (and those of responses processed
 * again), then the token responses', then the refresh responses'. The same token string delivered again from
 * the same kind of response (a callback processed twice, a code replay answered twice) is one entry with
 * every exchange.
 */
export function idTokensOf(flow: CorrelatedFlow): ObservedIdToken[] {
  const found: ObservedIdToken[] = [];
  const bySourceAndToken = new Map<string, ObservedIdToken>();
  const add = (
    source: IdTokenSource,
    token: string | undefined,
    exchanges: (Exchange | undefined)[],
    extra: Pick<ObservedIdToken, 'callback' | 'request'>,
  ) => {
    // A redacted token (a redacted HAR export) was delivered, but nothing of it can be read: not listed.
    if (token === undefined || token === '' || isRedacted(token)) return;
    const present = exchanges.filter((e): e is Exchange => e !== undefined);
    const key = `${source} ${token}`;
    const seen = bySourceAndToken.get(key);
    if (seen) {
      for (const e of present) if (!seen.exchanges.includes(e)) seen.exchanges.push(e);
      return;
    }
    const entry: ObservedIdToken = { source, token, exchange: present[0]!, exchanges: present, ...extra, decoded: decodeJwtParts(token) };
    bySourceAndToken.set(key, entry);
    found.push(entry);
  };
  for (const callback of callbacksOf(flow))
    add('authorization-response', callback.idToken, [callback.exchange, callback.arrival], { callback });
  for (const request of flow.codeExchanges) add('token-response', request.response?.idToken, [request.exchange], { request });
  for (const request of flow.refreshes) add('refresh-response', request.response?.idToken, [request.exchange], { request });
  return found;
}

/**
 * The time a response was sent, from its own `Date` header (RFC 9110 §6.6.1), in ms since the epoch; undefined
 * without a parseable one. Never the wall clock: a HAR is audited long after it was recorded.
 */
export function responseDate(exchange: Exchange): number | undefined {
  const value = header(exchange.responseHeaders, 'date');
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';

/**
 * The hash function an ID token's alg implies for at_hash / c_hash (OIDC Core §3.1.3.6: "the hash algorithm
 * used in the alg Header Parameter"): SHA-256 for HS256, RS256, ES256, PS256 and ES256K; SHA-384 and SHA-512
 * for the 384 and 512 variants; SHA-512 for EdDSA over Ed25519 (and the fully-specified `Ed25519`). Ed448 would
 * need SHAKE256, which WebCrypto lacks; `none` and unknown algs have no hash. EdDSA names its curve in the key,
 * not the header: the header's `crv` (or its `jwk.crv`) is used when present, otherwise Ed25519 is assumed
 * (and `note` says so).
 */
export function hashForAlg(jose: ProtectedHeaderParameters): { hash?: HashName; note?: string } {
  const alg = jose.alg;
  const family = alg !== undefined ? /^(?:HS|RS|ES|PS)(256|384|512)$/.exec(alg) : null;
  if (family) return { hash: `SHA-${family[1]}` as HashName };
  if (alg === 'ES256K') return { hash: 'SHA-256' };
  if (alg === 'Ed25519') return { hash: 'SHA-512' };
  if (alg === 'Ed448') return { note: 'Ed448 hashes with SHAKE256, which cannot be computed here' };
  if (alg === 'EdDSA') {
    const crv = stringOf(jose.crv) ?? stringOf((jose.jwk as Record<string, unknown> | undefined)?.crv);
    if (crv === undefined) return { hash: 'SHA-512', note: 'the header names no curve: Ed25519 (SHA-512) assumed' };
    if (crv === 'Ed25519') return { hash: 'SHA-512' };
    return { note: `EdDSA over ${crv} has no hash computable here` };
  }
  return { note: alg === undefined ? 'the header has no alg' : `alg ${alg} implies no known hash` };
}

/** base64url(left-most half of H(ASCII(value))), OIDC Core §3.1.3.6 / §3.3.2.11. */
export async function leftHalfHash(value: string, hash: HashName): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest(hash, new TextEncoder().encode(value)));
  return base64url.encode(digest.slice(0, digest.length / 2));
}

/**
 * at_hash and c_hash of every readable ID token of the flow, against the value delivered with it:
 * - authorization response: at_hash against its access_token, REQUIRED when one is there (OIDC Core §3.2.2.10
 *   `id_token token`, §3.3.2.11 `code id_token token`); c_hash against its code, REQUIRED when one is there
 *   (§3.3.2.11 `code id_token`, `code id_token token`);
 * - token response: at_hash against its access_token, OPTIONAL (§3.1.3.6, §3.3.3.6), checked when present;
 *   c_hash, when present, against the code of an authorization_code grant;
 * - refresh response: at_hash when present (§12.2: otherwise the same rules as the original ID token's).
 * A claim that is neither required nor present, or whose value did not come with the token, is not listed.
 */
export async function idTokenHashChecks(flow: CorrelatedFlow): Promise<IdTokenHashCheck[]> {
  const checks: IdTokenHashCheck[] = [];
  for (const observed of idTokensOf(flow)) {
    if (!observed.decoded.ok) continue;
    const { header: jose, claims } = observed.decoded;
    const front = observed.source === 'authorization-response';
    const accessToken = front ? observed.callback?.accessToken : observed.request?.response?.accessToken;
    const code = front ? observed.callback?.code : observed.request?.grantType === 'authorization_code' ? observed.request.code : undefined;
    for (const [claim, value] of [
      ['at_hash', accessToken],
      ['c_hash', code],
    ] as const) {
      // A redacted code or access token (a redacted HAR) has no hash to recompute.
      if (value === undefined || isRedacted(value)) continue;
      const raw = claims[claim];
      const required = front;
      const base = {
        exchangeId: observed.exchange.id,
        source: observed.source,
        claim,
        required,
        ...(jose.alg !== undefined ? { alg: jose.alg } : {}),
      };
      if (raw === undefined) {
        if (required) checks.push({ ...base, status: 'missing' });
        continue;
      }
      const claimed = typeof raw === 'string' ? raw : JSON.stringify(raw);
      const { hash, note } = hashForAlg(jose);
      if (!hash) {
        checks.push({ ...base, claimed, status: 'not-computable', ...(note ? { hashNote: note } : {}) });
        continue;
      }
      const computed = await leftHalfHash(value, hash);
      checks.push({
        ...base,
        claimed,
        status: claimed === computed ? 'match' : 'mismatch',
        hash,
        computed,
        ...(note ? { hashNote: note } : {}),
      });
    }
  }
  return checks;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
