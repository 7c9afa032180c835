import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, callback, defaultAuthorizeParams, goodFlow, resetBuilders } from '../../../tests/support/build.ts';
import rule from './implicit-grant.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);

describe('implicit-grant', () => {
  beforeEach(resetBuilders);

  it('passes the code flow', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it.each(['token', 'id_token token', 'code token', 'code id_token token'])('warns about response_type=%s', async (responseType) => {
    const auth = authorize({ response_type: responseType });
    const findings = await findingsOf([auth]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'implicit-grant', severity: 'warning', flowId: `flow-${auth.id}`, exchangeIds: [auth.id] });
    expect(findings[0]!.evidence).toContainEqual({ label: 'response_type', value: responseType });
  });

  it.each(['id_token', 'code id_token', 'code', 'tokens', 'none'])('does not flag response_type=%s', async (responseType) => {
    expect(await findingsOf([authorize({ response_type: responseType })])).toEqual([]);
  });

  it('attaches the callback that carried the token', async () => {
    const auth = authorize({ response_type: 'token' });
    const [redirect] = callback({ access_token: 'at-1', state: defaultAuthorizeParams.state }, { mode: 'fragment' });
    const [finding] = await findingsOf([auth, redirect!]);
    expect(finding!.exchangeIds).toEqual([auth.id, redirect!.id]);
  });

  it('infers the implicit grant from an access token in the response when the request was not observed', async () => {
    const [redirect, arrival] = callback({ access_token: 'at-1', token_type: 'Bearer', state: 'x' }, { mode: 'fragment' });
    const [finding] = await findingsOf([redirect!, arrival!]);
    expect(finding).toMatchObject({ severity: 'warning', flowId: `flow-${redirect!.id}` });
    expect(finding!.message).toContain('not observable');
    expect(finding!.message).not.toContain('at-1');
    expect(finding!.evidence).toContainEqual({ label: 'access_token', value: 'at-1', secret: true });
  });
});
