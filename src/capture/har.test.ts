import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { harToExchanges, HarFormatError, parseHarText } from './har.ts';

const sample = readFileSync(new URL('../../tests/fixtures/oidc-provider-code-pkce-good.har', import.meta.url), 'utf8');

const entry = (request: object, response: object = {}, extra: object = {}) => ({
  startedDateTime: '2026-11-22T03:23:52.951Z',
  time: 12,
  request: { method: 'GET', headers: [], ...request },
  response: { status: 200, headers: [], content: { size: 0, mimeType: '' }, ...response },
  ...extra,
});
const one = (e: object) => harToExchanges({ log: { entries: [e] } }).exchanges[0]!;

describe('HAR adapter on a real Chrome-shaped recording', () => {
  const { exchanges, warnings } = parseHarText(sample);

  it('maps every entry', () => {
    expect(warnings).toEqual([]);
    expect(exchanges).toHaveLength(16);
  });

  it('keeps redirect hops with an absolute Location', () => {
    const authorize = exchanges.find((e) => e.url.includes('/auth?'))!;
    expect(authorize).toMatchObject({ status: 303, initiator: 'navigation' });
    expect(authorize.location).toMatch(/^http:\/\/127\.0\.0\.1:39945\/interaction\//);
  });

  it('decodes the token request form body once, from postData.text', () => {
    const tokenRequest = exchanges.find((e) => e.url.endsWith('/token'))!;
    expect(tokenRequest.initiator).toBe('fetch');
    expect(tokenRequest.requestBody.kind).toBe('form');
    if (tokenRequest.requestBody.kind !== 'form') return;
    expect(tokenRequest.requestBody.params).toContainEqual({ name: 'redirect_uri', value: 'http://localhost:45931/cb' });
    expect(tokenRequest.responseBody).toMatchObject({ kind: 'text', mimeType: 'application/json' });
  });

  it('maps form POST navigations to the form initiator and lower-cases header names', () => {
    const login = exchanges.find((e) => e.method === 'POST' && e.url.includes('/interaction/'))!;
    expect(login.initiator).toBe('form');
    expect(exchanges[0]!.requestHeaders.every((h) => h.name === h.name.toLowerCase())).toBe(true);
  });
});

describe('HAR adapter on other exporters and odd entries', () => {
  it('falls back to Fetch Metadata headers when there is no _resourceType (Firefox)', () => {
    const header = (name: string, value: string) => ({ name, value });
    expect(
      one(entry({ url: 'https://a.example/', headers: [header('Sec-Fetch-Mode', 'navigate'), header('Sec-Fetch-Dest', 'iframe')] }))
        .initiator,
    ).toBe('subframe');
    expect(one(entry({ url: 'https://a.example/t', headers: [header('Sec-Fetch-Mode', 'cors')] })).initiator).toBe('fetch');
  });

  it('maps status 0 to an unobserved response with its error', () => {
    const ex = one(entry({ url: 'https://a.example/token' }, { status: 0, _error: 'net::ERR_FAILED' }));
    expect(ex.status).toBeUndefined();
    expect(ex.error).toBe('net::ERR_FAILED');
  });

  it('keeps the error of a response the browser then refused (a CORS check), its body unobserved', () => {
    const ex = one(
      entry({ url: 'https://a.example/token' }, { status: 200, _error: 'net::ERR_FAILED', content: { size: 0, mimeType: 'x-unknown' } }),
    );
    expect(ex.status).toBe(200);
    expect(ex.error).toBe('net::ERR_FAILED');
    expect(ex.responseBody).toBeUndefined();
  });

  it('decodes base64 text content and keeps binary content as a size', () => {
    const json = one(
      entry(
        { url: 'https://a.example/token' },
        { content: { size: 13, mimeType: 'application/json', encoding: 'base64', text: btoa('{"error":"x"}') } },
      ),
    );
    expect(json.responseBody).toMatchObject({ kind: 'text', text: '{"error":"x"}' });
    const image = one(
      entry({ url: 'https://a.example/i.png' }, { content: { size: 3, mimeType: 'image/png', encoding: 'base64', text: 'AAEC' } }),
    );
    expect(image.responseBody).toMatchObject({ kind: 'binary', size: 3 });
  });

  it('rebuilds a form body from postData.params when text is absent', () => {
    const ex = one(
      entry({
        url: 'https://a.example/token',
        method: 'POST',
        postData: {
          mimeType: 'application/x-www-form-urlencoded',
          params: [
            { name: 'grant_type', value: 'authorization_code' },
            { name: 'redirect_uri', value: 'https%3A%2F%2Fapp%2Fcb' },
          ],
        },
      }),
    );
    expect(ex.requestBody).toMatchObject({
      kind: 'form',
      params: [
        { name: 'grant_type', value: 'authorization_code' },
        { name: 'redirect_uri', value: 'https://app/cb' },
      ],
    });
  });

  it('flags broken percent-encoding without throwing', () => {
    const ex = one(
      entry({
        url: 'https://a.example/token',
        method: 'POST',
        postData: { mimeType: 'application/x-www-form-urlencoded', text: 'grant_type=authorization_code&code=%zz%E0%A4%A' },
      }),
    );
    expect(ex.requestBody).toMatchObject({ kind: 'form', malformedEncoding: true });
  });

  it('treats a request body with control bytes as binary', () => {
    const ex = one(
      entry({
        url: 'https://a.example/up',
        method: 'POST',
        postData: { mimeType: 'application/octet-stream', text: '\u0000\u0001\u0002binary' },
      }),
    );
    expect(ex.requestBody).toMatchObject({ kind: 'binary' });
  });

  it('skips unusable entries with a warning and keeps the rest', () => {
    const result = harToExchanges({ log: { entries: [entry({ url: 'not a url' }), 42, entry({ url: 'https://ok.example/' })] } });
    expect(result.exchanges).toHaveLength(1);
    expect(result.warnings).toEqual([expect.stringMatching(/^entry 0: request URL does not parse/), 'entry 1: not an object']);
  });

  it.each([
    ['{"log": {"entries": [', /^truncated/],
    ['<html>', /^not JSON/],
    ['{"foo": 1}', /without a "log" object/],
    ['{"log": {"entries": {}}}', /"log\.entries" is not an array/],
    ['\u0000\u0001PNG', /binary data/],
    ['', /empty/],
  ])('rejects %j with a one-line reason', (text, reason) => {
    expect(() => parseHarText(text)).toThrow(HarFormatError);
    expect(() => parseHarText(text)).toThrow(reason);
  });
});

describe('truncation', () => {
  it('recognises a file cut between two values as truncated, not malformed', () => {
    const cut = JSON.stringify({ log: { entries: [{ a: 1 }, { b: 2 }] } }).slice(0, 24);
    expect(() => parseHarText(cut)).toThrow(/^truncated/);
  });
});

describe("Chrome's sanitized export", () => {
  const header = (name: string, value: string) => ({ name, value });
  const chromeHar = (entries: object[]) => ({ log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, entries } });

  it('marks every exchange of a DevTools export without Authorization, Cookie or Set-Cookie', () => {
    const { exchanges } = harToExchanges(chromeHar([entry({ url: 'https://as.example/token', headers: [header('Accept', '*/*')] })]));
    expect(exchanges[0]!.headersRemoved).toEqual(['authorization', 'cookie', 'set-cookie']);
  });

  it.each([
    ['a Cookie request header', { headers: [header('Cookie', 'sid=1')] }, {}],
    ['an Authorization request header', { headers: [header('authorization', 'Bearer x')] }, {}],
    ['a Set-Cookie response header', {}, { headers: [header('set-cookie', 'sid=1')] }],
    ['a request cookie', { cookies: [{ name: 'sid', value: '1' }] }, {}],
    ['a response cookie', {}, { cookies: [{ name: 'sid', value: '1' }] }],
  ])('does not when any entry has %s', (_what, request, response) => {
    const har = chromeHar([entry({ url: 'https://a.example/' }), entry({ url: 'https://a.example/x', ...request }, response)]);
    expect(harToExchanges(har).exchanges.every((e) => e.headersRemoved === undefined)).toBe(true);
  });

  it('does not for other writers, whose files carry what they saw', () => {
    const har = { log: { creator: { name: 'Firefox', version: '153.0' }, entries: [entry({ url: 'https://a.example/' })] } };
    expect(harToExchanges(har).exchanges[0]!.headersRemoved).toBeUndefined();
  });
});

