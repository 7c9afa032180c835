import { describe, expect, it } from 'vitest';
import { excerptOf, jsonObjectOf, MAX_PARSED_BODY, MAX_SHOWN_BODY } from './body.ts';
import type { Body } from './model.ts';

const text = (value: string): Body => ({ kind: 'text', text: value, mimeType: 'application/json', size: value.length });

describe('jsonObjectOf', () => {
  it('reads a 5 MB token response, so its tokens are shown masked and redacted everywhere', () => {
    const accessToken = 'A'.repeat(5_000_000);
    const started = performance.now();
    const parsed = jsonObjectOf(text(JSON.stringify({ access_token: accessToken, token_type: 'Bearer' })));
    console.log(`JSON.parse of a 5 MB token response: ${(performance.now() - started).toFixed(0)} ms`);
    expect(parsed.ok && parsed.json.access_token).toBe(accessToken);
  });

  it('leaves a body over the bound unparsed, and says why', () => {
    const over = `{"pad":"${'p'.repeat(MAX_PARSED_BODY)}"}`;
    expect(jsonObjectOf(text(over))).toEqual({ ok: false, problem: `response body too large to analyze (${over.length} characters)` });
  });

  it('says what a body is when it is not a JSON object', () => {
    expect(jsonObjectOf(text('<!doctype html><p>502</p>'))).toEqual({ ok: false, problem: 'response body is not JSON' });
    expect(jsonObjectOf(text('[1]'))).toEqual({ ok: false, problem: 'response body is JSON but not an object' });
    expect(jsonObjectOf({ kind: 'binary', size: 5_000_000 })).toEqual({ ok: false, problem: 'response body is binary (5000000 bytes)' });
  });
});

describe('excerptOf', () => {
  it('keeps a text within the bound whole', () => {
    expect(excerptOf('{"error":"invalid_grant"}')).toEqual({ text: '{"error":"invalid_grant"}', totalChars: 25, omittedChars: 0 });
    const exact = 'x'.repeat(MAX_SHOWN_BODY);
    expect(excerptOf(exact).omittedChars).toBe(0);
  });

  it('cuts a longer text at the bound and counts what it leaves out', () => {
    const excerpt = excerptOf('y'.repeat(5_000_000));
    expect(excerpt.text).toHaveLength(MAX_SHOWN_BODY);
    expect(excerpt).toMatchObject({ totalChars: 5_000_000, omittedChars: 5_000_000 - MAX_SHOWN_BODY });
  });

  it('never ends inside a surrogate pair', () => {
    const excerpt = excerptOf(`ab😀cd`, 3);
    expect(excerpt).toEqual({ text: 'ab', totalChars: 6, omittedChars: 4 });
    expect(excerptOf(`ab😀cd`, 4).text).toBe('ab😀');
  });
});
