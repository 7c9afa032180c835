/**
 * Page-load section: what the capture costs an ordinary page.
 *
 * Goal (shared/capture-cost.md): a page loaded with OAuth Lens installed, no sign-in under way, takes ≤ 1.05× the
 * time it takes with the permission floor installed: an extension holding the same permissions (those of
 * manifest.json, `<all_urls>` included) and a service worker that registers no listener. The ratio against no
 * extension at all is printed too, and what a page costs while the capture is armed (src/capture/arming.ts).
 *
 * Four Chromiums, launched once each with the same flags (extensions enabled, pipe): no extension, the floor
 * (generated into a temp dir), dist/ (a private copy, lib/extension.ts) that has seen no sign-in ("ours": its
 * webRequest listeners are not armed), and dist/ again after one sign-in whose client is the page's origin
 * ("armed": a watched origin, so its pages keep the capture armed). Each round loads
 * `${clientOrigin}/browse?n=300` (~300 no-store subresources on loopback, demo/browse.ts) once in each browser,
 * in a seeded shuffled order, each load in a fresh tab with the cache disabled. A load is timed in the page, from
 * navigation start (performance.timeOrigin) to the moment `#result` gets data-status="done" (every subresource
 * settled, after the load event); the load event end is recorded too. Ratios are paired per round; the median
 * ratio is reported with a bootstrap 95% CI. After the rounds, each OAuth Lens browser's arming state is read
 * from storage.session: ours must not have listened, armed must have (else the row fails).
 *
 * Knobs: BENCH_PAGE_LOAD_ROUNDS (default 30, 8 with --quick), BENCH_PAGE_LOAD_N (subresources, default 300),
 * BENCH_PAGE_LOAD_ARMED=0 (leave the armed browser out),
 * BENCH_PAGE_LOAD_LISTENERS=all|navigations|scripts (a fourth browser, diagnostic: an extension with OAuth Lens's
 * filters, or one of them, and six empty listeners each, to split ours/floor into the cost of dispatching events
 * and the cost of the work).
 */
import { availableParallelism } from 'node:os';
import type { Browser } from 'puppeteer';
import type { WebRequest } from 'webextension-polyfill';
import { NAVIGATIONS, SCRIPT_REQUESTS } from '../../src/background/filters.ts';
import { browserVersion, launchChromium, type ExtensionBrowser, type LaunchedBrowser } from '../../demo/browser.ts';
import { startDemo } from '../../demo/index.ts';
import { ensureExtensionBuilt, launchExtension, sampleLoad, signInOnce, workerTarget, writeFloorExtension } from '../lib/extension.ts';
import { Rng } from '../lib/rng.ts';
import { bootstrapMedianCI, loadReport, median, minMax, ms, table } from '../lib/stats.ts';
import type { BenchContext, BenchSection, SectionResult, SummaryRow } from '../lib/types.ts';

const GOAL_OURS_FLOOR = 1.05;
export const WARM_UP_LOADS = 2;
type VariantId = 'none' | 'floor' | 'ours' | 'armed' | 'listeners';

const LABELS: Record<VariantId, string> = {
  none: 'no extension',
  floor: "permission floor (OAuth Lens's permissions, no listener)",
  ours: 'OAuth Lens (dist/, a private copy), no sign-in under way',
  armed: "OAuth Lens armed: after a sign-in whose client is the page's origin",
  listeners: "OAuth Lens's filters, six empty listeners each (diagnostic)",
};

export interface Load {
  /** Navigation start → #result[data-status="done"], in the page's clock. */
  doneMs: number;
  /** Navigation start → end of the load event. */
  loadMs: number;
}

/**
 * Injected into every document before its scripts: notes when #result's data-status leaves "running". Only
 * #result is observed (from DOMContentLoaded), so the observer costs nothing while the page loads.
 */
const MARK_DONE = `(() => {
  document.addEventListener('DOMContentLoaded', () => {
    const result = document.getElementById('result');
    if (!result) return;
    new MutationObserver(() => {
      if (result.dataset.status !== 'running' && window.__benchDone === undefined) window.__benchDone = performance.now();
    }).observe(result, { attributes: true, attributeFilter: ['data-status'] });
  });
})();`;

