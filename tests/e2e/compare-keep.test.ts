/**
 * Compare and Keep in the DevTools panel's inline shell, in real Chromium: two demo sign-ins of the same client
 * (a good one and one whose token request adds a trailing slash to the redirect_uri) compared side by side, the
 * failing one with the last passing one in one click, an imported HAR compared with a live flow; a flow kept
 * across a browser restart (same profile), redacted on disk, then compared with a new failing flow and removed.
 * Screenshots of the compare view at 420, 800 and 1280 px go to test-artifacts/compare/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ElementHandle, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveVariant } from '../../demo/drive.ts';
import { variants } from '../../demo/variants.ts';
import { KEPT_STORAGE_KEY } from '../../src/devtools/kept.ts';
import { freshStart, startSession, type Session } from './support/session.ts';

const variant = (id: string) => variants.find((v) => v.id === id)!;
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/compare/', import.meta.url));

describe('compare and keep (panel, inline shell)', () => {
  let session: Session;
  let profile: string;
  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), 'oauth-lens-keep-'));
    session = await startSession({ userDataDir: profile });
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await session?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  async function run(id: string): Promise<void> {
    const page = await session.chromium.browser.newPage();
    await driveVariant(page, session.demo, variant(id));
    await page.close();
  }

  /** The panel for every tab (no `?tab=`), once it lists `rows` flows. */
  async function openPanel(rows: number): Promise<Page> {
    const panel = await session.chromium.browser.newPage();
    await panel.setViewport({ width: 1280, height: 900 });
    await panel.goto(`chrome-extension://${session.chromium.extensionId}/src/devtools/panel.html`);
    await panel.waitForFunction((n) => document.querySelectorAll('#flow-list [data-flow-key]').length === n, {}, rows);
    return panel;
  }

  async function selectRow(panel: Page, selector: string): Promise<void> {
    await panel.click(`#flow-list ${selector}`);
    await panel.waitForFunction(
      (s) =>
        document.querySelector('#flow-detail')?.getAttribute('data-flow-key') ===
        document.querySelector(`#flow-list ${s}`)?.getAttribute('data-flow-key'),
      {},
      selector,
    );
  }

  /** What the compare view shows. */
  function readCompare(panel: Page) {
    return panel.evaluate(() => {
      const compare = document.querySelector<HTMLElement>('#compare')!;
      const row = (section: string, name: string) =>
        compare.querySelector<HTMLElement>(`[data-compare="${section}"] [data-field="${name}"]`);
      const redirect = row('parameters-token-request', 'redirect_uri');
      const side = (letter: string) => compare.querySelector<HTMLElement>(`.compare-side[data-side="${letter}"]`)!;
      return {
        differences: Number(compare.dataset.differences),
        sides: ['A', 'B'].map((l) => ({ verdict: side(l).dataset.verdict, text: side(l).textContent ?? '' })),
        tokenRedirect: redirect && {
          status: redirect.dataset.status,
          added: [...redirect.querySelectorAll('ins[data-diff="add"]')].map((e) => e.textContent),
          removed: [...redirect.querySelectorAll('del[data-diff="del"]')].map((e) => e.textContent),
        },
        challenge: row('parameters-authorization-request', 'code_challenge')?.dataset.status,
        findings: [...compare.querySelectorAll<HTMLElement>('[data-compare="findings"] [data-rule-id]')].map((e) => ({
          ruleId: e.dataset.ruleId,
          where: e.dataset.where,
        })),
        text: compare.textContent ?? '',
      };
    });
  }

  it('compares a failing flow with the last passing one of its client, and any two flows side by side', async () => {
    await freshStart(session);
    await run('good');
    await run('redirect-uri-trailing-slash');
    const panel = await openPanel(2);

    // The passing flow has nothing to compare with "last passing"; the failing one does.
    await selectRow(panel, '[data-verdict="pass"]');
    expect(await panel.$('#compare-last-passing')).toBeNull();
    await selectRow(panel, '[data-verdict="error"]');
    await panel.click('#compare-last-passing');
    await panel.waitForSelector('#compare .compare-side[data-side="B"]');
    const view = await readCompare(panel);
    expect(view.sides.map((s) => s.verdict)).toEqual(['pass', 'error']);
    expect(view.tokenRedirect).toEqual({ status: 'changed', added: ['/'], removed: [] });
    expect(view.findings).toContainEqual({ ruleId: 'redirect-uri-token-mismatch', where: 'only-b' });
    expect(view.findings.some((f) => f.where === 'only-a')).toBe(false);
    expect(view.differences).toBeGreaterThanOrEqual(2);
    // No secret shows: the codes are compared by length only, masked.
    expect(view.text).not.toMatch(/[?&]code=(?!‹)/);

    const heights: string[] = [];
    for (const width of [420, 800, 1280]) {
      await panel.setViewport({ width, height: 1000 });
      await panel.waitForFunction((w) => window.innerWidth === w, {}, width);
      // The split decides to stack on a resize observation: measure once it has laid out again.
      await panel.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const overflow = await panel.evaluate(() => ({
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        compare: (() => {
          const c = document.querySelector<HTMLElement>('#compare')!;
          return c.scrollWidth - c.clientWidth;
        })(),
        stacked: getComputedStyle(document.querySelector('.compare-sides')!).gridTemplateColumns.split(' ').length === 1,
        height: document.querySelector<HTMLElement>('#compare')!.scrollHeight,
        // What sticks out, to say in the failure.
        wide: [...document.querySelectorAll<HTMLElement>('body *')]
          .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
          .slice(0, 5)
          .map(
            (e) =>
              `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${[...e.classList].join('.')} ${Math.round(e.getBoundingClientRect().right)}`,
          ),
      }));
      await panel.screenshot({ path: join(ARTIFACTS, `compare-${width}.png`) });
      expect(overflow.page, `sideways scroll at ${width} px: ${overflow.wide.join(', ')}`).toBeLessThanOrEqual(0);
      expect(overflow.compare, `the compare view scrolls sideways at ${width} px`).toBeLessThanOrEqual(0);
      if (width === 420) expect(overflow.stacked).toBe(true);
      heights.push(`${width} px ${overflow.height}`);
    }
    console.log(`compare view height: ${heights.join(', ')}`);
    // DevTools' dark theme (theme.ts sets this class on the panel's root).
    await panel.evaluate(() => document.documentElement.classList.add('dark'));
    await panel.screenshot({ path: join(ARTIFACTS, 'compare-1280-dark.png') });
    await panel.evaluate(() => document.documentElement.classList.remove('dark'));
    await panel.setViewport({ width: 1280, height: 900 });

    // Back to the flow, then any flow against an imported one: the legacy client of no-pkce.har sends no challenge.
    await panel.click('#compare-close');
    await panel.waitForSelector('#flow-detail');
    // Shift+click in the list compares the row with the open flow.
    await panel.keyboard.down('Shift');
    await panel.click('#flow-list [data-verdict="pass"]');
    await panel.keyboard.up('Shift');
    await panel.waitForSelector('#compare .compare-side[data-side="B"]');
    expect((await readCompare(panel)).tokenRedirect).toMatchObject({ status: 'changed', added: ['/'] });
    await panel.keyboard.press('Escape');
    await panel.waitForSelector('#flow-detail');
    const file = (await panel.$('#import-har')) as ElementHandle<HTMLInputElement>;
    await file.uploadFile(fileURLToPath(new URL('../fixtures/demo/no-pkce.har', import.meta.url)));
    await panel.waitForFunction(() => document.querySelectorAll('#flow-list [data-source="import"]').length > 0);
    await selectRow(panel, '[data-source="live"][data-verdict="pass"]');
    const legacy = await panel.evaluate(
      () =>
        [...document.querySelectorAll<HTMLOptionElement>('#compare-with option')].find((o) => /legacy.*no-pkce\.har/.test(o.text))?.value,
    );
    expect(legacy).toBeTruthy();
    await panel.select('#compare-with', legacy!);
    await panel.waitForSelector('#compare .compare-side[data-side="B"]');
    const imported = await readCompare(panel);
    // The recording is older than the live sign-in: it is A.
    expect(imported.sides[0]!.text).toContain('no-pkce.har');
    expect(imported.challenge).toBe('only-b');
    expect(imported.findings).toContainEqual({ ruleId: 'pkce-missing', where: 'only-a' });
    await panel.close();
  });

  it('keeps a flow redacted across a browser restart, compares a new failing flow with it, and removes it', async () => {
    await freshStart(session);
    await run('good');
    const panel = await openPanel(1);
    await selectRow(panel, '[data-verdict="pass"]');
    await panel.click('#keep');
    await panel.waitForFunction(() => document.querySelector('[data-field="kept-count"]')?.textContent === '1');
    expect(await panel.$('#keep')).toBeNull();

    // The capture's secrets (in storage.session) never reach storage.local.
    const worker = await session.worker();
    const captured = await worker.evaluate(async () => JSON.stringify(await chrome.storage.session.get(null)));
    const secrets = [
      ...[...captured.matchAll(/[?&]code=([\w-]{16,})/g)].map((m) => m[1]!),
      ...[...captured.matchAll(/code_verifier=([\w.~-]{43,128})/g)].map((m) => m[1]!),
    ];
    expect(secrets.length).toBeGreaterThanOrEqual(2);
    // Tokens, when a response body was captured (the page reports it in Chrome): the JSON members, escaped once more.
    secrets.push(...[...captured.matchAll(/(?:access|id|refresh)_token\\*":\s*\\*"([\w.~+/=-]{16,})/g)].map((m) => m[1]!));
    const stored = await panel.evaluate(async () => JSON.stringify(await chrome.storage.local.get(null)));
    expect(stored).toContain(KEPT_STORAGE_KEY);
    expect(stored).toMatch(/‹redacted code, \d+ chars, value \d+›/);
    for (const secret of new Set(secrets)) expect(stored).not.toContain(secret);

    // Clear forgets the capture, not the kept flow.
    await panel.click('#clear');
    await panel.waitForFunction(() => document.querySelectorAll('#flow-list [data-source="live"]').length === 0);
    expect(await panel.$eval('[data-field="kept-count"]', (e) => e.textContent)).toBe('1');
    await panel.close();

    await session.restartBrowser();
    await run('redirect-uri-trailing-slash');
    const after = await openPanel(2);
    expect(await after.$eval('[data-field="kept-count"]', (e) => e.textContent)).toBe('1');
    await selectRow(after, '[data-source="live"][data-verdict="error"]');
    await after.click('[data-section="kept"] summary');
    await after.setViewport({ width: 420, height: 1000 });
    await after.screenshot({ path: join(ARTIFACTS, 'kept-and-actions-420.png') });
    await after.setViewport({ width: 1280, height: 900 });
    await after.click('#compare-last-passing');
    await after.waitForSelector('#compare .compare-side[data-side="B"]');
    const view = await readCompare(after);
    expect(view.sides[0]!.text).toContain('kept');
    expect(view.sides.map((s) => s.verdict)).toEqual(['pass', 'error']);
    expect(view.tokenRedirect).toMatchObject({ status: 'changed', added: ['/'] });
    expect(view.findings).toContainEqual({ ruleId: 'redirect-uri-token-mismatch', where: 'only-b' });
    // The kept flow's verifier was redacted: its check is not comparable, not a difference.
    expect(await after.$eval('[data-compare="pkce"] [data-field="verifier check"]', (e) => (e as HTMLElement).dataset.status)).toBe(
      'unobservable',
    );
    // Every row on request, the identical ones too.
    const rows = () => after.evaluate(() => document.querySelectorAll('#compare .compare-row').length);
    const differing = await rows();
    await after.click('#compare-show-same');
    await after.waitForFunction((n) => document.querySelectorAll('#compare .compare-row').length > n, {}, differing);
    expect(await after.$('[data-compare="endpoints"] [data-field="token endpoint"][data-status="same"]')).not.toBeNull();
    await after.click('#compare-close');

    await after.click('#kept-remove-all');
    await after.waitForFunction(() => document.querySelectorAll('#flow-list [data-source="kept"]').length === 0);
    expect(await after.evaluate(async (key) => Object.keys(await chrome.storage.local.get(key)), KEPT_STORAGE_KEY)).toEqual([]);
    await after.close();
  });
});
