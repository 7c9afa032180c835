/**
 * A captured value as every view shows it, in the panel and in the popup (issue 11):
 * - a URL keeps its scheme, host and the start of its path on the left and its last characters (the end of the
 *   query) on the right; the middle is elided by CSS when the box is narrow, and the text itself stays whole
 *   (the tooltip, a selection and the copy give the full value);
 * - a value past LONG_VALUE_CHARS (a 1 MB `state`) shows its start (a URL also its end), its size, "show all"
 *   and "copy"; shown, it is laid out in pieces that layout skips while off screen, inside a box that scrolls,
 *   so neither opening nor expanding it holds the page for long.
 * The value arrives masked by the caller; it is only ever a text node, its control characters made visible.
 */
import { useState } from 'preact/hooks';
import { elidedHead, isLongValue, LONG_VALUE_WORDS, urlEnds, valueChunks } from '../../report/long-value.ts';
import { visible, visibleLines } from '../../report/text.ts';
import { copyText } from './download.ts';
import './long-value.css';

/**
 * `url`: the value is a URL that fills its box (a timeline row, a table cell): its middle is elided, not wrapped.
 * `lines`: text laid out in lines (JSON.stringify's indentation, whose strings have their control characters
 * escaped already): its line breaks stay.
 * `actions`: an elided value offers "show all" and "copy" (false inside a control of its own, a timeline row,
 * which opens the exchange where they are offered).
 * `copy`: a URL of ordinary length offers "show whole" (wrapped on lines instead of elided) and "copy" too (the
 * exchange's heading and Location).
 */
export function LongValue({
  value,
  url = false,
  lines = false,
  actions = true,
  copy = false,
}: {
  value: string;
  url?: boolean;
  lines?: boolean;
  actions?: boolean;
  copy?: boolean;
}) {
  const shown = lines ? visibleLines : visible;
  if (isLongValue(value)) return <ElidedValue value={value} url={url} shown={shown} actions={actions} />;
  if (!url) return <>{shown(value)}</>;
  if (!copy) return <ElidedUrl value={value} />;
  return <UrlWithActions value={value} />;
}

function ElidedUrl({ value, wrapped = false }: { value: string; wrapped?: boolean }) {
  const { head, tail } = urlEnds(value);
  return (
    <span class={`url-value${wrapped ? ' wrapped' : ''}`} title={value} data-field="url">
      <span class="url-head">{visible(head)}</span>
      {tail && <span class="url-tail">{visible(tail)}</span>}
    </span>
  );
}

/** A URL that can be shown whole, on as many lines as it takes, and copied. */
function UrlWithActions({ value }: { value: string }) {
  const [wrapped, setWrapped] = useState(false);
  return (
    <span class="url-with-copy">
      <ElidedUrl value={value} wrapped={wrapped} />
      <span class="long-value-actions">
        <button type="button" class="link" data-expand aria-expanded={wrapped} onClick={() => setWrapped(!wrapped)}>
          {wrapped ? LONG_VALUE_WORDS.showLess : LONG_VALUE_WORDS.showWhole}
        </button>
        <CopyButton value={value} />
      </span>
    </span>
  );
}

/** Copies a value whole, and says whether it could. */
function CopyButton({ value }: { value: string }) {
  const [copied, setCopied] = useState<string | undefined>(undefined);
  const copy = async () => setCopied((await copyText(value)) ? LONG_VALUE_WORDS.copied : LONG_VALUE_WORDS.copyFailed);
  return (
    <button type="button" class="link" data-copy-full onClick={() => void copy()}>
      {copied ?? LONG_VALUE_WORDS.copy}
    </button>
  );
}

/** A long value not ready yet (its secrets are being masked): its size only. */
export function PendingLongValue({ chars }: { chars: number }) {
  return (
    <span class="long-value" data-long-value={chars} data-pending="true">
      <span class="long-value-omitted">{LONG_VALUE_WORDS.pending(chars)}</span>
    </span>
  );
}

function ElidedValue({ value, url, shown, actions }: { value: string; url: boolean; shown(text: string): string; actions: boolean }) {
  const [expanded, setExpanded] = useState(false);
  const head = elidedHead(value);
  const tail = url ? urlEnds(value).tail : '';
  const title = LONG_VALUE_WORDS.title(value.length);
  return (
    <span class="long-value" data-long-value={value.length} data-expanded={expanded ? 'true' : 'false'}>
      {expanded ? (
        <span class="long-value-full" data-field="long-value-full">
          {valueChunks(value).map((chunk, i) => (
            <span key={i} class="long-value-chunk">
              {shown(chunk)}
            </span>
          ))}
        </span>
      ) : url ? (
        // One line, as a URL of ordinary length: its start (elided by CSS), how much is left out, its end.
        <span class="url-value" title={title} data-field="url">
          <span class="url-head" data-field="long-value-head">
            {visible(head)}
          </span>
          <span class="long-value-omitted" data-field="long-value-omitted">
            {LONG_VALUE_WORDS.omittedSize(value.length - head.length - tail.length)}
          </span>
          <span class="url-tail" data-field="long-value-tail">
            {visible(tail)}
          </span>
        </span>
      ) : (
        <span title={title}>
          <span class="long-value-head" data-field="long-value-head">
            {shown(head)}
          </span>
          <span class="long-value-omitted" data-field="long-value-omitted">
            {LONG_VALUE_WORDS.omitted(value.length, head.length)}
          </span>
        </span>
      )}
      {actions && (
        <span class="long-value-actions">
          <button type="button" class="link" data-expand aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
            {expanded ? LONG_VALUE_WORDS.showLess : LONG_VALUE_WORDS.showAll(value.length)}
          </button>
          <CopyButton value={value} />
        </span>
      )}
    </span>
  );
}
