/**
 * Panel section: the DevTools panel with thousands of flows.
 *
 * Goals: with 10,000 flows, under 200 ms from the HAR import to the list's first rows, and under 50 ms from a
 * click on a row to the flow's detail. Measured in the built panel page (dist/, a private copy) opened in
 * Debian's Chromium as its inline shell (`panel.html?tab=-1`: no tab of that id, so only the import shows),
 * through the panel's own HAR import (the file input, puppeteer `uploadFile`), times taken in the page:
 *
 * (a) import: the input's `change` event → the first import rows in the DOM (MutationObserver: the preview of
 *     the file's first entries), and → all rows listed with the import finished; the import worker's phases
 *     (read, parse, analysis: User Timing measures) and the main thread's long tasks meanwhile (how long the
 *     panel froze). Each round in a fresh page.
 * (b) open: a real click (CDP input) on a row, at ~10 places spread over the list (scrolled there first) →
 *     `#flow-detail[data-flow-key=<that row>]` in the DOM; median.
 *
 * Input: bench/panel/generate.ts (tests/fixtures/demo/good.har's sign-in cloned with fresh values), cached in
 * `.bench/`. `--quick`: 2,000 flows. Knobs: BENCH_PANEL_FLOWS, BENCH_PANEL_CLICKS (default 10).
 */
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer';
import { ensureExtensionBuilt, launchExtension } from '../lib/extension.ts';
import { median, minMax, ms, ratio } from '../lib/stats.ts';
import type { BenchContext, BenchSection, SectionResult, SummaryRow } from '../lib/types.ts';
import { ensurePanelHar } from './generate.ts';

const FIRST_RENDER_GOAL_MS = 200;
const OPEN_GOAL_MS = 50;

interface ImportTiming {
  /** change event → the first import rows in the DOM (the preview of the file's first entries). */
  firstRows: number;
  /** Rows listed at that moment. */
  firstRowCount: number;
  /** change event → the frame after the first rows. */
  frame: number;
  /** change event → every flow listed and the import finished. */
  allRows: number;
  /** The import worker's phases (User Timing measures). */
  read: number;
  parse: number;
  analysis: number;
  /** The longest main-thread task from the change event to all rows (the panel's worst freeze). */
  longestTask: number;
  /** All main-thread long tasks (> 50 ms) in that span. */
  longTasks: number;
  /** change event → the store's User Timing marks: import started, preview adopted, whole file adopted. */
  marks: { start: number; preview: number; done: number };
  rows: number;
  domRows: number;
}

interface Bench {
  change?: number;
  firstRow?: number;
  firstRowCount?: number;
  frame?: number;
  allRows?: number;
  tasks: { start: number; duration: number }[];
  clickAt?: number;
  openKey?: string;
  opened?: number;
  openFrame?: number;
}

