import { beforeEach, describe, expect, it } from 'vitest';
import {
  authorize,
  callback,
  defaultAuthorizeParams,
  encode,
  goodFlow,
  resetBuilders,
  token,
  VERIFIER,
} from '../../../tests/support/build.ts';
import { failedToken } from '../../../tests/support/pkce-and-code.ts';
import rule from './pkce-plain-method.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const NO_PKCE = { code_challenge: undefined, code_challenge_method: undefined };
const PLAIN = { code_challenge: VERIFIER, code_challenge_method: 'plain' };

/** A first S256 flow (state-a) that the AS answered with an error callback. */
const failedS256 = () => [authorize({ state: 'state-a' }), ...callback({ error: 'invalid_request', state: 'state-a' })];

describe('pkce-plain-method', () => {
  beforeEach(resetBuilders);

  it('passes S256', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('reports method=plain', async () => {
    const exchanges = [authorize(PLAIN)];
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'pkce-plain-method', severity: 'error', flowId: `flow-${exchanges[0]!.id}` });
    expect(findings[0]!.message).toMatch(/code_challenge_method=plain;/);
  });

  it('reports a retry with plain after an S256 attempt got an error callback', async () => {
    const first = failedS256();
    const retry = authorize({ ...PLAIN, state: 'state-b' });
    const findings = await findingsOf([...first, retry]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'error', flowId: `flow-${retry.id}`, exchangeIds: [retry.id, first[1]!.id] });
    expect(findings[0]!.message).toMatch(/plain after an S256 attempt .* failed \(error callback \(invalid_request\)/);
    expect(findings[0]!.evidence).toContainEqual({ label: 'earlier S256 flow', value: `flow-${first[0]!.id}` });
  });

  it('reports a retry without PKCE after an S256 token request failed', async () => {
    const first = [authorize({ state: 'state-a' }), ...callback({ code: 'c1', state: 'state-a' }), failedToken({ code: 'c1' })];
    const retry = authorize({ ...NO_PKCE, state: 'state-b' });
    const [finding, ...rest] = await findingsOf([...first, retry]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ severity: 'error', flowId: `flow-${retry.id}` });
    expect(finding!.message).toMatch(/sends no PKCE after an S256 attempt/);
    expect(finding!.evidence).toContainEqual({ label: 'earlier failure', value: 'token response 400 (invalid_grant)' });
  });

  it('does not report a flow without PKCE that follows no failure (pkce-missing speaks)', async () => {
    expect(await findingsOf([authorize(NO_PKCE)])).toEqual([]);
    resetBuilders();
    const succeeded = [authorize({ state: 'state-a' }), ...callback({ code: 'c1', state: 'state-a' }), token({ code: 'c1' })];
    expect(await findingsOf([...succeeded, authorize({ ...NO_PKCE, state: 'state-b' })])).toEqual([]);
  });

  it('does not tie the retry to another client or another authorization server', async () => {
    expect(await findingsOf([...failedS256(), authorize({ ...NO_PKCE, state: 'state-b', client_id: 'other' })])).toEqual([]);
    resetBuilders();
    const elsewhere = `https://other-as.example/authorize?${encode({ ...defaultAuthorizeParams, ...NO_PKCE, state: 'state-b' })}`;
    expect(await findingsOf([...failedS256(), authorize({}, { url: elsewhere })])).toEqual([]);
  });

  it('does not call a flow that began before the failure a retry', async () => {
    const a = authorize({ state: 'state-a' });
    const b = authorize({ ...NO_PKCE, state: 'state-b' });
    expect(await findingsOf([a, b, ...callback({ error: 'invalid_request', state: 'state-a' })])).toEqual([]);
  });
});
