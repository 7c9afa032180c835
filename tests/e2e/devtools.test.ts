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

/**
 * Runs in DevTools' main world (its modules only import there) and, while DevTools is still initialising, throws.
 * A string, so the test runner's module transform leaves DevTools' own import() alone.
 */
async function inDevTools<T>(devtools: Page, script: string): Promise<T | undefined> {
  return (await devtools.evaluate(script).catch(() => undefined)) as T | undefined;
}

/** DevTools registers extension panels asynchronously: wait until ours is one of its tabs. */
async function waitForPanelTab(devtools: Page, panelId: string): Promise<void> {
  const listed = `(async () => {
    const UI = await import('./ui/legacy/legacy.js');
    return UI.InspectorView.InspectorView.instance().tabbedPane.tabIds().includes(${JSON.stringify(panelId)});
  })()`;
  await poll(() => inDevTools<boolean>(devtools, listed), `DevTools never listed the panel ${panelId}`);
}

/** Shows a DevTools panel (ours, or a built-in one such as 'network') as a click on its tab would. */
async function showPanel(devtools: Page, panelId: string): Promise<void> {
  await waitForPanelTab(devtools, panelId);
  const show = `(async () => {
    const UI = await import('./ui/legacy/legacy.js');
    await UI.InspectorView.InspectorView.instance().showPanel(${JSON.stringify(panelId)});
    return true;
  })()`;
  await poll(() => inDevTools<boolean>(devtools, show), `DevTools did not show the panel ${panelId}`);
}

/** Sets DevTools' theme as its Settings › Appearance › Theme menu does ('default' is light). */
async function setDevToolsTheme(devtools: Page, theme: 'default' | 'dark'): Promise<void> {
  const set = `(async () => {
    const Common = await import('./core/common/common.js');
    Common.Settings.Settings.instance().moduleSetting('ui-theme').set(${JSON.stringify(theme)});
    return true;
  })()`;
  await poll(() => inDevTools<boolean>(devtools, set), `DevTools' theme could not be set to ${theme}`);
}

/** The panel is an out-of-process frame inside the DevTools page, once its tab has been shown. */
function panelFrameOf(devtools: Page): Frame | undefined {
  return devtools.frames().find((f) => f.url().includes('/src/devtools/panel.html'));
}

async function findPanelFrame(devtools: Page): Promise<Frame> {
  await poll(() => panelFrameOf(devtools) !== undefined, 'the OAuth panel frame never appeared in DevTools');
  return panelFrameOf(devtools)!;
}

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

async function poll(check: () => unknown, failure: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(failure);
    await new Promise((r) => setTimeout(r, 200));
  }
}
