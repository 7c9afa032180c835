import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, callback, goodFlow, jsonBody, resetBuilders, token } from '../../../tests/support/build.ts';
import { basic, unsignedJwt } from '../../../tests/support/state-redirect-client.ts';
import rule from './token-client-id-mismatch.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('token-client-id-mismatch', () => {
  beforeEach(resetBuilders);

  it('passes the same client_id at /authorize and /token', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('reports another client_id in the token request body', async () => {
    const exchanges = goodFlow({ token: { client_id: 'spa-staging' } });
    const [finding, ...rest] = await findingsOf(exchanges);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ ruleId: 'token-client-id-mismatch', severity: 'error', flowId: `flow-${exchanges[0]!.id}` });
    expect(finding!.exchangeIds).toEqual([exchanges[0]!.id, exchanges[3]!.id]);
    expect(finding!.message).toContain('"spa-staging" (body client_id)');
    expect(finding!.evidence).toEqual([
      { label: 'client_id at /authorize', value: 'spa' },
      { label: 'client_id at /token (body client_id)', value: 'spa-staging' },
    ]);
  });

  it('reads the decoded HTTP Basic user name', async () => {
    const auth = authorize();
    const other = [
      auth,
      ...callback({ code: 'c1', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' }),
      token({ code: 'c1', client_id: undefined }, { requestHeaders: { ...FORM, authorization: basic('web app', 's3cret') } }),
    ];
    const [finding] = await findingsOf(other);
    expect(finding!.evidence).toContainEqual({ label: 'client_id at /token (Basic user)', value: 'web app' });
    resetBuilders();
    const same = [
      authorize(),
      ...callback({ code: 'c1', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' }),
      token({ code: 'c1', client_id: undefined }, { requestHeaders: { ...FORM, authorization: basic('spa', 's3cret') } }),
    ];
    expect(await findingsOf(same)).toEqual([]);
  });

  it('reads the sub of a client_assertion', async () => {
    const assertion = unsignedJwt({ alg: 'RS256' }, { iss: 'other-client', sub: 'other-client', aud: 'https://as.example/token' });
    const [finding] = await findingsOf(
      goodFlow({
        token: {
          client_id: undefined,
          client_assertion: assertion,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        },
      }),
    );
    expect(finding!.evidence).toContainEqual({ label: 'client_id at /token (client_assertion sub)', value: 'other-client' });
  });

  it('says nothing when the token request does not name its client', async () => {
    expect(await findingsOf(goodFlow({ token: { client_id: undefined } }))).toEqual([]);
  });

  it('checks refreshes paired by refresh token', async () => {
    const auth = authorize();
    const exchanges = [
      auth,
      ...callback({ code: 'c1', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' }),
      token({ code: 'c1' }, { responseBody: jsonBody({ access_token: 'at', token_type: 'Bearer', refresh_token: 'rt-1' }) }),
      token({
        grant_type: 'refresh_token',
        refresh_token: 'rt-1',
        client_id: 'another',
        code: undefined,
        code_verifier: undefined,
        redirect_uri: undefined,
      }),
    ];
    const [finding] = await findingsOf(exchanges);
    expect(finding).toMatchObject({ flowId: `flow-${auth.id}` });
    expect(finding!.message).toContain('refresh request');
  });
});
