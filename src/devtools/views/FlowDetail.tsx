/**
 * One flow: a summary first (verdict, the worst findings with their fix, why it may be stuck), then tabs, as
 * the WAI-ARIA tabs pattern (https://www.w3.org/WAI/ARIA/apg/patterns/tabs/, automatic activation: the arrow
 * keys move between tabs and show each): Timeline (with the selected exchange), Parameters, PKCE, Tokens,
 * Findings and Raw (every exchange as captured). The light panels stay in the DOM, hidden (switching is free);
 * Raw renders only while open (every header and body of the flow).
 */
import type { Ref } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Finding } from '../../core/model.ts';
import { findingCounts, flowStanding, flowSymbol } from '../../report/verdict.ts';
import type { FlowItem } from '../sources.ts';
import { DETAIL_TABS, type DetailTab } from '../store.ts';
import { CompareKeepActions } from './CompareKeepActions.tsx';
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

/** How many findings the summary lists; the rest are one click away in Findings. */
const SUMMARY_FINDINGS = 3;

const TAB_LABEL: Record<DetailTab, string> = {
  timeline: 'Timeline',
  parameters: 'Parameters',
  pkce: 'PKCE',
  tokens: 'Tokens',
  findings: 'Findings',
  raw: 'Raw',
};

export function FlowDetail({ item, headingRef }: { item: FlowItem; headingRef?: Ref<HTMLHeadingElement> }) {
  const standing = flowStanding(item.verdict.verdict, item.stuck);
  return (
    <article class="flow-detail" id="flow-detail" data-flow-key={item.key} data-verdict={item.verdict.verdict}>
      <header class="detail-header">
        <h2 tabIndex={-1} ref={headingRef}>
          <span class={`verdict ${standing}`} aria-hidden="true">
            {flowSymbol(item.verdict.verdict, item.stuck)}
          </span>{' '}
          {item.clientId ? <Masked source={item.source} text={item.clientId} /> : '(no client_id)'}
          <span class="muted"> at {item.server ? <Masked source={item.source} text={item.server} /> : 'an unknown server'}</span>
        </h2>
        <p class="muted detail-meta">
          {item.source.label} · {findingCounts(item.verdict)}
        </p>
        {/* The flow's actions (exports; comparing and keeping a flow add theirs here). */}
        <div class="detail-actions">
          <Exports item={item} />
          <CompareKeepActions item={item} />
        </div>
      </header>
      <Summary item={item} />
      <DetailTabs item={item} />
    </article>
  );
}

const SEVERITY_ORDER: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2 };

/** What a developer reads first: the worst findings with their fix, the flow's notes, why it may be stuck. */
function Summary({ item }: { item: FlowItem }) {
  const store = useStore();
  const { flow } = item;
  const worst = [...item.findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]).slice(0, SUMMARY_FINDINGS);
  const more = item.findings.length - worst.length;
  return (
    <section class="summary" data-section="summary" aria-label="Summary">
      {worst.length > 0 ? (
        <ul class="top-findings">
          {worst.map((f, i) => (
            <li key={i} class={`top-finding ${f.severity}`} data-summary-rule-id={f.ruleId} data-severity={f.severity}>
              <span class="severity-dot" aria-hidden="true" />
              <span class="top-finding-text">
                <strong>{f.title}</strong> <code class="rule-id muted">{f.ruleId}</code>
                <span class="fix">
                  <span class="muted">Fix: </span>
                  {f.fix}
                </span>
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted no-findings">No findings: every rule passed on what was captured.</p>
      )}
      {more > 0 && (
        <button
          type="button"
          class="link more-findings"
          onClick={() => {
            store.detailTab.value = 'findings';
          }}
        >
          {more} more finding{more === 1 ? '' : 's'} in Findings
        </button>
      )}
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
    </section>
  );
}

function DetailTabs({ item }: { item: FlowItem }) {
  const store = useStore();
  const active = store.detailTab.value;
  const tabs = useRef<HTMLDivElement>(null);
  // A tab chosen while the summary fills most of the pane (a narrow panel) scrolls the tabs to the top, so its
  // content shows; opening another flow (a new mount) keeps the summary in view.
  const shown = useRef(active);
  useLayoutEffect(() => {
    if (shown.current === active) return;
    shown.current = active;
    const list = tabs.current;
    const pane = list?.closest<HTMLElement>('.detail-pane');
    if (!list || !pane) return;
    const paneTop = pane.getBoundingClientRect().top;
    const { top, bottom } = list.getBoundingClientRect();
    if (bottom - paneTop > pane.clientHeight * 0.6) pane.scrollTop += top - paneTop;
  }, [active]);
  const onKeyDown = (e: KeyboardEvent) => {
    const at = DETAIL_TABS.indexOf(active);
    const next =
      e.key === 'ArrowRight'
        ? (at + 1) % DETAIL_TABS.length
        : e.key === 'ArrowLeft'
          ? (at - 1 + DETAIL_TABS.length) % DETAIL_TABS.length
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? DETAIL_TABS.length - 1
              : -1;
    if (next === -1) return;
    e.preventDefault();
    const tab = DETAIL_TABS[next]!;
    store.detailTab.value = tab;
    tabs.current?.querySelector<HTMLElement>(`[data-tab="${tab}"]`)?.focus();
  };
  return (
    <>
      <div class="tabs" role="tablist" aria-label="Flow details" ref={tabs} onKeyDown={onKeyDown}>
        {DETAIL_TABS.map((tab) => (
          <button
            key={tab}
            type="button"
            role="tab"
            id={`tab-${tab}`}
            data-tab={tab}
            aria-selected={tab === active}
            aria-controls={`tabpanel-${tab}`}
            tabIndex={tab === active ? 0 : -1}
            onClick={() => {
              store.detailTab.value = tab;
            }}
          >
            {TAB_LABEL[tab]}
            {tab === 'findings' && item.findings.length > 0 && <span class="count">{item.findings.length}</span>}
          </button>
        ))}
      </div>
      {DETAIL_TABS.map((tab) => (
        <div
          key={tab}
          role="tabpanel"
          class="tabpanel"
          id={`tabpanel-${tab}`}
          data-tabpanel={tab}
          aria-labelledby={`tab-${tab}`}
          hidden={tab !== active}
        >
          {(tab !== 'raw' || active === 'raw') && <TabContent tab={tab} item={item} />}
        </div>
      ))}
    </>
  );
}

function TabContent({ tab, item }: { tab: DetailTab; item: FlowItem }) {
  const store = useStore();
  const exchangeId = store.selectedExchangeId.value;
  switch (tab) {
    case 'timeline':
      return (
        <>
          <Timeline item={item} />
          {exchangeId && <ExchangeView source={item.source} exchangeId={exchangeId} onClose={() => store.selectExchange(undefined)} />}
        </>
      );
    case 'parameters':
      return <Parameters item={item} />;
    case 'pkce':
      return <PkceCard item={item} />;
    case 'tokens':
      return <Tokens item={item} />;
    case 'findings':
      return <FlowFindings item={item} />;
    case 'raw':
      return <Raw item={item} />;
  }
}

/** Every exchange of the flow, in step order, as captured (masked as everywhere). */
function Raw({ item }: { item: FlowItem }) {
  const ids = [...new Set(item.flow.steps.map((s) => s.exchangeId))];
  return (
    <div data-section="raw">
      {ids.map((id) => (
        <ExchangeView key={id} source={item.source} exchangeId={id} />
      ))}
    </div>
  );
}
