/**
 * Findings grouped by severity. Links come only from the citation table (http(s) spec URLs) and the rule's
 * page (docs/rules/<id>.md, "Learn more"); captured text (messages, evidence) is never a link.
 */
import { visible } from '../../report/text.ts';
import { citationLinks } from '../../core/citations.ts';
import { ruleDocsUrl } from '../../core/rule-docs.ts';
import type { Finding, Severity } from '../../core/model.ts';
import type { Redactor } from '../../core/redact.ts';
import type { FlowItem } from '../sources.ts';
import { Masked, Secret } from './Secret.tsx';

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export function Findings({
  source,
  findings,
  keyPrefix,
}: {
  source: { redactor: Redactor };
  findings: readonly Finding[];
  keyPrefix: string;
}) {
  if (!findings.length)
    return (
      <p class="muted" data-section="findings" data-empty="true">
        No findings.
      </p>
    );
  return (
    <div data-section="findings">
      {SEVERITIES.map((severity) => {
        const group = findings.filter((f) => f.severity === severity);
        if (!group.length) return null;
        return (
          <section key={severity} class={`severity-group ${severity}`} data-severity-group={severity}>
            <h4>
              {severity} ({group.length})
            </h4>
            <ul>
              {group.map((f, i) => (
                <FindingView key={i} source={source} finding={f} revealKey={`${keyPrefix}/finding/${severity}/${i}`} />
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

export function FlowFindings({ item }: { item: FlowItem }) {
  return <Findings source={item.source} findings={item.findings} keyPrefix={item.key} />;
}

function FindingView({ source, finding, revealKey }: { source: { redactor: Redactor }; finding: Finding; revealKey: string }) {
  return (
    <li class={`finding ${finding.severity}`} data-rule-id={finding.ruleId} data-severity={finding.severity}>
      <div>
        <code class="rule-id">{finding.ruleId}</code> <strong>{finding.title}</strong>
      </div>
      <p class="message">
        <Masked source={source} text={finding.message} />
      </p>
      {finding.evidence.length > 0 && (
        <dl class="evidence">
          {finding.evidence.map((e, i) => [
            <dt key={`l${i}`}>{visible(e.label)}</dt>,
            <dd key={`v${i}`}>
              {e.secret || source.redactor.evidence(e).redacted ? (
                <Secret id={`${revealKey}/${i}`} label={e.label} value={e.value} />
              ) : (
                <code>
                  <Masked source={source} text={e.value} />
                </code>
              )}
            </dd>,
          ])}
        </dl>
      )}
      <p class="fix">
        <span class="muted">Fix: </span>
        {finding.fix}
      </p>
      <p class="citation">
        {citationLinks(finding.citation).map((link, i) => (
          <span key={i}>
            {i > 0 && '; '}
            {link.url && /^https?:\/\//.test(link.url) ? (
              <a href={link.url} target="_blank" rel="noreferrer noopener" data-citation={link.label}>
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
          href={ruleDocsUrl(finding.ruleId)}
          target="_blank"
          rel="noreferrer noopener"
          data-docs={finding.ruleId}
          aria-label={`Learn more about this rule: ${finding.ruleId}`}
        >
          Learn more about this rule
        </a>
      </p>
    </li>
  );
}
