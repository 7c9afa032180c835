import { describe, expect, it } from 'vitest';
import { challengeProblems, checkPkce, s256, verifierProblems } from './pkce.ts';

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('S256 (RFC 7636 §4.2)', () => {
  it('reproduces the Appendix B test vector', async () => {
    expect(await s256(VERIFIER)).toBe(CHALLENGE);
  });

  it('matches with S256, and with plain when the verifier is the challenge', async () => {
    expect(await checkPkce({ challenge: CHALLENGE, method: 'S256', verifier: VERIFIER })).toMatchObject({
      status: 'match',
      computedS256: CHALLENGE,
    });
    expect(await checkPkce({ challenge: VERIFIER, method: 'plain', verifier: VERIFIER })).toMatchObject({ status: 'match' });
    expect(await checkPkce({ challenge: VERIFIER, verifier: VERIFIER })).toMatchObject({ status: 'match', method: 'absent' });
  });

  it('says what is missing instead of guessing', async () => {
    expect(await checkPkce({ verifier: VERIFIER })).toMatchObject({ status: 'no-challenge', computedS256: CHALLENGE });
    expect(await checkPkce({ challenge: CHALLENGE, method: 'S256' })).toMatchObject({ status: 'no-verifier' });
  });
});

describe('near misses are diagnosed by name', () => {
  const hexOf = async (v: string) => Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(v))).toString('hex');
  const cases: [string, Parameters<typeof checkPkce>[0] | (() => Promise<Parameters<typeof checkPkce>[0]>)][] = [
    ['verifier-whitespace', { challenge: CHALLENGE, method: 'S256', verifier: `${VERIFIER}\n` }],
    ['verifier-whitespace', async () => ({ challenge: await s256(`${VERIFIER}\n`), method: 'S256', verifier: VERIFIER })],
    ['challenge-padded', { challenge: `${CHALLENGE}=`, method: 'S256', verifier: VERIFIER }],
    [
      'challenge-standard-base64',
      async () => ({
        challenge: Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(VERIFIER))).toString('base64'),
        method: 'S256',
        verifier: VERIFIER,
      }),
    ],
    ['challenge-hex', async () => ({ challenge: await hexOf(VERIFIER), method: 'S256', verifier: VERIFIER })],
    ['method-omitted', { challenge: CHALLENGE, verifier: VERIFIER }],
    ['wrong-method', { challenge: CHALLENGE, method: 'plain', verifier: VERIFIER }],
    ['wrong-method', { challenge: VERIFIER, method: 'S256', verifier: VERIFIER }],
  ];
  it.each(cases)('%s', async (kind, input) => {
    const result = await checkPkce(typeof input === 'function' ? await input() : input);
    expect(result.status).toBe('mismatch');
    expect(result.nearMiss?.kind).toBe(kind);
    expect(result.nearMiss?.explanation).not.toContain(VERIFIER);
  });

  it('other-flow-verifier: the verifier answers another pending flow', async () => {
    const result = await checkPkce({ challenge: await s256('z'.repeat(43)), method: 'S256', verifier: VERIFIER }, (challenge, s256) =>
      challenge === CHALLENGE && s256 ? { flowId: 'flow-other', challenge: CHALLENGE, method: 'S256' } : undefined,
    );
    expect(result.nearMiss).toMatchObject({ kind: 'other-flow-verifier', otherFlowId: 'flow-other' });
  });

  it('a plain unrelated mismatch names no near miss', async () => {
    const result = await checkPkce({ challenge: CHALLENGE, method: 'S256', verifier: 'q'.repeat(43) });
    expect(result).toMatchObject({ status: 'mismatch' });
    expect(result.nearMiss).toBeUndefined();
  });
});

describe('syntax (RFC 7636 §4.1, §4.2, App. A)', () => {
  it('accepts the Appendix B values', () => {
    expect(verifierProblems(VERIFIER)).toEqual([]);
    expect(challengeProblems(CHALLENGE, 'S256')).toEqual([]);
  });

  it('names newline, padding, length', () => {
    expect(verifierProblems(`${VERIFIER}\n`).join()).toContain('a newline');
    expect(verifierProblems('short').join()).toContain('length 5');
    expect(challengeProblems(`${CHALLENGE}=`, 'S256').join()).toMatch(/padding.*43 characters/s);
    expect(challengeProblems('a+b/'.repeat(11), 'S256').join()).toContain("'+'");
  });
});
