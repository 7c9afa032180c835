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
