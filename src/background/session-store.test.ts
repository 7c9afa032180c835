import { describe, expect, it } from 'vitest';
import type { Storage } from 'webextension-polyfill';
import type { Exchange } from '../core/model.ts';
import { emptyWatchlist } from '../capture/relevance.ts';
import { SessionStore } from './session-store.ts';

/** An in-memory StorageArea that refuses writes past a quota, as storage.session does. */
function fakeArea(quota: number) {
  const data = new Map<string, unknown>();
  const size = () => [...data.values()].reduce<number>((n, v) => n + JSON.stringify(v).length, 0);
  const area = {
    async get(keys: string | string[] | null) {
      const wanted = keys === null ? [...data.keys()] : Array.isArray(keys) ? keys : [keys];
      return Object.fromEntries(wanted.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]));
    },
    async set(items: Record<string, unknown>) {
      const before = new Map(data);
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
      if (size() > quota) {
        data.clear();
        for (const [k, v] of before) data.set(k, v);
        throw new Error('Session storage quota bytes exceeded');
      }
    },
    async remove(keys: string | string[]) {
      for (const k of Array.isArray(keys) ? keys : [keys]) data.delete(k);
    },
  };
  return { area: area as unknown as Storage.StorageArea, data };
}

const exchange = (id: string, padding = 0): Exchange => ({
  id,
  time: Number(id.slice(1)),
  initiator: 'navigation',
  method: 'GET',
  url: `https://as.example/authorize?response_type=code&x=${'a'.repeat(padding)}`,
  requestHeaders: [],
  requestBody: { kind: 'none' },
  responseHeaders: [],
});

describe('SessionStore', () => {
  it('survives a restart: a new store reloads what the old one wrote', async () => {
    const { area } = fakeArea(1_000_000);
    const first = new SessionStore(area);
    await first.append(exchange('x1'), emptyWatchlist());
    await first.append(exchange('x2'), { serverOrigins: ['https://as.example'], redirectTargets: [], endpoints: [] });
    await first.setWatch({ ...first.watch, endpoints: ['https://as.example/api/exchange'] });
    const restarted = new SessionStore(area);
    await restarted.load();
    expect(restarted.exchanges.map((e) => e.id)).toEqual(['x1', 'x2']);
    expect(restarted.watch.serverOrigins).toEqual(['https://as.example']);
    expect(restarted.watch.endpoints).toEqual(['https://as.example/api/exchange']);
  });

  it('keeps nothing of an exchange the quota refused, so index and data stay consistent', async () => {
    const { area } = fakeArea(1_500);
    const store = new SessionStore(area);
    await store.append(exchange('x1'), emptyWatchlist());
    await expect(store.append(exchange('x2', 2_000), emptyWatchlist())).rejects.toThrow(/quota/);
    expect(store.exchanges.map((e) => e.id)).toEqual(['x1']);
    const restarted = new SessionStore(area);
    await restarted.load();
    expect(restarted.entries.map((e) => e.id)).toEqual(['x1']);
  });

  it('counts what it evicts and forgets the captured data on clear', async () => {
    const { area, data } = fakeArea(1_000_000);
    const store = new SessionStore(area);
    for (const id of ['x1', 'x2', 'x3']) await store.append(exchange(id), emptyWatchlist());
    await store.evict(new Set(['x1', 'x2']), 1);
    expect(store.evicted).toEqual({ flows: 1, exchanges: 2 });
    expect(data.has('x:x1')).toBe(false);
    await store.clear();
    expect(store.exchanges).toEqual([]);
    expect([...data.keys()]).toEqual(['index']);
  });
});
