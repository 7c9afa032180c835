import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AS, exchange, resetBuilders, token } from '../../../tests/support/build.ts';
import { ath, type DpopKey, dpopKey, dpopProof } from '../../../tests/support/dpop.ts';
import { recorded, recordedIdsNotExpecting } from '../../../tests/support/id-tokens.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';
import rule from './dpop-proof-invalid.ts';

const findingsOf = findingsOfRule(rule);
const TOKEN_URL = `${AS}/token`;
const API = 'https://api.example/v1/me';
let key: DpopKey;

beforeAll(async () => {
  key = await dpopKey();
});

const tokenWithProof = (proof: string, init: Parameters<typeof token>[1] = {}) =>
  token({}, { ...init, requestHeaders: { 'content-type': 'application/x-www-form-urlencoded', dpop: proof } });
const apiCall = (proof: string, accessToken = 'at-123', url = API) =>
  exchange({ url, initiator: 'fetch', status: 200, requestHeaders: { authorization: `DPoP ${accessToken}`, dpop: proof } });

describe('dpop-proof-invalid', () => {
  beforeEach(resetBuilders);

  it('is silent on correct proofs at the token endpoint and at a resource server', async () => {
    const atProof = await dpopProof(key, 'GET', `${API}?page=2`, { claims: { ath: await ath('at-123') } });
    expect(
      await findingsOf([tokenWithProof(await dpopProof(key, 'POST', TOKEN_URL)), apiCall(atProof, 'at-123', `${API}?page=2`)]),
    ).toEqual([]);
  });

  it('normalises htu as a URL (host case, default port)', async () => {
    expect(await findingsOf([tokenWithProof(await dpopProof(key, 'POST', 'https://AS.example:443/token'))])).toEqual([]);
  });

  it.each([
    ['typ', { header: { typ: 'JWT' } }],
    ['jwk', { header: { jwk: undefined } }],
    ['htm', { claims: { htm: 'GET' } }],
    ['htu', { claims: { htu: `${AS}/other` } }],
    ['jti', { claims: { jti: undefined } }],
  ] as const)('reports a wrong or missing %s', async (check, overrides) => {
    const [finding] = await findingsOf([tokenWithProof(await dpopProof(key, 'POST', TOKEN_URL, overrides))]);
    expect(finding).toMatchObject({ ruleId: 'dpop-proof-invalid', severity: 'error' });
    expect(finding!.evidence.map((e) => e.label)).toContain(`failed: ${check}`);
  });

  it('reports private key members in the jwk, and a proof its own key does not verify', async () => {
    const other = await dpopKey();
    const [leaked] = await findingsOf([
      tokenWithProof(await dpopProof(key, 'POST', TOKEN_URL, { header: { jwk: { ...key.jwk, d: 'secret' } } })),
    ]);
    expect(leaked!.message).toContain('jwk');
    resetBuilders();
    const [forged] = await findingsOf([tokenWithProof(await dpopProof(key, 'POST', TOKEN_URL, { header: { jwk: other.jwk } }))]);
    expect(forged!.message).toContain('signature');
  });

  it('reports alg none', async () => {
    const unsigned = `${btoa(JSON.stringify({ typ: 'dpop+jwt', alg: 'none', jwk: key.jwk })).replace(/=+$/, '')}.${btoa(
      JSON.stringify({ htm: 'POST', htu: TOKEN_URL, jti: 'j1' }),
    ).replace(/=+$/, '')}.`;
    const [finding] = await findingsOf([tokenWithProof(unsigned)]);
    expect(finding!.evidence.map((e) => e.label)).toContain('failed: alg');
  });

  it('reports a jti used again by an answered request, not a retry of an unanswered one', async () => {
    const proof = await dpopProof(key, 'POST', TOKEN_URL);
    const [finding] = await findingsOf([tokenWithProof(proof), tokenWithProof(proof)]);
    expect(finding!.evidence.map((e) => e.label)).toContain('failed: jti');
    resetBuilders();
    expect(await findingsOf([tokenWithProof(proof, { status: undefined }), tokenWithProof(proof)])).toEqual([]);
  });

  it('reports ath absent or wrong at a resource server', async () => {
    const [absent] = await findingsOf([apiCall(await dpopProof(key, 'GET', API))]);
    expect(absent!.evidence.map((e) => e.label)).toContain('failed: ath');
    resetBuilders();
    const [wrong] = await findingsOf([apiCall(await dpopProof(key, 'GET', API, { claims: { ath: await ath('another') } }))]);
    expect(wrong!.message).toContain('ath');
  });

  it.each(recordedIdsNotExpecting('dpop-proof-invalid'))('is silent on the recorded demo sign-in %s', async (id) => {
    expect(await findingsOf(recorded(id))).toEqual([]);
  });
});