describe('formats of other writers', () => {
  const header = (name: string, value: string) => ({ name, value });

  it('puts back a query kept only in queryString, encoding decoded pairs once', () => {
    const ex = one(
      entry({
        url: 'https://as.example/authorize',
        queryString: [
          { name: 'redirect_uri', value: 'https://app.example/cb' },
          { name: 'scope', value: 'openid profile' },
        ],
      }),
    );
    expect(ex.url).toBe('https://as.example/authorize?redirect_uri=https%3A%2F%2Fapp.example%2Fcb&scope=openid+profile');
  });

  it('keeps the URL as it is when it has its query', () => {
    const ex = one(entry({ url: 'https://as.example/authorize?a=%2F', queryString: [{ name: 'a', value: '/' }] }));
    expect(ex.url).toBe('https://as.example/authorize?a=%2F');
  });

  it('encodes decoded postData.params again (Firefox, Charles, Fiddler), so a + in a value survives', () => {
    const ex = one(
      entry({
        url: 'https://as.example/token',
        method: 'POST',
        postData: {
          mimeType: 'application/x-www-form-urlencoded',
          params: [
            { name: 'redirect_uri', value: 'https://app.example/cb' },
            { name: 'code_verifier', value: 'a+b/c' },
          ],
        },
      }),
    );
    expect(ex.requestBody).toMatchObject({
      kind: 'form',
      params: [
        { name: 'redirect_uri', value: 'https://app.example/cb' },
        { name: 'code_verifier', value: 'a+b/c' },
      ],
    });
  });

  it('decodes a base64 request body', () => {
    const ex = one(
      entry({
        url: 'https://as.example/token',
        method: 'POST',
        postData: {
          mimeType: 'application/x-www-form-urlencoded',
          encoding: 'base64',
          text: btoa('grant_type=authorization_code&code=abc'),
        },
      }),
    );
    expect(ex.requestBody).toMatchObject({ kind: 'form', params: [{ name: 'grant_type' }, { name: 'code', value: 'abc' }] });
  });

  it('reads the redirect from the Location header when redirectURL is absent or empty, whatever its case', () => {
    for (const response of [
      { headers: [header('LOCATION', '/cb?code=1')] },
      { redirectURL: '', headers: [header('location', '/cb?code=1')] },
    ]) {
      expect(one(entry({ url: 'https://as.example/authorize' }, { status: 302, ...response })).location).toBe(
        'https://as.example/cb?code=1',
      );
    }
  });

  it('drops HTTP/2 pseudo-headers and lower-cases the rest', () => {
    const ex = one(
      entry({ url: 'https://a.example/', headers: [header(':authority', 'a.example'), header('Sec-Fetch-Mode', 'navigate')] }),
    );
    expect(ex.requestHeaders).toEqual([{ name: 'sec-fetch-mode', value: 'navigate' }]);
  });

  it('takes a request with neither _resourceType nor Fetch Metadata for a navigation when it asks for HTML first', () => {
    expect(one(entry({ url: 'https://a.example/', headers: [header('Accept', 'text/html,application/xhtml+xml')] })).initiator).toBe(
      'navigation',
    );
    expect(one(entry({ url: 'https://a.example/', headers: [header('Upgrade-Insecure-Requests', '1')] })).initiator).toBe('navigation');
    expect(one(entry({ url: 'https://a.example/t', headers: [header('Accept', 'application/json')] })).initiator).toBe('other');
  });

  it('ignores a negative or missing time, and keeps the previous start when startedDateTime is missing', () => {
    expect(one(entry({ url: 'https://a.example/' }, {}, { time: -1 })).endTime).toBeUndefined();
    const { exchanges } = harToExchanges({
      log: {
        entries: [
          entry({ url: 'https://a.example/1' }),
          entry({ url: 'https://a.example/2' }, {}, { startedDateTime: undefined, time: undefined }),
        ],
      },
    });
    expect(exchanges[1]!.time).toBe(exchanges[0]!.time);
    expect(exchanges[1]!.endTime).toBeUndefined();
  });

  it.each([
    ['2026-11-22T03:23:52.951Z', 'Chrome, Playwright'],
    ['2026-11-22T04:23:52.951+01:00', 'Firefox, Charles'],
    ['2026-11-22T03:23:52.951000+00:00', 'mitmproxy (Python isoformat)'],
    ['2026-11-22T04:23:52.9510000+01:00', 'Fiddler (seven fraction digits)'],
  ])('reads startedDateTime %s (%s)', (startedDateTime) => {
    expect(one(entry({ url: 'https://a.example/' }, {}, { startedDateTime })).time).toBe(Date.UTC(2026, 10, 22, 3, 23, 52, 951));
  });

  it('needs no pages, creator or browser', () => {
    expect(harToExchanges({ log: { entries: [entry({ url: 'https://a.example/' })] } }).warnings).toEqual([]);
  });
});

describe('credential headers replaced by a redaction marker (OAuth Lens redacted exports)', () => {
  const header = (name: string, value: string) => ({ name, value });

  it('are dropped and counted as removed, never read as the value', () => {
    const ex = one(
      entry(
        {
          url: 'https://as.example/token',
          headers: [header('Authorization', '‹redacted authorization, 30 chars›'), header('Accept', '*/*')],
        },
        { headers: [header('set-cookie', '‹redacted set-cookie, 12 chars›')] },
      ),
    );
    expect(ex.requestHeaders).toEqual([{ name: 'accept', value: '*/*' }]);
    expect(ex.responseHeaders).toEqual([]);
    expect(ex.headersRemoved).toEqual(['authorization', 'set-cookie']);
  });

  it('leave headers with their values alone', () => {
    const ex = one(entry({ url: 'https://as.example/token', headers: [header('Authorization', 'Basic c3BhOnNlY3JldA==')] }));
    expect(ex.headersRemoved).toBeUndefined();
    expect(ex.requestHeaders).toHaveLength(1);
  });
});
