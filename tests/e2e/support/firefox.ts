/**
 * Firefox ESR with the built add-on (dist-firefox/), driven over WebDriver BiDi by puppeteer. BiDi refuses to
 * open moz-extension:// pages itself, so the test copy of the add-on lists its popup and panel pages in
 * `web_accessible_resources` and an ordinary page navigates there (from a blank loopback page this module
 * serves, when the page is not on one already); the extension's origin is fixed beforehand through the
 * preference `extensions.webextensions.uuids`. The shipped add-on exposes no page.
 *
 * The test copy also holds a blank page of its own (no script), kept open as the place to call the add-on's
 * APIs from (tabs, action, runtime.getContexts): unlike the popup it opens no port to the background.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { settledPopupView, type PopupView, type SettleOptions } from './session.ts';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const DIST_FIREFOX = resolve(import.meta.dirname, '../../../dist-firefox');
const POPUP = 'src/popup/index.html';
const PANEL = 'src/devtools/panel.html';
const API_PAGE = 'oauth-lens-test-api.html';

export interface FirefoxOptions {
  /** Preferences on top of the fixed origin, e.g. `extensions.background.idle.timeout` (ms). */
  prefs?: Record<string, string | number | boolean>;
  /**
   * Opens DevTools on the first tab at start-up (Firefox's `--devtools`); once the add-on is installed, its
   * devtools page runs in that toolbox. The other tabs have no DevTools. The toolbox is driven from Firefox's own
   * (chrome) scope, which BiDi reaches only when Firefox allows it (`--remote-allow-system-access`, test only).
   */
  devtools?: boolean;
}

/** The toolbox of the first tab (see `FirefoxOptions.devtools`), as a person uses it. */
export interface FirefoxDevTools {
  /** The labels of the panels add-ons created in the toolbox. */
  addedPanels(): Promise<string[]>;
  /** Shows the panel with this label (its page loads the first time). */
  showPanel(label: string): Promise<void>;
  /** The colour the panel with this label paints at its top-left corner, as [r, g, b]. */
  panelColour(label: string): Promise<number[]>;
  /** Sets DevTools' theme as its Settings → Themes does (the preference `devtools.theme`). */
  setTheme(theme: 'light' | 'dark' | 'auto'): Promise<void>;
}

export interface FirefoxWithAddon {
  browser: Browser;
  /** The add-on's origin, e.g. moz-extension://<uuid> */
  origin: string;
  /**
   * Navigates a page to the popup (as the toolbar button would show it, e.g. `?tabId=3`) and waits until the
   * popup's own document has loaded there.
   */
  openPopup(page: Page, query?: string): Promise<void>;
  /** Navigates a page to the panel's inline shell (e.g. `?tabId=3&theme=dark`), as `openPopup` does. */
  openPanel(page: Page, query?: string): Promise<void>;
  /** Calls the add-on's APIs in its blank test page (no port to the background): `api((id) => browser.x(id), id)`. */
  api<T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T>;
  /** The tab id the add-on sees for a page (its URL first marked with a unique fragment). */
  tabIdOf(page: Page): Promise<number>;
  badgeText(tabId: number): Promise<string>;
  /** Opens the popup for a tab in a new page and reads it once settled. */
  readPopup(tabId: number, options?: SettleOptions): Promise<PopupView>;
  /** No authorization server session (no cookies) and an empty capture log, cleared with the popup's button. */
  freshStart(): Promise<void>;
  /** With `devtools`: the first tab's toolbox. */
  devtools?: FirefoxDevTools;
  /** The running background page's document id, or undefined while the background is suspended. */
  backgroundDocumentId(): Promise<string | undefined>;
  close(): Promise<void>;
}

