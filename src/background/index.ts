/**
 * The background service worker: observes OAuth traffic through webRequest, keeps it in storage.session,
 * analyzes it with the pure core, sets the badge, and serves the views.
 *
 * MV3 may stop this worker at any time (a user can spend minutes on a sign-in page). Listeners are therefore
 * registered synchronously at the top level, so Chrome wakes the worker for the next event, and everything
 * worth keeping is written to storage.session as soon as its request finishes.
 */
import browser, { type Runtime, type Tabs, type WebRequest } from 'webextension-polyfill';
import { analyze } from '../core/analyze.ts';
import type { Exchange } from '../core/model.ts';
import { flowVerdict, lastFlowByTab } from '../core/summary.ts';
import { patternsForLearnedEndpoints, seenByPatterns } from '../capture/learned-endpoints.ts';
import { isRelevant, learn, learnEndpoints } from '../capture/relevance.ts';
import { WebRequestRecorder } from '../capture/webrequest.ts';
import {
  asViewMessage,
  PORT_NAME,
  PROTOCOL_VERSION,
  type CaptureSnapshot,
  type Command,
  type WorkerMessage,
} from '../messaging/protocol.ts';
import { badgeOf } from './badge.ts';
import { DEFAULT_LIMITS, planEviction, SHRUNK_LIMITS, type RetentionLimits } from './retention.ts';
import { SessionStore } from './session-store.ts';
import { BODY_REQUESTS, BODY_URL_PATTERNS, NAVIGATIONS, SCRIPT_REQUESTS, SCRIPT_URL_PATTERNS } from './filters.ts';
import { responseBodyReader } from './response-bodies.ts';
import { captureArming } from './arming.ts';
import { pageBodies as pageBodiesFor } from './page-bodies.ts';

// Ids must not collide with those a previous instance of this worker stored.
const recorder = new WebRequestRecorder(`w${Date.now().toString(36)}`);
const store = new SessionStore(browser.storage.session);
const ready = store.load().catch((error: unknown) => console.error('OAuth Lens: could not restore the capture log', error));
/** Firefox reads response bodies (stream filters); undefined in Chrome, which cannot. */
const responseBodies = responseBodyReader();
/** Chrome: bodies reported by the pages of a sign-in's redirect_uri origin; undefined in Firefox. */
const pageBodies = pageBodiesFor({
  enqueue,
  exchanges: () => store.exchanges,
  paused: () => store.paused,
  async replace(exchange) {
    await store.replace(exchange);
    scheduleAnalysis(analysisDelayAfter(exchange));
  },
});

// Every update goes through one queue, so back-to-back events are applied in order and none is lost.
let queue: Promise<unknown> = ready;
function enqueue(task: () => Promise<void>): void {
  queue = queue.then(task).catch((error: unknown) => console.error('OAuth Lens:', error));
}

function keep(observed: Exchange): void {
  pageBodies?.noteExchange(observed);
  enqueue(async () => {
    if (store.paused || !isRelevant(observed, store.watch)) return;
    // Learned from before the page's body joins: a page-reported body teaches no endpoint.
    const watch = learn(store.watch, observed);
    const exchange = (await pageBodies?.joinPending(observed)) ?? observed;
    try {
      await store.append(exchange, watch);
    } catch {
      // The session quota is full: drop the oldest flows and try once more.
      await evict(SHRUNK_LIMITS);
      await store.append(exchange, watch);
    }
    followLearnedEndpoints();
    arming.kept(exchange);
    arming.followWatch();
    scheduleAnalysis(analysisDelayAfter(exchange));
  });
}

/** Keeps a completed exchange, with its response body once that has ended when the body was read. */
function keepCompleted(exchange: Exchange, requestId: string): void {
  const withBody = responseBodies?.withBody(exchange, requestId);
  if (withBody) void withBody.then(keep);
  else keep(exchange);
}

async function evict(limits: RetentionLimits): Promise<void> {
  const analysis = await analyze(store.exchanges);
  const eviction = planEviction(store.entries, analysis.flows, limits);
  await store.evict(eviction.ids, eviction.flows);
}

