/**
 * JWT decoding without verification (the auditor has no keys to trust): RFC 7519 §7.2 steps 1–10, the
 * signature check of step 7 excepted. Built on `jose`, whose errors are mapped to words that say which part of
 * the token is wrong and how; every function returns a problem instead of throwing.
 */
import { base64url, decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from 'jose';

export type DecodedJwt =
  | {
      ok: true;
      header: ProtectedHeaderParameters;
      claims: JWTPayload;
      /** The claims are readable but the signature part cannot be a valid one. */
      signatureProblem?: string;
    }
  | {
      ok: false;
      problem: string;
      /** The JOSE header, when it decoded and only what follows it did not. */
      header?: ProtectedHeaderParameters;
      /** A JWE: well formed, its claims encrypted for the client. */
      encrypted?: true;
    };

export function decodeJwtHeader(token: string): ProtectedHeaderParameters | undefined {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return undefined;
  }
}

export function decodeJwtParts(token: string): DecodedJwt {
  const segments = token.split('.');
  // RFC 7519 §7.2 step 1.
  if (segments.length === 1)
    return { ok: false, problem: 'has no period: a JWT is header.payload.signature (RFC 7519 §7.2 step 1, RFC 7515 §7.1)' };
  // Step 6 by the part count (RFC 7516 §9): five parts make a JWE, whose claims are encrypted for the client.
  if (segments.length === 5) {
    const header = joseHeaderOf(segments[0]!);
    return {
      ok: false,
      encrypted: true,
      problem: 'JWE (encrypted JWT): claims are not readable',
      ...(header.ok ? { header: header.header } : {}),
    };
  }
  // Steps 2–4: the JOSE header is the part before the first period.
  const header = joseHeaderOf(segments[0]!);
  if (!header.ok) return { ok: false, problem: header.problem };
  // A JWS has three parts (RFC 7515 §7.1).
  if (segments.length !== 3) return { ok: false, header: header.header, problem: partCountProblem(segments.length) };
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch (error) {
    // Steps 7 (the payload is base64url), 9 and 10 (its octets are UTF-8 JSON making an object).
    return { ok: false, header: header.header, problem: `payload ${segmentProblem(segments[1]!, error)} (RFC 7519 §7.2 steps 7–10)` };
  }
  const signatureProblem = signatureProblemOf(header.header, segments[2]!);
  return { ok: true, header: header.header, claims, ...(signatureProblem !== undefined ? { signatureProblem } : {}) };
}

/** RFC 7519 §7.2 steps 3–4 on the first part alone (the `protected` form of decodeProtectedHeader). */
function joseHeaderOf(segment: string): { ok: true; header: ProtectedHeaderParameters } | { ok: false; problem: string } {
  try {
    return { ok: true, header: decodeProtectedHeader({ protected: segment }) };
  } catch (error) {
    return { ok: false, problem: `header ${segmentProblem(segment, error)} (RFC 7519 §7.2 steps 3–4)` };
  }
}

function partCountProblem(count: number): string {
  if (count === 2)
    return 'has 2 parts, not 3: the signature part is missing (a JWS is header.payload.signature, RFC 7515 §7.1; even an unsecured JWT ends with the period, RFC 7519 §6.1)';
  return `has ${count} parts separated by periods: a JWS has 3 (RFC 7515 §7.1), a JWE 5 (RFC 7516 §7.1)`;
}

/**
 * Why one part did not decode, found by retracing jose's steps on it: base64url (RFC 7515 §2), then UTF-8,
 * then JSON, then a JSON object. Falls back to jose's own message should every step pass here.
 */
function segmentProblem(segment: string, joseError: unknown): string {
  if (segment === '') return 'is empty';
  let octets: Uint8Array;
  try {
    octets = base64url.decode(segment);
  } catch {
    return `is not valid base64url: ${base64urlFault(segment)}`;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(octets);
  } catch {
    return 'decodes from base64url to bytes that are not UTF-8 text';
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text: the payload's content is the user's, it stays out of the words.
    return 'decodes from base64url to text that is not JSON';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return `is not a JSON object: it is ${jsonKind(value)}`;
  return `does not decode (${joseError instanceof Error ? joseError.message : String(joseError)})`;
}

/** What makes a string fail base64url decoding (RFC 7515 §2: A–Z, a–z, 0–9, "-" and "_", no padding). */
function base64urlFault(segment: string): string {
  const outside = /[^A-Za-z0-9_-]/.exec(segment);
  if (outside) return `${JSON.stringify(outside[0])} at position ${outside.index} is not in its alphabet (A–Z a–z 0–9 - _)`;
  // Four characters encode three octets; one left over encodes none.
  return `its length, ${segment.length}, leaves one character over (no base64url text has 4n+1 characters)`;
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * A signature part that cannot verify whatever the key: empty while alg asks for a signature (only alg none
 * has an empty one, RFC 7519 §6.1), or not base64url (RFC 7515 §7.1).
 */
function signatureProblemOf(header: ProtectedHeaderParameters, signature: string): string | undefined {
  if (signature === '') {
    return typeof header.alg === 'string' && !/^none$/i.test(header.alg)
      ? `the signature part is empty, but alg ${JSON.stringify(header.alg)} requires a signature (RFC 7515 §5.2)`
      : undefined;
  }
  try {
    base64url.decode(signature);
    return undefined;
  } catch {
    return `the signature part is not valid base64url: ${base64urlFault(signature)} (RFC 7515 §7.1)`;
  }
}
