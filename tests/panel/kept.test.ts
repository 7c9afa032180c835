import { describe, expect, it } from 'vitest';
import { compareFlows } from '../../src/devtools/compare.ts';
import { addKept, MAX_KEPT_CHARS, MAX_KEPT_FLOWS, parseKept, type KeptFlowRecord, type KeptStorage } from '../../src/devtools/kept.ts';
import { createStore } from '../../src/devtools/store.ts';
import { merge, openedDetail, snapshotOf } from './fixtures.ts';

/** storage.local as a JSON round trip, as the browser stores it. */
function memoryStorage(): KeptStorage & { text(): string } {
  let stored: string | undefined;
  return {
    read: async () => (stored === undefined ? undefined : JSON.parse(stored)),
    write: async (records) => {
      stored = records.length ? JSON.stringify(records) : undefined;
    },
    text: () => stored ?? '',
  };
}

async function settle(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 0));
}

describe('kept flows', () => {
  it('stores a flow redacted, and a new panel (after a restart) lists it as its own source, comparable', async () => {
    const storage = memoryStorage();
    const store = createStore({ tabId: undefined, keptStorage: storage });
    await store.applySnapshot(snapshotOf('good', 1));
    const item = await openedDetail(store);
    // "reveal secrets" does not reach the disk.
    store.revealAll.value = true;
    await store.compareKeep.keep(item);
    const stored = storage.text();
    const secrets = [
      item.flow.callback?.code,
      item.flow.pkce.verifier,
      item.flow.codeExchanges[0]?.response?.accessToken,
      item.flow.codeExchanges[0]?.response?.idToken,
    ];
    for (const secret of secrets) {
      expect(secret).toBeTruthy();
      expect(stored).not.toContain(secret!);
    }
    expect(stored).toMatch(/‹redacted code, \d+ chars, value \d+›/);
    expect(store.compareKeep.isKept(item)).toBe(true);
    await store.compareKeep.keep(item);
    expect(store.compareKeep.notice.value).toBe('This flow is kept already.');
    expect(store.compareKeep.keptRecords.value).toHaveLength(1);

    // Clear forgets the capture, not what the user kept.
    await store.clear();
    expect(store.sources.value.map((s) => s.kind)).toContain('kept');

    const restarted = createStore({ tabId: 5, keptStorage: storage });
    await restarted.compareKeep.load();
    expect(restarted.sources.value.map((s) => s.kind)).toEqual(['kept']);
    // Kept flows belong to no tab: listed whatever tab the panel inspects.
    const [row] = restarted.visible.value;
    expect(row).toMatchObject({ clientId: 'spa', verdict: { verdict: 'pass' }, started: item.started });
    await restarted.applySnapshot(snapshotOf('good', 5, 'again'));
    const live = restarted.visible.value.find((r) => r.source.kind === 'live')!;
    restarted.select(live.key);
    restarted.compareKeep.compareWith(row!.key);
    await settle(() => restarted.compareKeep.comparison.value !== undefined);
    const pair = restarted.compareKeep.comparison.value!;
    expect(pair.a.row.source.kind).toBe('kept');
    // The same sign-in, kept and live: no difference; the redacted code and verifier compare by their stated length.
    const comparison = compareFlows(pair.a.item, pair.b.item);
    expect(comparison.differenceCount).toBe(0);
    const token = comparison.parameters.find((g) => g.step === 'token request')!.fields;
    expect(token.find((f) => f.name === 'code_verifier')).toMatchObject({
      status: 'same',
      a: expect.stringMatching(/^‹redacted code_verifier, 43 chars/),
    });
    expect(token.find((f) => f.name === 'code')?.status).toBe('same');
    expect(comparison.pkce.find((f) => f.name === 'verifier check')?.status).toBe('unobservable');

    await restarted.compareKeep.removeAll();
    expect(storage.text()).toBe('');
    expect(restarted.sources.value.map((s) => s.kind)).toEqual(['live']);
  });

  it('applies keeps one after the other: two at once keep both', async () => {
    const storage = memoryStorage();
    const store = createStore({ tabId: undefined, keptStorage: storage });
    await store.applySnapshot(merge(snapshotOf('good', 1), snapshotOf('refresh', 1)));
    const items = await Promise.all(store.visible.value.map((row) => row.source.open(row.flowId)));
    await Promise.all(items.map((item) => store.compareKeep.keep(item)));
    expect(store.compareKeep.keptRecords.value).toHaveLength(2);
    expect(JSON.parse(storage.text())).toHaveLength(2);
  });

  it('refuses past the count and the size caps, saying why, and never evicts a kept flow', () => {
    const record = (id: string, size = 10): KeptFlowRecord => ({
      version: 1,
      id,
      keptAt: 0,
      origin: 'live capture',
      started: Number(id.replace(/\D/g, '')) || 0,
      har: { log: { version: '1.2', creator: { name: 'x', version: '0' }, comment: 'x'.repeat(size), pages: [], entries: [] } },
    });
    const full = Array.from({ length: MAX_KEPT_FLOWS }, (_, i) => record(`r${i + 1}`));
    expect(addKept(full, record('r999'))).toEqual({ problem: expect.stringContaining(`${MAX_KEPT_FLOWS} flows are kept already`) });
    const big = addKept([record('r1', MAX_KEPT_CHARS / 2)], record('r2', MAX_KEPT_CHARS / 2));
    expect(big).toEqual({
      problem: expect.stringMatching(/^Not kept: this flow takes 2\.0 MB redacted, and kept flows may take 4\.0 MB in all/),
    });
    expect(addKept([record('r1')], record('r2'))).toEqual({ records: [record('r1'), record('r2')] });
  });

  it('reads back only well-formed records', () => {
    expect(parseKept(undefined)).toEqual([]);
    expect(parseKept({})).toEqual([]);
    expect(parseKept([{ version: 2 }, null, 'x'])).toEqual([]);
  });
});
