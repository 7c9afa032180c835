import { base64url, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AS, authorize, callback, exchange, jsonBody, resetBuilders } from '../../../tests/support/build.ts';
import {
  CODE,
  idClaims,
  JWE_ID_TOKEN,
  RESPONSE_DATE,
  recordedIdsNotExpecting,
  recorded,
  tokenWithIdToken,
  unsecuredIdToken,
} from '../../../tests/support/id-tokens.ts';
import { discovery as metadataDocument } from '../../../tests/support/request-hygiene.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';
import { parseHarText } from '../../capture/har.ts';
import { analyze } from '../analyze.ts';
import { signatureCheckOf } from '../id-token-signature.ts';
import type { Exchange } from '../model.ts';
import rule from './id-token-signature-invalid.ts';

const findingsOf = findingsOfRule(rule);
const STATE = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';
const JWKS_URI = `${AS}/jwks`;

interface Pair {
  privateKey: CryptoKey;
  jwk: JWK;
}
let rs256: Pair;
let other: Pair;
let small: Pair;
let es256: Pair;

async function pair(alg: 'RS256' | 'ES256', kid: string, modulusLength?: number): Promise<Pair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(modulusLength ? { modulusLength } : {}) });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, use: 'sig' } };
}

beforeAll(async () => {
  rs256 = await pair('RS256', 'k1');
  other = await pair('RS256', 'k1');
  es256 = await pair('ES256', 'e1');
  // WebCrypto makes 1024-bit keys; jose refuses to use them (RFC 7518 §3.3), which is what the rule reports.
  const { privateKey, publicKey } = await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
  small = { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: 'weak', use: 'sig' } };
});

function sign(key: Pair, header: Record<string, unknown> = {}, claims: JWTPayload = idClaims()): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.jwk.kid, ...header }).sign(key.privateKey);
}

/** A signature of the same length made with another key: what a tampered token carries. */
async function tampered(): Promise<string> {
  const [header, payload] = (await sign(rs256)).split('.');
  const [, , foreign] = (await sign(other)).split('.');
  return `${header}.${payload}.${foreign}`;
}

/** The issuer's discovery document, naming its JWKS and the one alg it signs ID tokens with. */
function discovery(extra: Record<string, unknown> = {}): Exchange {
  return metadataDocument({ jwks_uri: JWKS_URI, id_token_signing_alg_values_supported: ['RS256'], ...extra });
}

/** The JWKS response, produced when its Date says (the token response's RESPONSE_DATE by default). */
function jwks(keys: JWK[], date: string | null = RESPONSE_DATE): Exchange {
  return exchange({
    url: JWKS_URI,
    initiator: 'fetch',
    status: 200,
    responseHeaders: date ? { date } : {},
    responseBody: jsonBody({ keys }),
  });
}

/** An hour before the token: a JWKS from then may predate a key rotation. */
const EARLIER = 'Sun, 22 Nov 2026 09:00:01 GMT';

/** Discovery, a code flow whose token response carries `idToken`, then the JWKS fetched to verify it. */
function flowWith(
  idToken: string,
  keys: JWK[] | null = [rs256.jwk],
  { jwksFirst = false, metadata = discovery() as Exchange | null } = {},
): Exchange[] {
  const before = [...(metadata ? [metadata] : []), ...(jwksFirst && keys ? [jwks(keys, EARLIER)] : [])];
  const flow = [authorize(), ...callback({ code: CODE, state: STATE, iss: AS }), tokenWithIdToken(idToken)];
  return [...before, ...flow, ...(!jwksFirst && keys ? [jwks(keys)] : [])];
}

