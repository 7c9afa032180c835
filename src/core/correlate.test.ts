import { beforeEach, describe, expect, it } from 'vitest';
import { analyze } from './analyze.ts';
import {
  AS,
  authorize,
  callback,
  exchange,
  formBody,
  formPostCallback,
  jsonBody,
  REDIRECT_URI,
  resetBuilders,
  token,
} from '../../tests/support/build.ts';
import { par as pushedRequest, parAuthorize } from '../../tests/support/pkce-and-code.ts';
import { s256 } from './pkce.ts';

const flowsOf = async (exchanges: Parameters<typeof analyze>[0]) => (await analyze(exchanges, [])).flows;

const verifierA = 'verifier-a-0123456789-0123456789-0123456789';
const verifierB = 'verifier-b-0123456789-0123456789-0123456789';

describe('correlation', () => {
  beforeEach(resetBuilders);

  it('pairs two concurrent flows in one tab by state, whatever the order of their callbacks', async () => {
    const a = authorize({ state: 'state-a', code_challenge: await s256(verifierA) }, { tabId: 1 });
    const b = authorize({ state: 'state-b', code_challenge: await s256(verifierB) }, { tabId: 1 });
    const cbB = callback({ code: 'code-b', state: 'state-b' }, { tabId: 1 });
    const cbA = callback({ code: 'code-a', state: 'state-a' }, { tabId: 1 });
    const tokenB = token({ code: 'code-b', code_verifier: verifierB });
    const tokenA = token({ code: 'code-a', code_verifier: verifierA });
    const flows = await flowsOf([a, b, ...cbB, ...cbA, tokenB, tokenA]);

    expect(flows).toHaveLength(2);
    const [flowA, flowB] = flows;
    expect(flowA!.authorization!.exchange).toBe(a);
    expect(flowA!.callback!.code).toBe('code-a');
    expect(flowA!.codeExchanges.map((r) => r.exchange)).toEqual([tokenA]);
    expect(flowA!.pkce.status).toBe('match');
    expect(flowB!.callback!.code).toBe('code-b');
    expect(flowB!.codeExchanges.map((r) => r.exchange)).toEqual([tokenB]);
    expect(flowB!.pkce.status).toBe('match');
    expect(flowA!.steps.find((s) => s.kind === 'token')?.pairedBy).toBe('code');
    expect(flowA!.steps.find((s) => s.kind === 'callback')?.pairedBy).toBe('state');
  });

  it('pairs a flow that starts in a popup window and ends in another tab', async () => {
    const auth = authorize({ state: 'popup-state' }, { tabId: 7 });
    const cb = callback({ code: 'c1', state: 'popup-state' }, { tabId: 9 });
    const [flow] = await flowsOf([auth, ...cb, token({ code: 'c1' })]);
    expect(flow!.callback?.exchange).toBe(cb[0]);
    expect(flow!.codeExchanges).toHaveLength(1);
  });

  it('keeps an abandoned attempt apart from its retry', async () => {
    const first = authorize({ state: 'attempt-1' });
    const retry = authorize({ state: 'attempt-2' });
    const flows = await flowsOf([first, retry, ...callback({ code: 'c2', state: 'attempt-2' }), token({ code: 'c2' })]);
    expect(flows).toHaveLength(2);
    expect(flows[0]!.callback).toBeUndefined();
    expect(flows[0]!.notes.join()).toContain('callback not observed');
    expect(flows[1]!.callback?.code).toBe('c2');
  });

  it('says the authorization server answered an error status instead of redirecting back', async () => {
    const [flow] = await flowsOf([authorize({}, { status: 400 })]);
    expect(flow!.notes).toContain('callback not observed: the authorization server answered 400 instead of redirecting back');
  });

  it('pairs a silent-renew iframe alongside a top-level flow', async () => {
    const top = authorize({ state: 'top' }, { tabId: 1 });
    const silent = authorize({ state: 'silent', prompt: 'none' }, { tabId: 1, initiator: 'subframe' });
    const silentCallback = exchange({
      url: `${AS}/authorize/silent`,
      status: 302,
      location: `${REDIRECT_URI}?code=cs&state=silent`,
      initiator: 'subframe',
      tabId: 1,
    });
    const silentArrival = exchange({ url: `${REDIRECT_URI}?code=cs&state=silent`, status: 200, initiator: 'subframe', tabId: 1 });
    const flows = await flowsOf([top, silent, silentCallback, silentArrival, ...callback({ code: 'ct', state: 'top' }, { tabId: 1 })]);
    expect(flows.map((f) => f.callback?.code)).toEqual(['ct', 'cs']);
    expect(flows[1]!.callback!.arrival).toBe(silentArrival);
  });

  it('reads a fragment response from the Location header and marks the arrival', async () => {
    const auth = authorize({ response_mode: 'fragment', state: 'frag' });
    const [redirect, arrival] = callback({ code: 'cf', state: 'frag' }, { mode: 'fragment' });
    const [flow] = await flowsOf([auth, redirect!, arrival!]);
    expect(flow!.callback).toMatchObject({ mode: 'fragment', code: 'cf', state: 'frag' });
    expect(flow!.callback!.arrival).toBe(arrival);
  });

  it('reads a form_post response from the POST body', async () => {
    const auth = authorize({ response_mode: 'form_post', state: 'fp' });
    const [flow] = await flowsOf([auth, formPostCallback({ code: 'cp', state: 'fp' })]);
    expect(flow!.callback).toMatchObject({ mode: 'form_post', code: 'cp' });
  });

  it('pairs a stateless callback by redirect target, and a state-dropping AS to the flow that sent one', async () => {
    const flows = await flowsOf([authorize({ state: 'sent' }), ...callback({ code: 'c' })]);
    expect(flows).toHaveLength(1);
    expect(flows[0]!.callback?.code).toBe('c');
    expect(flows[0]!.steps.find((s) => s.kind === 'callback')?.pairedBy).toBe('redirect_uri');
  });

  it('makes an orphan flow for a callback that matches no authorization request', async () => {
    const flows = await flowsOf([authorize({ state: 'mine' }), ...callback({ code: 'forged', state: 'forged' })]);
    expect(flows).toHaveLength(2);
    expect(flows[1]!.authorization).toBeUndefined();
    expect(flows[1]!.callback?.state).toBe('forged');
  });

  it('keeps every exchange of a replayed code in one flow', async () => {
    const [flow] = await flowsOf([
      authorize(),
      ...callback({ code: 'once', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' }),
      token({ code: 'once' }),
      token({ code: 'once' }, { status: 400 }),
    ]);
    expect(flow!.codeExchanges).toHaveLength(2);
  });

  it('chains refreshes by refresh token when bodies are known, and by client otherwise', async () => {
    const tokenResponse = { access_token: 'at1', token_type: 'Bearer', refresh_token: 'rt1' };
    const exchanges = [
      authorize(),
      ...callback({ code: 'c', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' }),
      token({ code: 'c' }, { responseBody: jsonBody(tokenResponse) }),
      token(
        { grant_type: 'refresh_token', refresh_token: 'rt1', code: undefined, code_verifier: undefined, redirect_uri: undefined },
        { responseBody: jsonBody({ access_token: 'at2', refresh_token: 'rt2' }) },
      ),
      token({ grant_type: 'refresh_token', refresh_token: 'rt2', code: undefined, code_verifier: undefined, redirect_uri: undefined }),
      token({ grant_type: 'refresh_token', refresh_token: 'unknown', code: undefined, code_verifier: undefined, redirect_uri: undefined }),
    ];
    const [flow] = await flowsOf(exchanges);
    expect(flow!.refreshes).toHaveLength(3);
    expect(flow!.steps.filter((s) => s.kind === 'refresh').map((s) => s.pairedBy)).toEqual(['refresh_token', 'refresh_token', 'client']);
  });

  it('pairs a refresh whose token is unknown with the latest earlier flow of its client at that endpoint', async () => {
    let refreshCount = 0;
    // Each refresh presents a token no observed response issued (bodies unseen), so only the client can pair it.
    const refresh = (clientId: string) =>
      token({
        grant_type: 'refresh_token',
        refresh_token: `rt-${clientId}-${++refreshCount}`,
        client_id: clientId,
        code: undefined,
        code_verifier: undefined,
        redirect_uri: undefined,
      });
    const signIn = (clientId: string, state: string, code: string) => [
      authorize({ client_id: clientId, state }),
      ...callback({ code, state }),
      token({ code, client_id: clientId }),
    ];
    const exchanges = [
      ...signIn('app-a', 'state-a1-0123456789abcdef0123', 'code-a1'),
      ...signIn('app-b', 'state-b1-0123456789abcdef0123', 'code-b1'),
      refresh('app-a'),
      ...signIn('app-a', 'state-a2-0123456789abcdef0123', 'code-a2'),
      refresh('app-a'),
      refresh('app-b'),
      refresh('app-c'),
    ];
    const flows = await flowsOf(exchanges);
    const refreshesOf = (state: string) => flows.find((f) => f.authorization?.state === state)?.refreshes.map((r) => r.exchange.id);
    const ids = exchanges
      .filter((e) => e.url.endsWith('/token') && e.requestBody.kind === 'form' && e.requestBody.raw.includes('refresh_token'))
      .map((e) => e.id);
    expect(refreshesOf('state-a1-0123456789abcdef0123')).toEqual([ids[0]]);
    expect(refreshesOf('state-a2-0123456789abcdef0123')).toEqual([ids[1]]);
    expect(refreshesOf('state-b1-0123456789abcdef0123')).toEqual([ids[2]]);
    // A client with no earlier flow starts a flow of its own.
    expect(flows.filter((f) => !f.authorization).map((f) => f.refreshes.map((r) => r.exchange.id))).toEqual([[ids[3]]]);
  });

  it('takes PAR parameters for an authorization request that only carries request_uri (RFC 9126 §4)', async () => {
    const par = exchange({
      method: 'POST',
      url: `${AS}/par`,
      initiator: 'fetch',
      status: 201,
      requestBody: formBody({
        response_type: 'code',
        client_id: 'spa',
        redirect_uri: REDIRECT_URI,
        state: 'par-state',
        code_challenge: 'x'.repeat(43),
        code_challenge_method: 'S256',
      }),
      responseBody: jsonBody({ request_uri: 'urn:ietf:params:oauth:request_uri:abc', expires_in: 60 }),
    });
    const auth = exchange({
      url: `${AS}/authorize?client_id=spa&request_uri=${encodeURIComponent('urn:ietf:params:oauth:request_uri:abc')}`,
      status: 200,
    });
    const [flow] = await flowsOf([par, auth, ...callback({ code: 'c', state: 'par-state' })]);
    expect(flow!.authorization?.par?.exchange).toBe(par);
    expect(flow!.authorization).toMatchObject({ state: 'par-state', codeChallengeMethod: 'S256' });
    expect(flow!.callback?.code).toBe('c');
    expect(flow!.steps.map((s) => s.kind)).toEqual(['par', 'authorize', 'callback', 'callback']);
  });

  it('keeps the pushed value of a parameter the front channel repeats differently (RFC 9126 §4)', async () => {
    const par = exchange({
      method: 'POST',
      url: `${AS}/par`,
      initiator: 'fetch',
      status: 201,
      requestBody: formBody({ response_type: 'code', client_id: 'spa', redirect_uri: REDIRECT_URI, state: 'pushed' }),
      responseBody: jsonBody({ request_uri: 'urn:ietf:params:oauth:request_uri:def', expires_in: 60 }),
    });
    const auth = exchange({
      url: `${AS}/authorize?client_id=spa&state=front&request_uri=${encodeURIComponent('urn:ietf:params:oauth:request_uri:def')}`,
      status: 200,
    });
    const [flow] = await flowsOf([par, auth]);
    expect(flow!.authorization?.state).toBe('pushed');
  });

  it('pairs a pushed authorization by its request_uri, or by client and server without the PAR response (RFC 9126 §4)', async () => {
    const [byRequestUri] = await flowsOf([pushedRequest(), parAuthorize()]);
    expect(byRequestUri!.steps.map((s) => [s.kind, s.pairedBy])).toEqual([
      ['par', undefined],
      ['authorize', 'request_uri'],
    ]);
    const [byClient] = await flowsOf([pushedRequest({}, { responseBody: undefined }), parAuthorize()]);
    expect(byClient!.steps.map((s) => [s.kind, s.pairedBy])).toEqual([
      ['par', undefined],
      ['authorize', 'client'],
    ]);
  });

  it('pairs userinfo and revocation calls by the token they present, and says which', async () => {
    const discovery = exchange({
      url: `${AS}/.well-known/openid-configuration`,
      initiator: 'fetch',
      status: 200,
      responseBody: jsonBody({
        issuer: AS,
        authorization_endpoint: `${AS}/authorize`,
        token_endpoint: `${AS}/token`,
        revocation_endpoint: `${AS}/revoke`,
      }),
    });
    const revoke = (token: string) =>
      exchange({ method: 'POST', url: `${AS}/revoke`, initiator: 'fetch', status: 200, requestBody: formBody({ token }) });
    const [flow] = await flowsOf([
      discovery,
      authorize(),
      ...callback({ code: 'c', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' }),
      token({ code: 'c' }, { responseBody: jsonBody({ access_token: 'at1', token_type: 'Bearer', refresh_token: 'rt1' }) }),
      exchange({ url: `${AS}/userinfo`, initiator: 'fetch', status: 200, requestHeaders: { authorization: 'Bearer at1' } }),
      revoke('rt1'),
      revoke('at1'),
    ]);
    expect(flow!.steps.filter((s) => s.kind === 'userinfo' || s.kind === 'revocation').map((s) => [s.kind, s.pairedBy])).toEqual([
      ['userinfo', 'access_token'],
      ['revocation', 'refresh_token'],
      ['revocation', 'access_token'],
    ]);
  });

  it('binds the issuer from discovery metadata', async () => {
    const discovery = exchange({
      url: `${AS}/.well-known/openid-configuration`,
      initiator: 'fetch',
      status: 200,
      responseBody: jsonBody({ issuer: AS, authorization_endpoint: `${AS}/authorize`, token_endpoint: `${AS}/token` }),
    });
    const [flow] = await flowsOf([discovery, authorize()]);
    expect(flow).toMatchObject({ issuer: AS, issuerSource: 'metadata' });
  });

  it('lists the sign-in pages between the authorization request and the callback', async () => {
    const auth = authorize({}, { tabId: 3 });
    const login = exchange({ url: `${AS}/login`, status: 200, tabId: 3 });
    const unrelated = exchange({ url: `${AS}/api/status`, status: 200, initiator: 'fetch', tabId: 3 });
    const otherTab = exchange({ url: `${AS}/login`, status: 200, tabId: 4 });
    const cb = callback({ code: 'c', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' }, { tabId: 3 });
    const [flow] = await flowsOf([auth, login, unrelated, otherTab, ...cb]);
    expect(flow!.steps.filter((s) => s.kind === 'sign-in').map((s) => s.exchangeId)).toEqual([login.id]);
  });
});

describe('evidence notes', () => {
  beforeEach(resetBuilders);

  it('says when percent-encoding is broken and when an id_token does not decode', async () => {
    const exchanges = [
      authorize(),
      ...callback({ code: 'c', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' }),
      token(
        {},
        {
          requestBody: formBody('grant_type=authorization_code&code=c&code_verifier=%zz'),
          responseBody: jsonBody({ access_token: 'a', id_token: 'not.a-jwt.%%%' }),
        },
      ),
    ];
    const [flow] = await flowsOf(exchanges);
    expect(flow!.notes).toContain(
      "token request body has broken percent-encoding (a '%' without two hex digits): those characters were kept as they are",
    );
    expect(flow!.notes.some((n) => n.startsWith('id_token does not decode as a JWT'))).toBe(true);
  });
});
