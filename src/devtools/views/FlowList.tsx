/** The flow list: newest first, one row per flow; up/down move the selection, enter opens the detail. */
import type { FlowItem } from '../sources.ts';
import { formatDuration } from '../detail.ts';
import { useStore } from './context.ts';
import { Masked } from './Secret.tsx';

const BADGE = { error: '✕', warning: '!', info: 'i', pass: '✓' } as const;

export function FlowList({ onOpen }: { onOpen(): void }) {
  const store = useStore();
  const items = store.visible.value;
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') store.move(1);
    else if (e.key === 'ArrowUp') store.move(-1);
    else if (e.key === 'Enter') onOpen();
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
    <ul class="flow-list" id="flow-list" role="listbox" tabIndex={0} aria-label="OAuth flows" onKeyDown={onKeyDown}
      aria-activedescendant={store.selected.value ? `row-${store.selected.value.key}` : undefined}>
      {items.map((item) => <FlowRow key={item.key} item={item} selected={item.key === store.selected.value?.key} />)}
    </ul>
  );
}

function FlowRow({ item, selected }: { item: FlowItem; selected: boolean }) {
  const store = useStore();
  const { verdict } = item;
  return (
    <li id={`row-${item.key}`} role="option" aria-selected={selected} class={`flow-row${selected ? ' selected' : ''}`}
      data-flow-key={item.key} data-verdict={verdict.verdict} data-source={item.source.kind} onClick={() => store.select(item.key)}>
      <span class={`verdict ${verdict.verdict}`} title={`${verdict.errors} errors, ${verdict.warnings} warnings, ${verdict.infos} info`}>{BADGE[verdict.verdict]}</span>
      <span class="client" data-field="client">{item.clientId ? <Masked source={item.source} text={item.clientId} /> : '(no client_id)'}</span>
      <span class="server muted" data-field="server">{item.server ? <Masked source={item.source} text={item.server} /> : '—'}</span>
      <span class="time muted" data-field="started">{item.started ? new Date(item.started).toLocaleTimeString() : '—'}</span>
      <span class="duration muted" data-field="duration">{formatDuration(item.durationMs)}</span>
      {item.source.kind === 'import' && <span class="source-tag" data-field="source">{item.source.label}</span>}
    </li>
  );
}
