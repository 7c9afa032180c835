// Launching Debian's Chromium for the recorder and the tests (puppeteer's own download cannot work offline).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer';

export const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/** Quiet flags: no background traffic of the browser's own, so a recording holds only the page's requests. */
export const QUIET_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface LaunchedBrowser {
  browser: Browser;
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
}

/** A headless Chromium with a fresh, throwaway profile (no cookies or storage from an earlier run). */
export async function launchHeadless(): Promise<LaunchedBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'oauth-lens-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROME_PATH,
    headless: true,
    args: [...QUIET_ARGS, `--user-data-dir=${profile}`],
  });
  return {
    browser,
    async close() {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** "HeadlessChrome/156.0.8078.79" → "156.0.8078.79" */
export async function browserVersion(browser: Browser): Promise<string> {
  return (await browser.version()).replace(/^[^/]*\//, '');
}
