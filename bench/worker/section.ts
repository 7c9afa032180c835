/**
 * Worker section: what the service worker holds after many sign-ins.
 *
 * N real OAuth flows (default 1000, 100 with --quick) run through Chromium with dist/ installed: the demo's
 * `good` variant (code + S256 PKCE against oidc-provider). The first one signs in and consents; the
 * authorization server then keeps the session and the grant for client `spa`, so every later `good` completes
 * without a prompt (client page → discovery → /auth 303 → /cb → discovery → token POST). Several tabs run
 * flows in parallel. At checkpoints (0, N/10, N/4, N/2, N flows) production pauses and the worker is left to
 * catch up (it falls behind: the popup's view of its memory must read the same twice, a second apart, and the
 * stored log must stop changing; how long that took is reported), then the section reads:
 *   - the worker's JS heap: CDP `Runtime.getHeapUsage` on the service worker target, as is and after
 *     `HeapProfiler.collectGarbage` (what it retains);
 *   - `chrome.storage.session.getBytesInUse(null)`, evaluated in the worker;
 *   - the stored index (session-store.ts): exchanges kept, their estimated size (what the retention cap counts)
 *     and the `evicted` counts, and index entries whose exchange was never written (a refused write);
 *   - what the worker holds in memory (the popup's footer), and the errors it logged.
 * The time to produce the flows is reported too (it includes the worker's analysis competing for the CPU).
 *
 * Knobs: BENCH_WORKER_FLOWS (default 1000, 100 with --quick), BENCH_WORKER_TABS (parallel tabs, default 3),
 * BENCH_WORKER_BUDGET_S (default 200: once flows and checkpoints have taken that long, production stops, short of
 * N if need be, and says so).
 */
import { availableParallelism } from 'node:os';
import type { ExtensionBrowser } from '../../demo/browser.ts';
import { driveVariant } from '../../demo/drive.ts';
import { startDemo } from '../../demo/index.ts';
import {
  ensureExtensionBuilt,
  GOOD,
  heapUsage,
  launchExtension,
  runGood,
  sampleLoad,
  settledLog,
  signInOnce,
  sleep,
  workerSession,
  type StoredLog,
} from '../lib/extension.ts';
import { loadReport, median, ms, quantile, table } from '../lib/stats.ts';
import type { BenchContext, BenchSection, SectionResult, SummaryRow } from '../lib/types.ts';
import { DEFAULT_LIMITS } from '../../src/background/retention.ts';

interface Checkpoint {
  flows: number;
  heapUsed: number;
  heapUsedAfterGc: number;
  heapTotalAfterGc: number;
  log: StoredLog;
  /** What the worker holds in memory, from the popup's footer: exchanges kept, and evicted. */
  memory: { kept?: number; evictedExchanges?: number; text: string };
  /** Wall time spent producing flows since the previous checkpoint, and their durations. */
  producingMs: number;
  flowMs: number[];
  /** How long the popup's view took to settle after production paused (≥ ~1.5 s: two reads a second apart). */
  catchUpMs: number;
}

