/**
 * Shared plumbing of the sections that measure the extension in Chromium (page-load, worker, badge-latency):
 * the built extension (built here when missing, loaded from a private copy of dist/), the "permission floor"
 * extension generated at bench time, the service worker's CDP session, tab ids, the first sign-in, and the
 * machine's load.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, CDPSession, LaunchOptions, Page, Target, WebWorker } from 'puppeteer';
import type { WebRequest } from 'webextension-polyfill';
import { DIST, launchWithExtension, type ExtensionBrowser } from '../../demo/browser.ts';
import { driveVariant } from '../../demo/drive.ts';
import type { RunningDemo } from '../../demo/index.ts';
import { variants, type Variant } from '../../demo/variants.ts';
import productManifest from '../../manifest.json' with { type: 'json' };
import { runCommand } from './child.ts';
import type { BenchContext } from './types.ts';

export interface BuiltExtension {
  /** A private copy of dist/, taken once per bench run. */
  dir: string;
  /** When dist/'s manifest was written. */
  builtAt: number;
}

let snapshot: Promise<BuiltExtension & { note?: string }> | undefined;
let noted = false;

/**
 * The built extension, as a private copy of dist/ taken once per run: other processes (a test run, a watcher)
 * rebuild dist/ in place, and a browser launched mid-rebuild finds no manifest. dist/ is built
 * (`npm run build:extension`) when it stays missing, or first with --rebuild; it is copied once its files have
 * stopped changing. A note (to the first caller only) says when dist/ is older than src/: it is not rebuilt
 * behind the caller's back.
 */
export async function ensureExtensionBuilt(context: BenchContext): Promise<BuiltExtension & { note?: string }> {
  snapshot ??= (async () => {
    const manifest = join(DIST, 'manifest.json');
    let rebuilt = false;
    if (context.options.rebuild || !(await settledDir(DIST, 20_000))) {
      context.log(
        `building the extension (npm run build:extension)${context.options.rebuild ? ', --rebuild' : ', dist/manifest.json is missing'}…`,
      );
      const result = await runCommand('npm', ['run', 'build:extension'], context.root);
      if (result.exitCode !== 0 || !existsSync(manifest)) {
        throw new Error(`npm run build:extension failed: ${result.output.trim().split('\n').slice(-3).join(' | ')}`);
      }
      rebuilt = true;
    }
    const dir = await mkdtemp(join(tmpdir(), 'oauth-lens-dist-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    for (let attempt = 0; ; attempt++) {
      const before = await settledDir(DIST, 60_000);
      if (!before) throw new Error('dist/ has no manifest.json (and kept changing): run `npm run build:extension`');
      await rm(dir, { recursive: true, force: true });
      await cp(DIST, dir, { recursive: true });
      // The copy is good if dist/ did not change while it was taken.
      if (listing(DIST) === before && existsSync(join(dir, 'manifest.json'))) break;
      if (attempt >= 5) throw new Error('dist/ kept changing while it was copied');
    }
    const builtAt = statSync(join(dir, 'manifest.json')).mtimeMs;
    const newest = newestMtime(join(context.root, 'src'));
    const note =
      !rebuilt && newest > builtAt
        ? `dist/ (built ${new Date(builtAt).toISOString()}) is older than src/ (changed ${new Date(newest).toISOString()}): measured that build; pass --rebuild to build it first.`
        : undefined;
    return { dir, builtAt, ...(note ? { note } : {}) };
  })();
  const result = await snapshot;
  // Said once per run, by the first section that asks.
  if (!result.note || noted) return { dir: result.dir, builtAt: result.builtAt };
  noted = true;
  context.log(`note: ${result.note}`);
  return result;
}

/** Files, sizes and mtimes under a directory, as one string ('' when it has no manifest.json). */
function listing(dir: string): string {
  if (!existsSync(join(dir, 'manifest.json'))) return '';
  try {
    const walk = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) => {
        const path = join(d, e.name);
        if (e.isDirectory()) return walk(path);
        const stat = statSync(path);
        return [`${path}:${stat.size}:${stat.mtimeMs}`];
      });
    return walk(dir).sort().join('\n');
  } catch {
    return ''; // a file went away while listed: a rebuild is under way
  }
}

