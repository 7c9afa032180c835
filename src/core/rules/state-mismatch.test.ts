import { beforeEach, describe, expect, it } from 'vitest';
import { APP, authorize, callback, formPostCallback, goodFlow, resetBuilders, token } from '../../../tests/support/build.ts';
import { authorizeByReference, unsignedJwt } from '../../../tests/support/state-redirect-client.ts';
import rule from './state-mismatch.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);

describe('state-mismatch', () => {
  beforeEach(resetBuilders);

  it('passes a flow whose callback echoes the state', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('reports a callback state that matches no earlier request to the same redirect_uri', async () => {
    const auth = authorize({ state: 'state-sent-by-the-client' });
    const [redirect, arrival] = callback({ code: 'c1', state: 'state-nobody-sent' });
    const findings = await findingsOf([auth, redirect!, arrival!, token({ code: 'c1' })]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'state-mismatch', severity: 'error', flowId: `flow-${redirect!.id}` });
    expect(findings[0]!.exchangeIds).toEqual([redirect!.id, arrival!.id, auth.id]);
    expect(findings[0]!.evidence).toContainEqual({ label: 'state returned', value: 'state-nobody-sent' });
    expect(findings[0]!.evidence).toContainEqual({
      label: 'state sent (earlier request to this redirect_uri)',
      value: 'state-sent-by-the-client',
    });
    expect(findings[0]!.evidence.some((e) => e.label === 'near miss')).toBe(false);
  });

  it('stays silent when no authorization request to that redirect_uri was observed (capture started mid-flow)', async () => {
    expect(await findingsOf([...callback({ code: 'c1', state: 'from-before-the-capture' })])).toEqual([]);
    resetBuilders();
    const elsewhere = authorize({ state: 'other', redirect_uri: `${APP}/other-callback` });
    expect(await findingsOf([elsewhere, ...callback({ code: 'c1', state: 'from-before-the-capture' })])).toEqual([]);
  });

  it('does not count an authorization request sent after the callback', async () => {
    const cb = callback({ code: 'c1', state: 'early' });
    expect(await findingsOf([...cb, authorize({ state: 'late' })])).toEqual([]);
  });

  it('stays silent when an earlier request state is unreadable or only in a request object', async () => {
    expect(await findingsOf([authorizeByReference(), authorize({ state: 'x' }), ...callback({ code: 'c', state: 'y' })])).toEqual([]);
    resetBuilders();
    const object = unsignedJwt({ alg: 'RS256' }, { state: 'jar-state', redirect_uri: `${APP}/cb` });
    expect(await findingsOf([authorize({ state: undefined, request: object }), ...callback({ code: 'c', state: 'jar-state' })])).toEqual(
      [],
    );
  });

  it.each([
    ['plus-as-space', 'abc+def+0123456789', 'abc def 0123456789'],
    ['encoded-twice', 'a/b=c', 'a%2Fb%3Dc'],
    ['whitespace', 'state-value-1234', 'state-value-1234\n'],
    ['truncated', 'a-very-long-state-value-that-got-cut', 'a-very-long-state'],
    ['case', 'StateValue1234', 'statevalue1234'],
  ])('names a near miss: %s', async (kind, sent, returned) => {
    const [finding] = await findingsOf([authorize({ state: sent }), ...callback({ code: 'c1', state: returned })]);
    expect(finding!.evidence).toContainEqual({ label: 'near miss', value: kind });
  });

  it('reports an AS that drops the state of a success response', async () => {
    const auth = authorize({ state: 'sent-state' });
    const [redirect, arrival] = callback({ code: 'c1' });
    const findings = await findingsOf([auth, redirect!, arrival!]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'error', flowId: `flow-${auth.id}`, exchangeIds: [auth.id, redirect!.id, arrival!.id] });
    expect(findings[0]!.message).toContain('paired by redirect_uri');
    expect(findings[0]!.evidence).toContainEqual({ label: 'state sent', value: 'sent-state' });
    expect(findings[0]!.evidence).toContainEqual({ label: 'state returned', value: '(absent)' });
  });

  it('reports an AS that drops the state of an error response, also in form_post', async () => {
    const auth = authorize({ state: 'sent-state', response_mode: 'form_post' });
    const post = formPostCallback({ error: 'access_denied' });
    const [finding] = await findingsOf([auth, post]);
    expect(finding).toMatchObject({ severity: 'error', flowId: `flow-${auth.id}` });
    expect(finding!.message).toContain('error response (access_denied)');
    expect(finding!.evidence).toContainEqual({ label: 'response', value: 'error=access_denied' });
  });

  it('says nothing when neither the request nor the response has a state', async () => {
    expect(await findingsOf([authorize({ state: undefined }), ...callback({ code: 'c1' })])).toEqual([]);
  });
});