// --- webRequest listeners (top level, synchronous) ---------------------------------------------------
/**
 * Chrome withholds some request headers (Origin, Cookie, Referer, …) from listeners not asking with 'extraHeaders';
 * Firefox hands them all over and rejects the option it does not know ("Invalid enumeration value"), which would
 * throw here and leave every listener after it unregistered. Each browser lists the options it knows in
 * `webRequest.OnBeforeSendHeadersOptions` (Chrome: REQUEST_HEADERS, BLOCKING, EXTRA_HEADERS; Firefox ESR 153:
 * REQUESTHEADERS, BLOCKING), so the option is asked for exactly where it is listed.
 */
const knownSendHeadersOptions: readonly string[] = Object.values(
  (browser.webRequest as { OnBeforeSendHeadersOptions?: Record<string, string> }).OnBeforeSendHeadersOptions ?? {},
);
const SEND_HEADERS_OPTIONS: WebRequest.OnBeforeSendHeadersOptions[] = knownSendHeadersOptions.includes('extraHeaders')
  ? ['requestHeaders', 'extraHeaders']
  : ['requestHeaders'];

/**
 * Feeds the recorder every event of the requests the filter matches (and `accepts`, when given); returns what
 * removes these listeners again.
 */
function addCaptureListeners(filter: WebRequest.RequestFilter, accepts: (url: string) => boolean = () => true): () => void {
  const events = browser.webRequest;
  // A frame's request seen by any of its events is not rebuilt from its navigation (arming.ts).
  const sawFrame = (d: { type: string; tabId: number; frameId: number; url: string }) => {
    if (d.type === 'main_frame' || d.type === 'sub_frame') arming.sawFrameRequest(d.tabId, d.frameId, d.url);
  };
  const beforeRequest = (d: WebRequest.OnBeforeRequestDetailsType) => {
    sawFrame(d);
    if (accepts(d.url)) recorder.beforeRequest(d);
  };
  const sendHeaders = (d: WebRequest.OnBeforeSendHeadersDetailsType) => {
    sawFrame(d);
    if (accepts(d.url)) recorder.sendHeaders(d);
  };
  const headersReceived = (d: WebRequest.OnHeadersReceivedDetailsType) => {
    sawFrame(d);
    if (accepts(d.url)) recorder.headersReceived(d);
  };
  const redirected = (d: WebRequest.OnBeforeRedirectDetailsType) => {
    sawFrame(d);
    if (!accepts(d.url)) return;
    responseBodies?.forget(d.requestId);
    keep(recorder.redirected(d));
  };
  const completed = (d: WebRequest.OnCompletedDetailsType) => {
    sawFrame(d);
    if (!accepts(d.url)) return;
    keepCompleted(recorder.completed(d), d.requestId);
  };
  const failed = (d: WebRequest.OnErrorOccurredDetailsType) => {
    sawFrame(d);
    if (!accepts(d.url)) return;
    responseBodies?.forget(d.requestId);
    keep(recorder.failed(d));
  };
  events.onBeforeRequest.addListener(beforeRequest, filter, ['requestBody']);
  events.onBeforeSendHeaders.addListener(sendHeaders, filter, SEND_HEADERS_OPTIONS);
  events.onHeadersReceived.addListener(headersReceived, filter, ['responseHeaders']);
  events.onBeforeRedirect.addListener(redirected, filter, ['responseHeaders']);
  events.onCompleted.addListener(completed, filter, ['responseHeaders']);
  events.onErrorOccurred.addListener(failed, filter);
  return () => {
    events.onBeforeRequest.removeListener(beforeRequest);
    events.onBeforeSendHeaders.removeListener(sendHeaders);
    events.onHeadersReceived.removeListener(headersReceived);
    events.onBeforeRedirect.removeListener(redirected);
    events.onCompleted.removeListener(completed);
    events.onErrorOccurred.removeListener(failed);
  };
}

/**
 * Learned endpoints (learned-endpoints.ts) get listeners of their own while the capture is armed, added once the
 * stored list is read and replaced whenever it changes: a webRequest filter is fixed when its listener is added.
 * Chrome only promises to dispatch to listeners added in the worker's first turn, so while the worker sleeps a
 * request to a learned endpoint alone may not wake it; a sign-in's navigations match the fixed filter and wake it,
 * and the stored list is read within milliseconds, before the page's script gets to its token request. Requests
 * the fixed filter also matches (a learned endpoint called with `?grant_type=…`) are left to the fixed listeners,
 * so none is recorded twice.
 */
