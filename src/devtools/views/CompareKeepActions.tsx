/**
 * The flow detail's compare and keep controls: "Compare with the last passing flow" (a failing flow only),
 * "Compare with…" any other flow (live, imported or kept), and Keep (or, on a kept flow, Remove).
 */
import { useMemo } from 'preact/hooks';
import type { Redactor } from '../../core/redact.ts';
import { plural, visible } from '../../report/text.ts';
import { flowSymbol } from '../../report/verdict.ts';
import { compareCandidates, isPassing } from '../compare.ts';
import { keptIdOf } from '../kept.ts';
import type { FlowItem } from '../sources.ts';
import { useStore } from './context.ts';

export function CompareKeepActions({ item }: { item: FlowItem }) {
  const store = useStore();
  const { compareKeep } = store;
  const lastPassing = compareKeep.lastPassing.value;
  const failing = !isPassing(item);
  const rows = store.items.value;
  const { candidates, omitted } = useMemo(() => compareCandidates(item, rows), [item, rows]);
  const keptId = keptIdOf(item.source.id);
  // Captured text, shown as an option's text: masked like every other value, its control characters made visible.
  const mask = (source: { redactor: Redactor }, text: string) => visible(store.revealAll.value ? text : source.redactor.text(text));
  const client = item.clientId ?? 'this client';
  const noPassingReason = `No earlier flow of ${client} at this server passed (live, imported or kept). Keep a working flow to compare with later.`;
  return (
    <div class="compare-keep-actions" data-section="compare-keep">
      {failing && (
        <button
          type="button"
          id="compare-last-passing"
          disabled={!lastPassing}
          title={
            lastPassing
              ? `Compare with ${client}'s last passing flow before this one (${new Date(lastPassing.started).toLocaleString()}, ${lastPassing.source.label})`
              : noPassingReason
          }
          onClick={() => compareKeep.compareWithLastPassing()}
        >
          Compare with last passing
        </button>
      )}
      {failing && !lastPassing && (
        <span class="muted compare-keep-reason" data-field="no-last-passing">
          {noPassingReason}
        </span>
      )}
      {candidates.length > 0 && (
        <select
          id="compare-with"
          aria-label="Compare with another flow"
          title="Compare this flow with another one, side by side (or Shift+click a flow in the list)"
          value=""
          onChange={(e) => {
            const key = (e.currentTarget as HTMLSelectElement).value;
            if (key) compareKeep.compareWith(key);
          }}
        >
          <option value="">Compare with…</option>
          {candidates.map((c) => (
            <option key={c.key} value={c.key}>
              {flowSymbol(c.verdict.verdict, c.stuck)} {c.clientId ? mask(c.source, c.clientId) : '(no client_id)'} ·{' '}
              {new Date(c.started).toLocaleTimeString()} · {visible(c.source.label)}
            </option>
          ))}
          {omitted > 0 && <option disabled>{plural(omitted, 'older flow')} not listed: filter the list to find them</option>}
        </select>
      )}
      {compareKeep.available &&
        (keptId !== undefined ? (
          <button
            type="button"
            id="keep-remove"
            title="Remove this kept flow from the browser profile"
            onClick={() => void compareKeep.remove(keptId)}
          >
            Remove from kept
          </button>
        ) : compareKeep.isKept(item) ? (
          <span class="muted" data-field="kept">
            ✓ kept
          </span>
        ) : (
          <button
            type="button"
            id="keep"
            title="Store this flow, redacted (no codes, verifiers, tokens or secrets), in this browser profile, so it stays after a restart for comparison"
            onClick={() => void compareKeep.keep(item)}
          >
            Keep
          </button>
        ))}
    </div>
  );
}
