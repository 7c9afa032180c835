/**
 * The ID tokens' signatures against the keys the browser fetched from their issuer (OIDC Core §3.1.3.7 step 6:
 * the client MUST validate the signature with the keys provided by the issuer; RFC 7515 §5.2). A passive
 * auditor holds no key of its own: it can only repeat the check with a JWKS response it saw, so a signature is
 * `verified` only against an observed key, and `not-observable` whenever no observed key can settle it.
 *
 * Which JWKS responses count:
 * - the issuer's discovery metadata was observed (the flow's, or one whose issuer is the token's iss): the
 *   responses from its `jwks_uri` (origin and path; a cache-busting query does not matter), every one of them;
 * - no metadata: JWKS-looking responses (`/jwks`, `/jwks.json`, `/certs`) from the origin of both the iss claim
 *   and the authorization endpoint. Such a key set may belong to another tenant of the same host, so a kid
 *   it lacks proves nothing: only a key it does hold can prove the signature wrong.
 *
 * Never a false alarm:
 * - keys rotate: a kid absent from every observed JWKS counts only when a JWKS was produced after the token
 *   (a server publishes a key before signing with it): by the responses' own `Date` headers (RFC 9110
 *   §6.6.1), which a response served from the HTTP cache keeps, so a cached key set is never taken for a
 *   fresh one; without a Date on the JWKS response, nothing is concluded. Otherwise the set may predate the key;
 * - several responses are pooled; one verifying key is enough;
 * - HS* is keyed with the client secret, not a published key; a JWE is encrypted for the client; an alg or
 *   key the WebCrypto runtime cannot handle (Ed448, secp256k1): `not-observable`, with the reason.
 *
 * Bounded: at most MAX_KEYS distinct keys per flow are tried, each at most once per token.
 */
import { compactVerify, errors, importJWK, type JWK } from 'jose';
import { jsonObjectOf } from './body.ts';
import { idTokensOf, type ObservedIdToken, responseDate } from './id-token.ts';
import type { CorrelatedFlow, Exchange, Flow, IdTokenSignatureCheck, IdTokenSignatureProblem, ServerMetadata } from './model.ts';
import { splitUrl } from './params.ts';

/** A JWKS response as observed: its public keys, read once per analysis. */
export interface ObservedKeySet {
  exchange: Exchange;
  keys: JWK[];
}

/** More keys than any real issuer publishes (Google and Microsoft publish 2 to 6). */
const MAX_KEYS = 64;

/** RFC 7518 §3.3 and §3.5: "A key of size 2048 bits or larger MUST be used with these algorithms." */
const MIN_RSA_BITS = 2048;

/** The JWKS responses with a readable key set, in time order (`exchanges` are the classified JWKS exchanges). */
export function observedKeySets(exchanges: readonly Exchange[]): ObservedKeySet[] {
  const sets: ObservedKeySet[] = [];
  for (const exchange of exchanges) {
    if (exchange.status === undefined || exchange.status < 200 || exchange.status >= 300) continue;
    const body = jsonObjectOf(exchange.responseBody);
    if (!body.ok || !Array.isArray(body.json.keys)) continue;
    const keys = body.json.keys.filter((k): k is JWK => k !== null && typeof k === 'object' && typeof k.kty === 'string');
    sets.push({ exchange, keys: keys.slice(0, MAX_KEYS) });
  }
  return sets;
}

/** One check per readable ID token of the flow (a broken JWT is id-token-invalid's, and gets none). */
export async function idTokenSignatureChecks(
  flow: CorrelatedFlow,
  keySets: readonly ObservedKeySet[],
  metadata: readonly ServerMetadata[],
): Promise<IdTokenSignatureCheck[]> {
  const checks: IdTokenSignatureCheck[] = [];
  for (const observed of idTokensOf(flow)) {
    const check = await checkSignature(flow, observed, keySets, metadata);
    if (check) checks.push(check);
  }
  return checks;
}

