/**
 * The popup: the last flow of this tab, recent flows across tabs, a clear action. Everything captured is
 * hostile text: it is only ever rendered as text nodes (never as HTML, never as a link target).
 */
import type { DiagnosisReport, FindingReport, FlowReport } from '../core/report.ts';
import { diagnosisLines, LIKELIHOOD_LABEL } from '../report/diagnoses.ts';
import { issuerSummary, responseSummary } from '../report/flow-facts.ts';
import { pkceSummary } from '../report/pkce.ts';
import { plural } from '../report/text.ts';
import { flowStanding, flowSymbol, isStuck } from '../report/verdict.ts';
import { describeCodeExchange, describeState, type PopupModel } from './model.ts';

export interface PopupProps {
  model: PopupModel | undefined;
  status: 'connected' | 'reconnecting' | 'incompatible';
  /** The last command that failed, in words. */
  error?: string;
  onClear(): void;
}

export function Popup({ model, status, error, onClear }: PopupProps) {
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
      ) : (
        <>
          {model.paused && (
            <p class="note" role="status">
              Capture is paused.
            </p>
          )}
          {model.current ? (
            <FlowCard flow={model.current} />
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
          {model.recent.length > 0 && <RecentFlows flows={model.recent} />}
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

function FlowCard({ flow }: { flow: FlowReport }) {
  return (
    <section class="flow" id="current-flow" data-flow-id={flow.id} data-verdict={flow.verdict}>
      <h2>
        <Verdict verdict={flow.verdict} diagnostics={flow.diagnostics} /> Last flow in this tab
      </h2>
      <dl>
        <Field label="Client" value={flow.clientId} />
        <Field label="Authorization server" value={issuerSummary(flow) ?? null} />
        <Field label="Response" value={responseSummary(flow)} />
        <Field label="PKCE" value={pkceSummary(flow.pkce, { brief: true })} />
        <Field label="State" value={describeState(flow)} />
        <Field label="Redirect URI" value={flow.redirectUri} />
        <Field label="Code exchange" value={describeCodeExchange(flow)} />
      </dl>
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
            <li key={i}>{note}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Field({ label, value }: { label: string; value: string | null }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value ?? '—'}</dd>
    </>
  );
}

function FindingItem({ finding }: { finding: FindingReport }) {
  return (
    <li class={`finding ${finding.severity}`} data-rule-id={finding.ruleId} data-severity={finding.severity}>
      <div class="finding-head">
        <span class="severity">{finding.severity}</span> <code>{finding.ruleId}</code> {finding.title}
      </div>
      <div class="message">{finding.message}</div>
      {finding.evidence.length > 0 && (
        <dl class="evidence">
          {finding.evidence.map((e, i) => (
            <Field key={i} label={e.label} value={e.value} />
          ))}
        </dl>
      )}
      <div class="fix">
        Fix: {finding.fix} <span class="citation">({finding.citation})</span>{' '}
        <a
          class="learn-more"
          href={finding.docsUrl}
          target="_blank"
          rel="noreferrer"
          data-docs={finding.ruleId}
          aria-label={`Learn more about this rule: ${finding.ruleId}`}
        >
          Learn more about this rule
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

function RecentFlows({ flows }: { flows: FlowReport[] }) {
  return (
    <section class="recent">
      <h2>Recent flows</h2>
      <ul>
        {flows.map((flow) => (
          <li key={flow.id} data-flow-id={flow.id} data-verdict={flow.verdict}>
            <Verdict verdict={flow.verdict} diagnostics={flow.diagnostics} /> {flow.clientId ?? 'unknown client'}{' '}
            <span class="server">{flow.issuer ?? ''}</span>
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
