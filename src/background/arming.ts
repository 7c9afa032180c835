/**
 * Arms the webRequest capture while a sign-in may be under way and disarms it otherwise (the decisions and why:
 * src/capture/arming.ts). This module holds the browser side: the `webNavigation` listeners that arm, the timer
 * that disarms, the state kept in storage.session for a restarted worker, and the navigations rebuilt when their
 * request left before the listeners were there.
 *
 * Chrome wakes a stopped worker for every listener it ever registered, including those added after its first
 * turn, until an instance removes them; a restarted instance cannot remove listeners it did not add, so it adds
 * and removes the same ones ('unregister'). Firefox listens always (`alwaysArmed`): its webRequest costs pages no
 * such detour, and its event page must find its listeners at the top level when it wakes.
 */
import browser, { type Events, type WebNavigation } from 'webextension-polyfill';
import type { Exchange } from '../core/model.ts';
import {
  armedUntil,
  authorizationRequestKey,
  authorizationResponseOf,
  disarmed,
  expire,
  isArmed,
  isArmingState,
  NavigationLedger,
  navigationExchange,
  SIGN_IN_NAVIGATIONS,
  signInAnswered,
  signInStarted,
  startUp,
  watchedOriginFilters,
  watchedPageCommitted,
  type ArmingState,
  type NavigationDetails,
  type NavigationUrlFilter,
} from '../capture/arming.ts';
import type { Watchlist } from '../capture/relevance.ts';

const STATE_KEY = 'arming';
/** A navigation whose commit never comes (a download, a tab closed) stops being waited for. */
const NAVIGATION_WAIT_MS = 60_000;

export interface ArmingOptions {
  /** Firefox: listen from the first turn and always. */
  alwaysArmed: boolean;
  /** Adds the webRequest listeners; returns what removes them. */
  listen(): () => void;
  /** The capture log has been read. */
  ready: Promise<unknown>;
  watch(): Watchlist;
  /** Keeps an exchange rebuilt from a navigation (it goes through the same relevance test as the others). */
  keep(exchange: Exchange): void;
}

export interface CaptureArming {
  /** webRequest saw a request of a frame (call from every frame event, before the exchange is kept). */
  sawFrameRequest(tabId: number, frameId: number, url: string): void;
  /** An exchange was kept: an authorization request keeps the capture armed, its response lets it go. */
  kept(exchange: Exchange): void;
  /** The watchlist changed: follow its origins. */
  followWatch(): void;
}

