import { describe, expect, it } from 'vitest';
import { analyze } from '../core/analyze.ts';
import { isRelevant, emptyWatchlist, learn } from './relevance.ts';
import { requestBodyOf, WebRequestRecorder } from './webrequest.ts';

// Shaped like Chrome's webRequest details (fields as Chromium 156 sends them).
const base = {
  frameId: 0,
  parentFrameId: -1,
  tabId: 12,
  documentLifecycle: 'active',
  frameType: 'outermost_frame',
  initiator: 'http://127.0.0.1:9401',
};
const encoder = new TextEncoder();

describe('WebRequestRecorder', () => {
  it('turns each redirect hop into its own exchange and keeps the raw Location', () => {
    const recorder = new WebRequestRecorder('t');
    recorder.beforeRequest({
      ...base,
      requestId: '41',
      url: 'http://127.0.0.1:9400/auth/abc',
      method: 'GET',
      type: 'main_frame',
      timeStamp: 1000,
    });
    recorder.headersReceived({
      ...base,
      requestId: '41',
      url: 'http://127.0.0.1:9400/auth/abc',
      method: 'GET',
      type: 'main_frame',
      timeStamp: 1010,
      statusCode: 303,
      responseHeaders: [{ name: 'Location', value: 'http://127.0.0.1:9401/cb#code=c1&state=s1' }],
    });
    const hop = recorder.redirected({
      ...base,
      requestId: '41',
      url: 'http://127.0.0.1:9400/auth/abc',
      method: 'GET',
      type: 'main_frame',
      timeStamp: 1011,
      statusCode: 303,
      redirectUrl: 'http://127.0.0.1:9401/cb#code=c1&state=s1',
    });
    expect(hop).toMatchObject({
      id: 't-1',
      status: 303,
      location: 'http://127.0.0.1:9401/cb#code=c1&state=s1',
      initiator: 'navigation',
      tabId: 12,
      time: 1000,
      endTime: 1011,
    });

    recorder.beforeRequest({
      ...base,
      requestId: '41',
      url: 'http://127.0.0.1:9401/cb',
      method: 'GET',
      type: 'main_frame',
      timeStamp: 1012,
    });
    const arrival = recorder.completed({
      ...base,
      requestId: '41',
      url: 'http://127.0.0.1:9401/cb',
      method: 'GET',
      type: 'main_frame',
      timeStamp: 1020,
      statusCode: 200,
      responseHeaders: [],
    });
    expect(arrival).toMatchObject({ id: 't-2', status: 200, url: 'http://127.0.0.1:9401/cb' });
    expect(recorder.inFlightCount).toBe(0);
  });

  it('keeps request headers (Authorization for Basic client authentication) and maps fetch', () => {
    const recorder = new WebRequestRecorder('t');
    const d = { ...base, requestId: '7', url: 'http://127.0.0.1:9400/token', method: 'POST', type: 'xmlhttprequest' };
    recorder.beforeRequest({ ...d, timeStamp: 1, requestBody: { formData: { grant_type: ['authorization_code'], code: ['c1'] } } });
    recorder.sendHeaders({ ...d, timeStamp: 2, requestHeaders: [{ name: 'Authorization', value: 'Basic c3BhOnNlY3JldA==' }] });
    const exchange = recorder.completed({
      ...d,
      timeStamp: 3,
      statusCode: 200,
      responseHeaders: [{ name: 'Cache-Control', value: 'no-store' }],
    });
    expect(exchange).toMatchObject({
      initiator: 'fetch',
      method: 'POST',
      requestHeaders: [{ name: 'authorization', value: 'Basic c3BhOnNlY3JldA==' }],
      responseHeaders: [{ name: 'cache-control', value: 'no-store' }],
    });
    expect(exchange.requestBody).toMatchObject({
      kind: 'form',
      params: [
        { name: 'grant_type', value: 'authorization_code' },
        { name: 'code', value: 'c1' },
      ],
    });
  });

  it('keeps the DPoP proof header of a token request (RFC 9449 §4.1), for the DPoP rules', () => {
    const recorder = new WebRequestRecorder('t');
    const d = { ...base, requestId: '8', url: 'http://127.0.0.1:9400/token', method: 'POST', type: 'xmlhttprequest' };
    const proof = 'eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJodG0iOiJQT1NUIn0.c2ln';
    recorder.beforeRequest({ ...d, timeStamp: 1, requestBody: { formData: { grant_type: ['authorization_code'], code: ['c1'] } } });
    recorder.sendHeaders({ ...d, timeStamp: 2, requestHeaders: [{ name: 'DPoP', value: proof }] });
    const exchange = recorder.completed({ ...d, timeStamp: 3, statusCode: 200, responseHeaders: [] });
    expect(exchange.requestHeaders).toEqual([{ name: 'dpop', value: proof }]);
  });

  it('rebuilds a request whose earlier events a stopped worker lost', () => {
    const recorder = new WebRequestRecorder('t');
    const exchange = recorder.completed({
      ...base,
      requestId: '9',
      url: 'http://127.0.0.1:9401/cb?code=c&state=s',
      method: 'GET',
      type: 'main_frame',
      timeStamp: 5,
      statusCode: 200,
    });
    expect(exchange).toMatchObject({ url: 'http://127.0.0.1:9401/cb?code=c&state=s', status: 200, requestBody: { kind: 'none' } });
  });

  it('keeps the error of a failed request (e.g. CORS after a 200)', () => {
    const recorder = new WebRequestRecorder('t');
    const d = { ...base, requestId: '3', url: 'http://127.0.0.1:9400/token', method: 'POST', type: 'xmlhttprequest' };
    recorder.beforeRequest({ ...d, timeStamp: 1 });
    recorder.headersReceived({ ...d, timeStamp: 2, statusCode: 200 });
    expect(recorder.failed({ ...d, timeStamp: 3, error: 'net::ERR_FAILED' })).toMatchObject({ status: 200, error: 'net::ERR_FAILED' });
  });
});

