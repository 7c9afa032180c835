/**
 * Page-reported response bodies in real Chromium, DevTools closed (src/background/page-bodies.ts): once a sign-in's
 * authorization request is seen, the pages of its redirect_uri's origin copy their OAuth responses to the worker, so
 * the body rules (ID token checks, nonce, at_hash, refresh rotation) run live in the popup and on the badge, for the
 * demo's own client and for each vendor SDK (Auth0's refreshes from its Web Worker included). A page that never
 * started a sign-in gets no script; a body outlives the worker being stopped; the manifest asks for nothing more
 * than before.
 */
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { driveVariant, expectedEnd } from '../../demo/drive.ts';
import { variants } from '../../demo/variants.ts';
import type { Exchange } from '../../src/core/model.ts';
import { PORT_NAME, PROTOCOL_VERSION, type WorkerMessage } from '../../src/messaging/protocol.ts';
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
      const exchanges = await popup.evaluate(
        (portName, version) =>
          new Promise<Exchange[]>((resolve) => {
            const port = chrome.runtime.connect({ name: portName });
            port.onMessage.addListener((message: WorkerMessage) => {
              if (message.type !== 'snapshot') return;
              resolve(message.snapshot.exchanges);
              port.disconnect();
            });
            port.postMessage({ type: 'hello', version });
          }),
        PORT_NAME,
        PROTOCOL_VERSION,
      );
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
