/**
 * Page-load section, Firefox: what the add-on costs an ordinary page in Firefox ESR, measured as the Chromium
 * section measures it (section.ts). The floor here holds the Firefox add-on's permissions, which include
 * `webRequestBlocking` and `webRequestFilterResponse` (the stream filters that read response bodies), and
 * registers no listener; the add-on is a private copy of dist-firefox/.
 *
 * Four Firefox ESRs over WebDriver BiDi, launched once each with the same preferences: no add-on, the floor, the
 * add-on, and (diagnostic) the add-on without webRequestBlocking and webRequestFilterResponse, which then reads no
 * bodies and registers no blocking listener: it splits ours/floor into the capture and the body reading. Each round loads `${clientOrigin}/browse?n=300` (demo/browse.ts) once in each, in a seeded shuffled order,
 * each load in a fresh tab with the cache disabled, after warm-up loads; a load is timed in the page (timeLoad in
 * section.ts). Paired per-round ratios; the median with a bootstrap 95% CI. That page has no OAuth endpoint, so no
 * stream filter is created: this is the cost of listening. A second page, timed the same way in each round, fetches
 * a userinfo URL 50 times one after another (16 KB of JSON each): there every response goes through a stream
 * filter, and ours / without bodies is what reading them costs.
 *
 * Knobs: BENCH_PAGE_LOAD_ROUNDS (default 30, 8 with --quick), BENCH_PAGE_LOAD_N (subresources, default 300),
 * BENCH_PAGE_LOAD_FETCHES (the second page's fetches, default 50), FIREFOX_PATH (default /usr/bin/firefox-esr).
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer';
import { startDemo } from '../../demo/index.ts';
import { ensureFirefoxAddonBuilt, sampleLoad, sleep, writeFirefoxFloorAddon } from '../lib/extension.ts';
import { Rng } from '../lib/rng.ts';
import { bootstrapMedianCI, loadReport, median, ms } from '../lib/stats.ts';
import type { BenchContext, BenchSection, SectionResult, SummaryRow } from '../lib/types.ts';
import { fmt, loadTable, pairedRatios, shuffle, timeLoad, WARM_UP_LOADS, type Load } from './section.ts';

const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
/** The same goal as in Chromium (section.ts): pages must not slow down in either browser. */
const GOAL_OURS_FLOOR = 1.05;
/**
 * The second page: once loaded, it fetches an OAuth endpoint's URL (a userinfo one, whose response body the add-on
 * reads) this many times one after another, each answered with ENDPOINT_BODY_BYTES of JSON: the stream filters'
 * cost where they do work.
 */
const ENDPOINT_FETCHES = Number(process.env.BENCH_PAGE_LOAD_FETCHES ?? 50);
const ENDPOINT_BODY_BYTES = 16 * 1024;
/** A freshly installed add-on's background starts a moment after installExtension resolves. */
const BACKGROUND_START_MS = 2_000;

type VariantId = 'none' | 'floor' | 'ours' | 'bodiless';
const VARIANTS: VariantId[] = ['none', 'floor', 'bodiless', 'ours'];
const LABELS: Record<VariantId, string> = {
  none: 'no add-on',
  floor: 'permission floor (the same permissions, no listener)',
  ours: 'OAuth Lens (dist-firefox/, a private copy)',
  bodiless: 'OAuth Lens without its two body permissions: no stream filter listener (diagnostic)',
};
/** The permissions that let the add-on read response bodies; without them it captures as in Chrome. */
const BODY_PERMISSIONS = ['webRequestBlocking', 'webRequestFilterResponse'];