export const pageLoadSection: BenchSection = {
  id: 'page-load',
  title: 'Page load: OAuth Lens vs the permission floor vs no extension',
  async run(context: BenchContext): Promise<SectionResult> {
    const { options, log } = context;
    const rounds = Number(process.env.BENCH_PAGE_LOAD_ROUNDS ?? (options.quick ? 8 : 30));
    const n = Number(process.env.BENCH_PAGE_LOAD_N ?? 300);
    const notes: string[] = [];
    const build = await ensureExtensionBuilt(context);
    if (build.note) notes.push(`page-load: ${build.note}`);

    // Diagnostic: a fourth browser whose extension registers OAuth Lens's filters (all, or only the navigation or
    // the script one) with empty listeners.
    const listenersKnob = process.env.BENCH_PAGE_LOAD_LISTENERS ?? '';
    const listenerFilters = (
      {
        '1': [NAVIGATIONS, SCRIPT_REQUESTS],
        all: [NAVIGATIONS, SCRIPT_REQUESTS],
        navigations: [NAVIGATIONS],
        scripts: [SCRIPT_REQUESTS],
      } as Record<string, WebRequest.RequestFilter[]>
    )[listenersKnob];
    if (listenersKnob && !listenerFilters) throw new Error(`BENCH_PAGE_LOAD_LISTENERS=${listenersKnob}: use all, navigations or scripts`);
    const withListeners = listenerFilters !== undefined;
    if (listenerFilters)
      LABELS.listeners = `OAuth Lens's ${listenersKnob === 'navigations' ? 'navigation filter' : listenersKnob === 'scripts' ? 'fetch/XHR filter' : 'filters'}, six empty listeners each (diagnostic)`;
    // What a page costs while the capture is armed (src/capture/arming.ts): a fourth browser, unless turned off.
    const withArmed = process.env.BENCH_PAGE_LOAD_ARMED !== '0';
    const variants: VariantId[] = [
      'none',
      'floor',
      ...(withListeners ? (['listeners'] as const) : []),
      'ours',
      ...(withArmed ? (['armed'] as const) : []),
    ];

    const demo = await startDemo();
    const floor = await writeFloorExtension();
    const listeners = listenerFilters ? await writeFloorExtension(listenerFilters) : undefined;
    const browsers: Partial<Record<VariantId, LaunchedBrowser>> = {};
    try {
      // The same launch flags for all: only the installed extension differs.
      const withUnpacked = async (dir?: string) => {
        const launched = await launchChromium({ pipe: true, enableExtensions: true });
        if (dir) await workerTarget(launched.browser, await launched.browser.installExtension(dir));
        return launched;
      };
      browsers.none = await withUnpacked();
      browsers.floor = await withUnpacked(floor.dir);
      if (listeners) browsers.listeners = await withUnpacked(listeners.dir);
      const ours = await launchExtension(context);
      browsers.ours = ours;
      await workerTarget(ours.browser, ours.extensionId);
      let armed: ExtensionBrowser | undefined;
      if (withArmed) {
        armed = await launchExtension(context);
        browsers.armed = armed;
        await workerTarget(armed.browser, armed.extensionId);
        // The page is served from the demo client's origin: a sign-in there makes it a watched origin, whose pages
        // keep the capture armed.
        await signInOnce(armed.browser, demo);
      }
      const url = `${demo.clientOrigin}/browse?n=${n}`;
      log(`Chromium ${await browserVersion(ours.browser)}, headless, one browser per variant (same flags); page ${url}`);
      log(
        `a load: fresh tab, cache disabled, timed in the page from navigation start to #result[data-status="done"] (all ${n} subresources settled; the load event end is recorded too)`,
      );

      const timed = (id: VariantId) =>
        timeLoad(browsers[id]!.browser, url).catch((error: unknown) => {
          throw new Error(`${id}: ${error instanceof Error ? error.message : String(error)}`);
        });
      log(`warm-up: ${WARM_UP_LOADS} loads per browser…`);
      for (let i = 0; i < WARM_UP_LOADS; i++) for (const id of variants) await timed(id);

      const rng = new Rng(20261122);
      const loads = Object.fromEntries(variants.map((id) => [id, [] as Load[]])) as Record<VariantId, Load[]>;
      const load = sampleLoad();
      for (let round = 0; round < rounds; round++) {
        const order = shuffle([...variants], rng);
        for (const id of order) loads[id].push(await timed(id));
        log(
          `  round ${String(round + 1).padStart(2)}/${rounds} (${order.join(', ')}): ${variants.map((id) => `${id} ${ms(loads[id].at(-1)!.doneMs)}`).join(', ')}`,
        );
      }
      const machine = loadReport(load.stop(), availableParallelism());
      // Each browser's arming state after its last load: ours must not have listened, armed must have.
      const listened = {
        ours: await listeningAfterLoads(ours),
        ...(armed ? { armed: await listeningAfterLoads(armed) } : {}),
      };
      log(`webRequest listeners registered after the rounds: ours ${listened.ours}${armed ? `, armed ${listened.armed}` : ''}`);

      log(loadTable(variants, LABELS, loads));

      const observed = await observedRequests(ours.browser, url);
      log(
        `one more load, to count requests (not timed): ${observed.total} requests (${observed.byType}); matching OAuth Lens's webRequest filters (when armed): ${observed.navigations} navigations + ${observed.scripts} fetch/XHR (${observed.examples.join(', ')})`,
      );

      const ciRng = new Rng(7);
      const paired = (a: VariantId, b: VariantId, key: keyof Load) => {
        const ratios = loads[a].map((l, i) => l[key] / loads[b][i]![key]);
        return { median: median(ratios), ci: bootstrapMedianCI(ratios, () => ciRng.next()) };
      };
      const pairs: [VariantId, VariantId][] = [
        ['ours', 'none'],
        ['floor', 'none'],
        ['ours', 'floor'],
      ];
      if (withArmed) pairs.push(['armed', 'floor']);
      if (withListeners) pairs.push(['listeners', 'floor'], ['ours', 'listeners']);
      const { done, loadEvent } = pairedRatios(pairs, paired, rounds, log);
      const goal = done.get('ours/floor')!;
      const pass = goal.median <= GOAL_OURS_FLOOR;
      log(
        `ours/floor ${goal.median.toFixed(4)} (goal ≤ ${GOAL_OURS_FLOOR}): ${pass ? 'met' : 'missed'}${pass && goal.ci[1] > GOAL_OURS_FLOOR ? `, though the CI reaches ${goal.ci[1].toFixed(3)}` : ''}`,
      );
      log(
        `load average ${machine.text}${machine.busy ? ': the machine was busy, load times are noisy (rerun with more rounds, or on a quiet machine)' : ''}`,
      );
      if (machine.busy)
        notes.push(`page-load: load average ${machine.text} during the rounds; the ratios are paired per round, but the spread is wider.`);

      const rows: SummaryRow[] = [
        { metric: `page`, value: `/browse?n=${n}, ${rounds} rounds × ${variants.length} browsers, fresh tab, no cache`, status: 'info' },
        ...variants.map(
          (id): SummaryRow => ({
            metric: `median load to done, ${id}`,
            value: `${ms(median(loads[id].map((l) => l.doneMs)))} (load event ${ms(median(loads[id].map((l) => l.loadMs)))})`,
            status: 'info',
          }),
        ),
        { metric: 'ours / none (paired, median [95% CI])', value: fmt(done.get('ours/none')!), status: 'info' },
        { metric: 'floor / none (paired, median [95% CI])', value: fmt(done.get('floor/none')!), status: 'info' },
        {
          metric: 'ours / floor (paired, median [95% CI])',
          value: fmt(goal, Math.abs(goal.median - GOAL_OURS_FLOOR) < 0.0005 ? 4 : 3),
          goal: `≤ ${GOAL_OURS_FLOOR}×`,
          status: pass ? 'pass' : 'FAIL',
        },
        { metric: 'ours / floor at load event', value: fmt(loadEvent.get('ours/floor')!), status: 'info' },
        ...(withArmed
          ? [
              {
                metric: 'armed / floor, during a sign-in (paired, median [95% CI])',
                value: fmt(done.get('armed/floor')!),
                status: 'info' as const,
              },
            ]
          : []),
        {
          metric: 'webRequest listeners after the rounds',
          value: `ours ${listened.ours}${armed ? `, armed ${listened.armed}` : ''}`,
          status: listened.ours === 'none' && (!armed || listened.armed === 'listening') ? 'info' : 'FAIL',
        },
        ...(withListeners
          ? [
              { metric: 'empty listeners / floor (diagnostic)', value: fmt(done.get('listeners/floor')!), status: 'info' as const },
              { metric: 'ours / empty listeners (diagnostic)', value: fmt(done.get('ours/listeners')!), status: 'info' as const },
            ]
          : []),
        {
          metric: 'requests per load the filters would see, armed',
          value: `${observed.navigations + observed.scripts} of ${observed.total} (${observed.navigations} navigations, ${observed.scripts} fetch/XHR)`,
          status: 'info',
        },
        { metric: 'load average during rounds', value: machine.text, status: machine.busy ? 'n/a' : 'info' },
      ];
      return { rows, notes };
    } finally {
      for (const id of variants) await browsers[id]?.close();
      await floor.remove();
      await listeners?.remove();
      await demo.close();
    }
  },
};

