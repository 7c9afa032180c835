/**
 * The panel's layout at the widths DevTools gives it (issue 11): the built panel page opened as a tab (its inline
 * shell) at 420, 800 and 1280 px, with a live flow and an imported multi-step HAR. Nothing scrolls sideways, the
 * open flow's detail at 420 px is at most 2.5× as tall as at 1280 px, the keyboard and the filters work.
 * Screenshots (light and dark, each width) go to test-artifacts/panel/ for a person to look at.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ElementHandle, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveVariant } from '../../demo/drive.ts';
import { variants } from '../../demo/variants.ts';
import { freshStart, startSession, tabIdOf, type Session } from './support/session.ts';

const WIDTHS = [420, 800, 1280] as const;
const HEIGHT = 800;
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/panel/', import.meta.url));
const HAR = fileURLToPath(new URL('../fixtures/demo/refresh.har', import.meta.url));
const TABS = ['timeline', 'parameters', 'pkce', 'tokens', 'findings', 'raw'] as const;

interface Measure {
  /** The document and the detail pane: content width over visible width (≤ 1: no sideways scroll). */
  documentOverflow: number;
  detailOverflow: number;
  /** The open flow's detail (#flow-detail) with the default tab, and with each tab in turn. */
  defaultHeight: number;
  tabHeights: Record<string, number>;
  layout: string;
}

