import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Exchange, Flow } from '../../src/core/model.ts';
import { header, splitUrl } from '../../src/core/params.ts';
import { diagnose, type Diagnosis } from '../../src/devtools/diagnostics.ts';
import { buildSource } from '../../src/devtools/sources.ts';
import { fixtureExchanges } from './fixtures.ts';

async function diagnosesOf(name: string) {
  const s = await buildSource('s', name, 'import', fixtureExchanges(name));
  return s.analysis.flows.map((f) => diagnose(f, s.analysis.flows, s.exchangeById));
}

describe('stuck-flow diagnostics', () => {
  it('says nothing about a good flow', async () => {
    expect((await diagnosesOf('good')).flat()).toEqual([]);
  });

  it('walks the invalid_grant checklist to the redirect_uri difference', async () => {
    const [first] = await diagnosesOf('redirect-uri-trailing-slash');
    const grant = first!.find((d) => d.id === 'invalid-grant')!;
    expect(grant.title).toMatch(/^invalid_grant/);
    expect(grant.lines).toEqual(
      expect.arrayContaining([
        'No earlier exchange of this code was observed.',
        'PKCE: the verifier matches the challenge.',
        'redirect_uri differs from the authorization request: a trailing slash was added.',
        'client_id is the same in both requests.',
      ]),
    );
  });

  it('names an earlier exchange of the same code', async () => {
    const diagnoses = (await diagnosesOf('code-twice')).flat();
    expect(diagnoses.find((d) => d.id === 'invalid-grant')?.lines[0]).toMatch(
      /^The same code was already exchanged 1 time before \(first: HTTP 200\)/,
    );
  });

  it('decodes an authorization error', async () => {
    const diagnoses = (await diagnosesOf('access-denied')).flat();
    expect(diagnoses.find((d) => d.id === 'authorization-error')?.lines).toEqual([
      'access_denied: the user refused (or cancelled) at the authorization server.',
    ]);
  });

  it('explains a malformed verifier through the PKCE near miss', async () => {
    const diagnoses = (await diagnosesOf('verifier-trailing-newline')).flat();
    expect(diagnoses.find((d) => d.id === 'invalid-request')?.lines).toEqual([
      expect.stringMatching(/^PKCE verifier-whitespace: The challenge was computed from the verifier without its surrounding whitespace/),
    ]);
  });
});

describe('a callback that never came', () => {
  it('compares the redirect_uri with the last one that worked for the client', async () => {
    const good = await buildSource('g', 'good', 'import', fixtureExchanges('good'));
    const gone = new Set(good.analysis.flows[0]!.steps.filter((s) => s.kind === 'callback' || s.kind === 'token').map((s) => s.exchangeId));
    const stuck = fixtureExchanges('good')
      .filter((e) => !gone.has(e.id))
      .map((e) => ({ ...e, id: `stuck-${e.id}`, time: e.time + 3_600_000, ...(e.endTime ? { endTime: e.endTime + 3_600_000 } : {}) }));
    const worked = fixtureExchanges('refresh').map((e) => ({ ...e, id: `worked-${e.id}` }));
    const s = await buildSource('s', 'both', 'import', [...worked, ...stuck]);
    const flow = s.analysis.flows.find((f) => !f.callback)!;
    const [diagnosis] = diagnose(flow, s.analysis.flows, s.exchangeById);
    expect(diagnosis?.id).toBe('callback-never-reached');
    expect(diagnosis?.lines.at(-1)).toMatch(
      /^Against the last redirect_uri that worked for this client: the port differs \(\d+ vs \d+\) \(port\)\.$/,
    );
  });
});

/** A recording without its token request: the callback's code was never redeemed. */
function unredeemed(name: string): Exchange[] {
  return fixtureExchanges(name).filter((e) => !(e.method === 'POST' && splitUrl(e.url)?.target.endsWith('/token')));
}

async function diagnosesOfExchanges(exchanges: Exchange[]): Promise<{ flow: Flow; diagnoses: Diagnosis[] }[]> {
  const s = await buildSource('s', 'hand-built', 'import', exchanges);
  return s.analysis.flows.map((flow) => ({ flow, diagnoses: diagnose(flow, s.analysis.flows, s.exchangeById) }));
}

const linesOf = (diagnoses: readonly Diagnosis[], id: Diagnosis['id']) => diagnoses.find((d) => d.id === id)?.lines;

