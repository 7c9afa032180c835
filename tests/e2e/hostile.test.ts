/**
 * Captured strings are attacker-controlled: an error_description with markup and a javascript: error_uri must
 * reach the popup as readable text, and nothing of them may run or become a link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveVariant } from '../../demo/drive.ts';
import { variants } from '../../demo/variants.ts';
import { freshStart, readPopup, startSession, tabIdOf, type Session } from './support/session.ts';

describe('hostile strings in the popup', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession();
    await freshStart(session);
  });
  afterAll(async () => session?.close());

  it('renders an error callback with markup and a javascript: URI inert', async () => {
    const page = await session.chromium.browser.newPage();
    await driveVariant(page, session.demo, variants.find((v) => v.id === 'hostile-error-response')!);
    const tabId = await tabIdOf(session, page);
    expect((await readPopup(session, tabId)).current?.ruleIds).toContain('oauth-error-response');

    const popup = await session.chromium.browser.newPage();
    await popup.goto(`chrome-extension://${session.chromium.extensionId}/src/popup/index.html?tab=${tabId}`);
    await popup.waitForSelector('[data-rule-id="oauth-error-response"]');
    const rendered = await popup.evaluate(() => ({
      title: document.title,
      text: document.getElementById('app')!.textContent ?? '',
      injected: document.querySelectorAll('#app img, #app script, #app b, #app iframe').length,
      scriptLinks: document.querySelectorAll('a[href^="javascript:" i]').length,
    }));
    expect(rendered.title).toBe('OAuth Lens');
    expect(rendered.injected).toBe(0);
    expect(rendered.scriptLinks).toBe(0);
    expect(rendered.text).toContain('<img src=x onerror="document.title=\'pwned\'">');
    expect(rendered.text).toContain("javascript:document.title='pwned'");
    await Promise.all([popup.close(), page.close()]);
  });
});
