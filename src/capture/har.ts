/**
 * HAR 1.2 → exchanges, for HAR files as Chrome, Firefox, Playwright, mitmproxy, Charles and Fiddler write them
 * (and as the DevTools network API hands entries to the panel). Pure: no I/O. Lenient: a malformed entry is
 * skipped with a warning, never a crash.
 *
 * Chrome specifics handled: one entry per redirect hop with `response.redirectURL`, `_resourceType`,
 * `_initiator`, `_error`, status 0 for failed requests, base64 response content, `postData.params` kept
 * percent-encoded (so `postData.text` is preferred and decoded exactly once), and the sanitized export, which
 * removes Authorization, Cookie and Set-Cookie (see `sanitizedHeaders`).
 * Other writers: no `_resourceType`/`_initiator` (Fetch Metadata headers, else `Accept`), no or empty
 * `redirectURL` (the Location header), `queryString` and `postData.params` decoded, a URL whose query is only in
 * `queryString`, base64 request and response bodies, any header-name case, HTTP/2 pseudo-headers, negative or
 * missing timings, `startedDateTime` with any number of fraction digits or a UTC offset, no `pages`.
 */
import type { Body, Exchange, Header, InitiatorType, RemovableHeader } from '../core/model.ts';
import { parseForm, resolveLocation } from '../core/params.ts';
import { isRedacted } from '../core/redaction-marker.ts';

export interface HarConversion {
  exchanges: Exchange[];
  /** Entries that could not be used, and why (by entry index). */
  warnings: string[];
}

export class HarFormatError extends Error {
  override name = 'HarFormatError';
}

/** Parse HAR text; throws `HarFormatError` with a one-line reason (not JSON, truncated, not a HAR). */
export function parseHarText(text: string): HarConversion {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text.slice(0, 512))) throw new HarFormatError('not a HAR file: it holds binary data, not JSON');
  if (!text.trim()) throw new HarFormatError('not a HAR file: it is empty');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (isTruncation(reason, text)) throw new HarFormatError(`truncated: the JSON ends before the HAR does (${reason})`);
    throw new HarFormatError(`not JSON: ${reason}`);
  }
  return harToExchanges(json);
}

/**
 * A cut-off file: V8 says "Unexpected end of JSON input", or, when the cut falls between values, "Expected ','
 * or '}' after property value in JSON at position N" with N at the end of the text.
 */
function isTruncation(reason: string, text: string): boolean {
  if (/end of (JSON )?input|Unterminated|Unexpected end/i.test(reason)) return true;
  const position = /\bat position (\d+)\b/.exec(reason);
  return position !== null && Number(position[1]) >= text.trimEnd().length;
}

/** Convert a parsed HAR object; throws `HarFormatError` when it is JSON but not a HAR. */
export function harToExchanges(har: unknown): HarConversion {
  const log = isObject(har) ? har.log : undefined;
  if (!isObject(log)) throw new HarFormatError('not a HAR file: JSON without a "log" object');
  const entries = log.entries;
  if (!Array.isArray(entries)) throw new HarFormatError('not a HAR file: "log.entries" is not an array');
  const conversion = entriesToExchanges(entries);
  const headersRemoved = sanitizedHeaders(log, entries);
  if (!headersRemoved.length) return conversion;
  return { ...conversion, exchanges: conversion.exchanges.map((exchange) => ({ ...exchange, headersRemoved })) };
}

/** What Chrome DevTools' sanitized export removes: from requests, then from responses. */
const SANITIZED_REQUEST_HEADERS: readonly RemovableHeader[] = ['authorization', 'cookie'];
const SANITIZED_RESPONSE_HEADERS: readonly RemovableHeader[] = ['set-cookie'];
/** Every header the sanitized export removes, which a redacted export's marker also stands for. */
const REMOVABLE_HEADERS: readonly RemovableHeader[] = [...SANITIZED_REQUEST_HEADERS, ...SANITIZED_RESPONSE_HEADERS];

