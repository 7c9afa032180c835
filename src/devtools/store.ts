/**
 * The panel's store: all state in signals, every change through an action, nothing here touches `chrome.*`
 * or the DOM (as preact-devtools' store: the adapter feeds it, the views only read it and call actions).
 * The same store runs in DevTools, in the inline shell (a tab with `?tab=ID`) and in Node tests.
 */
import { batch, computed, effect, signal } from '@preact/signals';
import { endpointsNamedBy } from '../capture/learned-endpoints.ts';
import { MAX_LEARNED_URLS, type CaptureSnapshot, type Command } from '../messaging/protocol.ts';
import type { Exchange } from '../core/model.ts';
import { buildAuditReport, type AuditReport } from '../core/report.ts';
import { TOOL_VERSION } from '../report/version.ts';
import type { ImportPhases, ImportTarget } from './import/har-import.ts';
import { importInProcess, type HarImporter, type ImportConnection } from './import/importers.ts';
import { remoteSource } from './import/remote-source.ts';
import { createCompareKeep } from './compare-keep.ts';
import type { KeptStorage } from './kept.ts';
import { appendBounded, mergeResponseBodies } from './network.ts';
import {
  buildSource,
  inTabScope,
  localSource,
  unboundFindings,
  visibleRows,
  type FlowItem,
  type FlowRow,
  type PanelSource,
  type VerdictFilter,
} from './sources.ts';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'incompatible';

export interface StoreOptions {
  /** The inspected tab (DevTools) or the `?tab=` of the inline shell; undefined: every tab. */
  tabId: number | undefined;
  /** Sends a command to the worker; absent when there is no worker (tests, imports only). */
  request?: (command: Command) => Promise<void>;
  /** Runs HAR imports: in a Web Worker in the panel; in process by default (tests). */
  importer?: HarImporter;
  /** Where kept flows are stored (storage.local in the panel); absent: no Keep (tests). */
  keptStorage?: KeptStorage;
}

/** An import under way, for the status line. */
export interface ImportProgress {
  sourceId: string;
  name: string;
  loadedBytes: number;
  totalBytes: number;
  /** Flows of the preview on screen, while the whole file is still being read and analysed. */
  previewFlows?: number;
}

export type PanelStore = ReturnType<typeof createStore>;

export const LIVE_SOURCE_ID = 'live';

/** The detail's tabs, in order (views/FlowDetail.tsx). */
export const DETAIL_TABS = ['timeline', 'parameters', 'pkce', 'tokens', 'findings', 'raw'] as const;
export type DetailTab = (typeof DETAIL_TABS)[number];

/**
 * User Timing (`oauth-lens:import-preview`…): an import's milestones and phases show in the DevTools Performance
 * panel, and bench/panel reads them.
 */
function mark(name: string): void {
  globalThis.performance?.mark?.(`oauth-lens:${name}`);
}

/** The phases ran in the import worker (another time origin): recorded as durations. */
function measurePhases(phases: ImportPhases): void {
  for (const [name, duration] of Object.entries(phases))
    globalThis.performance?.measure?.(`oauth-lens:import-${name}`, { start: 0, duration });
}