/** chrome.storage.session.QUOTA_BYTES */
const QUOTA = 10 * 2 ** 20;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export const workerSection: BenchSection = {
  id: 'worker',
  title: 'Service worker: heap and storage.session after many flows',
  async run(context: BenchContext): Promise<SectionResult> {
    const { options, log } = context;
    const total = Math.max(1, Number(process.env.BENCH_WORKER_FLOWS ?? (options.quick ? 100 : 1000)));
    const tabs = Math.max(1, Number(process.env.BENCH_WORKER_TABS ?? 3));
    // Production stops once the flows and the checkpoints (the worker catching up) have taken this long, even
    // short of `total`, so the section stays within ~5 minutes on a busy machine; the last catch-up comes on top.
    const budgetMs = 1000 * Number(process.env.BENCH_WORKER_BUDGET_S ?? 200);
    const notes: string[] = [];
    const build = await ensureExtensionBuilt(context);
    if (build.note) notes.push(`worker: ${build.note}`);

    const demo = await startDemo();
    let chromium: ExtensionBrowser | undefined;
    try {
      chromium = await launchExtension(context);
      const worker = await chromium.worker();
      const session = await workerSession(chromium);
      // What the worker logs as errors (e.g. a storage.session write refused over its quota).
      const workerErrors: string[] = [];
      worker.on('console', (message) => {
        if (message.type() === 'error') workerErrors.push(message.text());
      });
      // A restarted worker would reload the log from storage.session and lose what was never written there.
      let workerStarts = 0;
      chromium.browser.on('targetcreated', (target) => {
        if (target.type() === 'service_worker' && target.url().startsWith(`chrome-extension://${chromium!.extensionId}/`)) workerStarts++;
      });
      log(
        `${total} flows of \`good\` (the first signs in and consents; the rest reuse the session and grant), ${tabs} tabs in parallel; retention cap ${(DEFAULT_LIMITS.maxBytes / 1e6).toFixed(0)} MB estimated / ${DEFAULT_LIMITS.maxExchanges} exchanges`,
      );

      const checkpoints: Checkpoint[] = [];
      const measure = async (flows: number, producingMs: number, flowMs: number[]) => {
        // The worker may lag behind the flows (events queue while it works): wait until what it holds in memory
        // stops changing, then until the stored log does.
        const settleStarted = performance.now();
        const memory = await settledMemory(chromium!);
        const catchUpMs = performance.now() - settleStarted;
        const stored = await settledLog(worker);
        const heap = await heapUsage(session);
        const point: Checkpoint = {
          flows,
          heapUsed: heap.before.usedSize,
          heapUsedAfterGc: heap.afterGc.usedSize,
          heapTotalAfterGc: heap.afterGc.totalSize,
          log: stored,
          memory,
          producingMs,
          flowMs,
          catchUpMs,
        };
        checkpoints.push(point);
        const rate = flowMs.length
          ? `, ${flowMs.length} flows in ${ms(producingMs)} (${(flowMs.length / (producingMs / 1000)).toFixed(1)}/s, median flow ${ms(median(flowMs))})`
          : '';
        const errors = workerErrors.length ? `; ${workerErrors.length} errors logged by the worker so far` : '';
        log(
          `  ${String(flows).padStart(5)} flows: heap ${mib(point.heapUsed)} (${mib(point.heapUsedAfterGc)} after GC), storage.session ${kib(stored.bytesInUse)}, ${stored.exchanges} exchanges kept (${kib(stored.estimatedBytes)} estimated), evicted ${stored.evicted.flows} flows / ${stored.evicted.exchanges} exchanges${stored.missing ? `, ${stored.missing} index entries without their exchange` : ''}${stored.workerInstances > 1 ? `, recorded by ${stored.workerInstances} worker instances (it restarted)` : ''}${rate}${errors}; in memory ${memory.kept ?? '?'} kept + ${memory.evictedExchanges ?? '?'} evicted (settled after ${ms(catchUpMs)})`,
        );
      };

      const load = sampleLoad();
      await measure(0, 0, []);
      const targets = [...new Set([Math.round(total / 10), Math.round(total / 4), Math.round(total / 2), total])]
        .filter((t) => t >= 1)
        .sort((a, b) => a - b);

      // Flow 1: the sign-in with its prompts.
      const deadline = performance.now() + budgetMs;
      const signInMs = await signInOnce(chromium.browser, demo);
      let done = 1;
      let producing = signInMs;
      let durations: number[] = [signInMs];
      const pages = await Promise.all(Array.from({ length: tabs }, () => chromium!.browser.newPage()));
      const failures: string[] = [];
      let fallbacks = 0;
      let outOfTime = false;
      for (const target of targets) {
        if (outOfTime) break;
        if (done < target) {
          const started = performance.now();
          let next = done;
          await Promise.all(
            pages.map(async (page) => {
              while (next < target) {
                if (performance.now() > deadline) {
                  outOfTime = true;
                  break;
                }
                next++;
                const t0 = performance.now();
                const outcome = await runGood(page, demo).catch(async (error: unknown) => {
                  // A prompt (or anything else unexpected): let driveVariant handle the page as a person would.
                  fallbacks++;
                  failures.push(error instanceof Error ? error.message : String(error));
                  return driveVariant(page, demo, GOOD);
                });
                if (outcome.status !== 'done') failures.push(`${outcome.status}: ${outcome.detail}`);
                durations.push(performance.now() - t0);
              }
            }),
          );
          producing += performance.now() - started;
          // Out of time before this segment produced anything: the previous checkpoint is the last.
          if (next === done) break;
          done = next;
        }
        await measure(done, producing, durations);
        producing = 0;
        durations = [];
      }
      await Promise.all(pages.map((p) => p.close()));
      const machine = loadReport(load.stop(), availableParallelism());

      // Time spent producing flows (the sign-in included), without the pauses at checkpoints.
      const wallMs = checkpoints.reduce((sum, c) => sum + c.producingMs, 0);
      const first = checkpoints[0]!;
      const last = checkpoints.at(-1)!;
      const produced = last.flows;
      const peakBytes = Math.max(...checkpoints.map((c) => c.log.bytesInUse));
      const inMemory = last.memory;
      if (outOfTime) {
        log(
          `stopped at ${produced} of ${total} flows: the time budget (${ms(budgetMs)} of flows and checkpoints, BENCH_WORKER_BUDGET_S) ran out`,
        );
        notes.push(
          `worker: stopped at ${produced} of ${total} flows, out of time (budget ${ms(budgetMs)}); the figures are after ${produced} flows.`,
        );
      }
      const allFlowMs = checkpoints.flatMap((c) => c.flowMs).slice(1); // without the sign-in
      const captured = last.log.exchanges + last.log.evicted.exchanges;
      log(
        table(
          [
            'flows',
            'heap used',
            'after GC',
            'storage.session',
            'kept',
            'estimated',
            'evicted flows',
            'evicted exchanges',
            'unwritten',
            'in memory (kept + evicted)',
          ],
          checkpoints.map((c) => [
            String(c.flows),
            mib(c.heapUsed),
            mib(c.heapUsedAfterGc),
            kib(c.log.bytesInUse),
            String(c.log.exchanges),
            kib(c.log.estimatedBytes),
            String(c.log.evicted.flows),
            String(c.log.evicted.exchanges),
            String(c.log.missing),
            c.memory.kept === undefined ? '?' : `${c.memory.kept} + ${c.memory.evictedExchanges ?? 0}`,
          ]),
        ),
      );
      // Exchanges per flow while nothing was evicted or refused (between the first two checkpoints after flow 1).
      const clean = checkpoints.filter(
        (c) => c.flows > 1 && !c.log.missing && !c.log.evicted.exchanges && c.memory.kept === c.log.exchanges,
      );
      const perFlow =
        clean.length >= 2 ? (clean.at(-1)!.log.exchanges - clean[0]!.log.exchanges) / (clean.at(-1)!.flows - clean[0]!.flows) : undefined;
      if (perFlow !== undefined) {
        const expected = Math.round(clean[0]!.log.exchanges + perFlow * (last.flows - clean[0]!.flows));
        const held = (inMemory.kept ?? 0) + (inMemory.evictedExchanges ?? 0);
        log(
          `exchanges per flow before any eviction or refused write: ${perFlow.toFixed(2)}; so ~${expected} expected after ${last.flows} flows; the worker accounts for ${held} (kept + evicted in memory)${expected - held > 5 * perFlow ? `: ~${expected - held} were never recorded` : ''}`,
        );
        if (expected - held > 5 * perFlow)
          notes.push(
            `worker: the worker accounts for ${held} exchanges (kept + evicted) after ${last.flows} flows where ~${expected} were expected (${perFlow.toFixed(2)} per flow before the log filled up).`,
          );
      }
      log(
        `${produced} flows produced in ${ms(wallMs)} (${(produced / (wallMs / 1000)).toFixed(1)} flows/s; sign-in ${ms(signInMs)}; later flows median ${ms(median(allFlowMs))}, p95 ${ms(quantile(allFlowMs, 0.95))})`,
      );
      log(
        `the stored index accounts for ${captured} exchanges (${(captured / produced).toFixed(1)} per flow): ${last.log.exchanges} kept (about ${Math.round(last.log.exchanges / (captured / produced))} flows), ${last.log.evicted.exchanges} evicted`,
      );
      log(`in the worker's memory (the popup's footer): ${inMemory.text}`);
      const memoryTotal = inMemory.kept === undefined ? undefined : inMemory.kept + (inMemory.evictedExchanges ?? 0);
      const lost = Math.max(last.log.missing, memoryTotal === undefined ? 0 : memoryTotal - captured);
      if (lost > 0) {
        log(
          `storage.session lacks ${lost} exchanges the worker holds in memory (index entries without their exchange: ${last.log.missing}; memory ${memoryTotal ?? '?'} vs stored ${captured}, kept + evicted): writes were lost`,
        );
        notes.push(
          `worker: ${lost} captured exchanges are not in storage.session (writes refused); a restarted worker would not have them.`,
        );
      }
      if (workerErrors.length) {
        const distinct = [...new Set(workerErrors.map((e) => e.split('\n')[0]!.slice(0, 160)))];
        log(`the worker logged ${workerErrors.length} errors: ${distinct.slice(0, 3).join(' | ')}`);
        notes.push(`worker: the worker logged ${workerErrors.length} errors while producing flows, e.g. ${distinct[0]}`);
      }
      if (workerStarts) {
        log(`the service worker started again ${workerStarts} time(s) while flows ran`);
        notes.push(`worker: the service worker restarted ${workerStarts} time(s) during the run.`);
      }
      if (failures.length)
        log(`problems: ${failures.length} (${fallbacks} handed to driveVariant): ${[...new Set(failures)].slice(0, 3).join(' | ')}`);
      log(`load average ${machine.text}${machine.busy ? ': the machine was busy, production times are noisy' : ''}`);
      if (machine.busy)
        notes.push(
          `worker: load average ${machine.text} while producing flows; the time to produce them is noisy (memory figures are not).`,
        );
      if (failures.length)
        notes.push(
          `worker: ${failures.length} flow(s) did not end as expected (${fallbacks} needed driveVariant): ${[...new Set(failures)].slice(0, 2).join(' | ')}`,
        );

      const rows: SummaryRow[] = [
        { metric: 'worker JS heap at 0 flows (after GC)', value: `${mib(first.heapUsed)} (${mib(first.heapUsedAfterGc)})`, status: 'info' },
        {
          metric: `worker JS heap after ${produced} flows (after GC)`,
          value: `${mib(last.heapUsed)} (${mib(last.heapUsedAfterGc)})`,
          status: 'info',
        },
        { metric: 'storage.session bytes at 0 flows', value: kib(first.log.bytesInUse), status: 'info' },
        {
          metric: `storage.session bytes after ${produced} flows`,
          value: `${kib(last.log.bytesInUse)} (${last.log.exchanges} exchanges kept; peak at checkpoints ${kib(peakBytes)})`,
          goal: `< quota (${kib(QUOTA)})`,
          status: peakBytes < QUOTA * 0.99 ? 'pass' : 'FAIL',
        },
        { metric: 'exchanges missing from storage.session', value: String(lost), goal: '0', status: lost ? 'FAIL' : 'pass' },
        {
          metric: 'errors logged by the worker',
          value: workerErrors.length
            ? `${workerErrors.length} (${[...new Set(workerErrors.map((e) => e.split('\n')[0]!))][0]!.slice(0, 60)}…)`
            : '0',
          goal: '0',
          status: workerErrors.length ? 'FAIL' : 'pass',
        },
        {
          metric: 'evicted by the retention cap',
          value: `${last.log.evicted.flows} flows, ${last.log.evicted.exchanges} exchanges`,
          status: 'info',
        },
        { metric: 'worker catching up after the last flow', value: ms(last.catchUpMs), status: 'info' },
        {
          metric: `time to produce ${produced} flows`,
          value: `${ms(wallMs)} (${(produced / (wallMs / 1000)).toFixed(1)}/s, ${tabs} tabs)${outOfTime ? `, budget reached before ${total}` : ''}`,
          status: outOfTime ? 'n/a' : 'info',
        },
        { metric: 'load average while producing', value: machine.text, status: machine.busy ? 'n/a' : 'info' },
      ];
      if (failures.length) rows.push({ metric: 'flows that did not end "done"', value: String(failures.length), status: 'n/a' });
      return { rows, notes };
    } finally {
      await chromium?.close();
      await demo.close();
    }
  },
};

