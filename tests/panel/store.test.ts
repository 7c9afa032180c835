import { describe, expect, it, vi } from 'vitest';
import { matchesVerdict } from '../../src/devtools/sources.ts';
import { createStore } from '../../src/devtools/store.ts';
import { twoFlowsAroundPadding } from './big-har.ts';
import { harText, merge, openedDetail, snapshotOf } from './fixtures.ts';

describe('the panel store', () => {
  it("lists the inspected tab's flows, newest first, and all tabs on request", async () => {
    const store = createStore({ tabId: 7 });
    await store.applySnapshot(merge(snapshotOf('good', 7), snapshotOf('redirect-uri-trailing-slash', 9)));
    expect(store.items.value).toHaveLength(2);
    expect(store.visible.value.map((i) => i.verdict.verdict)).toEqual(['pass']);
    store.allTabs.value = true;
    const all = store.visible.value;
    expect(all).toHaveLength(2);
    expect(all[0]!.started).toBeGreaterThanOrEqual(all[1]!.started);
    expect(all.every((i) => i.clientId === 'spa' && i.durationMs !== undefined)).toBe(true);
  });

  it('filters by rule id, client and URL', async () => {
    const store = createStore({ tabId: undefined });
    await store.applySnapshot(merge(snapshotOf('good', 1), snapshotOf('redirect-uri-trailing-slash', 2)));
    store.query.value = 'redirect-uri-token-mismatch';
    expect(store.visible.value.map((i) => i.ruleIds)).toEqual([expect.arrayContaining(['redirect-uri-token-mismatch'])]);
    store.query.value = 'SPA';
    expect(store.visible.value).toHaveLength(2);
    store.query.value = '/token';
    expect(store.visible.value).toHaveLength(2);
    store.query.value = 'no-such-thing';
    expect(store.visible.value).toHaveLength(0);
  });

  it("filters by verdict (info is passing) and by a rule present, and names each flow's worst finding", async () => {
    const store = createStore({ tabId: undefined });
    await store.applySnapshot(merge(snapshotOf('good', 1), snapshotOf('redirect-uri-trailing-slash', 2), snapshotOf('no-state', 3)));
    const standings = () => store.visible.value.map((i) => i.verdict.verdict).sort();
    expect(standings()).toEqual(['error', 'info', 'pass']);
    store.verdictFilter.value = 'failing';
    expect(standings()).toEqual(['error']);
    store.verdictFilter.value = 'warnings';
    expect(standings()).toEqual([]);
    store.verdictFilter.value = 'passing';
    expect(standings()).toEqual(['info', 'pass']);
    store.verdictFilter.value = 'all';

    expect(store.ruleIdsInScope.value).toEqual([...store.ruleIdsInScope.value].sort());
    expect(store.ruleIdsInScope.value).toContain('redirect-uri-token-mismatch');
    store.ruleFilter.value = 'redirect-uri-token-mismatch';
    expect(store.visible.value.map((i) => i.verdict.verdict)).toEqual(['error']);
    // The worst finding first: the error, not the info beside it.
    expect(store.visible.value[0]!.firstFinding).toMatchObject({ ruleId: 'redirect-uri-token-mismatch', severity: 'error' });
    store.ruleFilter.value = '';
    expect(store.visible.value.find((i) => i.verdict.verdict === 'pass')!.firstFinding).toBeUndefined();
  });

  it('counts a stuck flow (no fault, did not finish) as failing, not passing', () => {
    const stuck = { verdict: { flowId: 'f', verdict: 'pass' as const, errors: 0, warnings: 0, infos: 0 }, stuck: true };
    expect(matchesVerdict(stuck, 'failing')).toBe(true);
    expect(matchesVerdict(stuck, 'passing')).toBe(false);
    expect(matchesVerdict({ ...stuck, stuck: false }, 'passing')).toBe(true);
  });

  it('selects the newest flow by default and moves with the keyboard', async () => {
    const store = createStore({ tabId: undefined });
    await store.applySnapshot(merge(snapshotOf('good', 1), snapshotOf('refresh', 2), snapshotOf('no-state', 3)));
    const list = store.visible.value;
    expect(list).toHaveLength(3);
    expect(store.selected.value?.key).toBe(list[0]!.key);
    store.move(1);
    expect(store.selected.value?.key).toBe(list[1]!.key);
    store.move(1);
    store.move(1);
    expect(store.selected.value?.key).toBe(list[2]!.key);
    store.move(-1);
    expect(store.selected.value?.key).toBe(list[1]!.key);
    store.selectExchange('x');
    store.move(-1);
    expect(store.selectedExchangeId.value).toBeUndefined();
  });

  it('applies only the newest snapshot when analyses finish out of order', async () => {
    const store = createStore({ tabId: 1 });
    const older = store.applySnapshot(snapshotOf('good', 1));
    const newer = store.applySnapshot(merge(snapshotOf('good', 1), snapshotOf('refresh', 1)));
    await Promise.all([newer, older]);
    expect(store.items.value).toHaveLength(2);
  });

  it('imports a HAR as its own source, shown whatever the tab, and says why a file is not a HAR', async () => {
    const store = createStore({ tabId: 5 });
    await store.applySnapshot(snapshotOf('good', 6));
    expect(store.visible.value).toHaveLength(0);
    expect(await store.importHar('pkce.har', new Blob([harText('verifier-trailing-newline')]))).toBeUndefined();
    expect(store.visible.value).toHaveLength(1);
    expect(store.selected.value?.source.label).toBe('pkce.har');
    expect((await openedDetail(store)).flow.pkce.nearMiss?.kind).toBe('verifier-whitespace');
    expect(await store.importHar('bad.har', new Blob(['{"nope": 1}']))).toMatch(/^bad\.har: not a HAR file/);
    expect(store.error.value).toMatch(/not a HAR file/);
    // Flow ids restart in every analysis: keys stay unique across sources.
    await store.importHar('again.har', new Blob([harText('verifier-trailing-newline')]));
    const keys = store.items.value.map((i) => i.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('sends clear and pause to the worker, and reports a failed command', async () => {
    const request = vi.fn().mockResolvedValue(undefined);
    const store = createStore({ tabId: 1, request });
    await store.importHar('a.har', new Blob([harText('good')]));
    store.reveal('x');
    await store.clear();
    expect(request).toHaveBeenCalledWith({ type: 'clear' });
    expect(store.imports.value).toEqual([]);
    expect(store.revealed.value.size).toBe(0);
    await store.setPaused(true);
    expect(request).toHaveBeenLastCalledWith({ type: 'set-paused', paused: true });
    request.mockRejectedValueOnce(new Error('the extension worker stopped; try again'));
    await store.setPaused(false);
    expect(store.error.value).toBe('the extension worker stopped; try again');
  });

  it('reveals and hides one secret at a time', () => {
    const store = createStore({ tabId: 1 });
    store.reveal('a');
    store.reveal('b');
    store.reveal('a', false);
    expect([...store.revealed.value]).toEqual(['b']);
  });
});

describe('findings tied to no flow', () => {
  it('are listed for the inspected tab only, unless all tabs', async () => {
    const store = createStore({ tabId: 3 });
    const base = snapshotOf('good', 4);
    const last = base.exchanges.at(-1)!;
    // A resource request carrying a token in its URL belongs to no flow.
    const leak = {
      ...last,
      id: 'leak',
      time: last.time + 10,
      method: 'GET',
      url: 'https://api.example/data?access_token=abcdefghijklmnopqrstuvwxyz',
      initiator: 'fetch' as const,
      requestBody: { kind: 'none' as const },
      tabId: 4,
    };
    await store.applySnapshot({ ...base, exchanges: [...base.exchanges, leak] });
    const total = store.live.value!.unbound.length;
    expect(total).toBeGreaterThan(0);
    const unboundCount = () => store.unbound.value.reduce((n, u) => n + u.findings.length, 0);
    expect(unboundCount()).toBe(0);
    store.allTabs.value = true;
    expect(unboundCount()).toBe(total);
  });
});

describe('importing a big HAR', () => {
  it("shows a preview first, then the whole file, keeping the user's choice of flow", async () => {
    const store = createStore({ tabId: undefined });
    const seen: number[] = [];
    const stop = store.items.subscribe((items) => seen.push(items.length));
    const done = store.importHar('big.har', new Blob([twoFlowsAroundPadding()]));
    expect(store.importing.value).toEqual([expect.objectContaining({ name: 'big.har', loadedBytes: 0 })]);
    expect(await done).toBeUndefined();
    stop();
    expect(seen).toContain(1);
    expect(seen.at(-1)).toBe(2);
    expect(store.imports.value).toHaveLength(1);
    expect(store.imports.value[0]!.complete).toBe(true);
    expect(store.importing.value).toEqual([]);
    // Nothing chosen during the import: the newest flow of the whole file.
    expect((await openedDetail(store)).flow.refreshes.length).toBeGreaterThan(0);
  });

  it('withdraws the preview when the whole file turns out unusable', async () => {
    const store = createStore({ tabId: undefined });
    const text = twoFlowsAroundPadding();
    expect(await store.importHar('cut.har', new Blob([text.slice(0, -200)]))).toMatch(/^cut\.har: truncated/);
    expect(store.imports.value).toEqual([]);
    expect(store.error.value).toMatch(/truncated/);
  });

  it('drops an import the user cleared', async () => {
    const store = createStore({ tabId: undefined });
    const done = store.importHar('big.har', new Blob([twoFlowsAroundPadding()]));
    await store.clear();
    await done;
    expect(store.imports.value).toEqual([]);
    expect(store.importing.value).toEqual([]);
  });
});
