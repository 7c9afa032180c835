/**
 * Token endpoints off the usual `/token` path, called by a page's script, in real Chromium with the built
 * extension: a provider's documented path (GitHub's, here on a loopback host: GitHub Enterprise lives on any host),
 * and an authorization server's own path that the worker learns (from a token request it saw, from a discovery
 * document the DevTools panel read), including after the worker was stopped. A test-only server plays the application and its server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, type ExtensionBrowser } from '../../demo/browser.ts';
import { PORT_NAME, PROTOCOL_VERSION } from '../../src/messaging/protocol.ts';
import { findPanelFrame, poll, showPanel } from './support/devtools.ts';

interface StoredRequest {
  method: string;
  url: string;
  body?: string;
}

function answer(server: Server): void {
  server.on('request', (request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.method === 'GET' && request.url === '/') {
        response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title><p>app</p>');
        return;
      }
      if (request.method === 'GET' && request.url === '/.well-known/openid-configuration') {
        const issuer = `http://${request.headers.host}`;
        response.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            issuer,
            authorization_endpoint: `${issuer}/connect/authorize`,
            token_endpoint: `${issuer}/oauth2/v3/exchange`,
          }),
        );
        return;
      }
      // Every POST is answered as a token endpoint would be (the extension never sees this body).
      response
        .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify({ access_token: 'at-1', token_type: 'Bearer', expires_in: 300 }));
    });
  });
}

describe('token endpoints at unusual paths', () => {
  let server: Server;
  let origin: string;
  let chromium: ExtensionBrowser;
  let page: Page;

  beforeAll(async () => {
    server = createServer();
    answer(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    chromium = await launchWithExtension({ handleDevToolsAsPage: true });
    page = await chromium.browser.newPage();
    // The capture listens only once a sign-in has started (src/capture/arming.ts): a navigation that looks like an
    // authorization request of this app arms it, and makes its origin a watched one (once the worker listens).
    await chromium.worker();
    const redirectUri = encodeURIComponent(`${origin}/cb`);
    await page.goto(`${origin}/connect/authorize?response_type=code&client_id=app&redirect_uri=${redirectUri}&state=s`);
    await page.goto(`${origin}/`);
    // A new worker's webRequest listeners take effect a moment after it starts (a request made at once can pass
    // unseen): wait until a request the fixed filter matches is kept.
    await waitForStored(
      (requests) => requests.length > 0,
      'a warm-up request',
      () => page.evaluate((url) => fetch(url).then(() => undefined), `${origin}/.well-known/oauth-authorization-server`),
    );
  });
  afterAll(async () => {
    await chromium?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** What the worker kept, read from its storage.session log. */
  async function stored(): Promise<StoredRequest[]> {
    const worker = await chromium.worker();
    return worker.evaluate(async () => {
      const all = await chrome.storage.session.get(null);
      return Object.entries(all)
        .filter(([key]) => key.startsWith('x:'))
        .map(([, value]) => {
          const exchange = value as { method: string; url: string; requestBody: { kind: string; text?: string; raw?: string } };
          return { method: exchange.method, url: exchange.url, body: exchange.requestBody.text ?? exchange.requestBody.raw };
        });
    });
  }

  async function waitForStored(
    predicate: (requests: StoredRequest[]) => boolean,
    what: string,
    eachRound?: () => Promise<void>,
  ): Promise<StoredRequest[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      await eachRound?.();
      const requests = await stored();
      if (predicate(requests)) return requests;
      if (Date.now() > deadline) throw new Error(`never stored: ${what} (stored: ${JSON.stringify(requests)})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const post = (path: string, body: string, contentType: string) =>
    page.evaluate(
      async (url, text, type) => {
        await fetch(url, { method: 'POST', headers: { 'content-type': type }, body: text });
      },
      `${origin}${path}`,
      body,
      contentType,
    );
  const postJson = (path: string, value: unknown) => post(path, JSON.stringify(value), 'application/json');
  const bodiesAt = (requests: StoredRequest[], path: string) => requests.filter((r) => r.url === `${origin}${path}`).map((r) => r.body);

  it("captures a call to a provider's documented token path, and not an ordinary API beside it", async () => {
    await post('/api/coupons/validate', 'code=SUMMER10&name=n', 'application/x-www-form-urlencoded');
    await post('/login/oauth/access_token', 'client_id=Iv1.a&code=c1', 'application/x-www-form-urlencoded');
    const requests = await waitForStored((r) => bodiesAt(r, '/login/oauth/access_token').length > 0, "GitHub's token path");
    expect(bodiesAt(requests, '/login/oauth/access_token')).toEqual(['client_id=Iv1.a&code=c1']);
    expect(bodiesAt(requests, '/api/coupons/validate')).toEqual([]);
  });

  it('learns a token endpoint from a token request it saw, and keeps following it after the worker is stopped', async () => {
    await postJson('/api/auth/exchange', { step: 'before' });
    // grant_type in the query: the fixed filter sees this one.
    await post('/api/auth/exchange?grant_type=authorization_code', 'code=c2&client_id=spa', 'application/x-www-form-urlencoded');
    await waitForStored((r) => r.some((x) => x.url === `${origin}/api/auth/exchange?grant_type=authorization_code`), 'the token request');
    // The learned listeners are added as soon as the request is kept; give the browser a moment to apply them.
    await new Promise((r) => setTimeout(r, 300));
    await postJson('/api/auth/exchange', { step: 'after' });
    const requests = await waitForStored((r) => bodiesAt(r, '/api/auth/exchange').length > 0, 'the learned endpoint');
    expect(bodiesAt(requests, '/api/auth/exchange')).toEqual(['{"step":"after"}']);

    const worker = await chromium.worker();
    await worker.evaluate(() => Object.assign(globalThis, { stoppedWorkerMarker: true }));
    await worker.close();
    // A navigation wakes the worker; it reads the stored list and listens to the learned endpoint again.
    await page.reload();
    expect(await (await chromium.worker()).evaluate(() => 'stoppedWorkerMarker' in globalThis)).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    await postJson('/api/auth/exchange', { step: 'restarted' });
    const afterRestart = await waitForStored((r) => bodiesAt(r, '/api/auth/exchange').length > 1, 'the learned endpoint after a restart');
    expect(bodiesAt(afterRestart, '/api/auth/exchange')).toEqual(['{"step":"after"}', '{"step":"restarted"}']);
  });

  it('takes the endpoints a view sends with the learn-endpoints command', async () => {
    const view = await chromium.browser.newPage();
    await view.goto(`chrome-extension://${chromium.extensionId}/src/popup/index.html?tab=-1`);
    // The message the panel sends once it has read `token_endpoint` from a discovery document's body.
    const answered = await view.evaluate(
      (name, version, url) =>
        new Promise<unknown>((resolve) => {
          const port = chrome.runtime.connect({ name });
          port.onMessage.addListener((message: { type: string; id?: number }) => {
            if (message.type === 'response' && message.id === 7) resolve(message);
          });
          port.postMessage({ type: 'hello', version });
          port.postMessage({ type: 'request', id: 7, command: { type: 'learn-endpoints', urls: [url] } });
        }),
      PORT_NAME,
      PROTOCOL_VERSION,
      `${origin}/connect/exchange-code`,
    );
    expect(answered).toMatchObject({ ok: true });
    await view.close();
    await new Promise((r) => setTimeout(r, 300));
    await postJson('/connect/exchange-code', { code: 'c3' });
    const requests = await waitForStored((r) => bodiesAt(r, '/connect/exchange-code').length > 0, 'the taught endpoint');
    expect(bodiesAt(requests, '/connect/exchange-code')).toEqual(['{"code":"c3"}']);
  });

  it('follows the token endpoint a discovery document names, once the DevTools panel has read it, with DevTools closed', async () => {
    const tab = await chromium.browser.newPage();
    await tab.goto(`${origin}/`);
    const devtools = await tab.openDevTools();
    await showPanel(devtools, `chrome-extension://${chromium.extensionId}OAuth`);
    await findPanelFrame(devtools);
    await tab.evaluate(async (url) => void (await (await fetch(url)).json()), `${origin}/.well-known/openid-configuration`);
    const learned = async () => {
      const worker = await chromium.worker();
      return worker.evaluate(async () => {
        const { index } = await chrome.storage.session.get('index');
        return ((index as { watch?: { endpoints?: string[] } } | undefined)?.watch?.endpoints ?? []).join(' ');
      });
    };
    await poll(async () => (await learned()).includes(`${origin}/oauth2/v3/exchange`), 'the panel never taught the token endpoint');
    await devtools.close();
    await tab.evaluate(
      async (url) => void (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code":"c4"}' })),
      `${origin}/oauth2/v3/exchange`,
    );
    const requests = await waitForStored((r) => bodiesAt(r, '/oauth2/v3/exchange').length > 0, 'the discovered token endpoint');
    expect(bodiesAt(requests, '/oauth2/v3/exchange')).toEqual(['{"code":"c4"}']);
    await tab.close();
  });
});