let removeLearnedListeners: (() => void) | undefined;
let learnedPatterns: readonly string[] = [];
/** The list the listeners follow; learning returns the same array when nothing changed. */
let learnedFrom: readonly string[] | undefined;
function followLearnedEndpoints(): void {
  const endpoints = listening ? store.watch.endpoints : [];
  if (endpoints === learnedFrom) return;
  learnedFrom = endpoints;
  const patterns = patternsForLearnedEndpoints(endpoints, SCRIPT_URL_PATTERNS);
  if (patterns.length === learnedPatterns.length && patterns.every((p, i) => p === learnedPatterns[i])) return;
  removeLearnedListeners?.();
  removeLearnedListeners = patterns.length ? addLearnedListeners({ urls: patterns, types: SCRIPT_REQUESTS.types }) : undefined;
  learnedPatterns = patterns;
}

/** A learned endpoint is captured, and its response body read, unless the fixed listeners already do it. */
function addLearnedListeners(filter: WebRequest.RequestFilter): () => void {
  const removeCapture = addCaptureListeners(filter, (url) => !seenByPatterns(url, SCRIPT_URL_PATTERNS));
  const removeBodies = responseBodies?.listen(filter, (url) => !seenByPatterns(url, BODY_URL_PATTERNS));
  return () => {
    removeCapture();
    removeBodies?.();
  };
}

/**
 * The webRequest listeners exist only while a sign-in may be under way (arming.ts): in Chrome any webRequest
 * listener makes every request of every page take a detour through the browser. Firefox listens always.
 */
let listening = false;
const arming = captureArming({
  alwaysArmed: responseBodies !== undefined,
  ready,
  watch: () => store.watch,
  keep,
  listen() {
    const removers = [NAVIGATIONS, SCRIPT_REQUESTS].map((filter) => addCaptureListeners(filter));
    const removeBodies = responseBodies?.listen(BODY_REQUESTS);
    listening = true;
    followLearnedEndpoints();
    void ready.then(followLearnedEndpoints);
    return () => {
      for (const remove of removers) remove();
      removeBodies?.();
      listening = false;
      followLearnedEndpoints();
    };
  },
});

// --- analysis, badge, views ------------------------------------------------------------------------
const ANALYSIS_DELAY_MS = 30;
/**
 * A fetch or XHR (a token, userinfo or PAR request) is no hop of a redirect chain: nothing follows it at once,
 * so its analysis need not wait for more hops, and the badge shows the token response's verdict sooner.
 */
const FETCH_ANALYSIS_DELAY_MS = 5;
function analysisDelayAfter(exchange: Exchange): number {
  return exchange.initiator === 'fetch' ? FETCH_ANALYSIS_DELAY_MS : ANALYSIS_DELAY_MS;
}
let analysisTimer: ReturnType<typeof setTimeout> | undefined;
/** An analysis waits in the queue: later events join it rather than queue another. */
let analysisQueued = false;
let badgedTabs = new Map<number, ReturnType<typeof badgeOf>>();

/**
 * Analyses the whole log once events pause for ANALYSIS_DELAY_MS (a redirect chain's hops; less after a fetch), and never queues a
 * second analysis behind one that has not started: under a stream of sign-ins, the events that arrive while
 * an analysis runs are covered by the next one, so the badge lags by about one analysis, not by a backlog.
 */
function scheduleAnalysis(delayMs = ANALYSIS_DELAY_MS): void {
  clearTimeout(analysisTimer);
  analysisTimer = setTimeout(() => {
    if (analysisQueued) return;
    analysisQueued = true;
    enqueue(async () => {
      analysisQueued = false;
      await runAnalysis();
    });
  }, delayMs);
}

