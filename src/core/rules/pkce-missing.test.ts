import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, callback, goodFlow, resetBuilders, token } from '../../../tests/support/build.ts';
import { par, parAuthorize } from '../../../tests/support/pkce-and-code.ts';
import rule from './pkce-missing.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const NO_PKCE = { code_challenge: undefined, code_challenge_method: undefined };
const STATE = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';

describe('pkce-missing', () => {
  beforeEach(resetBuilders);

  it('passes a flow with an S256 challenge', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('is an error when the code is exchanged by the browser', async () => {
    const exchanges = goodFlow({ authorize: NO_PKCE, token: { code_verifier: undefined } });
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'pkce-missing', severity: 'error', flowId: `flow-${exchanges[0]!.id}` });
    expect(findings[0]!.message).toMatch(/without a code_challenge/);
    expect(findings[0]!.exchangeIds).toEqual([exchanges[0]!.id, exchanges[3]!.id]);
    expect(findings[0]!.evidence).toContainEqual({ label: 'code exchange visible', value: 'yes' });
  });

  it('is an error for a visible exchange even when it carries a client secret', async () => {
    const [finding] = await findingsOf(goodFlow({ authorize: NO_PKCE, token: { code_verifier: undefined, client_secret: 's3cret' } }));
    expect(finding).toMatchObject({ severity: 'error' });
  });

  it('is a warning when no exchange is visible (possibly a confidential server-side client)', async () => {
    const findings = await findingsOf([authorize(NO_PKCE), ...callback({ code: 'c1', state: STATE })]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'warning' });
    expect(findings[0]!.message).toMatch(/confidential/);
  });

  it('is an error without a visible exchange when the same client shows itself public elsewhere', async () => {
    const exchanges = [
      authorize(NO_PKCE),
      ...callback({ code: 'c1', state: STATE }),
      authorize({ state: 'other-state-0123456789abcdef' }),
      ...callback({ code: 'c2', state: 'other-state-0123456789abcdef' }),
      token({ code: 'c2' }),
    ];
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'error', flowId: `flow-${exchanges[0]!.id}` });
    expect(findings[0]!.message).toMatch(/client spa/);
  });

  it('still applies when the authorization response is an error', async () => {
    const [finding, ...rest] = await findingsOf([authorize(NO_PKCE), ...callback({ error: 'invalid_request', state: STATE })]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ ruleId: 'pkce-missing', severity: 'warning' });
    expect(finding!.evidence).toContainEqual({ label: 'authorization response error', value: 'invalid_request' });
  });

  it('ignores flows that do not ask for a code', async () => {
    expect(await findingsOf([authorize({ ...NO_PKCE, response_type: 'id_token' })])).toEqual([]);
  });

  it('checks the pushed parameters of a PAR flow', async () => {
    expect(await findingsOf([par(), parAuthorize()])).toEqual([]);
    const exchanges = [par(NO_PKCE), parAuthorize()];
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    // The PAR request came from the browser without client authentication: a public client.
    expect(findings[0]).toMatchObject({ severity: 'error', flowId: `flow-${exchanges[0]!.id}` });
    expect(findings[0]!.message).toMatch(/pushed authorization request/);
  });

  it('checks a PAR request whose front-channel request was not seen', async () => {
    const [publicPar] = await findingsOf([par(NO_PKCE)]);
    expect(publicPar).toMatchObject({ severity: 'error' });
    expect(publicPar!.flowId).toBeUndefined();
    resetBuilders();
    const [confidentialPar] = await findingsOf([par({ ...NO_PKCE, client_secret: 's3cret' })]);
    expect(confidentialPar).toMatchObject({ severity: 'warning' });
  });

  it('says nothing when the parameters were pushed out of sight', async () => {
    expect(await findingsOf([parAuthorize(), ...callback({ code: 'c1', state: STATE })])).toEqual([]);
  });
});
