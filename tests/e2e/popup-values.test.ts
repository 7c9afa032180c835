/**
 * Issue 11's values and popup, in real Chromium with the built extension:
 * - the popup after real demo sign-ins: a finding's rule id (a monospace chip) apart from its title, its
 *   citations and rule page as links that open a new tab without an opener, a recent flow that opens its detail
 *   and a way back; screenshots at the popup's own width and at 800 px;
 * - the panel (inline shell) with HAR files imported through its own input: a 1 MB `state` opens without a long
 *   task over 200 ms (PerformanceObserver 'longtask' in the page), shown elided with its full length, "show all"
 *   lays it out (again without a long task over 200 ms), and a long URL is elided in the middle with the full
 *   value in its tooltip.
 * Screenshots go to test-artifacts/popup/ (not committed).
 *
 * A long task's wall time counts the time the machine gave other processes: five test runs on two cores stretch a
 * 50 ms task to 150 ms. So the main thread's CPU time per task is read from a trace too, and on a machine loaded
 * past two runnable processes a core, it is that CPU time that must stay under 200 ms (both are logged).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveVariant } from '../../demo/drive.ts';
import { variants } from '../../demo/variants.ts';
import { citationLinks } from '../../src/core/citations.ts';
import { ruleDocsUrl } from '../../src/core/rule-docs.ts';
import { rules } from '../../src/core/rules/index.ts';
import { bigState, goodHarWithState, ONE_MB } from '../panel/big-value-har.ts';
import { IMPORT_TIMEOUT, importAndOpen } from './support/panel-import.ts';
import { freshStart, startSession, tabIdOf, type Session } from './support/session.ts';

const ARTIFACTS = 'test-artifacts/popup/';
/** The longest main-thread task allowed while a 1 MB value opens or expands. */
const MAX_LONG_TASK_MS = 200;
/** Imports of a 6 MB HAR on a busy two-core machine: generous, never the point of the test. */

const variant = (id: string) => variants.find((v) => v.id === id)!;

