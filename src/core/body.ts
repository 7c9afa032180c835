import type { Body } from './model.ts';

/** Bodies larger than this are kept as evidence but not parsed: a token response is a few KB. */
export const MAX_PARSED_BODY = 1_000_000;

export function bodyText(body: Body | undefined): string | undefined {
  if (!body) return undefined;
  if (body.kind === 'text') return body.text;
  if (body.kind === 'form') return body.raw;
  return undefined;
}

export type JsonObjectResult =
  | { ok: true; json: Record<string, unknown> }
  | { ok: false; problem: string };

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
