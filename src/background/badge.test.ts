import { describe, expect, it } from 'vitest';
import type { Diagnosis, Likelihood } from '../core/diagnose/types.ts';
import { badgeOf } from './badge.ts';

const diagnosis = (likelihood: Likelihood): Diagnosis => ({
  id: 'f:authorization-refused',
  kind: 'authorization-refused',
  flowId: 'f',
  title: 'The authorization server refused the request',
  likelihood,
  evidence: [],
  exchangeIds: [],
  hints: [],
});

describe('badgeOf', () => {
  const verdict = { flowId: 'f', verdict: 'pass' as const, errors: 0, warnings: 0, infos: 0 };
  it('shows errors in red with their count, warnings in amber, a check mark when clean', () => {
    expect(badgeOf({ ...verdict, verdict: 'error', errors: 2, warnings: 1 })).toMatchObject({ text: '2', color: '#d93025' });
    expect(badgeOf({ ...verdict, verdict: 'warning', warnings: 1 })).toMatchObject({ text: '1', color: '#e37400' });
    expect(badgeOf({ ...verdict, verdict: 'info', infos: 3 })).toMatchObject({ text: '✓', color: '#188038' });
  });

  it('shows a question mark when no rule failed but the sign-in is stuck for a likely reason', () => {
    expect(badgeOf(verdict, [diagnosis('certain')])).toMatchObject({ text: '?', color: '#1a73e8' });
    expect(badgeOf(verdict, [diagnosis('likely')]).title).toContain('The authorization server refused the request');
    // A possible cause also fits a working flow (a confidential client redeems its code on its server).
    expect(badgeOf(verdict, [diagnosis('possible')])).toMatchObject({ text: '✓' });
    // Rule findings come first: they are the defects.
    expect(badgeOf({ ...verdict, verdict: 'warning', warnings: 1 }, [diagnosis('certain')])).toMatchObject({ text: '1' });
  });
});