describe('values and the popup', () => {
  let session: Session;
  let dir: string;
  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    dir = await mkdtemp(join(tmpdir(), 'oauth-lens-values-'));
    session = await startSession();
  });
  afterAll(async () => {
    await session?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the popup: rule id apart from its title, links to the spec and the rule page, a recent flow opens and goes back', async () => {
    await freshStart(session);
    const pages: Page[] = [];
    try {
      for (const id of ['good', 'no-state']) {
        const page = await session.chromium.browser.newPage();
        pages.push(page);
        await driveVariant(page, session.demo, variant(id), { timeoutMs: 60_000 });
      }
      const tabId = await tabIdOf(session, pages[1]!);
      const popup = await session.chromium.browser.newPage();
      try {
        await popup.setViewport({ width: 800, height: 600 });
        await popup.goto(`chrome-extension://${session.chromium.extensionId}/src/popup/index.html?tabId=${tabId}`);
        await popup.waitForSelector('#current-flow [data-rule-id="state-missing"]');
        await popup.waitForSelector('.recent [data-open-flow]');

        const finding = await popup.$eval('#current-flow [data-rule-id="state-missing"]', (li) => {
          const chip = li.querySelector<HTMLElement>('.finding-head .rule-id')!;
          const title = li.querySelector<HTMLElement>('.finding-head .finding-title')!;
          const links = [...li.querySelectorAll<HTMLAnchorElement>('a[href]')].map((a) => ({
            href: a.getAttribute('href'),
            target: a.target,
            rel: a.rel,
            text: a.textContent,
            docs: a.dataset.docs ?? null,
          }));
          return {
            chip: chip.textContent,
            chipFont: getComputedStyle(chip).fontFamily,
            chipBackground: getComputedStyle(chip).backgroundColor,
            title: title.textContent,
            titleFont: getComputedStyle(title).fontFamily,
            // Distinct boxes: the title starts after the chip ends (or on the next line), never inside it.
            apart:
              title.getBoundingClientRect().left >= chip.getBoundingClientRect().right ||
              title.getBoundingClientRect().top >= chip.getBoundingClientRect().bottom,
            links,
          };
        });
        const meta = rules.find((r) => r.meta.id === 'state-missing')!.meta;
        expect(finding.chip).toBe('state-missing');
        expect(finding.title).toBe(meta.title);
        expect(finding.chipFont).toMatch(/mono/);
        expect(finding.titleFont).not.toMatch(/mono/);
        expect(finding.chipBackground).not.toBe('rgba(0, 0, 0, 0)');
        expect(finding.apart).toBe(true);
        const expectedCitations = citationLinks(meta.citation).filter((l) => l.url);
        expect(expectedCitations.length).toBeGreaterThan(0);
        expect(finding.links.filter((l) => l.docs === null).map((l) => l.href)).toEqual(expectedCitations.map((l) => l.url));
        expect(finding.links.filter((l) => l.docs !== null).map((l) => l.href)).toEqual([ruleDocsUrl('state-missing')]);
        for (const link of finding.links) {
          expect(link.target).toBe('_blank');
          expect(link.rel.split(' ')).toContain('noopener');
        }

        // The popup's own width (its body is 420 to 560 px wide), and at 800 px.
        const width = await popup.evaluate(() => Math.ceil(document.body.getBoundingClientRect().width));
        await popup.setViewport({ width, height: 600 });
        await popup.screenshot({ path: `${ARTIFACTS}popup-${width}.png`, fullPage: true });
        await popup.setViewport({ width: 800, height: 600 });
        await popup.screenshot({ path: `${ARTIFACTS}popup-800.png`, fullPage: true });
        const overflowX = await popup.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflowX).toBeLessThanOrEqual(1);

        // A recent flow (the good sign-in of the other tab) opens its detail; Back returns.
        const recentId = await popup.$eval('.recent [data-open-flow]', (b) => (b as HTMLElement).dataset.openFlow!);
        await popup.click('.recent [data-open-flow]');
        await popup.waitForSelector('#opened-flow-card');
        const opened = await popup.evaluate(() => ({
          id: document.querySelector<HTMLElement>('#opened-flow-card')!.dataset.flowId,
          heading: document.querySelector('#opened-flow-card h2')?.textContent,
          fields: [...document.querySelectorAll('#opened-flow-card > dl > dt')].map((dt) => dt.textContent),
          current: document.querySelector('#current-flow') !== null,
          focused: document.activeElement?.id,
        }));
        expect(opened.id).toBe(recentId);
        expect(opened.heading).toContain('Recent flow');
        expect(opened.fields).toContain('Redirect URI');
        expect(opened.current).toBe(false);
        expect(opened.focused).toBe('back');
        await popup.screenshot({ path: `${ARTIFACTS}popup-800-recent-opened.png`, fullPage: true });

        // "Open in panel": the panel's page, in a tab, on that flow of its tab.
        const panelTarget = session.chromium.browser.waitForTarget((t) => t.url().includes('/src/devtools/panel.html?'));
        await popup.click('#open-in-panel');
        const panelPage = (await (await panelTarget).page())!;
        try {
          // On a timeout, the key the panel shows instead.
          const opened = await panelPage
            .waitForFunction(
              (key) => document.querySelector('#flow-detail')?.getAttribute('data-flow-key') === key,
              { timeout: 60_000 },
              `live/${recentId}`,
            )
            .then(
              () => `live/${recentId}`,
              () => panelPage.evaluate(() => document.querySelector('#flow-detail')?.getAttribute('data-flow-key') ?? 'no flow shown'),
            );
          expect(opened).toBe(`live/${recentId}`);
          expect(panelPage.url()).toContain(`flow=${encodeURIComponent(recentId)}`);
        } finally {
          await panelPage.close();
        }
        await popup.click('#back');
        await popup.waitForSelector('#current-flow [data-rule-id="state-missing"]');
        expect(await popup.$('#opened-flow-card')).toBeNull();
        expect(await popup.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.openFlow)).toBe(recentId);
      } finally {
        await popup.close();
      }
    } finally {
      for (const page of pages) await page.close();
    }
  });

  describe('the panel with long values (inline shell)', () => {
    let panel: Page;
    const files: Record<string, string> = {};
    /** A state of 400 characters: its authorization URL is long, not big. */
    const longState = bigState(400);

    beforeAll(async () => {
      for (const [name, text] of [
        ['huge-state.har', goodHarWithState(bigState(ONE_MB))],
        ['long-state.har', goodHarWithState(longState)],
      ] as const) {
        files[name] = join(dir, name);
        await writeFile(files[name], text);
      }
      panel = await session.chromium.browser.newPage();
      await panel.setViewport({ width: 1280, height: 900 });
      // Long tasks from the page's start, read back by the test (PerformanceObserver 'longtask').
      await panel.evaluateOnNewDocument(() => {
        const durations: number[] = [];
        (window as unknown as { longTasks: number[] }).longTasks = durations;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) durations.push(Math.round(entry.duration));
        }).observe({ type: 'longtask', buffered: true });
      });
      await panel.goto(`chrome-extension://${session.chromium.extensionId}/src/devtools/panel.html?tab=-1`);
      await panel.waitForSelector('#import-har');
    });
    afterAll(async () => panel?.close());

    const longTasks = () => panel.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.splice(0));

    /** Runs `act` traced: the page's long tasks (wall ms, PerformanceObserver) and its main thread's CPU ms per task. */
    async function measured(act: () => Promise<void>): Promise<{ wall: number[]; cpu: number[] }> {
      const path = join(dir, 'trace.json');
      await longTasks();
      await panel.tracing.start({ path, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
      await act();
      // Two frames, so that the layout and paint of what was drawn count too.
      await panel.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      await panel.tracing.stop();
      const wall = await longTasks();
      const { traceEvents } = JSON.parse(await readFile(path, 'utf8')) as {
        traceEvents: {
          name: string;
          pid: number;
          tid: number;
          dur?: number;
          tdur?: number;
          args?: { name?: string; data?: { frames?: { url: string; processId: number }[] } };
        }[];
      };
      const pid = traceEvents
        .find((e) => e.name === 'TracingStartedInBrowser')
        ?.args?.data?.frames?.find((f) => f.url.includes('/src/devtools/panel.html'))?.processId;
      const main = traceEvents.find((e) => e.name === 'thread_name' && e.pid === pid && e.args?.name === 'CrRendererMain')?.tid;
      const cpu = traceEvents
        .filter((e) => e.name === 'RunTask' && e.pid === pid && e.tid === main && (e.dur ?? 0) > 50_000)
        .map((e) => Math.round((e.tdur ?? 0) / 1000));
      return { wall, cpu };
    }

    /** No long task over 200 ms: by the clock, or by CPU time on a machine too loaded for the clock to say. */
    function expectNoLongTask({ wall, cpu }: { wall: number[]; cpu: number[] }): void {
      const load = loadavg()[0]! / cpus().length;
      console.log(
        `  long tasks (wall) ${JSON.stringify(wall)} ms; their CPU time ${JSON.stringify(cpu)} ms; load ${load.toFixed(1)} a core`,
      );
      expect(Math.max(0, ...cpu)).toBeLessThanOrEqual(MAX_LONG_TASK_MS);
      if (load <= 2) expect(Math.max(0, ...wall)).toBeLessThanOrEqual(MAX_LONG_TASK_MS);
    }

    it('a 1 MB state opens without a long task over 200 ms, elided with its length; "show all" lays it out, again without one', async () => {
      const started = Date.now();
      const opening = await measured(async () => {
        await importAndOpen(panel, files['huge-state.har']!, 'huge-state.har', '[data-param="state"] [data-long-value]');
        // Every long value masked (each in a task of its own).
        await panel.waitForFunction(() => !document.querySelector('#flow-detail [data-pending]'), { timeout: IMPORT_TIMEOUT });
      });
      console.log(`huge-state.har (1 MB state): import → detail ${Date.now() - started} ms`);
      expectNoLongTask(opening);

      const shown = await panel.evaluate(() => {
        const cell = document.querySelector('#flow-detail [data-param="state"] [data-column="authorize"] [data-long-value]')!;
        return {
          length: Number(cell.getAttribute('data-long-value')),
          head: cell.querySelector('[data-field="long-value-head"]')?.textContent?.length ?? 0,
          omitted: cell.querySelector('[data-field="long-value-omitted"]')?.textContent ?? '',
          expand: cell.querySelector('button[data-expand]')?.textContent ?? '',
          copy: cell.querySelector('button[data-copy-full]')?.textContent ?? '',
          appText: document.getElementById('app')!.textContent!.length,
          timelineUrl: document
            .querySelector('#flow-detail [data-step-kind="authorize"] [data-long-value]')
            ?.getAttribute('data-long-value'),
        };
      });
      expect(shown.length).toBe(ONE_MB);
      expect(shown.head).toBeLessThanOrEqual(256);
      expect(shown.omitted).toContain(`${(ONE_MB - shown.head).toLocaleString('en')} more characters`);
      expect(shown.expand).toBe('show all 1.0 MB');
      expect(shown.copy).toBe('copy');
      expect(Number(shown.timelineUrl)).toBeGreaterThan(ONE_MB);
      // Nothing on screen holds the megabyte: every view elides it.
      expect(shown.appText).toBeLessThan(100_000);
      await panel.screenshot({ path: `${ARTIFACTS}panel-1mb-state-timeline.png` });
      // The detail's sections are tabs (when they are): the parameters are shown.
      if (await panel.$('#flow-detail [data-tab="parameters"]')) await panel.click('#flow-detail [data-tab="parameters"]');
      await panel.screenshot({ path: `${ARTIFACTS}panel-1mb-state.png` });

      const expanding = await measured(async () => {
        await panel.click('#flow-detail [data-param="state"] [data-column="authorize"] button[data-expand]');
        await panel.waitForSelector('#flow-detail [data-param="state"] [data-column="authorize"] [data-field="long-value-full"]');
      });
      console.log('"show all" on the 1 MB state:');
      expectNoLongTask(expanding);
      const expanded = await panel.evaluate(() => {
        const full = document.querySelector<HTMLElement>(
          '#flow-detail [data-param="state"] [data-column="authorize"] [data-field="long-value-full"]',
        )!;
        const detail = document.querySelector<HTMLElement>('.detail-pane')!;
        return {
          length: full.textContent!.length,
          height: full.getBoundingClientRect().height,
          scrolls: full.scrollHeight > full.clientHeight,
          overflowX: detail.scrollWidth - detail.clientWidth,
          button: full.parentElement!.querySelector('button[data-expand]')!.textContent,
        };
      });
      expect(expanded.length).toBe(ONE_MB);
      expect(expanded.height).toBeLessThan(400);
      expect(expanded.scrolls).toBe(true);
      expect(expanded.overflowX).toBeLessThanOrEqual(1);
      expect(expanded.button).toBe('show less');
      await panel.screenshot({ path: `${ARTIFACTS}panel-1mb-state-expanded.png` });
      await panel.click('#flow-detail [data-param="state"] [data-column="authorize"] button[data-expand]');
      await panel.waitForSelector('#flow-detail [data-param="state"] [data-column="authorize"] [data-field="long-value-head"]');

      // The authorization request's exchange: its URL elided on one line, its start and its end in view.
      if (await panel.$('#flow-detail [data-tab="timeline"]')) await panel.click('#flow-detail [data-tab="timeline"]');
      await panel.click('#flow-detail [data-step-kind="authorize"] button');
      await panel.waitForSelector('[data-section="exchange"] h3 [data-field="long-value-head"]');
      const heading = await panel.$eval('[data-section="exchange"] h3', (h3) => ({
        head: h3.querySelector('[data-field="long-value-head"]')!.textContent!,
        tail: h3.querySelector('[data-field="long-value-tail"]')!.textContent!,
        height: h3.getBoundingClientRect().height,
      }));
      expect(heading.head.startsWith('http://127.0.0.1:')).toBe(true);
      expect(heading.tail.length).toBeGreaterThan(0);
      expect(heading.height).toBeLessThan(60);
      await panel.screenshot({ path: `${ARTIFACTS}panel-1mb-state-exchange.png` });

      // DevTools docked right: at 420 px nothing of it scrolls sideways.
      await panel.setViewport({ width: 420, height: 900 });
      if (await panel.$('#flow-detail [data-tab="parameters"]')) await panel.click('#flow-detail [data-tab="parameters"]');
      const narrow = await panel.evaluate(() => ({
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        detail: (() => {
          const pane = document.querySelector<HTMLElement>('.detail-pane')!;
          return pane.scrollWidth - pane.clientWidth;
        })(),
      }));
      await panel.screenshot({ path: `${ARTIFACTS}panel-1mb-state-420.png`, fullPage: true });
      await panel.setViewport({ width: 1280, height: 900 });
      expect(narrow).toEqual({ page: 0, detail: 0 });
    });

    it('a long URL is elided in the middle: scheme and host on the left, the end of the query on the right, the full value on hover', async () => {
      await importAndOpen(panel, files['long-state.har']!, 'long-state.har', '[data-section="timeline"] [data-step-kind="authorize"]');
      if (await panel.$('#flow-detail [data-tab="timeline"]')) await panel.click('#flow-detail [data-tab="timeline"]');
      const url = await panel.evaluate(() => {
        const value = document.querySelector<HTMLElement>('#flow-detail [data-step-kind="authorize"] [data-field="url"]')!;
        const head = value.querySelector<HTMLElement>('.url-head')!;
        const tail = value.querySelector<HTMLElement>('.url-tail')!;
        return {
          title: value.title,
          text: value.textContent,
          head: head.textContent!,
          tail: tail.textContent!,
          headElided: head.scrollWidth > head.clientWidth,
          ellipsis: getComputedStyle(head).textOverflow,
          tailShown:
            tail.getBoundingClientRect().right <= value.getBoundingClientRect().right + 1 && tail.getBoundingClientRect().width > 0,
        };
      });
      expect(url.title).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\?/);
      expect(url.title).toContain(longState);
      // The text is whole (a selection copies it whole); only the box elides it.
      expect(url.text).toBe(url.title);
      expect(url.head.startsWith('http://127.0.0.1')).toBe(true);
      expect(url.title.endsWith(url.tail)).toBe(true);
      expect(url.headElided).toBe(true);
      expect(url.ellipsis).toBe('ellipsis');
      expect(url.tailShown).toBe(true);

      // Opened, its exchange's heading copies it whole.
      await panel
        .browserContext()
        .overridePermissions(`chrome-extension://${session.chromium.extensionId}`, [
          'clipboard-read',
          'clipboard-write',
          'clipboard-sanitized-write',
        ]);
      await panel.click('#flow-detail [data-step-kind="authorize"] button');
      await panel.waitForSelector('[data-section="exchange"] h3 [data-field="url"]');
      await panel.click('[data-section="exchange"] h3 button[data-copy-full]');
      await panel.waitForFunction(
        () => document.querySelector('[data-section="exchange"] h3 button[data-copy-full]')?.textContent !== 'copy',
      );
      const copied = await panel.evaluate(async () => ({
        button: document.querySelector('[data-section="exchange"] h3 button[data-copy-full]')!.textContent,
        text: await navigator.clipboard.readText().catch(() => undefined),
      }));
      expect(copied.button).toBe('copied');
      if (copied.text !== undefined) expect(copied.text).toBe(url.title);
      await panel.screenshot({ path: `${ARTIFACTS}panel-long-url.png` });

      // "show whole": the URL on lines, nothing of it cut.
      const lineHeight = await panel.$eval('[data-section="exchange"] h3', (h3) => h3.getBoundingClientRect().height);
      await panel.click('[data-section="exchange"] h3 button[data-expand]');
      await panel.waitForSelector('[data-section="exchange"] h3 .url-value.wrapped');
      const whole = await panel.$eval('[data-section="exchange"] h3', (h3) => {
        const head = h3.querySelector<HTMLElement>('.url-head')!;
        const pane = document.querySelector<HTMLElement>('.detail-pane')!;
        return {
          cut: head.scrollWidth > head.clientWidth + 1,
          height: h3.getBoundingClientRect().height,
          overflowX: pane.scrollWidth - pane.clientWidth,
        };
      });
      expect(whole.cut).toBe(false);
      expect(whole.height).toBeGreaterThan(lineHeight * 2);
      expect(whole.overflowX).toBeLessThanOrEqual(1);
      await panel.screenshot({ path: `${ARTIFACTS}panel-long-url-whole.png` });
    });
  });
});
