/**
 * Page-reported response bodies in real Chromium, DevTools closed (src/background/page-bodies.ts): once a sign-in's
 * authorization request is seen, the pages of its redirect_uri's origin copy their OAuth responses to the worker, so
 * the body rules (ID token checks, nonce, at_hash, refresh rotation) run live in the popup and on the badge, for the
 * demo's own client and for each vendor SDK (Auth0's refreshes from its Web Worker included). A page that never
 * started a sign-in gets no script; a body outlives the worker being stopped; the manifest asks for nothing more
 * than before.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIST, launchWithExtension, type ExtensionBrowser } from '../../demo/browser.ts';
import { driveVariant, expectedEnd } from '../../demo/drive.ts';
import { startDemo, type RunningDemo } from '../../demo/index.ts';
import { variants } from '../../demo/variants.ts';
import { MAX_RESPONSE_BODY_BYTES } from '../../src/capture/stream-filter.ts';
import type { Exchange } from '../../src/core/model.ts';
import {
  badgeText,
  expectedBadge,
  freshStart,
  settledPopupView,
  startSession,
  tabIdOf,
  type PopupView,
  type Session,
} from './support/session.ts';
import { snapshotExchanges } from './support/worker-snapshot.ts';

const variant = (id: string) => variants.find((v) => v.id === id)!;

describe('page-reported response bodies in Chromium, DevTools closed', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession();
  });
  afterAll(async () => session?.close());
  beforeEach(async () => freshStart(session));

  const extensionPage = async (path = 'src/popup/index.html?tab=-1'): Promise<Page> => {
    const page = await session.chromium.browser.newPage();
    await page.goto(`chrome-extension://${session.chromium.extensionId}/${path}`);
    return page;
  };

  /** The popup for a tab, settled, with its evidence-gap notes, and the exchanges the worker sends its views. */
  async function popupFor(tabId: number): Promise<{ view: PopupView; notes: string[]; exchanges: Exchange[] }> {
    const popup = await extensionPage(`src/popup/index.html?tab=${tabId}`);
    try {
      const view = await settledPopupView(popup);
      const notes = await popup.evaluate(() => [...document.querySelectorAll('#current-flow .notes li')].map((li) => li.textContent ?? ''));
      const exchanges = await snapshotExchanges(popup);
      return { view, notes, exchanges: exchanges.filter((x) => x.tabId === tabId) };
    } finally {
      await popup.close();
    }
  }

  /** Runs a variant to its designed end in a new tab; returns the page and its tab id. */
  async function run(id: string, options: Parameters<typeof driveVariant>[3] = {}): Promise<{ page: Page; tabId: number }> {
    const page = await session.chromium.browser.newPage();
    const outcome = await driveVariant(page, session.demo, variant(id), { timeoutMs: 60_000, ...options });
    expect(outcome.status, outcome.detail).toBe(expectedEnd(variant(id)));
    return { page, tabId: await tabIdOf(session, page) };
  }

  const grantOf = (x: Exchange) => (x.requestBody.kind === 'form' ? /(?:^|&)grant_type=([^&]*)/.exec(x.requestBody.raw)?.[1] : undefined);
  const tokenJson = (x: Exchange | undefined) => (x?.responseBody?.kind === 'text' ? JSON.parse(x.responseBody.text) : undefined);

  /** The popup shows a clean flow whose token response body the page reported: its ID token was checked. */
  async function expectIdTokenChecked(tabId: number): Promise<Exchange[]> {
    const { view, notes, exchanges } = await popupFor(tabId);
    expect(view.current, 'the tab has a flow').toBeDefined();
    expect(view.current).toMatchObject({ symbol: '✓', errors: 0, warnings: 0 });
    expect(
      notes.filter((note) => /not observed/.test(note)),
      'no evidence gap about the token response',
    ).toEqual([]);
    const code = exchanges.filter((x) => x.method === 'POST' && grantOf(x) === 'authorization_code');
    expect(code.length, 'a code exchange was captured').toBeGreaterThan(0);
    for (const exchange of code) {
      expect(exchange.responseBodyFrom).toBe('page');
      expect(tokenJson(exchange)).toHaveProperty('id_token');
    }
    expect(await badgeText(session, tabId)).toBe('✓');
    return exchanges;
  }

  it('an ordinary page gets no script: none is registered, and its fetch is the browser’s own', async () => {
    const worker = await session.worker();
    expect(await worker.evaluate(() => chrome.scripting.getRegisteredContentScripts())).toEqual([]);
    const page = await session.chromium.browser.newPage();
    try {
      await page.goto(`${session.demo.clientOrigin}/browse?n=1`, { waitUntil: 'load' });
      expect(
        await page.evaluate(() => [fetch, XMLHttpRequest.prototype.send, Worker].map((f) => Function.prototype.toString.call(f))),
      ).toEqual([
        expect.stringContaining('[native code]'),
        expect.stringContaining('[native code]'),
        expect.stringContaining('[native code]'),
      ]);
    } finally {
      await page.close();
    }
  });

  it('good: the token response body reported by the page has the ID token checked (popup and badge ✓)', async () => {
    const { page, tabId } = await run('good');
    try {
      await expectIdTokenChecked(tabId);
      // Registered for the redirect_uri's origin only, for this browser session; the page's fetch is wrapped there.
      const scripts = await (await session.worker()).evaluate(() => chrome.scripting.getRegisteredContentScripts());
      expect(scripts.map((s) => [s.id, s.world, s.matches, s.persistAcrossSessions])).toEqual([
        ['oauth-lens-page-hook', 'MAIN', [`${session.demo.clientOrigin}/*`], false],
        ['oauth-lens-relay', 'ISOLATED', [`${session.demo.clientOrigin}/*`], false],
      ]);
      expect(await page.evaluate(() => Function.prototype.toString.call(fetch))).not.toContain('[native code]');
      // Another origin still gets nothing.
      const other = await session.chromium.browser.newPage();
      await other.goto(`${session.demo.clientOrigin.replace('127.0.0.1', 'localhost')}/browse?n=1`, { waitUntil: 'load' });
      expect(await other.evaluate(() => Function.prototype.toString.call(fetch))).toContain('[native code]');
      await other.close();
    } finally {
      await page.close();
    }
    // Clear forgets the flows, and with them the scripts.
    await freshStart(session);
    await expect
      .poll(async () => (await session.worker()).evaluate(() => chrome.scripting.getRegisteredContentScripts()), { timeout: 5_000 })
      .toEqual([]);
  });

  it('a sign-in the server answers at once (single sign-on, scripts just unregistered by Clear) still has its body', async () => {
    const first = await run('good');
    await first.page.close();
    // Clear without forgetting the server's session: the next authorization request is answered by a redirect.
    const popup = await extensionPage();
    await popup.click('#clear');
    await popup.waitForFunction(() => document.querySelector('footer span')?.textContent?.startsWith('0 requests'));
    await popup.close();
    await expect
      .poll(async () => (await session.worker()).evaluate(() => chrome.scripting.getRegisteredContentScripts()), { timeout: 5_000 })
      .toEqual([]);
    const { page, tabId } = await run('good');
    try {
      await expectIdTokenChecked(tabId);
    } finally {
      await page.close();
    }
  });

  it.each(['id-token-nonce-mismatch', 'hash-claim-mismatch', 'refresh-token-not-rotated'])(
    '%s (rogue server): the defect in the body shows in the popup and on the badge',
    async (id) => {
      const { page, tabId } = await run(id);
      try {
        const { view } = await popupFor(tabId);
        for (const ruleId of variant(id).expectedRuleIds) expect(view.current?.ruleIds, ruleId).toContain(ruleId);
        const badge = await badgeText(session, tabId);
        expect(badge).toBe(expectedBadge(view));
        expect(Number(badge)).toBeGreaterThan(0);
      } finally {
        await page.close();
      }
    },
  );

  it('a worker stopped on the login page, and again after the sign-in, keeps the body', async () => {
    let stopped = false;
    const { page, tabId } = await run('good', {
      async onPrompt({ prompt }) {
        if (prompt !== 'login' || stopped) return;
        const worker = await session.worker();
        await worker.evaluate(() => Object.assign(globalThis, { stoppedWorkerMarker: true }));
        await worker.close();
        stopped = true;
        await new Promise((r) => setTimeout(r, 500));
      },
    });
    try {
      expect(stopped).toBe(true);
      // Stopped again: what the popup shows (it wakes the worker) comes from storage.session.
      await (await session.worker()).close();
      await expectIdTokenChecked(tabId);
      expect(await (await session.worker()).evaluate(() => 'stoppedWorkerMarker' in globalThis)).toBe(false);
    } finally {
      await page.close();
    }
  });

  it.each(['sdk-auth0', 'sdk-okta', 'sdk-oidc-client-ts', 'sdk-keycloak', 'sdk-msal'])(
    '%s: the SDK’s token response body is reported by the page and its ID token checked',
    async (id) => {
      const { page, tabId } = await run(id);
      try {
        await expectIdTokenChecked(tabId);
      } finally {
        await page.close();
      }
    },
  );

  it('sdk-auth0-refresh-twice: the refreshes the SDK sends from its Web Worker are reported too', async () => {
    const { page, tabId } = await run('sdk-auth0-refresh-twice');
    try {
      const exchanges = await expectIdTokenChecked(tabId);
      const refreshes = exchanges.filter((x) => x.method === 'POST' && grantOf(x) === 'refresh_token');
      expect(refreshes.length).toBeGreaterThan(0);
      for (const refresh of refreshes) {
        expect(refresh.responseBodyFrom).toBe('page');
        expect(tokenJson(refresh)).toHaveProperty('access_token');
      }
    } finally {
      await page.close();
    }
  });

  it('a body past the bound reaches the page whole and is kept as its size; a gzip body is reported decoded', async () => {
    const BIG = JSON.stringify({ sub: 'alice', padding: 'x'.repeat(3 * 1024 * 1024) });
    const JWKS = JSON.stringify({ keys: [{ kty: 'oct', kid: 'k1' }] });
    const server = createServer((request, response) => {
      if (request.url?.startsWith('/authorize')) response.writeHead(200, { 'content-type': 'text/html' }).end('<title>sign in</title>');
      else if (request.url === '/app')
        response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><script type="module">
          const big = await (await fetch('/oauth/userinfo')).arrayBuffer();
          const hex = [...new Uint8Array(await crypto.subtle.digest('SHA-256', big))].map((b) => b.toString(16).padStart(2, '0')).join('');
          document.body.dataset.userinfo = hex;
          document.body.dataset.jwks = await (await fetch('/oauth/jwks')).text();
          document.body.dataset.status = 'done';
        </script>`);
      else if (request.url === '/oauth/userinfo')
        response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(BIG);
      else if (request.url === '/oauth/jwks')
        response
          .writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'cache-control': 'no-store' })
          .end(gzipSync(JWKS));
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const page = await session.chromium.browser.newPage();
    try {
      // An authorization request whose redirect_uri is this origin registers the scripts for it.
      await page.goto(`${origin}/authorize?response_type=code&client_id=c&redirect_uri=${encodeURIComponent(`${origin}/cb`)}`);
      await expect
        .poll(
          async () =>
            (await session.worker()).evaluate(async () =>
              (await chrome.scripting.getRegisteredContentScripts()).flatMap((s) => s.matches ?? []),
            ),
          {
            timeout: 5_000,
          },
        )
        .toContain(`${origin}/*`);
      await page.goto(`${origin}/app`);
      await page.waitForFunction(() => document.body?.dataset.status === 'done', { timeout: 30_000 });
      const seen = await page.evaluate(() => ({ ...document.body.dataset }));
      expect(seen.userinfo).toBe(createHash('sha256').update(BIG).digest('hex'));
      expect(seen.jwks).toBe(JWKS);
      const tabId = await tabIdOf(session, page);
      let exchanges: Exchange[] = [];
      await expect
        .poll(
          async () => {
            exchanges = (await popupFor(tabId)).exchanges.filter((x) => x.url.startsWith(`${origin}/oauth/`) && x.responseBody);
            return exchanges.length;
          },
          { timeout: 10_000, interval: 500 },
        )
        .toBe(2);
      const userinfo = exchanges.find((x) => x.url.endsWith('/userinfo'));
      expect(userinfo).toMatchObject({
        responseBodyFrom: 'page',
        responseBody: { kind: 'text', text: '', truncated: true, mimeType: 'application/json' },
      });
      const size = userinfo?.responseBody?.kind === 'text' ? userinfo.responseBody.size : 0;
      expect(size).toBeGreaterThan(MAX_RESPONSE_BODY_BYTES);
      // The copy stopped (its clone cancelled) just past the bound; the page got the rest all the same (the digest).
      expect(size).toBeLessThan(Buffer.byteLength(BIG));
      expect(exchanges.find((x) => x.url.endsWith('/jwks'))).toMatchObject({
        responseBodyFrom: 'page',
        responseBody: { kind: 'text', text: JWKS },
      });
    } finally {
      await page.close();
      server.close();
    }
  });

  it('the manifest adds no install-time permission warning to what host access already asks', async () => {
    const page = await extensionPage();
    try {
      const warnings = await page.evaluate(async () => {
        const manifest = chrome.runtime.getManifest();
        const without = {
          ...manifest,
          permissions: (manifest.permissions ?? []).filter((p) => p !== 'scripting'),
          optional_permissions: [],
        };
        return {
          shipped: await chrome.management.getPermissionWarningsByManifest(JSON.stringify(manifest)),
          before: await chrome.management.getPermissionWarningsByManifest(JSON.stringify(without)),
        };
      });
      expect(warnings.shipped).toEqual(warnings.before);
      expect(warnings.shipped).toEqual(['Read and change all your data on all websites']);
    } finally {
      await page.close();
    }
  });
});

describe('deep capture (the optional debugger permission) in Chromium', () => {
  let demo: RunningDemo;
  let chromium: ExtensionBrowser;
  let copy: string;
  beforeAll(async () => {
    demo = await startDemo();
    // A test copy granted the debugger permission at install: Chrome's permission prompt cannot be answered headless.
    copy = await mkdtemp(join(tmpdir(), 'oauth-lens-deep-'));
    await cp(DIST, copy, { recursive: true });
    const manifest = JSON.parse(await readFile(join(copy, 'manifest.json'), 'utf8'));
    manifest.permissions.push('debugger');
    await writeFile(join(copy, 'manifest.json'), JSON.stringify(manifest));
    chromium = await launchWithExtension({ extensionDir: copy });
  });
  afterAll(async () => {
    await chromium?.close();
    await demo?.close();
    if (copy) await rm(copy, { recursive: true, force: true });
  });

  /** Whether the extension itself debugs the tab (puppeteer's own sessions count as attached in getTargets). */
  const debugging = async (tabId: number) =>
    (await chromium.worker()).evaluate(
      (id) =>
        chrome.debugger.sendCommand({ tabId: id }, 'Runtime.evaluate', { expression: '1' }).then(
          () => true,
          () => false,
        ),
      tabId,
    );

  it('is explained before it is turned on, reads the tab’s OAuth bodies the page cannot report, and detaches when switched off or the tab closes', async () => {
    const page = await chromium.browser.newPage();
    await page.goto(`${demo.clientOrigin}/browse?n=1`);
    await page.evaluate(() => history.replaceState(null, '', '#deep-capture-tab'));
    let tabId = -1;
    await expect
      .poll(
        async () => {
          tabId = await (await chromium.worker()).evaluate(
            async (url) => (await chrome.tabs.query({})).find((t) => t.url === url)?.id ?? -1,
            page.url(),
          );
          return tabId;
        },
        { timeout: 5_000 },
      )
      .toBeGreaterThan(-1);
    const popup = await chromium.browser.newPage();
    await popup.goto(`chrome-extension://${chromium.extensionId}/src/popup/index.html?tab=${tabId}`);
    await popup.waitForSelector('#deep-capture-toggle');
    // The words come first: the bar Chrome shows, what is read, when it stops.
    expect(await popup.$eval('#deep-capture', (e) => e.textContent)).toMatch(/started debugging this browser[\s\S]*close the tab/);
    await popup.click('#deep-capture summary');
    await popup.click('#deep-capture-toggle');
    await popup.waitForSelector('#deep-capture-toggle[aria-pressed="true"]');
    expect(await debugging(tabId)).toBe(true);

    // A sign-in whose callback page runs no page script (taken away on the login page, as for a page it does not
    // reach): the token response body comes from the debugger alone, and is not marked page-reported.
    await page.bringToFront();
    const outcome = await driveVariant(page, demo, variant('good'), {
      timeoutMs: 60_000,
      async onPrompt({ prompt }) {
        if (prompt !== 'login') return;
        await (await chromium.worker()).evaluate(() => chrome.scripting.unregisterContentScripts());
      },
    });
    expect(outcome.status, outcome.detail).toBe('done');
    expect(await page.evaluate(() => Function.prototype.toString.call(fetch))).toContain('[native code]');
    const { exchanges, notes } = await popupOf(chromium, tabId);
    const token = exchanges.find((x) => x.method === 'POST' && x.url.endsWith('/token'));
    expect(token?.responseBody?.kind === 'text' && JSON.parse(token.responseBody.text)).toHaveProperty('id_token');
    expect(token?.responseBodyFrom).toBeUndefined();
    expect(notes.filter((note) => /not observed/.test(note))).toEqual([]);

    await popup.bringToFront();
    await popup.click('#deep-capture-toggle');
    await popup.waitForSelector('#deep-capture-toggle[aria-pressed="false"]');
    expect(await debugging(tabId)).toBe(false);

    // On again, then the tab closes: Chrome detaches, and the popup's state follows.
    await popup.click('#deep-capture-toggle');
    await popup.waitForSelector('#deep-capture-toggle[aria-pressed="true"], #deep-capture [role="alert"]');
    expect(await popup.$eval('#deep-capture', (e) => e.querySelector('[role="alert"]')?.textContent ?? '')).toBe('');
    expect(await debugging(tabId)).toBe(true);
    await page.close();
    await expect.poll(() => debugging(tabId), { timeout: 5_000 }).toBe(false);
    await popup.reload();
    await popup.waitForSelector('#deep-capture-toggle[aria-pressed="false"]');
    await popup.close();
  });
});

/** The popup for a tab, settled: its evidence-gap notes and the tab's exchanges as the worker sends them. */
async function popupOf(chromium: ExtensionBrowser, tabId: number): Promise<{ notes: string[]; exchanges: Exchange[] }> {
  const popup = await chromium.browser.newPage();
  try {
    await popup.goto(`chrome-extension://${chromium.extensionId}/src/popup/index.html?tab=${tabId}`);
    await settledPopupView(popup);
    const notes = await popup.evaluate(() => [...document.querySelectorAll('#current-flow .notes li')].map((li) => li.textContent ?? ''));
    const exchanges = await snapshotExchanges(popup);
    return { notes, exchanges: exchanges.filter((x) => x.tabId === tabId) };
  } finally {
    await popup.close();
  }
}
