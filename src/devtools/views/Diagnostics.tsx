/**
 * "Why it may be stuck": the flow's stuck-flow diagnoses (computed by the core against the flow's whole
 * source), worded by src/report/diagnoses.ts. Captured text is masked as everywhere in the panel; secret
 * evidence goes through the Secret component.
 */
import { diagnosisLines, LIKELIHOOD_LABEL } from '../../report/diagnoses.ts';
import { visible } from '../../report/text.ts';
import type { FlowItem } from '../sources.ts';
import { Masked, Secret } from './Secret.tsx';

export function Diagnostics({ item }: { item: FlowItem }) {
  const { diagnoses, source } = item;
  if (!diagnoses.length) return null;
  return (
    <section class="diagnostics" data-section="diagnostics">
      <h3>Why it may be stuck</h3>
      {diagnoses.map((d) => (
        <div key={d.id} class="card diagnosis" data-diagnosis={d.kind} data-likelihood={d.likelihood}>
          <h4>
            {d.title} <span class={`likelihood ${d.likelihood}`}>{LIKELIHOOD_LABEL[d.likelihood]}</span>
          </h4>
          <ul>
            {diagnosisLines(d).map((line, i) => (
              <li key={i} data-hint={d.hints[i]!.kind}>
                <Masked source={source} text={line} />
              </li>
            ))}
          </ul>
          {d.evidence.length > 0 && (
            <dl class="evidence">
              {d.evidence.map((e, i) => [
                <dt key={`l${i}`}>{visible(e.label)}</dt>,
                <dd key={`v${i}`}>
                  {e.secret || source.redactor.evidence(e).redacted ? (
                    <Secret id={`${item.key}/diagnosis/${d.id}/${i}`} label={e.label} value={e.value} />
                  ) : (
                    <code>
                      <Masked source={source} text={e.value} />
                    </code>
                  )}
                </dd>,
              ])}
            </dl>
          )}
        </div>
      ))}
    </section>
  );
}