describe('requestBodyOf', () => {
  it('decodes a raw form body once and keeps duplicates', () => {
    expect(requestBodyOf({ raw: [{ bytes: encoder.encode('grant_type=authorization_code&code=a%2Bb&code=x+y').buffer }] })).toMatchObject({
      kind: 'form',
      params: [
        { name: 'grant_type', value: 'authorization_code' },
        { name: 'code', value: 'a+b' },
        { name: 'code', value: 'x y' },
      ],
    });
  });

  it('keeps JSON as text, binary as a size, and huge bodies as a size', () => {
    expect(requestBodyOf({ raw: [{ bytes: encoder.encode('{"grant_type":"authorization_code"}').buffer }] })).toMatchObject({
      kind: 'text',
    });
    expect(requestBodyOf({ raw: [{ bytes: new Uint8Array([0, 159, 146, 150]).buffer }] })).toEqual({ kind: 'binary', size: 4 });
    expect(requestBodyOf({ raw: [{ bytes: new Uint8Array(10 * 1024 * 1024).buffer }] })).toEqual({
      kind: 'binary',
      size: 10 * 1024 * 1024,
    });
    expect(requestBodyOf({ raw: [{ file: '/tmp/upload.bin' }] })).toMatchObject({ kind: 'binary' });
  });

  it('accepts formData values as arrays (Chrome, Firefox) or single strings, and binary items', () => {
    expect(requestBodyOf({ formData: { a: 'one', b: [new Uint8Array(3).buffer] } })).toMatchObject({
      kind: 'form',
      params: [
        { name: 'a', value: 'one' },
        { name: 'b', value: '‹binary, 3 bytes›' },
      ],
    });
  });
});

