import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, callback, CHALLENGE, goodFlow, resetBuilders, token, VERIFIER } from '../../../tests/support/build.ts';
import { s256 } from '../pkce.ts';
import rule from './pkce-challenge-mismatch.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);

describe('pkce-challenge-mismatch', () => {
  beforeEach(resetBuilders);

  it('passes when S256(verifier) equals the challenge (RFC 7636 Appendix B)', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('reports a verifier that does not answer the challenge', async () => {
    const findings = await findingsOf(goodFlow({ token: { code_verifier: 'x'.repeat(43) } }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'pkce-challenge-mismatch', severity: 'error' });
    expect(findings[0]!.evidence.find((e) => e.label === 'code_verifier')).toMatchObject({ secret: true });
  });

  it('names a trailing newline on the verifier', async () => {
    const [finding] = await findingsOf(goodFlow({ token: { code_verifier: `${VERIFIER}\n` } }));
    expect(finding!.evidence).toContainEqual({ label: 'near miss', value: 'verifier-whitespace' });
  });

  it('names a padded challenge', async () => {
    const [finding] = await findingsOf(goodFlow({ authorize: { code_challenge: `${CHALLENGE}=` } }));
    expect(finding!.evidence).toContainEqual({ label: 'near miss', value: 'challenge-padded' });
  });

  it('names an omitted method (plain applies)', async () => {
    const [finding] = await findingsOf(goodFlow({ authorize: { code_challenge_method: undefined } }));
    expect(finding!.evidence).toContainEqual({ label: 'near miss', value: 'method-omitted' });
  });

  it('names the verifier of another pending flow', async () => {
    const otherVerifier = 'another-verifier-of-43-characters-0123456789';
    const a = authorize({ state: 'state-a' });
    const b = authorize({ state: 'state-b', code_challenge: await s256(otherVerifier) });
    const exchanges = [a, b, ...callback({ code: 'code-a', state: 'state-a' }), token({ code: 'code-a', code_verifier: otherVerifier })];
    const [finding] = await findingsOf(exchanges);
    expect(finding!.evidence).toContainEqual({ label: 'near miss', value: 'other-flow-verifier' });
    expect(finding!.flowId).toBe(`flow-${a.id}`);
  });
});