describe('a sign-in loop', () => {
  it('names the sign-in page loaded again and again without a callback', async () => {
    const good = fixtureExchanges('good');
    // Up to the authorization server's redirect that carries the code.
    const callbackAt = good.findIndex((e) => e.location?.includes('code='));
    const login = good.find((e) => e.method === 'GET' && e.url.includes('/interaction/'))!;
    // The login page comes back twice more, and the browser never reaches the redirect_uri.
    const again = [1, 2].map((n) => ({ ...login, id: `again-${n}`, time: login.time + n * 1000 }));
    const [stuck] = await diagnosesOfExchanges([...good.slice(0, callbackAt), ...again]);
    const lines = linesOf(stuck!.diagnoses, 'callback-never-reached')!;
    expect(lines[1]).toBe(
      `The sign-in page ${splitUrl(login.url)!.target} was loaded 3 times in this flow: a sign-in loop. In its steps, look for the authorization server's session cookie: set (Set-Cookie) but not sent back (Cookie), e.g. refused for its SameSite or Secure attributes or blocked as a third-party cookie in a frame.`,
    );
  });

  it('says nothing of a loop when each sign-in page was loaded once', async () => {
    const [stuck] = await diagnosesOfExchanges(fixtureExchanges('redirect-uri-fragment'));
    expect(linesOf(stuck!.diagnoses, 'callback-never-reached')!.join('\n')).not.toMatch(/loop/);
  });
});

