import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, type ExtensionBrowser } from '../../demo/browser.ts';

describe('the built extension', () => {
  let session: ExtensionBrowser;
  beforeAll(async () => {
    session = await launchWithExtension();
  });
  afterAll(async () => session?.close());

  it('loads unpacked in Chromium and starts its service worker', async () => {
    const worker = await session.worker();
    const manifest = await worker.evaluate(() => chrome.runtime.getManifest());
    expect(manifest).toMatchObject({ manifest_version: 3, name: 'OAuth Lens' });
    expect(await worker.evaluate(() => chrome.runtime.id)).toBe(session.extensionId);
  });

  it('serves its popup and panel pages', async () => {
    const page = await session.browser.newPage();
    for (const path of ['src/popup/index.html', 'src/devtools/panel.html']) {
      await page.goto(`chrome-extension://${session.extensionId}/${path}`);
      await page.waitForSelector('main h1');
      expect(await page.$eval('main h1', (h) => h.textContent)).toBe('OAuth Lens');
    }
    await page.close();
  });
});
