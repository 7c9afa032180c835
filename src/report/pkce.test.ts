import { describe, expect, it } from 'vitest';
import { type PkceFacts, pkceMethodText, pkceStatusText, pkceSummary } from './pkce.ts';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE in words, one wording for every view', () => {
  it('names the method as sent, the plain default, an unknown one, or none', () => {
    const method = (facts: Omit<PkceFacts, 'status'>) => pkceMethodText({ status: 'match', ...facts });
    expect([
      method({ method: 'S256', methodSent: 'S256', challenge: CHALLENGE }),
      method({ method: 'plain', methodSent: 'plain', challenge: CHALLENGE }),
      method({ method: 'absent', methodSent: null, challenge: CHALLENGE }),
      method({ method: 'other', methodSent: 's256', challenge: CHALLENGE }),
      method({ method: 'absent', methodSent: null, challenge: null }),
    ]).toEqual(['S256', 'plain', 'no method sent (plain applies)', 'unknown method s256', 'none']);
  });

  it('says "not observable" and why: no token request, or no readable authorization request', () => {
    const waiting: PkceFacts = { method: 'S256', methodSent: 'S256', status: 'not-observable', challenge: CHALLENGE };
    const unread: PkceFacts = { method: 'absent', status: 'not-observable' };
    expect(pkceSummary(waiting)).toBe('S256 · not observable: no token request seen for this flow');
    expect(pkceSummary(unread)).toBe('not observed · not observable: the authorization request was not seen or could not be read');
  });

  it('tells a downgrade (a verifier without a challenge) from no PKCE at all', () => {
    expect(pkceStatusText({ method: 'absent', status: 'no-challenge', verifier: null })).toBe('no code_challenge was sent');
    expect(pkceStatusText({ method: 'absent', status: 'no-challenge', verifier: '‹redacted code_verifier, 43 chars›' })).toBe(
      'no code_challenge was sent, but the token request has a code_verifier',
    );
    expect(pkceStatusText({ method: 'S256', status: 'no-verifier', challenge: CHALLENGE })).toBe(
      'a code_challenge was sent, but the token request has no code_verifier',
    );
  });

  it('adds the near miss, explained, or only its kind when brief', () => {
    const mismatch: PkceFacts = {
      method: 'S256',
      status: 'mismatch',
      challenge: CHALLENGE,
      nearMiss: { kind: 'verifier-whitespace', explanation: 'The challenge was computed without the trailing newline.' },
    };
    expect(pkceSummary(mismatch)).toBe(
      'S256 · the verifier does NOT match the challenge — near miss (verifier-whitespace): The challenge was computed without the trailing newline.',
    );
    expect(pkceSummary(mismatch, { brief: true })).toBe(
      'S256 · the verifier does NOT match the challenge — near miss (verifier-whitespace)',
    );
  });
});
