// The runtime that lets a variant read as one straight script although the browser leaves the page for every
// authorization request. The run lives in sessionStorage; on each page load the variant's script is replayed
// from the top, and every step that already happened returns its stored result instead of happening again.
// So a step with an effect (a navigation, a fetch, fresh random values) must go through one of the methods
// below: `once`, `navigate`, `authorize`, `frames`, `popup`, `authorizeInPopup` or `leaveInFrame`.
import * as oauth from 'oauth4webapi';

const STORAGE_KEY = 'oauth-lens-demo-run';

/**
 * The name of a sign-in popup window starts with this: the client's pages in the popup know by it that they
 * work for the window that opened them (see app.js) instead of running anything themselves.
 */
export const POPUP_NAME_PREFIX = 'oauth-lens-demo-popup:';

/**
 * The name of a tab that a run opened to sign in elsewhere (Run.newTab). Its first page only says that it is up;
 * from then on it is a tab of its own, with no run in its sessionStorage.
 */
export const NEW_TAB_NAME_PREFIX = 'oauth-lens-demo-new-tab:';

/**
 * A callback page that finds no run in its tab (its sessionStorage never held one) says so on this channel, to
 * the other tabs of its origin, with the callback's state (public) and nothing else: see Run.newTab.
 */
export const ORPHAN_CALLBACK_CHANNEL = 'oauth-lens-demo-orphan-callback';

/** The demo runs on plain-http loopback; oauth4webapi refuses http: unless told otherwise. */
export const INSECURE = { [oauth.allowInsecureRequests]: true };

/**
 * The authorization response that brought us to this page, if any: a form_post body (the server puts it in
 * the page), a fragment, or a query. Returned as the raw parameter string, to be decoded exactly once.
 */
export function incomingCallback(config) {
  const path = location.pathname;
  if (config.formPost !== undefined) return { mode: 'form_post', path, params: config.formPost };
  if (path === '/') return null;
  if (location.hash.length > 1) return { mode: 'fragment', path, params: location.hash.slice(1) };
  if (location.search.length > 1) return { mode: 'query', path, params: location.search.slice(1) };
  return null;
}

export function callbackParams(callback) {
  return new URLSearchParams(callback.params);
}

/** Short text for the page log; never the full code or token. */
function describeCallback(callback) {
  const params = callbackParams(callback);
  const names = [...params.keys()].join(', ');
  return params.has('error') ? `error=${params.get('error')} (${names})` : `${callback.mode} with ${names}`;
}

export class Run {
  #state;
  #incoming;
  #discovered = new Map();

  constructor(state, incoming, config) {
    this.#state = state;
    this.#incoming = incoming;
    this.config = config;
    for (const line of state.log) this.#render(line);
  }

  static start(variant, config) {
    const run = new Run({ variant, results: {}, awaiting: null, log: [] }, null, config);
    run.#save();
    return run;
  }

  /** Continues the run of this tab, or returns null when there is none. */
  static resume(incoming, config) {
    const saved = sessionStorage.getItem(STORAGE_KEY);
    return saved ? new Run(JSON.parse(saved), incoming, config) : null;
  }

  get variant() {
    return this.#state.variant;
  }

  log(line) {
    this.#state.log.push(line);
    this.#save();
    this.#render(line);
  }

  /** Runs `step` the first time only; later replays get its stored (JSON) result. */
  async once(key, step) {
    const results = this.#state.results;
    if (Object.hasOwn(results, key)) return results[key];
    const value = (await step()) ?? null;
    results[key] = value;
    this.#save();
    return value;
  }

