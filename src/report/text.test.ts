import { describe, expect, it } from 'vitest';
import { formatDuration, plural, visible, visibleLines } from './text.ts';

describe('captured text made visible', () => {
  it('escapes every control character on one line', () => {
    expect(visible('a\nb\tc\r\u0000\u001b[31m\u2028')).toBe('a\\nb\\tc\\r\\u0000\\u001b[31m\\u2028');
  });

  it('escapes C1 controls (U+009B is a terminal CSI) and DEL', () => {
    expect(visible('x\u009b31m\u0080\u007f')).toBe('x\\u009b31m\\u0080\\u007f');
  });

  it('keeps the lines and tabs of a body, escapes the other controls, and leaves a literal backslash-t alone', () => {
    expect(visibleLines('{\r\n\t"a": "x\\ty"\n}\r\u0000\u001b')).toBe('{\n\t"a": "x\\ty"\n}\\r\\u0000\\u001b');
  });
});

describe('counts and durations for people', () => {
  it('counts in the singular or the plural', () => {
    expect([plural(1, 'flow'), plural(0, 'flow'), plural(3, 'HAR entry', 'HAR entries')]).toEqual(['1 flow', '0 flows', '3 HAR entries']);
  });

  it('says a duration in ms, s or min, and a dash when unknown', () => {
    expect([formatDuration(12), formatDuration(1234), formatDuration(125_000), formatDuration(undefined)]).toEqual([
      '12 ms',
      '1.2 s',
      '2 min',
      '—',
    ]);
  });
});
