/**
 * Response bodies from the DevTools network API merged into the worker's capture. `webRequest` never sees
 * bodies, so without this the token responses (ID tokens, token errors) are "not observed"; DevTools sees
 * them for the inspected tab. Pure: the panel entry maps `chrome.devtools.network` HAR entries through
 * `harToExchanges` and hands the exchanges here.
 */
import { harToExchanges } from '../capture/har.ts';
import { emptyWatchlist, isRelevant } from '../capture/relevance.ts';
import type { Exchange } from '../core/model.ts';

/** How far apart the two clocks may put the same request (webRequest vs DevTools timestamps). */
export const MATCH_WINDOW_MS = 3000;

/** At most this many DevTools exchanges are kept: the panel may stay open for hours. */
export const MAX_NETWORK_EXCHANGES = 500;

/**
 * Each worker exchange without a response body gets the body of the DevTools exchange with the same method
 * and URL closest in time (each DevTools exchange used once). Everything else is left as the worker saw it.
 */
export function mergeResponseBodies(live: readonly Exchange[], network: readonly Exchange[]): Exchange[] {
  if (!network.length) return [...live];
  const byKey = new Map<string, Exchange[]>();
  for (const n of network) {
    if (!n.responseBody) continue;
    const key = `${n.method} ${n.url}`;
    const list = byKey.get(key);
    if (list) list.push(n);
    else byKey.set(key, [n]);
  }
  const used = new Set<Exchange>();
  return live.map((e) => {
    if (e.responseBody) return e;
    let best: Exchange | undefined;
    for (const n of byKey.get(`${e.method} ${e.url}`) ?? []) {
      const distance = Math.abs(n.time - e.time);
      if (used.has(n) || distance > MATCH_WINDOW_MS) continue;
      if (!best || distance < Math.abs(best.time - e.time)) best = n;
    }
    if (!best) return e;
    used.add(best);
    return { ...e, responseBody: best.responseBody! };
  });
}

/** Appends, keeping the newest `MAX_NETWORK_EXCHANGES`. */
export function appendBounded(kept: readonly Exchange[], added: readonly Exchange[]): Exchange[] {
  const next = [...kept, ...added];
  return next.length > MAX_NETWORK_EXCHANGES ? next.slice(next.length - MAX_NETWORK_EXCHANGES) : next;
}

/** Response types worth asking DevTools for the body of: token, userinfo and discovery responses are JSON. */
export function wantsContent(entry: { response?: { content?: { mimeType?: string } } }): boolean {
  return /json|jwt/i.test(entry.response?.content?.mimeType ?? '');
}

/**
 * One DevTools network entry (a HAR entry, its body fetched separately with `getContent`) as an exchange,
 * or undefined when it cannot belong to a flow (the same cheap filter as the worker's).
 */
export function exchangeOfNetworkEntry(entry: unknown, content: string | null | undefined, encoding: string | undefined, id: string): Exchange | undefined {
  if (entry === null || typeof entry !== 'object') return undefined;
  const e = entry as { response?: { content?: Record<string, unknown> } } & Record<string, unknown>;
  const withBody = {
    ...e,
    response: { ...e.response, content: { ...e.response?.content, ...(content != null ? { text: content } : {}), ...(encoding ? { encoding } : {}) } },
  };
  let exchange: Exchange | undefined;
  try {
    exchange = harToExchanges({ log: { entries: [withBody] } }).exchanges[0];
  } catch {
    return undefined;
  }
  if (!exchange || !exchange.responseBody || !isRelevant(exchange, emptyWatchlist())) return undefined;
  return { ...exchange, id };
}
