import { beforeEach, describe, expect, it } from 'vitest';
import { analyze } from '../analyze.ts';
import { authorize, callback, goodFlow, resetBuilders, token, VERIFIER } from '../../../tests/support/build.ts';
import { failedToken, requestObject } from '../../../tests/support/pkce-and-code.ts';
import rule from './pkce-downgrade.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const NO_PKCE = { code_challenge: undefined, code_challenge_method: undefined };
const STATE = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';

describe('pkce-downgrade', () => {
  beforeEach(resetBuilders);

  it('passes a verifier that answers a challenge', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('reports a verifier for a flow without a challenge, and flags an AS that answered 2xx', async () => {
    const exchanges = goodFlow({ authorize: NO_PKCE });
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'pkce-downgrade',
      severity: 'error',
      flowId: `flow-${exchanges[0]!.id}`,
      exchangeIds: [exchanges[0]!.id, exchanges[3]!.id],
    });
    expect(findings[0]!.message).toMatch(/answered 200: it must reject it/);
    expect(findings[0]!.message).not.toContain(VERIFIER);
    expect(findings[0]!.evidence).toContainEqual({ label: 'code_verifier', value: VERIFIER, secret: true });
    expect(findings[0]!.evidence).toContainEqual({ label: 'authorization server', value: 'accepted a verifier without a challenge' });
  });

  it('reports a downgrade the AS rejected without blaming the AS', async () => {
    const [finding] = await findingsOf([authorize(NO_PKCE), ...callback({ code: 'c1', state: STATE }), failedToken({ code: 'c1' })]);
    expect(finding).toMatchObject({ severity: 'error' });
    expect(finding!.message).toMatch(/never sent or was stripped/);
    expect(finding!.evidence).toContainEqual({ label: 'token response status', value: '400' });
  });

  it('says nothing without a verifier, or without the authorization request', async () => {
    expect(await findingsOf(goodFlow({ authorize: NO_PKCE, token: { code_verifier: undefined } }))).toEqual([]);
    resetBuilders();
    expect(await findingsOf([token()])).toEqual([]);
  });

  it('takes the challenge carried by a request object into account', async () => {
    const request = requestObject({ code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
    expect(await findingsOf(goodFlow({ authorize: { ...NO_PKCE, request } }))).toEqual([]);
  });

  it('ignores other grant types', async () => {
    const exchanges = [
      authorize(NO_PKCE),
      ...callback({ code: 'c1', state: STATE }),
      token({ grant_type: 'urn:example:custom', code: 'c1' }),
    ];
    expect((await analyze(exchanges, [rule])).flows[0]!.codeExchanges).toHaveLength(1);
    expect(await findingsOf(exchanges)).toEqual([]);
  });
});
