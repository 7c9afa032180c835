/**
 * The panel's exports, read from the Blobs they are made of (the panel downloads through a Blob URL): the
 * download itself is denied, and every Blob handed to `URL.createObjectURL` is kept in `window.exportedBlobs`.
 */
import type { Page } from 'puppeteer';

export async function captureExports(page: Page): Promise<void> {
  const cdp = await page.createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'deny' });
  await page.evaluateOnNewDocument(() => {
    const blobs: Blob[] = [];
    (window as unknown as { exportedBlobs: Blob[] }).exportedBlobs = blobs;
    const create = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (blob: Blob | MediaSource) => {
      if (blob instanceof Blob) blobs.push(blob);
      return create(blob);
    };
  });
}
