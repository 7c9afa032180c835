/**
 * Secrets are masked in the view until the user reveals them one by one: a screenshot of the panel or a
 * screen share must not leak a live token by default. Captured text is only ever a text node.
 */
import { isLongValue, LONG_VALUE_CHARS } from '../../report/long-value.ts';
import { visible } from '../../report/text.ts';
import { useEffect, useState } from 'preact/hooks';
import { excerptOf } from '../../core/body.ts';
import { isRedacted, redactionMarker } from '../../core/redaction-marker.ts';
import type { Redactor } from '../../core/redact.ts';
import { useStore } from './context.ts';
import { copyText } from './download.ts';
import { LongValue, PendingLongValue } from './LongValue.tsx';

/** A revealed secret longer than this shows its start and a copy button: 5 MB of token in the DOM freezes the panel. */
const MAX_SHOWN_SECRET = LONG_VALUE_CHARS;

export function Secret({ id, label, value }: { id: string; label: string; value: string }) {
  const store = useStore();
  const [copied, setCopied] = useState<string | undefined>(undefined);
  const shown = store.revealAll.value || store.revealed.value.has(id);
  const excerpt = shown ? excerptOf(value, MAX_SHOWN_SECRET) : undefined;
  const copy = async () => setCopied((await copyText(value)) ? 'copied' : 'copy failed');
  return (
    <span class="secret" data-secret={label} data-revealed={shown ? 'true' : 'false'}>
      {/* A value that is already a marker (an imported redacted export) is shown as it is, not masked by its own length. */}
      <code>{excerpt ? visible(excerpt.text) : isRedacted(value) ? visible(value) : redactionMarker(label, value)}</code>
      {excerpt && excerpt.omittedChars > 0 && (
        <>
          <span class="muted" data-field="secret-omitted">
            {' '}
            … {excerpt.omittedChars.toLocaleString('en')} more characters{' '}
          </span>
          <button type="button" class="link" data-copy={id} onClick={() => void copy()}>
            {copied ?? `copy all ${excerpt.totalChars.toLocaleString('en')}`}
          </button>{' '}
        </>
      )}
      <button type="button" class="link" data-reveal={id} onClick={() => store.reveal(id, !shown)}>
        {shown ? 'hide' : 'reveal'}
      </button>
    </span>
  );
}

/**
 * Free text (a URL, a header) with the source's secrets masked unless "reveal all" is on, elided past a few KB;
 * `url`: a URL filling its box, elided in the middle; `actions`, `copy`: see LongValue.
 */
export function Masked({
  source,
  text,
  url,
  actions,
  copy,
}: {
  source: { redactor: Redactor };
  text: string;
  url?: boolean;
  actions?: boolean;
  copy?: boolean;
}) {
  const masked = useMaskedText(source, text);
  return masked === undefined ? (
    <PendingLongValue chars={text.length} />
  ) : (
    <LongValue value={masked} url={url} actions={actions} copy={copy} />
  );
}

/**
 * A text masked unless "reveal all" is on. Past LONG_VALUE_CHARS it is masked in a task of its own after the view
 * is drawn, and is undefined until then: masking is linear (tens of ms a megabyte), but a flow carrying a 1 MB
 * `state` has it in five places (the authorization URL, the redirect, the callback, two parameter cells), and
 * done at once they would hold the panel in one long task.
 */
export function useMaskedText(source: { redactor: Redactor }, text: string): string | undefined {
  const store = useStore();
  const revealAll = store.revealAll.value;
  const deferred = isLongValue(text) && !revealAll;
  const [masked, setMasked] = useState<{ text: string; redactor: Redactor; masked: string } | undefined>(undefined);
  useEffect(() => {
    if (!deferred) return;
    const timer = setTimeout(() => setMasked({ text, redactor: source.redactor, masked: source.redactor.text(text) }));
    return () => clearTimeout(timer);
  }, [deferred, text, source.redactor]);
  if (revealAll) return text;
  if (!deferred) return source.redactor.text(text);
  return masked?.text === text && masked.redactor === source.redactor ? masked.masked : undefined;
}

/** For attributes and exports: the same masking as a string. */
export function useMask(source: { redactor: Redactor }): (text: string) => string {
  const store = useStore();
  return (text) => (store.revealAll.value ? text : source.redactor.text(text));
}
