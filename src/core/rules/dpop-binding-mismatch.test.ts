import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AS, authorize, callback, exchange, jsonBody, resetBuilders, token } from '../../../tests/support/build.ts';
import { type DpopKey, dpopKey, dpopProof } from '../../../tests/support/dpop.ts';
import { recorded, recordedIdsNotExpecting } from '../../../tests/support/id-tokens.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';
import type { Exchange } from '../model.ts';
import rule from './dpop-binding-mismatch.ts';

const findingsOf = findingsOfRule(rule);
const CODE = 'SplxlOBeZQQYbYS6WxSbIA';
const STATE = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';
const ACCESS_TOKEN = 'dpop-bound-access-token';
let first: DpopKey;
let second: DpopKey;

beforeAll(async () => {
  [first, second] = await Promise.all([dpopKey(), dpopKey()]);
});

async function dpopToken(
  key: DpopKey,
  params: Record<string, string | undefined> = {},
  body: Record<string, unknown> = {},
): Promise<Exchange> {
  return token(params, {
    requestHeaders: { 'content-type': 'application/x-www-form-urlencoded', dpop: await dpopProof(key, 'POST', `${AS}/token`) },
    responseBody: jsonBody({ access_token: ACCESS_TOKEN, token_type: 'DPoP', expires_in: 3600, refresh_token: 'rt-1', ...body }),
  });
}

const signIn = (jkt?: string) => [authorize(jkt ? { dpop_jkt: jkt } : {}), ...callback({ code: CODE, state: STATE })];
const refresh = (key: DpopKey) =>
  dpopToken(key, {
    grant_type: 'refresh_token',
    refresh_token: 'rt-1',
    code: undefined,
    code_verifier: undefined,
    redirect_uri: undefined,
  });
const api = (scheme: string) =>
  exchange({
    url: 'https://api.example/me',
    initiator: 'fetch',
    status: 200,
    requestHeaders: { authorization: `${scheme} ${ACCESS_TOKEN}` },
  });

describe('dpop-binding-mismatch', () => {
  beforeEach(resetBuilders);

  it('is silent when one key is used throughout, and the token is sent with the DPoP scheme', async () => {
    expect(await findingsOf([...signIn(first.thumbprint), await dpopToken(first), await refresh(first), api('DPoP')])).toEqual([]);
  });

  it('reports a token request proving another key than dpop_jkt', async () => {
    const [finding] = await findingsOf([...signIn(first.thumbprint), await dpopToken(second)]);
    expect(finding).toMatchObject({ ruleId: 'dpop-binding-mismatch', severity: 'error' });
    expect(finding!.evidence).toContainEqual({ label: 'proof key thumbprint (RFC 7638)', value: second.thumbprint });
  });

  it('reports a refresh proved with another key', async () => {
    const [finding] = await findingsOf([...signIn(), await dpopToken(first), await refresh(second)]);
    expect(finding!.message).toContain('refresh request proves another DPoP key');
  });

  it('reports a DPoP-bound token sent as Bearer, once', async () => {
    const findings = await findingsOf([...signIn(), await dpopToken(first), api('Bearer'), api('Bearer')]);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.evidence).toContainEqual({ label: 'access_token', value: ACCESS_TOKEN, secret: true });
  });

  it('is silent on a Bearer token that is not DPoP-bound', async () => {
    expect(await findingsOf([...signIn(), await dpopToken(first, {}, { token_type: 'Bearer' }), api('Bearer')])).toEqual([]);
  });

  it.each(recordedIdsNotExpecting('dpop-binding-mismatch'))('is silent on the recorded demo sign-in %s', async (id) => {
    expect(await findingsOf(recorded(id))).toEqual([]);
  });
});
