/**
 * The popup: the last flow of this tab, recent flows across tabs (each opens its detail), a clear action.
 * Everything captured is hostile text: it is only ever rendered as text nodes (never as HTML, never as a link
 * target), elided past a few KB (LongValue); the only links are the spec citations and the rule pages.
 */
import type { DiagnosisReport, FindingReport, FlowReport } from '../core/report.ts';
import { diagnosisLines, LIKELIHOOD_LABEL } from '../report/diagnoses.ts';
import { issuerSummary, responseSummary } from '../report/flow-facts.ts';
import { pkceSummary } from '../report/pkce.ts';
import { MISSING_BODY_HINT } from '../report/body-hint.ts';
import { plural } from '../report/text.ts';
import { flowStanding, flowSymbol, isStuck } from '../report/verdict.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { LongValue } from '../devtools/views/LongValue.tsx';
import { describeCodeExchange, describeState, type PopupModel } from './model.ts';

export interface PopupProps {
  model: PopupModel | undefined;
  status: 'connected' | 'reconnecting' | 'incompatible';
  /** The last command that failed, in words. */
  error?: string;
  /**
   * The browser's extension cannot read response bodies itself (Chrome): a flow whose token response body was
   * not observed says how to get it. False in Firefox, whose add-on reads them.
   */
  bodyHint: boolean;
  /** Opens the DevTools panel's page on a flow of a tab (absent: no such button). */
  onOpenInPanel?(flowId: string, tabId: number): void;
  onClear(): void;
}

export function Popup({ model, status, error, bodyHint, onClear, onOpenInPanel }: PopupProps) {
  const [openFlowId, setOpenFlowId] = useState<string | undefined>(undefined);
  // A recent flow the user opened, while it is still kept (a clear or the size cap may drop it).
  const opened = openFlowId === undefined ? undefined : model?.recent.find((f) => f.id === openFlowId);
  const hintFor = (flow: FlowReport) => bodyHint && model?.bodiesNotObserved.has(flow.id) === true;
  // Keyboard users land on Back when a flow opens, and on that flow's row when they come back.
  const back = useRef<HTMLButtonElement>(null);
  const lastOpened = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (openFlowId !== undefined) {
      lastOpened.current = openFlowId;
      back.current?.focus();
    } else if (lastOpened.current !== undefined) {
      document.querySelector<HTMLElement>(`[data-open-flow="${CSS.escape(lastOpened.current)}"]`)?.focus();
    }
  }, [openFlowId]);
  return (
    <main class="popup">
      <header>
        <h1>OAuth Lens</h1>
        {status !== 'connected' && (
          <span class="status" role="status">
            {status === 'reconnecting' ? 'reconnecting…' : 'reload the extension'}
          </span>
        )}
      </header>
      {error && (
        <p class="note" role="alert">
          {error}
        </p>
      )}
      {!model ? (
        <p class="empty">Loading…</p>
      ) : opened ? (
        <section class="opened" id="opened-flow">
          <div class="opened-actions">
            <button type="button" class="back" id="back" ref={back} onClick={() => setOpenFlowId(undefined)}>
              ← Back
            </button>
            {onOpenInPanel && model.tabOfFlow.has(opened.id) && (
              <button type="button" id="open-in-panel" onClick={() => onOpenInPanel(opened.id, model.tabOfFlow.get(opened.id)!)}>
                Open in panel
              </button>
            )}
          </div>
          <FlowCard flow={opened} heading="Recent flow" id="opened-flow-card" bodyHint={hintFor(opened)} />
        </section>
      ) : (
        <>
          {model.paused && (
            <p class="note" role="status">
              Capture is paused.
            </p>
          )}
          {model.current ? (
            <FlowCard flow={model.current} heading="Last flow in this tab" id="current-flow" bodyHint={hintFor(model.current)} />
          ) : (
            <section class="empty" id="empty-state">
              <p>No OAuth flow seen in this tab yet.</p>
              <p>Sign in somewhere that uses OAuth 2.0 or OpenID Connect; the audit appears here and on the badge.</p>
            </section>
          )}
          {model.unbound.length > 0 && (
            <section class="unbound">
              <h2>Other findings in this tab</h2>
              <ul class="findings">
                {model.unbound.map((finding, i) => (
                  <FindingItem key={i} finding={finding} />
                ))}
              </ul>
            </section>
          )}
          {model.recent.length > 0 && <RecentFlows flows={model.recent} onOpen={setOpenFlowId} />}
          <footer>
            <span>
              {plural(model.exchangeCount, 'request')} kept in this browser session
              {model.evicted.flows + model.evicted.exchanges > 0 &&
                ` · ${plural(model.evicted.flows, 'older flow')} (${plural(model.evicted.exchanges, 'request')}) dropped to stay within the size cap`}
            </span>
            <button type="button" id="clear" onClick={onClear}>
              Clear
            </button>
          </footer>
        </>
      )}
    </main>
  );
}

