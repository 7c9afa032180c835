/**
 * The flow list: newest first, one row per flow in columns (verdict, client, authorization server, started,
 * duration, first finding; panel.css drops the minor ones when the list is narrow); up/down move the selection
 * (and scroll it into view), enter opens the detail. Virtual: only the rows in view are in the DOM, each
 * ROW_HEIGHT pixels high.
 */
import { memo } from 'preact/compat';
import { useRef } from 'preact/hooks';
import type { FlowRow as Row } from '../sources.ts';
import { formatDuration } from '../../report/text.ts';
import { findingCounts, flowStanding, flowSymbol } from '../../report/verdict.ts';
import { useStore } from './context.ts';
import { Masked, useMask } from './Secret.tsx';
import { scrollRowIntoView, VirtualList } from './VirtualList.tsx';

/** One 21px line and the border, DevTools' Network density (panel.css keeps every cell on one line). */
export const ROW_HEIGHT = 22;

/** The column headings, above the list (not in it: the list is a listbox of flows). */
function ListHeader() {
  return (
    <div class="flow-columns flow-list-header" aria-hidden="true">
      <span class="verdict-col" />
      <span class="client">Client</span>
      <span class="server">Server</span>
      <span class="time">Started</span>
      <span class="duration">Duration</span>
      <span class="first-finding">First finding</span>
    </div>
  );
}

export function FlowList({ onOpen }: { onOpen(): void }) {
  const store = useStore();
  const list = useRef<HTMLUListElement>(null);
  const items = store.visible.value;
  const selectedKey = store.selected.value?.key;
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      store.move(e.key === 'ArrowDown' ? 1 : -1);
      const at = store.visible.value.indexOf(store.selected.value!);
      if (list.current && at !== -1) scrollRowIntoView(list.current, at, ROW_HEIGHT);
    } else if (e.key === 'Enter') onOpen();
    else return;
    e.preventDefault();
  };
  if (!items.length) {
    return (
      <section class="flow-list empty" id="flow-list" data-empty="true">
        <p>No OAuth flow {store.allTabs.value || store.tabId === undefined ? 'captured' : 'in this tab'} yet.</p>
        <p>Sign in somewhere that uses OAuth 2.0 or OpenID Connect, or import a HAR file.</p>
      </section>
    );
  }
  return (
    <>
      <ListHeader />
      <VirtualList
        class="flow-list flow-columns"
        id="flow-list"
        role="listbox"
        tabIndex={0}
        aria-label="OAuth flows"
        onKeyDown={onKeyDown}
        aria-activedescendant={selectedKey ? `row-${selectedKey}` : undefined}
        data-count={items.length}
        listRef={list}
        items={items}
        rowHeight={ROW_HEIGHT}
        row={(item) => <FlowRow key={item.key} item={item} selected={item.key === selectedKey} />}
      />
    </>
  );
}

/**
 * Memoised: moving the selection re-renders the two rows whose `selected` changed, not every row in view (a
 * row's masked cells still follow "reveal secrets" through their own signal subscription).
 */
const FlowRow = memo(function FlowRow({ item, selected }: { item: Row; selected: boolean }) {
  const store = useStore();
  const { verdict, firstFinding } = item;
  const mask = useMask(item.source);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the listbox owns the keyboard (aria-activedescendant); a row only takes clicks
    // biome-ignore lint/a11y/useFocusableInteractive: focus stays on the listbox, as the ARIA listbox pattern asks
    <li
      id={`row-${item.key}`}
      // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: an option of a virtualized listbox
      role="option"
      aria-selected={selected}
      class={`flow-row${selected ? ' selected' : ''}`}
      style={{ height: `${ROW_HEIGHT}px` }}
      data-flow-key={item.key}
      data-verdict={verdict.verdict}
      data-source={item.source.kind}
      // Shift+click compares the row with the open flow (views/Compare.tsx) instead of opening it.
      onClick={(e) => (e.shiftKey ? store.compareKeep.compareWith(item.key) : store.select(item.key))}
    >
      <span class={`verdict ${flowStanding(verdict.verdict, item.stuck)}`} title={findingCounts(verdict)}>
        {flowSymbol(verdict.verdict, item.stuck)}
      </span>
      <span class="client">
        <span class="client-id" data-field="client">
          {item.clientId ? <Masked source={item.source} text={item.clientId} /> : '(no client_id)'}
        </span>
        {item.source.kind === 'import' && (
          <span class="source-tag" data-field="source" title={`Imported from ${item.source.label}`}>
            {item.source.label}
          </span>
        )}
        {item.source.kind === 'kept' && (
          <span class="source-tag kept" data-field="source" title={item.source.label}>
            kept
          </span>
        )}
      </span>
      {/* The scheme is the same on nearly every row: the host and path tell servers apart. */}
      <span class="server" data-field="server" title={item.server && mask(item.server)}>
        {item.server ? <Masked source={item.source} text={item.server.replace(/^https?:\/\//, '')} /> : '—'}
      </span>
      <span class="time" data-field="started">
        {item.started ? new Date(item.started).toLocaleTimeString() : '—'}
      </span>
      <span class="duration" data-field="duration">
        {formatDuration(item.durationMs)}
      </span>
      <span
        class={`first-finding ${firstFinding?.severity ?? 'none'}`}
        data-field="first-finding"
        title={firstFinding && `${firstFinding.ruleId}: ${firstFinding.title}`}
      >
        {firstFinding ? firstFinding.title : item.stuck ? 'did not finish' : ''}
      </span>
    </li>
  );
});
