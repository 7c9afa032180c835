import { describe, expect, it } from 'vitest';
import { removedHeadersNotice } from './removed-headers.ts';

describe('the sanitized-HAR notice', () => {
  it('is absent when nothing was removed', () => {
    expect(removedHeadersNotice([])).toBeUndefined();
  });

  it('names each removed header as HTTP writes it', () => {
    const notice = removedHeadersNotice(['authorization', 'cookie', 'set-cookie'])!;
    for (const name of ['Authorization', 'Cookie', 'Set-Cookie']) expect(notice).toContain(name);
    expect(removedHeadersNotice(['cookie'])).not.toContain('Authorization');
    // OAuth Lens's own redacted export: its markers stand for the headers; Chrome's advice does not apply.
    const redacted = removedHeadersNotice(['cookie', 'set-cookie'], 'numbered')!;
    expect(redacted).toMatch(/^Redacted headers: .*Cookie and Set-Cookie/);
    expect(redacted).not.toContain('with sensitive data');
  });
});