export function createStore(options: StoreOptions) {
  const live = signal<PanelSource | undefined>(undefined);
  // The last worker snapshot and the DevTools network exchanges whose response bodies are merged into it.
  let lastSnapshot: CaptureSnapshot | undefined;
  let network: Exchange[] = [];
  const imports = signal<PanelSource[]>([]);
  /** Flows the user kept (compare-keep.ts), one source each; Clear leaves them. */
  const kept = signal<PanelSource[]>([]);
  const importing = signal<readonly ImportProgress[]>([]);
  const runningImports = new Set<ImportConnection>();
  const importer = options.importer ?? importInProcess;
  const snapshotMeta = signal<Pick<CaptureSnapshot, 'evicted' | 'paused' | 'since'> | undefined>(undefined);
  const status = signal<ConnectionStatus>('connecting');
  const error = signal<string | undefined>(undefined);
  const allTabs = signal(false);
  const query = signal('');
  const verdictFilter = signal<VerdictFilter>('all');
  const ruleFilter = signal('');
  /** The detail's open tab: kept while the user moves between flows (DevTools' Network panel does the same). */
  const detailTab = signal<DetailTab>('timeline');
  const selectedKey = signal<string | undefined>(undefined);
  const selectedExchangeId = signal<string | undefined>(undefined);
  /** Secrets the user revealed, by a key the view chooses (`flowKey/what`). */
  const revealed = signal<ReadonlySet<string>>(new Set());
  /** Reveal secrets inside URLs, bodies and exports too. */
  const revealAll = signal(false);

  const sources = computed(() => [...(live.value ? [live.value] : []), ...imports.value, ...kept.value]);
  /** Every source's rows; `visible` is the list on screen. */
  const items = computed(() => sources.value.flatMap((s) => s.rows));
  const unbound = computed(() => unboundFindings(sources.value, { tabId: options.tabId, allTabs: allTabs.value }));
  const visible = computed(() =>
    visibleRows(items.value, {
      tabId: options.tabId,
      allTabs: allTabs.value,
      query: query.value,
      verdict: verdictFilter.value,
      ruleId: ruleFilter.value,
    }),
  );
  /** The rule ids of the flows in scope (tab filter only), sorted: the rule filter's choices. */
  const ruleIdsInScope = computed(() => {
    const ids = new Set<string>();
    const scope = { tabId: options.tabId, allTabs: allTabs.value };
    for (const row of items.value) if (inTabScope(row, scope)) for (const id of row.ruleIds) ids.add(id);
    // The chosen rule stays a choice while no flow has it (cleared capture), so the select shows what filters.
    if (ruleFilter.value) ids.add(ruleFilter.value);
    return [...ids].sort();
  });
  // The chosen flow while the list shows it; otherwise (nothing chosen, cleared, filtered out) the newest
  // visible flow, so the detail never shows a flow the list hides.
  const selected = computed<FlowRow | undefined>(() => visible.value.find((i) => i.key === selectedKey.value) ?? visible.value[0]);
  /**
   * The selected flow, opened: at once for the live capture, a worker round trip for an import (until it
   * arrives, the previous detail stays on screen). Re-opened when the flow's source changes (a new snapshot,
   * an import's preview replaced by the whole file).
   */
  const detail = signal<FlowItem | undefined>(undefined);
  let opening = 0;
  effect(() => {
    const row = selected.value;
    const mine = ++opening;
    if (!row) {
      detail.value = undefined;
      return;
    }
    const adopt = (item: FlowItem) => {
      if (mine === opening) detail.value = item;
    };
    try {
      const opened = row.source.open(row.flowId);
      if (opened instanceof Promise) {
        opened.then(adopt, (e: unknown) => {
          if (mine === opening) error.value = e instanceof Error ? e.message : String(e);
        });
      } else adopt(opened);
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
    }
  });

  /** Endpoints already taught to the worker, each sent once (again only if sending failed). */
  const taught = new Set<string>();
  /**
   * The DevTools network sees what the worker cannot: discovery documents' bodies and token requests at any
   * path (learned-endpoints.ts). Teaching the worker those endpoints lets it capture their later calls with
   * DevTools closed. Best effort: a worker that is restarting is taught by the next exchanges.
   */
  const teachEndpoints = (exchanges: readonly Exchange[]) => {
    const request = options.request;
    if (!request) return;
    const urls = [...new Set(exchanges.flatMap(endpointsNamedBy))].filter((url) => !taught.has(url));
    for (let start = 0; start < urls.length; start += MAX_LEARNED_URLS) {
      const batchOfUrls = urls.slice(start, start + MAX_LEARNED_URLS);
      for (const url of batchOfUrls) taught.add(url);
      request({ type: 'learn-endpoints', urls: batchOfUrls }).catch(() => {
        for (const url of batchOfUrls) taught.delete(url);
      });
    }
  };

  let liveRun: Promise<void> | undefined;
  let liveStale = false;
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
    live,
    imports,
    importing,
    sources,
    items,
    visible,
    unbound,
    selected,
    detail,
    snapshotMeta,
    status,
    error,
    allTabs,
    query,
    verdictFilter,
    ruleFilter,
    ruleIdsInScope,
    detailTab,
    selectedKey,
    selectedExchangeId,
    revealed,
    revealAll,
    compareKeep: createCompareKeep({ storage: options.keptStorage, kept, items, selected, select }),

    applySnapshot,

    /** Exchanges (with response bodies) from the DevTools network API; re-analyses the live capture. */
    async addNetworkExchanges(exchanges: readonly Exchange[]): Promise<void> {
      if (!exchanges.length) return;
      teachEndpoints(exchanges);
      network = appendBounded(network, exchanges);
      if (lastSnapshot) await applySnapshot(lastSnapshot);
    },

    /**
     * Adds a HAR file as its own source: a preview of its first flows as soon as they are read (big files), then
     * the whole file. Resolves when the import ends: undefined, or the problem in words when it is not a usable
     * HAR (the preview, if any, is then withdrawn).
     */
    async importHar(name: string, file: Blob): Promise<string | undefined> {
      const target: ImportTarget = { sourceId: `import-${++importCount}`, label: name };
      const { sourceId } = target;
      mark('import-start');
      setProgress({ sourceId, name, loadedBytes: 0, totalBytes: file.size });
      let problem: string | undefined;
      // The flow the preview selected: the full result moves the selection only if the user did not.
      let previewSelection: string | undefined;
      const connection: ImportConnection = importer(target, file, (event) => {
        switch (event.type) {
          case 'preview': {
            const source = remoteSource(target, event.snapshot, connection, false);
            batch(() => {
              putImport(source);
              previewSelection = selectNewest(source);
              setProgress({ sourceId, name, loadedBytes: 0, totalBytes: event.totalBytes, previewFlows: source.rows.length });
            });
            mark('import-preview');
            break;
          }
          case 'progress':
            setProgress({ ...(progressOf(sourceId) ?? { sourceId, name }), loadedBytes: event.loadedBytes, totalBytes: event.totalBytes });
            break;
          case 'done': {
            const source = remoteSource(target, event.snapshot, connection, true);
            batch(() => {
              putImport(source);
              if (previewSelection === undefined || selectedKey.value === previewSelection) selectNewest(source);
              error.value = undefined;
            });
            measurePhases(event.phases);
            mark('import-done');
            break;
          }
          case 'failed':
            problem = `${name}: ${event.message}`;
            batch(() => {
              imports.value = imports.value.filter((s) => s.id !== sourceId);
              error.value = problem;
            });
            break;
        }
      });
      runningImports.add(connection);
      await connection.finished;
      runningImports.delete(connection);
      importing.value = importing.value.filter((p) => p.sourceId !== sourceId);
      return problem;
    },

    /**
     * Every source as one report (the CLI's schema): the live capture first, then the imports in order, as the
     * CLI does files. Undefined, with the reason in `error`, when a source cannot report (its import was closed).
     */
    async allSourcesReport({ redact }: { redact: boolean }): Promise<AuditReport | undefined> {
      try {
        const inputs = await Promise.all(sources.value.map((source) => source.inputReport({ redact })));
        return buildAuditReport(inputs, { toolVersion: TOOL_VERSION, redacted: redact });
      } catch (e) {
        error.value = `export failed: ${e instanceof Error ? e.message : String(e)}`;
        return undefined;
      }
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
      for (const connection of runningImports) connection.close();
      for (const source of imports.value) source.dispose();
      batch(() => {
        importing.value = [];
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

  /**
   * Analyses the newest snapshot. One analysis at a time: snapshots that arrive meanwhile (one per captured
   * request during a sign-in) are skipped for the newest, analysed next. Resolves once the newest is applied.
   */
  function applySnapshot(snapshot: CaptureSnapshot): Promise<void> {
    lastSnapshot = snapshot;
    liveStale = true;
    liveRun ??= (async () => {
      try {
        while (liveStale) {
          liveStale = false;
          const newest: CaptureSnapshot = lastSnapshot ?? snapshot;
          const source = localSource(
            await buildSource(LIVE_SOURCE_ID, 'live capture', 'live', mergeResponseBodies(newest.exchanges, network)),
          );
          batch(() => {
            live.value = source;
            snapshotMeta.value = { evicted: newest.evicted, paused: newest.paused, since: newest.since };
          });
        }
      } finally {
        liveRun = undefined;
      }
    })();
    return liveRun;
  }

  function progressOf(sourceId: string): ImportProgress | undefined {
    return importing.value.find((p) => p.sourceId === sourceId);
  }

  function setProgress(progress: ImportProgress): void {
    const others = importing.value.filter((p) => p.sourceId !== progress.sourceId);
    importing.value = [...others, progress];
  }

  /** Adds an import's source, or replaces its preview. */
  function putImport(source: PanelSource): void {
    const at = imports.value.findIndex((s) => s.id === source.id);
    imports.value = at === -1 ? [...imports.value, source] : imports.value.map((s, i) => (i === at ? source : s));
  }

  /** Selects the source's newest flow (first in the list's order: the latest start, the first of equals). */
  function selectNewest(source: PanelSource): string | undefined {
    let newest: FlowRow | undefined;
    for (const row of source.rows) if (!newest || row.started > newest.started) newest = row;
    if (newest) select(newest.key);
    return newest?.key;
  }

  function select(key: string | undefined): void {
    batch(() => {
      if (selectedKey.value !== key) selectedExchangeId.value = undefined;
      selectedKey.value = key;
    });
  }
}