export async function launchFirefoxWithAddon(options: FirefoxOptions = {}): Promise<FirefoxWithAddon> {
  if (!existsSync(FIREFOX_PATH)) throw new Error(`Firefox not found at ${FIREFOX_PATH}: install Debian's firefox-esr or set FIREFOX_PATH`);
  if (!existsSync(join(DIST_FIREFOX, 'manifest.json')))
    throw new Error(`${DIST_FIREFOX} has no manifest.json: run \`npm run build\` first`);
  const addon = await mkdtemp(join(tmpdir(), 'oauth-lens-firefox-addon-'));
  await cp(DIST_FIREFOX, addon, { recursive: true });
  const manifest = JSON.parse(await readFile(join(addon, 'manifest.json'), 'utf8'));
  manifest.web_accessible_resources = [{ resources: [POPUP, PANEL, API_PAGE], matches: ['<all_urls>'] }];
  await writeFile(join(addon, 'manifest.json'), JSON.stringify(manifest));
  await writeFile(join(addon, API_PAGE), '<!doctype html><meta charset="utf-8"><title>OAuth Lens test API page</title>');
  const launchpad = await serveBlankPage();
  const uuid = randomUUID();
  const firefox = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    // The demo's Entra-like server is on https with a throwaway self-signed certificate (MSAL refuses http).
    acceptInsecureCerts: true,
    args: options.devtools ? ['--devtools', '--remote-allow-system-access'] : [],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [manifest.browser_specific_settings.gecko.id]: uuid }),
      ...options.prefs,
    },
  });
  const origin = `moz-extension://${uuid}`;
  const close = async () => {
    await firefox.close().catch(() => undefined);
    await launchpad.close();
    await rm(addon, { recursive: true, force: true });
  };
  try {
    await firefox.installExtension(addon);
  } catch (error) {
    await close();
    throw error;
  }

  const open = (page: Page, path: string, query: string) => openAddonPage(page, `${origin}/${path}${query}`, launchpad.url);
  let apiPage: Promise<Page> | undefined;
  const api = async <T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T> => {
    apiPage ??= firefox.newPage().then(async (page) => {
      await open(page, API_PAGE, '');
      return page;
    });
    // biome-ignore lint/suspicious/noExplicitAny: puppeteer's evaluate types its function's arguments loosely.
    return (await apiPage).evaluate(fn as any, ...args) as Promise<T>;
  };
  const openPopup = (page: Page, query = '') => open(page, POPUP, query);

  return {
    browser: firefox,
    origin,
    openPopup,
    openPanel: (page, query = '') => open(page, PANEL, query),
    api,
    async tabIdOf(page) {
      const marker = `tab-${randomUUID()}`;
      await page.evaluate((m) => history.replaceState(history.state, '', `${location.href.split('#')[0]}#${m}`), marker);
      const url = page.url();
      // The parent process learns of the new URL a moment later.
      const deadline = Date.now() + 5_000;
      for (;;) {
        const id = await api(async (u) => (await browser.tabs.query({})).find((tab) => tab.url === u)?.id, url);
        if (id !== undefined) return id;
        if (Date.now() > deadline) throw new Error(`no tab has the URL ${url}`);
        await delay(100);
      }
    },
    badgeText: (tabId) => api((id) => browser.action.getBadgeText({ tabId: id }), tabId),
    async readPopup(tabId, settle) {
      const page = await firefox.newPage();
      try {
        await openPopup(page, `?tabId=${tabId}`);
        return await settledPopupView(page, settle);
      } finally {
        await page.close();
      }
    },
    async freshStart() {
      await firefox.deleteCookie(...(await firefox.cookies()));
      const page = await firefox.newPage();
      try {
        await openPopup(page, '?tabId=-1');
        await page.waitForSelector('#clear');
        await page.click('#clear');
        await page.waitForFunction(() => document.querySelector('footer span')?.textContent?.startsWith('0 requests'));
      } finally {
        await page.close();
      }
    },
    ...(options.devtools ? { devtools: toolboxOf(firefox) } : {}),
    backgroundDocumentId: () => api(async () => (await browser.runtime.getContexts({ contextTypes: ['BACKGROUND'] }))[0]?.documentId),
    close,
  };
}

