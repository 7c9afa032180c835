import { beforeEach, describe, expect, it } from 'vitest';
import {
  AS,
  authorize,
  callback,
  defaultAuthorizeParams,
  defaultTokenParams,
  exchange,
  formBody,
  jsonBody,
  REDIRECT_URI,
  resetBuilders,
  token,
} from '../../../tests/support/build.ts';
import { demoFixture } from '../../../tests/support/token-responses.ts';
import { analyze } from '../analyze.ts';
import type { Exchange, Flow } from '../model.ts';
import { splitUrl } from '../params.ts';
import type { Diagnosis, DiagnosisKind } from './types.ts';

const CODE = defaultTokenParams.code;
const STATE = defaultAuthorizeParams.state;

async function diagnosed(exchanges: readonly Exchange[]): Promise<{ flow: Flow; diagnoses: Diagnosis[] }[]> {
  const analysis = await analyze(exchanges, []);
  return analysis.flows.map((flow) => ({ flow, diagnoses: analysis.diagnoses.filter((d) => d.flowId === flow.id) }));
}

const ofKind = (diagnoses: readonly Diagnosis[], kind: DiagnosisKind) => diagnoses.find((d) => d.kind === kind);
const hintsOf = (diagnoses: readonly Diagnosis[], kind: DiagnosisKind) => ofKind(diagnoses, kind)?.hints;

/** A recording without its token request: the callback's code was never redeemed. */
function unredeemed(name: string): Exchange[] {
  return demoFixture(name).filter((e) => !(e.method === 'POST' && splitUrl(e.url)?.target.endsWith('/token')));
}

describe('a clean sign-in', () => {
  it('has no diagnosis', async () => {
    expect((await analyze(demoFixture('good'), [])).diagnoses).toEqual([]);
  });
});

describe('a callback that never came', () => {
  it('compares the redirect_uri with the last one that worked for the client', async () => {
    const good = demoFixture('good');
    const analysed = await analyze(good, []);
    const gone = new Set(analysed.flows[0]!.steps.filter((s) => s.kind === 'callback' || s.kind === 'token').map((s) => s.exchangeId));
    const stuck = good
      .filter((e) => !gone.has(e.id))
      .map((e) => ({ ...e, id: `stuck-${e.id}`, time: e.time + 3_600_000, ...(e.endTime ? { endTime: e.endTime + 3_600_000 } : {}) }));
    const worked = demoFixture('refresh').map((e) => ({ ...e, id: `worked-${e.id}` }));
    const flows = await diagnosed([...worked, ...stuck]);
    const { flow, diagnoses } = flows.find((f) => !f.flow.callback)!;
    const workedFlow = flows.find((f) => f.flow.callback)!.flow;
    expect(diagnoses.map((d) => `${d.kind}/${d.likelihood}`)).toEqual(['callback-never-reached/possible']);
    const hints = diagnoses[0]!.hints;
    expect(hints.map((h) => h.kind)).toEqual([
      'authorization-chain-ended',
      'error-page-instead-of-redirect',
      'redirect-uri-against-last-working',
    ]);
    expect(hints[2]).toMatchObject({
      kind: 'redirect-uri-against-last-working',
      lastWorking: workedFlow.authorization!.redirectUri,
      current: flow.authorization!.redirectUri,
      workedFlowId: workedFlow.id,
      difference: { kind: 'port' },
    });
  });

  it('is likely when the chain ended on an error status (a sign-in form refused: the refusal of the request is another diagnosis)', async () => {
    const request = authorize({}, { status: 303, location: `${AS}/interaction/uid-1` });
    const login = exchange({ url: `${AS}/interaction/uid-1`, status: 200 });
    const refused = exchange({ method: 'POST', url: `${AS}/interaction/uid-1/login`, initiator: 'form', status: 401 });
    const [stuck] = await diagnosed([request, login, refused]);
    expect(stuck!.diagnoses.map((d) => d.kind)).toEqual(['callback-never-reached']);
    const diagnosis = ofKind(stuck!.diagnoses, 'callback-never-reached')!;
    expect(diagnosis.likelihood).toBe('likely');
    expect(diagnosis.hints[0]).toMatchObject({ kind: 'authorization-chain-ended', method: 'POST', status: 401 });
    // Each sign-in page was loaded once: no loop.
    expect(diagnosis.hints.some((h) => h.kind === 'sign-in-loop')).toBe(false);
  });

  it('names the sign-in page loaded again and again: a sign-in loop', async () => {
    const good = demoFixture('good');
    // Up to the authorization server's redirect that carries the code.
    const callbackAt = good.findIndex((e) => e.location?.includes('code='));
    const login = good.find((e) => e.method === 'GET' && e.url.includes('/interaction/'))!;
    // The login page comes back twice more, and the browser never reaches the redirect_uri.
    const again = [1, 2].map((n) => ({ ...login, id: `again-${n}`, time: login.time + n * 1000 }));
    const [stuck] = await diagnosed([...good.slice(0, callbackAt), ...again]);
    const diagnosis = ofKind(stuck!.diagnoses, 'callback-never-reached')!;
    expect(diagnosis.likelihood).toBe('likely');
    expect(diagnosis.hints[1]).toEqual({ kind: 'sign-in-loop', page: splitUrl(login.url)!.target, loads: 3 });
  });
});

