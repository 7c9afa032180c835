import { describe, expect, it } from 'vitest';
import type { Flow } from '../core/model.ts';
import { planEviction } from './retention.ts';

const flowOf = (id: string, steps: [string, number][]): Flow => ({
  id,
  repeatedCallbacks: [],
  codeExchanges: [],
  refreshes: [],
  pkce: { method: 'absent', status: 'not-observable' },
  notes: [],
  steps: steps.map(([exchangeId, time]) => ({ kind: 'authorize', exchangeId, time, method: 'GET', url: 'u' })),
});

describe('planEviction', () => {
  const entries = [
    { id: 'a1', time: 1, size: 100 },
    { id: 'a2', time: 2, size: 100 },
    { id: 'loose', time: 3, size: 100 },
    { id: 'b1', time: 4, size: 100 },
    { id: 'b2', time: 5, size: 100 },
  ];
  const flows = [
    flowOf('A', [
      ['a1', 1],
      ['a2', 2],
    ]),
    flowOf('B', [
      ['b1', 4],
      ['b2', 5],
    ]),
  ];

  it('keeps everything under the caps', () => {
    expect(planEviction(entries, flows, { maxBytes: 1000, maxExchanges: 10 })).toEqual({ ids: new Set(), flows: 0 });
  });

  it('evicts whole flows, oldest first, and counts them', () => {
    expect(planEviction(entries, flows, { maxBytes: 300, maxExchanges: 10 })).toEqual({ ids: new Set(['a1', 'a2']), flows: 1 });
    expect(planEviction(entries, flows, { maxBytes: 1000, maxExchanges: 2 })).toEqual({ ids: new Set(['a1', 'a2', 'loose']), flows: 1 });
  });
});