describe('a lost state', () => {
  it('sees the app start over after a callback in a tab that had no record of it (recorded)', async () => {
    const [lost, again] = await diagnosesOfExchanges(fixtureExchanges('state-lost-new-tab'));
    expect(lost!.flow.callback?.code).toBeDefined();
    expect(linesOf(lost!.diagnoses, 'state-lost')).toEqual([
      expect.stringMatching(
        /^No token request followed the callback, and a new authorization request of client spa started \d+ ms after it: the app started over, the usual sign of a lost state\.$/,
      ),
    ]);
    // The specific diagnosis replaces the generic pointer.
    expect(linesOf(lost!.diagnoses, 'no-token-request')).toHaveLength(1);
    expect(again!.diagnoses).toEqual([]);
  });

  it('names a callback whose state matches no authorization request, and the states that were pending (recorded)', async () => {
    const flows = await diagnosesOfExchanges(fixtureExchanges('state-mismatch'));
    const forged = flows.find((f) => !f.flow.authorization)!;
    const pending = flows.find((f) => f.flow.authorization)!.flow.authorization!.state!;
    expect(linesOf(forged.diagnoses, 'state-lost')).toEqual([
      `The callback's state "forged" matches no authorization request in this capture: the capture began after the sign-in did, or the callback answers no request of this app (an old or forged link), which the app must refuse (RFC 6749 §10.12). Pending for the same redirect_uri: "${pending}".`,
    ]);
  });

  it('names the tabs when the callback arrived in another tab than the authorization request', async () => {
    // HAR files have no tabs: give the sign-in tab 1 and the callback page tab 2, as the extension would see them.
    const exchanges = unredeemed('good').map((e) => ({ ...e, tabId: splitUrl(e.url)?.target.endsWith('/cb') ? 2 : 1 }));
    const [flow] = await diagnosesOfExchanges(exchanges);
    expect(linesOf(flow!.diagnoses, 'state-lost')).toEqual([
      'The authorization request was sent from tab 1, and the callback arrived in tab 2: sessionStorage is per tab (HTML Standard, "The sessionStorage getter"), so a state or PKCE verifier kept there is not found.',
    ]);
    expect(linesOf(flow!.diagnoses, 'no-token-request')).toHaveLength(1);
  });

  it('names the origins when the authorization request started from another origin than the callback', async () => {
    const exchanges = unredeemed('good');
    const authorization = exchanges.find((e) => e.url.includes('response_type='))!;
    const clientOrigin = authorization.initiatorOrigin!;
    const otherHost = clientOrigin.replace('//127.0.0.1:', '//localhost:');
    const [flow] = await diagnosesOfExchanges(exchanges.map((e) => (e === authorization ? { ...e, initiatorOrigin: otherHost } : e)));
    expect(linesOf(flow!.diagnoses, 'state-lost')).toEqual([
      `The authorization request was started by a page of ${otherHost}, and the callback arrived at ${clientOrigin}: web storage and cookies are kept per origin (localhost and 127.0.0.1, www and the bare host are different origins), so a state kept there is not found. Compare the app's address with its redirect_uri.`,
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
    const [flow] = await diagnosesOfExchanges(exchanges);
    expect(linesOf(flow!.diagnoses, 'state-lost')).toEqual([
      expect.stringMatching(/^The form_post callback arrived as a cross-site POST \(Sec-Fetch-Site: cross-site\) with no Cookie header/),
    ]);
  });

  it('keeps the generic pointer when nothing shows a lost state', async () => {
    const [flow] = await diagnosesOfExchanges(unredeemed('good'));
    expect(linesOf(flow!.diagnoses, 'state-lost')).toBeUndefined();
    expect(linesOf(flow!.diagnoses, 'no-token-request')?.[1]).toMatch(/^If the app reports a state error/);
  });
});

/** The recording's token requests (code exchanges), in order. */
const tokenRequests = (exchanges: readonly Exchange[]) =>
  exchanges.filter((e) => e.method === 'POST' && splitUrl(e.url)?.target.endsWith('/token'));

describe('CORS at the token endpoint', () => {
  it('names a failed preflight and its cause, and the POST that failed unsent (recorded)', async () => {
    const recorded = fixtureExchanges('token-preflight-blocked');
    // The browser failed the POST without a response: a HAR keeps it with status 0 and an _error.
    expect(tokenRequests(recorded).map((e) => [e.status, e.error, e.responseHeaders])).toEqual([[undefined, 'net::ERR_FAILED', []]]);
    const [flow] = await diagnosesOfExchanges(recorded);
    expect(flow!.diagnoses.map((d) => d.id)).toEqual(['token-cors-blocked']);
    const origin = flow!.flow.authorization!.exchange.initiatorOrigin!;
    expect(linesOf(flow!.diagnoses, 'token-cors-blocked')).toEqual([
      `The CORS preflight (OPTIONS ${flow!.flow.metadata!.tokenEndpoint} from ${origin}, for POST with the headers x-requested-with) was answered HTTP 204, but its Access-Control-Allow-Headers (content-type, authorization, dpop) does not allow x-requested-with, and no token request was answered after it: the browser never sent the token request (Fetch Standard, "CORS-preflight fetch"). It shows in the capture as failed (net::ERR_FAILED), without a response. x-requested-with is a header the app added: without it, a form-encoded token request needs no preflight; with it, the server must list it in Access-Control-Allow-Headers.`,
    ]);
  });

  it('names a response without Access-Control-Allow-Origin, and the retry of the code it used up (recorded)', async () => {
    // Both POSTs got a response (200, then 400) that the browser withheld from the app. The HAR keeps their
    // statuses, headers and _error, as DevTools exports them, and reads as the extension sees it
    // (webrequest.diagnostics.recorded.test.ts).
    const recorded = fixtureExchanges('token-cors-blocked');
    expect(tokenRequests(recorded).map((e) => e.status)).toEqual([200, 400]);
    const [flow] = await diagnosesOfExchanges(recorded);
    const origin = flow!.flow.authorization!.exchange.initiatorOrigin!;
    const endpoint = flow!.flow.metadata!.tokenEndpoint!;
    const blockedLine = (status: number) =>
      `The token request (authorization_code) from ${origin} to ${endpoint} got HTTP ${status} and then failed in the browser (net::ERR_FAILED): its response has no Access-Control-Allow-Origin, so the browser keeps the response from the app, which sees a network error (Fetch Standard, "CORS check"). The token endpoint must answer Access-Control-Allow-Origin: ${origin} (or *).`;
    expect(flow!.diagnoses.map((d) => d.id)).toEqual(['token-cors-blocked', 'invalid-grant']);
    expect(linesOf(flow!.diagnoses, 'token-cors-blocked')).toEqual([
      blockedLine(200),
      expect.stringMatching(
        /^The same code was sent again \d+ ms later \(HTTP 400\): the blocked request had already redeemed it \(the server answered 200\), and a code is one-time \(RFC 6749 §4\.1\.2\), so the retry gets invalid_grant\. Fix the CORS response instead of retrying\.$/,
      ),
      blockedLine(400),
    ]);
    expect(JSON.stringify(flow!.diagnoses)).not.toContain(flow!.flow.callback!.code!);
  });

  it('judges a blocked response whose status was not captured (status 0 beside the headers and an _error)', async () => {
    // The recording's blocked POSTs as an export that kept their headers but not their status shows them.
    const recorded = fixtureExchanges('token-cors-blocked');
    const blocked = new Set(tokenRequests(recorded));
    const [flow] = await diagnosesOfExchanges(
      recorded.map((e) => {
        if (!blocked.has(e)) return e;
        const { status: _status, ...withoutStatus } = e;
        return { ...withoutStatus, error: 'net::ERR_FAILED' };
      }),
    );
    const [first, usedUp] = linesOf(flow!.diagnoses, 'token-cors-blocked')!;
    expect(first).toMatch(
      / got a response \(its status was not captured\) and then failed in the browser \(net::ERR_FAILED\): its response has no Access-Control-Allow-Origin/,
    );
    expect(usedUp).toMatch(
      /: the blocked request had already reached the server \(a response came back\), and a code is one-time \(RFC 6749 §4\.1\.2\): if the server redeemed it then, the retry gets invalid_grant\./,
    );
  });

  it.each([
    [
      'another origin',
      [{ name: 'access-control-allow-origin', value: 'https://app.example' }],
      [],
      /its Access-Control-Allow-Origin is https:\/\/app\.example, not http:/,
    ],
    [
      'two origins',
      [{ name: 'access-control-allow-origin', value: 'https://a.example, https://b.example' }],
      [],
      /holds more than one value/,
    ],
    [
      '* with cookies',
      [{ name: 'access-control-allow-origin', value: '*' }],
      [{ name: 'cookie', value: 'sid=1' }],
      /is \*, which does not allow a request with credentials/,
    ],
    [
      'the origin with cookies, without Allow-Credentials',
      'origin',
      [{ name: 'cookie', value: 'sid=1' }],
      /lacks Access-Control-Allow-Credentials: true/,
    ],
  ] as const)('applies the CORS check: %s', async (_name, allowOrigin, extraRequestHeaders, expected) => {
    const good = fixtureExchanges('good');
    const token = good.find((e) => e.method === 'POST' && e.url.endsWith('/token'))!;
    const origin = header(token.requestHeaders, 'origin')!;
    const acao = allowOrigin === 'origin' ? [{ name: 'access-control-allow-origin', value: origin }] : allowOrigin;
    const changed = {
      ...token,
      requestHeaders: [...token.requestHeaders, ...extraRequestHeaders],
      responseHeaders: [...token.responseHeaders.filter((h) => !h.name.startsWith('access-control-')), ...acao],
    };
    const [flow] = await diagnosesOfExchanges(good.map((e) => (e === token ? changed : e)));
    expect(linesOf(flow!.diagnoses, 'token-cors-blocked')).toEqual([expect.stringMatching(expected)]);
  });

  it('names a token request sent with mode no-cors', async () => {
    const good = fixtureExchanges('good');
    const changed = good.map((e) =>
      e.method === 'POST' && e.url.endsWith('/token')
        ? { ...e, requestHeaders: e.requestHeaders.map((h) => (h.name === 'sec-fetch-mode' ? { ...h, value: 'no-cors' } : h)) }
        : e,
    );
    const [flow] = await diagnosesOfExchanges(changed);
    expect(linesOf(flow!.diagnoses, 'token-cors-blocked')).toEqual([
      expect.stringMatching(/it was sent with mode "no-cors", so the app gets an opaque response/),
    ]);
  });

  it('says nothing of a same-origin token request', async () => {
    const good = fixtureExchanges('good');
    const token = good.find((e) => e.method === 'POST' && e.url.endsWith('/token'))!;
    const sameOrigin = {
      ...token,
      requestHeaders: token.requestHeaders.map((h) => (h.name === 'origin' ? { ...h, value: new URL(token.url).origin } : h)),
      responseHeaders: token.responseHeaders.filter((h) => !h.name.startsWith('access-control-')),
    };
    const [flow] = await diagnosesOfExchanges(good.map((e) => (e === token ? sameOrigin : e)));
    expect(flow!.diagnoses).toEqual([]);
  });
});

describe('every recording', () => {
  it('raises the state and CORS diagnoses only where the recording shows them', async () => {
    const names = readdirSync(new URL('../fixtures/demo/', import.meta.url)).map((f) => f.replace(/\.har$/, ''));
    const raised: Record<string, string[]> = {};
    for (const name of names) {
      const ids = (await diagnosesOf(name))
        .flat()
        .map((d) => d.id)
        .filter((id) => id === 'state-lost' || id === 'token-cors-blocked');
      if (ids.length) raised[name] = ids;
    }
    expect(raised).toEqual({
      'state-lost-new-tab': ['state-lost'],
      'state-mismatch': ['state-lost'],
      'token-cors-blocked': ['token-cors-blocked'],
      'token-preflight-blocked': ['token-cors-blocked'],
    });
  });
});