/** Waits until the directory has a manifest and has not changed for a second; its listing, or '' on timeout. */
async function settledDir(dir: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let previous = listing(dir);
  for (;;) {
    await sleep(1_000);
    const current = listing(dir);
    if (current && current === previous) return current;
    if (Date.now() > deadline) return '';
    previous = current;
  }
}

/** Chromium with the built extension installed from `ensureExtensionBuilt`'s private copy of dist/. */
export async function launchExtension(context: BenchContext, options: LaunchOptions = {}): Promise<ExtensionBrowser> {
  const { dir } = await ensureExtensionBuilt(context);
  return launchWithExtension({ ...options, extensionDir: dir });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (!/\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The permission floor: an MV3 extension holding OAuth Lens's permissions (those of its manifest.json:
 * `webRequest`, `webNavigation`, `storage`, `scripting`; host_permissions `<all_urls>`) with a module service worker
 * that registers no listener. What any
 * webRequest observer costs before it does anything (shared/capture-cost.md).
 *
 * With `listenersFor`, a diagnostic variant instead: the same extension whose worker registers, for each given
 * filter, the six webRequest listeners OAuth Lens registers (same extraInfoSpec, see src/background/index.ts),
 * each doing nothing. Its cost against the floor is the cost of dispatching events alone.
 */
export async function writeFloorExtension(
  listenersFor?: readonly WebRequest.RequestFilter[],
): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), listenersFor ? 'oauth-lens-listeners-' : 'oauth-lens-floor-'));
  const manifest = {
    manifest_version: 3,
    name: listenersFor ? 'OAuth Lens bench: empty listeners' : 'OAuth Lens bench: permission floor',
    version: '0.0.1',
    description: listenersFor
      ? "OAuth Lens's permissions and filters, listeners that do nothing."
      : 'Same permissions as OAuth Lens, no listener.',
    permissions: productManifest.permissions,
    host_permissions: productManifest.host_permissions,
    background: { service_worker: 'worker.js', type: 'module' },
  };
  const worker = listenersFor
    ? `// OAuth Lens's webRequest filters with listeners that do nothing.
const filters = ${JSON.stringify(listenersFor)};
for (const filter of filters) {
  const on = chrome.webRequest;
  on.onBeforeRequest.addListener(() => {}, filter, ['requestBody']);
  on.onBeforeSendHeaders.addListener(() => {}, filter, ['requestHeaders', 'extraHeaders']);
  on.onHeadersReceived.addListener(() => {}, filter, ['responseHeaders']);
  on.onBeforeRedirect.addListener(() => {}, filter, ['responseHeaders']);
  on.onCompleted.addListener(() => {}, filter, ['responseHeaders']);
  on.onErrorOccurred.addListener(() => {}, filter);
}
export {};
`
    : '// The permission floor: no listener of any kind.\nexport {};\n';
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(dir, 'worker.js'), worker);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The service worker target of an installed extension (it may take a moment to start). */
export function workerTarget(browser: Browser, extensionId: string, timeout = 20_000): Promise<Target> {
  return browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${extensionId}/`), {
    timeout,
  });
}

/** A CDP session on the extension's service worker, for `Runtime.getHeapUsage` and `HeapProfiler.collectGarbage`. */
export async function workerSession(chromium: ExtensionBrowser): Promise<CDPSession> {
  const target = await workerTarget(chromium.browser, chromium.extensionId);
  return target.createCDPSession();
}

export interface HeapUsage {
  /** Bytes of the V8 heap in use (live objects and garbage not yet collected). */
  usedSize: number;
  /** Bytes the V8 heap has reserved. */
  totalSize: number;
}

/** The worker's JS heap as is, and after a full garbage collection (what it retains). */
export async function heapUsage(session: CDPSession): Promise<{ before: HeapUsage; afterGc: HeapUsage }> {
  const before = await session.send('Runtime.getHeapUsage');
  await session.send('HeapProfiler.collectGarbage');
  const afterGc = await session.send('Runtime.getHeapUsage');
  return { before, afterGc };
}

export interface StoredLog {
  /** chrome.storage.session.getBytesInUse(null) */
  bytesInUse: number;
  /** Exchanges in the stored index, and the sum of their estimated sizes (what the retention cap counts). */
  exchanges: number;
  estimatedBytes: number;
  evicted: { flows: number; exchanges: number };
  /** Index entries whose exchange (`x:<id>` key) is not in storage: writes that failed (e.g. over the quota). */
  missing: number;
  /** Worker instances that recorded the kept exchanges (their id prefix is the worker's start time): > 1 after a restart. */
  workerInstances: number;
}

/** What the worker keeps in storage.session (the index's entries and eviction counts; see session-store.ts). */
export function storedLog(worker: WebWorker): Promise<StoredLog> {
  return worker.evaluate(async () => {
    const index = (await chrome.storage.session.get('index')).index as
      | { entries?: { id: string; size: number }[]; evicted?: { flows: number; exchanges: number } }
      | undefined;
    const entries = index?.entries ?? [];
    const keys = new Set(await chrome.storage.session.getKeys());
    return {
      bytesInUse: await chrome.storage.session.getBytesInUse(null),
      exchanges: entries.length,
      estimatedBytes: entries.reduce((sum, e) => sum + e.size, 0),
      evicted: index?.evicted ?? { flows: 0, exchanges: 0 },
      missing: entries.filter((e) => !keys.has(`x:${e.id}`)).length,
      workerInstances: new Set(entries.map((e) => e.id.split('-')[0])).size,
    };
  });
}

/**
 * Waits until the worker has stored everything it was given: the stored index stops changing (three equal
 * reads `intervalMs` apart). Returns the last read.
 */
export async function settledLog(worker: WebWorker, { intervalMs = 250, timeoutMs = 60_000 } = {}): Promise<StoredLog> {
  const deadline = Date.now() + timeoutMs;
  let previous = '';
  let same = 0;
  for (;;) {
    const log = await storedLog(worker);
    const key = JSON.stringify([log.exchanges, log.evicted, log.estimatedBytes]);
    same = key === previous ? same + 1 : 0;
    if (same >= 2 || Date.now() > deadline) return log;
    previous = key;
    await sleep(intervalMs);
  }
}

/** The ids of the browser's tabs, as the extension sees them. */
export function tabIds(worker: WebWorker): Promise<number[]> {
  return worker.evaluate(async () => (await chrome.tabs.query({})).map((t) => t.id!).filter((id) => id !== undefined));
}

/** Opens a page and returns it with its tab id (the one tab that was not there before). */
export async function newTab(chromium: ExtensionBrowser, worker: WebWorker): Promise<{ page: Page; tabId: number }> {
  const before = new Set(await tabIds(worker));
  const page = await chromium.browser.newPage();
  const deadline = Date.now() + 5_000;
  for (;;) {
    const added = (await tabIds(worker)).filter((id) => !before.has(id));
    if (added.length === 1) return { page, tabId: added[0]! };
    if (Date.now() > deadline) throw new Error(`could not tell the new tab's id (${added.length} new tabs)`);
    await sleep(20);
  }
}

