import { describe, expect, it } from 'vitest';
import {
  appendBounded,
  exchangeOfNetworkEntry,
  MATCH_WINDOW_MS,
  MAX_NETWORK_BODY_CHARS,
  MAX_NETWORK_EXCHANGES,
  mergeResponseBodies,
  wantsContent,
} from '../../src/devtools/network.ts';
import { tokensOf } from '../../src/devtools/detail.ts';
import { createStore } from '../../src/devtools/store.ts';
import { harText, openedDetail, snapshotOf } from './fixtures.ts';

/** The worker's view of a capture: webRequest never sees response bodies. */
function withoutBodies(name: string, tabId: number) {
  const snapshot = snapshotOf(name, tabId);
  return { ...snapshot, exchanges: snapshot.exchanges.map(({ responseBody: _dropped, ...e }) => e) };
}

/** The DevTools network API's view: HAR entries, the body fetched separately (as getContent does). */
function networkExchanges(name: string) {
  const entries = (
    JSON.parse(harText(name)) as { log: { entries: { response: { content: { text?: string; encoding?: string; mimeType?: string } } }[] } }
  ).log.entries;
  return entries.flatMap((entry, i) => {
    if (!wantsContent(entry)) return [];
    const { text, encoding, ...rest } = entry.response.content;
    const bare = { ...entry, response: { ...entry.response, content: rest } };
    const exchange = exchangeOfNetworkEntry(bare, text, encoding, `devtools-${i}`);
    return exchange ? [exchange] : [];
  });
}

describe('response bodies from the DevTools network API', () => {
  it('keeps only the JSON responses that can belong to a flow', () => {
    const network = networkExchanges('refresh');
    expect(network.filter((e) => e.url.endsWith('/token'))).toHaveLength(3);
    expect(network.every((e) => e.responseBody?.kind === 'text')).toBe(true);
    expect(network.some((e) => /\/(interaction|cb)\b/.test(e.url))).toBe(false);
  });

  it('merges bodies by method, URL and time, each used once', () => {
    const live = withoutBodies('refresh', 1).exchanges;
    const merged = mergeResponseBodies(live, networkExchanges('refresh'));
    const tokens = merged.filter((e) => e.url.endsWith('/token'));
    expect(tokens.length).toBe(3);
    expect(tokens.every((e) => e.responseBody?.kind === 'text')).toBe(true);
    expect(new Set(tokens.map((e) => (e.responseBody as { text: string }).text)).size).toBe(3);
    const far = networkExchanges('refresh').map((e) => ({ ...e, time: e.time + 20 * MATCH_WINDOW_MS }));
    expect(mergeResponseBodies(live, far).filter((e) => e.responseBody).length).toBe(0);
  });

  it("never gives a body to another tab's request, and pairs the closest first", () => {
    const token = withoutBodies('refresh', 1).exchanges.find((e) => e.url.endsWith('/token'))!;
    const body = networkExchanges('refresh').find((e) => e.url === token.url)!;
    // Two tabs sign in against the same server a second apart; DevTools inspects tab 2 only.
    const inTab1 = { ...token, id: 'tab1', tabId: 1, time: body.time - 1000 };
    const inTab2 = { ...token, id: 'tab2', tabId: 2, time: body.time + 10 };
    const fromDevTools = { ...body, tabId: 2 };
    const merged = mergeResponseBodies([inTab1, inTab2], [fromDevTools]);
    expect(merged.map((e) => [e.id, e.responseBody?.kind])).toEqual([
      ['tab1', undefined],
      ['tab2', 'text'],
    ]);
    // In one tab, a bodiless request listed first does not take the body of the closer one.
    const earlier = { ...inTab2, id: 'earlier', time: body.time - 1000 };
    expect(mergeResponseBodies([earlier, inTab2], [fromDevTools]).map((e) => [e.id, e.responseBody?.kind])).toEqual([
      ['earlier', undefined],
      ['tab2', 'text'],
    ]);
    // Without a tab on either side (a HAR import), any tab matches.
    const { tabId: _unknown, ...anyTab } = fromDevTools;
    expect(mergeResponseBodies([inTab1], [anyTab])[0]!.responseBody?.kind).toBe('text');
  });

  it('keeps the newest exchanges, bounded by count and by the size of their bodies', () => {
    const [template] = networkExchanges('good');
    const withBody = (id: number, chars: number) => ({
      ...template!,
      id: `n${id}`,
      responseBody: { kind: 'text' as const, text: 'x'.repeat(chars), size: chars },
    });
    const many = Array.from({ length: MAX_NETWORK_EXCHANGES + 20 }, (_, i) => withBody(i, 10));
    expect(appendBounded([], many).map((e) => e.id)).toEqual(many.slice(20).map((e) => e.id));
    const big = Math.floor(MAX_NETWORK_BODY_CHARS / 3) + 1;
    const kept = appendBounded([withBody(1, big), withBody(2, big)], [withBody(3, big), withBody(4, 5)]);
    expect(kept.map((e) => e.id)).toEqual(['n2', 'n3', 'n4']);
    // The newest is kept whatever its size.
    expect(appendBounded([withBody(1, 5)], [withBody(2, MAX_NETWORK_BODY_CHARS + 1)]).map((e) => e.id)).toEqual(['n2']);
  });

  it('lets the store decode the tokens the worker could not see', async () => {
    const store = createStore({ tabId: 1 });
    await store.applySnapshot(withoutBodies('refresh', 1));
    expect(tokensOf((await openedDetail(store)).flow)).toEqual([]);
    await store.addNetworkExchanges(networkExchanges('refresh'));
    const names = tokensOf((await openedDetail(store)).flow).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['id_token', 'access_token', 'refresh_token']));
  });
});
