/**
 * Ordinary browsing (a loopback page with hundreds of subresources and JSON APIs whose URLs and bodies say
 * `code`, `state`, `token`) records no flow and sets no badge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badgeText, freshStart, readPopup, startSession, tabIdOf, type Session } from './support/session.ts';

describe('ordinary browsing', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession();
    await freshStart(session);
  });
  afterAll(async () => session?.close());

  it('records no flow', async () => {
    const page = await session.chromium.browser.newPage();
    await page.goto(`${session.demo.clientOrigin}/browse?n=300`);
    await page.waitForSelector('#result[data-status="done"]', { timeout: 30_000 });
    const tabId = await tabIdOf(session, page);
    const view = await readPopup(session, tabId);
    expect(view).toMatchObject({ empty: true, ruleIds: [] });
    expect(view.current).toBeUndefined();
    expect(await badgeText(session, tabId)).toBe('');
    await page.close();
  });
});