export const GOOD: Variant = variants.find((v) => v.id === 'good')!;

/**
 * The first sign-in of the browser's profile: `good`, answering the login and consent prompts. Afterwards the
 * authorization server keeps the session and the grant for client `spa`, so `good` runs without a prompt.
 */
export async function signInOnce(browser: Browser, demo: RunningDemo): Promise<number> {
  const page = await browser.newPage();
  const started = performance.now();
  try {
    const outcome = await driveVariant(page, demo, GOOD);
    if (outcome.status !== 'done') throw new Error(`the first sign-in (good) ended ${outcome.status}: ${outcome.detail}`);
    return performance.now() - started;
  } finally {
    await page.close();
  }
}

/**
 * `good` once the session and grant exist: no prompt, so open it and wait for the client page's verdict
 * (faster than driveVariant, which polls every 100 ms; a prompt makes this time out).
 */
export async function runGood(page: Page, demo: RunningDemo, timeout = 15_000): Promise<{ status: string; detail: string }> {
  await page.goto(demo.variantUrl(GOOD));
  const result = await page.waitForSelector('#result[data-status="done"], #result[data-status="error"]', { timeout });
  const outcome = await result!.evaluate((el) => ({
    status: (el as HTMLElement).dataset.status ?? '',
    detail: el.querySelector('#status')?.textContent ?? '',
  }));
  await result!.dispose();
  return outcome;
}