/**
 * Whether an OAuth Lens browser's capture is armed: 'listening' or 'none', from the state its worker keeps in
 * storage.session (src/background/arming.ts), read from an extension page so a stopped worker is not woken.
 */
async function listeningAfterLoads(chromium: ExtensionBrowser): Promise<'listening' | 'none'> {
  const page = await chromium.browser.newPage();
  try {
    await page.goto(`chrome-extension://${chromium.extensionId}/src/popup/index.html?tab=-1`);
    const arming = await page.evaluate(
      async () => (await chrome.storage.session.get('arming')).arming as { listening?: boolean } | undefined,
    );
    return arming?.listening ? 'listening' : 'none';
  } finally {
    await page.close();
  }
}

/** A paired ratio: the median of the per-round ratios, with its bootstrap 95% interval. */
export interface PairedRatio {
  median: number;
  ci: [number, number];
}

/** `1.016 [0.921–1.221]`: the median (to `digits` places) and its interval. */
export function fmt(ratio: PairedRatio, digits = 3): string {
  return `${ratio.median.toFixed(digits)} [${ratio.ci[0].toFixed(3)}–${ratio.ci[1].toFixed(3)}]`;
}

/** The paired ratios a/b of each pair, to done and to the load event, keyed `a/b`; logged as one table. */
export function pairedRatios<Id extends string>(
  pairs: readonly [Id, Id][],
  paired: (a: Id, b: Id, key: keyof Load) => PairedRatio,
  rounds: number,
  log: (line: string) => void,
): { done: Map<string, PairedRatio>; loadEvent: Map<string, PairedRatio> } {
  const key = ([a, b]: [Id, Id]) => `${a}/${b}`;
  const done = new Map(pairs.map((p) => [key(p), paired(p[0], p[1], 'doneMs')]));
  const loadEvent = new Map(pairs.map((p) => [key(p), paired(p[0], p[1], 'loadMs')]));
  log(`paired ratios over ${rounds} rounds, median [bootstrap 95% CI]:`);
  log(
    table(
      ['ratio', 'to done', 'to load event'],
      pairs.map((p) => [key(p), fmt(done.get(key(p))!), fmt(loadEvent.get(key(p))!)]),
    ),
  );
  return { done, loadEvent };
}

