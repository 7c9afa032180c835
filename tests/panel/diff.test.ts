import { describe, expect, it } from 'vitest';
import { diffChars, MAX_LCS_CELLS } from '../../src/devtools/diff.ts';

const join = (segments: { op: string; text: string }[], keep: string) =>
  segments
    .filter((s) => s.op === 'same' || s.op === keep)
    .map((s) => s.text)
    .join('');

describe('diffChars', () => {
  it('says nothing differs for equal strings', () => {
    expect(diffChars('abc', 'abc')).toEqual([{ op: 'same', text: 'abc' }]);
    expect(diffChars('', '')).toEqual([]);
  });

  it('finds an added trailing slash', () => {
    expect(diffChars('http://127.0.0.1:4000/cb', 'http://127.0.0.1:4000/cb/')).toEqual([
      { op: 'same', text: 'http://127.0.0.1:4000/cb' },
      { op: 'add', text: '/' },
    ]);
  });

  it('finds a double-encoded character in the middle', () => {
    expect(diffChars('https%3A%2F%2Fa', 'https%253A%2F%2Fa')).toEqual([
      { op: 'same', text: 'https%' },
      { op: 'add', text: '25' },
      { op: 'same', text: '3A%2F%2Fa' },
    ]);
  });

  it('rebuilds both sides from its segments', () => {
    const pairs: [string, string][] = [
      ['localhost:3000', '127.0.0.1:3000'],
      ['abc', 'xyz'],
      ['', 'new'],
      ['old', ''],
      ['kitten', 'sitting'],
    ];
    for (const [a, b] of pairs) {
      const d = diffChars(a, b);
      expect(join(d, 'del')).toBe(a);
      expect(join(d, 'add')).toBe(b);
    }
  });

  it('stays bounded on huge values', () => {
    const a = 'x'.repeat(Math.sqrt(MAX_LCS_CELLS) * 2);
    const b = 'y'.repeat(a.length);
    expect(diffChars(a, b)).toEqual([
      { op: 'del', text: a },
      { op: 'add', text: b },
    ]);
  });
});