/**
 * Chrome DevTools' "Export HAR (sanitized)", the default since Chrome 130 (devtools-frontend
 * front_end/models/har/Log.ts, `BuildOptions.sanitize`), drops the Authorization and Cookie request headers,
 * the Set-Cookie response header and both `cookies` arrays of every entry. The file carries no mark of it, so
 * it is recognised by what it lacks: a DevTools export (creator `WebInspector`) in which no entry has any of
 * them. An export "with sensitive data" of traffic that never carried them looks the same; taking it for
 * sanitized costs nothing but the conclusions drawn from their absence, which is the point.
 */
function sanitizedHeaders(log: Json, entries: readonly unknown[]): readonly RemovableHeader[] {
  const creator = isObject(log.creator) ? str(log.creator.name) : undefined;
  if (creator !== 'WebInspector' || !entries.length) return [];
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    const request = isObject(entry.request) ? entry.request : {};
    const response = isObject(entry.response) ? entry.response : {};
    if (hasAny(request.headers, SANITIZED_REQUEST_HEADERS) || hasAny(response.headers, SANITIZED_RESPONSE_HEADERS)) return [];
    if (nonEmptyArray(request.cookies) || nonEmptyArray(response.cookies)) return [];
  }
  return REMOVABLE_HEADERS;
}

function hasAny(headers: unknown, names: readonly string[]): boolean {
  return Array.isArray(headers) && headers.some((h) => isObject(h) && names.includes(str(h.name)?.toLowerCase() ?? ''));
}

const nonEmptyArray = (value: unknown): boolean => Array.isArray(value) && value.length > 0;

/**
 * HAR entries → exchanges. Exchange ids are `har-<entry index>`, so the first entries of a file (a streamed
 * preview) convert to the same ids as they do in the whole file.
 */