/**
 * Navigates a page to a web-accessible page of the add-on and waits for that page's own document to have
 * loaded. The page navigates itself (BiDi refuses moz-extension:// URLs), from the loopback launchpad unless it
 * is on an http(s) or extension page already. The old document is marked first, so a document still at the same
 * URL (reloading) or still loading is never taken for the new one.
 */
async function openAddonPage(page: Page, url: string, launchpad: string, timeoutMs = 15_000): Promise<void> {
  if (!/^(https?|moz-extension):/.test(page.url())) await page.goto(launchpad);
  await page.evaluate((u) => {
    Object.assign(window, { oauthLensLeaving: true });
    // After this call returns: the evaluation is not cut short by its own document going away.
    setTimeout(() => {
      location.href = u;
    });
  }, url);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const arrived = await page
      .evaluate((u) => location.href === u && document.readyState === 'complete' && !('oauthLensLeaving' in window), url)
      // The document went away during the call: ask the next one.
      .catch(() => false);
    if (arrived) return;
    if (Date.now() > deadline) throw new Error(`the page did not arrive at ${url} (it shows ${page.url()})`);
    await delay(50);
  }
}

/**
 * The first tab's toolbox, through Firefox's DevTools module (DevToolsShim) in the browser window's chrome
 * scope: BiDi sees only web content, and the panel's page is an extension page inside the toolbox.
 */
function toolboxOf(firefox: Browser): FirefoxDevTools {
  // Puppeteer's BiDi browser exposes its connection; its command types do not know Firefox's `moz:scope`.
  const { connection } = firefox as unknown as {
    connection: { send(method: string, params: object): Promise<{ result: Record<string, unknown> }> };
  };
  let browserWindow: Promise<string> | undefined;
  /** Runs an expression in the browser window; it returns JSON text, parsed here. */
  const inChrome = async <T>(expression: string): Promise<T> => {
    browserWindow ??= connection
      .send('browsingContext.getTree', { 'moz:scope': 'chrome' })
      .then(({ result }) => (result.contexts as { context: string }[])[0]!.context);
    const { result } = await connection.send('script.evaluate', {
      expression,
      target: { context: await browserWindow },
      awaitPromise: true,
      resultOwnership: 'none',
    });
    if (result.type !== 'success') throw new Error(`in Firefox's chrome scope: ${JSON.stringify(result.exceptionDetails)}`);
    return JSON.parse((result.result as { value: string }).value) as T;
  };
  const toolbox = `[...ChromeUtils.importESModule('chrome://devtools-startup/content/DevToolsShim.sys.mjs').DevToolsShim.getToolboxes()][0]`;
  const toolId = (label: string) => `${toolbox}.getAdditionalTools().find((tool) => tool.label === ${JSON.stringify(label)}).id`;
  return {
    addedPanels: () => inChrome(`JSON.stringify(${toolbox}.getAdditionalTools().map((tool) => tool.label))`),
    showPanel: (label) => inChrome(`${toolbox}.selectTool(${toolId(label)}).then(() => 'null')`),
    // The panel's page runs in the extension's process: its pixels, not its document, reach the browser window.
    panelColour: (label) =>
      inChrome(`(async () => {
        const panelFrame = ${toolbox}.doc.getElementById('toolbox-panel-iframe-' + ${toolId(label)});
        const page = panelFrame.contentDocument.querySelector('browser').browsingContext.currentWindowGlobal;
        const snapshot = await page.drawSnapshot(new DOMRect(0, 0, 4, 4), 1, 'rgb(255, 0, 255)');
        const canvas = new OffscreenCanvas(4, 4);
        const context = canvas.getContext('2d');
        context.drawImage(snapshot, 0, 0);
        return JSON.stringify([...context.getImageData(2, 2, 1, 1).data.slice(0, 3)]);
      })()`),
    setTheme: (theme) => inChrome(`Services.prefs.setCharPref('devtools.theme', ${JSON.stringify(theme)}), 'null'`),
  };
}

/** A blank page on loopback http: an ordinary page to navigate to the add-on's pages from. */
async function serveBlankPage(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>launchpad</title>');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