  /**
   * Leaves for `url` and, on the page load that brings the browser back with an authorization response,
   * returns that response. While the browser is away the returned promise never settles.
   */
  navigate(key, url) {
    const results = this.#state.results;
    if (Object.hasOwn(results, key)) return Promise.resolve(results[key]);
    if (this.#state.awaiting === key && this.#incoming) {
      results[key] = this.#incoming;
      this.#state.awaiting = null;
      this.#incoming = null;
      this.#save();
      this.log(`← callback: ${describeCallback(results[key])}`);
      // The code has done its job in the address bar; keep it out of history.
      history.replaceState(null, '', location.pathname);
      return Promise.resolve(results[key]);
    }
    this.#state.awaiting = key;
    this.#save();
    const target = new URL(url);
    this.log(`→ leaving for ${target.origin}${target.pathname} (${key})`);
    location.assign(url);
    return new Promise(() => {});
  }

  /** Builds an authorization request once (fresh random values) and sends the browser to it. */
  async authorize(key, build) {
    const request = await this.once(`${key}:request`, build);
    const callback = await this.navigate(key, request.url);
    return { ...request, callback };
  }

  /**
   * Opens each URL in its own frame at the same time, so several authorization requests are pending at once,
   * and resolves with their callbacks (in frame order) once every frame has come back. The callback page in a
   * frame posts its response here (see app.js).
   */
  frames(key, urls) {
    return this.once(
      key,
      () =>
        new Promise((resolve) => {
          const container = document.getElementById('frames');
          const callbacks = urls.map(() => null);
          const frames = urls.map((url, i) => {
            const frame = document.createElement('iframe');
            frame.title = `Sign-in ${i + 1}`;
            frame.src = url;
            container.append(frame);
            return frame;
          });
          this.log(`→ ${urls.length} authorization requests in frames (${key})`);
          const onMessage = (event) => {
            const i = frames.findIndex((frame) => frame.contentWindow === event.source);
            if (event.origin !== location.origin || i < 0 || event.data?.kind !== 'oauth-callback') return;
            callbacks[i] = event.data.callback;
            this.log(`← callback in frame ${i + 1}: ${describeCallback(callbacks[i])}`);
            if (callbacks.every(Boolean)) {
              removeEventListener('message', onMessage);
              container.replaceChildren();
              resolve(callbacks);
            }
          };
          addEventListener('message', onMessage);
        }),
    );
  }

  /**
   * Sends the browser to `url` in a popup window (window.open: a top-level window of its own, so another tab
   * to the browser) and resolves with the authorization response, which the callback page in the popup posts
   * back here (to this origin only, see app.js) before it closes itself.
   * The popup opens on a page of this app (/popup), which says when it is up; only then is it sent on to
   * `url`. (So the authorization request is a navigation of a window that already runs, as when an SDK opens
   * its popup blank and fills in the address later; a recorder attached to the new window sees it whole.)
   * Where the browser blocks a popup that no click opened, a button opens it instead.
   */
  popup(key, url) {
    return this.once(
      key,
      () =>
        new Promise((resolve) => {
          const name = `${POPUP_NAME_PREFIX}${key}`;
          const button = document.createElement('button');
          let popup = null;
          const onMessage = (event) => {
            if (event.origin !== location.origin || !popup || event.source !== popup) return;
            if (event.data?.kind === 'oauth-popup-ready' && event.data.name === name) {
              const target = new URL(url);
              this.log(`→ popup window sent to ${target.origin}${target.pathname} (${key})`);
              popup.location.assign(url);
            } else if (event.data?.kind === 'oauth-callback') {
              removeEventListener('message', onMessage);
              button.remove();
              this.log(`← callback from the popup window: ${describeCallback(event.data.callback)}`);
              resolve(event.data.callback);
            }
          };
          addEventListener('message', onMessage);
          const open = () => {
            popup = window.open(`${location.origin}/popup`, name, 'popup,width=520,height=640');
            return popup !== null;
          };
          this.log(`→ opening a popup window for the authorization request (${key})`);
          if (open()) return;
          this.log('the browser blocked the popup: click the button to open it');
          button.id = 'open-popup';
          button.textContent = 'Open the sign-in window';
          button.addEventListener('click', () => open() && (button.hidden = true));
          document.getElementById('frames').append(button);
        }),
    );
  }