describe('the panel at 420, 800 and 1280 px', () => {
  let session: Session;
  let tabId: number;
  let liveTab: Page;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    session = await startSession();
    await freshStart(session);
    liveTab = await session.chromium.browser.newPage();
    await driveVariant(liveTab, session.demo, variants.find((v) => v.id === 'redirect-uri-trailing-slash')!);
    tabId = await tabIdOf(session, liveTab);
  });
  afterAll(async () => {
    await liveTab?.close();
    await session?.close();
  });

  /** The panel at `width`, the live flow listed and the HAR imported (its newest flow open). */
  async function openPanel(width: number, theme: 'light' | 'dark'): Promise<Page> {
    const panel = await session.chromium.browser.newPage();
    await panel.setViewport({ width, height: HEIGHT });
    await panel.goto(
      `chrome-extension://${session.chromium.extensionId}/src/devtools/panel.html?tab=${tabId}${theme === 'dark' ? '&theme=dark' : ''}`,
    );
    // Each width starts from the default split (a previous test may have resized it).
    await panel.evaluate(() => localStorage.clear());
    await panel.reload();
    await panel.waitForSelector('#flow-list [data-source="live"]');
    const input = (await panel.$('#import-har')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(HAR);
    await panel.waitForSelector('#flow-detail[data-flow-key^="import-"] [data-step-kind="refresh"]');
    await panel.waitForFunction(() => !document.querySelector('[data-importing]'));
    return panel;
  }

  async function showTab(panel: Page, tab: string): Promise<void> {
    await panel.click(`#flow-detail [role="tab"][data-tab="${tab}"]`);
    await panel.waitForSelector(`#flow-detail [role="tabpanel"][data-tabpanel="${tab}"]:not([hidden])`);
  }

  async function measure(panel: Page): Promise<Measure> {
    const read = () =>
      panel.evaluate(() => {
        const doc = document.documentElement;
        const pane = document.querySelector<HTMLElement>('.detail-pane')!;
        return {
          documentOverflow: doc.scrollWidth / doc.clientWidth,
          detailOverflow: pane.scrollWidth / pane.clientWidth,
          height: document.querySelector<HTMLElement>('#flow-detail')!.scrollHeight,
          layout: document.querySelector<HTMLElement>('.split')!.dataset.layout!,
        };
      });
    const first = await read();
    const tabHeights: Record<string, number> = {};
    let { documentOverflow, detailOverflow } = first;
    for (const tab of TABS) {
      await showTab(panel, tab);
      const seen = await read();
      tabHeights[tab] = seen.height;
      documentOverflow = Math.max(documentOverflow, seen.documentOverflow);
      detailOverflow = Math.max(detailOverflow, seen.detailOverflow);
    }
    await showTab(panel, 'timeline');
    return { documentOverflow, detailOverflow, defaultHeight: first.height, tabHeights, layout: first.layout };
  }

  it('never scrolls sideways, keeps the detail compact when narrow, and saves screenshots', async () => {
    const measures: Record<number, { imported: Measure; live: Measure }> = {};
    for (const width of WIDTHS) {
      for (const theme of ['light', 'dark'] as const) {
        const panel = await openPanel(width, theme);
        try {
          await panel.screenshot({ path: `${ARTIFACTS}${width}-${theme}.png` });
          const imported = await measure(panel);
          await panel.click('#flow-list [data-source="live"]');
          await panel.waitForSelector('#flow-detail:not([data-flow-key^="import-"]) [data-step-kind="token"]');
          await panel.screenshot({ path: `${ARTIFACTS}${width}-${theme}-live.png` });
          const live = await measure(panel);
          await showTab(panel, 'findings');
          await panel.screenshot({ path: `${ARTIFACTS}${width}-${theme}-findings.png` });
          // The chosen tab's content is on screen, not below a long summary.
          const findingsShown = await panel.evaluate(() => {
            const pane = document.querySelector<HTMLElement>('.detail-pane')!.getBoundingClientRect();
            const findings = document.querySelector<HTMLElement>('#tabpanel-findings')!.getBoundingClientRect();
            return findings.top < pane.bottom - 100;
          });
          expect(findingsShown, `${width} px ${theme}: the Findings tab's content is below the fold`).toBe(true);
          for (const m of [imported, live]) {
            expect(m.documentOverflow, `${width} px ${theme}: the document scrolls sideways`).toBeLessThanOrEqual(1);
            expect(m.detailOverflow, `${width} px ${theme}: the detail scrolls sideways`).toBeLessThanOrEqual(1);
          }
          if (theme === 'light') measures[width] = { imported, live };
        } finally {
          await panel.close();
        }
      }
    }
    expect(measures[420]!.imported.layout).toBe('stacked');
    expect(measures[800]!.imported.layout).toBe('side-by-side');
    const total = (m: Measure) => Object.values(m.tabHeights).reduce((a, b) => a + b, 0);
    const report: string[] = [];
    for (const flow of ['imported', 'live'] as const) {
      const narrow = measures[420]![flow];
      const wide = measures[1280]![flow];
      report.push(
        `${flow}: default tab ${WIDTHS.map((w) => `${w} px ${measures[w]![flow].defaultHeight}`).join(', ')} (420/1280 ${(narrow.defaultHeight / wide.defaultHeight).toFixed(2)}×); ` +
          `every tab ${WIDTHS.map((w) => `${w} px ${total(measures[w]![flow])}`).join(', ')} (${(total(narrow) / total(wide)).toFixed(2)}×)`,
      );
      expect(narrow.defaultHeight / wide.defaultHeight).toBeLessThanOrEqual(2.5);
      expect(total(narrow) / total(wide)).toBeLessThanOrEqual(2.5);
    }
    console.log(`detail heights (px):\n${report.join('\n')}`);
  });

  it('moves with ↑/↓, opens with Enter, goes back with Esc, focuses the filter with /, switches tabs with the arrows', async () => {
    const panel = await openPanel(800, 'light');
    try {
      const focused = () =>
        panel.evaluate(() => ({
          id: document.activeElement?.id ?? '',
          inDetail: document.activeElement?.closest('#flow-detail') !== null,
          tab: document.activeElement?.getAttribute('data-tab') ?? '',
        }));
      const openKey = () => panel.$eval('#flow-detail', (el) => (el as HTMLElement).dataset.flowKey!);
      const keys = await panel.$$eval('#flow-list [data-flow-key]', (els) => els.map((e) => (e as HTMLElement).dataset.flowKey!));
      expect(keys).toHaveLength(2);
      await panel.focus('#flow-list');
      await panel.keyboard.press('ArrowDown');
      await panel.waitForFunction((k) => document.querySelector<HTMLElement>('#flow-detail')?.dataset.flowKey === k, {}, keys[1]);
      await panel.keyboard.press('ArrowUp');
      await panel.waitForFunction((k) => document.querySelector<HTMLElement>('#flow-detail')?.dataset.flowKey === k, {}, keys[0]);
      expect(await openKey()).toBe(keys[0]);
      await panel.keyboard.press('Enter');
      expect((await focused()).inDetail).toBe(true);
      await panel.keyboard.press('Escape');
      expect((await focused()).id).toBe('flow-list');
      await panel.keyboard.press('/');
      expect((await focused()).id).toBe('search');
      // Typed into the filter, `/` is text.
      await panel.keyboard.type('a/b');
      expect(await panel.$eval('#search', (el) => (el as HTMLInputElement).value)).toBe('a/b');
      await panel.$eval('#search', (input) => {
        (input as HTMLInputElement).value = '';
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });

      // Tabs: the arrow keys move between them and show each (WAI-ARIA tabs, automatic activation).
      await panel.focus('#flow-detail [role="tab"][aria-selected="true"]');
      expect((await focused()).tab).toBe('timeline');
      await panel.keyboard.press('ArrowRight');
      expect((await focused()).tab).toBe('parameters');
      expect(await panel.$eval('#tabpanel-parameters', (el) => (el as HTMLElement).hidden)).toBe(false);
      expect(await panel.$eval('#tabpanel-timeline', (el) => (el as HTMLElement).hidden)).toBe(true);
      await panel.keyboard.press('ArrowLeft');
      await panel.keyboard.press('ArrowLeft');
      expect((await focused()).tab).toBe('raw');
      expect(await panel.$$eval('#tabpanel-raw [data-section="exchange"]', (els) => els.length)).toBeGreaterThan(1);
      await panel.keyboard.press('Home');
      expect((await focused()).tab).toBe('timeline');

      // The splitter: keyboard-resizable, its width remembered across a reload.
      const splitter = '.split > [role="separator"]';
      const before = Number(await panel.$eval(splitter, (el) => el.getAttribute('aria-valuenow')));
      await panel.focus(splitter);
      await panel.keyboard.press('ArrowRight');
      await panel.keyboard.press('ArrowRight');
      const after = Number(await panel.$eval(splitter, (el) => el.getAttribute('aria-valuenow')));
      expect(after).toBe(before + 32);
      expect(await panel.$eval('.list-pane', (el) => (el as HTMLElement).getBoundingClientRect().width)).toBeCloseTo(after, 0);
      await panel.reload();
      await panel.waitForSelector('#flow-list');
      expect(Number(await panel.$eval(splitter, (el) => el.getAttribute('aria-valuenow')))).toBe(after);
    } finally {
      await panel.close();
    }
  });

  it('filters by verdict and by rule', async () => {
    const panel = await openPanel(1280, 'light');
    try {
      const listed = () =>
        panel.$$eval('#flow-list [data-flow-key]', (els) =>
          els.map((e) => `${(e as HTMLElement).dataset.source}:${(e as HTMLElement).dataset.verdict}`),
        );
      const all = await listed();
      expect(all).toHaveLength(2);
      expect(all).toContain('live:error');
      const verdict = async (filter: string, expected: string[]) => {
        await panel.click(`#verdict-filter [data-verdict-filter="${filter}"]`);
        await panel.waitForFunction(
          (n) =>
            document.querySelectorAll('#flow-list [data-flow-key]').length === n ||
            (n === 0 && document.querySelector('#flow-list[data-empty]')),
          {},
          expected.length,
        );
        expect((await listed()).sort()).toEqual(expected.sort());
      };
      await verdict('failing', ['live:error']);
      await verdict(
        'passing',
        all.filter((r) => r !== 'live:error' && !r.endsWith(':warning')),
      );
      await verdict('all', all);

      const options = await panel.$$eval('#rule-filter option', (els) => els.map((e) => (e as HTMLOptionElement).value));
      expect(options[0]).toBe('');
      expect(options).toContain('redirect-uri-token-mismatch');
      await panel.select('#rule-filter', 'redirect-uri-token-mismatch');
      await panel.waitForFunction(() => document.querySelectorAll('#flow-list [data-flow-key]').length === 1);
      expect(await listed()).toEqual(['live:error']);
      await panel.select('#rule-filter', '');
      await panel.waitForFunction(() => document.querySelectorAll('#flow-list [data-flow-key]').length === 2);
    } finally {
      await panel.close();
    }
  });
});