/** The exchanges as a HAR 1.2 document (what the CLI and the panel's import read), bodies included. */
function harOf(exchanges: readonly Exchange[]): string {
  const entries = exchanges.map((ex) => ({
    startedDateTime: new Date(ex.time).toISOString(),
    time: 50,
    request: {
      method: ex.method,
      url: ex.url,
      httpVersion: 'HTTP/1.1',
      headers: ex.requestHeaders,
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: -1,
      ...(ex.requestBody.kind === 'form'
        ? { postData: { mimeType: 'application/x-www-form-urlencoded', text: ex.requestBody.raw, params: [] } }
        : {}),
    },
    response: {
      status: ex.status ?? 0,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      headers: [...ex.responseHeaders, ...(ex.location ? [{ name: 'location', value: ex.location }] : [])],
      cookies: [],
      content:
        ex.responseBody?.kind === 'text'
          ? { size: ex.responseBody.size, mimeType: 'application/json', text: ex.responseBody.text }
          : { size: 0, mimeType: 'text/html' },
      redirectURL: ex.location ?? '',
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings: { send: 0, wait: 50, receive: 0 },
    _resourceType: ex.initiator === 'fetch' ? 'fetch' : 'document',
  }));
  return JSON.stringify({ log: { version: '1.2', creator: { name: 'test', version: '1' }, entries } });
}

describe('id-token-signature-invalid', () => {
  beforeEach(resetBuilders);

  describe('with the JWKS in a HAR', () => {
    it('is silent on a valid signature, which the flow records as verified against the observed key', async () => {
      const token = await sign(rs256);
      const { exchanges } = parseHarText(harOf(flowWith(token)));
      const analysis = await analyze(exchanges, [rule]);
      expect(analysis.findings).toEqual([]);
      const flow = analysis.flows.find((f) => f.codeExchanges.length)!;
      expect(signatureCheckOf(flow, token)).toMatchObject({ signature: 'verified', kid: 'k1', alg: 'RS256', jwksUrl: JWKS_URI });
    });

    it('reports a tampered signature', async () => {
      const token = await tampered();
      const { exchanges } = parseHarText(harOf(flowWith(token)));
      const [finding, ...rest] = (await analyze(exchanges, [rule])).findings;
      expect(rest).toEqual([]);
      expect(finding).toMatchObject({ ruleId: 'id-token-signature-invalid', severity: 'error' });
      expect(finding!.message).toContain('does not verify with the issuer\'s key "k1"');
      expect(finding!.evidence).toContainEqual({ label: 'JWKS', value: JWKS_URI });
      expect(finding!.evidence).toContainEqual({ label: 'id_token', value: token, secret: true });
      expect(finding!.message).not.toContain(token);
    });
  });

  it('reports an unknown kid when the JWKS was produced after the token', async () => {
    const [finding] = await findingsOf(flowWith(await sign(rs256, { kid: 'rotated-away' })));
    expect(finding!.message).toContain('no key with kid "rotated-away"');
  });

  it('says nothing of an unknown kid in a JWKS served later from the HTTP cache (its Date is older) or without a Date', async () => {
    const token = await sign(rs256, { kid: 'new-key' });
    const cached = [...flowWith(token, null), jwks([rs256.jwk], EARLIER)];
    expect(await findingsOf(cached)).toEqual([]);
    resetBuilders();
    expect(await findingsOf([...flowWith(token, null), jwks([rs256.jwk], null)])).toEqual([]);
  });

  it('says nothing of an unknown kid when the JWKS was fetched before the token (keys may have rotated)', async () => {
    const token = await sign(rs256, { kid: 'new-key' });
    const exchanges = flowWith(token, [rs256.jwk], { jwksFirst: true });
    const analysis = await analyze(exchanges, [rule]);
    expect(analysis.findings).toEqual([]);
    const flow = analysis.flows.find((f) => f.codeExchanges.length)!;
    expect(signatureCheckOf(flow, token)).toMatchObject({ signature: 'not-observable' });
    expect(signatureCheckOf(flow, token)!.reason).toContain('rotated');
  });

  it('verifies with any of several JWKS responses (before and after a rotation)', async () => {
    const token = await sign(rs256);
    const exchanges = [...flowWith(token, [es256.jwk], { jwksFirst: true }), jwks([es256.jwk, rs256.jwk])];
    expect(await findingsOf(exchanges)).toEqual([]);
  });

  it('reports an RSA key under 2048 bits', async () => {
    // jose will not sign with such a key either: WebCrypto does.
    const signingInput = `${base64url.encode(JSON.stringify({ alg: 'RS256', kid: 'weak' }))}.${base64url.encode(JSON.stringify(idClaims()))}`;
    const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', small.privateKey, new TextEncoder().encode(signingInput));
    const token = `${signingInput}.${base64url.encode(new Uint8Array(signature))}`;
    const [finding] = await findingsOf(flowWith(token, [small.jwk]));
    expect(finding!.message).toContain('1024-bit modulus');
  });

  it('reports a kid naming a key of another type', async () => {
    const token = await sign(rs256, { kid: 'e1' });
    const [finding] = await findingsOf(flowWith(token, [es256.jwk]));
    expect(finding!.message).toContain('not a RSA signing key for RS256');
  });

  it('warns of an alg the issuer does not advertise, when the signature verifies', async () => {
    const token = await new SignJWT(idClaims()).setProtectedHeader({ alg: 'ES256', kid: 'e1' }).sign(es256.privateKey);
    const [finding, ...rest] = await findingsOf(flowWith(token, [es256.jwk]));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'warning' });
    expect(finding!.message).toContain('not among the issuer');
  });

  it('says nothing when the JWKS was not observed: not observable, never passing', async () => {
    const token = await tampered();
    const analysis = await analyze(flowWith(token, null), [rule]);
    expect(analysis.findings).toEqual([]);
    const flow = analysis.flows.find((f) => f.codeExchanges.length)!;
    expect(signatureCheckOf(flow, token)).toMatchObject({ signature: 'not-observable' });
  });

  it('says nothing of HS256, alg none or a JWE', async () => {
    const secret = new TextEncoder().encode('a-client-secret-of-at-least-32-bytes!');
    const hs256 = await new SignJWT(idClaims()).setProtectedHeader({ alg: 'HS256' }).sign(secret);
    for (const token of [hs256, unsecuredIdToken(), JWE_ID_TOKEN]) {
      resetBuilders();
      expect(await findingsOf(flowWith(token))).toEqual([]);
    }
  });

  it('without discovery, uses a JWKS of the issuer origin but proves nothing by a kid it lacks', async () => {
    expect(await findingsOf(flowWith(await sign(rs256, { kid: 'elsewhere' }), [rs256.jwk], { metadata: null }))).toEqual([]);
    resetBuilders();
    const [finding] = await findingsOf(flowWith(await tampered(), [rs256.jwk], { metadata: null }));
    expect(finding!.message).toContain('does not verify');
  });

  it.each(recordedIdsNotExpecting('id-token-signature-invalid' as never))('is silent on the recorded demo sign-in %s', async (id) => {
    expect(await findingsOf(recorded(id))).toEqual([]);
  });
});