/** The check of one ID token, found by its value (the views hold tokens, checks hold no secret). */
export function signatureCheckOf(flow: Flow, token: string): IdTokenSignatureCheck | undefined {
  const observed = idTokensOf(flow).find((o) => o.token === token);
  if (!observed) return undefined;
  return flow.idTokenSignatures?.find((c) => c.exchangeId === observed.exchange.id && c.source === observed.source);
}

interface KeySource {
  sets: ObservedKeySet[];
  /** The issuer's metadata named the jwks_uri; false when the sets were found by origin only. */
  fromDiscovery: boolean;
  metadata?: ServerMetadata;
}

async function checkSignature(
  flow: CorrelatedFlow,
  observed: ObservedIdToken,
  keySets: readonly ObservedKeySet[],
  allMetadata: readonly ServerMetadata[],
): Promise<IdTokenSignatureCheck | undefined> {
  const base = { exchangeId: observed.exchange.id, source: observed.source };
  const { decoded } = observed;
  if (!decoded.ok) {
    return decoded.encrypted
      ? {
          ...base,
          signature: 'not-observable',
          reason: 'an encrypted ID token (JWE): its signature is inside, for the client',
          problems: [],
        }
      : undefined;
  }
  const alg = decoded.header.alg;
  // No alg at all, or a signature part that cannot be one: id-token-invalid says so.
  if (typeof alg !== 'string' || decoded.signatureProblem !== undefined) return undefined;
  const withAlg = { ...base, alg, ...(typeof decoded.header.kid === 'string' ? { kid: decoded.header.kid } : {}) };
  if (/^none$/i.test(alg)) return { ...withAlg, signature: 'unsigned', problems: [] };
  if (/^HS/.test(alg)) {
    return {
      ...withAlg,
      signature: 'not-observable',
      reason: `${alg} is keyed with the client secret, which no published key set holds`,
      problems: [],
    };
  }
  const kty = keyTypeOf(alg);
  if (!kty) return { ...withAlg, signature: 'not-observable', reason: `alg ${alg} is not one this tool can verify`, problems: [] };

  const iss = typeof decoded.claims.iss === 'string' ? decoded.claims.iss : undefined;
  const source = keySourceOf(flow, iss, keySets, allMetadata);
  const problems: IdTokenSignatureProblem[] = [];
  // OIDC Core §3.1.3.7 step 7: the alg SHOULD be RS256 or the one the client registered; the server lists
  // the algs it signs ID tokens with (OIDC Discovery §3, id_token_signing_alg_values_supported).
  const advertised = source.metadata?.raw.id_token_signing_alg_values_supported;
  if (Array.isArray(advertised) && advertised.every((a) => typeof a === 'string') && !advertised.includes(alg)) {
    problems.push({
      check: 'alg',
      detail: `alg ${alg} is not among the issuer's id_token_signing_alg_values_supported (${advertised.join(', ')})`,
      severity: 'warning',
    });
  }
  if (!source.sets.length) {
    return {
      ...withAlg,
      signature: 'not-observable',
      reason: source.metadata
        ? source.metadata.jwksUri
          ? "the issuer's JWKS (jwks_uri) response was not observed with its body"
          : 'the issuer metadata names no jwks_uri'
        : "the issuer's JWKS response was not observed",
      problems,
    };
  }
  const settled = await settle(observed, alg, kty, source);
  return { ...withAlg, ...settled, problems: [...problems, ...settled.problems] };
}

