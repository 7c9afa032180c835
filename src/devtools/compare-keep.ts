/**
 * The panel's compare and keep state, beside the store (store.ts) and as it is: signals and actions, no
 * `chrome.*`, no DOM. Kept flows come from a `KeptStorage` (storage.local in the panel) and are shown as
 * sources of their own; a comparison pairs the selected flow with another one and opens both.
 */
import { batch, computed, effect, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import { isPassing, lastPassingBefore } from './compare.ts';
import { addKept, keptAlready, keptIdOf, keptRecordOf, keptSource, parseKept, type KeptFlowRecord, type KeptStorage } from './kept.ts';
import type { FlowItem, FlowRow, PanelSource } from './sources.ts';

export interface CompareKeepDeps {
  storage: KeptStorage | undefined;
  /** The store's kept sources, which it lists with the live capture and the imports. */
  kept: Signal<PanelSource[]>;
  /** Every source's rows (the store's `items`). */
  items: ReadonlySignal<readonly FlowRow[]>;
  selected: ReadonlySignal<FlowRow | undefined>;
  select(key: string | undefined): void;
}

/** One side of a comparison: its list row and its opened flow. */
export interface ComparedSide {
  row: FlowRow;
  item: FlowItem;
}

export type CompareKeep = ReturnType<typeof createCompareKeep>;

export function createCompareKeep({ storage, kept, items, selected, select }: CompareKeepDeps) {
  let records: KeptFlowRecord[] = [];
  /** A sentence about the last keep or removal (a refusal, or where the flow went), for the kept flows' bar. */
  const notice = signal<string | undefined>(undefined);
  /** Kept flows by their record id, for the bar (newest kept first). */
  const keptRecords = signal<readonly KeptFlowRecord[]>([]);

  /** The selected flow and the one it is compared with; undone when the selection moves. */
  const pair = signal<{ baseKey: string; otherKey: string } | undefined>(undefined);
  /** The two flows opened, older as A, newer as B; undefined while closed or opening. */
  const comparison = signal<{ a: ComparedSide; b: ComparedSide } | undefined>(undefined);
  const comparing = computed(() => pair.value !== undefined);

  /** For a failing selected flow: the same client's last passing flow before it, at the same server. */
  const lastPassing = computed(() => {
    const row = selected.value;
    if (!row || isPassing(row)) return undefined;
    return lastPassingBefore(row, items.value);
  });

  let opening = 0;
  effect(() => {
    const wanted = pair.value;
    const mine = ++opening;
    if (!wanted) {
      comparison.value = undefined;
      return;
    }
    if (selected.value?.key !== wanted.baseKey) {
      pair.value = undefined;
      return;
    }
    const rows = items.value;
    const base = rows.find((r) => r.key === wanted.baseKey);
    const other = rows.find((r) => r.key === wanted.otherKey);
    if (!base || !other) {
      pair.value = undefined;
      return;
    }
    const [a, b] = other.started <= base.started ? [other, base] : [base, other];
    void Promise.all([a.source.open(a.flowId), b.source.open(b.flowId)]).then(
      ([itemA, itemB]) => {
        if (mine === opening) comparison.value = { a: { row: a, item: itemA }, b: { row: b, item: itemB } };
      },
      (e: unknown) => {
        if (mine === opening) {
          notice.value = `Cannot compare: ${e instanceof Error ? e.message : String(e)}`;
          pair.value = undefined;
        }
      },
    );
  });

  /** Compares the selected flow with another flow of any source. */
  function compareWith(otherKey: string): void {
    const base = selected.value;
    if (!base || base.key === otherKey) return;
    pair.value = { baseKey: base.key, otherKey };
  }

  async function adopt(next: KeptFlowRecord[]): Promise<void> {
    const known = new Map(kept.value.map((s) => [keptIdOf(s.id), s]));
    const sources = await Promise.all(next.map((r) => known.get(r.id) ?? keptSource(r)));
    records = next;
    batch(() => {
      kept.value = sources;
      keptRecords.value = [...next].reverse();
    });
  }

  /**
   * Keeps and removals run one at a time, each on the list the previous one left: a double click on Keep must not
   * write a list that lost the first click's flow.
   */
  let writing: Promise<void> = Promise.resolve();
  function update(change: (current: KeptFlowRecord[]) => KeptFlowRecord[] | string, done: string): Promise<void> {
    writing = writing.then(async () => {
      if (!storage) return;
      const next = change(records);
      if (typeof next === 'string') {
        notice.value = next;
        return;
      }
      try {
        await storage.write(next);
        await adopt(next);
        notice.value = done;
      } catch (e) {
        notice.value = `Could not write the kept flows: ${e instanceof Error ? e.message : String(e)}`;
      }
    });
    return writing;
  }

  return {
    /** Whether kept flows can be stored here (the panel; not the tests' store without storage). */
    available: storage !== undefined,
    keptRecords,
    notice,
    comparison,
    comparing,
    lastPassing,

    /** Reads the kept flows (once at start, and when another panel changed them). */
    async load(): Promise<void> {
      if (!storage) return;
      try {
        await adopt(parseKept(await storage.read()));
      } catch (e) {
        notice.value = `Could not read the kept flows: ${e instanceof Error ? e.message : String(e)}`;
      }
    },

    /** Follows the kept flows as other panels (other DevTools windows) keep and remove them. */
    followStorage(): void {
      storage?.onChange?.((value) => void adopt(parseKept(value)));
    },

    isKept(item: Pick<FlowItem, 'clientId' | 'server' | 'started'>): boolean {
      return keptAlready(keptRecords.value, item);
    },

    keep(item: FlowItem): Promise<void> {
      return update((current) => {
        const added = addKept(current, keptRecordOf(item, Date.now()));
        return 'problem' in added ? added.problem : added.records;
      }, 'Kept, redacted, in this browser profile: it stays after a restart, until you remove it.');
    },

    remove(recordId: string): Promise<void> {
      return update((current) => current.filter((r) => r.id !== recordId), 'Kept flow removed.');
    },

    removeAll(): Promise<void> {
      return update(() => [], 'Every kept flow removed.');
    },

    compareWith,

    compareWithLastPassing(): void {
      const other = lastPassing.value;
      if (other) compareWith(other.key);
    },

    /** Back to the selected flow's detail; `open` moves the selection to the given side first. */
    closeCompare(open?: string): void {
      batch(() => {
        pair.value = undefined;
        if (open) select(open);
      });
    },
  };
}
