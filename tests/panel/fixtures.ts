/** Recorded demo captures (tests/fixtures/demo/*.har) as the panel sees them. */
import { readFileSync } from 'node:fs';
import { parseHarText } from '../../src/capture/har.ts';
import type { Exchange } from '../../src/core/model.ts';
import type { FlowItem } from '../../src/devtools/sources.ts';
import type { PanelStore } from '../../src/devtools/store.ts';
import type { CaptureSnapshot } from '../../src/messaging/protocol.ts';

export function harText(name: string): string {
  return readFileSync(new URL(`../fixtures/demo/${name}.har`, import.meta.url), 'utf8');
}

export function fixtureExchanges(name: string): Exchange[] {
  return parseHarText(harText(name)).exchanges;
}

/** A worker snapshot holding a fixture's exchanges, all in `tabId`. */
export function snapshotOf(name: string, tabId: number, idPrefix = name): CaptureSnapshot {
  return {
    exchanges: fixtureExchanges(name).map((e) => ({ ...e, id: `${idPrefix}-${e.id}`, tabId })),
    evicted: { flows: 0, exchanges: 0 },
    paused: false,
    since: 0,
  };
}

export function merge(...snapshots: CaptureSnapshot[]): CaptureSnapshot {
  return { ...snapshots[0]!, exchanges: snapshots.flatMap((s) => s.exchanges).sort((a, b) => a.time - b.time) };
}

/** The selected flow's detail once it is open (an import's detail arrives asynchronously). */
export async function openedDetail(store: PanelStore): Promise<FlowItem> {
  for (let i = 0; i < 100 && store.detail.value?.key !== store.selected.value?.key; i++)
    await new Promise((resolve) => setTimeout(resolve, 0));
  if (!store.detail.value || store.detail.value.key !== store.selected.value?.key) throw new Error('the selected flow did not open');
  return store.detail.value;
}
