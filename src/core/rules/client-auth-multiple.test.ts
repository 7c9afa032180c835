import { beforeEach, describe, expect, it } from 'vitest';
import { goodFlow, resetBuilders, token } from '../../../tests/support/build.ts';
import { authorizeByReference, basic, par, unsignedJwt } from '../../../tests/support/state-redirect-client.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';
import rule from './client-auth-multiple.ts';

const findingsOf = findingsOfRule(rule);
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const SECRET = 'do-not-print-this-secret';
const RS256_ASSERTION = unsignedJwt({ alg: 'RS256' }, { iss: 'web', sub: 'web', aud: 'https://as.example/token' });

/** A correct flow whose token request carries `params` and, when given, an Authorization header. */
function flowWith(params: Record<string, string | undefined>, authorization?: string) {
  const flow = goodFlow();
  return [...flow.slice(0, 3), token(params, { requestHeaders: { ...FORM, ...(authorization ? { authorization } : {}) } })];
}

describe('client-auth-multiple', () => {
  beforeEach(resetBuilders);

  it('passes one method at a time: none, Basic, body secret, assertion', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
    expect(await findingsOf(flowWith({ client_id: 'web' }, basic('web', SECRET)))).toEqual([]);
    expect(await findingsOf(flowWith({ client_secret: SECRET }))).toEqual([]);
    expect(await findingsOf(flowWith({ client_assertion: RS256_ASSERTION }))).toEqual([]);
  });

  it('reports Basic plus client_secret in the body, keeping both secrets out of the message', async () => {
    const exchanges = flowWith({ client_secret: SECRET }, basic('web', SECRET));
    const [finding, ...rest] = await findingsOf(exchanges);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ ruleId: 'client-auth-multiple', severity: 'error', exchangeIds: [exchanges[3]!.id] });
    expect(finding!.message).toContain('client_secret_basic + client_secret_post');
    expect(finding!.message).not.toContain(SECRET);
    expect(finding!.evidence).toContainEqual({ label: 'client_secret', value: SECRET, secret: true });
    expect(finding!.evidence).toContainEqual({ label: 'Basic password', value: SECRET, secret: true });
  });

  it('reports Basic plus a client assertion, and a body secret plus an assertion', async () => {
    const [basicAndAssertion] = await findingsOf(flowWith({ client_assertion: RS256_ASSERTION }, basic('web', SECRET)));
    expect(basicAndAssertion!.message).toContain('client_secret_basic + private_key_jwt');
    resetBuilders();
    const hs = unsignedJwt({ alg: 'HS256' }, { iss: 'web' });
    const [postAndAssertion] = await findingsOf(flowWith({ client_secret: SECRET, client_assertion: hs }));
    expect(postAndAssertion!.message).toContain('client_secret_post + client_secret_jwt');
  });

  it('does not count an empty Basic password or an empty client_secret', async () => {
    expect(await findingsOf(flowWith({ client_secret: SECRET }, basic('spa', '')))).toEqual([]);
    expect(await findingsOf(flowWith({ client_secret: '', client_assertion: RS256_ASSERTION }))).toEqual([]);
  });

  it('reports a pushed authorization request authenticated twice', async () => {
    const exchanges = [par({ client_secret: SECRET }, { authorization: basic('spa', SECRET) }), authorizeByReference()];
    const [finding] = await findingsOf(exchanges);
    expect(finding!.message).toMatch(/^A PAR request/);
    expect(finding!.exchangeIds).toEqual([exchanges[0]!.id]);
  });
});
