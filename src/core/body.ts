import type { Body } from './model.ts';

/**
 * Bodies longer than this (in characters) are kept as evidence but not parsed. A token response is a few KB,
 * but a hostile or broken one of several MB must still give up its tokens: the panel shows them masked, and
 * the redaction's safety net only knows the secrets the analysis read, so an unparsed response would be
 * exported with its tokens in clear. JSON.parse reads 8 MiB in 20 to 250 ms (one long member to 200,000
 * short ones); a longer body is named "too large" rather than parsed.
 */
export const MAX_PARSED_BODY = 8 * 1024 * 1024;

/**
 * At most this many characters of a body are shown: more than any real token response or error page, while a
 * multi-megabyte text node would stall the view's layout.
 */
export const MAX_SHOWN_BODY = 64 * 1024;

export function bodyText(body: Body | undefined): string | undefined {
  if (!body) return undefined;
  if (body.kind === 'text') return body.text;
  if (body.kind === 'form') return body.raw;
  return undefined;
}

export type JsonObjectResult = { ok: true; json: Record<string, unknown> } | { ok: false; problem: string };

/** Parse a body as a JSON object, saying why not when it cannot be (never throws). */
export function jsonObjectOf(body: Body | undefined): JsonObjectResult {
  if (!body) return { ok: false, problem: 'response body not observed' };
  if (body.kind === 'none') return { ok: false, problem: 'response had no body' };
  if (body.kind === 'binary') return { ok: false, problem: `response body is binary (${body.size} bytes)` };
  if (body.kind === 'text' && body.truncated) return { ok: false, problem: `response body was cut at capture (${body.size} bytes)` };
  const text = bodyText(body) ?? '';
  if (text.length > MAX_PARSED_BODY) return { ok: false, problem: `response body too large to analyze (${text.length} characters)` };
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return { ok: true, json: value as Record<string, unknown> };
    return { ok: false, problem: 'response body is JSON but not an object' };
  } catch {
    return { ok: false, problem: 'response body is not JSON' };
  }
}

export function stringMember(json: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = json?.[name];
  return typeof value === 'string' ? value : undefined;
}

export interface TextExcerpt {
  /** The start of the text, at most the limit. */
  text: string;
  totalChars: number;
  /** Characters after the excerpt, not shown (0 when the text is whole). */
  omittedChars: number;
}

/**
 * The start of a text, at most `limit` UTF-16 code units, never ending inside a surrogate pair. A text to be
 * redacted must be redacted before it is cut: the redactor recognises whole secrets only, so a secret
 * straddling the cut would otherwise show its first characters.
 */
export function excerptOf(text: string, limit = MAX_SHOWN_BODY): TextExcerpt {
  if (text.length <= limit) return { text, totalChars: text.length, omittedChars: 0 };
  let end = limit;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { text: text.slice(0, end), totalChars: text.length, omittedChars: text.length - end };
}