export const firefoxPageLoadSection: BenchSection = {
  id: 'page-load-firefox',
  title: 'Page load in Firefox ESR: OAuth Lens vs the permission floor vs no add-on',
  async run(context: BenchContext): Promise<SectionResult> {
    const { options, log } = context;
    if (!existsSync(FIREFOX_PATH))
      throw new Error(`Firefox not found at ${FIREFOX_PATH}: install Debian's firefox-esr or set FIREFOX_PATH`);
    const rounds = Number(process.env.BENCH_PAGE_LOAD_ROUNDS ?? (options.quick ? 8 : 30));
    const n = Number(process.env.BENCH_PAGE_LOAD_N ?? 300);
    const notes: string[] = [];
    const built = await ensureFirefoxAddonBuilt(context);
    if (built.note) {
      log(`note: ${built.note}`);
      notes.push(`page-load-firefox: ${built.note}`);
    }
    const manifest = JSON.parse(await readFile(join(built.dir, 'manifest.json'), 'utf8'));
    const floor = await writeFirefoxFloorAddon(manifest);
    const bodiless = await mkdtemp(join(tmpdir(), 'oauth-lens-firefox-bodiless-'));
    await cp(built.dir, bodiless, { recursive: true });
    const bodilessManifest = { ...manifest, permissions: manifest.permissions.filter((p: string) => !BODY_PERMISSIONS.includes(p)) };
    await writeFile(join(bodiless, 'manifest.json'), JSON.stringify(bodilessManifest));
    const demo = await startDemo();
    const endpoints = await serveEndpointPage();
    const browsers: Partial<Record<VariantId, Browser>> = {};
    try {
      const launch = async (addon?: string) => {
        const browser = await puppeteer.launch({
          browser: 'firefox',
          executablePath: FIREFOX_PATH,
          headless: true,
          // As Chromium's loads: nothing cached between loads (the page's responses are no-store besides).
          extraPrefsFirefox: { 'browser.cache.disk.enable': false, 'browser.cache.memory.enable': false },
        });
        if (addon) {
          await browser.installExtension(addon);
          await sleep(BACKGROUND_START_MS);
        }
        return browser;
      };
      browsers.none = await launch();
      browsers.floor = await launch(floor.dir);
      browsers.bodiless = await launch(bodiless);
      browsers.ours = await launch(built.dir);
      const url = `${demo.clientOrigin}/browse?n=${n}`;
      log(`Firefox ${await browsers.ours.version()}, headless, one browser per variant (same preferences); page ${url}`);
      log(`floor permissions: ${[...(manifest.permissions ?? []), ...(manifest.host_permissions ?? [])].join(', ')}`);

      log(
        `second page ${endpoints.url}: ${ENDPOINT_FETCHES} fetches of a userinfo URL, ${ENDPOINT_BODY_BYTES / 1024} KB of JSON each, one after another`,
      );
      const timedAt = (pageUrl: string) => (id: VariantId) =>
        timeLoad(browsers[id]!, pageUrl).catch((error: unknown) => {
          throw new Error(`${id} at ${pageUrl}: ${error instanceof Error ? error.message : String(error)}`);
        });
      const timed = timedAt(url);
      const timedFetches = timedAt(endpoints.url);
      log(`warm-up: ${WARM_UP_LOADS} loads per browser and page…`);
      for (let i = 0; i < WARM_UP_LOADS; i++) for (const id of VARIANTS) await timed(id).then(() => timedFetches(id));

      const rng = new Rng(20261203);
      const loads = Object.fromEntries(VARIANTS.map((id) => [id, [] as Load[]])) as Record<VariantId, Load[]>;
      const fetchLoads = Object.fromEntries(VARIANTS.map((id) => [id, [] as Load[]])) as Record<VariantId, Load[]>;
      const load = sampleLoad();
      for (let round = 0; round < rounds; round++) {
        const order = shuffle([...VARIANTS], rng);
        for (const id of order) {
          loads[id].push(await timed(id));
          fetchLoads[id].push(await timedFetches(id));
        }
        log(
          `  round ${String(round + 1).padStart(2)}/${rounds} (${order.join(', ')}): ${VARIANTS.map((id) => `${id} ${ms(loads[id].at(-1)!.doneMs)} + fetches ${ms(fetchLoads[id].at(-1)!.doneMs)}`).join(', ')}`,
        );
      }
      const machine = loadReport(load.stop(), availableParallelism());

      log(loadTable(VARIANTS, LABELS, loads));

      const ciRng = new Rng(7);
      const paired = (a: VariantId, b: VariantId, key: keyof Load, of = loads) => {
        const ratios = of[a].map((l, i) => l[key] / of[b][i]![key]);
        return { median: median(ratios), ci: bootstrapMedianCI(ratios, () => ciRng.next()) };
      };
      const pairs: [VariantId, VariantId][] = [
        ['ours', 'none'],
        ['floor', 'none'],
        ['ours', 'floor'],
        ['bodiless', 'floor'],
        ['ours', 'bodiless'],
      ];
      const { done, loadEvent } = pairedRatios(pairs, paired, rounds, log);
      const oursFloor = done.get('ours/floor')!;
      log(
        `ours/floor ${oursFloor.median.toFixed(4)} (goal ≤ ${GOAL_OURS_FLOOR}): ${oursFloor.median <= GOAL_OURS_FLOOR ? 'met' : 'missed'}`,
      );
      log(`load average ${machine.text}${machine.busy ? ': the machine was busy, load times are noisy' : ''}`);
      if (machine.busy)
        notes.push(
          `page-load-firefox: load average ${machine.text} during the rounds; the ratios are paired per round, but the spread is wider.`,
        );

      const rows: SummaryRow[] = [
        {
          metric: 'page',
          value: `/browse?n=${n}, ${rounds} rounds × ${VARIANTS.length} Firefox ESRs, fresh tab, no cache`,
          status: 'info',
        },
        ...VARIANTS.map(
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
          value: fmt(oursFloor),
          goal: `≤ ${GOAL_OURS_FLOOR}×`,
          status: oursFloor.median <= GOAL_OURS_FLOOR ? 'pass' : 'FAIL',
        },
        { metric: 'ours / floor at load event', value: fmt(loadEvent.get('ours/floor')!), status: 'info' },
        { metric: 'without bodies / floor (diagnostic)', value: fmt(done.get('bodiless/floor')!), status: 'info' },
        { metric: 'ours / without bodies (diagnostic)', value: fmt(done.get('ours/bodiless')!), status: 'info' },
        {
          metric: `endpoint page (${ENDPOINT_FETCHES} fetches), median to done`,
          value: VARIANTS.map((id) => `${id} ${ms(median(fetchLoads[id].map((l) => l.doneMs)))}`).join(', '),
          status: 'info',
        },
        { metric: 'endpoint page: ours / floor', value: fmt(paired('ours', 'floor', 'doneMs', fetchLoads)), status: 'info' },
        { metric: 'endpoint page: ours / without bodies', value: fmt(paired('ours', 'bodiless', 'doneMs', fetchLoads)), status: 'info' },
        { metric: 'load average during rounds', value: machine.text, status: machine.busy ? 'n/a' : 'info' },
      ];
      return { rows, notes };
    } finally {
      for (const id of VARIANTS) await browsers[id]?.close().catch(() => undefined);
      await floor.remove();
      await rm(bodiless, { recursive: true, force: true });
      await demo.close();
      await endpoints.close();
    }
  },
};

/** The endpoint page and its endpoint, on loopback: `/endpoints` and `/oauth/userinfo`. */
async function serveEndpointPage(): Promise<{ url: string; close(): Promise<void> }> {
  const body = JSON.stringify({ sub: 'alice', padding: 'x'.repeat(ENDPOINT_BODY_BYTES - 30) });
  // The fetches start after the load event, once the bench's observer of #result is in place (timeLoad).
  const page = `<!doctype html><title>endpoint fetches</title><div id="result" data-status="running"></div><p id="status"></p>
<script>addEventListener('load', async () => {
  const result = document.getElementById('result');
  try {
    for (let i = 0; i < ${ENDPOINT_FETCHES}; i++) await (await fetch('/oauth/userinfo?i=' + i)).text();
    result.dataset.status = 'done';
  } catch (error) {
    document.getElementById('status').textContent = String(error);
    result.dataset.status = 'error';
  }
});</script>`;
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path === '/endpoints')
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page);
    else if (path === '/oauth/userinfo')
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
    else response.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/endpoints`, close: () => new Promise((done) => server.close(() => done())) };
}
