import { beforeEach, describe, expect, it } from 'vitest';
import { AS, authorize, callback, defaultAuthorizeParams, exchange, resetBuilders } from '../../tests/support/build.ts';
import {
  ACCESS_TOKEN,
  CODE,
  frontChannelResponse,
  halfHash,
  refreshWithIdToken,
  signedIdToken,
  tokenWithIdToken,
} from '../../tests/support/id-tokens.ts';
import { analyze } from './analyze.ts';
import { hashForAlg, idTokensOf, leftHalfHash, responseDate } from './id-token.ts';

describe('hashForAlg', () => {
  it.each([
    ['RS256', 'SHA-256'],
    ['HS256', 'SHA-256'],
    ['ES256', 'SHA-256'],
    ['PS256', 'SHA-256'],
    ['ES256K', 'SHA-256'],
    ['RS384', 'SHA-384'],
    ['ES384', 'SHA-384'],
    ['PS384', 'SHA-384'],
    ['HS384', 'SHA-384'],
    ['RS512', 'SHA-512'],
    ['ES512', 'SHA-512'],
    ['PS512', 'SHA-512'],
    ['HS512', 'SHA-512'],
    ['Ed25519', 'SHA-512'],
  ])('%s hashes with %s', (alg, hash) => {
    expect(hashForAlg({ alg })).toEqual({ hash });
  });

  it('hashes EdDSA with SHA-512, assuming Ed25519 unless the header names the curve', () => {
    expect(hashForAlg({ alg: 'EdDSA' })).toEqual({ hash: 'SHA-512', note: expect.stringContaining('Ed25519') });
    expect(hashForAlg({ alg: 'EdDSA', crv: 'Ed25519' })).toEqual({ hash: 'SHA-512' });
    expect(hashForAlg({ alg: 'EdDSA', jwk: { kty: 'OKP', crv: 'Ed25519' } })).toEqual({ hash: 'SHA-512' });
    expect(hashForAlg({ alg: 'EdDSA', crv: 'Ed448' }).hash).toBeUndefined();
  });

  it('has no hash for none, Ed448, unknown or absent algs', () => {
    for (const alg of ['none', 'Ed448', 'RS1', 'RS2560', undefined]) expect(hashForAlg({ alg }).hash).toBeUndefined();
  });
});

describe('leftHalfHash', () => {
  it('matches the c_hash of OIDC Core Appendix A.4', async () => {
    expect(await leftHalfHash('Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk', 'SHA-256')).toBe('LDktKdoQak3Pk0cnXxCltA');
  });

  it('takes the left half of SHA-384 and SHA-512', async () => {
    expect(await leftHalfHash(ACCESS_TOKEN, 'SHA-384')).toBe(halfHash(ACCESS_TOKEN, 'sha384'));
    expect(await leftHalfHash(ACCESS_TOKEN, 'SHA-512')).toBe(halfHash(ACCESS_TOKEN, 'sha512'));
    expect((await leftHalfHash(ACCESS_TOKEN, 'SHA-512')).length).toBe(43);
  });
});

describe('responseDate', () => {
  beforeEach(resetBuilders);

  it("reads the response's own Date header, never the clock", () => {
    expect(responseDate(exchange({ url: `${AS}/token`, responseHeaders: { date: 'Sun, 22 Nov 2026 10:00:01 GMT' } }))).toBe(
      Date.parse('2026-11-22T10:00:01Z'),
    );
    expect(responseDate(exchange({ url: `${AS}/token` }))).toBeUndefined();
    expect(responseDate(exchange({ url: `${AS}/token`, responseHeaders: { date: 'yesterday-ish' } }))).toBeUndefined();
  });
});

describe('idTokensOf', () => {
  beforeEach(resetBuilders);

  it('lists the authorization response, token response and refresh response ID tokens, in that order', async () => {
    const front = await signedIdToken();
    const back = await signedIdToken({ iss: AS, sub: 'alice', aud: 'spa', iat: 1, exp: 2 });
    const refreshed = await signedIdToken({ iss: AS, sub: 'alice', aud: 'spa', iat: 3, exp: 4 });
    const state = defaultAuthorizeParams.state;
    const exchanges = [
      authorize({ response_type: 'code id_token' }),
      ...frontChannelResponse({ code: CODE, id_token: front, state }),
      tokenWithIdToken(back, { body: { refresh_token: 'rt-1' } }),
      refreshWithIdToken(refreshed, 'rt-1'),
    ];
    const { flows } = await analyze(exchanges, []);
    const tokens = idTokensOf(flows[0]!);
    expect(tokens.map((t) => [t.source, t.token, t.exchange.id])).toEqual([
      ['authorization-response', front, exchanges[1]!.id],
      ['token-response', back, exchanges[3]!.id],
      ['refresh-response', refreshed, exchanges[4]!.id],
    ]);
    expect(tokens[0]!.exchanges.map((e) => e.id)).toEqual([exchanges[1]!.id, exchanges[2]!.id]);
    expect(tokens.every((t) => t.decoded.ok)).toBe(true);
  });

  it('lists a token delivered twice once, with both exchanges', async () => {
    const idToken = await signedIdToken();
    const state = defaultAuthorizeParams.state;
    const exchanges = [authorize(), ...callback({ code: CODE, state, iss: AS }), tokenWithIdToken(idToken), tokenWithIdToken(idToken)];
    const { flows } = await analyze(exchanges, []);
    const tokens = idTokensOf(flows[0]!);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.exchanges.map((e) => e.id)).toEqual([exchanges[3]!.id, exchanges[4]!.id]);
  });

  it('leaves an undecodable one to the flow notes, refresh responses included', async () => {
    const state = defaultAuthorizeParams.state;
    const exchanges = [
      authorize(),
      ...callback({ code: CODE, state, iss: AS }),
      tokenWithIdToken(await signedIdToken(), { body: { refresh_token: 'rt-1' } }),
      refreshWithIdToken('not-a-jwt', 'rt-1'),
    ];
    const { flows } = await analyze(exchanges, []);
    expect(idTokensOf(flows[0]!).map((t) => t.decoded.ok)).toEqual([true, false]);
    expect(flows[0]!.notes).toContainEqual(expect.stringContaining('id_token does not decode as a JWT'));
  });
});
