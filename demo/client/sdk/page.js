// What the SDK client pages share: the page's configuration, its log and its result (the same #result[data-status]
// that demo/client/app.js writes, which the driver and the recorder wait for), and the variant of this tab's run.
// The SDK does the OAuth work itself: every page here only calls its public API, as an app would.
import { NEW_TAB_NAME_PREFIX, ORPHAN_CALLBACK_CHANNEL } from '../run.js';

export const config = JSON.parse(document.getElementById('demo-config').textContent);

/** The start page names its variant; the callback page, served for any run, finds it in this tab's storage. */
const VARIANT_KEY = 'oauth-lens-demo-sdk-variant';

export function currentVariant() {
  if (config.variant) {
    sessionStorage.setItem(VARIANT_KEY, JSON.stringify(config.variant));
    return config.variant;
  }
  const saved = sessionStorage.getItem(VARIANT_KEY);
  return saved ? JSON.parse(saved) : undefined;
}

/** This page is the SDK's callback (/cb/<sdk>), not the start page. */
export const onCallback = location.pathname.startsWith('/cb/');

export function log(line) {
  const item = document.createElement('li');
  item.textContent = line;
  document.getElementById('log').append(item);
}

function shorten(_key, value) {
  return typeof value === 'string' && value.length > 24 ? `${value.slice(0, 12)}…` : value;
}

export function finish(status, detail) {
  document.getElementById('status').textContent =
    status === 'done' ? 'Finished.' : `Failed: ${detail instanceof Error ? detail.message : String(detail)}`;
  if (status === 'done') {
    const pre = document.getElementById('result-json');
    pre.textContent = JSON.stringify(detail, shorten, 2);
    pre.hidden = false;
  }
  document.getElementById('result').dataset.status = status;
}

/** What an app shows of a sign-in: who, and which tokens it holds (shortened). */
export function summary(claims, tokens) {
  return { sub: claims?.sub, ...tokens };
}

/**
 * Runs this tab's variant with its handler (keyed by variant id). A handler resolves with a summary when the run is
 * over, or never when it has sent the browser away. A callback that lands in a tab without a run (its sessionStorage
 * never held one) fails there, as the SDK fails it (`onOrphanCallback`), and tells the tab that started the sign-in
 * (see openInNewTab).
 */
export async function runVariant(handlers, onOrphanCallback = async () => {}) {
  const variant = currentVariant();
  if (!variant) {
    if (onCallback) {
      const channel = new BroadcastChannel(ORPHAN_CALLBACK_CHANNEL);
      channel.postMessage({ kind: 'orphan-callback', state: new URLSearchParams(location.search).get('state') });
      channel.close();
      try {
        await onOrphanCallback();
      } catch (error) {
        return finish('error', error);
      }
    }
    return finish('error', 'No sign-in in progress in this tab. Start one from the list of variants.');
  }
  document.getElementById('title').textContent = `Variant: ${variant.id}`;
  document.getElementById('description').textContent = variant.description;
  try {
    const result = await handlers[variant.id](variant);
    finish('done', result);
  } catch (error) {
    console.error(error);
    finish('error', error);
  }
}

/** A promise that never settles: the page is leaving. */
export const leaving = () => new Promise(() => {});

/** This page load is a reload of the one before it (Navigation Timing: the navigation's type is "reload"). */
export const reloaded = performance.getEntriesByType('navigation')[0]?.type === 'reload';

/**
 * What a person does after a sign-in whose app left the code and state in the callback page's URL (it did not
 * strip them with history.replaceState, nor send the browser on): reloads the page. The same authorization response
 * loads again, and the SDK's callback handler runs again on it.
 */
export function reloadCallbackPage() {
  log('the user reloads the page: its URL still holds the code and the state');
  location.reload();
  return leaving();
}

/**
 * Opens `url` in a new tab that has none of this tab's sessionStorage, as a target=_blank link opens one
 * (noopener: no copy of the opener's session storage, HTML's auxiliary browsing contexts). As demo/client/run.js's
 * Run.newTab does, the tab keeps its opener (the recorder follows such windows) and starts on a page of this app,
 * which says when it is up; only then is it sent on, so its first request is recorded. Resolves once a callback
 * has landed in that tab and found no sign-in there.
 */
export function openInNewTab(url) {
  return new Promise((resolve) => {
    const channel = new BroadcastChannel(ORPHAN_CALLBACK_CHANNEL);
    channel.onmessage = (event) => {
      if (event.data?.kind !== 'orphan-callback') return;
      channel.close();
      log('← the callback landed in the other tab, which has no sign-in in progress');
      resolve();
    };
    let tab = null;
    const onReady = (event) => {
      if (event.origin !== location.origin || !tab || event.source !== tab || event.data?.kind !== 'oauth-new-tab-ready') return;
      removeEventListener('message', onReady);
      log('→ the new tab goes to the authorization server');
      tab.location.assign(url);
    };
    addEventListener('message', onReady);
    log('→ opening the sign-in in a new tab');
    const saved = Object.entries(sessionStorage);
    sessionStorage.clear();
    tab = window.open(`${location.origin}/popup`, `${NEW_TAB_NAME_PREFIX}sdk`);
    for (const [key, value] of saved) sessionStorage.setItem(key, value);
  });
}
