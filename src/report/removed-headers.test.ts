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
  });
});