/** The timed loads of each variant as a table: median time to done, its range, and the median to the load event. */
export function loadTable<Id extends string>(ids: readonly Id[], labels: Record<Id, string>, loads: Record<Id, Load[]>): string {
  return table(
    ['variant', 'median to done', 'range', 'median to load event'],
    ids.map((id) => {
      const [lo, hi] = minMax(loads[id].map((l) => l.doneMs));
      return [labels[id], ms(median(loads[id].map((l) => l.doneMs))), `${ms(lo)}–${ms(hi)}`, ms(median(loads[id].map((l) => l.loadMs)))];
    }),
  );
}

export async function timeLoad(browser: Browser, url: string): Promise<Load> {
  const page = await browser.newPage();
  try {
    await page.setCacheEnabled(false);
    await page.evaluateOnNewDocument(MARK_DONE);
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    await page.waitForFunction(() => (window as { __benchDone?: number }).__benchDone !== undefined, { polling: 50, timeout: 60_000 });
    const result = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      const el = document.getElementById('result');
      return {
        doneMs: (window as { __benchDone?: number }).__benchDone!,
        loadMs: nav?.loadEventEnd ?? Number.NaN,
        status: el?.dataset.status ?? '',
        detail: document.getElementById('status')?.textContent ?? '',
      };
    });
    if (result.status !== 'done') throw new Error(`the page ended ${result.status}: ${result.detail}`);
    return { doneMs: result.doneMs, loadMs: result.loadMs };
  } finally {
    await page.close();
  }
}

