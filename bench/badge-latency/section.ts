/**
 * Badge-latency section: how long after the token response reaches the page the toolbar badge shows the
 * flow's verdict.
 *
 * Runs of `good` (after one sign-in, so no prompt), each in a new tab. The badge already shows the flow once
 * the callback has been analysed (a ✓ before any token request), so each run holds the token POST (puppeteer
 * request interception) until the worker is quiet (badge set, stored log unchanged), clears that tab's badge
 * from the worker, starts a poll in the worker (chrome.action.getBadgeText every ~2 ms until non-empty, then
 * Date.now()), and lets the POST go. The token response's arrival is the page's own Resource Timing entry:
 * performance.timeOrigin + responseEnd (epoch ms, same machine clock as the worker's Date.now()). The latency
 * covers webRequest dispatch to the worker, storing the exchange, the analysis debounce, the analysis and
 * setBadgeText. The poll runs on the worker's own thread, so it competes a little with the work it measures.
 *
 * Knob: BENCH_BADGE_RUNS (default 20, 10 with --quick); 2 warm-up runs are not counted.
 */
import { availableParallelism } from 'node:os';
import type { HTTPRequest, WebWorker } from 'puppeteer';
import type { ExtensionBrowser } from '../../demo/browser.ts';
import { startDemo, type RunningDemo } from '../../demo/index.ts';
import { ensureExtensionBuilt, launchExtension, newTab, runGood, sampleLoad, settledLog, signInOnce, sleep } from '../lib/extension.ts';
import { loadReport, median, minMax, quantile } from '../lib/stats.ts';
import type { BenchContext, BenchSection, SectionResult, SummaryRow } from '../lib/types.ts';

const WARM_UP_RUNS = 2;

interface Run {
  /** Token response end (page) → badge non-empty (worker poll). */
  latencyMs: number;
  /** The same, from puppeteer's requestfinished event for the POST (Node's clock; a cross-check). */
  nodeLatencyMs: number;
  badge: string;
}

export const badgeLatencySection: BenchSection = {
  id: 'badge-latency',
  title: 'Badge latency: token response → badge',
  async run(context: BenchContext): Promise<SectionResult> {
    const { options, log } = context;
    const runs = Math.max(1, Number(process.env.BENCH_BADGE_RUNS ?? (options.quick ? 10 : 20)));
    const notes: string[] = [];
    const build = await ensureExtensionBuilt(context);
    if (build.note) notes.push(`badge-latency: ${build.note}`);

    const demo = await startDemo();
    let chromium: ExtensionBrowser | undefined;
    try {
      chromium = await launchExtension(context);
      const worker = await chromium.worker();
      await signInOnce(chromium.browser, demo);
      log(
        `${runs} runs of \`good\` (signed in already), each in a new tab, after ${WARM_UP_RUNS} warm-up runs; token POST held until the worker is quiet, badge cleared, then released`,
      );

      const results: Run[] = [];
      const load = sampleLoad();
      for (let i = 0; i < WARM_UP_RUNS + runs; i++) {
        const run = await measureRun(chromium, worker, demo);
        if (i < WARM_UP_RUNS) continue;
        results.push(run);
        log(
          `  run ${String(i - WARM_UP_RUNS + 1).padStart(2)}/${runs}: ${run.latencyMs.toFixed(1)} ms (requestfinished → badge ${run.nodeLatencyMs.toFixed(0)} ms), badge ${JSON.stringify(run.badge)}`,
        );
      }
      const machine = loadReport(load.stop(), availableParallelism());

      const latencies = results.map((r) => r.latencyMs);
      const [lo, hi] = minMax(latencies);
      const p50 = median(latencies);
      const p95 = quantile(latencies, 0.95);
      const badges = [...new Set(results.map((r) => r.badge))];
      log(
        `token response → badge: median ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, range ${lo.toFixed(1)}–${hi.toFixed(1)} ms (cross-check from puppeteer's requestfinished: median ${median(results.map((r) => r.nodeLatencyMs)).toFixed(1)} ms); badges ${badges.map((b) => JSON.stringify(b)).join(', ')}`,
      );
      log(`load average ${machine.text}${machine.busy ? ': the machine was busy, latencies are noisy' : ''}`);
      if (machine.busy) notes.push(`badge-latency: load average ${machine.text} during the runs; latencies are noisy.`);
      if (badges.some((b) => b !== '✓')) notes.push(`badge-latency: \`good\` should end with a ✓ badge; saw ${badges.join(', ')}.`);

      const rows: SummaryRow[] = [
        { metric: `token response → badge, median of ${runs}`, value: `${p50.toFixed(1)} ms`, status: 'info' },
        { metric: `token response → badge, p95 of ${runs}`, value: `${p95.toFixed(1)} ms (max ${hi.toFixed(1)} ms)`, status: 'info' },
        {
          metric: 'badge after `good`',
          value: badges.join(', '),
          goal: '✓',
          status: badges.length === 1 && badges[0] === '✓' ? 'pass' : 'FAIL',
        },
        { metric: 'load average during runs', value: machine.text, status: machine.busy ? 'n/a' : 'info' },
      ];
      return { rows, notes };
    } finally {
      await chromium?.close();
      await demo.close();
    }
  },
};

