import { beforeEach, describe, expect, it } from 'vitest';
import { AS, exchange, formBody } from '../../tests/support/build.ts';
import { resetBuilders } from '../../tests/support/build.ts';
import { matchesPattern } from './match-pattern.ts';
import {
  asPageBodyReport,
  bodyOfReport,
  exchangeForReport,
  MAX_PENDING_BASE64,
  MAX_PENDING_REPORTS,
  PENDING_TTL_MS,
  patternRegExpSource,
  pendingReportFor,
  prunePending,
  redirectOriginOf,
  withReportedBody,
  type PageBodyReport,
} from './page-bodies.ts';
import { MAX_RESPONSE_BODY_BYTES } from './stream-filter.ts';

const T0 = Date.parse('2026-11-22T10:00:00Z');
const JSON_BODY = '{"access_token":"a","id_token":"h.p.s","token_type":"Bearer"}';
const b64 = (text: string) => Buffer.from(text).toString('base64');

const report = (over: Partial<PageBodyReport> = {}): PageBodyReport => ({
  url: `${AS}/token`,
  method: 'POST',
  status: 200,
  requestTime: T0,
  responseTime: T0 + 80,
  contentType: 'application/json; charset=utf-8',
  body: b64(JSON_BODY),
  size: Buffer.byteLength(JSON_BODY),
  ...over,
});

const tokenExchange = (over: { time?: number; tabId?: number; status?: number; url?: string } = {}) =>
  exchange({
    method: 'POST',
    url: over.url ?? `${AS}/token`,
    initiator: 'fetch',
    tabId: over.tabId ?? 7,
    status: over.status ?? 200,
    time: over.time ?? T0 + 5,
    requestBody: formBody({ grant_type: 'authorization_code', code: 'c' }),
  });

beforeEach(resetBuilders);

describe('asPageBodyReport: a report is hostile input', () => {
  it('accepts a well-formed report, upper-cases the method and drops a fragment', () => {
    expect(asPageBodyReport({ ...report(), method: 'post', url: `${AS}/token#x` })).toEqual(report());
  });

  it.each([
    ['not an object', 'report'],
    ['a javascript: URL', { ...report(), url: 'javascript:alert(1)' }],
    ['credentials in the URL', { ...report(), url: 'https://u:p@as.example/token' }],
    ['an overlong URL', { ...report(), url: `${AS}/${'a'.repeat(9000)}` }],
    ['a method that is no token', { ...report(), method: 'PO ST' }],
    ['a status out of range', { ...report(), status: 1000 }],
    ['a response before its request', { ...report(), responseTime: T0 - 1 }],
    ['a body that is not base64', { ...report(), body: '<script>' }],
    ['a body whose size is not what it says', { ...report(), size: 3 }],
    ['a body past the bound', { ...report(), body: 'A'.repeat(Math.ceil(MAX_RESPONSE_BODY_BYTES / 3) * 4 + 4) }],
    ['a missing body within the bound', { ...report(), body: undefined, size: 10 }],
    ['a content type that is a novel', { ...report(), contentType: 'x'.repeat(300) }],
  ])('refuses %s', (_what, raw) => {
    expect(asPageBodyReport(raw)).toBeUndefined();
  });

  it('keeps a body past the bound as its size alone', () => {
    const cut = asPageBodyReport({ ...report(), body: undefined, size: MAX_RESPONSE_BODY_BYTES + 1 })!;
    expect(bodyOfReport(cut)).toEqual({
      kind: 'text',
      text: '',
      truncated: true,
      size: MAX_RESPONSE_BODY_BYTES + 1,
      mimeType: 'application/json',
    });
  });
});

describe('bodyOfReport', () => {
  it('decodes the bytes as Firefox’s copies are decoded', () => {
    expect(bodyOfReport(report())).toEqual({ kind: 'text', text: JSON_BODY, size: JSON_BODY.length, mimeType: 'application/json' });
    expect(bodyOfReport(report({ body: '', size: 0 }))).toEqual({ kind: 'none' });
  });
});

describe('exchangeForReport: only the sender tab’s own exchange, by method, URL, status and time', () => {
  it('joins the exchange of its tab', () => {
    const x = tokenExchange();
    expect(exchangeForReport(report(), 7, [x])).toBe(x);
  });

  it.each([
    ['another tab', { tabId: 8 }],
    ['another URL', { url: `${AS}/token2` }],
    ['another status', { status: 400 }],
    ['long before the page’s request', { time: T0 - 10_000 }],
    ['long after the page had the body', { time: T0 + 10_000 }],
  ])('never joins an exchange of %s', (_what, over) => {
    expect(exchangeForReport(report(), 7, [tokenExchange(over)])).toBeUndefined();
  });

  it('never replaces a body the browser read, nor joins a navigation', () => {
    const read = { ...tokenExchange(), responseBody: { kind: 'none' as const } };
    const navigation = { ...tokenExchange(), initiator: 'navigation' as const };
    expect(exchangeForReport(report(), 7, [read, navigation])).toBeUndefined();
  });

  it('of two identical requests, takes the one that started closest to the report', () => {
    const early = tokenExchange({ time: T0 - 1500 });
    const close = tokenExchange({ time: T0 + 3 });
    expect(exchangeForReport(report(), 7, [early, close])).toBe(close);
  });

  it('marks the joined exchange as page-reported', () => {
    const joined = withReportedBody(tokenExchange(), report());
    expect(joined.responseBodyFrom).toBe('page');
    expect(joined.responseBody).toMatchObject({ kind: 'text', text: JSON_BODY });
  });
});

