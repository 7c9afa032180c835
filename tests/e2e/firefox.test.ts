/**
 * The Firefox add-on in real Firefox ESR, as tests/e2e/capture.test.ts, lifecycle.test.ts and browsing.test.ts
 * run the Chrome one: it installs, its background starts (no Chrome-only webRequest option kills it), a good
 * sign-in is captured, analysed and shown in the popup with the badge to match, its request headers complete;
 * broken sign-ins (front channel and token request) show their rule ids; two tabs signing in at once stay apart;
 * a sign-in in a popup window pairs with its opener; ordinary browsing records nothing; and a flow whose
 * background page was suspended on the login page (Firefox's MV3 background is an event page) still completes
 * with its findings.
 *
 * DevTools: Firefox opens it headless at start-up (`--devtools`, on the first tab) and the add-on's devtools page
 * runs in that toolbox: it creates the "OAuth" panel and reads the inspected tab's response bodies through
 * `devtools.network` (onRequestFinished, getContent), which it keeps for the panel on the BroadcastChannel of
 * src/devtools/network-bridge.ts. WebDriver BiDi reaches web content only, not the toolbox's frames, so the test
 * asks the devtools page over that channel, as the panel does, and shows the panel and reads its colours through
 * Firefox's own DevTools module (support/firefox.ts); the panel page's content is checked opened through
 * the test copy's web-accessible exposure (its inline shell, as the Chrome panel tests do).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { driveVariant } from '../../demo/drive.ts';
import { startDemo, type RunningDemo } from '../../demo/index.ts';
import { variants } from '../../demo/variants.ts';
import type { Exchange } from '../../src/core/model.ts';
import { rules } from '../../src/core/rules/index.ts';
import { channelName, type NetworkBridgeMessage } from '../../src/devtools/network-bridge.ts';
import { PORT_NAME, PROTOCOL_VERSION, type WorkerMessage } from '../../src/messaging/protocol.ts';
import type { Page } from 'puppeteer';
import { launchFirefoxWithAddon, type FirefoxWithAddon } from './support/firefox.ts';
import { expectedBadge, settledPopupView } from './support/session.ts';

const variant = (id: string) => variants.find((v) => v.id === id)!;
const CLEAN_FIELDS = { PKCE: 'S256 · the verifier matches the challenge', State: 'sent and echoed', 'Code exchange': 'HTTP 200' };
const implemented = new Set<string>(rules.map((r) => r.meta.id));
/**
 * A few broken sign-ins, from the front channel (an error response, no state, a state the callback changes, a
 * PKCE downgrade) to the token request (a redirect_uri that differs, a code used twice, another client's id).
 * Each variant runs in Chrome too (capture.test.ts); none of these rests on a response body.
 */
const BROKEN = [
  'access-denied',
  'no-state',
  'state-mismatch',
  'pkce-downgrade',
  'redirect-uri-trailing-slash',
  'code-twice',
  'token-client-id-mismatch',
];

// One set of demo servers for both browsers below.
let demo: RunningDemo;
beforeAll(async () => {
  demo = await startDemo();
});
afterAll(async () => demo?.close());

/** What the devtools page of a tab's DevTools has captured, or undefined when no devtools page answers. */
function capturedByDevToolsPage(firefox: FirefoxWithAddon, tabId: number): Promise<Exchange[] | undefined> {
  return firefox.api(
    (name: string) =>
      new Promise<Exchange[] | undefined>((resolve) => {
        const channel = new BroadcastChannel(name);
        const done = (exchanges: Exchange[] | undefined) => {
          clearTimeout(timer);
          channel.close();
          resolve(exchanges);
        };
        const timer = setTimeout(() => done(undefined), 1_000);
        channel.onmessage = (event: MessageEvent<NetworkBridgeMessage>) => {
          if (event.data.type === 'network-exchanges' && event.data.after === 0) done(event.data.exchanges.map((n) => n.exchange));
        };
        channel.postMessage({ type: 'network-request', after: 0 } satisfies NetworkBridgeMessage);
      }),
    channelName(tabId),
  );
}

