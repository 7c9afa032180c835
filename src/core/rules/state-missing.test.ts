import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, callback, goodFlow, resetBuilders, token } from '../../../tests/support/build.ts';
import { authorizeByReference, discovery, par, unsignedJwt } from '../../../tests/support/state-redirect-client.ts';
import rule from './state-missing.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);

describe('state-missing', () => {
  beforeEach(resetBuilders);

  it('passes a flow with state', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('is an error without state and without PKCE', async () => {
    const auth = authorize({ state: undefined, code_challenge: undefined, code_challenge_method: undefined });
    const [finding, ...rest] = await findingsOf([auth, ...callback({ code: 'c1' }), token({ code: 'c1', code_verifier: undefined })]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ ruleId: 'state-missing', severity: 'error', flowId: `flow-${auth.id}`, exchangeIds: [auth.id] });
    expect(finding!.message).toContain('no S256 PKCE');
    expect(finding!.evidence).toContainEqual({ label: 'state', value: '(absent)' });
    expect(finding!.evidence).toContainEqual({ label: 'code_challenge_method', value: '(no PKCE)' });
  });

  it('is a warning without state when S256 PKCE is used', async () => {
    const auth = authorize({ state: undefined });
    const [finding] = await findingsOf([auth]);
    expect(finding).toMatchObject({ ruleId: 'state-missing', severity: 'warning', flowId: `flow-${auth.id}` });
    expect(finding!.evidence).toContainEqual({ label: 'code_challenge_method', value: 'S256' });
  });

  // RFC 9700 §2.1: a client that ensured the server supports PKCE MAY rely on it; the metadata shows that.
  it('is info without state when S256 PKCE is used and the metadata lists S256', async () => {
    const [finding] = await findingsOf([discovery({ code_challenge_methods_supported: ['S256'] }), authorize({ state: undefined })]);
    expect(finding).toMatchObject({ severity: 'info' });
    expect(finding!.evidence).toContainEqual({ label: 'S256 in the server metadata', value: 'yes' });
  });

  it('is an error without state when PKCE is plain or has no method', async () => {
    expect(await findingsOf([authorize({ state: undefined, code_challenge_method: 'plain' })])).toMatchObject([{ severity: 'error' }]);
    resetBuilders();
    const [omitted] = await findingsOf([authorize({ state: undefined, code_challenge_method: undefined })]);
    expect(omitted).toMatchObject({ severity: 'error' });
    expect(omitted!.evidence).toContainEqual({ label: 'code_challenge_method', value: '(absent: plain applies)' });
  });

  it('treats an empty state as missing', async () => {
    const [finding] = await findingsOf([authorize({ state: '', code_challenge: undefined, code_challenge_method: undefined })]);
    expect(finding).toMatchObject({ severity: 'error' });
    expect(finding!.message).toContain('an empty state');
    expect(finding!.evidence).toContainEqual({ label: 'state', value: '(empty)' });
  });

  it('reads the pushed parameters of a PAR request', async () => {
    expect(await findingsOf([par(), authorizeByReference()])).toEqual([]);
    resetBuilders();
    const pushed = par({ state: undefined });
    const front = authorizeByReference();
    const [finding] = await findingsOf([pushed, front]);
    expect(finding).toMatchObject({ severity: 'warning', exchangeIds: [pushed.id, front.id] });
    expect(finding!.evidence).toContainEqual({ label: 'parameters read from', value: 'par' });
  });

  it('says nothing when the pushed request was not observed', async () => {
    expect(await findingsOf([authorizeByReference()])).toEqual([]);
  });

  it('reads state from a request object, and is silent when the object is unreadable', async () => {
    const withState = unsignedJwt({ alg: 'RS256' }, { state: 'in-the-object', client_id: 'spa' });
    expect(await findingsOf([authorize({ state: undefined, request: withState })])).toEqual([]);
    const withoutState = unsignedJwt({ alg: 'RS256' }, { client_id: 'spa' });
    const [finding] = await findingsOf([authorize({ state: undefined, code_challenge: undefined, request: withoutState })]);
    expect(finding).toMatchObject({ severity: 'error' });
    expect(finding!.evidence).toContainEqual({ label: 'parameters read from', value: 'request-object' });
    expect(await findingsOf([authorize({ state: undefined, request: 'a.b.c.d.e' })])).toEqual([]);
  });
});
