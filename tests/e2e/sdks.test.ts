/**
 * The vendors' own SPA SDKs (Auth0, Okta, oidc-client-ts, Keycloak, MSAL), bundled unmodified into the demo client
 * and signing in against servers laid out like their vendors' (demo/vendor-authorization-servers.ts), in real
 * Chromium with the built extension: a correct sign-in passes (✓, nothing above info) in the popup and the panel,
 * and the SDKs' typical mistakes are named.
 */
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveVariant } from '../../demo/drive.ts';
import { variants } from '../../demo/variants.ts';
import { badgeText, expectedBadge, freshStart, readPopup, startSession, tabIdOf, type Session } from './support/session.ts';

const variant = (id: string) => variants.find((v) => v.id === id)!;

interface PanelView {
  verdict: string;
  severities: string[];
  diagnoses: string[];
}

describe('vendor SDK sign-ins in the browser', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession();
  });
  afterAll(async () => session?.close());

  /** Runs a variant afresh in a new tab and returns that tab's page and id. */
  async function run(id: string): Promise<{ page: Page; tabId: number }> {
    await freshStart(session);
    const page = await session.chromium.browser.newPage();
    await driveVariant(page, session.demo, variant(id), { timeoutMs: 60_000 });
    return { page, tabId: await tabIdOf(session, page) };
  }

  /** The panel for a tab, once its selected flow has its token step: the flow's verdict, findings and diagnoses. */
  async function readPanel(tabId: number): Promise<PanelView> {
    const panel = await session.chromium.browser.newPage();
    try {
      await panel.goto(`chrome-extension://${session.chromium.extensionId}/src/devtools/panel.html?tab=${tabId}`);
      await panel.waitForSelector('#flow-detail [data-step-kind="token"]');
      return await panel.evaluate(() => {
        const detail = document.querySelector<HTMLElement>('#flow-detail')!;
        return {
          verdict: detail.dataset.verdict!,
          severities: [...detail.querySelectorAll<HTMLElement>('[data-section="findings"] [data-severity]')].map(
            (e) => e.dataset.severity!,
          ),
          diagnoses: [...detail.querySelectorAll<HTMLElement>('[data-section="diagnostics"] [data-diagnosis]')].map(
            (e) => e.dataset.diagnosis!,
          ),
        };
      });
    } finally {
      await panel.close();
    }
  }

  /**
   * Each SDK's correct sign-in, in its default configuration; MSAL's in a popup window too, and Auth0's refresh
   * tokens, which the SDK sends from a Web Worker.
   */
  const correct = ['sdk-auth0', 'sdk-okta', 'sdk-oidc-client-ts', 'sdk-keycloak', 'sdk-msal', 'sdk-msal-popup', 'sdk-auth0-refresh-twice'];

  it.each(correct)('%s: ✓ and nothing above info, in the popup and the panel', async (id) => {
    const { page, tabId } = await run(id);
    try {
      const popup = await readPopup(session, tabId);
      expect(popup.current, 'the tab has a flow').toBeDefined();
      // Advice may remain (the flow's verdict is then info); the popup and the badge still show the check mark.
      expect(popup.current).toMatchObject({ symbol: '✓', errors: 0, warnings: 0, diagnoses: [] });
      expect(['pass', 'info']).toContain(popup.current?.verdict);
      expect(await badgeText(session, tabId)).toBe('✓');
      expect(expectedBadge(popup)).toBe('✓');

      const panel = await readPanel(tabId);
      expect(['pass', 'info']).toContain(panel.verdict);
      expect(panel.severities.filter((severity) => severity !== 'info')).toEqual([]);
      expect(panel.diagnoses).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('sdk-auth0-state-lost-new-tab: the tab where the callback found no transaction shows why', async () => {
    const { page } = await run('sdk-auth0-state-lost-new-tab');
    const opened: Page[] = [];
    try {
      for (const other of await session.chromium.browser.pages()) {
        // The tab the run opened (demo/client/sdk/page.js openInNewTab; its name starts with NEW_TAB_NAME_PREFIX).
        if ((await other.evaluate(() => window.name).catch(() => '')).startsWith('oauth-lens-demo-new-tab:')) opened.push(other);
      }
      expect(opened).toHaveLength(1);
      const popup = await readPopup(session, await tabIdOf(session, opened[0]!));
      expect(popup.current?.diagnoses).toContain('state-lost');
    } finally {
      await Promise.all([page, ...opened].map((p) => p.close()));
    }
  });

  it('sdk-oidc-client-ts-callback-reloaded: the callback page reloaded after sign-in is named a callback handled twice, and the flow keeps its ✓', async () => {
    const { page, tabId } = await run('sdk-oidc-client-ts-callback-reloaded');
    try {
      // The SDK's own error, on the reloaded page: it found no stored state for the response.
      expect(await page.$eval('#status', (el) => el.textContent)).toContain('No matching state found in storage');
      const popup = await readPopup(session, tabId);
      expect(popup.current?.diagnoses).toEqual(['callback-loaded-again']);
      expect(popup.current?.hints).toEqual(['callback-loaded-again', 'repeat-found-no-transaction', 'strip-code-after-handling']);
      // The sign-in itself succeeded and no rule failed: ✓, not '?', in the popup and on the badge.
      expect(popup.current).toMatchObject({ symbol: '✓', errors: 0, warnings: 0 });
      expect(await badgeText(session, tabId)).toBe('✓');
    } finally {
      await page.close();
    }
  });

  it('sdk-keycloak-no-pkce: PKCE switched off is named', async () => {
    const { page, tabId } = await run('sdk-keycloak-no-pkce');
    try {
      const popup = await readPopup(session, tabId);
      expect(popup.current?.verdict).toBe('error');
      expect(popup.current?.ruleIds).toContain('pkce-missing');
    } finally {
      await page.close();
    }
  });

  it('sdk-oidc-client-ts-refresh-twice: one refresh token sent twice at once is named', async () => {
    const { page, tabId } = await run('sdk-oidc-client-ts-refresh-twice');
    try {
      const popup = await readPopup(session, tabId);
      expect(popup.ruleIds).toContain('refresh-token-reused');
    } finally {
      await page.close();
    }
  });

  it('sdk-msal-redirect-uri-unregistered: the server refusing the redirect URI is diagnosed, in Entra ID terms', async () => {
    const { page, tabId } = await run('sdk-msal-redirect-uri-unregistered');
    try {
      const popup = await readPopup(session, tabId);
      expect(popup.current?.diagnoses).toContain('authorization-refused');
      // No rule failed, but the sign-in did not finish: '?', not ✓, in the popup and on the badge.
      expect(popup.current?.symbol).toBe('?');
      expect(await badgeText(session, tabId)).toBe('?');
      // Recognised as Entra ID by its endpoint layout: the hint names where Entra keeps redirect URIs.
      expect(popup.current?.hints).toContain('provider-setting');
    } finally {
      await page.close();
    }
  });
});
