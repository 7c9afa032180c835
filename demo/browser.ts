// Launching Debian's Chromium (puppeteer's own download cannot work offline) for the recorder, `npm run demo`,
// the end-to-end tests and the benchmarks: one place for the executable, the flags and the throwaway profile.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type LaunchOptions, type WebWorker } from 'puppeteer';

export const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/** The built extension. */
export const DIST = resolve(import.meta.dirname, '../dist');

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

/**
 * Chromium with a fresh, throwaway profile (no cookies or storage from an earlier run); with `userDataDir`, that
 * profile instead, which outlives the browser (a test that restarts the browser deletes it itself).
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<LaunchedBrowser> {
  if (!existsSync(CHROME_PATH)) throw new Error(`Chromium not found at ${CHROME_PATH}: install Debian's chromium or set CHROME_PATH`);
  const { userDataDir, ...launchOptions } = options;
  const profile = userDataDir ?? (await mkdtemp(join(tmpdir(), 'oauth-lens-chromium-')));
  const browser = await puppeteer.launch({
    executablePath: CHROME_PATH,
    headless: true,
    // The demo's Entra-like server is on https with a throwaway self-signed certificate (MSAL refuses http).
    acceptInsecureCerts: true,
    ...launchOptions,
    args: [...QUIET_ARGS, `--user-data-dir=${profile}`, ...(options.args ?? [])],
  });
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      if (userDataDir === undefined) await rm(profile, { recursive: true, force: true });
    },
  };
}

export const launchHeadless = () => launchChromium();

export interface ExtensionBrowser extends LaunchedBrowser {
  extensionId: string;
  /** The extension's service worker, once it has `chrome.runtime.id` (after a stop, the restarted one). */
  worker(): Promise<WebWorker>;
}

/** Chromium with the built extension installed: dist/, or another copy of it given as `extensionDir`. */
export async function launchWithExtension(options: LaunchOptions & { extensionDir?: string } = {}): Promise<ExtensionBrowser> {
  const { extensionDir = DIST, ...launchOptions } = options;
  if (!existsSync(join(extensionDir, 'manifest.json')))
    throw new Error(`${extensionDir} has no manifest.json: run \`npm run build\` first`);
  const launched = await launchChromium({ pipe: true, enableExtensions: true, ...launchOptions });
  const extensionId = await launched.browser.installExtension(extensionDir);
  const worker = async (): Promise<WebWorker> => {
    const target = await launched.browser.waitForTarget(
      (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${extensionId}/`),
      { timeout: 20_000 },
    );
    const handle = (await target.worker())!;
    // The worker's scripts may still be evaluating: poll until the extension APIs are there.
    const deadline = Date.now() + 10_000;
    while (!(await handle.evaluate(() => globalThis.chrome?.runtime?.id).catch(() => undefined))) {
      if (Date.now() > deadline) throw new Error('the extension service worker never got chrome.runtime.id');
      await new Promise((r) => setTimeout(r, 50));
    }
    return handle;
  };
  return { ...launched, extensionId, worker };
}

/** "HeadlessChrome/156.0.8078.79" → "156.0.8078.79" */
export async function browserVersion(browser: Browser): Promise<string> {
  return (await browser.version()).replace(/^[^/]*\//, '');
}
