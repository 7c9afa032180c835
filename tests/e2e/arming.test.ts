/**
 * The capture listens to webRequest only while a sign-in may be under way (src/capture/arming.ts): ordinary
 * browsing leaves no webRequest listener registered, and a sign-in that starts while none is still ends up
 * captured whole, its authorization request rebuilt from the navigation when it left before the listeners.
 */
import type { WebWorker } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveVariant } from '../../demo/drive.ts';
import { variants } from '../../demo/variants.ts';
import type { Exchange } from '../../src/core/model.ts';
import { badgeText, readPopup, startSession, tabIdOf, type Session } from './support/session.ts';

const variant = (id: string) => variants.find((v) => v.id === id)!;
const CLEAN_FIELDS = { PKCE: 'S256 · the verifier matches the challenge', State: 'sent and echoed', 'Code exchange': 'HTTP 200' };

/** Whether the worker has webRequest listeners, and the arming state it keeps in storage.session. */
async function armingOf(worker: WebWorker): Promise<{ listening: boolean; stored: { listening?: boolean } | undefined }> {
  return worker.evaluate(async () => ({
    listening: chrome.webRequest.onBeforeRequest.hasListeners() || chrome.webRequest.onCompleted.hasListeners(),
    stored: (await chrome.storage.session.get('arming')).arming as { listening?: boolean } | undefined,
  }));
}

async function capturedExchanges(worker: WebWorker): Promise<Exchange[]> {
  return worker.evaluate(async () => {
    const all = await chrome.storage.session.get(null);
    return Object.entries(all)
      .filter(([key]) => key.startsWith('x:'))
      .map(([, value]) => value as Exchange)
      .sort((a, b) => a.time - b.time);
  });
}

describe('capture arming', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession();
  });
  afterAll(async () => session?.close());

  it('leaves no webRequest listener registered while pages load and no sign-in is under way', async () => {
    const page = await session.chromium.browser.newPage();
    await page.goto(`${session.demo.clientOrigin}/browse?n=50`);
    await page.waitForSelector('#result[data-status="done"]', { timeout: 30_000 });
    // The client's home page: not yet a watched origin, no sign-in started from it.
    await page.goto(`${session.demo.clientOrigin}/`, { waitUntil: 'load' });
    const arming = await armingOf(await session.worker());
    expect(arming.listening).toBe(false);
    expect(arming.stored?.listening ?? false).toBe(false);
    await page.close();
  });

  it('captures a sign-in that starts while disarmed whole, its authorization request rebuilt from the navigation when missed', async () => {
    // A stopped worker, as after 30 s without events: the sign-in's navigation must wake it and arm.
    await (await session.worker()).close();
    const page = await session.chromium.browser.newPage();
    await driveVariant(page, session.demo, variant('good'));
    const tabId = await tabIdOf(session, page);
    const view = await readPopup(session, tabId);
    expect(view.current).toMatchObject({ verdict: 'pass', fields: CLEAN_FIELDS });
    expect(view.current!.ruleIds).toEqual([]);
    expect(await badgeText(session, tabId)).toBe('✓');

    const worker = await session.worker();
    const exchanges = await capturedExchanges(worker);
    const authorizations = exchanges.filter((e) => /[?&]response_type=/.test(e.url));
    // One authorization request, whichever way it was seen: never both.
    expect(authorizations).toHaveLength(1);
    const [authorization] = authorizations;
    // The woken worker usually arms after the request has left (then it is rebuilt from the navigation, and
    // nothing but the request line is claimed); on a slow server it may arm in time.
    if (authorization!.observedBy === 'navigation') {
      expect(authorization).toMatchObject({ method: 'GET', requestHeaders: [], responseHeaders: [] });
      expect(authorization!.status).toBeUndefined();
      expect(authorization!.location).toBeUndefined();
    } else expect(authorization!.status).toBe(303);
    // The code exchange left after the listeners were armed.
    expect(exchanges.some((e) => e.method === 'POST' && e.url.endsWith('/token') && e.status === 200)).toBe(true);
    expect((await armingOf(worker)).listening).toBe(true);
    await page.close();
  });
});

describe('capture arming, a sign-in in a popup window', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession();
  });
  afterAll(async () => session?.close());

  it('arms from the popup window’s navigation and pairs the flow that ends in its opener', async () => {
    await (await session.worker()).close();
    const page = await session.chromium.browser.newPage();
    await driveVariant(page, session.demo, variant('popup-window'));
    const tabId = await tabIdOf(session, page);
    const view = await readPopup(session, tabId);
    expect(view.current).toMatchObject({ verdict: 'pass', fields: CLEAN_FIELDS });
    expect(await badgeText(session, tabId)).toBe('✓');
    await page.close();
  });
});
