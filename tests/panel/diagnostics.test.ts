import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Exchange, Flow } from '../../src/core/model.ts';
import { splitUrl } from '../../src/core/params.ts';
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
    expect(grant.lines).toEqual(expect.arrayContaining([
      'No earlier exchange of this code was observed.',
      'PKCE: the verifier matches the challenge.',
      'redirect_uri differs from the authorization request: a trailing slash was added.',
      'client_id is the same in both requests.',
    ]));
  });

  it('names an earlier exchange of the same code', async () => {
    const diagnoses = (await diagnosesOf('code-twice')).flat();
    expect(diagnoses.find((d) => d.id === 'invalid-grant')?.lines[0]).toMatch(/^The same code was already exchanged 1 time before \(first: HTTP 200\)/);
  });

  it('decodes an authorization error', async () => {
    const diagnoses = (await diagnosesOf('access-denied')).flat();
    expect(diagnoses.find((d) => d.id === 'authorization-error')?.lines).toEqual(['access_denied: the user refused (or cancelled) at the authorization server.']);
  });

  it('explains a malformed verifier through the PKCE near miss', async () => {
    const diagnoses = (await diagnosesOf('verifier-trailing-newline')).flat();
    expect(diagnoses.find((d) => d.id === 'invalid-request')?.lines).toEqual([expect.stringMatching(/^PKCE verifier-whitespace: The challenge was computed from the verifier without its surrounding whitespace/)]);
  });
});

describe('a callback that never came', () => {
  it('compares the redirect_uri with the last one that worked for the client', async () => {
    const good = await buildSource('g', 'good', 'import', fixtureExchanges('good'));
    const gone = new Set(good.analysis.flows[0]!.steps.filter((s) => s.kind === 'callback' || s.kind === 'token').map((s) => s.exchangeId));
    const stuck = fixtureExchanges('good').filter((e) => !gone.has(e.id)).map((e) => ({ ...e, id: `stuck-${e.id}`, time: e.time + 3_600_000, ...(e.endTime ? { endTime: e.endTime + 3_600_000 } : {}) }));
    const worked = fixtureExchanges('refresh').map((e) => ({ ...e, id: `worked-${e.id}` }));
    const s = await buildSource('s', 'both', 'import', [...worked, ...stuck]);
    const flow = s.analysis.flows.find((f) => !f.callback)!;
    const [diagnosis] = diagnose(flow, s.analysis.flows, s.exchangeById);
    expect(diagnosis?.id).toBe('callback-never-reached');
    expect(diagnosis?.lines.at(-1)).toMatch(/^Against the last redirect_uri that worked for this client: the port differs \(\d+ vs \d+\) \(port\)\.$/);
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
    expect(lines[1]).toBe(`The sign-in page ${splitUrl(login.url)!.target} was loaded 3 times in this flow: a sign-in loop. In its steps, look for the authorization server's session cookie: set (Set-Cookie) but not sent back (Cookie), e.g. refused for its SameSite or Secure attributes or blocked as a third-party cookie in a frame.`);
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
      expect.stringMatching(/^No token request followed the callback, and a new authorization request of client spa started \d+ ms after it: the app started over, the usual sign of a lost state\.$/),
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
    const exchanges = unredeemed('form-post').map((e) => (e.method === 'POST' && e.url.endsWith('/cb/form-post')
      ? { ...e, requestHeaders: [...e.requestHeaders.filter((h) => h.name !== 'cookie' && h.name !== 'sec-fetch-site'), { name: 'sec-fetch-site', value: 'cross-site' }] }
      : e));
    const [flow] = await diagnosesOfExchanges(exchanges);
    expect(linesOf(flow!.diagnoses, 'state-lost')).toEqual([expect.stringMatching(/^The form_post callback arrived as a cross-site POST \(Sec-Fetch-Site: cross-site\) with no Cookie header/)]);
  });

  it('keeps the generic pointer when nothing shows a lost state', async () => {
    const [flow] = await diagnosesOfExchanges(unredeemed('good'));
    expect(linesOf(flow!.diagnoses, 'state-lost')).toBeUndefined();
    expect(linesOf(flow!.diagnoses, 'no-token-request')?.[1]).toMatch(/^If the app reports a state error/);
  });
});

describe('every recording', () => {
  it('raises the state diagnosis only where the recording shows it', async () => {
    const names = readdirSync(new URL('../fixtures/demo/', import.meta.url)).map((f) => f.replace(/\.har$/, ''));
    const raised: Record<string, string[]> = {};
    for (const name of names) {
      const ids = (await diagnosesOf(name)).flat().map((d) => d.id).filter((id) => id === 'state-lost');
      if (ids.length) raised[name] = ids;
    }
    expect(raised).toEqual({
      'state-lost-new-tab': ['state-lost'],
      'state-mismatch': ['state-lost'],
    });
  });
});
