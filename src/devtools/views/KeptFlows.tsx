/**
 * The kept flows (kept.ts): how many, each with its client and when it was kept, removable one by one or all at
 * once. The toolbar's Clear leaves them: they are what the user chose to keep across restarts.
 */
import { plural, visible } from '../../report/text.ts';
import { MAX_KEPT_FLOWS } from '../kept.ts';
import { useStore } from './context.ts';

export function KeptFlows() {
  const { compareKeep } = useStore();
  const records = compareKeep.keptRecords.value;
  const notice = compareKeep.notice.value;
  if (!compareKeep.available || (!records.length && !notice)) return null;
  return (
    <details class="kept-flows" data-section="kept" data-count={records.length}>
      <summary>
        Kept flows{' '}
        <span class="kept-count" data-field="kept-count">
          {records.length}
        </span>
        {notice && (
          <span class="kept-notice" role="status" data-field="kept-notice">
            {' '}
            · {notice}
          </span>
        )}
      </summary>
      <p class="muted">
        Stored redacted (no codes, verifiers, tokens or secrets) in this browser profile, so they stay after a restart for comparison; Clear
        leaves them. {plural(records.length, 'flow')} of at most {MAX_KEPT_FLOWS}.
      </p>
      {records.length > 0 && (
        <>
          <ul>
            {records.map((r) => (
              <li key={r.id} data-kept-id={r.id}>
                <code>{r.clientId !== undefined ? visible(r.clientId) : '(no client_id)'}</code>{' '}
                <span class="muted">
                  started {new Date(r.started).toLocaleString()}, kept {new Date(r.keptAt).toLocaleString()}, from {visible(r.origin)}
                </span>{' '}
                <button type="button" class="link" data-remove-kept={r.id} onClick={() => void compareKeep.remove(r.id)}>
                  remove
                </button>
              </li>
            ))}
          </ul>
          <button type="button" id="kept-remove-all" onClick={() => void compareKeep.removeAll()}>
            Remove all kept flows
          </button>
        </>
      )}
    </details>
  );
}
