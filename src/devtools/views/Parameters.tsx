/**
 * Authorization request vs callback vs token request, one row per parameter; where a value differs from the
 * row's first value, the differing characters are highlighted (added in <ins>, removed in <del>).
 */
import { requestObjectOf } from '../../core/authorization-parameters.ts';
import { visible } from '../../report/text.ts';
import { PARAM_COLUMNS, parameterRows, type ParamCell, type ParamRow } from '../detail.ts';
import type { FlowItem } from '../sources.ts';
import { isLongValue } from '../../report/long-value.ts';
import { useStore } from './context.ts';
import { LongValue, PendingLongValue } from './LongValue.tsx';
import { Secret, useMask, useMaskedText } from './Secret.tsx';

const COLUMN_LABEL = { authorize: 'authorization request', callback: 'callback', token: 'token request' } as const;

export function Parameters({ item }: { item: FlowItem }) {
  const rows = parameterRows(item.flow);
  if (!rows.length) return <p class="muted">No parameters observed.</p>;
  return (
    <>
      <ParameterTable item={item} rows={rows} />
      <RequestObject item={item} />
    </>
  );
}

/**
 * A request object (RFC 9101 `request=`) decoded without verification, as data: its header and claims are
 * captured text, shown inert and masked like every other value.
 */
function RequestObject({ item }: { item: FlowItem }) {
  const mask = useMask(item.source);
  const auth = item.flow.authorization;
  const object = auth ? requestObjectOf(auth) : undefined;
  if (!object) return null;
  const { decoded } = object;
  return (
    <section class="card" data-section="request-object">
      <h4>
        Request object <span class="muted">(request=, in the {object.carrier}; decoded, not verified)</span>
      </h4>
      {decoded.ok ? (
        <>
          <h5>Header</h5>
          {/* JSON.stringify escapes control characters inside strings: its newlines are layout. */}
          <pre>
            <LongValue value={mask(JSON.stringify(decoded.header, null, 2))} lines />
          </pre>
          <h5>Claims</h5>
          <pre>
            <LongValue value={mask(JSON.stringify(decoded.claims, null, 2))} lines />
          </pre>
        </>
      ) : (
        <p class="muted" data-field="jwt-problem">
          Does not decode as a JWT: {visible(decoded.problem)}.
        </p>
      )}
    </section>
  );
}

function ParameterTable({ item, rows }: { item: FlowItem; rows: ParamRow[] }) {
  return (
    <table class="params-table" data-section="parameters">
      <thead>
        <tr>
          <th>parameter</th>
          {PARAM_COLUMNS.map((c) => (
            <th key={c}>{COLUMN_LABEL[c]}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.name} data-param={row.name} data-differs={row.differs ? 'true' : 'false'} class={row.differs ? 'differs' : ''}>
            <th scope="row">
              {row.name}
              {row.redirectDifference && (
                <div class="difference" data-difference={row.redirectDifference.kind}>
                  {row.redirectDifference.explanation}
                </div>
              )}
            </th>
            {PARAM_COLUMNS.map((c) => (
              <td key={c} data-column={c}>
                <Cell item={item} row={row} cell={row.cells[c]} column={c} />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A parameter's value: a URL (a redirect_uri) elided in the middle, a long value elided with "show all". */
function CellValue({ value }: { value: string }) {
  return (
    <code>
      <LongValue value={value} url={ABSOLUTE_URL.test(value)} />
    </code>
  );
}

const ABSOLUTE_URL = /^https?:\/\//i;

function Cell({ item, row, cell, column }: { item: FlowItem; row: ParamRow; cell: ParamCell | undefined; column: string }) {
  const store = useStore();
  const mask = useMask(item.source);
  // A long value (a 1 MB state) is masked after the first paint, as Masked does.
  const masked = useMaskedText(item.source, cell?.value ?? '');
  if (!cell) return <span class="muted">—</span>;
  if (row.secret) {
    // A secret's characters are only diffed once revealed: the highlighted part would otherwise leak it.
    const shown = store.revealAll.value || store.revealed.value.has(`${item.key}/param/${row.name}/${column}`);
    if (!shown)
      return (
        <>
          {cell.diff && (
            <span class="badge warning" data-diff-hidden="true">
              differs
            </span>
          )}{' '}
          <Secret id={`${item.key}/param/${row.name}/${column}`} label={row.name} value={cell.value} />
        </>
      );
  }
  const shownValue = row.secret ? cell.value : masked;
  if (shownValue === undefined) return <PendingLongValue chars={cell.value.length} />;
  if (!cell.diff) return <CellValue value={shownValue} />;
  // A character diff of a value past a few KB would put all of it on screen: it is elided like any other, flagged.
  if (isLongValue(shownValue))
    return (
      <>
        <span class="badge warning" data-diff-long="true">
          differs
        </span>{' '}
        <CellValue value={shownValue} />
      </>
    );
  return (
    <code class="diff">
      {cell.diff.map((s, i) => {
        const text = visible(row.secret ? s.text : mask(s.text));
        if (s.op === 'add')
          return (
            <ins key={i} data-diff="add">
              {text}
            </ins>
          );
        if (s.op === 'del')
          return (
            <del key={i} data-diff="del">
              {text}
            </del>
          );
        return <span key={i}>{text}</span>;
      })}
    </code>
  );
}