function keySourceOf(
  flow: CorrelatedFlow,
  iss: string | undefined,
  keySets: readonly ObservedKeySet[],
  allMetadata: readonly ServerMetadata[],
): KeySource {
  const metadata = flow.metadata ?? (iss !== undefined ? allMetadata.find((m) => m.issuer === iss) : undefined);
  if (metadata) {
    const jwks = metadata.jwksUri !== undefined ? splitUrl(metadata.jwksUri)?.target : undefined;
    const sets = jwks === undefined ? [] : keySets.filter((s) => splitUrl(s.exchange.url)?.target === jwks);
    return { sets, fromDiscovery: true, metadata };
  }
  const issuerOrigin = iss !== undefined ? splitUrl(iss)?.origin : undefined;
  const authorizationOrigin = flow.authorization ? splitUrl(flow.authorization.endpoint)?.origin : undefined;
  if (issuerOrigin === undefined || issuerOrigin !== authorizationOrigin) return { sets: [], fromDiscovery: false };
  return { sets: keySets.filter((s) => splitUrl(s.exchange.url)?.origin === issuerOrigin), fromDiscovery: false };
}

/** The key type a JWS alg needs (RFC 7518 §3.1, RFC 8037 §3.1, RFC 9864 for Ed25519). */
function keyTypeOf(alg: string): 'RSA' | 'EC' | 'OKP' | undefined {
  if (/^(?:RS|PS)(?:256|384|512)$/.test(alg)) return 'RSA';
  if (/^ES(?:256|384|512)$/.test(alg)) return 'EC';
  if (alg === 'EdDSA' || alg === 'Ed25519') return 'OKP';
  return undefined;
}

type Settled = Pick<IdTokenSignatureCheck, 'signature' | 'kid' | 'jwksUrl' | 'jwksExchangeId' | 'reason' | 'problems'>;

/**
 * The signature against the observed keys. Proof that it is wrong is either a key the header's kid names
 * (wrong, weak or of another type), or, for a kid no key has or a header without kid, a JWKS of the issuer
 * produced after the token (`provable`): an older set may predate a rotation.
 */
async function settle(observed: ObservedIdToken, alg: string, kty: string, source: KeySource): Promise<Settled> {
  const kid = observed.decoded.ok && typeof observed.decoded.header.kid === 'string' ? observed.decoded.header.kid : undefined;
  const named = kid !== undefined ? ` ${JSON.stringify(kid)}` : '';
  const provable = source.fromDiscovery ? fetchedAfter(observed, source.sets) : undefined;
  const notObservable = (reason: string): Settled => ({ signature: 'not-observable', reason, problems: [] });
  const invalid = (set: ObservedKeySet, problem: Omit<IdTokenSignatureProblem, 'severity'>): Settled => ({
    signature: 'invalid',
    jwksUrl: set.exchange.url,
    jwksExchangeId: set.exchange.id,
    problems: [{ ...problem, severity: 'error' }],
  });
  const rotated = source.fromDiscovery
    ? 'no JWKS seen was produced after the token (by its Date header), and keys may have rotated since'
    : 'the JWKS seen at the issuer origin was found without discovery metadata and may be another tenant’s';

  const holdingKid = kid !== undefined ? source.sets.find((s) => s.keys.some((k) => k.kid === kid)) : undefined;
  if (kid !== undefined && !holdingKid) {
    return provable
      ? invalid(provable, { check: 'kid', detail: `no key with kid${named} in the issuer's JWKS, produced after the token` })
      : notObservable(`no key with kid${named} in the JWKS seen: ${rotated}`);
  }
  const candidates = candidateKeys(kid, alg, kty, source.sets);
  if (!candidates.length) {
    const proof = holdingKid ?? provable;
    return proof
      ? invalid(proof, { check: 'key', detail: `the issuer's key${named} is not a ${kty} signing key for ${alg} (RFC 7517 §4.1–4.4)` })
      : notObservable(`no ${kty} key in the JWKS seen: ${rotated}`);
  }
  let failedWith: ObservedKeySet | undefined;
  let weak: { set: ObservedKeySet; bits: number } | undefined;
  let unusable: string | undefined;
  for (const { key, set } of candidates) {
    // jose refuses such keys, rightly (RFC 7518 §3.3 MUST): nothing to verify with.
    const bits = kty === 'RSA' ? rsaBits(key) : Number.POSITIVE_INFINITY;
    if (bits < MIN_RSA_BITS) {
      weak ??= { set, bits };
      continue;
    }
    const result = await verifies(observed.token, key, alg);
    if (result === true) {
      return {
        signature: 'verified',
        ...(typeof key.kid === 'string' ? { kid: key.kid } : {}),
        jwksUrl: set.exchange.url,
        jwksExchangeId: set.exchange.id,
        problems: [],
      };
    }
    if (result === false) failedWith ??= set;
    else unusable ??= result;
  }
  const decisive = kid !== undefined || provable !== undefined;
  if (weak && decisive) {
    return invalid(weak.set, {
      check: 'key',
      detail: `the issuer's RSA key${named} has a ${weak.bits}-bit modulus: ${alg} requires 2048 bits or more (RFC 7518 §3.3)`,
    });
  }
  if (failedWith && decisive) {
    return invalid(kid !== undefined ? failedWith : provable!, {
      check: 'signature',
      detail: `the signature does not verify with the issuer's key${named || 's'} (RFC 7515 §5.2)`,
    });
  }
  return notObservable(unusable ?? `no observed key settles it: ${rotated}`);
}

