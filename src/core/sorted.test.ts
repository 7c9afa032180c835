import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partitionPoint } from './sorted.ts';

describe('partitionPoint', () => {
  it('finds the first index where the predicate turns false', () => {
    const times = [1, 3, 3, 5, 8];
    expect(partitionPoint(times.length, (i) => times[i]! < 3)).toBe(1);
    expect(partitionPoint(times.length, (i) => times[i]! <= 3)).toBe(3);
    expect(partitionPoint(times.length, (i) => times[i]! <= 100)).toBe(5);
    expect(partitionPoint(times.length, (i) => times[i]! < 0)).toBe(0);
    expect(partitionPoint(0, () => true)).toBe(0);
  });

  it('starts at `from`', () => {
    const times = [1, 3, 3, 5, 8];
    expect(partitionPoint(times.length, (i) => times[i]! < 3, 2)).toBe(2);
    expect(partitionPoint(times.length, (i) => times[i]! < 6, 2)).toBe(4);
  });

  it('agrees with a linear scan on sorted arrays', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 })), fc.integer({ min: -5, max: 55 }), (values, limit) => {
        const sorted = [...values].sort((a, b) => a - b);
        const expected = sorted.findIndex((v) => v > limit);
        expect(partitionPoint(sorted.length, (i) => sorted[i]! <= limit)).toBe(expected === -1 ? sorted.length : expected);
      }),
    );
  });
});