async function runAnalysis(): Promise<void> {
  const exchanges = store.exchanges;
  const analysis = await analyze(exchanges);
  const eviction = planEviction(store.entries, analysis.flows, DEFAULT_LIMITS);
  if (eviction.ids.size) {
    await store.evict(eviction.ids, eviction.flows);
    return runAnalysis();
  }
  const next = new Map<number, ReturnType<typeof badgeOf>>();
  for (const [tabId, flow] of lastFlowByTab(analysis, exchanges)) {
    const diagnoses = analysis.diagnoses.filter((d) => d.flowId === flow.id);
    next.set(tabId, badgeOf(flowVerdict(analysis, flow), diagnoses));
  }
  const cleared = [...badgedTabs.keys()].filter((tabId) => !next.has(tabId));
  badgedTabs = next;
  followBadgedTabs();
  await Promise.all([...next.keys(), ...cleared].map(refreshBadge));
  broadcast();
  pageBodies?.followLog(exchanges);
}

// Chrome resets a tab's badge when a new document commits in it, which can happen after the analysis that set
// the badge (a response's last byte, webRequest's onCompleted, may arrive before the commit). A tab's load
// completing comes after its commit: set the badge again then. Only tabs with a badge are touched, and the
// listener is there only while a tab has one: it would wake the worker at every page load of every tab.
const onTabUpdated = (tabId: number, change: Tabs.OnUpdatedChangeInfoType) => {
  if (change.status === 'complete' && badgedTabs.has(tabId)) enqueue(async () => refreshBadge(tabId));
};
/** Undefined until this instance decides: a stopped instance's listener stays registered until one is removed. */
let followingTabs: boolean | undefined;
function followBadgedTabs(): void {
  const follow = badgedTabs.size > 0;
  if (follow === followingTabs) return;
  if (follow || followingTabs === undefined) browser.tabs.onUpdated.addListener(onTabUpdated);
  if (!follow) browser.tabs.onUpdated.removeListener(onTabUpdated);
  followingTabs = follow;
}

async function refreshBadge(tabId: number): Promise<void> {
  const badge = badgedTabs.get(tabId);
  try {
    await browser.action.setBadgeText({ tabId, text: badge?.text ?? '' });
    if (badge) {
      await browser.action.setBadgeBackgroundColor({ tabId, color: badge.color });
      await browser.action.setTitle({ tabId, title: badge.title });
    }
  } catch {
    // The tab is gone: nothing to show.
  }
}

const ports = new Set<Runtime.Port>();

function snapshot(): CaptureSnapshot {
  return { exchanges: store.exchanges, evicted: store.evicted, paused: store.paused, since: store.since };
}

function broadcast(): void {
  const message: WorkerMessage = { type: 'snapshot', version: PROTOCOL_VERSION, snapshot: snapshot() };
  for (const port of ports) port.postMessage(message);
}

browser.runtime.onConnect.addListener((port) => {
  if (port.name !== PORT_NAME) return;
  const reply = (message: WorkerMessage) => {
    if (ports.has(port)) port.postMessage(message);
  };
  port.onMessage.addListener((raw: unknown) => {
    const message = asViewMessage(raw);
    if (!message) return;
    if (message.type === 'hello') {
      if (message.version !== PROTOCOL_VERSION) {
        port.postMessage({ type: 'version-mismatch', workerVersion: PROTOCOL_VERSION } satisfies WorkerMessage);
        return;
      }
      ports.add(port);
      enqueue(async () => reply({ type: 'snapshot', version: PROTOCOL_VERSION, snapshot: snapshot() }));
      return;
    }
    const { id, command } = message;
    enqueue(async () => {
      try {
        await carryOut(command);
        reply({ type: 'response', id, ok: true });
      } catch (error) {
        reply({ type: 'response', id, ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    });
  });
  port.onDisconnect.addListener(() => ports.delete(port));
});

async function carryOut(command: Command): Promise<void> {
  switch (command.type) {
    case 'clear':
      await store.clear();
      await runAnalysis();
      return;
    case 'learn-endpoints': {
      const watch = learnEndpoints(store.watch, command.urls);
      if (watch === store.watch) return;
      await store.setWatch(watch);
      followLearnedEndpoints();
      return;
    }
    case 'set-paused':
      await store.setPaused(command.paused);
      broadcast();
      return;
  }
}

// A restarted worker redraws badges from the restored log.
enqueue(runAnalysis);
