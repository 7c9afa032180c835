import { beforeEach, describe, expect, it } from 'vitest';
import { analyze } from '../analyze.ts';
import type { Exchange } from '../model.ts';
import {
  authorize,
  callback,
  defaultAuthorizeParams,
  defaultTokenParams,
  jsonBody,
  resetBuilders,
  token,
} from '../../../tests/support/build.ts';
import { demoFixture, refresh, tokens } from '../../../tests/support/token-responses.ts';
import rule from './refresh-token-not-rotated.ts';

const findingsOf = async (exchanges: Exchange[]) => (await analyze(exchanges, [rule])).findings;

function session(after: () => Exchange[]): { auth: Exchange; exchanges: Exchange[] } {
  const auth = authorize();
  const head = [
    auth,
    ...callback({ code: defaultTokenParams.code, state: defaultAuthorizeParams.state }),
    token({}, { responseBody: jsonBody(tokens('rt1')) }),
  ];
  return { auth, exchanges: [...head, ...after()] };
}

describe('refresh-token-not-rotated', () => {
  beforeEach(resetBuilders);

  it('passes a public client whose refresh tokens rotate', async () => {
    const { exchanges } = session(() => [refresh('rt1', tokens('rt2')), refresh('rt2', tokens('rt3'))]);
    expect(await findingsOf(exchanges)).toEqual([]);
  });

  it('reports a public refresh response without a new refresh_token', async () => {
    let unrotated!: Exchange;
    const { auth, exchanges } = session(() => [(unrotated = refresh('rt1', tokens()))]);
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'refresh-token-not-rotated',
      severity: 'warning',
      flowId: `flow-${auth.id}`,
      exchangeIds: [unrotated.id],
    });
    expect(findings[0]!.message).toBe(
      'The refresh response to a public client (client spa) carries no new refresh_token, and nothing shows the token is sender-constrained (no DPoP), so a leaked refresh token stays usable.',
    );
    expect(findings[0]!.evidence).toContainEqual({ label: 'refresh_token presented', value: 'rt1', secret: true });
    expect(findings[0]!.evidence).toContainEqual({ label: 'refresh_token in response', value: '(absent)' });
    expect(findings[0]!.evidence).toContainEqual({ label: 'token_type', value: 'Bearer' });
  });

  it('reports the same refresh_token handed back, once per flow for several refreshes', async () => {
    let a!: Exchange;
    let b!: Exchange;
    const { exchanges } = session(() => [(a = refresh('rt1', tokens('rt1'))), (b = refresh('rt1', tokens('rt1')))]);
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain('returns the same refresh_token');
    expect(findings[0]!.message).toContain('(2 refreshes)');
    expect(findings[0]!.exchangeIds).toEqual([a.id, b.id]);
    expect(findings[0]!.evidence).toContainEqual({ label: 'refresh_token in response', value: 'rt1', secret: true });
    expect(findings[0]!.message).not.toContain('rt1');
  });

  it('accepts sender-constrained tokens: token_type DPoP (any case) or a DPoP proof on the request', async () => {
    for (const after of [
      () => [refresh('rt1', tokens(undefined, { token_type: 'DPoP' }))],
      () => [refresh('rt1', tokens(undefined, { token_type: 'dpop' }))],
      () => [refresh('rt1', tokens(), { requestHeaders: { 'content-type': 'application/x-www-form-urlencoded', dpop: 'eyJ.proof.sig' } })],
    ]) {
      resetBuilders();
      expect(await findingsOf(session(after).exchanges)).toEqual([]);
    }
  });

  it('leaves confidential clients alone (Basic, client_secret, client_assertion)', async () => {
    for (const init of [
      { requestHeaders: { authorization: `Basic ${btoa('spa:secret')}` } },
      { requestHeaders: { authorization: 'Basic !!not-base64!!' } },
      { params: { client_secret: 'secret' } },
      { params: { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: 'eyJ.a.b' } },
    ]) {
      resetBuilders();
      expect(await findingsOf(session(() => [refresh('rt1', tokens(), init)]).exchanges)).toEqual([]);
    }
  });

  it('says nothing when the body was not observed or the refresh failed', async () => {
    const unseen = session(() => [refresh('rt1', undefined)]);
    expect(await findingsOf(unseen.exchanges)).toEqual([]);
    resetBuilders();
    const failed = session(() => [refresh('rt1', { error: 'invalid_grant' }, { status: 400 })]);
    expect(await findingsOf(failed.exchanges)).toEqual([]);
  });

  it('ignores code exchanges without a refresh token (no refresh grant to judge)', async () => {
    expect(await findingsOf(session(() => []).exchanges)).toEqual([]);
  });

  it('stays quiet on the recorded rotating refreshes', async () => {
    expect(await findingsOf(demoFixture('refresh'))).toEqual([]);
    expect(await findingsOf(demoFixture('refresh-token-reused'))).toEqual([]);
  });
});
