/**
 * HAR files big enough for the import's preview (over PREVIEW_MIN_FILE_BYTES): a recorded sign-in, a padding
 * entry of `paddingBytes` (an ordinary image request with a large body), then a second recorded sign-in.
 * The preview slice ends inside the padding, so it holds the first flow only.
 */
import { PREVIEW_MIN_FILE_BYTES, PREVIEW_SLICE_BYTES } from '../../src/devtools/import/har-import.ts';
import { harText } from './fixtures.ts';

// biome-ignore lint/suspicious/noExplicitAny: the test edits a parsed HAR freely
type Json = Record<string, any>;

export function twoFlowsAroundPadding(paddingBytes = PREVIEW_MIN_FILE_BYTES): string {
  const first = JSON.parse(harText('good')) as Json;
  const second = JSON.parse(harText('refresh')) as Json;
  const entries = first.log.entries as Json[];
  const last = entries[entries.length - 1]!;
  const padding = {
    ...last,
    startedDateTime: last.startedDateTime,
    request: {
      method: 'GET',
      url: 'https://cdn.example/big.png',
      httpVersion: 'HTTP/1.1',
      headers: [],
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      headers: [],
      cookies: [],
      redirectURL: '',
      headersSize: -1,
      bodySize: paddingBytes,
      content: { size: paddingBytes, mimeType: 'image/png', encoding: 'base64', text: 'A'.repeat(paddingBytes) },
    },
  };
  const firstText = JSON.stringify(entries);
  if (firstText.length > PREVIEW_SLICE_BYTES) throw new Error('the first sign-in no longer fits in the preview slice');
  return JSON.stringify({ log: { ...first.log, entries: [...entries, padding, ...(second.log.entries as Json[])] } });
}
