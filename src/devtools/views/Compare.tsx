/**
 * Two flows side by side (compare.ts decides, this renders): A is the older, B the newer, and every difference
 * reads A → B. Each side's values are masked with its own source's redactor; secrets stay masked until revealed
 * and are never diffed. Wide, a row is name | A | B; in a narrow pane (below ~560 px) the two sides stack.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { plural, visible } from '../../report/text.ts';
import { findingCounts, flowStanding, flowSymbol } from '../../report/verdict.ts';
import { compareFlows, fieldStatusText, type FieldComparison, type FindingComparison, type SetComparison } from '../compare.ts';
import type { ComparedSide } from '../compare-keep.ts';
import { useStore } from './context.ts';
import { LongValue } from './LongValue.tsx';
import { Secret, useMask } from './Secret.tsx';
import '../compare.css';

type Mask = (text: string) => string;

interface SectionData {
  title: string;
  id: string;
  fields: readonly FieldComparison[];
}

export function Compare() {
  const store = useStore();
  const { compareKeep } = store;
  const pair = compareKeep.comparison.value;
  const [showSame, setShowSame] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  // The button that opened the comparison is gone with the flow's detail: the keyboard goes on from the heading.
  useEffect(() => heading.current?.focus(), [pair !== undefined]);
  const comparison = useMemo(() => (pair ? compareFlows(pair.a.item, pair.b.item) : undefined), [pair]);
  if (!pair || !comparison) {
    return (
      <p class="muted compare-opening" aria-busy="true">
        Opening both flows…
      </p>
    );
  }
  const selectedKey = store.selected.value?.key;
  const maskOf =
    (side: ComparedSide): Mask =>
    (text) =>
      store.revealAll.value ? text : side.item.source.redactor.text(text);
  const maskA = maskOf(pair.a);
  const maskB = maskOf(pair.b);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    compareKeep.closeCompare();
    e.preventDefault();
  };
  const { differenceCount } = comparison;
  const sections: SectionData[] = [
    { title: 'Endpoints', id: 'endpoints', fields: comparison.endpoints },
    { title: 'Client', id: 'client', fields: comparison.client },
    ...comparison.parameters.map((group) => ({
      title: `Parameters: ${group.step}`,
      id: `parameters-${group.step.replace(/ /g, '-')}`,
      fields: group.fields,
    })),
    { title: 'PKCE', id: 'pkce', fields: comparison.pkce },
  ].filter((section) => section.fields.length > 0);
  // Sections without a difference are named on one line, unless identical rows are asked for.
  const differs = (section: SectionData) => section.fields.some((f) => f.status !== 'same');
  const shown = showSame ? sections : sections.filter(differs);
  const { scopes } = comparison;
  const scopesDiffer = scopes.onlyA.length > 0 || scopes.onlyB.length > 0;
  const identical = showSame
    ? []
    : [
        ...sections.filter((section) => !differs(section)).map((section) => `${section.title} (${plural(section.fields.length, 'row')})`),
        ...(!scopesDiffer && scopes.both.length ? [`Scopes (${scopes.both.map((s) => visible(maskA(s))).join(' ')})`] : []),
      ];
  return (
    <article class="compare" id="compare" data-differences={differenceCount} onKeyDown={onKeyDown}>
      <header class="compare-header">
        <h2 tabIndex={-1} ref={heading}>
          Compare two flows
        </h2>
        <button type="button" id="compare-close" title="Back to the flow's detail (Esc)" onClick={() => compareKeep.closeCompare()}>
          Back to the flow
        </button>
        <label class="compare-show-same">
          <input type="checkbox" id="compare-show-same" checked={showSame} onChange={() => setShowSame(!showSame)} /> show identical rows
        </label>
      </header>
      <div class="compare-sides">
        <SideCard letter="A" side={pair.a} open={pair.a.row.key === selectedKey} />
        <SideCard letter="B" side={pair.b} open={pair.b.row.key === selectedKey} />
      </div>
      <p class="compare-summary" data-field="compare-summary">
        {differenceCount === 0
          ? 'No difference in endpoints, client, parameters, scopes, PKCE or findings (fresh values such as state differ in every sign-in and are compared by length only).'
          : `${differenceCount} difference${differenceCount === 1 ? '' : 's'} from A to B; removed characters are struck through, added ones underlined.`}
      </p>
      {identical.length > 0 && (
        <p class="muted compare-identical" data-field="identical-sections">
          The same in both: {identical.join(', ')}.
        </p>
      )}
      {shown.map((section) => (
        <FieldSection key={section.id} {...section} pair={pair} masks={[maskA, maskB]} showSame={showSame} />
      ))}
      {(scopesDiffer || showSame) && <Scopes scopes={scopes} masks={[maskA, maskB]} />}
      <FindingsSection findings={comparison.findings} />
    </article>
  );
}

function SideCard({ letter, side, open }: { letter: 'A' | 'B'; side: ComparedSide; open: boolean }) {
  const { compareKeep } = useStore();
  const { row } = side;
  const mask = useMask(row.source);
  const standing = flowStanding(row.verdict.verdict, row.stuck);
  return (
    <section
      class={`compare-side side-${letter.toLowerCase()}`}
      data-side={letter}
      data-flow-key={row.key}
      data-verdict={row.verdict.verdict}
    >
      <h3>
        <span class="side-letter">{letter}</span> <span class={`verdict ${standing}`}>{flowSymbol(row.verdict.verdict, row.stuck)}</span>{' '}
        {row.clientId ? visible(mask(row.clientId)) : '(no client_id)'}
      </h3>
      <p class="muted">
        {row.started ? new Date(row.started).toLocaleString() : 'start unknown'} · {visible(row.source.label)}
        {open ? ' · the open flow' : ''}
      </p>
      <p class="muted">{findingCounts(row.verdict)}</p>
      {row.source.kind === 'kept' && (
        <p class="muted" data-field="kept-note">
          Kept redacted: the checks that need its secrets (the PKCE verifier, what its tokens say) could not run on it.
        </p>
      )}
      {!open && (
        <button type="button" class="link" data-open-side={letter} onClick={() => compareKeep.closeCompare(row.key)}>
          open this flow
        </button>
      )}
    </section>
  );
}

function FieldSection({
  title,
  id,
  fields,
  pair,
  masks,
  showSame,
}: {
  title: string;
  id: string;
  fields: readonly FieldComparison[];
  pair: { a: ComparedSide; b: ComparedSide };
  masks: [Mask, Mask];
  showSame: boolean;
}) {
  const shown = showSame ? fields : fields.filter((f) => f.status !== 'same');
  const hidden = fields.length - shown.length;
  return (
    <section class="compare-section" data-compare={id}>
      <h3>{title}</h3>
      <div class="compare-rows">
        {shown.map((field) => (
          <FieldRow key={field.name} field={field} pair={pair} masks={masks} section={id} />
        ))}
        {hidden > 0 && <p class="muted compare-hidden">{plural(hidden, 'identical row')} not shown.</p>}
      </div>
    </section>
  );
}

function FieldRow({
  field,
  pair,
  masks,
  section,
}: {
  field: FieldComparison;
  pair: { a: ComparedSide; b: ComparedSide };
  masks: [Mask, Mask];
  section: string;
}) {
  const status = fieldStatusText(field);
  return (
    <div class={`compare-row ${field.status}`} data-field={field.name} data-status={field.status}>
      <div class="compare-name">
        <code>{field.name}</code>
        {field.status !== 'same' && (
          <span class="compare-status" data-field="status">
            {status}
          </span>
        )}
      </div>
      <div class="compare-value" data-side="A">
        <span class="side-letter">A</span>
        <Value field={field} value={field.a} side={pair.a} mask={masks[0]} id={`${section}/${field.name}/a`} />
      </div>
      <div class="compare-value" data-side="B">
        <span class="side-letter">B</span>
        {field.diff ? (
          <Diff field={field} masks={masks} />
        ) : (
          <Value field={field} value={field.b} side={pair.b} mask={masks[1]} id={`${section}/${field.name}/b`} />
        )}
      </div>
    </div>
  );
}

function Value({
  field,
  value,
  side,
  mask,
  id,
}: {
  field: FieldComparison;
  value: string | undefined;
  side: ComparedSide;
  mask: Mask;
  id: string;
}) {
  if (value === undefined) return <span class="muted">not sent</span>;
  if (field.secret) return <Secret id={`${side.row.key}/compare/${id}`} label={field.name} value={value} />;
  return (
    <code>
      <LongValue value={mask(value)} />
    </code>
  );
}

/** A → B: the same characters plain, A's in <del>, B's in <ins>; each piece masked by the source it came from. */
function Diff({ field, masks: [maskA, maskB] }: { field: FieldComparison; masks: [Mask, Mask] }) {
  return (
    <code class="diff" data-diff-of={field.name}>
      {field.diff!.map((s, i) => {
        if (s.op === 'add')
          return (
            <ins key={i} data-diff="add">
              {visible(maskB(s.text))}
            </ins>
          );
        if (s.op === 'del')
          return (
            <del key={i} data-diff="del">
              {visible(maskA(s.text))}
            </del>
          );
        return <span key={i}>{visible(maskA(s.text))}</span>;
      })}
    </code>
  );
}

