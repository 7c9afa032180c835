import { describe, expect, it } from 'vitest';
import {
  EXPANDED_CHUNK_CHARS,
  elidedHead,
  ELIDED_HEAD_CHARS,
  isLongValue,
  LONG_VALUE_CHARS,
  urlEnds,
  URL_TAIL_CHARS,
  valueChunks,
  valueSize,
} from './long-value.ts';

describe('long values', () => {
  it('elides past LONG_VALUE_CHARS only', () => {
    expect(isLongValue('x'.repeat(LONG_VALUE_CHARS))).toBe(false);
    expect(isLongValue('x'.repeat(LONG_VALUE_CHARS + 1))).toBe(true);
  });

  it('cuts a head without splitting a surrogate pair', () => {
    const value = `${'a'.repeat(ELIDED_HEAD_CHARS - 1)}😀${'b'.repeat(LONG_VALUE_CHARS)}`;
    expect(elidedHead(value)).toBe('a'.repeat(ELIDED_HEAD_CHARS - 1));
    expect(elidedHead('short')).toBe('short');
  });

  it('keeps a URL whole as head and tail, the tail its last characters', () => {
    const url = `https://as.example.com/authorize?client_id=app&state=${'s'.repeat(300)}&code_challenge_method=S256`;
    const { head, tail } = urlEnds(url);
    expect(head + tail).toBe(url);
    expect(tail).toHaveLength(URL_TAIL_CHARS);
    expect(tail.endsWith('method=S256')).toBe(true);
    expect(urlEnds('http://127.0.0.1:33537/cb')).toEqual({ head: 'http://127.0.', tail: '0.1:33537/cb' });
  });

  it('lays a megabyte out in pieces that join back to it, none splitting a surrogate pair', () => {
    const value = `${'a'.repeat(EXPANDED_CHUNK_CHARS - 1)}😀${'z'.repeat(1_000_000)}`;
    const chunks = valueChunks(value);
    expect(chunks.join('')).toBe(value);
    expect(chunks[0]).toBe('a'.repeat(EXPANDED_CHUNK_CHARS - 1));
    expect(chunks.every((c) => c.length <= EXPANDED_CHUNK_CHARS)).toBe(true);
  });

  it('says sizes in characters, KB and MB', () => {
    expect(valueSize(812)).toBe('812 characters');
    expect(valueSize(4500)).toBe('4.5 KB');
    expect(valueSize(999_960)).toBe('1.0 MB');
    expect(valueSize(1_000_000)).toBe('1.0 MB');
  });
});
