/**
 * The panel's store: all state in signals, every change through an action, nothing here touches `chrome.*`
 * or the DOM (as preact-devtools' store: the adapter feeds it, the views only read it and call actions).
 * The same store runs in DevTools, in the inline shell (a tab with `?tab=ID`) and in Node tests.
 */
import { batch, computed, signal } from '@preact/signals';
import { parseHarText } from '../capture/har.ts';
import type { CaptureSnapshot, Command } from '../messaging/protocol.ts';
import type { Exchange } from '../core/model.ts';
import { appendBounded, mergeResponseBodies } from './network.ts';
import { buildSource, flowItems, unboundFindings, visibleItems, type FlowItem, type Source } from './sources.ts';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'incompatible';

export interface StoreOptions {
  /** The inspected tab (DevTools) or the `?tab=` of the inline shell; undefined: every tab. */
  tabId: number | undefined;
  /** Sends a command to the worker; absent when there is no worker (tests, imports only). */
  request?: (command: Command) => Promise<void>;
}

export type PanelStore = ReturnType<typeof createStore>;

export const LIVE_SOURCE_ID = 'live';

/**
 * A User Timing mark (`oauth-lens:import-parsed`…): the import's phases show in the DevTools Performance panel,
 * and bench/panel reads them. One per phase and import; nothing else.
 */
function mark(name: string): void {
  globalThis.performance?.mark?.(`oauth-lens:${name}`);
}

export function createStore(options: StoreOptions) {
  const live = signal<Source | undefined>(undefined);
  // The last worker snapshot and the DevTools network exchanges whose response bodies are merged into it.
  let lastSnapshot: CaptureSnapshot | undefined;
  let network: Exchange[] = [];
  const imports = signal<Source[]>([]);
  const snapshotMeta = signal<Pick<CaptureSnapshot, 'evicted' | 'paused' | 'since'> | undefined>(undefined);
  const status = signal<ConnectionStatus>('connecting');
  const error = signal<string | undefined>(undefined);
  const allTabs = signal(false);
  const query = signal('');
  const selectedKey = signal<string | undefined>(undefined);
  const selectedExchangeId = signal<string | undefined>(undefined);
  /** Secrets the user revealed, by a key the view chooses (`flowKey/what`). */
  const revealed = signal<ReadonlySet<string>>(new Set());
  /** Reveal secrets inside URLs, bodies and exports too. */
  const revealAll = signal(false);

  const sources = computed(() => (live.value ? [live.value, ...imports.value] : imports.value));
  const items = computed(() => sources.value.flatMap(flowItems));
  const unbound = computed(() => unboundFindings(sources.value, { tabId: options.tabId, allTabs: allTabs.value }));
  const visible = computed(() => visibleItems(items.value, { tabId: options.tabId, allTabs: allTabs.value, query: query.value }));
  // The chosen flow while the list shows it; otherwise (nothing chosen, cleared, filtered out) the newest
  // visible flow, so the detail never shows a flow the list hides.
  const selected = computed<FlowItem | undefined>(() => visible.value.find((i) => i.key === selectedKey.value) ?? visible.value[0]);

  // Analyses are async: only the newest snapshot's result is applied.
  let generation = 0;
  let importCount = 0;

  const run = async (command: Command) => {
    if (!options.request) return;
    try {
      await options.request(command);
      error.value = undefined;
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
    }
  };

  return {
    tabId: options.tabId,
    live, imports, sources, items, visible, unbound, selected, snapshotMeta, status, error,
    allTabs, query, selectedKey, selectedExchangeId, revealed, revealAll,

    applySnapshot,

    /** Exchanges (with response bodies) from the DevTools network API; re-analyses the live capture. */
    async addNetworkExchanges(exchanges: readonly Exchange[]): Promise<void> {
      if (!exchanges.length) return;
      network = appendBounded(network, exchanges);
      if (lastSnapshot) await applySnapshot(lastSnapshot);
    },


    /** Adds a HAR file as its own source; returns the problem in words when it is not a usable HAR. */
    async importHar(name: string, text: string): Promise<string | undefined> {
      mark('import-start');
      let conversion;
      try {
        conversion = parseHarText(text);
        mark('import-parsed');
      } catch (e) {
        const message = `${name}: ${e instanceof Error ? e.message : String(e)}`;
        error.value = message;
        return message;
      }
      const source = await buildSource(`import-${++importCount}`, name, 'import', conversion.exchanges, conversion.warnings);
      mark('import-analysed');
      batch(() => {
        imports.value = [...imports.value, source];
        error.value = undefined;
        // The import's newest flow (first in the list's order: the latest start, the first of equals).
        let newest: FlowItem | undefined;
        for (const item of flowItems(source)) if (!newest || item.started > newest.started) newest = item;
        if (newest) select(newest.key);
      });
      return undefined;
    },

    select,

    /** Keyboard navigation: the next (+1) or previous (-1) visible flow. */
    move(delta: 1 | -1): void {
      const list = visible.value;
      if (!list.length) return;
      const at = list.findIndex((i) => i.key === selected.value?.key);
      const next = at === -1 ? (delta > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, at + delta));
      select(list[next]!.key);
    },

    selectExchange(id: string | undefined): void {
      selectedExchangeId.value = id;
    },

    reveal(key: string, shown = true): void {
      const next = new Set(revealed.value);
      if (shown) next.add(key);
      else next.delete(key);
      revealed.value = next;
    },

    setStatus(next: ConnectionStatus): void {
      status.value = next;
    },

    /** Forgets the worker's capture (and the imports: "clear" means an empty panel). */
    async clear(): Promise<void> {
      network = [];
      batch(() => {
        imports.value = [];
        selectedKey.value = undefined;
        selectedExchangeId.value = undefined;
        revealed.value = new Set();
      });
      await run({ type: 'clear' });
    },

    async setPaused(paused: boolean): Promise<void> {
      await run({ type: 'set-paused', paused });
    },
  };

  async function applySnapshot(snapshot: CaptureSnapshot): Promise<void> {
    lastSnapshot = snapshot;
    const mine = ++generation;
    const source = await buildSource(LIVE_SOURCE_ID, 'live capture', 'live', mergeResponseBodies(snapshot.exchanges, network));
    if (mine !== generation) return;
    batch(() => {
      live.value = source;
      snapshotMeta.value = { evicted: snapshot.evicted, paused: snapshot.paused, since: snapshot.since };
    });
  }

  function select(key: string | undefined): void {
    batch(() => {
      if (selectedKey.value !== key) selectedExchangeId.value = undefined;
      selectedKey.value = key;
    });
  }
}
