/** The stuck-flow checklists (src/devtools/diagnostics.ts, computed against the flow's whole source) for the flow on screen. */
import type { FlowItem } from '../sources.ts';
import { Masked } from './Secret.tsx';

export function Diagnostics({ item }: { item: FlowItem }) {
  const { diagnoses } = item;
  if (!diagnoses.length) return null;
  return (
    <section class="diagnostics" data-section="diagnostics">
      <h3>Why it may be stuck</h3>
      {diagnoses.map((d) => (
        <div key={d.id} class="card diagnosis" data-diagnosis={d.id}>
          <h4>{d.title}</h4>
          <ul>
            {d.lines.map((line, i) => (
              <li key={i}>
                <Masked source={item.source} text={line} />
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
