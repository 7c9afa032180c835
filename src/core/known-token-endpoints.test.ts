import { beforeEach, describe, expect, it } from 'vitest';
import { encode, exchange, formBody, jsonBody, resetBuilders } from '../../tests/support/build.ts';
import { analyze } from './analyze.ts';
import { classify, inTimeOrder } from './classify.ts';
import type { Exchange } from './model.ts';

const tokenRequests = (exchanges: Exchange[]) => classify(inTimeOrder(exchanges)).tokenRequests;

const GITHUB_TOKEN = 'https://github.com/login/oauth/access_token';
const githubCode = {
  client_id: 'Iv1.8a61f9b3a7aba766',
  client_secret: 'f3c2d1e0b9a8',
  code: 'e2b0f3a1c9d8',
  redirect_uri: 'https://app.example/cb',
};

function post(url: string, init: Partial<Parameters<typeof exchange>[0]> = {}): Exchange {
  return exchange({ method: 'POST', url, initiator: 'fetch', status: 200, ...init });
}

describe('token requests at known provider endpoints', () => {
  beforeEach(resetBuilders);

  it("takes GitHub's documented code exchange (no grant_type) for the code grant", () => {
    const [request] = tokenRequests([post(GITHUB_TOKEN, { requestBody: formBody(githubCode) })]);
    expect(request).toMatchObject({ endpoint: GITHUB_TOKEN, encoding: 'form', grantType: 'authorization_code', code: 'e2b0f3a1c9d8' });
  });

  it('reads a JSON body as sent, and keeps a grant_type that is there', () => {
    const [request] = tokenRequests([post(GITHUB_TOKEN, { requestBody: jsonBody({ ...githubCode, grant_type: 'refresh_token' }) })]);
    expect(request).toMatchObject({ encoding: 'json', grantType: 'refresh_token', clientId: 'Iv1.8a61f9b3a7aba766' });
  });

  it("reads GitHub's form-encoded answer, so its tokens are known", () => {
    const answer = 'access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo&token_type=bearer';
    const [request] = tokenRequests([
      post(GITHUB_TOKEN, {
        requestBody: formBody(githubCode),
        responseHeaders: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        responseBody: { kind: 'text', text: answer, size: answer.length },
      }),
    ]);
    expect(request?.response).toMatchObject({ status: 200, accessToken: 'gho_16C7e42F292c6912E7710c838347Ae178B4a', tokenType: 'bearer' });
  });

  it("reads Slack's JSON body and Facebook's documented GET with a query", () => {
    const slack = post('https://slack.com/api/oauth.v2.access', { requestBody: jsonBody({ code: 'c1', client_id: 'a.b' }) });
    const facebook = exchange({
      url: `https://graph.facebook.com/v19.0/oauth/access_token?${encode({ client_id: '1', redirect_uri: 'https://app.example/cb', code_verifier: 'v', code: 'c2' })}`,
      initiator: 'fetch',
      status: 200,
    });
    expect(tokenRequests([slack, facebook])).toMatchObject([
      { encoding: 'json', grantType: 'authorization_code', code: 'c1' },
      { encoding: 'query', grantType: 'authorization_code', code: 'c2', codeVerifier: 'v' },
    ]);
  });

  it('leaves a missing grant_type missing where the provider requires it', () => {
    const linkedin = post('https://www.linkedin.com/oauth/v2/accessToken', { requestBody: formBody({ code: 'c', client_id: 'x' }) });
    expect(tokenRequests([linkedin])).toMatchObject([{ grantType: undefined, code: 'c' }]);
  });

  it('sees PingFederate at any host, and nothing at ordinary token-ish URLs or in a CORS preflight', () => {
    const ping = post('https://sso.example.com:9031/as/token.oauth2', {
      requestBody: formBody({ grant_type: 'refresh_token', refresh_token: 'r' }),
    });
    const ordinary = [
      'https://api.example/api/tokens',
      'https://api.example/access_tokens/list',
      'https://app.example/oauth/v2/accessToken',
    ].map((url) => post(url, { requestBody: formBody({ code: 'c', name: 'n' }) }));
    const preflight = exchange({ method: 'OPTIONS', url: GITHUB_TOKEN, initiator: 'fetch', status: 204 });
    expect(tokenRequests([ping, ...ordinary, preflight]).map((r) => r.exchange.id)).toEqual([ping.id]);
  });

  it('a GitHub code exchange without grant_type is not called malformed', async () => {
    const state = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';
    const callbackUrl = `${githubCode.redirect_uri}?${encode({ code: githubCode.code, state })}`;
    const authorizeQuery = encode({ response_type: 'code', client_id: githubCode.client_id, redirect_uri: githubCode.redirect_uri, state });
    const flow = [
      exchange({ url: `https://github.com/login/oauth/authorize?${authorizeQuery}`, status: 302, location: callbackUrl }),
      exchange({ url: callbackUrl, status: 200 }),
      post(GITHUB_TOKEN, {
        requestHeaders: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        requestBody: formBody(githubCode),
        responseHeaders: { 'content-type': 'application/json', 'cache-control': 'no-store' },
        responseBody: jsonBody({ access_token: 'gho_16C7e42F292c6912E7710c838347Ae178B4a', token_type: 'bearer', scope: 'repo' }),
      }),
    ];
    const analysis = await analyze(flow);
    // Paired with its sign-in by the code; what is said is true of it (a secret in the browser, no PKCE).
    expect(analysis.flows.map((f) => f.codeExchanges.length)).toEqual([1]);
    expect(analysis.findings.map((f) => f.ruleId).sort()).toEqual(['client-secret-in-browser', 'pkce-missing']);
  });
});
