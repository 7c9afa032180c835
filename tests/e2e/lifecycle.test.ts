/**
 * The situations a real sign-in meets: the MV3 worker stopped while the user sits on the login page, two tabs
 * signing in at once, a flow that starts in a popup window and ends in its opener.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { driveVariant } from '../../demo/drive.ts';
import { variants } from '../../demo/variants.ts';
import { badgeText, freshStart, readPopup, startSession, tabIdOf, type Session } from './support/session.ts';

const variant = (id: string) => variants.find((v) => v.id === id)!;
const CLEAN_FIELDS = { PKCE: 'S256 · the verifier matches the challenge', State: 'sent and echoed', 'Code exchange': 'HTTP 200' };

describe('sign-in lifecycle', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession();
  });
  afterAll(async () => session?.close());
  beforeEach(async () => freshStart(session));

  it('pairs a flow whose worker was stopped on the login page', async () => {
    const page = await session.chromium.browser.newPage();
    let stopped = false;
    await driveVariant(page, session.demo, variant('good'), {
      async onPrompt({ prompt }) {
        if (prompt !== 'login' || stopped) return;
        const worker = await session.worker();
        await worker.evaluate(() => Object.assign(globalThis, { stoppedWorkerMarker: true }));
        await worker.close();
        stopped = true;
        // The authorization request was seen before the stop; nothing of the flow may live only in memory.
        await new Promise((r) => setTimeout(r, 500));
      },
    });
    expect(stopped).toBe(true);
    // A new worker instance answered the rest of the flow.
    expect(await (await session.worker()).evaluate(() => 'stoppedWorkerMarker' in globalThis)).toBe(false);
    const tabId = await tabIdOf(session, page);
    const view = await readPopup(session, tabId);
    expect(view.current).toMatchObject({ verdict: 'pass', fields: CLEAN_FIELDS });
    expect(await badgeText(session, tabId)).toBe('✓');
    await page.close();
  });

  it('keeps the badge when the tab goes on to another page (Chrome resets it on every navigation)', async () => {
    const page = await session.chromium.browser.newPage();
    await driveVariant(page, session.demo, variant('good'));
    const tabId = await tabIdOf(session, page);
    expect(await badgeText(session, tabId)).toBe('✓');
    // An ordinary page the capture ignores: nothing is analysed, the badge is set again once it has loaded.
    await page.goto(`${session.demo.clientOrigin}/browse?n=1`, { waitUntil: 'load' });
    await expect.poll(() => badgeText(session, tabId), { timeout: 5_000 }).toBe('✓');
    await page.close();
  });

  it('keeps a popup that is left open connected across a worker restart', async () => {
    const page = await session.chromium.browser.newPage();
    await page.goto(`${session.demo.clientOrigin}/`);
    const tabId = await tabIdOf(session, page);
    const popup = await session.chromium.browser.newPage();
    await popup.goto(`chrome-extension://${session.chromium.extensionId}/src/popup/index.html?tab=${tabId}`);
    await popup.waitForSelector('#empty-state');
    const worker = await session.worker();
    await worker.evaluate(() => Object.assign(globalThis, { stoppedWorkerMarker: true }));
    await worker.close();

    // The login form is typed into, which needs the page in front.
    await page.bringToFront();
    await driveVariant(page, session.demo, variant('good'));
    // The same popup page, never reloaded, shows the flow the restarted worker captured.
    await popup.waitForSelector('#current-flow[data-verdict="pass"]', { timeout: 15_000 });
    expect(await (await session.worker()).evaluate(() => 'stoppedWorkerMarker' in globalThis)).toBe(false);
    await Promise.all([popup.close(), page.close()]);
  });

  it('keeps two tabs signing in at once apart', async () => {
    // Signed in at the authorization server already (single sign-on), as when a second tab signs in: both
    // authorization requests are answered at once. (Two logins racing on one server session is another story:
    // the server voids the older interaction.)
    const warmUp = await session.chromium.browser.newPage();
    await driveVariant(warmUp, session.demo, variant('good'));
    await warmUp.close();
    const [first, second] = [await session.chromium.browser.newPage(), await session.chromium.browser.newPage()];
    await Promise.all([driveVariant(first, session.demo, variant('good')), driveVariant(second, session.demo, variant('no-state'))]);
    const good = await readPopup(session, await tabIdOf(session, first));
    const noState = await readPopup(session, await tabIdOf(session, second));
    expect(good.current).toMatchObject({ verdict: 'pass', fields: CLEAN_FIELDS });
    // The warm-up's sign-in registered the page script for the client's origin, so the no-state page reports the
    // server's metadata, which lists S256: with PKCE the missing state is advice there (state-missing: info).
    expect(noState.current).toMatchObject({ verdict: 'info', fields: { State: 'missing', 'Code exchange': 'HTTP 200' } });
    expect(noState.current!.ruleIds).toContain('state-missing');
    expect(good.current!.ruleIds).toEqual([]);
    await Promise.all([first.close(), second.close()]);
  });

  it('pairs a flow that starts in a popup window and ends in its opener', async () => {
    const page = await session.chromium.browser.newPage();
    await driveVariant(page, session.demo, variant('popup-window'));
    const tabId = await tabIdOf(session, page);
    const view = await readPopup(session, tabId);
    expect(view.current).toMatchObject({ verdict: 'pass', fields: CLEAN_FIELDS });
    expect(await badgeText(session, tabId)).toBe('✓');
    await page.close();
  });
});