/** Call synchronously at the worker's top level: the webNavigation listeners must be there in its first turn. */
export function captureArming(options: ArmingOptions): CaptureArming {
  // Firefox: no webNavigation (its manifest does not ask for it), the listeners are there from the first turn.
  if (options.alwaysArmed) {
    options.listen();
    return { sawFrameRequest: () => undefined, kept: () => undefined, followWatch: () => undefined };
  }
  const ledger = new NavigationLedger();
  let state: ArmingState = disarmed();
  let removeListeners: (() => void) | undefined;
  let disarmTimer: ReturnType<typeof setTimeout> | undefined;
  /** Authorization request navigations started while disarmed, by frame, until they commit. */
  const started = new Map<string, NavigationDetails & { key: string }>();
  let stateLoaded = false;
  /** Every commit is heard (followCommits). */
  let hearingCommits = false;
  let commitsTimer: ReturnType<typeof setTimeout> | undefined;
  // Ids must not collide with those a previous instance of this worker stored.
  const idPrefix = `n${Date.now().toString(36)}`;
  let sequence = 0;
  const nextId = () => `${idPrefix}-${++sequence}`;

  const save = () =>
    browser.storage.session.set({ [STATE_KEY]: state }).catch((error: unknown) => console.error('OAuth Lens: arming state', error));

  function arm(): void {
    if (removeListeners) return;
    removeListeners = options.listen();
    // Before the stored state is read, it is folded in (listening included) once it is.
    if (stateLoaded && !state.listening) {
      state = { ...state, listening: true };
      void save();
    }
  }

  function disarm(): void {
    removeListeners?.();
    removeListeners = undefined;
    state = { ...disarmed(), listening: false };
    void save();
  }

  /** Arms now if the state says so, and disarms when it stops saying so. */
  function follow(): void {
    const now = Date.now();
    state = expire(state, now);
    clearTimeout(disarmTimer);
    if (!isArmed(state, now)) {
      if (removeListeners || state.listening) disarm();
      return;
    }
    arm();
    void save();
    disarmTimer = setTimeout(follow, armedUntil(state) - now + 10);
  }

  function update(next: (current: ArmingState, now: number) => ArmingState): void {
    if (!stateLoaded) {
      // The first turn of a woken worker: arm at once, and fold the stored state in once it is read.
      arm();
      void loaded.then(() => update(next));
      return;
    }
    state = next(state, Date.now());
    follow();
  }

  const loaded = (async () => {
    const stored = ((await browser.storage.session.get(STATE_KEY).catch(() => ({}))) as Record<string, unknown>)[STATE_KEY];
    const restored = isArmingState(stored) ? stored : disarmed();
    state = { ...restored, listening: restored.listening || removeListeners !== undefined };
    stateLoaded = true;
    const action = startUp(state, Date.now());
    if (action === 'unregister' && !removeListeners) {
      // Listeners a stopped instance left registered: only adding and removing the same ones unregisters them,
      // the learned endpoints' included (they follow the capture log, hence the wait).
      await options.ready;
      if (!removeListeners) options.listen()();
    }
    // A stopped instance may have been hearing every commit: unregister that listener the same way.
    if (!hearingCommits) {
      followCommits(true);
      followCommits();
    }
    follow();
  })();

  // --- what arms -----------------------------------------------------------------------------------------
  const frameOf = (d: { tabId: number; frameId: number }) => `${d.tabId}:${d.frameId}`;

  function onSignInNavigation(details: WebNavigation.OnBeforeNavigateDetailsType): void {
    const key = authorizationRequestKey(details.url);
    if (key === undefined) {
      // `code=`, `error=`: perhaps an authorization response coming back to a worker that was stopped.
      if (!removeListeners) void loaded.then(follow);
      return;
    }
    if (!removeListeners) {
      started.set(frameOf(details), {
        url: details.url,
        tabId: details.tabId,
        frameId: details.frameId,
        timeStamp: details.timeStamp,
        key,
      });
      followCommits();
    }
    update((s, now) => signInStarted(s, key, now));
  }

  function onCommitted(details: WebNavigation.OnCommittedDetailsType): void {
    const start = started.get(frameOf(details));
    if (start) {
      started.delete(frameOf(details));
      followCommits();
      // The authorization request left before the listeners were there: its URL is in the navigation event.
      if (!ledger.hasSeen(start.tabId, start.frameId, start.url)) options.keep(navigationExchange(nextId(), start));
    }
    // A query response committed without webRequest seeing it: the whole redirect chain ran before the listeners
    // were there (the server signed the user in at once), or the worker was stopped mid-sign-in and woke too late
    // for it. A fragment never reaches an exchange's URL, so a fragment response is not rebuilt.
    const response = authorizationResponseOf({ url: details.url.split('#')[0]!, requestBody: { kind: 'none' } });
    if (!response) return;
    const arrival = { url: details.url, tabId: details.tabId, frameId: details.frameId, timeStamp: details.timeStamp };
    void loaded.then(() => {
      if (!(start || isArmed(state, Date.now())) || ledger.hasSeen(arrival.tabId, arrival.frameId, arrival.url)) return;
      ledger.saw(arrival.tabId, arrival.frameId, arrival.url);
      options.keep(navigationExchange(nextId(), arrival));
    });
  }

  function onNavigationError(details: WebNavigation.OnErrorOccurredDetailsType): void {
    const start = started.get(frameOf(details));
    if (!start) return;
    started.delete(frameOf(details));
    followCommits();
    if (!ledger.hasSeen(start.tabId, start.frameId, start.url)) options.keep(navigationExchange(nextId(), start));
  }

  /** While a navigation started disarmed is pending, every commit is heard, so its own is not missed. */
  function followCommits(force = false): void {
    const hear = force || started.size > 0;
    if (hear === hearingCommits) return;
    hearingCommits = hear;
    clearTimeout(commitsTimer);
    if (hear) {
      browser.webNavigation.onCommitted.addListener(onCommitted);
      browser.webNavigation.onErrorOccurred.addListener(onNavigationError);
      commitsTimer = setTimeout(() => {
        started.clear();
        followCommits();
      }, NAVIGATION_WAIT_MS);
    } else {
      browser.webNavigation.onCommitted.removeListener(onCommitted);
      browser.webNavigation.onErrorOccurred.removeListener(onNavigationError);
    }
  }

  const signInFilter = { url: [...SIGN_IN_NAVIGATIONS] as Events.UrlFilter[] };
  browser.webNavigation.onBeforeNavigate.addListener(onSignInNavigation, signInFilter);
  // A committed response whose navigation began before this worker started (stopped mid-sign-in).
  browser.webNavigation.onCommitted.addListener((details) => {
    if (!hearingCommits) onCommitted(details);
  }, signInFilter);

  // Pages of watched origins: filters follow the watchlist, so this listener is replaced when it changes.
  let watchedFilters: NavigationUrlFilter[] = [];
  /** The watchlist the filters follow: learning returns the same object when nothing changed (relevance.ts). */
  let watchedFrom: Watchlist | undefined;
  const onWatchedPage = () => update(watchedPageCommitted);
  function followWatch(): void {
    const watch = options.watch();
    if (watch === watchedFrom) return;
    watchedFrom = watch;
    const filters = watchedOriginFilters(watch);
    if (JSON.stringify(filters) === JSON.stringify(watchedFilters)) return;
    if (watchedFilters.length) browser.webNavigation.onCommitted.removeListener(onWatchedPage);
    watchedFilters = filters;
    if (filters.length) browser.webNavigation.onCommitted.addListener(onWatchedPage, { url: filters as Events.UrlFilter[] });
  }
  void options.ready.then(followWatch);

  return {
    sawFrameRequest: (tabId, frameId, url) => ledger.saw(tabId, frameId, url),
    kept(exchange) {
      const key = exchange.method === 'GET' ? authorizationRequestKey(exchange.url) : undefined;
      if (key !== undefined) return update((s, now) => signInStarted(s, key, now));
      const response = authorizationResponseOf(exchange);
      if (response) update((s, now) => signInAnswered(s, response.key, now));
    },
    followWatch,
  };
}
