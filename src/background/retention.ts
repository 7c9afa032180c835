/**
 * What to keep in `storage.session`: a ring of recent flows under a total size cap. Eviction removes whole
 * flows, oldest activity first, together with loose exchanges older than the flows kept, and counts them
 * so the views can say what was dropped.
 */
import type { Flow } from '../core/model.ts';

export interface RetentionLimits {
  /** Estimated bytes of stored exchanges (storage.session holds 10 MB in all). */
  maxBytes: number;
  maxExchanges: number;
}

/**
 * storage.session's 10 MB quota measures memory, about 2.6 times the JSON size of our exchanges (measured by
 * `npm run bench`, section worker): 1.5 MB of JSON keeps the log near 4 MB of the quota.
 */
export const DEFAULT_LIMITS: RetentionLimits = { maxBytes: 1_500_000, maxExchanges: 2_000 };

/** After storage refused a write: make room for about half the usual log. */
export const SHRUNK_LIMITS: RetentionLimits = { maxBytes: DEFAULT_LIMITS.maxBytes / 2, maxExchanges: DEFAULT_LIMITS.maxExchanges / 2 };

export interface StoredEntry {
  id: string;
  time: number;
  size: number;
}

export interface EvictionPlan {
  ids: Set<string>;
  flows: number;
}

export function planEviction(entries: readonly StoredEntry[], flows: readonly Flow[], limits: RetentionLimits): EvictionPlan {
  let bytes = entries.reduce((sum, e) => sum + e.size, 0);
  let count = entries.length;
  const plan: EvictionPlan = { ids: new Set(), flows: 0 };
  if (bytes <= limits.maxBytes && count <= limits.maxExchanges) return plan;

  const sizeOf = new Map(entries.map((e) => [e.id, e]));
  const inFlow = new Set<string>();
  // A unit is a whole flow (its last activity orders it) or one loose exchange.
  const units: { time: number; ids: string[]; isFlow: boolean }[] = [];
  for (const flow of flows) {
    const ids = flow.steps.map((s) => s.exchangeId).filter((id) => sizeOf.has(id));
    for (const id of ids) inFlow.add(id);
    if (ids.length) units.push({ time: Math.max(...flow.steps.map((s) => s.time)), ids, isFlow: true });
  }
  for (const entry of entries) if (!inFlow.has(entry.id)) units.push({ time: entry.time, ids: [entry.id], isFlow: false });
  units.sort((a, b) => a.time - b.time);

  for (const unit of units) {
    if (bytes <= limits.maxBytes && count <= limits.maxExchanges) break;
    for (const id of unit.ids) {
      if (plan.ids.has(id)) continue;
      plan.ids.add(id);
      bytes -= sizeOf.get(id)!.size;
      count -= 1;
    }
    if (unit.isFlow) plan.flows += 1;
  }
  return plan;
}
