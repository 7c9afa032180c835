/**
 * DPoP proofs for the DPoP rules' tests (RFC 9449 §4.2), signed for real with generated keys (jose), with
 * overrides to break one part at a time.
 */
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export interface DpopKey {
  privateKey: CryptoKey;
  jwk: JWK;
  thumbprint: string;
}

export async function dpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, thumbprint: await calculateJwkThumbprint(jwk, 'sha256') };
}

let jtiCounter = 0;

/** A proof for `method url`; `claims` and `header` override or (with undefined) remove members. */
export async function dpopProof(
  key: DpopKey,
  method: string,
  url: string,
  { claims = {}, header = {} }: { claims?: Record<string, unknown>; header?: Record<string, unknown> } = {},
): Promise<string> {
  const payload: Record<string, unknown> = { htm: method, htu: url, jti: `jti-${++jtiCounter}`, iat: 1_795_341_600, ...claims };
  const protectedHeader: Record<string, unknown> = { typ: 'dpop+jwt', alg: 'ES256', jwk: key.jwk, ...header };
  for (const o of [payload, protectedHeader]) for (const [k, v] of Object.entries(o)) if (v === undefined) delete o[k];
  return new SignJWT(payload).setProtectedHeader(protectedHeader as { alg: string }).sign(key.privateKey);
}

/** RFC 9449 §4.2: base64url(SHA-256(access token)). */
export async function ath(accessToken: string): Promise<string> {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))));
}
