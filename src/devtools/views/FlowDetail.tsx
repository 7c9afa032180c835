/** One flow: summary, timeline (with the selected exchange), parameters, PKCE, findings, tokens. */
import type { Ref } from 'preact';
import { findingCounts } from '../../report/verdict.ts';
import type { FlowItem } from '../sources.ts';
import { useStore } from './context.ts';
import { Diagnostics } from './Diagnostics.tsx';
import { ExchangeView } from './ExchangeView.tsx';
import { Exports } from './Exports.tsx';
import { FlowFindings } from './Findings.tsx';
import { Parameters } from './Parameters.tsx';
import { PkceCard } from './PkceCard.tsx';
import { Masked } from './Secret.tsx';
import { Timeline } from './Timeline.tsx';
import { Tokens } from './Tokens.tsx';

export function FlowDetail({ item, headingRef }: { item: FlowItem; headingRef?: Ref<HTMLHeadingElement> }) {
  const store = useStore();
  const exchangeId = store.selectedExchangeId.value;
  const { flow } = item;
  return (
    <article class="flow-detail" id="flow-detail" data-flow-key={item.key} data-verdict={item.verdict.verdict}>
      <h2 tabIndex={-1} ref={headingRef}>
        {item.clientId ? <Masked source={item.source} text={item.clientId} /> : '(no client_id)'}
        <span class="muted"> at {item.server ? <Masked source={item.source} text={item.server} /> : 'an unknown server'}</span>
      </h2>
      <p class="muted">
        {item.source.label} · {findingCounts(item.verdict)}
      </p>
      <Exports item={item} />
      {flow.notes.length > 0 && (
        <ul class="notes">
          {flow.notes.map((n, i) => (
            <li key={i}>
              <Masked source={item.source} text={n} />
            </li>
          ))}
        </ul>
      )}
      <Diagnostics item={item} />
      <h3>Timeline</h3>
      <Timeline item={item} />
      {exchangeId && <ExchangeView source={item.source} exchangeId={exchangeId} onClose={() => store.selectExchange(undefined)} />}
      <h3>Parameters</h3>
      <Parameters item={item} />
      <h3>PKCE</h3>
      <PkceCard item={item} />
      <h3>Findings</h3>
      <FlowFindings item={item} />
      <h3>Tokens</h3>
      <Tokens item={item} />
    </article>
  );
}
