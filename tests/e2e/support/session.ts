/**
 * End-to-end plumbing: the real demo servers, Chromium with the built extension, and readers for what a
 * person sees (the popup, opened as an extension page for a given tab, and the badge).
 */
import type { Page, WebWorker } from 'puppeteer';
import { launchWithExtension, type ExtensionBrowser } from '../../../demo/browser.ts';
import { startDemo, type RunningDemo } from '../../../demo/index.ts';

export interface Session {
  demo: RunningDemo;
  /** The running browser: a new one after `restartBrowser`. */
  chromium: ExtensionBrowser;
  worker(): Promise<WebWorker>;
  /** Closes the browser and starts it again on the same profile (only with `userDataDir`), the demo left running. */
  restartBrowser(): Promise<void>;
  close(): Promise<void>;
}

export interface SessionOptions {
  /** A profile that outlives the browser, so `restartBrowser` finds its storage; by default a throwaway one. */
  userDataDir?: string;
}

export async function startSession({ userDataDir }: SessionOptions = {}): Promise<Session> {
  const demo = await startDemo();
  const session: Session = {
    demo,
    chromium: await launchWithExtension(userDataDir === undefined ? {} : { userDataDir }),
    worker: () => session.chromium.worker(),
    async restartBrowser() {
      if (userDataDir === undefined) throw new Error('restartBrowser needs a session started with a userDataDir');
      await session.chromium.close();
      session.chromium = await launchWithExtension({ userDataDir });
    },
    async close() {
      await session.chromium.close();
      await demo.close();
    },
  };
  return session;
}

/**
 * The tab id the extension sees for a page. Pages of two tabs can share a URL, so the page's URL is first
 * marked with a unique fragment (call this once the variant has finished).
 */
export async function tabIdOf(session: Session, page: Page): Promise<number> {
  const marker = `tab-${Math.random().toString(36).slice(2)}`;
  await page.evaluate((m) => history.replaceState(history.state, '', `${location.href.split('#')[0]}#${m}`), marker);
  const url = page.url();
  const worker = await session.worker();
  const id = await worker.evaluate(async (u) => (await chrome.tabs.query({})).find((t) => t.url === u)?.id, url);
  if (id === undefined) throw new Error(`no tab has the URL ${url}`);
  return id;
}

export async function badgeText(session: Session, tabId: number): Promise<string> {
  const worker = await session.worker();
  return worker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
}

export interface PopupView {
  /** Rule ids shown anywhere in the popup (last flow, recent flows, findings tied to no flow). */
  ruleIds: string[];
  current?: {
    verdict: string;
    /** The glyph shown before "Last flow in this tab". */
    symbol: string;
    errors: number;
    warnings: number;
    ruleIds: string[];
    fields: Record<string, string>;
    /** The kinds of its "Why it may be stuck" diagnoses, and of their hints. */
    diagnoses: string[];
    hints: string[];
    /** One of its diagnoses is likely or certain (not only possible): the badge says '?'. */
    stuck: boolean;
  };
  empty: boolean;
}

/** Opens the popup for a tab and reads it once its content has settled. */
export async function readPopup(session: Session, tabId: number, options?: SettleOptions): Promise<PopupView> {
  const page = await session.chromium.browser.newPage();
  try {
    await page.goto(`chrome-extension://${session.chromium.extensionId}/src/popup/index.html?tab=${tabId}`);
    return await settledPopupView(page, options);
  } finally {
    await page.close();
  }
}

export interface SettleOptions {
  settleMs?: number;
  timeoutMs?: number;
}

/** Reads an open popup page once its content has settled (two identical reads in a row), in any browser. */
export async function settledPopupView(page: Page, { settleMs = 400, timeoutMs = 15_000 }: SettleOptions = {}): Promise<PopupView> {
  const deadline = Date.now() + timeoutMs;
  let previous = '';
  for (;;) {
    const view = await page.evaluate(readView);
    const serialized = JSON.stringify(view);
    if (view && serialized === previous) return view;
    if (Date.now() > deadline) throw new Error(`the popup did not settle: ${serialized}`);
    previous = serialized;
    await new Promise((r) => setTimeout(r, settleMs));
  }
}

/** What the popup shows, read in its page; null until it has rendered. */
function readView(): PopupView | null {
  const current = document.querySelector<HTMLElement>('#current-flow');
  const empty = document.querySelector('#empty-state') !== null;
  if (!current && !empty) return null;
  const fields: Record<string, string> = {};
  if (current) {
    const terms = current.querySelectorAll(':scope > dl > dt');
    terms.forEach((dt) => {
      fields[dt.textContent ?? ''] = dt.nextElementSibling?.textContent ?? '';
    });
  }
  return {
    ruleIds: [...new Set([...document.querySelectorAll<HTMLElement>('[data-rule-id]')].map((e) => e.dataset.ruleId!))].sort(),
    ...(current
      ? {
          current: {
            verdict: current.dataset.verdict!,
            symbol: current.querySelector('.verdict')?.textContent ?? '',
            errors: current.querySelectorAll('.findings > [data-severity="error"]').length,
            warnings: current.querySelectorAll('.findings > [data-severity="warning"]').length,
            ruleIds: [...current.querySelectorAll<HTMLElement>('[data-rule-id]')].map((e) => e.dataset.ruleId!).sort(),
            fields,
            diagnoses: [...current.querySelectorAll<HTMLElement>('[data-diagnosis]')].map((e) => e.dataset.diagnosis!),
            hints: [...current.querySelectorAll<HTMLElement>('[data-hint]')].map((e) => e.dataset.hint!),
            stuck: [...current.querySelectorAll<HTMLElement>('[data-diagnosis]')].some((e) => e.dataset.likelihood !== 'possible'),
          },
        }
      : {}),
    empty,
  };
}

/**
 * Starts a variant afresh, as the recorder does with a new profile: no authorization server session (so its
 * login page shows) and an empty capture log, cleared through the popup's own button.
 */
export async function freshStart(session: Session): Promise<void> {
  const page = await session.chromium.browser.newPage();
  try {
    const cdp = await page.createCDPSession();
    await cdp.send('Storage.clearCookies');
    await cdp.detach();
    await page.goto(`chrome-extension://${session.chromium.extensionId}/src/popup/index.html?tab=-1`);
    await page.waitForSelector('#clear');
    await page.click('#clear');
    await page.waitForFunction(() => document.querySelector('footer span')?.textContent?.startsWith('0 requests'));
  } finally {
    await page.close();
  }
}

/** What the badge must say for the popup's last flow: errors, else warnings, else stuck, else a check mark. */
export function expectedBadge(view: PopupView): string {
  if (!view.current) return '';
  if (view.current.errors) return String(view.current.errors);
  if (view.current.warnings) return String(view.current.warnings);
  if (view.current.stuck) return '?';
  return '✓';
}
