import { describe, expect, it } from 'vitest';
import { signatureWords } from './id-token-signature.ts';

const base = { exchangeId: 'x1', source: 'token-response' as const, alg: 'RS256', problems: [] };

describe('signatureWords', () => {
  it('names the observed key of a verified signature', () => {
    expect(signatureWords({ ...base, signature: 'verified', kid: 'k1', jwksUrl: 'https://as.example/jwks' })).toEqual({
      standing: 'good',
      text: 'Signature: verified against the observed key "k1" of https://as.example/jwks (RS256).',
    });
  });

  it('never passes what was not observed', () => {
    expect(signatureWords(undefined)).toEqual({ standing: 'unknown', text: 'Signature: not observable.' });
    const words = signatureWords({ ...base, signature: 'not-observable', reason: "the issuer's JWKS response was not observed" });
    expect(words.standing).toBe('unknown');
    expect(words.text).toBe("Signature: not observable (the issuer's JWKS response was not observed).");
  });

  it('says why an invalid signature is', () => {
    const words = signatureWords({
      ...base,
      signature: 'invalid',
      problems: [{ check: 'signature', detail: 'the signature does not verify', severity: 'error' }],
    });
    expect(words).toEqual({ standing: 'bad', text: 'Signature: invalid: the signature does not verify.' });
  });
});