export function entriesToExchanges(entries: readonly unknown[]): HarConversion {
  const exchanges: Exchange[] = [];
  const warnings: string[] = [];
  let lastTime = 0;
  entries.forEach((entry: unknown, index) => {
    const result = entryToExchange(entry, index, lastTime);
    if (typeof result === 'string') {
      warnings.push(`entry ${index}: ${result}`);
      return;
    }
    lastTime = result.time;
    exchanges.push(result);
  });
  return { exchanges, warnings };
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

function entryToExchange(entry: unknown, index: number, previousTime: number): Exchange | string {
  if (!isObject(entry)) return 'not an object';
  const request = entry.request;
  const response = isObject(entry.response) ? entry.response : {};
  if (!isObject(request)) return 'no request';
  const url = withQueryString(str(request.url), request.queryString);
  if (!url) return 'request has no URL';
  if (!URL.canParse(url)) return `request URL does not parse: ${url.slice(0, 80)}`;
  const method = (str(request.method) ?? 'GET').toUpperCase();

  const started = Date.parse(str(entry.startedDateTime) ?? '');
  const time = Number.isNaN(started) ? previousTime : started;
  const duration = num(entry.time);
  const sent = withoutRedactedCredentials(headersOf(request.headers));
  const received = withoutRedactedCredentials(headersOf(response.headers));
  const requestHeaders = sent.kept;
  const responseHeaders = received.kept;
  const redacted = [...sent.redacted, ...received.redacted];
  const rawStatus = num(response.status);
  // Chrome writes status 0 (and `_error`) for requests that got no response.
  const status = rawStatus !== undefined && rawStatus > 0 ? rawStatus : undefined;
  const error = str(response._error) ?? str(entry._error) ?? (status === undefined ? 'no response' : undefined);
  const locationHeader = str(response.redirectURL) || headerValue(responseHeaders, 'location');
  const location =
    status !== undefined && status >= 300 && status < 400 && locationHeader ? resolveLocation(locationHeader, url) : undefined;

  const hashAt = url.indexOf('#');
  return {
    id: `har-${index}`,
    time,
    ...(duration !== undefined && duration >= 0 ? { endTime: time + duration } : {}),
    initiator: initiatorOf(entry, method, requestHeaders),
    ...originOf(entry, requestHeaders),
    method,
    url: hashAt === -1 ? url : url.slice(0, hashAt),
    requestHeaders,
    requestBody: requestBodyOf(request.postData, method),
    ...(status !== undefined ? { status } : {}),
    // Both when a response arrived and the browser then failed the request (a CORS check), as webRequest reports it.
    ...(error !== undefined ? { error } : {}),
    responseHeaders,
    ...(location !== undefined ? { location } : {}),
    ...responseBodyOf(response.content, error === undefined ? status : undefined),
    ...(redacted.length ? { headersRemoved: [...new Set(redacted)] } : {}),
  };
}

/**
 * A credential header whose whole value is a redaction marker (OAuth Lens's own redacted HAR export writes
 * `authorization: ‹redacted authorization, 30 chars›`) tells nothing of what was sent: it is dropped and counted
 * as removed, as in a sanitized export, so that no check reads the marker for the value (HTTP Basic would look
 * absent and the client public).
 */
function withoutRedactedCredentials(headers: Header[]): { kept: Header[]; redacted: RemovableHeader[] } {
  const redacted: RemovableHeader[] = [];
  const kept = headers.filter((h) => {
    const removable = REMOVABLE_HEADERS.find((name) => name === h.name);
    if (removable === undefined || !isRedacted(h.value)) return true;
    redacted.push(removable);
    return false;
  });
  return { kept, redacted };
}

/** Some writers leave the query out of `url` and keep it in `queryString` alone: put it back. */
function withQueryString(url: string | undefined, queryString: unknown): string | undefined {
  if (url === undefined || url.includes('?') || !Array.isArray(queryString)) return url;
  const query = joinParams(queryString.filter(isObject));
  if (!query) return url;
  const hashAt = url.indexOf('#');
  return hashAt === -1 ? `${url}?${query}` : `${url.slice(0, hashAt)}?${query}${url.slice(hashAt)}`;
}

/**
 * `queryString` or `postData.params` → the `a=b&c=d` text they came from. Chrome keeps the pairs as sent
 * (percent-encoded); Firefox, mitmproxy, Charles and Fiddler decode them. A pair holding a character the form
 * serializer always escapes (a space, `/`, `:`, `&`, `=`…) was decoded, so the pairs are encoded again
 * (application/x-www-form-urlencoded serializing, as URLSearchParams does) to be decoded exactly once later.
 */
function joinParams(params: readonly Json[]): string {
  const pairs = params.map((p): [string, string] => [str(p.name) ?? '', str(p.value) ?? '']);
  const decoded = pairs.some(([name, value]) => /[^\w.~*%+-]/.test(name + value));
  return decoded ? new URLSearchParams(pairs).toString() : pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

function headersOf(value: unknown): Header[] {
  if (!Array.isArray(value)) return [];
  const headers: Header[] = [];
  for (const h of value) {
    if (!isObject(h)) continue;
    const name = str(h.name);
    const headerValueText = str(h.value);
    // HTTP/2 pseudo-headers (`:authority`) are not request headers.
    if (name && headerValueText !== undefined && !name.startsWith(':')) headers.push({ name: name.toLowerCase(), value: headerValueText });
  }
  return headers;
}

function headerValue(headers: readonly Header[], name: string): string | undefined {
  return headers.find((h) => h.name === name)?.value;
}

/**
 * Chrome: `_resourceType` (document, xhr, fetch, …). Firefox and others: the Fetch Metadata request headers
 * (`Sec-Fetch-Mode`, `Sec-Fetch-Dest`), which every current browser sends.
 */
function initiatorOf(entry: Json, method: string, headers: readonly Header[]): InitiatorType {
  const dest = headerValue(headers, 'sec-fetch-dest');
  const mode = headerValue(headers, 'sec-fetch-mode');
  const resourceType = str(entry._resourceType)?.toLowerCase();
  const isFrame = dest === 'iframe' || dest === 'frame';
  // Neither: a proxy's capture of a browser without Fetch Metadata. Only a navigation asks for HTML first and
  // sends Upgrade-Insecure-Requests (Fetch Standard, "navigate" requests).
  const unknown = resourceType === undefined && mode === undefined && dest === undefined;
  const looksNavigated =
    unknown && (/^\s*text\/html/i.test(headerValue(headers, 'accept') ?? '') || headerValue(headers, 'upgrade-insecure-requests') === '1');
  if (resourceType === 'document' || mode === 'navigate' || dest === 'document' || isFrame || looksNavigated) {
    if (method === 'POST') return 'form';
    return isFrame ? 'subframe' : 'navigation';
  }
  if (resourceType === 'xhr' || resourceType === 'fetch' || mode === 'cors' || mode === 'same-origin' || dest === 'empty') return 'fetch';
  return 'other';
}

function originOf(entry: Json, headers: readonly Header[]): { initiatorOrigin?: string } {
  const origin = headerValue(headers, 'origin');
  if (origin && origin !== 'null') return { initiatorOrigin: origin };
  const initiator = entry._initiator;
  const initiatorUrl = typeof initiator === 'string' ? initiator : isObject(initiator) ? str(initiator.url) : undefined;
  return initiatorUrl && URL.canParse(initiatorUrl) ? { initiatorOrigin: new URL(initiatorUrl).origin } : {};
}

const FORM = /application\/x-www-form-urlencoded/i;
/** Media types whose bodies are text (the stream filter's decoding uses it too: stream-filter.ts). */
export const TEXTUAL = /^(?:text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|x-www-form-urlencoded|javascript|jwt)|application\/jwt)/i;

function requestBodyOf(postData: unknown, method: string): Body {
  if (!isObject(postData)) return { kind: 'none' };
  const mimeType = str(postData.mimeType) ?? '';
  let text = str(postData.text);
  if (text !== undefined && str(postData.encoding) === 'base64') {
    // Not in HAR 1.2 for postData, but some writers (Fiddler) base64 request bodies as they do responses.
    const decoded = decodeBase64Text(text);
    if (decoded === undefined) return { kind: 'binary', size: Math.floor((text.length * 3) / 4), mimeType };
    text = decoded;
  }
  const params = Array.isArray(postData.params) ? postData.params.filter(isObject) : [];
  // Without `text`, rebuild the body from `params`.
  if (text === undefined && params.length) text = joinParams(params);
  if (text === undefined || (text === '' && method === 'GET')) return { kind: 'none' };
  if (FORM.test(mimeType) || (!mimeType && /^[\w.~%+-]+=/.test(text))) {
    const { params: decoded, malformedEncoding } = parseForm(text);
    return { kind: 'form', params: decoded, raw: text, ...(malformedEncoding ? { malformedEncoding } : {}) };
  }
  if (looksBinary(text)) return { kind: 'binary', size: text.length, mimeType };
  return { kind: 'text', text, mimeType, size: text.length };
}

function responseBodyOf(content: unknown, status: number | undefined): { responseBody?: Body } {
  if (!isObject(content)) return {};
  const mimeType = str(content.mimeType) ?? '';
  const size = num(content.size) ?? 0;
  const text = str(content.text);
  if (text === undefined) {
    // No text: either there was no body, or the exporter did not keep it, or the request failed (not observed).
    return size === 0 && status !== undefined ? { responseBody: { kind: 'none' } } : {};
  }
  if (str(content.encoding) === 'base64') {
    if (!TEXTUAL.test(mimeType)) return { responseBody: { kind: 'binary', size: size || Math.floor((text.length * 3) / 4), mimeType } };
    const decoded = decodeBase64Text(text);
    if (decoded === undefined) return { responseBody: { kind: 'binary', size, mimeType } };
    return { responseBody: { kind: 'text', text: decoded, mimeType, size: decoded.length } };
  }
  if (text === '' && size === 0) return { responseBody: { kind: 'none' } };
  return { responseBody: { kind: 'text', text, mimeType, size: text.length } };
}

/** Base64 of UTF-8 text (a HAR's `encoding: base64`, an HTTP Basic credential), or undefined when it is neither. */
export function decodeBase64Text(base64: string): string | undefined {
  try {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** A NUL or a run of control characters in the first KB: bytes, not text. */
function looksBinary(text: string): boolean {
  return /[\u0000-\u0008\u000e-\u001f]/.test(text.slice(0, 1024));
}