/**
 * The popup's footer once it reads the same twice in a row, a second apart. Each read opens the popup afresh:
 * its first snapshot is queued behind whatever the worker is still doing.
 */
async function settledMemory(chromium: ExtensionBrowser, timeoutMs = 120_000): Promise<Awaited<ReturnType<typeof popupFooter>>> {
  const deadline = Date.now() + timeoutMs;
  let previous = await popupFooter(chromium);
  for (;;) {
    await sleep(1_000);
    const current = await popupFooter(chromium);
    if (current.text === previous.text || Date.now() > deadline) return current;
    previous = current;
  }
}

/** The popup's footer: how many requests the worker holds in memory and what it says it dropped. */
async function popupFooter(chromium: ExtensionBrowser): Promise<{ text: string; kept?: number; evictedExchanges?: number }> {
  const text = await popupFooterText(chromium);
  const kept = /^(\d+) requests? kept/.exec(text);
  const evicted = /\((\d+) requests?\) dropped/.exec(text);
  return { text, ...(kept ? { kept: Number(kept[1]) } : {}), ...(kept ? { evictedExchanges: evicted ? Number(evicted[1]) : 0 } : {}) };
}

async function popupFooterText(chromium: ExtensionBrowser): Promise<string> {
  const page = await chromium.browser.newPage();
  try {
    await page.goto(`chrome-extension://${chromium.extensionId}/src/popup/index.html?tab=-1`);
    const footer = await page.waitForSelector('footer span', { timeout: 30_000 });
    const text = await footer!.evaluate((el) => el.textContent ?? '');
    await footer!.dispose();
    return text.trim();
  } catch (error) {
    return `(could not read the popup: ${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await page.close();
  }
}
