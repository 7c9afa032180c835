// chrome-har ships no types; this covers the one function the recorder uses.
declare module 'chrome-har' {
  import type { Har } from 'har-format';

  export interface DevtoolsMessage {
    method: string;
    params: unknown;
  }

  export function harFromMessages(
    messages: readonly DevtoolsMessage[],
    options?: { includeTextFromResponseBody?: boolean; includeResourcesFromDiskCache?: boolean },
  ): Har;
}
