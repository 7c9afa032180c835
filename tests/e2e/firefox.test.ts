/**
 * The Firefox add-on in real Firefox ESR: it installs, its background starts (no Chrome-only webRequest option
 * kills it), and a good sign-in against the demo's authorization server is captured, analysed and shown in the
 * popup with the badge to match, its request headers complete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveVariant } from '../../demo/drive.ts';
import { startDemo, type RunningDemo } from '../../demo/index.ts';
import { variants } from '../../demo/variants.ts';
import { PORT_NAME, PROTOCOL_VERSION, type WorkerMessage } from '../../src/messaging/protocol.ts';
import { launchFirefoxWithAddon, type FirefoxWithAddon } from './support/firefox.ts';
import { expectedBadge, settledPopupView } from './support/session.ts';

describe('the add-on in Firefox ESR', () => {
  let demo: RunningDemo;
  let firefox: FirefoxWithAddon;
  beforeAll(async () => {
    demo = await startDemo();
    firefox = await launchFirefoxWithAddon();
  });
  afterAll(async () => {
    await firefox?.close();
    await demo?.close();
  });

  it('captures a good sign-in: the popup shows the passing flow, the badge a check mark, the token request its Origin header', async () => {
    const signIn = await firefox.browser.newPage();
    const good = variants.find((v) => v.id === 'good')!;
    expect(await driveVariant(signIn, demo, good, { timeoutMs: 60_000 })).toMatchObject({ status: 'done' });

    const popup = await firefox.browser.newPage();
    await popup.goto(demo.clientOrigin);
    await firefox.openPopup(popup);
    const tabId = await popup.evaluate(async (url) => (await browser.tabs.query({})).find((tab) => tab.url === url)?.id, signIn.url());
    expect(tabId, `a tab shows ${signIn.url()}`).toBeTypeOf('number');
    await firefox.openPopup(popup, `?tab=${tabId}`);
    const view = await settledPopupView(popup);
    expect(view.current?.verdict).toBe('pass');
    expect(view.current?.fields.PKCE).toContain('the verifier matches the challenge');
    expect(view.ruleIds).toEqual([]);
    expect(await popup.evaluate((id) => browser.action.getBadgeText({ tabId: id }), tabId!)).toBe(expectedBadge(view));

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
  });
});
