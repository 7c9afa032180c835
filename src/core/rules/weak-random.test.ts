import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, callback, goodFlow, resetBuilders, token } from '../../../tests/support/build.ts';
import rule from './weak-random.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const RANDOM = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';

describe('weak-random', () => {
  beforeEach(resetBuilders);

  it('passes random state, nonce and verifier (RFC 7636 App. B)', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('warns about a short state, showing it', async () => {
    const [auth] = goodFlow({ authorize: { state: 'af0ifjsldkj' } });
    const findings = await findingsOf([auth!]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'weak-random', severity: 'warning', flowId: `flow-${auth!.id}`, exchangeIds: [auth!.id] });
    expect(findings[0]!.message).toMatch(/^The state is estimated at \d+ bits of entropy \(11 characters\), below 128\.$/);
    expect(findings[0]!.evidence).toContainEqual({ label: 'state', value: 'af0ifjsldkj' });
  });

  it('warns about a repetitive nonce', async () => {
    const [finding] = await findingsOf([authorize({ nonce: 'abcabcabcabcabcabcabcabcabcabcabcabcabcabc' })]);
    expect(finding!.message).toContain('The nonce is estimated at');
    expect(finding!.evidence).toContainEqual({ label: 'estimator', value: 'repeat' });
  });

  it('warns about a weak verifier without showing it', async () => {
    const verifier = '0000000000000000000000000000000000000000001';
    const auth = authorize({ code_challenge: verifier, code_challenge_method: 'plain' });
    const request = token({ code_verifier: verifier });
    const findings = await findingsOf([auth, ...callback({ code: 'SplxlOBeZQQYbYS6WxSbIA', state: RANDOM }), request]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ flowId: `flow-${auth.id}`, exchangeIds: [request.id] });
    expect(findings[0]!.message).toContain('PKCE code_verifier');
    expect(findings[0]!.message).not.toContain(verifier);
    expect(findings[0]!.evidence).toContainEqual({ label: 'code_verifier', value: verifier, secret: true });
  });

  it('counts a dashed UUID by its version', async () => {
    const [v4] = await findingsOf([authorize({ state: '3f0c9a1e-8b7d-4c2a-9e6f-1a2b3c4d5e6f' })]);
    expect(v4!.message).toBe('The state is estimated at 122 bits of entropy (36 characters, a version-4 UUID), below 128.');
    resetBuilders();
    const [v7] = await findingsOf([authorize({ state: '019a4f3e-8b7d-7c2a-9e6f-1a2b3c4d5e6f' })]);
    expect(v7!.message).toContain('74 bits');
  });

  it('warns about values counting up across flows, each of them', async () => {
    const auths = [1, 2, 3].map((n) => authorize({ state: `${RANDOM}${n}` }));
    const findings = await findingsOf(auths);
    expect(findings.map((f) => f.flowId)).toEqual(auths.map((a) => `flow-${a.id}`));
    expect(findings[2]!.message).toBe('The state counts up by 1 across 3 flows, so the next one can be predicted.');
    // Each finding names its neighbours in the sequence, not every member (that would grow quadratically).
    expect(findings[2]!.exchangeIds).toEqual([auths[2]!.id, auths[1]!.id]);
    expect(findings[2]!.evidence).toContainEqual({ label: `state of flow-${auths[1]!.id}`, value: `${RANDOM}2` });
    expect(findings[2]!.evidence).toContainEqual({ label: 'sequence length', value: `3 flows, from flow-${auths[0]!.id}` });
    expect(findings[1]!.exchangeIds).toEqual([auths[1]!.id, auths[0]!.id, auths[2]!.id]);
  });

  it('combines both reasons for a counter', async () => {
    const findings = await findingsOf(['10', '20', '30'].map((state) => authorize({ state })));
    expect(findings).toHaveLength(3);
    expect(findings[0]!.message).toMatch(/^The state is estimated at \d+ bits .*, and counts up by 10 across 3 flows/);
  });

  it('does not see a sequence in two flows', async () => {
    expect(await findingsOf([authorize({ state: `${RANDOM}1` }), authorize({ state: `${RANDOM}2` })])).toEqual([]);
  });

  it('notes a state over 128 characters or outside the URL-safe set (info)', async () => {
    const long = `${RANDOM}${RANDOM}${RANDOM}${RANDOM}${RANDOM}`;
    const [tooLong] = await findingsOf([authorize({ state: long })]);
    expect(tooLong).toMatchObject({ severity: 'info' });
    expect(tooLong!.message).toContain('160 characters long');

    resetBuilders();
    const [unsafe] = await findingsOf([authorize({ state: 'q83vEjRWeJq8PxAy/xO+Aw8Kj2Lm9Nq1Rs3Tu5Vw7Xy==' })]);
    expect(unsafe).toMatchObject({ severity: 'info' });
    expect(unsafe!.message).toContain('outside [A-Za-z0-9-._~]');
    expect(unsafe!.evidence).toContainEqual({ label: 'characters outside the URL-safe set', value: "U+002F '/', U+002B '+', U+003D '='" });
  });

  it('gives a weak, unsafe state both findings', async () => {
    const findings = await findingsOf([authorize({ state: 'a b' })]);
    expect(findings.map((f) => f.severity).sort()).toEqual(['info', 'warning']);
  });
});