export const panelSection: BenchSection = {
  id: 'panel',
  title: 'DevTools panel: import and open with thousands of flows',
  async run(context: BenchContext): Promise<SectionResult> {
    const { options, log } = context;
    const flows = Number(process.env.BENCH_PANEL_FLOWS ?? (options.quick ? 2_000 : 10_000));
    const clicks = Number(process.env.BENCH_PANEL_CLICKS ?? 10);
    const rounds = Math.max(1, Math.min(options.rounds, flows > 5_000 ? 3 : 5));
    const har = ensurePanelHar(context.workDir, flows);
    const file = resolve(har.path);
    log(
      `input: ${file} — ${flows.toLocaleString('en')} flows, ${har.entries.toLocaleString('en')} entries, ${(har.bytes / 1e6).toFixed(0)} MB${har.reused ? ', reused' : `, generated in ${ms(har.generatedMs ?? 0)}`}`,
    );

    const built = await ensureExtensionBuilt(context);
    const notes: string[] = built.note ? [`panel: ${built.note}`] : [];
    const chromium = await launchExtension(context);
    const loads = [loadavg()[0]!];
    const imports: ImportTiming[] = [];
    const opens: number[] = [];
    const openFrames: number[] = [];
    try {
      const url = `chrome-extension://${chromium.extensionId}/src/devtools/panel.html?tab=-1`;
      for (let round = 0; round < rounds; round++) {
        const page = await chromium.browser.newPage();
        await page.setViewport({ width: 1280, height: 800 });
        // tsx (esbuild keepNames) wraps named functions in the page functions below in `__name(…)`.
        await page.evaluateOnNewDocument('globalThis.__name = (fn) => fn;');
        await page.goto(url);
        await page.waitForSelector('#flow-list[data-empty="true"]');
        const timing = await importOnce(page, file, flows);
        imports.push(timing);
        log(
          `  round ${round + 1}/${rounds}: first rows ${ms(timing.firstRows)} (${timing.firstRowCount} flows; next frame ${ms(timing.frame)}); all ${timing.rows.toLocaleString('en')} rows ${ms(timing.allRows)} (worker: read ${ms(timing.read)}, parse ${ms(timing.parse)}, analysis ${ms(timing.analysis)}); main thread: longest task ${ms(timing.longestTask)}, ${ms(timing.longTasks)} in long tasks; marks: start ${ms(timing.marks.start)}, preview ${ms(timing.marks.preview)}, done ${ms(timing.marks.done)}; ${timing.domRows} rows in the DOM`,
        );
        // Opening flows: in the last round's page (every round's page is the same panel state).
        if (round === rounds - 1) {
          for (let i = 0; i < clicks; i++) {
            const at = Math.floor(((i + 0.5) / clicks) * timing.rows);
            const { key, opened, frame } = await openRowAt(page, at);
            opens.push(opened);
            openFrames.push(frame);
            log(`  open row ${at.toLocaleString('en')} (${key}): detail in ${ms(opened)}, next frame ${ms(frame)}`);
          }
        }
        await page.close();
        loads.push(loadavg()[0]!);
      }
    } finally {
      await chromium.close();
    }

    const first = median(imports.map((t) => t.firstRows));
    const analysis = median(imports.map((t) => t.analysis));
    const open = median(opens);
    const [fMin, fMax] = minMax(imports.map((t) => t.firstRows));
    const [oMin, oMax] = minMax(opens);
    const load = Math.max(...loads);
    const cores = availableParallelism();
    const busy = load > cores * 0.75;
    if (busy) notes.push(`panel: load average ${load.toFixed(1)} on ${cores} cores during the runs; wall times are noisy.`);
    const part = (name: Exclude<keyof ImportTiming, 'marks'>) => ms(median(imports.map((t) => t[name])));
    const all = median(imports.map((t) => t.allRows));
    log(
      `import → first rows: median ${ms(first)} [${ms(fMin)}–${ms(fMax)}] over ${imports.length}, ${ratio(first / FIRST_RENDER_GOAL_MS)} the ${FIRST_RENDER_GOAL_MS} ms goal; all rows ${ms(all)}, analysis alone ${ms(analysis)}`,
    );
    log(
      `click → detail: median ${ms(open)} [${ms(oMin)}–${ms(oMax)}] over ${opens.length}, ${ratio(open / OPEN_GOAL_MS)} the ${OPEN_GOAL_MS} ms goal; next frame ${ms(median(openFrames))}`,
    );
    log(`load average ${load.toFixed(1)} on ${cores} cores`);

    const n = flows.toLocaleString('en');
    const rows: SummaryRow[] = [
      {
        metric: 'input HAR',
        value: `${n} flows, ${har.entries.toLocaleString('en')} entries, ${(har.bytes / 1e6).toFixed(0)} MB`,
        status: 'info',
      },
      {
        metric: `import → first rows, ${n} flows (median of ${imports.length})`,
        value: `${ms(first)} (${ratio(first / FIRST_RENDER_GOAL_MS)} goal)`,
        goal: `< ${FIRST_RENDER_GOAL_MS} ms`,
        status: first < FIRST_RENDER_GOAL_MS ? 'pass' : 'FAIL',
      },
      { metric: 'flows in the first rows (the preview)', value: `${median(imports.map((t) => t.firstRowCount))}`, status: 'info' },
      {
        metric: `import → all ${n} rows (median)`,
        value: `${ms(all)}: worker read ${part('read')}, parse ${part('parse')}, analysis ${part('analysis')}`,
        status: 'info',
      },
      {
        metric: 'main thread during the import (medians)',
        value: `longest task ${part('longestTask')}, ${part('longTasks')} in long tasks`,
        status: 'info',
      },
      {
        metric: 'rows in the DOM / listed',
        value: `${imports.at(-1)!.domRows} / ${imports.at(-1)!.rows.toLocaleString('en')}`,
        status: 'info',
      },
      {
        metric: `click → detail (median of ${opens.length})`,
        value: `${ms(open)} (${ratio(open / OPEN_GOAL_MS)} goal), next frame ${ms(median(openFrames))}`,
        goal: `< ${OPEN_GOAL_MS} ms`,
        status: open < OPEN_GOAL_MS ? 'pass' : 'FAIL',
      },
      { metric: 'load average during runs', value: `${load.toFixed(1)} on ${cores} cores`, status: busy ? 'n/a' : 'info' },
    ];
    return { rows, notes };
  },
};