/** Samples the 1-minute load average every few seconds while a section runs; `stop()` returns the samples. */
export function sampleLoad(everyMs = 5_000): { stop(): number[] } {
  const samples = [loadavg()[0]!];
  const timer = setInterval(() => samples.push(loadavg()[0]!), everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      samples.push(loadavg()[0]!);
      return samples;
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// --- Firefox (page-load's Firefox section) ---------------------------------------------------------

export const DIST_FIREFOX = join(import.meta.dirname, '../../dist-firefox');

let firefoxSnapshot: Promise<BuiltExtension & { note?: string }> | undefined;

/**
 * The Firefox add-on, as a private copy of dist-firefox/ taken once per run (built first when it is missing, or
 * with --rebuild), with a note when it is older than src/, as `ensureExtensionBuilt` does for dist/.
 */
export function ensureFirefoxAddonBuilt(context: BenchContext): Promise<BuiltExtension & { note?: string }> {
  firefoxSnapshot ??= (async () => {
    const manifest = join(DIST_FIREFOX, 'manifest.json');
    let rebuilt = false;
    if (context.options.rebuild || !(await settledDir(DIST_FIREFOX, 20_000))) {
      context.log('building the Firefox add-on (vite build --config vite.firefox.config.ts)…');
      const result = await runCommand('npx', ['vite', 'build', '--config', 'vite.firefox.config.ts'], context.root);
      if (result.exitCode !== 0 || !existsSync(manifest))
        throw new Error(`the Firefox build failed: ${result.output.trim().split('\n').slice(-3).join(' | ')}`);
      rebuilt = true;
    }
    const dir = await mkdtemp(join(tmpdir(), 'oauth-lens-dist-firefox-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    for (let attempt = 0; ; attempt++) {
      const before = await settledDir(DIST_FIREFOX, 60_000);
      if (!before) throw new Error('dist-firefox/ has no manifest.json (and kept changing): run `npm run build:extension`');
      await rm(dir, { recursive: true, force: true });
      await cp(DIST_FIREFOX, dir, { recursive: true });
      if (listing(DIST_FIREFOX) === before && existsSync(join(dir, 'manifest.json'))) break;
      if (attempt >= 5) throw new Error('dist-firefox/ kept changing while it was copied');
    }
    const builtAt = statSync(join(dir, 'manifest.json')).mtimeMs;
    const newest = newestMtime(join(context.root, 'src'));
    const note =
      !rebuilt && newest > builtAt
        ? `dist-firefox/ (built ${new Date(builtAt).toISOString()}) is older than src/ (changed ${new Date(newest).toISOString()}): measured that build; pass --rebuild to build it first.`
        : undefined;
    return { dir, builtAt, ...(note ? { note } : {}) };
  })();
  return firefoxSnapshot;
}

/**
 * The Firefox permission floor: an add-on holding exactly the permissions and host permissions of the built one
 * (`webRequest`, `storage`, `webRequestBlocking`, `webRequestFilterResponse`, `<all_urls>`), with a background
 * script that registers no listener.
 */
export async function writeFirefoxFloorAddon(ours: {
  permissions?: string[];
  host_permissions?: string[];
  browser_specific_settings?: { gecko?: { strict_min_version?: string } };
}): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'oauth-lens-firefox-floor-'));
  const manifest = {
    manifest_version: 3,
    name: 'OAuth Lens bench: permission floor (Firefox)',
    version: '0.0.1',
    description: 'Same permissions as OAuth Lens for Firefox, no listener.',
    permissions: ours.permissions ?? [],
    host_permissions: ours.host_permissions ?? [],
    background: { scripts: ['background.js'], type: 'module' },
    browser_specific_settings: {
      gecko: {
        id: 'oauth-lens-bench-floor@oauth-lens.dev',
        strict_min_version: ours.browser_specific_settings?.gecko?.strict_min_version ?? '140.0',
        data_collection_permissions: { required: ['none'] },
      },
    },
  };
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(dir, 'background.js'), '// The permission floor: no listener of any kind.\nexport {};\n');
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
