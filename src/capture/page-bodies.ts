/**
 * Response bodies reported by the page itself (Chrome, DevTools closed): a script the worker registers for the
 * origin of an observed redirect_uri copies the responses the page's own fetch and XMLHttpRequest calls receive
 * from OAuth endpoints (src/content/page-hook.ts) and relays them to the worker (src/content/relay.ts). Pure: the
 * report's shape, its body in the core's model, and which captured exchange it belongs to.
 *
 * The page could forge any of it. So a report is only ever joined to an exchange webRequest captured in the same
 * tab (same method, URL and status, made while the page says it was waiting), never creates an exchange, is
 * bounded like Firefox's stream-filter copies, and the exchange is marked as carrying a page-reported body.
 */
import type { Body, Exchange } from '../core/model.ts';
import { escapeRegExp } from '../core/known-endpoints.ts';
import { TEXTUAL } from './har.ts';
import { BoundedBytes, MAX_RESPONSE_BODY_BYTES, parseContentType, responseBodyOf } from './stream-filter.ts';

/** The `type` of the message the relay sends to the worker. */
export const PAGE_BODY_MESSAGE = 'oauth-lens/page-body';
/** The DOM event the page's script dispatches on `document` for the relay (a JSON string as its detail). */
export const PAGE_BODY_EVENT = 'oauth-lens-page-body';
/** A report's JSON past this is no report the page's script makes (a base64 body of the bound, and its URL). */
export const MAX_REPORT_JSON_LENGTH = Math.ceil(MAX_RESPONSE_BODY_BYTES / 3) * 4 + 16 * 1024;

/** One response, as the page reports it. */
export interface PageBodyReport {
  url: string;
  method: string;
  status: number;
  /** When the page started the request and when it had the whole body, ms since the epoch (the page's clock). */
  requestTime: number;
  responseTime: number;
  contentType?: string;
  /** The body's bytes in base64, when within MAX_RESPONSE_BODY_BYTES; absent past it (then `size` alone). */
  body?: string;
  /** Bytes seen: the whole body's size, or past the bound those read when the copy stopped. */
  size: number;
}

const MAX_URL_LENGTH = 8192;
const MAX_CONTENT_TYPE_LENGTH = 256;
const MAX_BASE64_LENGTH = Math.ceil(MAX_RESPONSE_BODY_BYTES / 3) * 4;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0;

/**
 * The report in a message, or undefined when anything about it is off: every member has its type and bound, the
 * URL is http(s) without credentials, a body decodes to exactly `size` bytes and only past the bound is missing.
 */
export function asPageBodyReport(raw: unknown): PageBodyReport | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const { url, method, status, requestTime, responseTime, contentType, body, size } = r;
  if (typeof url !== 'string' || url.length > MAX_URL_LENGTH || !URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.username || parsed.password) return undefined;
  if (typeof method !== 'string' || !/^[A-Za-z]{1,16}$/.test(method)) return undefined;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return undefined;
  if (!isTime(requestTime) || !isTime(responseTime) || responseTime < requestTime) return undefined;
  if (contentType !== undefined && (typeof contentType !== 'string' || contentType.length > MAX_CONTENT_TYPE_LENGTH)) return undefined;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return undefined;
  if (body === undefined) {
    // Only a body past the bound, or an empty one, arrives without its bytes.
    if (size !== 0 && size <= MAX_RESPONSE_BODY_BYTES) return undefined;
  } else if (typeof body !== 'string' || body.length > MAX_BASE64_LENGTH || body.length % 4 !== 0 || !BASE64.test(body)) {
    return undefined;
  } else if (decodedLength(body) !== size) {
    return undefined;
  }
  return {
    url: parsed.hash ? url.slice(0, url.indexOf('#')) : url,
    method: method.toUpperCase(),
    status,
    requestTime,
    responseTime,
    ...(contentType !== undefined ? { contentType } : {}),
    ...(body !== undefined ? { body } : {}),
    size,
  };
}

function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

/**
 * The reported body in the core's model, decoded as Firefox's stream-filter copies are (responseBodyOf); past the
 * bound, the size alone, marked as cut, as there.
 */
export function bodyOfReport(report: PageBodyReport): Body {
  if (report.body === undefined) {
    if (report.size === 0) return { kind: 'none' };
    const { mimeType } = parseContentType(report.contentType);
    const typed = mimeType ? { mimeType } : {};
    return mimeType && TEXTUAL.test(mimeType)
      ? { kind: 'text', text: '', truncated: true, size: report.size, ...typed }
      : { kind: 'binary', size: report.size, ...typed };
  }
  const binary = atob(report.body);
  const copy = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) copy[i] = binary.charCodeAt(i);
  const bytes = new BoundedBytes();
  bytes.add(copy.buffer);
  return responseBodyOf(bytes, report.contentType);
}

/**
 * How far apart the page's clock and webRequest's timestamps may be for one request: both read the same system
 * clock, but a busy renderer can report its start late and the network service its events late.
 */
export const CLOCK_SLACK_MS = 2_000;

/** Whether a report can be the body of this exchange, captured by webRequest in `tabId`. */
export function reportFits(report: PageBodyReport, exchange: Exchange, tabId: number): boolean {
  return (
    exchange.tabId === tabId &&
    exchange.initiator === 'fetch' &&
    exchange.responseBody === undefined &&
    exchange.method === report.method &&
    exchange.url === report.url &&
    exchange.status === report.status &&
    exchange.time >= report.requestTime - CLOCK_SLACK_MS &&
    exchange.time <= report.responseTime + CLOCK_SLACK_MS
  );
}

