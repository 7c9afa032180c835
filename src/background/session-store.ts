/**
 * The capture log in `storage.session` (memory only, never on disk; 10 MB). One key per exchange plus a
 * small index, so appending does not rewrite the log. An in-memory mirror serves reads; storage is what a
 * restarted worker reloads, so a flow survives the worker being stopped mid-sign-in.
 */
import type { Storage } from 'webextension-polyfill';
import type { Exchange } from '../core/model.ts';
import { emptyWatchlist, type Watchlist } from '../capture/relevance.ts';
import type { StoredEntry } from './retention.ts';

const INDEX_KEY = 'index';
const exchangeKey = (id: string) => `x:${id}`;
const FORMAT = 1;

interface Index {
  format: number;
  entries: StoredEntry[];
  evicted: { flows: number; exchanges: number };
  paused: boolean;
  since: number;
  watch: Watchlist;
}

const emptyIndex = (): Index => ({
  format: FORMAT,
  entries: [],
  evicted: { flows: 0, exchanges: 0 },
  paused: false,
  since: Date.now(),
  watch: emptyWatchlist(),
});

export class SessionStore {
  private index: Index = emptyIndex();
  private exchangesById = new Map<string, Exchange>();

  constructor(private readonly area: Storage.StorageArea) {}

  async load(): Promise<void> {
    const stored = (await this.area.get(INDEX_KEY))[INDEX_KEY] as Index | undefined;
    if (!stored || stored.format !== FORMAT) return;
    const keys = stored.entries.map((e) => exchangeKey(e.id));
    const values = keys.length ? await this.area.get(keys) : {};
    this.index = stored;
    for (const entry of stored.entries) {
      const exchange = values[exchangeKey(entry.id)] as Exchange | undefined;
      if (exchange) this.exchangesById.set(entry.id, exchange);
    }
    this.index.entries = stored.entries.filter((e) => this.exchangesById.has(e.id));
  }

  get exchanges(): Exchange[] {
    return this.index.entries.map((e) => this.exchangesById.get(e.id)!);
  }

  get entries(): readonly StoredEntry[] {
    return this.index.entries;
  }

  get watch(): Watchlist {
    return this.index.watch;
  }

  get paused(): boolean {
    return this.index.paused;
  }

  get evicted(): Index['evicted'] {
    return this.index.evicted;
  }

  get since(): number {
    return this.index.since;
  }

  /**
   * Appends one exchange. When storage refuses it (the session quota counts memory, not JSON, so it can fill
   * before our own estimate says so), nothing of it is kept, here or there, and the error is rethrown so the
   * caller can make room and try again.
   */
  async append(exchange: Exchange, watch: Watchlist): Promise<void> {
    const size = JSON.stringify(exchange).length;
    const previousWatch = this.index.watch;
    this.exchangesById.set(exchange.id, exchange);
    this.index.entries.push({ id: exchange.id, time: exchange.time, size });
    this.index.watch = watch;
    try {
      await this.area.set({ [exchangeKey(exchange.id)]: exchange, [INDEX_KEY]: this.index });
    } catch (error) {
      this.exchangesById.delete(exchange.id);
      this.index.entries = this.index.entries.filter((e) => e.id !== exchange.id);
      this.index.watch = previousWatch;
      throw error;
    }
  }

  /**
   * Writes a kept exchange again in its place (a response body joined after it was kept: page-bodies.ts); an
   * exchange no longer in the log is left out.
   */
  async replace(exchange: Exchange): Promise<void> {
    const entry = this.index.entries.find((e) => e.id === exchange.id);
    if (!entry) return;
    const previous = this.exchangesById.get(exchange.id)!;
    const previousSize = entry.size;
    this.exchangesById.set(exchange.id, exchange);
    entry.size = JSON.stringify(exchange).length;
    try {
      await this.area.set({ [exchangeKey(exchange.id)]: exchange, [INDEX_KEY]: this.index });
    } catch (error) {
      this.exchangesById.set(exchange.id, previous);
      entry.size = previousSize;
      throw error;
    }
  }

  async evict(ids: ReadonlySet<string>, flows: number): Promise<void> {
    if (!ids.size) return;
    this.index.entries = this.index.entries.filter((e) => !ids.has(e.id));
    for (const id of ids) this.exchangesById.delete(id);
    this.index.evicted = { flows: this.index.evicted.flows + flows, exchanges: this.index.evicted.exchanges + ids.size };
    await this.area.remove([...ids].map(exchangeKey));
    await this.area.set({ [INDEX_KEY]: this.index });
  }

  /** Keeps what a view taught (learned endpoints) without an exchange to append. */
  async setWatch(watch: Watchlist): Promise<void> {
    this.index.watch = watch;
    await this.area.set({ [INDEX_KEY]: this.index });
  }

  async setPaused(paused: boolean): Promise<void> {
    this.index.paused = paused;
    await this.area.set({ [INDEX_KEY]: this.index });
  }

  async clear(): Promise<void> {
    const keys = this.index.entries.map((e) => exchangeKey(e.id));
    // Keep what was learned about servers and the pause setting; forget what was captured.
    this.index = { ...emptyIndex(), paused: this.index.paused, watch: this.index.watch };
    this.exchangesById.clear();
    if (keys.length) await this.area.remove(keys);
    await this.area.set({ [INDEX_KEY]: this.index });
  }
}
