/// <reference types="@crxjs/vite-plugin/client" />
/**
 * Response bodies reported by the page, in Chrome with DevTools closed (Firefox reads them itself: response-bodies.ts).
 *
 * When the worker keeps an authorization request, it registers two content scripts for the origin of its
 * redirect_uri, and only that origin: the page's script (src/content/page-hook.ts, in the page's own world, at
 * document_start) copies the responses of the page's requests to OAuth endpoints, and the relay
 * (src/content/relay.ts, isolated world) sends each copy here. A page that never started a sign-in gets nothing.
 * The scripts are registered for the session only (`persistAcrossSessions: false`) and are unregistered once no
 * authorization request for their origin is left in the capture log (Clear empties it; the ring drops old flows):
 * while a flow is in the log its page may still refresh its tokens.
 *
 * A report is hostile input (src/capture/page-bodies.ts): it is checked whole, is joined only to an exchange
 * webRequest captured in the sender's own tab (never makes one), and the exchange is marked `responseBodyFrom:
 * 'page'`. A report may come before webRequest completes its exchange or after it was kept: early ones wait in
 * storage.session (bounded, a minute at most), so they survive the worker being stopped, and join the exchange
 * when it is kept (`joinPending`); late ones are joined to the kept exchange at once.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import type { Exchange } from '../core/model.ts';
import {
  asPageBodyReport,
  exchangeForReport,
  PAGE_BODY_MESSAGE,
  pendingReportFor,
  prunePending,
  redirectOriginOf,
  withReportedBody,
  type PageBodyReport,
  type PendingReport,
} from '../capture/page-bodies.ts';
import { listenForDeepCapture } from './deep-capture.ts';
import pageHookFile from '../content/page-hook.ts?iife';
import relayFile from '../content/relay.ts?iife';

/** What the worker lends this module: its queue, its log, and a way to put a body into a kept exchange. */
export interface PageBodiesHost {
  enqueue(task: () => Promise<void>): void;
  exchanges(): readonly Exchange[];
  paused(): boolean;
  /** Writes a kept exchange again, now with its body, and has the log analysed. */
  replace(exchange: Exchange): Promise<void>;
}

export interface PageBodies {
  /** Called for each exchange the worker keeps: an authorization request registers its redirect_uri's origin. */
  noteExchange(exchange: Exchange): void;
  /** The exchange, with the body a page reported for it before it completed, when one waits. */
  joinPending(exchange: Exchange): Promise<Exchange>;
  /** After each analysis and on Clear: keeps the scripts registered for the origins still in the log, and only those. */
  followLog(exchanges: readonly Exchange[]): void;
}

export const PAGE_HOOK_SCRIPT_ID = 'oauth-lens-page-hook';
export const RELAY_SCRIPT_ID = 'oauth-lens-relay';
const PENDING_KEY = 'pageBodies:pending';

/**
 * The page-reported bodies, where they are needed: Chrome (no stream filters) with the scripting API. Undefined in
 * Firefox, which reads bodies itself and so never registers a script.
 */
export function pageBodies(host: PageBodiesHost): PageBodies | undefined {
  if (typeof browser.webRequest.filterResponseData === 'function') return undefined;
  const scripting = globalThis.chrome?.scripting;
  if (typeof scripting?.registerContentScripts !== 'function') return undefined;

  let origins: ReadonlySet<string> = new Set();
  let registration: Promise<unknown> = scripting
    .getRegisteredContentScripts({ ids: [PAGE_HOOK_SCRIPT_ID] })
    .then(([script]) => {
      origins = new Set((script?.matches ?? []).map((pattern) => pattern.replace(/\/\*$/, '')));
    })
    .catch(() => undefined);

  /** Registers, updates or unregisters the two scripts, one change after the other. */
  function register(next: ReadonlySet<string>): void {
    registration = registration
      .then(async () => {
        if (sameSet(next, origins)) return;
        const ids = [PAGE_HOOK_SCRIPT_ID, RELAY_SCRIPT_ID];
        const registered = await scripting.getRegisteredContentScripts({ ids });
        if (registered.length) await scripting.unregisterContentScripts({ ids: registered.map((s) => s.id) });
        origins = next;
        if (!next.size) return;
        const matches = [...next].sort().map((origin) => `${origin}/*`);
        const common = { matches, runAt: 'document_start', allFrames: true, persistAcrossSessions: false } as const;
        await scripting.registerContentScripts([
          { id: PAGE_HOOK_SCRIPT_ID, js: [pageHookFile], world: 'MAIN', ...common },
          { id: RELAY_SCRIPT_ID, js: [relayFile], world: 'ISOLATED', ...common },
        ]);
      })
      .catch((error: unknown) => console.warn('OAuth Lens: cannot register the page-body scripts', error));
  }

  let pending: Promise<PendingReport[]> = browser.storage.session
    .get(PENDING_KEY)
    .then((stored) => (Array.isArray(stored[PENDING_KEY]) ? (stored[PENDING_KEY] as PendingReport[]) : []))
    .catch(() => []);
  async function savePending(next: PendingReport[]): Promise<void> {
    pending = Promise.resolve(next);
    await browser.storage.session.set({ [PENDING_KEY]: next });
  }

  browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
    if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== PAGE_BODY_MESSAGE) return undefined;
    const tabId = sender.tab?.id;
    if (sender.id !== browser.runtime.id || tabId === undefined || tabId < 0) return undefined;
    if (!sender.url || !URL.canParse(sender.url)) return undefined;
    const senderOrigin = new URL(sender.url).origin;
    const report = asPageBodyReport((message as { report?: unknown }).report);
    if (!report) return undefined;
    // Only a page of an origin the scripts are registered for reports (a frame of it included). A report may be
    // what wakes a stopped worker: the registered origins are read first.
    void registration.then(() => {
      if (origins.has(senderOrigin)) receive(report, tabId, 'page');
    });
    return undefined;
  });
  listenForDeepCapture((report, tabId) => receive(report, tabId, 'browser'));

  /** Joins a body to its kept exchange, or keeps it waiting for the exchange webRequest has not completed yet. */
  function receive(report: PageBodyReport, tabId: number, from: PendingReport['from']): void {
    host.enqueue(async () => {
      const exchange = exchangeForReport(report, tabId, host.exchanges());
      if (exchange) {
        await host.replace(withReportedBody(exchange, report, from));
        return;
      }
      const now = Date.now();
      await savePending(prunePending(await pending, now, { tabId, report, received: now, from }));
    });
  }

  return {
    noteExchange(exchange) {
      if (host.paused()) return;
      const origin = redirectOriginOf(exchange);
      if (origin && !origins.has(origin)) register(new Set([...origins, origin]));
    },
    async joinPending(exchange) {
      if (exchange.initiator !== 'fetch' || exchange.responseBody !== undefined) return exchange;
      const waiting = prunePending(await pending, Date.now());
      const index = pendingReportFor(exchange, waiting);
      if (index === -1) return exchange;
      const { report, from } = waiting[index]!;
      waiting.splice(index, 1);
      await savePending(waiting);
      return withReportedBody(exchange, report, from);
    },
    followLog(exchanges) {
      const next = new Set<string>();
      for (const exchange of exchanges) {
        const origin = redirectOriginOf(exchange);
        if (origin) next.add(origin);
      }
      if (!sameSet(next, origins)) register(next);
    },
  };
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((value) => b.has(value));
}
