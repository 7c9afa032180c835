/**
 * Response bodies from the DevTools network API merged into the worker's capture. `webRequest` never sees
 * bodies, so without this the token responses (ID tokens, token errors) are "not observed"; DevTools sees
 * them for the inspected tab. Pure: the devtools page (devtools.ts) maps `chrome.devtools.network` HAR entries
 * through `harToExchanges`, keeps them and hands them to the panel (network-bridge.ts), whose store merges them here.
 */
import { harToExchanges } from '../capture/har.ts';
import { emptyWatchlist, isRelevant } from '../capture/relevance.ts';
import type { Exchange } from '../core/model.ts';

/** How far apart the two clocks may put the same request (webRequest vs DevTools timestamps). */
export const MATCH_WINDOW_MS = 3000;

/** At most this many DevTools exchanges are kept (by the devtools page and by the panel): DevTools may stay open for hours. */
export const MAX_NETWORK_EXCHANGES = 500;

/**
 * Each worker exchange without a response body gets the body of a DevTools exchange with the same method and URL,
 * in the same tab, at most `MATCH_WINDOW_MS` apart; each DevTools exchange is used once, the closest pairs first
 * (so a body never goes to another tab's sign-in against the same server, nor to a neighbour whose own body is
 * missing). Everything else is left as the worker saw it.
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
  const pairs: { index: number; withBody: Exchange; distance: number }[] = [];
  live.forEach((e, index) => {
    if (e.responseBody) return;
    for (const withBody of byKey.get(`${e.method} ${e.url}`) ?? []) {
      const distance = Math.abs(withBody.time - e.time);
      if (distance <= MATCH_WINDOW_MS && sameTab(e, withBody)) pairs.push({ index, withBody, distance });
    }
  });
  pairs.sort((a, b) => a.distance - b.distance);
  const matchOf = new Map<number, Exchange>();
  const used = new Set<Exchange>();
  for (const { index, withBody } of pairs) {
    if (matchOf.has(index) || used.has(withBody)) continue;
    matchOf.set(index, withBody);
    used.add(withBody);
  }
  return live.map((e, index) => {
    const match = matchOf.get(index);
    return match ? { ...e, responseBody: match.responseBody! } : e;
  });
}

/** Exchanges whose tab is unknown (an import, a capture outside DevTools) may be in any tab. */
function sameTab(a: Exchange, b: Exchange): boolean {
  return a.tabId === undefined || b.tabId === undefined || a.tabId === b.tabId;
}

/**
 * What the kept exchanges' bodies may add up to, in characters: a token response may be 8 MiB, and both the
 * devtools page and the panel keep a copy.
 */
export const MAX_NETWORK_BODY_CHARS = 32 * 1024 * 1024;

/** Appends, keeping the newest exchanges: at most `MAX_NETWORK_EXCHANGES`, their bodies within `MAX_NETWORK_BODY_CHARS` (the newest is always kept). */
export function appendBounded(kept: readonly Exchange[], added: readonly Exchange[]): Exchange[] {
  const next = [...kept, ...added];
  let chars = 0;
  let first = next.length;
  while (first > 0 && next.length - first < MAX_NETWORK_EXCHANGES) {
    chars += bodyChars(next[first - 1]!);
    if (chars > MAX_NETWORK_BODY_CHARS && first < next.length) break;
    first--;
  }
  return first === 0 ? next : next.slice(first);
}

function bodyChars(exchange: Exchange): number {
  const body = exchange.responseBody;
  return body?.kind === 'text' ? body.text.length : body?.kind === 'form' ? body.raw.length : 0;
}

/** Response types worth asking DevTools for the body of: token, userinfo and discovery responses are JSON. */
export function wantsContent(entry: { response?: { content?: { mimeType?: string } } }): boolean {
  return /json|jwt/i.test(entry.response?.content?.mimeType ?? '');
}

/**
 * One DevTools network entry (a HAR entry, its body fetched separately with `getContent`) as an exchange,
 * or undefined when it cannot belong to a flow (the same cheap filter as the worker's).
 */
export function exchangeOfNetworkEntry(
  entry: unknown,
  content: string | null | undefined,
  encoding: string | undefined,
  id: string,
): Exchange | undefined {
  if (entry === null || typeof entry !== 'object') return undefined;
  const e = entry as { response?: { content?: Record<string, unknown> } } & Record<string, unknown>;
  const withBody = {
    ...e,
    response: {
      ...e.response,
      content: { ...e.response?.content, ...(content != null ? { text: content } : {}), ...(encoding ? { encoding } : {}) },
    },
  };
  let exchange: Exchange | undefined;
  try {
    exchange = harToExchanges({ log: { entries: [withBody] } }).exchanges[0];
  } catch {
    return undefined;
  }
  if (!exchange?.responseBody || !isRelevant(exchange, emptyWatchlist())) return undefined;
  return { ...exchange, id };
}
