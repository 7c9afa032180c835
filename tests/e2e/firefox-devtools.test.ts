/**
 * The DevTools side of the add-on in real Firefox ESR. Firefox opens DevTools headless at start-up (`--devtools`,
 * on the first tab) and the add-on's devtools page runs in that toolbox: it creates the "OAuth" panel and reads
 * the inspected tab's response bodies through `devtools.network` (onRequestFinished, getContent), which it keeps
 * for the panel on the BroadcastChannel of src/devtools/network-bridge.ts. WebDriver BiDi cannot reach the
 * toolbox's own frames (nor show the panel), so the test asks the devtools page over that channel, as the panel
 * does; the panel page itself is opened through the test copy's web-accessible exposure (its inline shell, as
 * the Chrome panel tests do): a tab's flow with `?tabId=N`, and its light and dark styles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveVariant } from '../../demo/drive.ts';
import { startDemo, type RunningDemo } from '../../demo/index.ts';
import { variants } from '../../demo/variants.ts';
import type { Exchange } from '../../src/core/model.ts';
import { channelName, type NetworkBridgeMessage } from '../../src/devtools/network-bridge.ts';
import { launchFirefoxWithAddon, type FirefoxWithAddon } from './support/firefox.ts';

const variant = (id: string) => variants.find((v) => v.id === id)!;

describe('the add-on in Firefox DevTools', () => {
  let demo: RunningDemo;
  let firefox: FirefoxWithAddon;
  beforeAll(async () => {
    demo = await startDemo();
    firefox = await launchFirefoxWithAddon({ devtools: true });
  });
  afterAll(async () => {
    await firefox?.close();
    await demo?.close();
  });

  /** What the devtools page of a tab's DevTools has captured, or undefined when no devtools page answers. */
  const capturedByDevToolsPage = (tabId: number) =>
    firefox.api(
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

  it("reads the inspected tab's token response body through devtools.network", async () => {
    // The tab DevTools was opened on at start-up; its devtools page starts once the add-on is installed.
    const [inspected] = await firefox.browser.pages();
    await inspected!.goto(demo.clientOrigin);
    const tabId = await firefox.tabIdOf(inspected!);
    await expect.poll(() => capturedByDevToolsPage(tabId), { timeout: 15_000, interval: 200 }).toBeDefined();

    await driveVariant(inspected!, demo, variant('id-token-nonce-mismatch'), { timeoutMs: 60_000 });
    const isTokenResponse = (e: Exchange) => e.method === 'POST' && new URL(e.url).pathname.endsWith('/token');
    // getContent answers asynchronously: the body may arrive a moment after the sign-in's end.
    await expect
      .poll(async () => (await capturedByDevToolsPage(tabId))?.find(isTokenResponse)?.responseBody, { timeout: 15_000, interval: 300 })
      .toMatchObject({ kind: 'text', text: expect.stringContaining('"id_token"'), mimeType: expect.stringMatching(/json/) });

    // Another tab has no DevTools, hence no devtools page to answer.
    const other = await firefox.browser.newPage();
    await other.goto(demo.clientOrigin);
    expect(await capturedByDevToolsPage(await firefox.tabIdOf(other))).toBeUndefined();
    await other.close();
  });

  it("shows a tab's flow in the panel page (?tabId=N), light by default and dark with ?theme=dark", async () => {
    await firefox.freshStart();
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
});
