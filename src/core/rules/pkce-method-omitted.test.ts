import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, callback, goodFlow, resetBuilders, token, VERIFIER } from '../../../tests/support/build.ts';
import { failedToken, par, parAuthorize } from '../../../tests/support/pkce-and-code.ts';
import rule from './pkce-method-omitted.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const STATE = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';

describe('pkce-method-omitted', () => {
  beforeEach(resetBuilders);

  it('passes a challenge sent with S256', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('passes an explicit plain method (pkce-plain-method speaks)', async () => {
    expect(await findingsOf([authorize({ code_challenge: VERIFIER, code_challenge_method: 'plain' })])).toEqual([]);
  });

  it('passes a flow without any challenge (pkce-missing speaks)', async () => {
    expect(await findingsOf([authorize({ code_challenge: undefined, code_challenge_method: undefined })])).toEqual([]);
  });

  it('warns when the method is omitted, before any exchange', async () => {
    const exchanges = [authorize({ code_challenge_method: undefined })];
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'pkce-method-omitted', severity: 'warning', flowId: `flow-${exchanges[0]!.id}` });
    expect(findings[0]!.message).toMatch(/applies plain/);
    expect(findings[0]!.evidence.find((e) => e.label === 'prediction')).toBeUndefined();
  });

  it('predicts invalid_grant when the challenge is the S256 of the verifier', async () => {
    const exchanges = [
      authorize({ code_challenge_method: undefined }),
      ...callback({ code: 'c1', state: STATE }),
      token({ code: 'c1' }, { status: undefined }),
    ];
    const [finding] = await findingsOf(exchanges);
    expect(finding).toMatchObject({ severity: 'warning', exchangeIds: [exchanges[0]!.id, exchanges[3]!.id] });
    expect(finding!.message).toMatch(/should fail with invalid_grant/);
    expect(finding!.evidence).toContainEqual({ label: 'prediction', value: 'invalid_grant (challenge = S256(verifier))' });
  });

  it('explains the failed token response', async () => {
    const [finding] = await findingsOf([
      authorize({ code_challenge_method: undefined }),
      ...callback({ code: 'c1', state: STATE }),
      failedToken({ code: 'c1' }),
    ]);
    expect(finding!.message).toMatch(/failed as expected \(400\)/);
    expect(finding!.evidence).toContainEqual({ label: 'token response', value: '400 invalid_grant' });
  });

  it('notes an AS that accepted an S256 challenge without the method', async () => {
    const [finding] = await findingsOf(goodFlow({ authorize: { code_challenge_method: undefined } }));
    expect(finding!.message).toMatch(/answered 200 anyway/);
  });

  // RFC 7636 §4.2: a client capable of S256 MUST use it; the verifier shows the flow ran on plain.
  it('is an error when the verifier is the challenge itself (plain in effect)', async () => {
    const [finding] = await findingsOf(goodFlow({ authorize: { code_challenge: VERIFIER, code_challenge_method: undefined } }));
    expect(finding).toMatchObject({ severity: 'error' });
    expect(finding!.message).not.toMatch(/invalid_grant/);
  });

  it('checks pushed parameters', async () => {
    const [finding] = await findingsOf([par({ code_challenge_method: undefined }), parAuthorize()]);
    expect(finding).toMatchObject({ ruleId: 'pkce-method-omitted', severity: 'warning' });
  });
});