/** One run of `good` in a new tab, with the token POST held while the badge is cleared and the poll started. */
async function measureRun(chromium: ExtensionBrowser, worker: WebWorker, demo: RunningDemo): Promise<Run> {
  const { page, tabId } = await newTab(chromium, worker);
  const tokenEndpoint = `${demo.issuer}/token`;
  const isTokenPost = (request: HTTPRequest) => request.method() === 'POST' && request.url() === tokenEndpoint;
  let poll: Promise<{ at: number; text: string }> | undefined;
  let held: Promise<void> | undefined;
  let finishedAt: number | undefined;
  try {
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (!isTokenPost(request) || held) {
        void request.continue().catch(() => undefined);
        return;
      }
      held = (async () => {
        try {
          await quiet(worker, tabId);
          await worker.evaluate((id) => chrome.action.setBadgeText({ tabId: id, text: '' }), tabId);
          poll = worker.evaluate(pollBadge, tabId);
          // Commands reach the worker in order: once this one answers, the poll is running.
          await worker.evaluate(() => 0);
        } finally {
          await request.continue();
        }
      })();
    });
    page.on('requestfinished', (request) => {
      if (isTokenPost(request)) finishedAt = Date.now();
    });

    const outcome = await runGood(page, demo, 30_000);
    if (outcome.status !== 'done') throw new Error(`good ended ${outcome.status}: ${outcome.detail}`);
    if (!held) throw new Error('no token POST was seen');
    await held;
    const badge = await poll!;
    if (badge.at < 0) throw new Error('the badge stayed empty after the token response');
    const responseEnd = await page.evaluate((url) => {
      const entry = performance.getEntriesByType('resource').find((e) => e.name === url) as PerformanceResourceTiming | undefined;
      return entry ? performance.timeOrigin + entry.responseEnd : undefined;
    }, tokenEndpoint);
    if (responseEnd === undefined) throw new Error('the page has no resource timing entry for the token POST');
    return { latencyMs: badge.at - responseEnd, nodeLatencyMs: badge.at - (finishedAt ?? Number.NaN), badge: badge.text };
  } finally {
    await page.close();
  }
}

/** The callback's analysis is done: the tab's badge is set and the stored log has stopped changing. */
async function quiet(worker: WebWorker, tabId: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await worker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId))) {
    if (Date.now() > deadline) throw new Error('the badge never showed the flow before the token request');
    await sleep(10);
  }
  await settledLog(worker, { intervalMs: 100, timeoutMs: 10_000 });
}

/** Runs in the worker: polls the tab's badge every ~2 ms until it is non-empty; returns when (epoch ms). */
async function pollBadge(tabId: number): Promise<{ at: number; text: string }> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const text = await chrome.action.getBadgeText({ tabId });
    if (text) return { at: Date.now(), text };
    if (Date.now() > deadline) return { at: -1, text };
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
