import { describe, expect, it } from 'vitest';
import { decodeJwtParts } from './jwt.ts';

const b64u = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const HEADER = b64u('{"alg":"RS256","kid":"k1"}');
const PAYLOAD = b64u('{"sub":"alice","aud":"spa"}');
const SIGNATURE = 'c2lnbmF0dXJl';

describe('decodeJwtParts', () => {
  it('decodes a JWS without verifying it', () => {
    expect(decodeJwtParts(`${HEADER}.${PAYLOAD}.${SIGNATURE}`)).toEqual({
      ok: true,
      header: { alg: 'RS256', kid: 'k1' },
      claims: { sub: 'alice', aud: 'spa' },
    });
  });

  it('accepts the empty signature of an unsecured JWT (RFC 7519 §6.1)', () => {
    expect(decodeJwtParts(`${b64u('{"alg":"none"}')}.${PAYLOAD}.`)).toEqual({
      ok: true,
      header: { alg: 'none' },
      claims: { sub: 'alice', aud: 'spa' },
    });
  });

  it.each([
    [
      'payload outside the base64url alphabet',
      `${HEADER}.${PAYLOAD.slice(0, 5)}+${PAYLOAD.slice(5)}.${SIGNATURE}`,
      'payload is not valid base64url: "+" at position 5 is not in its alphabet (A–Z a–z 0–9 - _) (RFC 7519 §7.2 steps 7–10)',
    ],
    [
      'payload of an impossible length',
      `${HEADER}.abcde.${SIGNATURE}`,
      'payload is not valid base64url: its length, 5, leaves one character over (no base64url text has 4n+1 characters) (RFC 7519 §7.2 steps 7–10)',
    ],
    [
      'payload of bytes that are not UTF-8',
      `${HEADER}.${Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url')}.${SIGNATURE}`,
      'payload decodes from base64url to bytes that are not UTF-8 text (RFC 7519 §7.2 steps 7–10)',
    ],
    [
      'payload of text that is not JSON',
      `${HEADER}.${b64u('sub=alice')}.${SIGNATURE}`,
      'payload decodes from base64url to text that is not JSON (RFC 7519 §7.2 steps 7–10)',
    ],
    [
      'payload a JSON array',
      `${HEADER}.${b64u('["alice"]')}.${SIGNATURE}`,
      'payload is not a JSON object: it is an array (RFC 7519 §7.2 steps 7–10)',
    ],
    [
      'payload a JSON number',
      `${HEADER}.${b64u('42')}.${SIGNATURE}`,
      'payload is not a JSON object: it is a number (RFC 7519 §7.2 steps 7–10)',
    ],
    [
      'payload a JSON string',
      `${HEADER}.${b64u('"alice"')}.${SIGNATURE}`,
      'payload is not a JSON object: it is a string (RFC 7519 §7.2 steps 7–10)',
    ],
    ['payload JSON null', `${HEADER}.${b64u('null')}.${SIGNATURE}`, 'payload is not a JSON object: it is null (RFC 7519 §7.2 steps 7–10)'],
    ['payload empty', `${HEADER}..${SIGNATURE}`, 'payload is empty (RFC 7519 §7.2 steps 7–10)'],
    [
      'signature part missing',
      `${HEADER}.${PAYLOAD}`,
      'has 2 parts, not 3: the signature part is missing (a JWS is header.payload.signature, RFC 7515 §7.1; even an unsecured JWT ends with the period, RFC 7519 §6.1)',
    ],
    [
      'four parts',
      `${HEADER}.${PAYLOAD}.${SIGNATURE}.x`,
      'has 4 parts separated by periods: a JWS has 3 (RFC 7515 §7.1), a JWE 5 (RFC 7516 §7.1)',
    ],
  ])('names a broken JWT after its header: %s', (_, token, problem) => {
    // The header decoded: it is kept, for the panel to show.
    expect(decodeJwtParts(token)).toEqual({ ok: false, header: { alg: 'RS256', kid: 'k1' }, problem });
  });

  it.each([
    ['no period', 'opaque-access-token', 'has no period: a JWT is header.payload.signature (RFC 7519 §7.2 step 1, RFC 7515 §7.1)'],
    [
      'header of text that is not JSON',
      `${b64u('foobar')}.${PAYLOAD}.${SIGNATURE}`,
      'header decodes from base64url to text that is not JSON (RFC 7519 §7.2 steps 3–4)',
    ],
    [
      'header a JSON array',
      `${b64u('["RS256"]')}.${PAYLOAD}.${SIGNATURE}`,
      'header is not a JSON object: it is an array (RFC 7519 §7.2 steps 3–4)',
    ],
    [
      'header with markup',
      `<b>x</b>.${PAYLOAD}.${SIGNATURE}`,
      'header is not valid base64url: "<" at position 0 is not in its alphabet (A–Z a–z 0–9 - _) (RFC 7519 §7.2 steps 3–4)',
    ],
    ['header empty', `.${PAYLOAD}.${SIGNATURE}`, 'header is empty (RFC 7519 §7.2 steps 3–4)'],
  ])('names a token whose header does not decode: %s', (_, token, problem) => {
    expect(decodeJwtParts(token)).toEqual({ ok: false, problem });
  });

  it('reads a signature part that no key can verify, the claims still readable', () => {
    expect(decodeJwtParts(`${HEADER}.${PAYLOAD}.`)).toMatchObject({
      ok: true,
      claims: { sub: 'alice' },
      signatureProblem: 'the signature part is empty, but alg "RS256" requires a signature (RFC 7515 §5.2)',
    });
    expect(decodeJwtParts(`${HEADER}.${PAYLOAD}.ab/c`)).toMatchObject({
      ok: true,
      signatureProblem:
        'the signature part is not valid base64url: "/" at position 2 is not in its alphabet (A–Z a–z 0–9 - _) (RFC 7515 §7.1)',
    });
  });

  it('recognises a JWE by its five parts (RFC 7516 §9), with its header when it decodes', () => {
    const jwe = decodeJwtParts(`${b64u('{"alg":"RSA-OAEP","enc":"A256GCM"}')}.a2V5.aXY.Y2lwaGVydGV4dA.dGFn`);
    expect(jwe).toEqual({
      ok: false,
      encrypted: true,
      header: { alg: 'RSA-OAEP', enc: 'A256GCM' },
      problem: 'JWE (encrypted JWT): claims are not readable',
    });
    expect(decodeJwtParts('a.b.c.d.e')).toEqual({ ok: false, encrypted: true, problem: 'JWE (encrypted JWT): claims are not readable' });
  });

  it('quotes the offending character escaped, a control character included', () => {
    const decoded = decodeJwtParts(`${HEADER}.ab\u0000\ud800.${SIGNATURE}`);
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.problem).toMatch(/^payload is not valid base64url: "\\u0000" at position 2 /);
  });

  it('decodes a 5 MB token (the time is printed)', () => {
    const claims = b64u(JSON.stringify({ sub: 'alice', blob: 'x'.repeat(3_700_000) }));
    const started = performance.now();
    const decoded = decodeJwtParts(`${HEADER}.${claims}.${SIGNATURE}`);
    const elapsed = performance.now() - started;
    console.log(`decodeJwtParts of a ${(claims.length / 1e6).toFixed(1)} M-character token: ${elapsed.toFixed(0)} ms`);
    expect(decoded.ok && decoded.claims.sub).toBe('alice');
  });
});
