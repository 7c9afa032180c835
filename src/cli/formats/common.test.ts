import { describe, expect, it } from 'vitest';
import { visible, visibleLines } from './common.ts';

describe('captured text made visible', () => {
  it('escapes every control character on one line', () => {
    expect(visible('a\nb\tc\r\u0000\u001b[31m\u2028')).toBe('a\\nb\\tc\\r\\u0000\\u001b[31m\\u2028');
  });

  it('keeps the lines and tabs of a body, escapes the other controls, and leaves a literal backslash-t alone', () => {
    expect(visibleLines('{\r\n\t"a": "x\\ty"\n}\r\u0000\u001b')).toBe('{\n\t"a": "x\\ty"\n}\\r\\u0000\\u001b');
  });
});
