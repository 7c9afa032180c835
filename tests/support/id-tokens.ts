/**
 * Builders for the ID token rules' tests, on top of tests/support/build.ts: ID tokens signed for real with
 * generated keys (jose `SignJWT`), unsigned ones (`UnsecuredJWT`), token responses and front-channel
 * authorization responses that carry them, with a `Date` header, and hash claims computed independently of
 * the code under test (node:crypto).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { generateKeyPair, SignJWT, UnsecuredJWT, type JWTPayload, type CryptoKey } from 'jose';
import { variants, type CatalogueRuleId } from '../../demo/variants.ts';
import { parseHarText } from '../../src/capture/har.ts';
import type { Exchange } from '../../src/core/model.ts';
import { AS, defaultAuthorizeParams, encode, exchange, jsonBody, REDIRECT_URI, token } from './build.ts';

/** The `Date` of the responses built here, and the same instant in seconds (NumericDate). */
export const RESPONSE_DATE = 'Sun, 22 Nov 2026 10:00:01 GMT';
export const NOW = Date.parse(RESPONSE_DATE) / 1000;

export const ACCESS_TOKEN = 'SlAV32hkKG-access-token-0123456789';
export const CODE = 'SplxlOBeZQQYbYS6WxSbIA';

/** Claims of a valid ID token for the default flow of build.ts, issued at RESPONSE_DATE for one hour. */
export function idClaims(overrides: Record<string, unknown> = {}): JWTPayload {
  const claims: Record<string, unknown> = {
    iss: AS,
    sub: 'alice',
    aud: 'spa',
    nonce: defaultAuthorizeParams.nonce,
    iat: NOW,
    exp: NOW + 3600,
    ...overrides,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}

export type SigningAlg = 'RS256' | 'ES384' | 'PS512' | 'EdDSA' | 'Ed25519';

const keys = new Map<SigningAlg, Promise<CryptoKey>>();
function privateKey(alg: SigningAlg): Promise<CryptoKey> {
  let key = keys.get(alg);
  if (!key) {
    key = (alg === 'EdDSA' ? generateKeyPair('Ed25519') : generateKeyPair(alg)).then((pair) => pair.privateKey);
    keys.set(alg, key);
  }
  return key;
}

/** A JWS ID token signed with a generated key; `header` adds protected header members (e.g. `crv`). */
export async function signedIdToken(
  claims: JWTPayload = idClaims(),
  alg: SigningAlg = 'RS256',
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ ...header, alg, kid: `test-${alg}` }).sign(await privateKey(alg));
}

/** An unsigned ID token (alg none, RFC 7519 §6). */
export function unsecuredIdToken(claims: JWTPayload = idClaims()): string {
  return new UnsecuredJWT(claims).encode();
}

/** A compact JWE's shape (five segments): its claims cannot be read. */
export const JWE_ID_TOKEN = 'eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a2V5.aXY.Y2lwaGVydGV4dA.dGFn';

/** base64url(left half of H(ASCII(value))), computed with node:crypto. */
export function halfHash(value: string, hash: 'sha256' | 'sha384' | 'sha512' = 'sha256'): string {
  const digest = createHash(hash).update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/**
 * POST /token answered 200 with the given ID token (and an access token), with a `Date` header unless
 * `date` is null.
 */
export function tokenWithIdToken(
  idToken: string | undefined,
  options: { params?: Record<string, string | undefined>; body?: Record<string, unknown>; date?: string | null } = {},
): Exchange {
  const date = options.date === undefined ? RESPONSE_DATE : options.date;
  return token(options.params ?? {}, {
    responseHeaders: { 'cache-control': 'no-store', 'content-type': 'application/json', ...(date !== null ? { date } : {}) },
    responseBody: jsonBody({ access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600, id_token: idToken, ...options.body }),
  });
}

/** A refresh_token grant answered with the given ID token (and a rotated refresh token). */
export function refreshWithIdToken(idToken: string | undefined, refreshToken: string, rotated = `${refreshToken}-next`): Exchange {
  return tokenWithIdToken(idToken, {
    params: {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      code: undefined,
      code_verifier: undefined,
      redirect_uri: undefined,
    },
    body: { access_token: `${ACCESS_TOKEN}-refreshed`, refresh_token: rotated },
  });
}

/**
 * The authorization server's redirect carrying an authorization response with a `Date` header (fragment mode
 * by default, as for implicit and hybrid flows), and the browser's arrival at the redirect_uri.
 */
export function frontChannelResponse(
  params: Record<string, string | undefined>,
  options: { mode?: 'fragment' | 'query'; date?: string | null } = {},
): Exchange[] {
  const mode = options.mode ?? 'fragment';
  const location = `${REDIRECT_URI}${mode === 'fragment' ? '#' : '?'}${encode(params)}`;
  const date = options.date === undefined ? RESPONSE_DATE : options.date;
  const redirect = exchange({ url: `${AS}/authorize/resume`, status: 303, location, responseHeaders: date !== null ? { date } : {} });
  const arrival = exchange({ url: mode === 'fragment' ? REDIRECT_URI : location, status: 200 });
  return [redirect, arrival];
}

const DEMO_FIXTURES = new URL('../fixtures/demo/', import.meta.url);

/** The ids of the recorded demo sign-ins (tests/fixtures/demo/<id>.har: real oidc-provider ID tokens). */
export function recordedIds(): string[] {
  return readdirSync(DEMO_FIXTURES)
    .filter((f) => f.endsWith('.har'))
    .map((f) => f.slice(0, -4))
    .sort();
}

/** The recorded demo sign-ins whose variant does not expect `ruleId` (demo/variants.ts): it must stay quiet there. */
export function recordedIdsNotExpecting(ruleId: CatalogueRuleId): string[] {
  return recordedIds().filter((id) => !variants.find((v) => v.id === id)?.expectedRuleIds.includes(ruleId));
}

/** The exchanges of one recorded demo sign-in. */
export function recorded(id: string): Exchange[] {
  return parseHarText(readFileSync(new URL(`${id}.har`, DEMO_FIXTURES), 'utf8')).exchanges;
}