describe('the add-on in Firefox ESR', () => {
  let firefox: FirefoxWithAddon;
  /** The tab DevTools was opened on at start-up; the other tabs have none. */
  let inspected: Page;
  beforeAll(async () => {
    firefox = await launchFirefoxWithAddon({ devtools: true });
    [inspected] = (await firefox.browser.pages()) as [Page];
  });
  afterAll(async () => firefox?.close());

  beforeEach(async () => firefox.freshStart());

  it('captures a good sign-in: the popup shows the passing flow, the badge a check mark, the token request its Origin header', async () => {
    const signIn = await firefox.browser.newPage();
    expect(await driveVariant(signIn, demo, variant('good'), { timeoutMs: 60_000 })).toMatchObject({ status: 'done' });
    const tabId = await firefox.tabIdOf(signIn);

    const popup = await firefox.browser.newPage();
    await firefox.openPopup(popup, `?tabId=${tabId}`);
    const view = await settledPopupView(popup);
    expect(view.current).toMatchObject({ verdict: 'pass', fields: CLEAN_FIELDS });
    expect(view.ruleIds).toEqual([]);
    expect(await firefox.badgeText(tabId)).toBe(expectedBadge(view));
    expect(expectedBadge(view)).toBe('✓');
    // The older spelling still shows the same tab.
    await firefox.openPopup(popup, `?tab=${tabId}`);
    expect((await settledPopupView(popup)).current).toMatchObject({ verdict: 'pass', fields: CLEAN_FIELDS });

    // Without Chrome's 'extraHeaders' option Firefox still hands over the headers Chrome hides behind it.
    const tokenRequestHeaders = await popup.evaluate(
      (portName, version) =>
        new Promise<string[]>((resolve) => {
          const port = browser.runtime.connect({ name: portName });
          port.onMessage.addListener((message: WorkerMessage) => {
            if (message.type !== 'snapshot') return;
            const tokenRequest = message.snapshot.exchanges.find((x) => x.method === 'POST' && x.url.endsWith('/token'));
            resolve(tokenRequest?.requestHeaders.map((h) => h.name) ?? []);
            port.disconnect();
          });
          port.postMessage({ type: 'hello', version });
        }),
      PORT_NAME,
      PROTOCOL_VERSION,
    );
    expect(tokenRequestHeaders).toContain('origin');
    await Promise.all([popup.close(), signIn.close()]);
  });

  it.each(BROKEN)('shows what breaks %s', async (id) => {
    const broken = variant(id);
    const judgeable = (ruleId: string) => implemented.has(ruleId) && !broken.bodyOnly?.includes(ruleId as never);
    const page = await firefox.browser.newPage();
    await driveVariant(page, demo, broken, { timeoutMs: 60_000 });
    const tabId = await firefox.tabIdOf(page);
    const view = await firefox.readPopup(tabId);
    expect(view.current, 'the tab has a flow').toBeDefined();
    for (const ruleId of broken.expectedRuleIds.filter(judgeable)) expect(view.ruleIds, `expected ${ruleId}`).toContain(ruleId);
    for (const ruleId of (broken.absentRuleIds ?? []).filter(judgeable))
      expect(view.ruleIds, `did not expect ${ruleId}`).not.toContain(ruleId);
    expect(await firefox.badgeText(tabId)).toBe(expectedBadge(view));
    await page.close();
  });

  it('keeps two tabs signing in at once apart', async () => {
    // Signed in at the authorization server already (single sign-on), as in lifecycle.test.ts: both
    // authorization requests are answered at once.
    const warmUp = await firefox.browser.newPage();
    await driveVariant(warmUp, demo, variant('good'));
    await warmUp.close();
    const [first, second] = [await firefox.browser.newPage(), await firefox.browser.newPage()];
    // The second tab's sign-in fails at the token request: its redirect_uri differs from its own authorization
    // request's, not from the first tab's, which is the same server and client.
    await Promise.all([driveVariant(first, demo, variant('good')), driveVariant(second, demo, variant('redirect-uri-trailing-slash'))]);
    const good = await firefox.readPopup(await firefox.tabIdOf(first));
    const mismatch = await firefox.readPopup(await firefox.tabIdOf(second));
    expect(good.current).toMatchObject({ verdict: 'pass', fields: CLEAN_FIELDS });
    expect(good.current!.ruleIds).toEqual([]);
    expect(mismatch.current).toMatchObject({ verdict: 'error', fields: { 'Code exchange': 'HTTP 400' } });
    expect(mismatch.current!.ruleIds).toContain('redirect-uri-token-mismatch');
    await Promise.all([first.close(), second.close()]);
  });

  it('pairs a flow that starts in a popup window and ends in its opener', async () => {
    const page = await firefox.browser.newPage();
    await driveVariant(page, demo, variant('popup-window'));
    const tabId = await firefox.tabIdOf(page);
    const view = await firefox.readPopup(tabId);
    expect(view.current).toMatchObject({ verdict: 'pass', fields: CLEAN_FIELDS });
    expect(await firefox.badgeText(tabId)).toBe('✓');
    await page.close();
  });

  it('records no flow and sets no badge for ordinary browsing', async () => {
    const page = await firefox.browser.newPage();
    await page.goto(`${demo.clientOrigin}/browse?n=300`);
    await page.waitForSelector('#result[data-status="done"]', { timeout: 30_000 });
    const tabId = await firefox.tabIdOf(page);
    const view = await firefox.readPopup(tabId);
    expect(view).toMatchObject({ empty: true, ruleIds: [] });
    expect(view.current).toBeUndefined();
    expect(await firefox.badgeText(tabId)).toBe('');
    await page.close();
  });

  it("reads the inspected tab's token response body through devtools.network (the devtools page)", async () => {
    // The devtools page starts once the add-on is installed.
    await inspected.goto(demo.clientOrigin);
    const tabId = await firefox.tabIdOf(inspected);
    await expect.poll(() => capturedByDevToolsPage(firefox, tabId), { timeout: 15_000, interval: 200 }).toBeDefined();

    await driveVariant(inspected, demo, variant('id-token-nonce-mismatch'), { timeoutMs: 60_000 });
    const isTokenResponse = (e: Exchange) => e.method === 'POST' && new URL(e.url).pathname.endsWith('/token');
    // getContent answers asynchronously: the body may arrive a moment after the sign-in's end.
    await expect
      .poll(async () => (await capturedByDevToolsPage(firefox, tabId))?.find(isTokenResponse)?.responseBody, {
        timeout: 15_000,
        interval: 300,
      })
      .toMatchObject({ kind: 'text', text: expect.stringContaining('"id_token"'), mimeType: expect.stringMatching(/json/) });

    // Another tab has no DevTools, hence no devtools page to answer.
    const other = await firefox.browser.newPage();
    await other.goto(demo.clientOrigin);
    expect(await capturedByDevToolsPage(firefox, await firefox.tabIdOf(other))).toBeUndefined();
    await other.close();
  });

  it("shows a tab's flow in the panel page (?tabId=N), light by default and dark with ?theme=dark", async () => {
    const page = await firefox.browser.newPage();
    await driveVariant(page, demo, variant('redirect-uri-trailing-slash'), { timeoutMs: 60_000 });
    const tabId = await firefox.tabIdOf(page);
    const panel = await firefox.browser.newPage();
    const read = () =>
      panel.evaluate(() => ({
        dark: document.documentElement.classList.contains('dark'),
        colorScheme: getComputedStyle(document.documentElement).colorScheme,
        rows: [...document.querySelectorAll<HTMLElement>('#flow-list [data-flow-key]')].map((row) => row.dataset.verdict),
        ruleIds: [...document.querySelectorAll<HTMLElement>('#flow-detail [data-section="findings"] [data-rule-id]')].map(
          (e) => e.dataset.ruleId,
        ),
      }));

    await firefox.openPanel(panel, `?tabId=${tabId}`);
    await panel.waitForSelector('#flow-detail [data-step-kind="token"]');
    expect(await read()).toMatchObject({ dark: false, colorScheme: 'light', rows: ['error'] });
    expect((await read()).ruleIds).toContain('redirect-uri-token-mismatch');

    await firefox.openPanel(panel, `?tabId=${tabId}&theme=dark`);
    await panel.waitForSelector('#flow-list [data-flow-key]');
    expect(await read()).toMatchObject({ dark: true, colorScheme: 'dark', rows: ['error'] });
    await Promise.all([panel.close(), page.close()]);
  });

  it("creates the OAuth panel in DevTools, dark from DevTools' theme at start, then following each change", async () => {
    const devtools = firefox.devtools!;
    expect(await devtools.addedPanels()).toEqual(['OAuth']);
    // The top-left corner is the panel's toolbar (panel.css --toolbar): #f1f3f4 in the light styles, #292a2d in the dark ones.
    const light = [0xf1, 0xf3, 0xf4];
    const dark = [0x29, 0x2a, 0x2d];
    const panelColour = () => expect.poll(() => devtools.panelColour('OAuth'), { timeout: 15_000, interval: 200 });
    // Dark before the panel's page first loads: it reads devtools.panels.themeName.
    await devtools.setTheme('dark');
    await devtools.showPanel('OAuth');
    await panelColour().toEqual(dark);
    // Then devtools.panels.onThemeChanged.
    await devtools.setTheme('light');
    await panelColour().toEqual(light);
    await devtools.setTheme('dark');
    await panelColour().toEqual(dark);
  });
});

