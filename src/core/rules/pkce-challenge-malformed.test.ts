import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, CHALLENGE, goodFlow, resetBuilders, VERIFIER } from '../../../tests/support/build.ts';
import { par, parAuthorize } from '../../../tests/support/pkce-and-code.ts';
import rule from './pkce-challenge-malformed.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);

describe('pkce-challenge-malformed', () => {
  beforeEach(resetBuilders);

  it('passes a 43-character unpadded base64url S256 challenge', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('passes a well-formed plain challenge (pkce-plain-method speaks about the method)', async () => {
    expect(await findingsOf([authorize({ code_challenge: VERIFIER, code_challenge_method: 'plain' })])).toEqual([]);
  });

  it.each([
    ['padded', `${CHALLENGE}=`, /'=' \(padding\)/],
    ['standard base64', `${CHALLENGE.slice(0, 41)}+/`, /'\+', '\/'/],
    ['a hex digest', 'a'.repeat(64), /exactly 43 characters.*has 64/],
    ['truncated', CHALLENGE.slice(0, 42), /has 42/],
  ])('reports an S256 challenge that is %s', async (_name, challenge, problem) => {
    const exchanges = [authorize({ code_challenge: challenge })];
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'pkce-challenge-malformed',
      severity: 'error',
      flowId: `flow-${exchanges[0]!.id}`,
      exchangeIds: [exchanges[0]!.id],
    });
    expect(findings[0]!.message).toMatch(problem);
    expect(findings[0]!.evidence).toContainEqual({ label: 'code_challenge', value: challenge });
  });

  it('reports a plain or method-less challenge outside 43–128 characters', async () => {
    const [finding] = await findingsOf([authorize({ code_challenge: 'short', code_challenge_method: undefined })]);
    expect(finding!.message).toMatch(/no method: plain applies.*length 5 is outside 43–128/);
  });

  it('checks pushed parameters', async () => {
    const [finding] = await findingsOf([par({ code_challenge: `${CHALLENGE}=` }), parAuthorize()]);
    expect(finding).toMatchObject({ ruleId: 'pkce-challenge-malformed', exchangeIds: ['x1', 'x2'] });
  });
});