function Scopes({ scopes, masks: [maskA, maskB] }: { scopes: SetComparison; masks: [Mask, Mask] }) {
  if (!scopes.onlyA.length && !scopes.onlyB.length && !scopes.both.length) return null;
  const list = (values: readonly string[], mask: Mask) => (values.length ? values.map((v) => visible(mask(v))).join(' ') : '—');
  return (
    <section class="compare-section" data-compare="scopes">
      <h3>Scopes</h3>
      <dl class="compare-scopes">
        <dt>only in A</dt>
        <dd data-field="scopes-only-a">{list(scopes.onlyA, maskA)}</dd>
        <dt>only in B</dt>
        <dd data-field="scopes-only-b">{list(scopes.onlyB, maskB)}</dd>
        <dt>in both</dt>
        <dd data-field="scopes-both">{list(scopes.both, maskA)}</dd>
      </dl>
    </section>
  );
}

const WHERE = { 'only-a': 'only in A', 'only-b': 'only in B', both: 'in both' } as const;

function FindingsSection({ findings }: { findings: readonly FindingComparison[] }) {
  return (
    <section class="compare-section" data-compare="findings">
      <h3>Findings</h3>
      {findings.length === 0 ? (
        <p class="muted">No finding in either flow.</p>
      ) : (
        <ul class="compare-findings">
          {findings.map((f) => (
            <li key={f.ruleId} data-rule-id={f.ruleId} data-where={f.where} class={`${f.where} ${f.severity}`}>
              <span class="compare-where">{WHERE[f.where]}</span> <span class={`compare-severity ${f.severity}`}>{f.severity}</span>{' '}
              <code>{f.ruleId}</code> {f.title}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