/** The exchange of `tabId` a report belongs to: of those it fits, the one that started closest to it. */
export function exchangeForReport(report: PageBodyReport, tabId: number, exchanges: readonly Exchange[]): Exchange | undefined {
  let best: Exchange | undefined;
  for (const exchange of exchanges) {
    if (!reportFits(report, exchange, tabId)) continue;
    if (!best || Math.abs(exchange.time - report.requestTime) < Math.abs(best.time - report.requestTime)) best = exchange;
  }
  return best;
}

/** A report waiting for its exchange, which webRequest completes a moment before or after the page has the body. */
export interface PendingReport {
  tabId: number;
  report: PageBodyReport;
  /** When the worker received it, ms since the epoch. */
  received: number;
  /** Who read it: the page (its script) or the browser (deep capture); undefined in what an older worker kept. */
  from?: 'page' | 'browser';
}

/** Reports wait this long for their exchange, then are dropped: webRequest's events come within milliseconds. */
export const PENDING_TTL_MS = 60_000;
/** At most this many wait at once (each up to MAX_RESPONSE_BODY_BYTES): past it the oldest is dropped. */
export const MAX_PENDING_REPORTS = 16;

/**
 * Their bodies' base64 together, at most: they wait in storage.session beside the capture log, whose share of the
 * quota a page sending reports it makes up must not take (src/background/retention.ts keeps the log under 4 MB).
 */
export const MAX_PENDING_BASE64 = 2 * 1024 * 1024;

/** The pending reports still worth keeping at `now`, with `added` appended, oldest dropped past the bounds. */
export function prunePending(pending: readonly PendingReport[], now: number, added?: PendingReport): PendingReport[] {
  const fresh = pending.filter((p) => now - p.received < PENDING_TTL_MS);
  if (added) fresh.push(added);
  const kept = fresh.slice(-MAX_PENDING_REPORTS);
  let total = kept.reduce((sum, p) => sum + (p.report.body?.length ?? 0), 0);
  while (total > MAX_PENDING_BASE64 && kept.length > 1) total -= kept.shift()!.report.body?.length ?? 0;
  return kept;
}

/** The index of the pending report that is the body of this just-completed exchange, or -1. */
export function pendingReportFor(exchange: Exchange, pending: readonly PendingReport[]): number {
  let best = -1;
  for (let i = 0; i < pending.length; i++) {
    const { tabId, report } = pending[i]!;
    if (!reportFits(report, exchange, tabId)) continue;
    if (best === -1 || Math.abs(exchange.time - report.requestTime) < Math.abs(exchange.time - pending[best]!.report.requestTime)) best = i;
  }
  return best;
}

/**
 * The exchange with the reported body: marked as reported by the page when it came from the page, not when the
 * browser's own network stack gave it (deep capture through the DevTools Protocol).
 */
export function withReportedBody(exchange: Exchange, report: PageBodyReport, from: 'page' | 'browser' = 'page'): Exchange {
  const body = { ...exchange, responseBody: bodyOfReport(report) };
  return from === 'page' ? { ...body, responseBodyFrom: 'page' } : body;
}

/**
 * The origin of the redirect_uri of an authorization request (RFC 6749 §4.1.1): a request with a response_type and
 * a redirect_uri, in its query (a navigation) or its form body (a form post, a PAR request: RFC 9126 §2.1).
 */
export function redirectOriginOf(exchange: Exchange): string | undefined {
  const queryAt = exchange.url.indexOf('?');
  const query = queryAt === -1 ? '' : exchange.url.slice(queryAt + 1);
  const form = exchange.requestBody.kind === 'form' ? exchange.requestBody.raw : '';
  for (const text of [query, form]) {
    // A cheap test first: every exchange of the log passes here after each analysis.
    if (!text.includes('response_type=')) continue;
    const params = new URLSearchParams(text);
    const redirectUri = params.get('redirect_uri');
    if (!params.has('response_type') || !redirectUri || !URL.canParse(redirectUri)) continue;
    const { protocol, origin } = new URL(redirectUri);
    if (protocol === 'https:' || protocol === 'http:') return origin;
  }
  return undefined;
}

/**
 * A match pattern (`*://*\/*\/token`) as the source of a regular expression over a whole URL without its fragment,
 * with Chrome's semantics (src/capture/match-pattern.ts): the page's script tests URLs with these, in a window
 * and in the workers it starts, where the pattern matcher itself cannot be loaded.
 */
export function patternRegExpSource(pattern: string): string | undefined {
  const parts = /^(\*|https?):\/\/([^/]*)(\/.*)$/.exec(pattern);
  if (!parts) return undefined;
  const [, scheme = '', host = '', path = ''] = parts;
  const schemeSource = scheme === '*' ? 'https?' : scheme;
  const portAt = host.lastIndexOf(':');
  const name = portAt > host.lastIndexOf(']') ? host.slice(0, portAt) : host;
  const port = portAt > host.lastIndexOf(']') ? host.slice(portAt + 1) : undefined;
  const hostSource =
    name === '*' ? '[^/?#]*' : name.startsWith('*.') ? `(?:[^/?#]*\\.)?${escapeRegExp(name.slice(2))}` : escapeRegExp(name);
  const portSource = port === undefined || port === '*' ? '(?::\\d+)?' : `:${escapeRegExp(port)}`;
  return `^${schemeSource}://${hostSource}${portSource}${path.split('*').map(escapeRegExp).join('.*')}$`;
}
