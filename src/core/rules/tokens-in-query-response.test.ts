import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, callback, defaultAuthorizeParams, formPostCallback, goodFlow, resetBuilders } from '../../../tests/support/build.ts';
import rule from './tokens-in-query-response.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const STATE = defaultAuthorizeParams.state;
const ID_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.sig';

describe('tokens-in-query-response', () => {
  beforeEach(resetBuilders);

  it('passes a code flow', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('reports access and ID tokens in the callback query', async () => {
    const auth = authorize({ response_type: 'id_token token', response_mode: 'query' });
    const [redirect, arrival] = callback({ access_token: 'at-1', id_token: ID_TOKEN, state: STATE });
    const findings = await findingsOf([auth, redirect!, arrival!]);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({ ruleId: 'tokens-in-query-response', severity: 'error', flowId: `flow-${auth.id}` });
    expect(finding!.exchangeIds).toEqual([redirect!.id, arrival!.id]);
    expect(finding!.message).toContain('access_token and id_token');
    expect(finding!.message).not.toContain('at-1');
    expect(finding!.evidence).toContainEqual({ label: 'access_token', value: 'at-1', secret: true });
    expect(finding!.evidence).toContainEqual({ label: 'id_token', value: ID_TOKEN, secret: true });
    expect(finding!.evidence).toContainEqual({ label: 'response_mode', value: 'query' });
  });

  it('reports an ID token alone', async () => {
    const findings = await findingsOf([
      authorize({ response_type: 'code id_token' }),
      ...callback({ code: 'c', id_token: ID_TOKEN, state: STATE }),
    ]);
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('id_token in the redirect')]);
  });

  it('does not report tokens in a fragment or a form_post body, nor empty values', async () => {
    const exchanges = [
      authorize({ response_type: 'id_token token', state: 's1-Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3' }),
      ...callback({ access_token: 'at-1', state: 's1-Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3' }, { mode: 'fragment' }),
      authorize({ response_type: 'id_token', response_mode: 'form_post', state: 's2-Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3' }),
      formPostCallback({ id_token: ID_TOKEN, state: 's2-Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3' }),
      authorize({ state: 's3-Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3' }),
      ...callback({ code: 'c', access_token: '', state: 's3-Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3' }),
    ];
    expect(await findingsOf(exchanges)).toEqual([]);
  });

  it('reports a callback whose authorization request was not observed, on its own flow', async () => {
    const [redirect, arrival] = callback({ access_token: 'at-1', state: STATE });
    const [finding] = await findingsOf([redirect!, arrival!]);
    expect(finding).toMatchObject({ ruleId: 'tokens-in-query-response', flowId: `flow-${redirect!.id}` });
  });
});