function FlowCard({ flow, heading, id, bodyHint }: { flow: FlowReport; heading: string; id: string; bodyHint: boolean }) {
  return (
    <section class="flow" id={id} data-flow-id={flow.id} data-verdict={flow.verdict}>
      <h2>
        <Verdict verdict={flow.verdict} diagnostics={flow.diagnostics} /> {heading}
      </h2>
      <dl>
        <Field label="Client" value={flow.clientId} />
        <Field label="Authorization server" value={issuerSummary(flow) ?? null} />
        <Field label="Response" value={responseSummary(flow)} />
        <Field label="PKCE" value={pkceSummary(flow.pkce, { brief: true })} />
        <Field label="State" value={describeState(flow)} />
        <Field label="Redirect URI" value={flow.redirectUri} url />
        <Field label="Code exchange" value={describeCodeExchange(flow)} />
      </dl>
      {bodyHint && (
        <p class="body-hint" data-field="body-hint">
          {MISSING_BODY_HINT}
        </p>
      )}
      {flow.findings.length ? (
        <ul class="findings">
          {flow.findings.map((finding, i) => (
            <FindingItem key={i} finding={finding} />
          ))}
        </ul>
      ) : (
        <p class="pass">Every check passed.</p>
      )}
      {flow.diagnostics.length > 0 && <WhyStuck diagnostics={flow.diagnostics} />}
      {flow.notes.length > 0 && (
        <ul class="notes">
          {flow.notes.map((note, i) => (
            <li key={i}>
              <LongValue value={note} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** `url`: the value is a URL, elided in the middle when the popup is narrow (full on hover and copy). */
function Field({ label, value, url = false }: { label: string; value: string | null; url?: boolean }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value === null ? '—' : <LongValue value={value} url={url} />}</dd>
    </>
  );
}

function FindingItem({ finding }: { finding: FindingReport }) {
  return (
    <li class={`finding ${finding.severity}`} data-rule-id={finding.ruleId} data-severity={finding.severity}>
      <div class="finding-head">
        <span class="severity">{finding.severity}</span> <code class="rule-id">{finding.ruleId}</code>{' '}
        <span class="finding-title">{finding.title}</span>
      </div>
      <div class="message">
        <LongValue value={finding.message} />
      </div>
      {finding.evidence.length > 0 && (
        <dl class="evidence">
          {finding.evidence.map((e, i) => (
            <Field key={i} label={e.label} value={e.value} url={/^https?:\/\//i.test(e.value)} />
          ))}
        </dl>
      )}
      <div class="fix">Fix: {finding.fix}</div>
      <div class="citation">
        {finding.citationLinks.map((link, i) => (
          <span key={i}>
            {i > 0 && '; '}
            {/* The citation table's URLs (src/core/citations.ts), never captured text; an unknown spec stays text. */}
            {link.url && /^https:\/\//.test(link.url) ? (
              <a href={link.url} target="_blank" rel="noopener noreferrer" data-citation={link.label}>
                {link.text}
              </a>
            ) : (
              link.text
            )}
          </span>
        ))}
        {' · '}
        <a
          class="learn-more"
          href={finding.docsUrl}
          target="_blank"
          rel="noopener noreferrer"
          data-docs={finding.ruleId}
          aria-label={`Learn more about this rule: ${finding.ruleId}`}
        >
          Rule page
        </a>
      </div>
    </li>
  );
}

/** The flow's stuck-flow diagnoses, worded as in every view; not findings, so no severity. */
function WhyStuck({ diagnostics }: { diagnostics: DiagnosisReport[] }) {
  return (
    <section class="why-stuck" id="why-stuck">
      <h3>Why it may be stuck</h3>
      <ul>
        {diagnostics.map((d) => (
          <li key={d.id} class="diagnosis" data-diagnosis={d.kind} data-likelihood={d.likelihood}>
            <div class="diagnosis-head">
              {d.title} <span class="likelihood">({LIKELIHOOD_LABEL[d.likelihood]})</span>
            </div>
            <ul class="hints">
              {diagnosisLines(d).map((line, i) => (
                <li key={i} data-hint={d.hints[i]!.kind}>
                  {line}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}

function RecentFlows({ flows, onOpen }: { flows: FlowReport[]; onOpen(flowId: string): void }) {
  return (
    <section class="recent">
      <h2>Recent flows</h2>
      <ul>
        {flows.map((flow) => (
          <li key={flow.id} data-flow-id={flow.id} data-verdict={flow.verdict}>
            <button type="button" class="open-flow" data-open-flow={flow.id} onClick={() => onOpen(flow.id)}>
              <Verdict verdict={flow.verdict} diagnostics={flow.diagnostics} />{' '}
              <span class="client">
                <LongValue value={flow.clientId ?? 'unknown client'} />
              </span>{' '}
              <span class="server">
                <LongValue value={flow.issuer ?? ''} />
              </span>
              <span class="open-hint" aria-hidden="true">
                ›
              </span>
            </button>
            {flow.findings.length > 0 && (
              <div class="rule-ids">
                {flow.findings.map((f, i) => (
                  <code key={i} class={f.severity} data-rule-id={f.ruleId} data-severity={f.severity}>
                    {f.ruleId}
                  </code>
                ))}
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

const VERDICT_LABEL = { error: 'errors', warning: 'warnings', info: 'passed', pass: 'passed' } as const;

function Verdict({ verdict, diagnostics }: { verdict: FlowReport['verdict']; diagnostics: FlowReport['diagnostics'] }) {
  const stuck = isStuck(diagnostics);
  const standing = flowStanding(verdict, stuck);
  return (
    <span class={`verdict ${standing}`} title={standing === 'stuck' ? 'did not finish' : VERDICT_LABEL[verdict]}>
      {flowSymbol(verdict, stuck)}
    </span>
  );
}
