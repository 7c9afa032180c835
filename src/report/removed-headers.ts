/**
 * The one wording of the sanitized-HAR notice (text, Markdown, the panel): which headers the exporter removed
 * and what that leaves unjudged. Chrome DevTools' "Export HAR (sanitized)", the default since Chrome 130,
 * removes Authorization and Cookie from requests and Set-Cookie from responses, with the `cookies` arrays.
 */
import type { RemovableHeader } from '../core/model.ts';
import type { RedactedInput } from '../core/redacted-input.ts';

const HEADER_NAME: Record<RemovableHeader, string> = { authorization: 'Authorization', cookie: 'Cookie', 'set-cookie': 'Set-Cookie' };

/** What cannot be judged without each header. */
const UNOBSERVABLE: Record<RemovableHeader, readonly string[]> = {
  authorization: ['HTTP Basic client authentication', 'bearer tokens'],
  cookie: ['cookies'],
  'set-cookie': ['cookies'],
};

/**
 * One sentence, or undefined when nothing was removed. `redactedExport`: the HAR is OAuth Lens's own redacted
 * export, whose markers stand for those headers; Chrome's "with sensitive data" advice does not apply to it.
 */
export function removedHeadersNotice(removed: readonly RemovableHeader[], redactedExport: RedactedInput = null): string | undefined {
  if (!removed.length) return undefined;
  const headers = listOf(removed.map((h) => HEADER_NAME[h]));
  const unobservable = listOf([...new Set(removed.flatMap((h) => UNOBSERVABLE[h]))]);
  if (redactedExport !== null)
    return `Redacted headers: the export replaced the ${headers} headers by markers, so ${unobservable} are not observable; nothing is concluded from them.`;
  return `Sanitized HAR: the exporter removed the ${headers} headers, so ${unobservable} are not observable; nothing is concluded from their absence. Export "with sensitive data" to check them.`;
}

function listOf(items: readonly string[]): string {
  if (items.length < 2) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
