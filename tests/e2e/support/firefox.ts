/**
 * Firefox ESR with the built add-on (dist-firefox/), driven over WebDriver BiDi by puppeteer. BiDi refuses to
 * open moz-extension:// pages itself, so the test copy of the add-on lists its popup in
 * `web_accessible_resources` and an ordinary page navigates there; the extension's origin is fixed beforehand
 * through the preference `extensions.webextensions.uuids`. The shipped add-on exposes no page.
 */
import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const DIST_FIREFOX = resolve(import.meta.dirname, '../../../dist-firefox');
const POPUP = 'src/popup/index.html';

export interface FirefoxWithAddon {
  browser: Browser;
  /** The add-on's origin, e.g. moz-extension://<uuid> */
  origin: string;
  /** Navigates a page (already on an ordinary http page) to the popup, as the toolbar button would show it. */
  openPopup(page: Page, query?: string): Promise<void>;
  close(): Promise<void>;
}

export async function launchFirefoxWithAddon(): Promise<FirefoxWithAddon> {
  if (!existsSync(FIREFOX_PATH)) throw new Error(`Firefox not found at ${FIREFOX_PATH}: install Debian's firefox-esr or set FIREFOX_PATH`);
  if (!existsSync(join(DIST_FIREFOX, 'manifest.json')))
    throw new Error(`${DIST_FIREFOX} has no manifest.json: run \`npm run build\` first`);
  const addon = await mkdtemp(join(tmpdir(), 'oauth-lens-firefox-addon-'));
  await cp(DIST_FIREFOX, addon, { recursive: true });
  const manifest = JSON.parse(await readFile(join(addon, 'manifest.json'), 'utf8'));
  manifest.web_accessible_resources = [{ resources: [POPUP], matches: ['<all_urls>'] }];
  await writeFile(join(addon, 'manifest.json'), JSON.stringify(manifest));
  const uuid = randomUUID();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    // The demo's Entra-like server is on https with a throwaway self-signed certificate (MSAL refuses http).
    acceptInsecureCerts: true,
    extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [manifest.browser_specific_settings.gecko.id]: uuid }) },
  });
  const origin = `moz-extension://${uuid}`;
  try {
    await browser.installExtension(addon);
  } catch (error) {
    await browser.close();
    throw error;
  }
  return {
    browser,
    origin,
    async openPopup(page, query = '') {
      const url = `${origin}/${POPUP}${query}`;
      await page.evaluate((u) => {
        location.href = u;
      }, url);
      await page.waitForFunction((u) => location.href === u, {}, url);
    },
    async close() {
      await browser.close().catch(() => undefined);
      await rm(addon, { recursive: true, force: true });
    },
  };
}
