/**
 * The one wording of the sanitized-HAR notice (text, Markdown, the panel): which headers the exporter removed
 * and what that leaves unjudged. Chrome DevTools' "Export HAR (sanitized)", the default since Chrome 130,
 * removes Authorization and Cookie from requests and Set-Cookie from responses, with the `cookies` arrays.
 */
import type { RemovableHeader } from '../core/model.ts';

const HEADER_NAME: Record<RemovableHeader, string> = { authorization: 'Authorization', cookie: 'Cookie', 'set-cookie': 'Set-Cookie' };

/** What cannot be judged without each header. */
const UNOBSERVABLE: Record<RemovableHeader, readonly string[]> = {
  authorization: ['HTTP Basic client authentication', 'bearer tokens'],
  cookie: ['cookies'],
  'set-cookie': ['cookies'],
};

/** One sentence, or undefined when nothing was removed. */
export function removedHeadersNotice(removed: readonly RemovableHeader[]): string | undefined {
  if (!removed.length) return undefined;
  return `Sanitized HAR: the exporter removed the ${listOf(removed.map((h) => HEADER_NAME[h]))} headers, so ${listOf([...new Set(removed.flatMap((h) => UNOBSERVABLE[h]))])} are not observable; nothing is concluded from their absence. Export "with sensitive data" to check them.`;
}

function listOf(items: readonly string[]): string {
  if (items.length < 2) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
