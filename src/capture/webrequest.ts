/**
 * webRequest details → exchanges. Pure: it takes the plain details objects Chrome and Firefox hand to the
 * listeners (typed structurally here, so tests feed recorded objects) and never touches an extension API.
 *
 * One request id spans several events and, across redirects, several hops: each hop becomes its own
 * exchange (as in a HAR), closed by onBeforeRedirect, onCompleted or onErrorOccurred.
 */
import type { Body, Exchange, Header, InitiatorType } from '../core/model.ts';
import { parseForm, resolveLocation } from '../core/params.ts';

type FormDataItem = string | ArrayBuffer;

interface Details {
  requestId: string;
  url: string;
  method: string;
  type: string;
  tabId: number;
  frameId: number;
  timeStamp: number;
  initiator?: string;
  /** Firefox names it originUrl. */
  originUrl?: string;
}

export interface BeforeRequestDetails extends Details {
  // Chrome and Firefox send arrays of values; the polyfill's types say a single string: accept both.
  requestBody?: {
    error?: string;
    formData?: Record<string, FormDataItem[] | FormDataItem>;
    raw?: { bytes?: unknown; file?: string }[];
  } | null;
}
export interface SendHeadersDetails extends Details {
  requestHeaders?: { name: string; value?: string }[];
}
export interface ResponseDetails extends Details {
  statusCode: number;
  responseHeaders?: { name: string; value?: string }[];
}
export interface RedirectDetails extends ResponseDetails {
  redirectUrl: string;
}
export interface ErrorDetails extends Details {
  error: string;
}

/** Raw request bodies larger than this are kept as a size only: form and token bodies are tiny. */
export const MAX_REQUEST_BODY = 64 * 1024;

interface Pending {
  exchange: Exchange;
}

/**
 * Accumulates the events of in-flight requests and returns each finished hop as an exchange. Keeps nothing
 * once a hop is finished, so its size is bounded by the requests in flight.
 */
export class WebRequestRecorder {
  private readonly inFlight = new Map<string, Pending>();
  private sequence = 0;

  constructor(private readonly idPrefix: string) {}

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  beforeRequest(details: BeforeRequestDetails): void {
    const hashAt = details.url.indexOf('#');
    this.inFlight.set(details.requestId, {
      exchange: {
        id: `${this.idPrefix}-${++this.sequence}`,
        time: details.timeStamp,
        ...(details.tabId >= 0 ? { tabId: details.tabId } : {}),
        frameId: details.frameId,
        initiator: initiatorOf(details.type, details.method),
        ...originOf(details),
        method: details.method.toUpperCase(),
        url: hashAt === -1 ? details.url : details.url.slice(0, hashAt),
        requestHeaders: [],
        requestBody: requestBodyOf(details.requestBody),
        responseHeaders: [],
      },
    });
  }

  sendHeaders(details: SendHeadersDetails): void {
    const pending = this.pendingFor(details);
    pending.exchange.requestHeaders = headersOf(details.requestHeaders);
  }

  headersReceived(details: ResponseDetails): void {
    const pending = this.pendingFor(details);
    pending.exchange.status = details.statusCode;
    pending.exchange.responseHeaders = headersOf(details.responseHeaders);
  }

  /** Closes the hop; the browser's next onBeforeRequest (same request id) opens the next one. */
  redirected(details: RedirectDetails): Exchange {
    const { exchange } = this.pendingFor(details);
    this.inFlight.delete(details.requestId);
    exchange.status = details.statusCode;
    if (details.responseHeaders) exchange.responseHeaders = headersOf(details.responseHeaders);
    // Prefer the raw Location (byte for byte) over the browser's resolved redirectUrl.
    const rawLocation = exchange.responseHeaders.find((h) => h.name === 'location')?.value;
    const location = (rawLocation && resolveLocation(rawLocation, exchange.url)) ?? details.redirectUrl;
    exchange.location = location;
    exchange.endTime = details.timeStamp;
    return exchange;
  }

  completed(details: ResponseDetails): Exchange {
    const { exchange } = this.pendingFor(details);
    this.inFlight.delete(details.requestId);
    exchange.status = details.statusCode;
    if (details.responseHeaders) exchange.responseHeaders = headersOf(details.responseHeaders);
    exchange.endTime = details.timeStamp;
    return exchange;
  }

  failed(details: ErrorDetails): Exchange {
    const { exchange } = this.pendingFor(details);
    this.inFlight.delete(details.requestId);
    // A response may have arrived before the failure (e.g. CORS blocked a 200): keep its status.
    exchange.error = details.error;
    exchange.endTime = details.timeStamp;
    return exchange;
  }

  /**
   * The hop this event belongs to. When the worker was stopped mid-request its earlier events are gone:
   * rebuild what the event itself says rather than lose the request.
   */
  private pendingFor(details: Details): Pending {
    let pending = this.inFlight.get(details.requestId);
    if (!pending) {
      this.beforeRequest({ ...details, requestBody: null });
      pending = this.inFlight.get(details.requestId)!;
    }
    return pending;
  }
}

function initiatorOf(type: string, method: string): InitiatorType {
  const isPost = method.toUpperCase() === 'POST';
  if (type === 'main_frame') return isPost ? 'form' : 'navigation';
  if (type === 'sub_frame') return isPost ? 'form' : 'subframe';
  if (type === 'xmlhttprequest') return 'fetch';
  return 'other';
}

function originOf(details: Details): { initiatorOrigin?: string } {
  const initiator =
    details.initiator ?? (details.originUrl && URL.canParse(details.originUrl) ? new URL(details.originUrl).origin : undefined);
  return initiator && initiator !== 'null' ? { initiatorOrigin: initiator } : {};
}

function headersOf(headers: { name: string; value?: string }[] | undefined): Header[] {
  return (headers ?? []).map((h) => ({ name: h.name.toLowerCase(), value: h.value ?? '' }));
}

/**
 * Chrome parses form bodies into `formData` (decoded; keys grouped, so the original order across keys is
 * lost and the raw bytes are gone); other bodies arrive as `raw` bytes, decoded here when they are text.
 */
export function requestBodyOf(body: BeforeRequestDetails['requestBody']): Body {
  if (!body) return { kind: 'none' };
  if (body.formData) {
    const params = Object.entries(body.formData).flatMap(([name, values]) =>
      (Array.isArray(values) ? values : [values]).map((value) => ({
        name,
        value: typeof value === 'string' ? value : `‹binary, ${value.byteLength} bytes›`,
      })),
    );
    return { kind: 'form', params, raw: new URLSearchParams(params.map((p) => [p.name, p.value])).toString() };
  }
  const parts = body.raw ?? [];
  if (!parts.length) return { kind: 'none' };
  const chunks = parts.map((p) => (p.bytes instanceof ArrayBuffer ? p.bytes : undefined));
  const size = chunks.reduce((n, chunk) => n + (chunk?.byteLength ?? 0), 0);
  if (parts.some((p) => p.file !== undefined) || size > MAX_REQUEST_BODY) return { kind: 'binary', size };
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    if (!chunk) continue;
    bytes.set(new Uint8Array(chunk), offset);
    offset += chunk.byteLength;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { kind: 'binary', size };
  }
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text)) return { kind: 'binary', size };
  // A raw body that reads as a form (fetch with a string body) is decoded like one.
  if (/^[\w.~%+-]+=[^{}<>\s]*$/.test(text)) {
    const { params, malformedEncoding } = parseForm(text);
    return { kind: 'form', params, raw: text, ...(malformedEncoding ? { malformedEncoding } : {}) };
  }
  return { kind: 'text', text, size };
}
