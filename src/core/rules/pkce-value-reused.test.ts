import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, callback, CHALLENGE, goodFlow, resetBuilders, token, VERIFIER } from '../../../tests/support/build.ts';
import { s256 } from '../pkce.ts';
import rule from './pkce-value-reused.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);

/** A complete flow with its own state and code, and the given PKCE values. */
const flow = (n: number, verifier = VERIFIER, challenge = CHALLENGE) => [
  authorize({ state: `state-${n}-0123456789abcdef`, code_challenge: challenge }),
  ...callback({ code: `code-${n}`, state: `state-${n}-0123456789abcdef` }),
  token({ code: `code-${n}`, code_verifier: verifier }),
];

describe('pkce-value-reused', () => {
  beforeEach(resetBuilders);

  it('passes flows with fresh values', async () => {
    const otherVerifier = 'another-verifier-of-43-characters-0123456789';
    expect(await findingsOf([...flow(1), ...flow(2, otherVerifier, await s256(otherVerifier))])).toEqual([]);
  });

  it('passes a single flow whose code is exchanged twice (code-replayed speaks)', async () => {
    expect(await findingsOf([...goodFlow(), token()])).toEqual([]);
  });

  it('reports a verifier and challenge pair used in two flows once per value, on the later flow', async () => {
    const first = flow(1);
    const second = flow(2);
    const findings = await findingsOf([...first, ...second]);
    expect(findings).toHaveLength(2);
    for (const finding of findings) {
      expect(finding).toMatchObject({ ruleId: 'pkce-value-reused', severity: 'error', flowId: `flow-${second[0]!.id}` });
      expect(finding.evidence).toContainEqual({ label: 'also used in flow', value: `flow-${first[0]!.id}` });
    }
    const verifier = findings.find((f) => f.evidence.some((e) => e.label === 'code_verifier'))!;
    expect(verifier.evidence).toContainEqual({ label: 'code_verifier', value: VERIFIER, secret: true });
    expect(verifier.message).not.toContain(VERIFIER);
    expect(verifier.exchangeIds).toEqual([first[3]!.id, second[3]!.id]);
    const challenge = findings.find((f) => f.evidence.some((e) => e.label === 'code_challenge'))!;
    expect(challenge.evidence).toContainEqual({ label: 'code_challenge', value: CHALLENGE, secret: false });
  });

  it('reports a challenge reused by a flow that has not reached /token', async () => {
    const first = flow(1);
    const second = authorize({ state: 'state-2-0123456789abcdef' });
    const findings = await findingsOf([...first, second]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ flowId: `flow-${second.id}` });
    expect(findings[0]!.message).toMatch(/same PKCE challenge is used in 2 flows/);
  });

  it('names every other flow when a value is used three times, in one finding', async () => {
    const exchanges = [
      authorize({ state: 'a-0123456789abcdef' }),
      authorize({ state: 'b-0123456789abcdef' }),
      authorize({ state: 'c-0123456789abcdef' }),
    ];
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.flowId).toBe(`flow-${exchanges[2]!.id}`);
    expect(findings[0]!.evidence.filter((e) => e.label === 'also used in flow').map((e) => e.value)).toEqual([
      `flow-${exchanges[0]!.id}`,
      `flow-${exchanges[1]!.id}`,
    ]);
  });

  it('reports one finding for a plain value used as challenge and verifier across flows', async () => {
    const plain = (n: number) => [
      authorize({ state: `state-${n}-0123456789abcdef`, code_challenge: VERIFIER, code_challenge_method: 'plain' }),
      ...callback({ code: `code-${n}`, state: `state-${n}-0123456789abcdef` }),
      token({ code: `code-${n}` }),
    ];
    const findings = await findingsOf([...plain(1), ...plain(2)]);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toMatch(/as verifier and challenge/);
    expect(findings[0]!.evidence[0]).toMatchObject({ secret: true });
  });

  it('does not count one authorization request re-sent (reload) as two flows', async () => {
    const reloaded = authorize();
    expect(await findingsOf([reloaded, ...goodFlow()])).toEqual([]);
  });
});