/** Imports the HAR through the panel's file input; the times, taken in the page. */
async function importOnce(page: Page, file: string, flows: number): Promise<ImportTiming> {
  await page.evaluate((expected) => {
    const bench: Bench = { tasks: [] };
    (window as unknown as { bench: Bench }).bench = bench;
    // Capture phase: before the input's own listener starts the import.
    document.addEventListener(
      'change',
      (e) => {
        if ((e.target as HTMLElement).id === 'import-har') bench.change = performance.now();
      },
      true,
    );
    new PerformanceObserver((list) => {
      for (const task of list.getEntries()) bench.tasks.push({ start: task.startTime, duration: task.duration });
    }).observe({ type: 'longtask' });
    const rows = () => Number(document.getElementById('flow-list')?.dataset.count ?? 0);
    const observer = new MutationObserver(() => {
      if (bench.firstRow === undefined && document.querySelector('#flow-list [data-source="import"]')) {
        bench.firstRow = performance.now();
        bench.firstRowCount = rows();
        requestAnimationFrame(() =>
          setTimeout(() => {
            bench.frame = performance.now();
          }),
        );
      }
      if (bench.allRows === undefined && rows() === expected && !document.querySelector('[data-importing]')) {
        bench.allRows = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document.getElementById('app')!, { childList: true, subtree: true, attributes: true });
  }, flows);
  const input = (await page.$('#import-har')) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(file);
  await page.waitForFunction(
    () => {
      const bench = (window as unknown as { bench: Bench }).bench;
      return bench.frame !== undefined && bench.allRows !== undefined;
    },
    { timeout: 600_000, polling: 100 },
  );
  return page.evaluate(() => {
    const bench = (window as unknown as { bench: Bench }).bench;
    const measured = (name: string) => performance.getEntriesByName(`oauth-lens:import-${name}`).at(-1)?.duration ?? Number.NaN;
    const marked = (name: string) =>
      (performance.getEntriesByName(`oauth-lens:import-${name}`).at(-1)?.startTime ?? Number.NaN) - bench.change!;
    const tasks = bench.tasks.filter((t) => t.start >= bench.change! && t.start < bench.allRows!).map((t) => t.duration);
    return {
      marks: { start: marked('start'), preview: marked('preview'), done: marked('done') },
      firstRows: bench.firstRow! - bench.change!,
      firstRowCount: bench.firstRowCount!,
      frame: bench.frame! - bench.change!,
      allRows: bench.allRows! - bench.change!,
      read: measured('read'),
      parse: measured('parse'),
      analysis: measured('analyse'),
      longestTask: Math.max(0, ...tasks),
      longTasks: tasks.reduce((a, b) => a + b, 0),
      rows: Number(document.getElementById('flow-list')!.dataset.count),
      domRows: document.querySelectorAll('#flow-list [data-flow-key]').length,
    };
  });
}

/** Scrolls row `index` to the middle of the list, clicks it (a real click) and times the detail. */
async function openRowAt(page: Page, index: number): Promise<{ key: string; opened: number; frame: number }> {
  await page.evaluate((at) => {
    const list = document.getElementById('flow-list')!;
    const height = document.querySelector<HTMLElement>('#flow-list [data-flow-key]')!.offsetHeight;
    list.scrollTop = at * height - list.clientHeight / 2;
  }, index);
  // The virtual list renders the rows around the new scroll position.
  const handle = await page.waitForFunction(
    () => {
      const list = document.getElementById('flow-list')!;
      const box = list.getBoundingClientRect();
      const row = document.elementFromPoint(box.left + 40, box.top + box.height / 2)?.closest<HTMLElement>('[data-flow-key]');
      const shown = document.querySelector<HTMLElement>('#flow-detail')?.dataset.flowKey;
      // Not the flow already open: the row just below it then.
      if (row && row.dataset.flowKey === shown) return row.nextElementSibling?.closest<HTMLElement>('[data-flow-key]') ?? null;
      return row ?? null;
    },
    { polling: 'raf' },
  );
  const row = handle as ElementHandle<HTMLElement>;
  const key = await row.evaluate((el) => {
    const bench = (window as unknown as { bench: Bench }).bench;
    const flowKey = el.dataset.flowKey!;
    Object.assign(bench, { clickAt: undefined, opened: undefined, openFrame: undefined, openKey: flowKey });
    el.addEventListener(
      'click',
      () => {
        bench.clickAt = performance.now();
      },
      { capture: true, once: true },
    );
    const observer = new MutationObserver(() => {
      if (document.querySelector<HTMLElement>('#flow-detail')?.dataset.flowKey !== flowKey) return;
      bench.opened = performance.now();
      observer.disconnect();
      requestAnimationFrame(() =>
        setTimeout(() => {
          bench.openFrame = performance.now();
        }),
      );
    });
    observer.observe(document.getElementById('app')!, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['data-flow-key'],
    });
    return flowKey;
  });
  await row.click();
  await page.waitForFunction(() => (window as unknown as { bench: Bench }).bench.openFrame !== undefined, { timeout: 60_000 });
  const { opened, frame } = await page.evaluate(() => {
    const bench = (window as unknown as { bench: Bench }).bench;
    return { opened: bench.opened! - bench.clickAt!, frame: bench.openFrame! - bench.clickAt! };
  });
  return { key, opened, frame };
}
