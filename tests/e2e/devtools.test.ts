/**
 * The panel inside real DevTools: DevTools opened on the page (puppeteer's handleDevToolsAsPage), the OAuth tab
 * shown, then a sign-in whose ID token carries the wrong nonce. Only the DevTools network log gives the panel
 * the token response body, so the body rule's finding appearing proves the merge works end to end.
 */
import type { Frame, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, type ExtensionBrowser } from '../../demo/browser.ts';
import { driveVariant } from '../../demo/drive.ts';
import { startDemo, type RunningDemo } from '../../demo/index.ts';
import { variants } from '../../demo/variants.ts';

describe('the OAuth panel in DevTools', () => {
  let demo: RunningDemo;
  let chromium: ExtensionBrowser;
  beforeAll(async () => {
    demo = await startDemo();
    chromium = await launchWithExtension({ handleDevToolsAsPage: true });
  });
  afterAll(async () => {
    await chromium?.close();
    await demo?.close();
  });

  it('shows a body rule finding from the DevTools network log (oidc-nonce-mismatch)', async () => {
    const page = await chromium.browser.newPage();
    await page.goto(`${demo.clientOrigin}/`);
    const devtools = await page.openDevTools();
    const panelId = `chrome-extension://${chromium.extensionId}OAuth`;
    // DevTools registers extension panels asynchronously; show ours once it is there (polled with evaluate:
    // DevTools' modules only import in its main world).
    const deadline = Date.now() + 20_000;
    // A string, so the test runner's module transform leaves DevTools' own import() alone.
    const showPanel = `(async () => {
      const UI = await import('./ui/legacy/legacy.js');
      const inspector = UI.InspectorView.InspectorView.instance();
      if (!inspector.tabbedPane.tabIds().includes(${JSON.stringify(panelId)})) return false;
      await inspector.showPanel(${JSON.stringify(panelId)});
      return true;
    })()`;
    // Before DevTools has initialised, its modules throw: not ready yet.
    while (!(await devtools.evaluate(showPanel).catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`DevTools never listed the panel ${panelId}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const panelFrame = await findPanelFrame(devtools);
    await panelFrame.waitForSelector('#flow-list', { timeout: 20_000 });

    await driveVariant(page, demo, variants.find((v) => v.id === 'id-token-nonce-mismatch')!, { timeoutMs: 30_000 });
    await panelFrame.waitForSelector('#flow-list [data-flow-key]', { timeout: 20_000 });
    await panelFrame.click('#flow-list [data-flow-key]');
    await panelFrame.waitForSelector('#flow-detail [data-rule-id="oidc-nonce-mismatch"]', { timeout: 20_000 });
    const ruleIds = await panelFrame.$$eval('#flow-detail [data-rule-id]', (items) => items.map((e) => (e as HTMLElement).dataset['ruleId']));
    expect(ruleIds).toContain('oidc-nonce-mismatch');
  });

  /** The panel is an out-of-process frame inside the DevTools page: find it among the DevTools page's frames. */
  async function findPanelFrame(devtools: Page): Promise<Frame> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const frame = devtools.frames().find((f) => f.url().includes('/src/devtools/panel.html'));
      if (frame) return frame;
      if (Date.now() > deadline) throw new Error('the OAuth panel frame never appeared in DevTools');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
});