describe('an abandoned sign-in followed by others through the same login page', () => {
  beforeEach(resetBuilders);

  it('reads only its own pages: no loop from the later sign-ins, and its own last step', async () => {
    const login = () => exchange({ url: `${AS}/login?attempt=1`, status: 200 });
    const abandoned = [authorize({ state: 'abandoned-state-0000' }), login()];
    const later = [1, 2, 3].flatMap((n) => {
      const state = `later-state-000${n}`;
      const code = `later-code-000${n}`;
      return [authorize({ state }), login(), ...callback({ code, state }), token({ code })];
    });
    const [first, ...others] = await diagnosed([...abandoned, ...later]);
    expect(first!.flow.callback).toBeUndefined();
    const diagnosis = ofKind(first!.diagnoses, 'callback-never-reached')!;
    expect(diagnosis.likelihood).toBe('possible');
    expect(diagnosis.hints.map((h) => h.kind)).not.toContain('sign-in-loop');
    expect(diagnosis.hints[0]).toMatchObject({ kind: 'authorization-chain-ended', url: abandoned[1]!.url, status: 200 });
    expect(others.flatMap((f) => f.diagnoses)).toEqual([]);
  });
});

describe('a lost state', () => {
  it('sees the app start over after a callback in a tab that had no record of it (recorded)', async () => {
    const [lost, again] = await diagnosed(demoFixture('state-lost-new-tab'));
    expect(lost!.flow.callback?.code).toBeDefined();
    expect(lost!.diagnoses.map((d) => `${d.kind}/${d.likelihood}`)).toEqual(['state-lost/likely', 'no-token-request/possible']);
    const [restart] = hintsOf(lost!.diagnoses, 'state-lost')!;
    expect(restart).toMatchObject({ kind: 'app-started-over', clientId: 'spa' });
    expect(restart!.kind === 'app-started-over' && restart.afterMs).toBeLessThan(30_000);
    // The specific diagnosis replaces the generic pointer.
    expect(hintsOf(lost!.diagnoses, 'no-token-request')).toEqual([{ kind: 'code-exchange-not-seen', callbackStatus: 200 }]);
    expect(again!.diagnoses).toEqual([]);
  });

  it('names a callback whose state matches no authorization request, and the states that were pending (recorded)', async () => {
    const flows = await diagnosed(demoFixture('state-mismatch'));
    const forged = flows.find((f) => !f.flow.authorization)!;
    const pending = flows.find((f) => f.flow.authorization)!.flow.authorization!.state!;
    expect(ofKind(forged.diagnoses, 'state-lost')).toMatchObject({
      likelihood: 'possible',
      hints: [{ kind: 'state-matches-no-request', state: 'forged', pending: [pending] }],
      evidence: [{ label: 'callback state', value: 'forged' }],
    });
  });

  it('names the tabs when the callback arrived in another tab than the authorization request', async () => {
    // HAR files have no tabs: give the sign-in tab 1 and the callback page tab 2, as the extension would see them.
    const exchanges = unredeemed('good').map((e) => ({ ...e, tabId: splitUrl(e.url)?.target.endsWith('/cb') ? 2 : 1 }));
    const [flow] = await diagnosed(exchanges);
    expect(ofKind(flow!.diagnoses, 'state-lost')).toMatchObject({
      likelihood: 'likely',
      hints: [{ kind: 'callback-in-other-tab', authorizationTab: 1, callbackTab: 2 }],
    });
    expect(hintsOf(flow!.diagnoses, 'no-token-request')).toHaveLength(1);
  });

  it('names the origins when the authorization request started from another origin than the callback', async () => {
    const exchanges = unredeemed('good');
    const authorization = exchanges.find((e) => e.url.includes('response_type='))!;
    const clientOrigin = authorization.initiatorOrigin!;
    const otherHost = clientOrigin.replace('//127.0.0.1:', '//localhost:');
    const [flow] = await diagnosed(exchanges.map((e) => (e === authorization ? { ...e, initiatorOrigin: otherHost } : e)));
    expect(hintsOf(flow!.diagnoses, 'state-lost')).toEqual([
      { kind: 'callback-at-other-origin', startedFrom: otherHost, arrivedAt: clientOrigin },
    ]);
  });

  it('notes a cross-site form_post that carried no cookie', async () => {
    const exchanges = unredeemed('form-post').map((e) =>
      e.method === 'POST' && e.url.endsWith('/cb/form-post')
        ? {
            ...e,
            requestHeaders: [
              ...e.requestHeaders.filter((h) => h.name !== 'cookie' && h.name !== 'sec-fetch-site'),
              { name: 'sec-fetch-site', value: 'cross-site' },
            ],
          }
        : e,
    );
    const [flow] = await diagnosed(exchanges);
    expect(hintsOf(flow!.diagnoses, 'state-lost')).toEqual([{ kind: 'form-post-without-cookie' }]);
  });

  it('keeps the generic pointer when nothing shows a lost state', async () => {
    const [flow] = await diagnosed(unredeemed('good'));
    expect(ofKind(flow!.diagnoses, 'state-lost')).toBeUndefined();
    expect(ofKind(flow!.diagnoses, 'no-token-request')).toMatchObject({
      likelihood: 'possible',
      hints: [{ kind: 'code-exchange-not-seen', callbackStatus: 200 }, { kind: 'state-loss-leaves-no-trace' }],
    });
  });
});

