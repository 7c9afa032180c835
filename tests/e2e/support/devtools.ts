/**
 * DevTools itself, driven as a page (puppeteer's handleDevToolsAsPage): its panels, its theme, and the OAuth panel's
 * frame inside it.
 */
import type { Frame, Page } from 'puppeteer';

/**
 * Runs in DevTools' main world (its modules only import there) and, while DevTools is still initialising, throws.
 * A string, so the test runner's module transform leaves DevTools' own import() alone.
 */
async function inDevTools<T>(devtools: Page, script: string): Promise<T | undefined> {
  return (await devtools.evaluate(script).catch(() => undefined)) as T | undefined;
}

/** DevTools registers extension panels asynchronously: wait until ours is one of its tabs. */
export async function waitForPanelTab(devtools: Page, panelId: string): Promise<void> {
  const listed = `(async () => {
    const UI = await import('./ui/legacy/legacy.js');
    return UI.InspectorView.InspectorView.instance().tabbedPane.tabIds().includes(${JSON.stringify(panelId)});
  })()`;
  await poll(() => inDevTools<boolean>(devtools, listed), `DevTools never listed the panel ${panelId}`);
}

/** Shows a DevTools panel (ours, or a built-in one such as 'network') as a click on its tab would. */
export async function showPanel(devtools: Page, panelId: string): Promise<void> {
  await waitForPanelTab(devtools, panelId);
  const show = `(async () => {
    const UI = await import('./ui/legacy/legacy.js');
    await UI.InspectorView.InspectorView.instance().showPanel(${JSON.stringify(panelId)});
    return true;
  })()`;
  await poll(() => inDevTools<boolean>(devtools, show), `DevTools did not show the panel ${panelId}`);
}

/** Sets DevTools' theme as its Settings › Appearance › Theme menu does ('default' is light). */
export async function setDevToolsTheme(devtools: Page, theme: 'default' | 'dark'): Promise<void> {
  const set = `(async () => {
    const Common = await import('./core/common/common.js');
    Common.Settings.Settings.instance().moduleSetting('ui-theme').set(${JSON.stringify(theme)});
    return true;
  })()`;
  await poll(() => inDevTools<boolean>(devtools, set), `DevTools' theme could not be set to ${theme}`);
}

/** The panel is an out-of-process frame inside the DevTools page, once its tab has been shown. */
export function panelFrameOf(devtools: Page): Frame | undefined {
  return devtools.frames().find((f) => f.url().includes('/src/devtools/panel.html'));
}

export async function findPanelFrame(devtools: Page): Promise<Frame> {
  await poll(() => panelFrameOf(devtools) !== undefined, 'the OAuth panel frame never appeared in DevTools');
  return panelFrameOf(devtools)!;
}

export async function poll(check: () => unknown, failure: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(failure);
    await new Promise((r) => setTimeout(r, 200));
  }
}
