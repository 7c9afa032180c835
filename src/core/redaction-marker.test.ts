import { beforeEach, describe, expect, it } from 'vitest';
import { advance, authorize, callback, resetBuilders, token } from '../../tests/support/build.ts';
import { analyze } from './analyze.ts';
import { redactedInput } from './redacted-input.ts';
import { comparableSecret, isRedacted, redactionMarker } from './redaction-marker.ts';

beforeEach(resetBuilders);

const marker = (label: string, length: number, number?: number) => redactionMarker(label, 'x'.repeat(length), number);

describe('redaction markers as the analysis reads them', () => {
  it('a numbered marker compares as its value would; a marker without a number equals nothing', () => {
    expect(marker('code', 43, 3)).toBe('‹redacted code, 43 chars, value 3›');
    expect(isRedacted(marker('code', 43, 3))).toBe(true);
    expect(comparableSecret(marker('code', 43, 3))).toBe(marker('code', 43, 3));
    expect(comparableSecret(marker('code', 43))).toBeUndefined();
    expect(comparableSecret('SplxlOBeZQQYbYS6WxSbIA')).toBe('SplxlOBeZQQYbYS6WxSbIA');
    expect(comparableSecret(undefined)).toBeUndefined();
  });
});

describe('an input whose secrets are markers', () => {
  /**
   * Two sign-ins of one client whose secrets are markers (`secret(label, n)`), each code redeemed before the
   * next sign-in, or both redeemed after both callbacks (`overlapping`).
   */
  function twoSignIns(secret: (label: string, n: number) => string, overlapping: boolean) {
    const signIn = (n: number, state: string) => [
      authorize({
        state,
        nonce: n === 1 ? 'nK3pX9qL2vB7tR4wZ8mC1yH6dF0gJ5sA' : 'qW8eR2tY6uI0oP4aS9dF3gH7jK1lZ5xC',
        code_challenge: (n === 1 ? 'A' : 'B').repeat(43),
      }),
      ...callback({ code: secret('code', n), state }),
    ];
    const redeem = (n: number) => token({ code: secret('code', n), code_verifier: secret('code_verifier', 10 + n) });
    const first = signIn(1, 'Qm7vT2xK9pL4wR8nZ3cY6hB1dF5gJ0sE');
    if (!overlapping) first.push(redeem(1));
    advance(100);
    const second = signIn(2, 'Xr4kP8mW2qN6tV1zC9bH3jL7fD5yG0aS');
    return overlapping ? [...first, ...second, redeem(1), redeem(2)] : [...first, ...second, redeem(2)];
  }

  /** Markers as an export before numbering wrote them: codes of one length look alike. */
  const unnumbered = (label: string) => marker(label, label === 'code' ? 22 : 43);
  /** Markers as the export writes them: equal values, equal numbers. */
  const numbered = (label: string, n: number) => marker(label, label === 'code' ? 22 : 43, n);

  it('markers without numbers: no replay, no malformed verifier, no PKCE mismatch, and the one pending callback pairs', async () => {
    const analysis = await analyze(twoSignIns(unnumbered, false));
    expect(analysis.findings.map((f) => f.ruleId)).toEqual([]);
    expect(analysis.flows.map((f) => [f.codeExchanges.length, f.pkce.status])).toEqual([
      [1, 'not-observable'],
      [1, 'not-observable'],
    ]);
    expect(analysis.flows.flatMap((f) => f.steps.filter((s) => s.kind === 'token').map((s) => s.pairedBy))).toEqual(['client', 'client']);
    expect(redactedInput(analysis.flows)).toBe('unnumbered');
  });

  it('markers without numbers, two sign-ins pending at once: which code went where is not concluded', async () => {
    const analysis = await analyze(twoSignIns(unnumbered, true));
    expect(analysis.findings.map((f) => f.ruleId)).toEqual([]);
    expect(analysis.flows.filter((f) => f.authorization).map((f) => f.codeExchanges.length)).toEqual([0, 0]);
  });

  it('numbered markers pair by their numbers, as the values did', async () => {
    const analysis = await analyze(twoSignIns(numbered, true));
    expect(analysis.findings.map((f) => f.ruleId)).toEqual([]);
    expect(analysis.flows.flatMap((f) => f.steps.filter((s) => s.kind === 'token').map((s) => s.pairedBy))).toEqual(['code', 'code']);
    expect(redactedInput(analysis.flows)).toBe('numbered');
  });

  it('a numbered code presented twice is still a replay', async () => {
    const code = marker('code', 22, 1);
    const exchanges = [
      authorize(),
      ...callback({ code, state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' }),
      token({ code, code_verifier: marker('code_verifier', 43, 2) }),
    ];
    advance(100);
    exchanges.push(token({ code, code_verifier: marker('code_verifier', 43, 2) }));
    expect((await analyze(exchanges)).findings.map((f) => f.ruleId)).toContain('code-replayed');
  });

  it('an input with its secrets is no redacted export', async () => {
    const analysis = await analyze([
      authorize(),
      ...callback({ code: 'SplxlOBeZQQYbYS6WxSbIA', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' }),
      token(),
    ]);
    expect(redactedInput(analysis.flows)).toBeNull();
  });
});
