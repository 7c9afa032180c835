/**
 * The DevTools panel in its inline shell: the built panel page opened in a tab with `?tab=ID`, fed by the
 * worker's snapshots, after real demo variants ran. Asserts what a person sees in the DOM.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ElementHandle, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveVariant } from '../../demo/drive.ts';
import { variants } from '../../demo/variants.ts';
import type { AuditReport } from '../../src/core/report.ts';
import { twoFlowsAroundPadding } from '../panel/big-har.ts';
import { freshStart, startSession, tabIdOf, type Session } from './support/session.ts';
import { captureExports } from './support/exports.ts';

const variant = (id: string) => variants.find((v) => v.id === id)!;

describe('the DevTools panel (inline shell)', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession();
  });
  afterAll(async () => session?.close());

  async function runAndOpen(
    id: string,
    ready = '#flow-detail [data-step-kind="token"]',
  ): Promise<{ panel: Page; page: Page; tabId: number }> {
    await freshStart(session);
    const page = await session.chromium.browser.newPage();
    await driveVariant(page, session.demo, variant(id));
    const tabId = await tabIdOf(session, page);
    const panel = await session.chromium.browser.newPage();
    await captureExports(panel);
    await panel.goto(`chrome-extension://${session.chromium.extensionId}/src/devtools/panel.html?tab=${tabId}`);
    await panel.waitForSelector(ready);
    return { panel, page, tabId };
  }

  it('shows the timeline, the redirect_uri difference character by character, and the findings', async () => {
    const { panel, page } = await runAndOpen('redirect-uri-trailing-slash');
    const view = await panel.evaluate(() => {
      const detail = document.querySelector('#flow-detail')!;
      const redirect = detail.querySelector('tr[data-param="redirect_uri"]')!;
      return {
        rows: document.querySelectorAll('#flow-list [data-flow-key]').length,
        steps: [...detail.querySelectorAll('.timeline > li')].map((li) => (li as HTMLElement).dataset.stepKind),
        signIns: Number((detail.querySelector('[data-step-kind="sign-in-group"]') as HTMLElement | null)?.dataset.count),
        differs: (redirect as HTMLElement).dataset.differs,
        added: [...redirect.querySelectorAll('td[data-column="token"] ins[data-diff="add"]')].map((e) => e.textContent),
        difference: (redirect.querySelector('[data-difference]') as HTMLElement | null)?.dataset.difference,
        ruleIds: [...detail.querySelectorAll<HTMLElement>('[data-section="findings"] [data-rule-id]')].map((e) => e.dataset.ruleId),
        hints: [...detail.querySelectorAll<HTMLElement>('[data-diagnosis="invalid-grant"] [data-hint]')].map((e) => e.dataset.hint),
        citationLinks: [...detail.querySelectorAll<HTMLAnchorElement>('[data-section="findings"] a')].map((a) => ({
          href: a.href,
          rel: a.rel,
          target: a.target,
        })),
      };
    });
    expect(view.rows).toBe(1);
    expect(view.steps[0]).toBe('authorize');
    expect(view.steps).toContain('sign-in-group');
    expect(view.signIns).toBeGreaterThan(0);
    expect(view.steps).toContain('callback');
    expect(view.steps.at(-1)).toBe('token');
    expect(view.differs).toBe('true');
    expect(view.added).toEqual(['/']);
    expect(view.difference).toBe('trailing-slash');
    expect(view.ruleIds).toContain('redirect-uri-token-mismatch');
    expect(view.citationLinks.length).toBeGreaterThan(0);
    // The page reports the 400's body (issue 12), so the error code is known and the invalid_grant checklist
    // starts at the redirect_uri.
    expect(view.hints[0]).toBe('redirect-uri-differs');
    expect(view.hints).not.toContain('error-code-not-observed');
    for (const link of view.citationLinks) {
      expect(link.href).toMatch(/^https:\/\//);
      expect(link.rel).toBe('noreferrer noopener');
      expect(link.target).toBe('_blank');
    }

    // A click on the token step opens its request: the code in the body is masked.
    await panel.click('#flow-detail [data-step-kind="token"] button');
    await panel.waitForSelector('[data-section="exchange"]');
    const exchange = await panel.evaluate(() => document.querySelector('[data-section="exchange"]')!.textContent ?? '');
    expect(exchange).toContain('redirect_uri');
    expect(exchange).toMatch(/‹redacted code, \d+ chars›/);

    // The JSON export: the CLI's schema, redacted.
    await panel.click('[data-export="json"]');
    const json = await panel.evaluate(async () => {
      const blobs = (window as unknown as { exportedBlobs: Blob[] }).exportedBlobs;
      return blobs.at(-1)!.text();
    });
    const report = JSON.parse(json) as {
      format: string;
      redacted: boolean;
      inputs: { flows: { findings: { ruleId: string }[]; steps: { url: string }[] }[] }[];
    };
    expect(report.format).toBe('oauth-lens-audit');
    expect(report.redacted).toBe(true);
    const flow = report.inputs[0]!.flows[0]!;
    expect(flow.findings.map((f) => f.ruleId)).toContain('redirect-uri-token-mismatch');
    const callbackUrl = flow.steps.map((st) => st.url).find((u) => u.includes('code='))!;
    expect(callbackUrl).toMatch(/[?&]code=‹redacted code, \d+ chars›/);
    expect(json).not.toMatch(/[?&]code=(?!‹)/);
    await Promise.all([panel.close(), page.close()]);
  });

  it('shows the PKCE card with the verifier-whitespace near miss, the verifier masked until revealed', async () => {
    const { panel, page } = await runAndOpen('verifier-trailing-newline');
    const card = async () =>
      panel.evaluate(() => {
        const el = document.querySelector<HTMLElement>('[data-section="pkce"]')!;
        return {
          status: el.dataset.pkceStatus,
          nearMiss: el.querySelector<HTMLElement>('[data-near-miss]')?.dataset.nearMiss,
          verifier: el.querySelector('[data-field="verifier"] code')?.textContent ?? '',
          ruleIds: [...document.querySelectorAll<HTMLElement>('#flow-detail [data-rule-id]')].map((e) => e.dataset.ruleId),
        };
      });
    const before = await card();
    expect(before.status).toBe('mismatch');
    expect(before.nearMiss).toBe('verifier-whitespace');
    expect(before.verifier).toMatch(/^‹redacted code_verifier, 44 chars›$/);
    expect(before.ruleIds).toEqual(expect.arrayContaining(['pkce-challenge-mismatch', 'pkce-verifier-malformed']));
    await panel.click('#flow-detail [role="tab"][data-tab="pkce"]');
    await panel.click('[data-section="pkce"] [data-field="verifier"] button');
    const after = await card();
    // The trailing newline is the bug: it is shown, escaped, once revealed.
    expect(after.verifier).toMatch(/^[A-Za-z0-9_-]{43}\\n$/);
    await Promise.all([panel.close(), page.close()]);
  });

  it('renders hostile captured strings as inert text', async () => {
    const { panel, page } = await runAndOpen('hostile-error-response', '#flow-detail [data-rule-id="oauth-error-response"]');
    const rendered = await panel.evaluate(() => ({
      title: document.title,
      text: document.getElementById('app')!.textContent ?? '',
      injected: document.querySelectorAll('#app img, #app script, #app b, #app iframe').length,
      links: [...document.querySelectorAll<HTMLAnchorElement>('#app a')].map((a) => a.href),
    }));
    expect(rendered.title).toBe('OAuth Lens');
    expect(rendered.injected).toBe(0);
    expect(rendered.text).toContain('<img src=x onerror="document.title=\'pwned\'">');
    expect(rendered.text).toContain("javascript:document.title='pwned'");
    // Only the spec links and the rules' own pages are links: nothing captured becomes one.
    for (const href of rendered.links) {
      expect(href).toMatch(
        /^https:\/\/(www\.rfc-editor\.org\/|datatracker\.ietf\.org\/|openid\.net\/|github\.com\/oauth-lens\/oauth-lens\/blob\/main\/docs\/rules\/[a-z0-9-]+\.md$)/,
      );
    }
    await Promise.all([panel.close(), page.close()]);
  });

  it('filters, moves with the keyboard, shows all tabs on request, follows the dark theme, and clears', async () => {
    await freshStart(session);
    const first = await session.chromium.browser.newPage();
    await driveVariant(first, session.demo, variant('good'));
    const second = await session.chromium.browser.newPage();
    await driveVariant(second, session.demo, variant('redirect-uri-trailing-slash'));
    const tabId = await tabIdOf(session, second);
    const panel = await session.chromium.browser.newPage();
    await panel.goto(`chrome-extension://${session.chromium.extensionId}/src/devtools/panel.html?tab=${tabId}&theme=dark`);
    await panel.waitForSelector('#flow-list [data-flow-key]');
    const rows = () =>
      panel.$$eval('#flow-list [data-flow-key]', (els) =>
        els.map((e) => ({ verdict: (e as HTMLElement).dataset.verdict, selected: e.getAttribute('aria-selected') })),
      );
    expect(await panel.evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
    expect(await rows()).toEqual([{ verdict: 'error', selected: 'true' }]);

    await panel.click('#all-tabs');
    await panel.waitForFunction(() => document.querySelectorAll('#flow-list [data-flow-key]').length === 2);
    expect((await rows()).map((r) => r.verdict)).toEqual(['error', 'pass']);
    await panel.focus('#flow-list');
    await panel.keyboard.press('ArrowDown');
    await panel.waitForFunction(() => document.querySelector('#flow-detail')?.getAttribute('data-verdict') === 'pass');
    await panel.keyboard.press('ArrowUp');
    await panel.waitForFunction(() => document.querySelector('#flow-detail')?.getAttribute('data-verdict') === 'error');
    await panel.keyboard.press('Enter');
    expect(await panel.evaluate(() => document.activeElement?.closest('#flow-detail') !== null)).toBe(true);

    await panel.type('#search', 'redirect-uri-token');
    await panel.waitForFunction(() => document.querySelectorAll('#flow-list [data-flow-key]').length === 1);
    expect((await rows()).map((r) => r.verdict)).toEqual(['error']);

    // Pause and resume go through the worker: the button follows the worker's snapshot.
    await panel.click('#pause');
    await panel.waitForSelector('#pause[aria-pressed="true"]');
    await panel.click('#pause');
    await panel.waitForSelector('#pause[aria-pressed="false"]');

    await panel.click('#clear');
    await panel.waitForSelector('#flow-list[data-empty="true"]');

    // An imported HAR is its own source, with response bodies: its tokens decode.
    await panel.$eval('#search', (input) => {
      (input as HTMLInputElement).value = '';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    const file = await panel.$('#import-har');
    await (file as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(
      fileURLToPath(new URL('../fixtures/demo/refresh.har', import.meta.url)),
    );
    await panel.waitForSelector('#flow-list [data-source="import"]');
    await panel.waitForSelector('#flow-detail [data-token="id_token"][data-token-kind="jwt"]');
    // Its JWKS was not fetched: the signature is said not observable, never passing (OIDC Core §3.1.3.7).
    expect(await panel.$eval('#flow-detail [data-token="id_token"] [data-field="signature"]', (el) => el.textContent)).toMatch(
      /^Signature: not observable \(/,
    );
    expect(await panel.$$eval('#flow-detail [data-step-kind="refresh"]', (els) => els.length)).toBe(2);
    await Promise.all([panel.close(), first.close(), second.close()]);
  });

  it('imports a big HAR in its worker: the first flows at once, then every flow; opens flows and exports all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oauth-lens-big-'));
    const path = join(dir, 'big.har');
    const text = twoFlowsAroundPadding();
    writeFileSync(path, text);
    const verifiers = [...text.matchAll(/code_verifier=([A-Za-z0-9._~-]{43,128})/g)].map((m) => m[1]!);
    const panel = await session.chromium.browser.newPage();
    try {
      await captureExports(panel);
      await panel.goto(`chrome-extension://${session.chromium.extensionId}/src/devtools/panel.html?tab=-1`);
      const input = (await panel.waitForSelector('#import-har')) as ElementHandle<HTMLInputElement>;
      await input.uploadFile(path);
      await panel.waitForFunction(
        () => document.getElementById('flow-list')?.dataset.count === '2' && !document.querySelector('[data-importing]'),
      );
      // The preview (the file's first sign-in) was on screen before the whole file.
      expect(
        await panel.evaluate(() =>
          ['preview', 'done', 'read', 'parse', 'analyse'].map((n) => performance.getEntriesByName(`oauth-lens:import-${n}`).length),
        ),
      ).toEqual([1, 1, 1, 1, 1]);
      // The newest flow (the refresh) is open; the other one opens from the worker on a click.
      await panel.waitForSelector('#flow-detail [data-step-kind="refresh"]');
      const other = await panel.$$eval('#flow-list [data-flow-key]', (els) => els.map((el) => (el as HTMLElement).dataset.flowKey!));
      await panel.click(`#flow-list [data-flow-key="${other[1]}"]`);
      await panel.waitForSelector(`#flow-detail[data-flow-key="${other[1]}"] [data-step-kind="token"]`);
      expect(await panel.$eval('#flow-detail [data-section="pkce"]', (el) => el.getAttribute('data-pkce-status'))).toBe('match');
      // Export all asks the worker for the import's report: redacted, every flow in.
      await panel.click('#export-all');
      await panel.waitForFunction(() => (window as unknown as { exportedBlobs: Blob[] }).exportedBlobs.length === 1);
      const report = JSON.parse(
        await panel.evaluate(() => (window as unknown as { exportedBlobs: Blob[] }).exportedBlobs[0]!.text()),
      ) as AuditReport;
      const imported = report.inputs.find((i) => i.file === 'big.har')!;
      expect(imported.flows).toHaveLength(2);
      expect(report.redacted).toBe(true);
      expect(verifiers).toHaveLength(2);
      for (const verifier of verifiers) expect(JSON.stringify(report)).not.toContain(verifier);
    } finally {
      await panel.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
