/**
 * The store screenshots (docs/store/screenshots/, 1280×800 as the Chrome Web Store and AMO take them), made from
 * the demo with the built extension (`npm run build` first): the popup over the demo app after a correct sign-in
 * and after a broken one, and the DevTools panel (its inline shell, as the e2e tests open it) on a redirect_uri
 * mismatch, light and dark; and the small promotional tile. `npm run store:screenshots`; not part of `npm test`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer';
import { driveVariant } from '../demo/drive.ts';
import { variants } from '../demo/variants.ts';
import { freshStart, type Session, startSession, tabIdOf } from '../tests/e2e/support/session.ts';

const WIDTH = 1280;
const HEIGHT = 800;
const out = join(import.meta.dirname, '../docs/store/screenshots');

function variant(id: string) {
  const found = variants.find((v) => v.id === id);
  if (!found) throw new Error(`no demo variant ${id}`);
  return found;
}

/** Runs a variant in a fresh capture and returns its page (1280×800) and tab id. */
async function signIn(session: Session, id: string): Promise<{ page: Page; tabId: number }> {
  await freshStart(session);
  const page = await session.chromium.browser.newPage();
  await page.setViewport({ width: WIDTH, height: HEIGHT });
  await driveVariant(page, session.demo, variant(id));
  return { page, tabId: await tabIdOf(session, page) };
}

const extensionPage = (session: Session, path: string) => `chrome-extension://${session.chromium.extensionId}/${path}`;

/** The popup for a tab, drawn where Chrome drops it: over the page, below the toolbar's right end. */
async function popupOverPage(session: Session, id: string, file: string): Promise<void> {
  const { page, tabId } = await signIn(session, id);
  const app = await page.screenshot({ encoding: 'base64' });
  const popup = await session.chromium.browser.newPage();
  await popup.setViewport({ width: 440, height: 640, deviceScaleFactor: 1 });
  await popup.goto(extensionPage(session, `src/popup/index.html?tab=${tabId}`));
  // The popup renders once the capture is read: wait for its verdict, then for the page to be still.
  await popup.waitForSelector('#current-flow[data-verdict]', { timeout: 15_000 });
  await new Promise((resolve) => setTimeout(resolve, 800));
  const drawn = await popup.screenshot({ encoding: 'base64', clip: await contentBox(popup) });
  const canvas = await session.chromium.browser.newPage();
  await canvas.setViewport({ width: WIDTH, height: HEIGHT });
  await canvas.setContent(`<body style="margin:0;width:${WIDTH}px;height:${HEIGHT}px;overflow:hidden;position:relative">
    <img src="data:image/png;base64,${app}" style="position:absolute;inset:0;filter:brightness(0.85)">
    <img src="data:image/png;base64,${drawn}" style="position:absolute;top:8px;right:16px;max-height:${HEIGHT - 16}px;
      border-radius:8px;box-shadow:0 8px 28px rgba(0,0,0,.35)"></body>`);
  await canvas.waitForFunction(() => [...document.images].every((image) => image.complete));
  writeFileSync(join(out, file), await canvas.screenshot());
  console.log(`docs/store/screenshots/${file}`);
  await Promise.all([page.close(), popup.close(), canvas.close()]);
}

/** The popup's own size: its body, at most the viewport. */
async function contentBox(page: Page) {
  const { width, height } = await page.evaluate(() => ({ width: document.body.scrollWidth, height: document.body.scrollHeight }));
  return { x: 0, y: 0, width: Math.min(width, 440), height: Math.min(height, HEIGHT - 16) };
}

/** The Chrome Web Store's small promotional tile (440×280): the icon, the name and what it does. */
async function promoTile(session: Session, file: string): Promise<void> {
  const icon = readFileSync(join(import.meta.dirname, '../assets/icon.svg')).toString('base64');
  const tile = await session.chromium.browser.newPage();
  await tile.setViewport({ width: 440, height: 280 });
  await tile.setContent(`<body style="margin:0;width:440px;height:280px;display:flex;align-items:center;gap:24px;
      padding:0 32px;box-sizing:border-box;background:linear-gradient(135deg,#0b1f5c,#1e40af);color:#fff;font-family:sans-serif">
    <img src="data:image/svg+xml;base64,${icon}" width="112" height="112">
    <div><div style="font-size:34px;font-weight:bold">OAuth Lens</div>
      <div style="font-size:17px;line-height:1.35;margin-top:8px;color:#dbeafe">Audits OAuth 2.0 and OpenID Connect sign-ins and their PKCE as they happen</div></div></body>`);
  await tile.waitForFunction(() => [...document.images].every((image) => image.complete));
  writeFileSync(join(out, file), await tile.screenshot());
  console.log(`docs/store/screenshots/${file}`);
  await tile.close();
}

/** The panel on the flow of variant `id`, with the detail's `tab` open (the summary is always above it). */
async function panel(session: Session, id: string, theme: 'light' | 'dark', file: string, tab: string): Promise<void> {
  const { page, tabId } = await signIn(session, id);
  const shell = await session.chromium.browser.newPage();
  await shell.setViewport({ width: WIDTH, height: HEIGHT });
  await shell.goto(extensionPage(session, `src/devtools/panel.html?tab=${tabId}${theme === 'dark' ? '&theme=dark' : ''}`));
  await shell.waitForSelector('#flow-detail [data-step-kind="token"]', { timeout: 15_000 });
  await shell.click(`#flow-detail [role="tab"][data-tab="${tab}"]`);
  await new Promise((resolve) => setTimeout(resolve, 500));
  writeFileSync(join(out, file), await shell.screenshot());
  console.log(`docs/store/screenshots/${file}`);
  await Promise.all([page.close(), shell.close()]);
}

mkdirSync(out, { recursive: true });
const session = await startSession();
try {
  await promoTile(session, 'promo-small-440x280.png');
  await popupOverPage(session, 'good', '1-popup-pass.png');
  await popupOverPage(session, 'verifier-trailing-newline', '2-popup-findings.png');
  await panel(session, 'redirect-uri-trailing-slash', 'light', '3-panel-redirect-uri.png', 'parameters');
  await panel(session, 'verifier-trailing-newline', 'dark', '4-panel-pkce-dark.png', 'pkce');
} finally {
  await session.close();
}