describe('pending reports (a body that arrives before webRequest completes its exchange)', () => {
  it('are found for the exchange they fit, and only for it', () => {
    const pending = [
      { tabId: 8, report: report(), received: T0 },
      { tabId: 7, report: report(), received: T0 },
    ];
    expect(pendingReportFor(tokenExchange(), pending)).toBe(1);
    expect(pendingReportFor(tokenExchange({ tabId: 9 }), pending)).toBe(-1);
  });

  it('are dropped when stale and bounded in number', () => {
    const stale = { tabId: 7, report: report(), received: T0 };
    expect(prunePending([stale], T0 + PENDING_TTL_MS)).toEqual([]);
    const many = Array.from({ length: MAX_PENDING_REPORTS + 3 }, (_, i) => ({ tabId: i, report: report(), received: T0 }));
    const kept = prunePending(many, T0 + 1);
    expect(kept).toHaveLength(MAX_PENDING_REPORTS);
    expect(kept[0]!.tabId).toBe(3);
  });

  it('keep at most MAX_PENDING_BASE64 of bodies together, the newest first', () => {
    const big = report({ body: 'A'.repeat(900 * 1024), size: (900 * 1024 * 3) / 4 });
    const kept = prunePending(
      [0, 1, 2].map((tabId) => ({ tabId, report: big, received: T0 })),
      T0 + 1,
    );
    expect(kept.map((p) => p.tabId)).toEqual([1, 2]);
    expect(kept.reduce((sum, p) => sum + (p.report.body?.length ?? 0), 0)).toBeLessThanOrEqual(MAX_PENDING_BASE64);
  });
});

describe('patternRegExpSource: match patterns as the page’s script tests them', () => {
  const cases: [string, string][] = [
    ['*://*/token', 'https://as.example/token'],
    ['*://*/token', 'http://127.0.0.1:8080/token'],
    ['*://*/token', 'https://as.example/token?x=1'],
    ['*://*/*/token', 'https://as.example/oauth2/v1/token'],
    ['*://*/*/token?*', 'https://as.example/realms/r/token?x'],
    ['*://*/*.well-known/*', 'https://as.example/.well-known/openid-configuration'],
    ['https://slack.com/api/oauth.v2.access', 'https://slack.com/api/oauth.v2.access'],
    ['https://slack.com/api/oauth.v2.access', 'https://evil.example/api/oauth.v2.access'],
    ['*://*/*userinfo*', 'https://as.example/me'],
    ['*://*.example.com/*', 'https://a.example.com/x'],
    ['*://*.example.com/*', 'https://example.com.evil/x'],
  ];
  it.each(cases)('%s against %s says what Chrome says', (pattern, url) => {
    expect(new RegExp(patternRegExpSource(pattern)!).test(url)).toBe(matchesPattern(url, pattern));
  });
});

describe('redirectOriginOf: the origin the page scripts are registered for', () => {
  it('is the redirect_uri origin of an authorization request, in its query or its form body (PAR, form post)', () => {
    expect(redirectOriginOf(exchange({ url: `${AS}/auth?response_type=code&redirect_uri=https%3A%2F%2Fapp.example%3A8443%2Fcb` }))).toBe(
      'https://app.example:8443',
    );
    expect(
      redirectOriginOf(
        exchange({
          method: 'POST',
          url: `${AS}/par`,
          requestBody: formBody({ response_type: 'code', redirect_uri: 'http://127.0.0.1:3000/cb' }),
        }),
      ),
    ).toBe('http://127.0.0.1:3000');
  });

  it('is nothing for a token request, a redirect_uri that is no web origin, or a page without response_type', () => {
    expect(redirectOriginOf(tokenExchange())).toBeUndefined();
    expect(redirectOriginOf(exchange({ url: `${AS}/auth?response_type=code&redirect_uri=com.example.app%3A%2Fcb` }))).toBeUndefined();
    expect(redirectOriginOf(exchange({ url: `https://app.example/?redirect_uri=https%3A%2F%2Fapp.example%2Fcb` }))).toBeUndefined();
  });
});
