/**
 * The flow list: newest first, one row per flow; up/down move the selection (and scroll it into view), enter
 * opens the detail. Virtual: only the rows in view are in the DOM, each ROW_HEIGHT pixels high.
 */
import { useRef } from 'preact/hooks';
import type { FlowRow as Row } from '../sources.ts';
import { formatDuration } from '../../report/text.ts';
import { findingCounts, flowStanding, flowSymbol } from '../../report/verdict.ts';
import { useStore } from './context.ts';
import { Masked } from './Secret.tsx';
import { scrollRowIntoView, VirtualList } from './VirtualList.tsx';

/** Three 16px lines, padding and the border (panel.css keeps the cells on one line each). */
export const ROW_HEIGHT = 56;

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
    <VirtualList
      class="flow-list"
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
  );
}

function FlowRow({ item, selected }: { item: Row; selected: boolean }) {
  const store = useStore();
  const { verdict } = item;
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
      onClick={() => store.select(item.key)}
    >
      <span class={`verdict ${flowStanding(verdict.verdict, item.stuck)}`} title={findingCounts(verdict)}>
        {flowSymbol(verdict.verdict, item.stuck)}
      </span>
      <span class="client" data-field="client">
        {item.clientId ? <Masked source={item.source} text={item.clientId} /> : '(no client_id)'}
      </span>
      <span class="server muted" data-field="server">
        {item.server ? <Masked source={item.source} text={item.server} /> : '—'}
      </span>
      <span class="time muted" data-field="started">
        {item.started ? new Date(item.started).toLocaleTimeString() : '—'}
      </span>
      <span class="duration muted" data-field="duration">
        {formatDuration(item.durationMs)}
      </span>
      {item.source.kind === 'import' && (
        <span class="source-tag" data-field="source">
          {item.source.label}
        </span>
      )}
    </li>
  );
}
