/**
 * The complete `log.entries` elements in the first bytes of a HAR file, for the import's preview.
 *
 * Why not a streaming JSON parser (such as @streamparser/json): in a fresh import worker its tokenizer runs
 * cold and takes 60–100 ms over 256 KB here, half of the 200 ms the panel has to show the first flows.
 * Finding where each entry ends only needs JSON's structure (brackets outside strings, strings with their
 * escapes); each entry's text is then parsed by the engine's own `JSON.parse`, which still checks it whole.
 * This costs a few ms.
 */
import { jsonStringEnd } from '../../core/json-string-end.ts';

/** The elements of `log.entries` that end within `text` (a prefix of a HAR file), parsed; in order. */
export function completeHarEntries(text: string): unknown[] {
  const entries: unknown[] = [];
  // The key that leads to each open container (undefined for the root and array elements).
  const path: (string | undefined)[] = [];
  let lastString: string | undefined;
  let pendingKey: string | undefined;
  let entryStart = -1;
  const inEntries = () => path.length === 3 && path[1] === 'log' && path[2] === 'entries';

  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = jsonStringEnd(text, i + 1);
      if (end === -1) break;
      lastString = text.slice(i + 1, end);
      i = end;
    } else if (c === COLON) {
      pendingKey = lastString;
    } else if (c === COMMA) {
      pendingKey = undefined;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (inEntries()) entryStart = i;
      path.push(pendingKey);
      pendingKey = undefined;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      path.pop();
      pendingKey = undefined;
      if (inEntries() && entryStart !== -1) {
        try {
          entries.push(JSON.parse(text.slice(entryStart, i + 1)));
        } catch {
          // Not JSON after all: the whole-file parse will say why; the preview stops here.
          return entries;
        }
        entryStart = -1;
      }
    }
  }
  return entries;
}

const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