/**
 * The requests of one load, and which of them OAuth Lens's webRequest filters (src/background/filters.ts)
 * match, i.e. how many requests dispatch events to its worker.
 */
async function observedRequests(browser: Browser, url: string) {
  const page = await browser.newPage();
  const requests: { url: string; type: string }[] = [];
  try {
    await page.setCacheEnabled(false);
    page.on('request', (request) => {
      const type = request.resourceType();
      const webRequestType =
        type === 'document'
          ? request.frame() === page.mainFrame()
            ? 'main_frame'
            : 'sub_frame'
          : type === 'xhr' || type === 'fetch'
            ? 'xmlhttprequest'
            : type;
      requests.push({ url: request.url(), type: webRequestType });
    });
    await page.evaluateOnNewDocument(MARK_DONE);
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    await page.waitForFunction(() => (window as { __benchDone?: number }).__benchDone !== undefined, { polling: 50, timeout: 60_000 });
  } finally {
    await page.close();
  }
  const matches = (filter: WebRequest.RequestFilter, request: { url: string; type: string }) =>
    (!filter.types || (filter.types as string[]).includes(request.type)) &&
    filter.urls.some((pattern) => matchPattern(pattern, request.url));
  const navigations = requests.filter((r) => matches(NAVIGATIONS, r));
  const scripts = requests.filter((r) => matches(SCRIPT_REQUESTS, r));
  const counts = new Map<string, number>();
  for (const r of requests) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const paths = [...new Set(scripts.map((r) => new URL(r.url).pathname))];
  return {
    total: requests.length,
    byType: [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([type, n]) => `${n} ${type}`)
      .join(', '),
    navigations: navigations.length,
    scripts: scripts.length,
    examples: paths.slice(0, 4).concat(paths.length > 4 ? ['…'] : []),
  };
}

/** Whether a URL matches a Chrome match pattern (`<all_urls>` or scheme://host/path); the path part covers the path and the query. */
function matchPattern(pattern: string, url: string): boolean {
  if (pattern === '<all_urls>') return /^(https?|wss?|file|ftp|data):/.test(url);
  const parsed = /^(\*|[a-z-]+):\/\/([^/]*)(\/.*)$/.exec(pattern);
  if (!parsed) return false;
  const [, scheme, host, path] = parsed as unknown as [string, string, string, string];
  const u = new URL(url);
  const protocol = u.protocol.slice(0, -1);
  if (scheme === '*' ? !['http', 'https', 'ws', 'wss'].includes(protocol) : scheme !== protocol) return false;
  if (host !== '*' && !(host.startsWith('*.') ? u.hostname === host.slice(2) || u.hostname.endsWith(host.slice(1)) : u.hostname === host))
    return false;
  const escapeRegExp = (part: string) => part.replace(/[.+?^$()|[\]{}\\]/g, (c) => `\\${c}`);
  const glob = new RegExp(`^${path.split('*').map(escapeRegExp).join('.*')}$`);
  return glob.test(u.pathname + u.search);
}

export function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
