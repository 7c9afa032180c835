/**
 * JWT decoding without verification (the auditor has no keys to trust; RFC 7519 §7.2 steps 1–7 only).
 * Built on `jose`; every function returns undefined or a problem instead of throwing.
 */
import { decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from 'jose';

export type DecodedJwt =
  | { ok: true; header: ProtectedHeaderParameters; claims: JWTPayload }
  | { ok: false; problem: string };

export function decodeJwtHeader(token: string): ProtectedHeaderParameters | undefined {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return undefined;
  }
}

export function decodeJwtParts(token: string): DecodedJwt {
  if (token.split('.').length === 5) return { ok: false, problem: 'JWE (encrypted JWT): claims are not readable' };
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch (error) {
    return { ok: false, problem: `header does not decode: ${messageOf(error)}` };
  }
  try {
    return { ok: true, header, claims: decodeJwt(token) };
  } catch (error) {
    return { ok: false, problem: `claims do not decode: ${messageOf(error)}` };
  }
}

/** Cheap shape test: three base64url segments, the first decoding to a JSON header. */
export function looksLikeJwt(value: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(value) && decodeJwtHeader(value) !== undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
