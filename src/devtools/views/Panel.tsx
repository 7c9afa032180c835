/**
 * The panel: toolbar and filter bar, then the flow list beside the selected flow (above it in a narrow panel:
 * SplitView). Renders only. Keyboard, as in DevTools' own panels: ↑/↓ in the list, Enter opens the flow
 * (focus moves to its detail), Esc goes back to the list, `/` focuses the filter.
 */
import { useEffect, useRef } from 'preact/hooks';
import { Compare } from './Compare.tsx';
import { useStore } from './context.ts';
import { FlowDetail } from './FlowDetail.tsx';
import { Findings } from './Findings.tsx';
import { FlowList } from './FlowList.tsx';
import { KeptFlows } from './KeptFlows.tsx';
import { SplitView } from './SplitView.tsx';
import { Toolbar } from './Toolbar.tsx';

/** Where a typed `/` is text, not the shortcut. */
function isEditable(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

export function Panel() {
  const store = useStore();
  const heading = useRef<HTMLHeadingElement>(null);
  const detail = store.detail.value;
  const meta = store.snapshotMeta.value;
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === '/' && !isEditable(e.target)) {
        document.getElementById('search')?.focus();
        e.preventDefault();
      } else if (e.key === 'Escape' && (e.target as Element | null)?.closest?.('.detail-pane')) {
        document.getElementById('flow-list')?.focus();
        e.preventDefault();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
  return (
    <main class="panel">
      <Toolbar />
      {store.error.value && (
        <p class="error-line" role="alert">
          {store.error.value}
        </p>
      )}
      <SplitView
        list={
          <>
            <FlowList onOpen={() => heading.current?.focus()} />
            {store.unbound.value.map(({ source, findings }) => (
              <details key={source.id} class="unbound" data-section="unbound" data-source={source.kind}>
                <summary>
                  {findings.length} finding{findings.length === 1 ? '' : 's'} tied to no flow ({source.label})
                </summary>
                <Findings source={source} findings={findings} keyPrefix={`${source.id}/unbound`} />
              </details>
            ))}
            <KeptFlows />
          </>
        }
        detail={
          // Busy while an imported flow's slice is on its way from the import worker. A view that takes the
          // detail's place (comparing two flows) goes in this pane too.
          <div class="detail-pane" aria-busy={detail !== undefined && detail.key !== store.selected.value?.key}>
            {/* Keyed by flow: a flow's expanded sign-in pages and copy notices are its own. */}
            {store.compareKeep.comparing.value ? (
              <Compare />
            ) : detail ? (
              <FlowDetail key={detail.key} item={detail} headingRef={heading} />
            ) : (
              <p class="muted empty-detail">Select a flow.</p>
            )}
          </div>
        }
      />
      <footer class="muted">
        {store.live.value ? `${store.live.value.exchangeCount} requests captured` : 'waiting for the extension worker…'}
        {meta &&
          meta.evicted.flows + meta.evicted.exchanges > 0 &&
          ` · ${meta.evicted.flows} older flows dropped to stay within the size cap`}
        {store.tabId !== undefined && ` · tab ${store.tabId}`}
      </footer>
    </main>
  );
}
