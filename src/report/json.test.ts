import { describe, expect, it } from 'vitest';
import { jsonText } from './json.ts';

describe('JSON safe to print', () => {
  it('escapes C1 controls and U+2028/U+2029, and parses back to the same values', () => {
    const value = { csi: 'x\u009b31m', all: '\u0080\u009f', lines: 'a\u2028b\u2029c', slash: '\\\u009b', plain: 'é ‹redacted›' };
    const text = jsonText(value);
    expect(text).not.toMatch(/[\u0080-\u009f\u2028\u2029]/);
    expect(text).toContain('"csi": "x\\u009b31m"');
    expect(text).toContain('"slash": "\\\\\\u009b"');
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(value);
  });
});