describe('the add-on in Firefox ESR, its background suspended mid-flow', () => {
  let firefox: FirefoxWithAddon;
  beforeAll(async () => {
    // Firefox suspends an idle event page after 30 s; a second here (the minimum is 100 ms).
    firefox = await launchFirefoxWithAddon({ prefs: { 'extensions.background.idle.timeout': 1_000 } });
  });
  afterAll(async () => firefox?.close());

  it('pairs a flow whose background was suspended on the login page, with its findings', async () => {
    await firefox.freshStart();
    const page = await firefox.browser.newPage();
    let before: string | undefined;
    let suspended = false;
    // The finding compares the token request's redirect_uri with the authorization request's, seen before the
    // suspension: it shows only if the two were paired across it.
    await driveVariant(page, demo, variant('redirect-uri-trailing-slash'), {
      timeoutMs: 60_000,
      async onPrompt({ prompt }) {
        if (prompt !== 'login' || suspended) return;
        before = await firefox.backgroundDocumentId();
        // No background context is left: the authorization request was seen before, nothing of it may live only
        // in the suspended page's memory.
        await expect.poll(() => firefox.backgroundDocumentId(), { timeout: 15_000, interval: 200 }).toBeUndefined();
        suspended = true;
      },
    });
    expect(suspended).toBe(true);
    const tabId = await firefox.tabIdOf(page);
    const view = await firefox.readPopup(tabId);
    expect(view.current).toMatchObject({ verdict: 'error', fields: { State: 'sent and echoed', 'Code exchange': 'HTTP 400' } });
    expect(view.current!.ruleIds).toContain('redirect-uri-token-mismatch');
    expect(await firefox.badgeText(tabId)).toBe(expectedBadge(view));
    // The popup was served by a new background page.
    const after = await firefox.backgroundDocumentId();
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    await page.close();
  });
});
