import { describe, expect, it } from 'vitest';
import { demoFixture } from '../../../tests/support/token-responses.ts';
import { analyze } from '../analyze.ts';
import type { Exchange, Flow } from '../model.ts';
import { header, splitUrl } from '../params.ts';
import type { Diagnosis, DiagnosisHint } from './types.ts';

async function diagnosed(exchanges: readonly Exchange[]): Promise<{ flow: Flow; diagnoses: Diagnosis[] }[]> {
  const analysis = await analyze(exchanges, []);
  return analysis.flows.map((flow) => ({ flow, diagnoses: analysis.diagnoses.filter((d) => d.flowId === flow.id) }));
}

const corsHints = (diagnoses: readonly Diagnosis[]): DiagnosisHint[] | undefined =>
  diagnoses.find((d) => d.kind === 'token-cors-blocked')?.hints;

/** The recording's token requests (code exchanges), in order. */
const tokenRequests = (exchanges: readonly Exchange[]) =>
  exchanges.filter((e) => e.method === 'POST' && splitUrl(e.url)?.target.endsWith('/token'));

describe('CORS at the token endpoint', () => {
  it('names a failed preflight and its cause, and the POST that failed unsent (recorded)', async () => {
    const recorded = demoFixture('token-preflight-blocked');
    // The browser failed the POST without a response: a HAR keeps it with status 0 and an _error.
    expect(tokenRequests(recorded).map((e) => [e.status, e.error, e.responseHeaders])).toEqual([[undefined, 'net::ERR_FAILED', []]]);
    const [flow] = await diagnosed(recorded);
    expect(flow!.diagnoses.map((d) => `${d.kind}/${d.likelihood}`)).toEqual(['token-cors-blocked/certain']);
    const origin = flow!.flow.authorization!.exchange.initiatorOrigin!;
    const preflight = recorded.find((e) => e.method === 'OPTIONS')!;
    expect(corsHints(flow!.diagnoses)).toEqual([
      {
        kind: 'preflight-failed',
        exchangeId: preflight.id,
        endpoint: flow!.flow.metadata!.tokenEndpoint,
        origin,
        method: 'POST',
        requestedHeaders: ['x-requested-with'],
        failure: {
          kind: 'headers-not-allowed',
          status: 204,
          allowed: ['content-type', 'authorization', 'dpop'],
          refused: ['x-requested-with'],
        },
        unsentError: 'net::ERR_FAILED',
      },
    ]);
    // The preflight belongs to no flow; the diagnosis points at it.
    expect(flow!.flow.steps.some((s) => s.exchangeId === preflight.id)).toBe(false);
    expect(flow!.diagnoses[0]!.exchangeIds).toContain(preflight.id);
  });

  it('names a response without Access-Control-Allow-Origin, and the retry of the code it used up (recorded)', async () => {
    // Both POSTs got a response (200, then 400) that the browser withheld from the app. The HAR keeps their
    // statuses, headers and _error, as DevTools exports them.
    const recorded = demoFixture('token-cors-blocked');
    const [first, retry] = tokenRequests(recorded);
    expect([first!.status, retry!.status]).toEqual([200, 400]);
    const [flow] = await diagnosed(recorded);
    const origin = flow!.flow.authorization!.exchange.initiatorOrigin!;
    const endpoint = flow!.flow.metadata!.tokenEndpoint!;
    const blocked = (exchange: Exchange) => ({
      kind: 'token-response-blocked',
      exchangeId: exchange.id,
      grantType: 'authorization_code',
      origin,
      endpoint,
      status: exchange.status,
      browserError: 'net::ERR_FAILED',
      refusal: { kind: 'allow-origin-missing' },
      withCredentials: false,
    });
    expect(flow!.diagnoses.map((d) => d.kind)).toEqual(['token-cors-blocked', 'invalid-grant']);
    expect(corsHints(flow!.diagnoses)).toEqual([
      blocked(first!),
      {
        kind: 'code-used-up-by-blocked-request',
        blockedExchangeId: first!.id,
        retryExchangeId: retry!.id,
        afterMs: retry!.time - first!.time,
        blockedStatus: 200,
        retryStatus: 400,
        retryError: null,
      },
      blocked(retry!),
    ]);
    // The invalid_grant the retry got has the same answer: the blocked request used the code up.
    expect(flow!.diagnoses[1]!.hints).toContainEqual(
      expect.objectContaining({ kind: 'code-reused', earlierExchangeId: first!.id, likelihood: 'certain' }),
    );
    expect(JSON.stringify(flow!.diagnoses.flatMap((d) => d.hints))).not.toContain(flow!.flow.callback!.code!);
  });

  it('judges a blocked response whose status was not captured (status 0 beside the headers and an _error)', async () => {
    const recorded = demoFixture('token-cors-blocked');
    const blocked = new Set(tokenRequests(recorded));
    const [flow] = await diagnosed(
      recorded.map((e) => {
        if (!blocked.has(e)) return e;
        const { status: _status, ...withoutStatus } = e;
        return { ...withoutStatus, error: 'net::ERR_FAILED' };
      }),
    );
    const [first, usedUp] = corsHints(flow!.diagnoses)!;
    expect(first).toMatchObject({ kind: 'token-response-blocked', status: null, browserError: 'net::ERR_FAILED' });
    expect(usedUp).toMatchObject({ kind: 'code-used-up-by-blocked-request', blockedStatus: null, retryStatus: null });
  });

  it.each([
    [
      'another origin',
      [{ name: 'access-control-allow-origin', value: 'https://app.example' }],
      [],
      { kind: 'allow-origin-other', allowed: 'https://app.example' },
    ],
    [
      'two origins',
      [{ name: 'access-control-allow-origin', value: 'https://a.example, https://b.example' }],
      [],
      { kind: 'allow-origin-several', values: ['https://a.example, https://b.example'] },
    ],
    [
      '* with cookies',
      [{ name: 'access-control-allow-origin', value: '*' }],
      [{ name: 'cookie', value: 'sid=1' }],
      { kind: 'allow-origin-wildcard-with-credentials' },
    ],
    [
      'the origin with cookies, without Allow-Credentials',
      'origin',
      [{ name: 'cookie', value: 'sid=1' }],
      { kind: 'allow-credentials-missing' },
    ],
  ] as const)('applies the CORS check: %s', async (_name, allowOrigin, extraRequestHeaders, refusal) => {
    const good = demoFixture('good');
    const token = good.find((e) => e.method === 'POST' && e.url.endsWith('/token'))!;
    const origin = header(token.requestHeaders, 'origin')!;
    const acao = allowOrigin === 'origin' ? [{ name: 'access-control-allow-origin', value: origin }] : allowOrigin;
    const changed = {
      ...token,
      requestHeaders: [...token.requestHeaders, ...extraRequestHeaders],
      responseHeaders: [...token.responseHeaders.filter((h) => !h.name.startsWith('access-control-')), ...acao],
    };
    const [flow] = await diagnosed(good.map((e) => (e === token ? changed : e)));
    expect(corsHints(flow!.diagnoses)).toEqual([
      expect.objectContaining({ kind: 'token-response-blocked', refusal, withCredentials: extraRequestHeaders.length > 0 }),
    ]);
  });

  it('names a token request sent with mode no-cors', async () => {
    const good = demoFixture('good');
    const changed = good.map((e) =>
      e.method === 'POST' && e.url.endsWith('/token')
        ? { ...e, requestHeaders: e.requestHeaders.map((h) => (h.name === 'sec-fetch-mode' ? { ...h, value: 'no-cors' } : h)) }
        : e,
    );
    const [flow] = await diagnosed(changed);
    expect(corsHints(flow!.diagnoses)).toEqual([expect.objectContaining({ refusal: { kind: 'no-cors-mode' } })]);
  });

  it('says nothing of a same-origin token request', async () => {
    const good = demoFixture('good');
    const token = good.find((e) => e.method === 'POST' && e.url.endsWith('/token'))!;
    const sameOrigin = {
      ...token,
      requestHeaders: token.requestHeaders.map((h) => (h.name === 'origin' ? { ...h, value: new URL(token.url).origin } : h)),
      responseHeaders: token.responseHeaders.filter((h) => !h.name.startsWith('access-control-')),
    };
    const [flow] = await diagnosed(good.map((e) => (e === token ? sameOrigin : e)));
    expect(flow!.diagnoses).toEqual([]);
  });
});