describe('a callback redirected by the client', () => {
  beforeEach(resetBuilders);

  /** authorize → the AS's redirect → the browser at the redirect_uri, which answers `status` to `location`. */
  function redirectedCallback(status: number, location: string, redeemed = false): Exchange[] {
    const auth = authorize();
    const [redirect, arrival] = callback({ code: CODE, state: STATE });
    return [auth, redirect!, { ...arrival!, status, location }, ...(redeemed ? [token()] : [])];
  }

  it('names an http→https rewrite of the callback, which moves it to another origin', async () => {
    const http = REDIRECT_URI.replace('https:', 'http:');
    const auth = authorize({ redirect_uri: http });
    const [redirect, arrival] = callback({ code: CODE, state: STATE }, { redirectUri: http });
    const to = `${REDIRECT_URI}?${new URL(arrival!.url).search.slice(1)}`;
    const [flow] = await diagnosed([auth, redirect!, { ...arrival!, status: 301, location: to }]);
    const diagnosis = ofKind(flow!.diagnoses, 'callback-redirected')!;
    expect(diagnosis.likelihood).toBe('likely');
    expect(diagnosis.hints).toEqual([
      { kind: 'callback-rewritten', status: 301, from: arrival!.url, to, difference: expect.objectContaining({ kind: 'scheme' }) },
      { kind: 'callback-origin-changed', from: 'http://app.example', to: 'https://app.example' },
    ]);
  });

  it('names a trailing-slash rewrite of a form_post callback, which drops its body', async () => {
    const auth = authorize({ response_mode: 'form_post' });
    const arrival = exchange({
      method: 'POST',
      url: REDIRECT_URI,
      initiator: 'form',
      requestBody: formBody({ code: CODE, state: STATE }),
      status: 302,
      location: `${REDIRECT_URI}/`,
    });
    const [flow] = await diagnosed([auth, arrival]);
    const diagnosis = ofKind(flow!.diagnoses, 'callback-redirected')!;
    expect(diagnosis.likelihood).toBe('certain');
    expect(diagnosis.hints.map((h) => h.kind)).toEqual(['callback-rewritten', 'form-post-body-dropped']);
  });

  it('says nothing of a server-side client that handled the callback and moved on to another page', async () => {
    const [flow] = await diagnosed(redirectedCallback(302, 'https://app.example/home'));
    expect(ofKind(flow!.diagnoses, 'callback-redirected')).toBeUndefined();
    expect(flow!.diagnoses.map((d) => d.kind)).toEqual(['no-token-request']);
  });

  it('says nothing once the code was redeemed', async () => {
    const [flow] = await diagnosed(redirectedCallback(308, `${REDIRECT_URI}/?code=${CODE}&state=${STATE}`, true));
    expect(flow!.diagnoses).toEqual([]);
  });
});

