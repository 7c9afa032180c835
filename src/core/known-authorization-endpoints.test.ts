import { beforeEach, describe, expect, it } from 'vitest';
import { CHALLENGE, encode, exchange, formBody, jsonBody, resetBuilders, VERIFIER } from '../../tests/support/build.ts';
import { analyze } from './analyze.ts';
import { classify, inTimeOrder } from './classify.ts';
import { KNOWN_AUTHORIZATION_ENDPOINTS, knownAuthorizationEndpointOf } from './known-authorization-endpoints.ts';
import type { Exchange } from './model.ts';

const authorizations = (exchanges: Exchange[]) => classify(inTimeOrder(exchanges)).authorizations;

const GITHUB_AUTHORIZE = 'https://github.com/login/oauth/authorize';
const GITHUB_TOKEN = 'https://github.com/login/oauth/access_token';
const CLIENT_ID = 'Iv1.8a61f9b3a7aba766';
const REDIRECT_URI = 'https://app.example/auth/github/callback';
const STATE = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';
const CODE = 'e2b0f3a1c9d84f71a6b2';

/** GitHub's documented request: no response_type (docs.github.com, "Request a user's GitHub identity"). */
const githubQuery = (extra: Record<string, string> = {}) =>
  encode({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    scope: 'read:user user:email',
    state: STATE,
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...extra,
  });

