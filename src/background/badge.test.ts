import { describe, expect, it } from 'vitest';
import { badgeOf } from './badge.ts';

describe('badgeOf', () => {
  const verdict = { flowId: 'f', verdict: 'pass' as const, errors: 0, warnings: 0, infos: 0 };
  it('shows errors in red with their count, warnings in amber, a check mark when clean', () => {
    expect(badgeOf({ ...verdict, verdict: 'error', errors: 2, warnings: 1 })).toMatchObject({ text: '2', color: '#d93025' });
    expect(badgeOf({ ...verdict, verdict: 'warning', warnings: 1 })).toMatchObject({ text: '1', color: '#e37400' });
    expect(badgeOf({ ...verdict, verdict: 'info', infos: 3 })).toMatchObject({ text: '✓', color: '#188038' });
  });
});