  /** Builds an authorization request once and sends it in a popup window; see `popup`. */
  async authorizeInPopup(key, build) {
    const request = await this.once(`${key}:request`, build);
    const callback = await this.popup(key, request.url);
    return { ...request, callback };
  }

  /**
   * Sends `url` to a new tab whose sessionStorage has no run, as a tab opened without an opener (noopener, as a
   * target=_blank link opens one) gets no copy of this tab's sessionStorage (HTML, auxiliary browsing contexts).
   * The callback that lands there finds no run; resolves with its state once its page reports it (see app.js).
   * The fixture recorder follows only windows that keep their opener (demo/har.ts), and may miss a window's
   * first navigation: so, as `popup` does, the tab opens on a page of this app and is sent on once it is up, and
   * it keeps its opener but its copy of this sessionStorage is made without the run.
   */
  newTab(key, url) {
    return this.once(
      key,
      () =>
        new Promise((resolve) => {
          const name = `${NEW_TAB_NAME_PREFIX}${key}`;
          let tab = null;
          const channel = new BroadcastChannel(ORPHAN_CALLBACK_CHANNEL);
          channel.onmessage = (event) => {
            if (event.data?.kind !== 'orphan-callback') return;
            channel.close();
            this.log(`← a callback landed in the other tab, which has no sign-in in progress (${key})`);
            resolve(event.data.state);
          };
          const onReady = (event) => {
            if (event.origin !== location.origin || !tab || event.source !== tab || event.data?.kind !== 'oauth-new-tab-ready') return;
            removeEventListener('message', onReady);
            const target = new URL(url);
            this.log(`→ new tab sent to ${target.origin}${target.pathname} (${key})`);
            tab.location.assign(url);
          };
          addEventListener('message', onReady);
          this.log(`→ opening a new tab for the authorization request (${key})`);
          sessionStorage.removeItem(STORAGE_KEY);
          tab = window.open(`${location.origin}/popup`, name);
          this.#save();
        }),
    );
  }

  /** Opens a URL in a frame and resolves once it has loaded; nothing waits for it to come back. */
  leaveInFrame(key, url) {
    return this.once(
      key,
      () =>
        new Promise((resolve) => {
          const frame = document.createElement('iframe');
          frame.title = 'Pending sign-in';
          frame.addEventListener('load', () => resolve(true), { once: true });
          frame.src = url;
          document.getElementById('frames').append(frame);
          this.log(`→ authorization request left pending in a frame (${key})`);
        }),
    );
  }

  /** Discovery, once per page load (as an SPA does), with oauth4webapi's checks. */
  discover(issuer = this.config.issuer) {
    if (!this.#discovered.has(issuer)) {
      const url = new URL(issuer);
      this.#discovered.set(
        issuer,
        oauth.discoveryRequest(url, INSECURE).then((response) => oauth.processDiscoveryResponse(url, response)),
      );
    }
    return this.#discovered.get(issuer);
  }

  /** Shows the outcome and writes the machine-readable status that tests wait on. */
  finish(status, detail) {
    const result = document.getElementById('result');
    document.getElementById('status').textContent =
      status === 'done' ? 'Finished.' : `Failed: ${detail instanceof Error ? detail.message : String(detail)}`;
    if (status === 'done') {
      const pre = document.getElementById('result-json');
      pre.textContent = JSON.stringify(detail, shorten, 2);
      pre.hidden = false;
    }
    result.dataset.status = status;
  }

  #save() {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(this.#state));
  }

  #render(line) {
    const item = document.createElement('li');
    item.textContent = line;
    document.getElementById('log').append(item);
  }
}

/** Long values (codes, tokens) are cut for display; the recording has them in full. */
function shorten(_key, value) {
  return typeof value === 'string' && value.length > 24 ? `${value.slice(0, 12)}…` : value;
}
