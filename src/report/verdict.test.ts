import { describe, expect, it } from 'vitest';
import { findingCounts } from './verdict.ts';

describe('finding counts', () => {
  it('reads the same from a report summary and from a flow verdict', () => {
    expect(findingCounts({ error: 1, warning: 2, info: 0 })).toBe('1 error · 2 warnings · 0 info');
    expect(findingCounts({ errors: 1, warnings: 2, infos: 0 })).toBe('1 error · 2 warnings · 0 info');
  });
});