describe('the known authorization endpoints', () => {
  it('recognise each documented endpoint exactly, at its host (any host for GitHub Enterprise Server)', () => {
    expect(knownAuthorizationEndpointOf(`${GITHUB_AUTHORIZE}?client_id=a`)?.provider).toBe('GitHub');
    expect(knownAuthorizationEndpointOf('https://ghe.example.com/login/oauth/authorize?client_id=a')?.provider).toBe('GitHub');
    expect(knownAuthorizationEndpointOf('https://slack.com/oauth/v2/authorize?client_id=a&scope=chat:write')?.provider).toBe('Slack');
    expect(knownAuthorizationEndpointOf('https://www.facebook.com/v19.0/dialog/oauth?client_id=1')?.provider).toBe('Facebook');
    expect(knownAuthorizationEndpointOf('https://www.facebook.com/dialog/oauth?client_id=1')?.provider).toBe('Facebook');
    for (const url of [
      'https://github.com/login/oauth/authorize/extra?client_id=a',
      'https://github.com/login/oauth/authorized?client_id=a',
      'https://github.com/x/login/oauth/authorize?client_id=a',
      'https://app.slack.com/oauth/v2/authorize?client_id=a',
      'https://slack.example/oauth/v2/authorize?client_id=a',
      'https://www.facebook.com/v19.0/extra/dialog/oauth?client_id=1',
      'https://evil.example/?next=https://github.com/login/oauth/authorize',
    ])
      expect(knownAuthorizationEndpointOf(url), url).toBeUndefined();
  });

  it('cite the documentation of each entry', () => {
    for (const entry of KNOWN_AUTHORIZATION_ENDPOINTS) expect(entry.source).toMatch(/^https:\/\//);
  });
});

describe('authorization requests without response_type at a known endpoint', () => {
  beforeEach(resetBuilders);

  it('are authorization requests for a code implied by the provider, with response_type still absent from the parameters', () => {
    const [auth] = authorizations([exchange({ url: `${GITHUB_AUTHORIZE}?${githubQuery()}`, status: 302 })]);
    expect(auth).toMatchObject({
      endpoint: GITHUB_AUTHORIZE,
      responseType: 'code',
      responseTypeImpliedBy: 'GitHub',
      clientId: CLIENT_ID,
      state: STATE,
      codeChallenge: CHALLENGE,
    });
    expect(auth!.params.map((p) => p.name)).not.toContain('response_type');
  });

  it("take Slack's and Facebook's documented requests the same way", () => {
    const slack = `https://slack.com/oauth/v2/authorize?${encode({ scope: 'chat:write,commands', client_id: '1234.5678', state: STATE })}`;
    const facebook = `https://www.facebook.com/v19.0/dialog/oauth?${encode({ client_id: '1234', redirect_uri: REDIRECT_URI, state: STATE })}`;
    expect(authorizations([exchange({ url: slack }), exchange({ url: facebook })])).toMatchObject([
      { responseType: 'code', responseTypeImpliedBy: 'Slack', clientId: '1234.5678' },
      { responseType: 'code', responseTypeImpliedBy: 'Facebook', redirectUri: REDIRECT_URI },
    ]);
  });

  it('keep a response_type that was sent, implied nothing', () => {
    const sent = authorizations([exchange({ url: `${GITHUB_AUTHORIZE}?${githubQuery({ response_type: 'code' })}` })]);
    expect(sent[0]).toMatchObject({ responseType: 'code' });
    expect(sent[0]!.responseTypeImpliedBy).toBeUndefined();
    const token = authorizations([
      exchange({ url: `https://www.facebook.com/v19.0/dialog/oauth?${encode({ client_id: '1', response_type: 'token' })}` }),
    ]);
    expect(token[0]).toMatchObject({ responseType: 'token' });
    expect(token[0]!.responseTypeImpliedBy).toBeUndefined();
  });

  it('need a client_id and a GET: GitHub pages that are no authorization request are not taken for one', () => {
    const pages = [
      exchange({ url: GITHUB_AUTHORIZE, status: 200 }),
      exchange({ url: `${GITHUB_AUTHORIZE}?scope=repo`, status: 200 }),
      exchange({ url: 'https://github.com/login', status: 200 }),
      exchange({
        url: `https://github.com/login?${encode({ client_id: CLIENT_ID, return_to: `/login/oauth/authorize?${githubQuery()}` })}`,
      }),
      exchange({ url: 'https://github.com/settings/applications', status: 200 }),
      // The consent form GitHub posts back to its own endpoint.
      exchange({
        method: 'POST',
        url: GITHUB_AUTHORIZE,
        initiator: 'form',
        requestBody: formBody({ authorize: '1', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, state: STATE }),
      }),
    ];
    expect(authorizations(pages)).toEqual([]);
  });
});

describe('a GitHub sign-in', () => {
  beforeEach(resetBuilders);

  const callbackUrl = `${REDIRECT_URI}?${encode({ code: CODE, state: STATE })}`;
  const tokenRequest = (response: { responseHeaders: Record<string, string>; responseBody: Exchange['responseBody'] }) =>
    exchange({
      method: 'POST',
      url: GITHUB_TOKEN,
      initiator: 'fetch',
      requestHeaders: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      requestBody: formBody({ client_id: CLIENT_ID, code: CODE, redirect_uri: REDIRECT_URI, code_verifier: VERIFIER }),
      status: 200,
      ...response,
    });
  const ACCESS_TOKEN = 'gho_16C7e42F292c6912E7710c838347Ae178B4a';
  const asJson = {
    responseHeaders: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    responseBody: jsonBody({ access_token: ACCESS_TOKEN, token_type: 'bearer', scope: 'read:user,user:email' }),
  };
  const answer = `access_token=${ACCESS_TOKEN}&scope=read%3Auser%2Cuser%3Aemail&token_type=bearer`;
  const asForm = {
    responseHeaders: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'cache-control': 'no-store' },
    responseBody: { kind: 'text' as const, text: answer, size: answer.length },
  };

  for (const [name, response] of [
    ['JSON', asJson],
    ['form-encoded', asForm],
  ] as const) {
    it(`without response_type, with S256 PKCE and state, answered ${name}: pairs by state and code and reports nothing above info`, async () => {
      const analysis = await analyze([
        exchange({ url: `${GITHUB_AUTHORIZE}?${githubQuery()}`, status: 302, location: callbackUrl }),
        exchange({ url: callbackUrl, status: 200 }),
        tokenRequest(response),
      ]);
      expect(analysis.flows).toHaveLength(1);
      const [flow] = analysis.flows;
      expect(flow!.authorization).toMatchObject({ responseType: 'code', responseTypeImpliedBy: 'GitHub' });
      expect(new Set(flow!.steps.map((s) => s.pairedBy).filter(Boolean))).toEqual(new Set(['state', 'code']));
      expect(flow!.pkce.status).toBe('match');
      expect(analysis.findings.filter((f) => f.severity !== 'info')).toEqual([]);
      expect(analysis.diagnoses).toEqual([]);
    });
  }

  it('without redirect_uri (GitHub then uses the registered callback URL): pairs by state and code, nothing above info', async () => {
    const query = encode({ client_id: CLIENT_ID, state: STATE, code_challenge: CHALLENGE, code_challenge_method: 'S256' });
    const analysis = await analyze([
      exchange({ url: `${GITHUB_AUTHORIZE}?${query}`, status: 302, location: callbackUrl }),
      exchange({ url: callbackUrl, status: 200 }),
      tokenRequest(asForm),
    ]);
    expect(analysis.flows).toHaveLength(1);
    expect(analysis.flows[0]!.codeExchanges).toHaveLength(1);
    expect(analysis.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('through the sign-in page first (GitHub resumes the same authorization request after the login): one flow, nothing above info', async () => {
    const login = `https://github.com/login?${encode({ client_id: CLIENT_ID, return_to: `/login/oauth/authorize?${githubQuery()}` })}`;
    const first = exchange({ url: `${GITHUB_AUTHORIZE}?${githubQuery()}`, status: 302, location: login });
    const analysis = await analyze([
      first,
      exchange({ url: login, status: 200 }),
      exchange({
        method: 'POST',
        url: 'https://github.com/session',
        initiator: 'form',
        requestBody: formBody({ login: 'octocat', password: 'hunter2' }),
        status: 302,
        location: `${GITHUB_AUTHORIZE}?${githubQuery()}`,
      }),
      exchange({ url: `${GITHUB_AUTHORIZE}?${githubQuery()}`, status: 302, location: callbackUrl }),
      exchange({ url: callbackUrl, status: 200 }),
      tokenRequest(asJson),
    ]);
    expect(analysis.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    // The request GitHub resumes after the sign-in is the first one, not a second flow left without a callback.
    expect(analysis.flows).toHaveLength(1);
    expect(analysis.flows[0]!.authorization?.exchange.id).toBe(first.id);
    expect(analysis.flows[0]!.codeExchanges).toHaveLength(1);
    expect(analysis.diagnoses).toEqual([]);
  });

  it('a user who loads the same authorization URL again (no redirect of the server) makes a second request', async () => {
    const url = `${GITHUB_AUTHORIZE}?${githubQuery()}`;
    expect(authorizations([exchange({ url, status: 200 }), exchange({ url, status: 302, location: callbackUrl })])).toHaveLength(2);
  });

  it('without PKCE: pkce-missing says the code is implied by GitHub, never that response_type=code was sent', async () => {
    const query = encode({ client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: 'repo', state: STATE });
    const analysis = await analyze([
      exchange({ url: `${GITHUB_AUTHORIZE}?${query}`, status: 302, location: callbackUrl }),
      exchange({ url: callbackUrl, status: 200 }),
    ]);
    const finding = analysis.findings.find((f) => f.ruleId === 'pkce-missing');
    expect(finding?.message).toContain('no response_type: GitHub implies code');
    expect(finding?.message).not.toContain('response_type=code');
    expect(finding?.evidence).toContainEqual({ label: 'response_type', value: 'code (not sent: implied by the provider, GitHub)' });
  });

  it("GitHub's redirect_uri_mismatch error redirect gives the authorization-error diagnosis with GitHub's setting", async () => {
    const error = encode({
      error: 'redirect_uri_mismatch',
      error_description: 'The redirect_uri MUST match the registered callback URL for this application.',
      error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#redirect-uri-mismatch',
      state: STATE,
    });
    const errorUrl = `${REDIRECT_URI}?${error}`;
    const analysis = await analyze([
      exchange({ url: `${GITHUB_AUTHORIZE}?${githubQuery()}`, status: 302, location: errorUrl }),
      exchange({ url: errorUrl, status: 200 }),
    ]);
    expect(analysis.flows).toHaveLength(1);
    expect(new Set(analysis.flows[0]!.steps.map((s) => s.pairedBy).filter(Boolean))).toEqual(new Set(['state']));
    const [diagnosis] = analysis.diagnoses;
    expect(diagnosis).toMatchObject({ kind: 'authorization-error', likelihood: 'likely' });
    expect(diagnosis!.hints).toContainEqual(expect.objectContaining({ kind: 'refusal-reason', term: 'redirect_uri_mismatch' }));
    expect(diagnosis!.hints).toContainEqual(
      expect.objectContaining({ kind: 'provider-setting', provider: 'github', setting: 'Authorization callback URL' }),
    );
  });
});
