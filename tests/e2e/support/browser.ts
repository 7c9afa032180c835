/**
 * Launch Debian's Chromium with the built extension, as the end-to-end tests and `npm run demo` need it.
 * Puppeteer's own browser download cannot work here: `executablePath` is /usr/bin/chromium or CHROME_PATH.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type WebWorker } from 'puppeteer';

export const DIST = resolve(import.meta.dirname, '../../../dist');

export const CHROME_FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function chromePath(): string {
  const path = process.env['CHROME_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`Chromium not found at ${path}: install Debian's chromium or set CHROME_PATH`);
  return path;
}

export interface ExtensionBrowser {
  browser: Browser;
  extensionId: string;
  /** The extension's service worker, once it has `chrome.runtime.id`. */
  worker(): Promise<WebWorker>;
  close(): Promise<void>;
}

export async function launchWithExtension(options: { headless?: boolean; extraArgs?: string[] } = {}): Promise<ExtensionBrowser> {
  if (!existsSync(join(DIST, 'manifest.json'))) throw new Error(`${DIST} has no manifest.json: run \`npm run build\` first`);
  const userDataDir = await mkdtemp(join(tmpdir(), 'oauth-lens-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: chromePath(),
    headless: options.headless ?? true,
    pipe: true,
    enableExtensions: true,
    userDataDir,
    args: [...CHROME_FLAGS, ...(options.extraArgs ?? [])],
  });
  const extensionId = await browser.installExtension(DIST);
  const worker = async (): Promise<WebWorker> => {
    const target = await browser.waitForTarget(
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
  return {
    browser,
    extensionId,
    worker,
    async close() {
      await browser.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
