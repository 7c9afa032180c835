import { beforeEach, describe, expect, it } from 'vitest';
import {
  AS,
  authorize,
  defaultAuthorizeParams,
  defaultTokenParams,
  encode,
  exchange,
  formBody,
  goodFlow,
  jsonBody,
  REDIRECT_URI,
  resetBuilders,
} from '../../../tests/support/build.ts';
import { formToken, tokenWithBody } from '../../../tests/support/request-hygiene.ts';
import rule from './duplicate-parameter.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const STATE = defaultAuthorizeParams.state;
const authorizeEntries = Object.entries(defaultAuthorizeParams) as [string, string][];

describe('duplicate-parameter', () => {
  beforeEach(resetBuilders);

  it('passes a flow that sends every parameter once', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('reports an authorization request that repeats parameters, once, naming them all', async () => {
    const auth = exchange({
      url: `${AS}/authorize?${encode([...authorizeEntries, ['scope', 'openid profile'], ['state', 'second'], ['scope', 'email']])}`,
      status: 200,
    });
    const findings = await findingsOf([auth]);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({ ruleId: 'duplicate-parameter', severity: 'error', flowId: `flow-${auth.id}`, exchangeIds: [auth.id] });
    expect(finding!.message).toContain('authorization request repeats scope, state');
    expect(finding!.evidence).toEqual([
      { label: 'scope (1 of 3)', value: 'openid' },
      { label: 'scope (2 of 3)', value: 'openid profile' },
      { label: 'scope (3 of 3)', value: 'email' },
      { label: 'state (1 of 2)', value: STATE },
      { label: 'state (2 of 2)', value: 'second' },
    ]);
  });

  it('reads a form-POSTed authorization request', async () => {
    const auth = exchange({
      method: 'POST',
      url: `${AS}/authorize`,
      initiator: 'form',
      requestBody: formBody([...authorizeEntries, ['response_type', 'code']]),
      status: 200,
    });
    const [finding] = await findingsOf([auth]);
    expect(finding!.message).toContain('repeats response_type');
  });

  it('reports a repeated code in the callback query, flagging the values as secrets', async () => {
    const auth = authorize();
    const location = `${REDIRECT_URI}?${encode([
      ['code', 'c1'],
      ['state', STATE],
      ['code', 'c2'],
    ])}`;
    const redirect = exchange({ url: `${AS}/authorize/resume`, status: 303, location });
    const arrival = exchange({ url: location, status: 200 });
    const findings = await findingsOf([auth, redirect, arrival]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ flowId: `flow-${auth.id}`, exchangeIds: [redirect.id, arrival.id] });
    expect(findings[0]!.message).toContain('authorization response (query) repeats code');
    expect(findings[0]!.message).not.toContain('c1');
    expect(findings[0]!.evidence).toEqual([
      { label: 'code (1 of 2)', value: 'c1', secret: true },
      { label: 'code (2 of 2)', value: 'c2', secret: true },
    ]);
  });

  it('reports repeats in a fragment and in a form_post body', async () => {
    const a = authorize({ response_type: 'id_token', state: 'state-a-0S6_WzA2Mj-Xq9Tr3Lp8Vc2' });
    const b = authorize({ response_mode: 'form_post', state: 'state-b-0S6_WzA2Mj-Xq9Tr3Lp8Vc2' });
    const fragment = exchange({
      url: `${AS}/authorize/resume`,
      status: 302,
      location: `${REDIRECT_URI}#id_token=t&state=state-a-0S6_WzA2Mj-Xq9Tr3Lp8Vc2&state=x`,
    });
    const post = exchange({
      method: 'POST',
      url: REDIRECT_URI,
      initiator: 'form',
      requestBody: formBody([
        ['code', 'c'],
        ['state', 'state-b-0S6_WzA2Mj-Xq9Tr3Lp8Vc2'],
        ['iss', AS],
        ['iss', AS],
      ]),
      status: 200,
    });
    const findings = await findingsOf([a, b, fragment, post]);
    expect(findings.map((f) => [f.flowId, f.message.slice(0, 60)])).toEqual([
      [`flow-${a.id}`, expect.stringContaining('authorization response (fragment) repeats state')],
      [`flow-${b.id}`, expect.stringContaining('authorization response (form_post) repeats iss')],
    ]);
  });

  it('reports a token request that repeats parameters', async () => {
    const request = formToken([...(Object.entries(defaultTokenParams) as [string, string][]), ['redirect_uri', `${REDIRECT_URI}/`]]);
    const [finding] = await findingsOf([request]);
    expect(finding).toMatchObject({ flowId: `flow-${request.id}`, exchangeIds: [request.id] });
    expect(finding!.message).toContain('token request repeats redirect_uri');
    expect(finding!.evidence.map((e) => e.value)).toEqual([REDIRECT_URI, `${REDIRECT_URI}/`]);
  });

  // RFC 8707 §2: "Multiple resource parameters MAY be used"; RFC 8693 §2.1 likewise for audience in a token exchange.
  it('lets resource repeat in requests, and audience in a token exchange', async () => {
    const resources: [string, string][] = [
      ['resource', 'https://api.example/'],
      ['resource', 'https://files.example/'],
    ];
    const auth = exchange({ url: `${AS}/authorize?${encode([...authorizeEntries, ...resources])}`, status: 200 });
    const request = formToken([...(Object.entries(defaultTokenParams) as [string, string][]), ...resources]);
    const exchangeRequest = formToken([
      ['grant_type', 'urn:ietf:params:oauth:grant-type:token-exchange'],
      ['subject_token', 'accVkjcJyb4BWCxGsndESCJQbdFMogUC5PbRDqceLTC'],
      ['subject_token_type', 'urn:ietf:params:oauth:token-type:access_token'],
      ['audience', 'api'],
      ['audience', 'files'],
    ]);
    expect(await findingsOf([auth, request, exchangeRequest])).toEqual([]);
    // Not in responses, and audience only in a token exchange.
    resetBuilders();
    const authWithAudience = exchange({
      url: `${AS}/authorize?${encode([...authorizeEntries, ['audience', 'a'], ['audience', 'b']])}`,
      status: 200,
    });
    expect(await findingsOf([authWithAudience])).toMatchObject([{ severity: 'error' }]);
  });

  it('does not check a JSON token body', async () => {
    expect(await findingsOf([tokenWithBody(jsonBody(defaultTokenParams))])).toEqual([]);
  });

  it('keeps a hostile parameter name out of the message', async () => {
    const name = '<img src=x onerror=alert(1)>';
    const auth = exchange({ url: `${AS}/authorize?${encode([...authorizeEntries, [name, '1'], [name, '2']])}`, status: 200 });
    const [finding] = await findingsOf([auth]);
    expect(finding!.message).not.toContain('<img');
    expect(finding!.message).toContain('unusual name');
    expect(finding!.evidence[0]).toEqual({ label: `${name} (1 of 2)`, value: '1' });
  });

  it('reports a pushed authorization request body', async () => {
    const par = exchange({
      method: 'POST',
      url: `${AS}/par`,
      initiator: 'fetch',
      requestBody: formBody([...authorizeEntries, ['nonce', 'again']]),
      status: 201,
      responseBody: jsonBody({ request_uri: 'urn:ietf:params:oauth:request_uri:1', expires_in: 60 }),
    });
    const [finding] = await findingsOf([par]);
    expect(finding!.message).toContain('pushed authorization request repeats nonce');
  });
});
