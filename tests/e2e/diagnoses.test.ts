/**
 * "Why it may be stuck" in the browser: after real demo variants ran against the built extension, the popup and
 * the DevTools panel (inline shell) show a stuck sign-in's diagnoses, and none for a correct one.
 */
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveVariant } from '../../demo/drive.ts';
import { variants } from '../../demo/variants.ts';
import { freshStart, readPopup, startSession, tabIdOf, type Session } from './support/session.ts';

const variant = (id: string) => variants.find((v) => v.id === id)!;

/** The window name of the tab a demo run opens to sign in elsewhere (demo/client/run.js, NEW_TAB_NAME_PREFIX). */
const NEW_TAB_NAME_PREFIX = 'oauth-lens-demo-new-tab:';

interface PanelDiagnoses {
  diagnoses: string[];
  hints: string[];
  text: string;
}

describe('why a sign-in may be stuck, in the popup and the panel', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession();
  });
  afterAll(async () => session?.close());

  /** The panel for a tab, once its selected flow shows `ready`: the diagnoses of that flow. */
  async function readPanel(tabId: number, ready: string): Promise<PanelDiagnoses> {
    const panel = await session.chromium.browser.newPage();
    try {
      await panel.goto(`chrome-extension://${session.chromium.extensionId}/src/devtools/panel.html?tab=${tabId}`);
      await panel.waitForSelector(ready);
      return await panel.evaluate(() => {
        const section = document.querySelector('#flow-detail [data-section="diagnostics"]');
        return {
          diagnoses: [...(section?.querySelectorAll<HTMLElement>('[data-diagnosis]') ?? [])].map((e) => e.dataset.diagnosis!),
          hints: [...(section?.querySelectorAll<HTMLElement>('[data-hint]') ?? [])].map((e) => e.dataset.hint!),
          text: section?.textContent ?? '',
        };
      });
    } finally {
      await panel.close();
    }
  }

  /** The page of the tab the run opened to sign in (it stays on the callback it could not use). */
  async function newTabPage(): Promise<Page> {
    for (const page of await session.chromium.browser.pages()) {
      const name = await page.evaluate(() => window.name).catch(() => '');
      if (name.startsWith(NEW_TAB_NAME_PREFIX)) return page;
    }
    throw new Error('the run opened no new tab');
  }

  it('state-lost-new-tab: the tab where the callback landed, and no token request followed, shows why', async () => {
    await freshStart(session);
    const page = await session.chromium.browser.newPage();
    try {
      await driveVariant(page, session.demo, variant('state-lost-new-tab'));
      const lostTab = await tabIdOf(session, await newTabPage());

      const popup = await readPopup(session, lostTab);
      expect(popup.current?.verdict).toBe('pass');
      expect(popup.current?.diagnoses).toEqual(['state-lost', 'no-token-request']);
      expect(popup.current?.hints).toEqual(['app-started-over', 'code-exchange-not-seen']);

      const panel = await readPanel(lostTab, '#flow-detail [data-section="diagnostics"] [data-diagnosis]');
      expect(panel.diagnoses).toEqual(['state-lost', 'no-token-request']);
      expect(panel.hints).toEqual(['app-started-over', 'code-exchange-not-seen']);
      // Captured values in the wording stay masked: the code never shows.
      expect(panel.text).not.toMatch(/code=(?!‹)/);

      // The app's own tab signed in again, correctly: nothing to explain there.
      const appTab = await tabIdOf(session, page);
      expect((await readPopup(session, appTab)).current?.diagnoses).toEqual([]);
      expect((await readPanel(appTab, '#flow-detail [data-step-kind="token"]')).diagnoses).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('redirect-uri-fragment: the server refusing the redirect_uri is named, not "callback not seen yet"', async () => {
    await freshStart(session);
    const page = await session.chromium.browser.newPage();
    try {
      await driveVariant(page, session.demo, variant('redirect-uri-fragment'));
      const tabId = await tabIdOf(session, page);
      const popup = await readPopup(session, tabId);
      expect(popup.current?.diagnoses).toEqual(['authorization-refused']);
      // The live capture has no bodies: the status alone, with the fragment RFC 6749 §3.1.2 forbids.
      expect(popup.current?.hints).toEqual(['authorization-refused', 'usual-refusal-causes', 'redirect-uri-has-fragment']);
      expect(popup.current?.fields.State).toBe('sent; no callback: the authorization server refused the request');

      const panel = await readPanel(tabId, '#flow-detail [data-section="diagnostics"] [data-diagnosis]');
      expect(panel.diagnoses).toEqual(['authorization-refused']);
      expect(panel.text).toContain('answered 400 to the authorization request');
    } finally {
      await page.close();
    }
  });

  it('good: a correct sign-in shows none', async () => {
    await freshStart(session);
    const page = await session.chromium.browser.newPage();
    try {
      await driveVariant(page, session.demo, variant('good'));
      const tabId = await tabIdOf(session, page);
      const popup = await readPopup(session, tabId);
      expect(popup.current, 'the tab has a flow').toBeDefined();
      expect(popup.current?.diagnoses).toEqual([]);
      expect((await readPanel(tabId, '#flow-detail [data-step-kind="token"]')).diagnoses).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
