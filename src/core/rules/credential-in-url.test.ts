import { beforeEach, describe, expect, it } from 'vitest';
import {
  APP,
  AS,
  authorize,
  callback,
  exchange,
  goodFlow,
  REDIRECT_URI,
  resetBuilders,
  token,
  VERIFIER,
} from '../../../tests/support/build.ts';
import { apiCall, queryToken, tokenAnswer } from '../../../tests/support/request-hygiene.ts';
import rule from './credential-in-url.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const ACCESS_TOKEN = 'at-2YotnFZFEjr1zCsicMWpAA';

describe('credential-in-url', () => {
  beforeEach(resetBuilders);

  it('passes a clean flow, including the callback code in its query', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('reports an access token in a resource-server query and attaches it to the flow that obtained it', async () => {
    const [auth, ...rest] = goodFlow();
    rest[2] = token({}, tokenAnswer({ access_token: ACCESS_TOKEN, token_type: 'Bearer' }));
    const call = apiCall(`https://api.example/v1/me?access_token=${ACCESS_TOKEN}&fields=name`);
    const findings = await findingsOf([auth!, ...rest, call]);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({ ruleId: 'credential-in-url', severity: 'error', flowId: `flow-${auth!.id}`, exchangeIds: [call.id] });
    expect(finding!.message).toContain('access_token');
    expect(finding!.message).toContain('https://api.example');
    expect(finding!.message).not.toContain(ACCESS_TOKEN);
    expect(finding!.evidence).toContainEqual({ label: 'access_token', value: ACCESS_TOKEN, secret: true });
    expect(finding!.evidence).toContainEqual({ label: 'request', value: 'GET https://api.example/v1/me' });
  });

  it('reports a token of no known flow at the top level', async () => {
    const [finding] = await findingsOf([apiCall('https://api.example/data?refresh_token=rt-unknown&password=hunter2')]);
    expect(finding).toBeDefined();
    expect(finding!.flowId).toBeUndefined();
    expect(finding!.message).toContain('refresh_token, password');
    expect(finding!.message).not.toContain('hunter2');
    expect(finding!.evidence.filter((e) => e.secret).map((e) => e.label)).toEqual(['refresh_token', 'password']);
  });

  it('reports a token request sent as a query (code_verifier, client_secret) on its flow', async () => {
    const auth = authorize();
    const get = queryToken({ client_secret: 's3cret' });
    const [finding] = await findingsOf([
      auth,
      ...callback({ code: 'SplxlOBeZQQYbYS6WxSbIA', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' }),
      get,
    ]);
    expect(finding).toMatchObject({ flowId: `flow-${auth.id}`, exchangeIds: [get.id] });
    expect(finding!.message).toContain('code_verifier, client_secret');
    expect(finding!.message).not.toContain(VERIFIER);
    expect(finding!.message).not.toContain('s3cret');
  });

  it('leaves tokens in a callback query to tokens-in-query-response, even after the client redirects the callback', async () => {
    const auth = authorize({ response_type: 'token' });
    const query = `access_token=${ACCESS_TOKEN}&state=Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm`;
    const insecure = `http://app.example/cb?${query}`;
    const exchanges = [
      auth,
      exchange({ url: `${AS}/authorize/resume`, status: 303, location: insecure }),
      exchange({ url: insecure, status: 301, location: `${REDIRECT_URI}?${query}` }),
      exchange({ url: `${REDIRECT_URI}?${query}`, status: 200 }),
    ];
    expect(await findingsOf(exchanges)).toEqual([]);
  });

  it('still reports other credentials in a callback query', async () => {
    const [auth, redirect, arrival] = [
      authorize(),
      ...callback({ code: 'c', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm', access_token: ACCESS_TOKEN, refresh_token: 'rt-1' }),
    ];
    const findings = await findingsOf([auth!, redirect!, arrival!]);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toContain('refresh_token');
    expect(findings[0]!.message).not.toContain('access_token');
    expect(findings[0]!.flowId).toBe(`flow-${auth!.id}`);
  });

  it('does not look at fragments, the code, look-alike names or empty values', async () => {
    const exchanges = [
      ...goodFlow(),
      ...callback({ access_token: ACCESS_TOKEN, state: 'other-state-Xq9Tr3Lp8Vc2Hh5Ke1n0S6' }, { mode: 'fragment' }),
      apiCall(`${APP}/page?id_token_hint=eyJ.x.y&my_access_token=1&access_token=`),
      apiCall(`${APP}/page#access_token=${ACCESS_TOKEN}`),
      apiCall(`${APP}/access_token=${ACCESS_TOKEN}`),
    ];
    expect(await findingsOf(exchanges)).toEqual([]);
  });

  it('reports a request once even when a CORS preflight repeats its URL', async () => {
    const url = `https://api.example/v1/me?access_token=${ACCESS_TOKEN}`;
    const findings = await findingsOf([apiCall(url, { method: 'OPTIONS', status: 204 }), apiCall(url)]);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.evidence[0]).toEqual({ label: 'request', value: 'GET https://api.example/v1/me' });
  });

  it('stays silent on unparseable URLs', async () => {
    expect(await findingsOf([apiCall('not a url?access_token=x')])).toEqual([]);
  });
});
