/**
 * The panel inside real DevTools (puppeteer's handleDevToolsAsPage): sign-ins whose ID token carries the wrong
 * nonce. Only the DevTools network log gives the panel the token response body, so the body rule's finding
 * appearing proves the capture and the merge work end to end: with the OAuth tab shown before the sign-in, and
 * with the sign-in done while DevTools was open but before the tab was ever shown (the devtools page captures).
 * And the panel follows DevTools' theme as it changes.
 */
import type { Frame, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, type ExtensionBrowser } from '../../demo/browser.ts';
import { driveVariant } from '../../demo/drive.ts';
import { startDemo, type RunningDemo } from '../../demo/index.ts';
import { variants } from '../../demo/variants.ts';
import { findPanelFrame, panelFrameOf, setDevToolsTheme, showPanel, waitForPanelTab } from './support/devtools.ts';

const nonceMismatch = variants.find((v) => v.id === 'id-token-nonce-mismatch')!;

describe('the OAuth panel in DevTools', () => {
  let demo: RunningDemo;
  let chromium: ExtensionBrowser;
  let panelId: string;
  beforeAll(async () => {
    demo = await startDemo();
    chromium = await launchWithExtension({ handleDevToolsAsPage: true });
    panelId = `chrome-extension://${chromium.extensionId}OAuth`;
  });
  afterAll(async () => {
    await chromium?.close();
    await demo?.close();
  });

  it('shows a body rule finding from the DevTools network log (oidc-nonce-mismatch)', async () => {
    const { page, devtools } = await openDevTools();
    await showPanel(devtools, panelId);
    const panelFrame = await findPanelFrame(devtools);
    await panelFrame.waitForSelector('#flow-list', { timeout: 20_000 });

    await driveVariant(page, demo, nonceMismatch, { timeoutMs: 30_000 });
    expect(await newestFlowRuleIds(panelFrame)).toContain('oidc-nonce-mismatch');
  });

  it('has the response bodies of a sign-in finished before the OAuth tab was first shown, and of one while it was hidden', async () => {
    const { page, devtools } = await openDevTools();
    // The devtools page has run (it creates the tab after it starts listening); the panel page is not loaded.
    await waitForPanelTab(devtools, panelId);
    expect(panelFrameOf(devtools)).toBeUndefined();

    await driveVariant(page, demo, nonceMismatch, { timeoutMs: 30_000 });
    expect(panelFrameOf(devtools)).toBeUndefined();
    await showPanel(devtools, panelId);
    const panelFrame = await findPanelFrame(devtools);
    expect(await newestFlowRuleIds(panelFrame)).toContain('oidc-nonce-mismatch');

    // Hidden (another DevTools panel shown), a second sign-in, shown again: its body arrives too.
    await showPanel(devtools, 'network');
    await driveVariant(page, demo, nonceMismatch, { timeoutMs: 30_000 });
    await showPanel(devtools, panelId);
    await panelFrame.waitForFunction(() => document.querySelectorAll('#flow-list [data-flow-key]').length === 2, { timeout: 20_000 });
    expect(await newestFlowRuleIds(panelFrame)).toContain('oidc-nonce-mismatch');
  });

  it("follows DevTools' theme while open", async () => {
    const { devtools } = await openDevTools();
    await showPanel(devtools, panelId);
    const panelFrame = await findPanelFrame(devtools);
    await panelFrame.waitForSelector('#flow-list', { timeout: 20_000 });
    const background = () => panelFrame.evaluate(() => getComputedStyle(document.body).backgroundColor);

    await setDevToolsTheme(devtools, 'dark');
    await panelFrame.waitForFunction(() => document.documentElement.classList.contains('dark'), { timeout: 20_000 });
    expect(await background()).toBe('rgb(32, 33, 36)');
    await setDevToolsTheme(devtools, 'default');
    await panelFrame.waitForFunction(() => !document.documentElement.classList.contains('dark'), { timeout: 20_000 });
    expect(await background()).toBe('rgb(255, 255, 255)');
  });

  /** A demo page with DevTools open on it: `devtools` is DevTools' own page. */
  async function openDevTools(): Promise<{ page: Page; devtools: Page }> {
    const page = await chromium.browser.newPage();
    await page.goto(`${demo.clientOrigin}/`);
    return { page, devtools: await page.openDevTools() };
  }
});

/** Opens the newest flow (the list's first row) and returns the rule ids of its findings once the body rule's is there. */
async function newestFlowRuleIds(panelFrame: Frame): Promise<string[]> {
  const row = await panelFrame.waitForSelector('#flow-list [data-flow-key]', { timeout: 20_000 });
  const key = await row!.evaluate((e) => (e as HTMLElement).dataset.flowKey!);
  await row!.click();
  await panelFrame.waitForFunction(
    (k: string) =>
      document.querySelector<HTMLElement>(`#flow-detail[data-flow-key="${CSS.escape(k)}"] [data-rule-id="oidc-nonce-mismatch"]`) !== null,
    { timeout: 20_000 },
    key,
  );
  return panelFrame.evaluate(detailRuleIds, key);
}

/** In the panel: the rule ids of the findings in the detail, once it shows the flow `key` (none before). */
function detailRuleIds(key: string): string[] {
  const detail = document.querySelector<HTMLElement>('#flow-detail');
  if (detail?.dataset.flowKey !== key) return [];
  return [...detail.querySelectorAll<HTMLElement>('[data-rule-id]')].map((e) => e.dataset.ruleId!);
}