/** The keys that may have signed: the header's kid (when it names one), of the alg's type, for signing. */
function candidateKeys(
  kid: string | undefined,
  alg: string,
  kty: string,
  sets: readonly ObservedKeySet[],
): { key: JWK; set: ObservedKeySet }[] {
  const seen = new Set<string>();
  const out: { key: JWK; set: ObservedKeySet }[] = [];
  for (const set of sets) {
    for (const key of set.keys) {
      if (kid !== undefined && key.kid !== kid) continue;
      if (key.kty !== kty || key.use === 'enc' || (key.alg !== undefined && key.alg !== alg)) continue;
      const id = JSON.stringify([key.kid, key.n, key.e, key.crv, key.x, key.y]);
      if (seen.has(id) || out.length >= MAX_KEYS) continue;
      seen.add(id);
      out.push({ key, set });
    }
  }
  return out;
}

/**
 * The latest JWKS response its server produced at or after the token (by the `Date` headers; the token
 * request's start when its response has none): proof of the keys in use then. A cached response keeps its
 * original Date, so an old key set served from the HTTP cache after the token proves nothing.
 */
function fetchedAfter(observed: ObservedIdToken, sets: readonly ObservedKeySet[]): ObservedKeySet | undefined {
  const tokenTime = responseDate(observed.exchange) ?? observed.exchange.time;
  return [...sets].reverse().find((s) => {
    const produced = responseDate(s.exchange);
    return produced !== undefined && produced >= tokenTime;
  });
}

/** true: verifies; false: the signature is wrong for this key; a string: why this key cannot be used here. */
async function verifies(token: string, key: JWK, alg: string): Promise<true | false | string> {
  let imported: Awaited<ReturnType<typeof importJWK>>;
  try {
    imported = await importJWK(publicMembersOf(key), alg);
  } catch (error) {
    return `the key${key.kid !== undefined ? ` ${JSON.stringify(key.kid)}` : ''} cannot be imported here (${messageOf(error)})`;
  }
  try {
    await compactVerify(token, imported, { algorithms: [alg] });
    return true;
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) return false;
    return `the signature cannot be checked here (${messageOf(error)})`;
  }
}

/** A JWKS publishes public keys; should one carry private members, they are left out (never imported). */
function publicMembersOf(key: JWK): JWK {
  const { kty, crv, n, e, x, y } = key;
  return Object.fromEntries(Object.entries({ kty, crv, n, e, x, y }).filter(([, v]) => typeof v === 'string')) as JWK;
}

/** The modulus size in bits of an RSA JWK (RFC 7518 §6.3.1.1: n is unsigned big-endian base64url). */
function rsaBits(key: JWK): number {
  if (typeof key.n !== 'string') return 0;
  const bytes = Uint8Array.from(atob(key.n.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  let first = 0;
  while (first < bytes.length && bytes[first] === 0) first++;
  if (first === bytes.length) return 0;
  return (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes[first]!));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
