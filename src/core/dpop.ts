/**
 * DPoP proofs (RFC 9449 §4) as the browser sent them: the `DPoP` request header of any exchange, decoded once
 * (without trusting it) with its public key's RFC 7638 thumbprint, for the DPoP rules. A proof is a JWS whose
 * header carries the public key (`jwk`); its claims name the request (htm, htu), a unique jti, iat, and at a
 * resource server the access token's hash (ath). Nothing here is a secret: the proof is made to be shown
 * alongside one request, and its key is public.
 */
import { base64url, calculateJwkThumbprint, compactVerify, errors, importJWK, type JWK } from 'jose';
import { decodeJwtParts, type DecodedJwt } from './jwt.ts';
import type { Exchange } from './model.ts';
import { header } from './params.ts';

/** Longer than any real proof (a few hundred characters with an RSA key): not decoded. */
const MAX_PROOF_LENGTH = 16 * 1024;

export interface DpopProof {
  exchange: Exchange;
  proof: string;
  decoded: DecodedJwt;
  /** The header's `jwk`, when it is a JSON object. */
  jwk?: JWK;
  /** RFC 7638 thumbprint (SHA-256) of `jwk`'s public members; undefined when it cannot be computed. */
  thumbprint?: string;
  /** The signature verified with the header's own jwk (RFC 9449 §4.3 step 8); undefined when it cannot be tried. */
  signatureVerifies?: boolean;
}

/** Every exchange that carries a DPoP header, in time order, its proof decoded. */
export async function dpopProofsOf(exchanges: readonly Exchange[]): Promise<DpopProof[]> {
  const proofs: DpopProof[] = [];
  for (const exchange of exchanges) {
    const proof = header(exchange.requestHeaders, 'dpop')?.trim();
    if (proof === undefined || proof === '' || proof.length > MAX_PROOF_LENGTH) continue;
    const decoded = decodeJwtParts(proof);
    const rawJwk = decoded.ok ? decoded.header.jwk : undefined;
    const jwk = rawJwk !== null && typeof rawJwk === 'object' && !Array.isArray(rawJwk) ? (rawJwk as JWK) : undefined;
    proofs.push({ exchange, proof, decoded, ...(jwk ? { jwk, ...(await keyFacts(proof, jwk, decoded)) } : {}) });
  }
  return proofs;
}

async function keyFacts(proof: string, jwk: JWK, decoded: DecodedJwt): Promise<Pick<DpopProof, 'thumbprint' | 'signatureVerifies'>> {
  const facts: Pick<DpopProof, 'thumbprint' | 'signatureVerifies'> = {};
  try {
    facts.thumbprint = await calculateJwkThumbprint(jwk, 'sha256');
  } catch {
    // Not a key jose can name (members missing): no thumbprint to compare.
  }
  const alg = decoded.ok ? decoded.header.alg : undefined;
  if (typeof alg !== 'string' || /^none$/i.test(alg) || /^HS/.test(alg) || hasPrivateMembers(jwk)) return facts;
  try {
    const { kty, crv, n, e, x, y } = jwk;
    const key = await importJWK(Object.fromEntries(Object.entries({ kty, crv, n, e, x, y }).filter(([, v]) => v !== undefined)), alg);
    await compactVerify(proof, key, { algorithms: [alg] });
    facts.signatureVerifies = true;
  } catch (error) {
    // Only a signature that was checked and failed counts; an unsupported key or alg says nothing.
    if (error instanceof errors.JWSSignatureVerificationFailed) facts.signatureVerifies = false;
  }
  return facts;
}

/** RFC 7517 §6.2.2, §6.3.2, §6.4: the members only a private or symmetric key has. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

export function privateMembersOf(jwk: JWK): string[] {
  return PRIVATE_MEMBERS.filter((m) => (jwk as Record<string, unknown>)[m] !== undefined);
}

function hasPrivateMembers(jwk: JWK): boolean {
  return privateMembersOf(jwk).length > 0;
}

/** RFC 9449 §4.2: ath is base64url(SHA-256(ASCII(access token))). */
export async function accessTokenHash(accessToken: string): Promise<string> {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))));
}

/** The access token of an `Authorization: DPoP <token>` or `Bearer <token>` header, with its scheme. */
export function authorizationToken(exchange: Exchange): { scheme: 'dpop' | 'bearer'; token: string } | undefined {
  const value = header(exchange.requestHeaders, 'authorization');
  const match = value !== undefined ? /^(dpop|bearer)\s+(\S+)$/i.exec(value.trim()) : null;
  return match ? { scheme: match[1]!.toLowerCase() as 'dpop' | 'bearer', token: match[2]! } : undefined;
}