describe('errors at the authorization and token endpoints', () => {
  beforeEach(resetBuilders);

  it('decodes an authorization error (recorded)', async () => {
    const [flow] = await diagnosed(demoFixture('access-denied'));
    expect(flow!.diagnoses).toEqual([
      expect.objectContaining({
        kind: 'authorization-error',
        likelihood: 'likely',
        hints: [{ kind: 'authorization-error', error: 'access_denied', promptNone: false, framed: false }],
      }),
    ]);
  });

  it('keeps an error code that is not a plain token out of the hints', async () => {
    const [flow] = await diagnosed([authorize(), ...callback({ error: 'bad code\n<script>', state: STATE })]);
    const diagnosis = ofKind(flow!.diagnoses, 'authorization-error')!;
    expect(diagnosis).toMatchObject({ likelihood: 'possible', hints: [{ kind: 'authorization-error', error: null }] });
    expect(diagnosis.evidence).toContainEqual({ label: 'error', value: 'bad code\n<script>' });
  });

  it('explains a malformed verifier through the PKCE near miss (recorded)', async () => {
    const flows = await diagnosed(demoFixture('verifier-trailing-newline'));
    const diagnosis = ofKind(
      flows.flatMap((f) => f.diagnoses),
      'invalid-request',
    )!;
    expect(diagnosis.hints).toEqual([{ kind: 'pkce-near-miss', nearMiss: 'verifier-whitespace', otherFlowId: null }]);
    expect(diagnosis.evidence).toContainEqual(expect.objectContaining({ label: 'code_verifier', secret: true }));
  });

  it('names a JSON body, a missing redirect_uri and duplicated parameters', async () => {
    const json = token(
      {},
      {
        requestHeaders: { 'content-type': 'application/json' },
        requestBody: jsonBody({ grant_type: 'authorization_code', code: CODE, client_id: 'spa' }),
        status: 400,
        responseBody: jsonBody({ error: 'invalid_request' }),
      },
    );
    const [flow] = await diagnosed([authorize(), ...callback({ code: CODE, state: STATE }), json]);
    expect(ofKind(flow!.diagnoses, 'invalid-request')).toMatchObject({
      likelihood: 'certain',
      hints: [{ kind: 'not-form-encoded', encoding: 'json' }, { kind: 'redirect-uri-missing' }],
    });
    resetBuilders();
    const twice = token(
      {},
      {
        requestBody: formBody([...Object.entries(defaultTokenParams), ['code', 'again']]),
        status: 400,
        responseBody: jsonBody({ error: 'invalid_request' }),
      },
    );
    const [other] = await diagnosed([authorize(), ...callback({ code: CODE, state: STATE }), twice]);
    expect(hintsOf(other!.diagnoses, 'invalid-request')).toEqual([{ kind: 'duplicated-parameters', names: ['code'] }]);
  });

  it('points at the error_description when the request looks well-formed', async () => {
    const refused = token({}, { status: 400, responseBody: jsonBody({ error: 'invalid_request' }) });
    const [flow] = await diagnosed([authorize(), ...callback({ code: CODE, state: STATE }), refused]);
    expect(ofKind(flow!.diagnoses, 'invalid-request')).toMatchObject({
      likelihood: 'possible',
      hints: [{ kind: 'read-error-description' }],
    });
  });

  it('lists the client authentication sent with an invalid_client', async () => {
    const basic = `Basic ${btoa('spa:secret')}`;
    const refused = token(
      { client_secret: 'also-a-secret' },
      { requestHeaders: { authorization: basic }, status: 401, responseBody: jsonBody({ error: 'invalid_client' }) },
    );
    const [flow] = await diagnosed([authorize(), ...callback({ code: CODE, state: STATE }), refused]);
    expect(ofKind(flow!.diagnoses, 'invalid-client')).toMatchObject({
      likelihood: 'certain',
      hints: [
        { kind: 'client-authentication-sent', methods: ['basic', 'client_secret'] },
        { kind: 'several-authentication-methods' },
        { kind: 'basic-credentials-encoding' },
      ],
    });
    resetBuilders();
    const publicClient = token({}, { status: 401, responseBody: jsonBody({ error: 'invalid_client' }) });
    const [other] = await diagnosed([authorize(), ...callback({ code: CODE, state: STATE }), publicClient]);
    expect(ofKind(other!.diagnoses, 'invalid-client')).toMatchObject({
      likelihood: 'possible',
      hints: [{ kind: 'client-authentication-sent', methods: [] }],
    });
  });
});
