/** The panel: toolbar, flow list on the left, the selected flow on the right. Renders only. */
import { useRef } from 'preact/hooks';
import { useStore } from './context.ts';
import { FlowDetail } from './FlowDetail.tsx';
import { Findings } from './Findings.tsx';
import { FlowList } from './FlowList.tsx';
import { Toolbar } from './Toolbar.tsx';

export function Panel() {
  const store = useStore();
  const heading = useRef<HTMLHeadingElement>(null);
  const detail = store.detail.value;
  const meta = store.snapshotMeta.value;
  return (
    <main class="panel">
      <Toolbar />
      {store.error.value && (
        <p class="error-line" role="alert">
          {store.error.value}
        </p>
      )}
      <div class="split">
        <div class="list-pane">
          <FlowList onOpen={() => heading.current?.focus()} />
          {store.unbound.value.map(({ source, findings }) => (
            <details key={source.id} class="unbound" data-section="unbound" data-source={source.kind}>
              <summary>
                {findings.length} finding{findings.length === 1 ? '' : 's'} tied to no flow ({source.label})
              </summary>
              <Findings source={source} findings={findings} keyPrefix={`${source.id}/unbound`} />
            </details>
          ))}
        </div>
        {/* Busy while an imported flow's slice is on its way from the import worker. */}
        <div class="detail-pane" aria-busy={detail !== undefined && detail.key !== store.selected.value?.key}>
          {/* Keyed by flow: a flow's expanded sign-in pages and copy notices are its own. */}
          {detail ? <FlowDetail key={detail.key} item={detail} headingRef={heading} /> : <p class="muted empty-detail">Select a flow.</p>}
        </div>
      </div>
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