describe('relevance filter', () => {
  const navigation = (url: string, extra: object = {}) => ({
    id: 'n',
    time: 0,
    initiator: 'navigation' as const,
    method: 'GET',
    url,
    requestHeaders: [],
    requestBody: { kind: 'none' as const },
    responseHeaders: [],
    ...extra,
  });

  it('keeps authorization requests, callbacks, token requests and metadata', () => {
    const watch = emptyWatchlist();
    expect(isRelevant(navigation('https://as.example/authorize?response_type=code&client_id=a'), watch)).toBe(true);
    expect(isRelevant(navigation('https://app.example/cb?code=x&state=y'), watch)).toBe(true);
    expect(isRelevant(navigation('https://as.example/resume', { status: 302, location: 'https://app.example/cb#code=x' }), watch)).toBe(
      true,
    );
    expect(isRelevant(navigation('https://as.example/.well-known/openid-configuration'), watch)).toBe(true);
    expect(
      isRelevant(
        navigation('https://as.example/token', {
          method: 'POST',
          requestBody: { kind: 'form', raw: 'grant_type=refresh_token', params: [] },
        }),
        watch,
      ),
    ).toBe(true);
  });

  it('drops ordinary browsing, including JSON APIs that mention code and state', () => {
    const watch = emptyWatchlist();
    expect(isRelevant(navigation('https://news.example/article?id=3'), watch)).toBe(false);
    expect(
      isRelevant(
        navigation('https://api.example/items', {
          method: 'POST',
          requestBody: { kind: 'text', text: '{"code":"A1","state":"open"}', size: 28 },
        }),
        watch,
      ),
    ).toBe(false);
  });

  it('learns the server and redirect target of an authorization request', () => {
    const watch = learn(
      emptyWatchlist(),
      navigation('https://as.example/authorize?response_type=code&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1'),
    );
    expect(watch).toEqual({ serverOrigins: ['https://as.example'], redirectTargets: ['https://app.example/cb'], endpoints: [] });
    expect(isRelevant(navigation('https://as.example/login'), watch)).toBe(true);
    expect(isRelevant(navigation('https://app.example/cb'), watch)).toBe(true);
  });

  it('feeds analyze: recorded hops of a fragment flow pair into one flow', async () => {
    const recorder = new WebRequestRecorder('t');
    const nav = { ...base, type: 'main_frame', method: 'GET' };
    recorder.beforeRequest({
      ...nav,
      requestId: '1',
      timeStamp: 1,
      url: 'http://127.0.0.1:9400/auth?response_type=code&client_id=spa&redirect_uri=http%3A%2F%2F127.0.0.1%3A9401%2Fcb&state=s1&response_mode=fragment',
    });
    const a = recorder.redirected({
      ...nav,
      requestId: '1',
      timeStamp: 2,
      url: 'http://127.0.0.1:9400/auth?response_type=code&client_id=spa&redirect_uri=http%3A%2F%2F127.0.0.1%3A9401%2Fcb&state=s1&response_mode=fragment',
      statusCode: 303,
      redirectUrl: 'http://127.0.0.1:9401/cb#code=c1&state=s1',
    });
    recorder.beforeRequest({ ...nav, requestId: '1', timeStamp: 3, url: 'http://127.0.0.1:9401/cb' });
    const b = recorder.completed({ ...nav, requestId: '1', timeStamp: 4, url: 'http://127.0.0.1:9401/cb', statusCode: 200 });
    const { flows } = await analyze([a, b], []);
    expect(flows).toHaveLength(1);
    expect(flows[0]!.callback).toMatchObject({ mode: 'fragment', code: 'c1', arrival: b });
  });
});

describe('relevance of form bodies', () => {
  const post = (raw: string) => ({
    id: 'p',
    time: 0,
    initiator: 'form' as const,
    method: 'POST',
    url: 'https://shop.example/newsletter',
    requestHeaders: [],
    requestBody: { kind: 'form' as const, raw, params: [] },
    responseHeaders: [],
  });
  it('keeps form_post responses and drops a form that merely has a code field', () => {
    expect(isRelevant(post('code=abc&state=xyz'), emptyWatchlist())).toBe(true);
    expect(isRelevant(post('error=access_denied&state=xyz'), emptyWatchlist())).toBe(true);
    expect(isRelevant(post('email=a%40b.example&code=WELCOME3'), emptyWatchlist())).toBe(false);
  });
});
