import { beforeEach, describe, expect, it } from 'vitest';
import { advance, authorize, callback, formPostCallback, goodFlow, resetBuilders, token } from '../../../tests/support/build.ts';
import rule from './code-exchange-late.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const STATE = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';

/** authorize → callback (AS redirect + arrival) → wait → token. */
function lateFlow(waitMs: number, tokenInit: Parameters<typeof token>[1] = {}) {
  const before = [authorize(), ...callback({ code: 'c1', state: STATE })];
  advance(waitMs);
  return [...before, token({ code: 'c1' }, tokenInit)];
}

describe('code-exchange-late', () => {
  beforeEach(resetBuilders);

  it('passes an immediate exchange', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('passes an exchange just under a minute after the callback', async () => {
    // The AS redirect is at t, the token request at t + 200 ms (arrival, token) + the wait.
    expect(await findingsOf(lateFlow(59_700))).toEqual([]);
  });

  it('notes a delay of more than 60 s (info: no requirement is broken yet)', async () => {
    const exchanges = lateFlow(90_000);
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'code-exchange-late',
      severity: 'info',
      flowId: `flow-${exchanges[0]!.id}`,
      exchangeIds: [exchanges[1]!.id, exchanges[3]!.id],
    });
    expect(findings[0]!.message).toMatch(/90\.2 s after the authorization response/);
    expect(findings[0]!.evidence).toContainEqual({ label: 'delay', value: '90.2 s' });
  });

  // RFC 6749 §4.1.2: a 10-minute maximum lifetime is RECOMMENDED.
  it('is a warning after more than 600 s, and shows the token response', async () => {
    const exchanges = lateFlow(700_000, { status: 400 });
    const [finding] = await findingsOf(exchanges);
    expect(finding).toMatchObject({ severity: 'warning' });
    expect(finding!.message).toMatch(/10-minute/);
    expect(finding!.evidence).toContainEqual({ label: 'token response', value: '400' });
  });

  it('measures from the callback, not the authorization request', async () => {
    const auth = authorize();
    advance(700_000);
    expect(await findingsOf([auth, ...callback({ code: 'c1', state: STATE }), token({ code: 'c1' })])).toEqual([]);
  });

  it('measures a form_post callback from its POST', async () => {
    const cb = formPostCallback({ code: 'c1', state: STATE });
    advance(120_000);
    const [finding] = await findingsOf([authorize({}, { time: cb.time - 1000 }), cb, token({ code: 'c1' })]);
    expect(finding).toMatchObject({ severity: 'info', exchangeIds: [cb.id, 'x3'] });
  });

  it('judges only the first exchange of a code (a late replay is code-replayed)', async () => {
    const flow = goodFlow();
    advance(700_000);
    expect(await findingsOf([...flow, token()])).toEqual([]);
  });

  it('says nothing without the callback', async () => {
    advance(700_000);
    expect(await findingsOf([token()])).toEqual([]);
  });
});
