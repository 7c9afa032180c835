import { describe, expect, it } from 'vitest';
import { capped, MAX_EVIDENCE_CHARS, paramEvidence, quotable } from './evidence.ts';
import { isSecretParameter } from './secret-parameters.ts';

describe('evidence helpers', () => {
  it('knows which parameters are secrets', () => {
    for (const name of [
      'code',
      'code_verifier',
      'access_token',
      'id_token',
      'refresh_token',
      'client_secret',
      'client_assertion',
      'password',
      'Code',
      'token',
      'device_code',
    ]) {
      expect(isSecretParameter(name)).toBe(true);
    }
    for (const name of ['state', 'nonce', 'redirect_uri', 'client_id', 'code_challenge', '__proto__'])
      expect(isSecretParameter(name)).toBe(false);
  });

  it('caps long values at 500 characters without splitting a surrogate pair', () => {
    expect(capped('short')).toBe('short');
    const long = capped('x'.repeat(10_000));
    expect(long).toHaveLength(MAX_EVIDENCE_CHARS);
    expect(long.endsWith('…')).toBe(true);
    const emoji = capped(`${'x'.repeat(498)}😀😀`);
    expect(emoji.length).toBeLessThanOrEqual(MAX_EVIDENCE_CHARS);
    expect(emoji).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('flags secret parameter values and caps the others', () => {
    expect(paramEvidence('code', 'x'.repeat(600))).toEqual({ label: 'code', value: 'x'.repeat(600), secret: true });
    expect(paramEvidence('state', 'x'.repeat(600)).value).toHaveLength(MAX_EVIDENCE_CHARS);
    expect(paramEvidence('state', 'abc').secret).toBeUndefined();
  });

  it('quotes only short plain tokens', () => {
    expect(quotable('invalid_grant')).toBe('invalid_grant');
    expect(quotable('<script>alert(1)</script>')).toBeUndefined();
    expect(quotable('a b')).toBeUndefined();
    expect(quotable('x'.repeat(65))).toBeUndefined();
    expect(quotable(undefined)).toBeUndefined();
  });
});
