import { beforeEach, describe, expect, it } from 'vitest';
import { goodFlow, resetBuilders, token, VERIFIER } from '../../../tests/support/build.ts';
import rule from './pkce-verifier-malformed.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);

describe('pkce-verifier-malformed', () => {
  beforeEach(resetBuilders);

  it('passes a 43-character unreserved verifier (RFC 7636 Appendix B)', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('passes the longest allowed verifier', async () => {
    expect(await findingsOf(goodFlow({ token: { code_verifier: 'a~b.c_d-'.repeat(16) } }))).toEqual([]);
  });

  it.each([
    ['too short', 'a'.repeat(42), /length 42 is outside 43–128/],
    ['too long', 'a'.repeat(129), /length 129 is outside 43–128/],
    ['a trailing newline', `${VERIFIER}\n`, /a newline/],
    ['padding', `${VERIFIER}=`, /'=' \(padding\)/],
    ["'+' and '/'", `${VERIFIER.slice(0, 41)}+/`, /'\+', '\/'/],
    ['a space (a form-decoded +)', `${VERIFIER.slice(0, 42)} `, /a space/],
  ])('reports %s', async (_name, verifier, problem) => {
    const exchanges = goodFlow({ token: { code_verifier: verifier } });
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'pkce-verifier-malformed',
      severity: 'error',
      flowId: `flow-${exchanges[0]!.id}`,
      exchangeIds: [exchanges[3]!.id],
    });
    expect(findings[0]!.message).toMatch(problem);
    expect(findings[0]!.message).not.toContain(verifier.trim());
    expect(findings[0]!.evidence).toContainEqual({ label: 'code_verifier', value: verifier, secret: true });
  });

  it('reports one verifier once per flow, even when the request is repeated', async () => {
    const exchanges = [...goodFlow({ token: { code_verifier: 'short' } }), token({ code_verifier: 'short' })];
    expect(await findingsOf(exchanges)).toHaveLength(1);
  });

  it('checks a token request whose authorization request was not seen', async () => {
    const [finding] = await findingsOf([token({ code_verifier: 'short' })]);
    expect(finding).toMatchObject({ ruleId: 'pkce-verifier-malformed' });
  });
});
