import { describe, expect, it } from 'vitest';
import { findingCounts, flowSymbol, isStuck, STUCK_SYMBOL } from './verdict.ts';

describe('finding counts', () => {
  it('reads the same from a report summary and from a flow verdict', () => {
    expect(findingCounts({ error: 1, warning: 2, info: 0 })).toBe('1 error · 2 warnings · 0 info');
    expect(findingCounts({ errors: 1, warnings: 2, infos: 0 })).toBe('1 error · 2 warnings · 0 info');
  });
});

describe('flow symbols', () => {
  it('shows ✓ for a flow whose findings are all info, as for a clean one', () => {
    expect(flowSymbol('pass', false)).toBe('✓');
    expect(flowSymbol('info', false)).toBe('✓');
  });

  it('shows ? for a flow no rule faulted that is stuck for a likely or certain reason, never over a fault', () => {
    expect(isStuck([{ likelihood: 'possible' }])).toBe(false);
    expect(isStuck([{ likelihood: 'possible' }, { likelihood: 'likely' }])).toBe(true);
    expect(flowSymbol('info', true)).toBe(STUCK_SYMBOL);
    expect(flowSymbol('warning', true)).toBe('!');
    expect(flowSymbol('error', true)).toBe('✕');
  });
});
