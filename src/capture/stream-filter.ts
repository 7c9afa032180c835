/**
 * Response bodies read through a stream filter (Firefox's `webRequest.filterResponseData`), which webRequest alone
 * never sees. Pure: it takes the filter structurally and never touches an extension API, so tests drive it with
 * a fake; src/background/response-bodies.ts wires it to the browser.
 *
 * The page must get every byte, unchanged and at once: each chunk is written through as it arrives, before it
 * is copied, and the filter is closed when the response ends, or disconnected (which lets the rest through
 * untouched) on an error and once the copy passes its bound: then only the count of bytes seen is kept.
 */
import type { Body, Exchange } from '../core/model.ts';
import { TEXTUAL } from './har.ts';

/**
 * Bodies above this are kept as their size alone ("cut at capture"). A token response, a discovery document or
 * a JWKS is a few KB (an ID token with many group claims a few tens of KB); the captured log lives in
 * storage.session, whose ring keeps about 1.5 MB of JSON (src/background/retention.ts), so a larger body would
 * only push the other flows out.
 */
export const MAX_RESPONSE_BODY_BYTES = 1024 * 1024;

/** The part of Firefox's `webRequest.StreamFilter` used here. */
export interface StreamFilterLike {
  ondata?: ((event: { data: ArrayBuffer }) => void) | null;
  onstop?: ((event: { data: ArrayBuffer }) => void) | null;
  onerror?: ((event: { data: ArrayBuffer }) => void) | null;
  write(data: ArrayBuffer | Uint8Array): void;
  close(): void;
  disconnect(): void;
}

/** The bytes of a response as they arrive, kept up to `limit` bytes; past it only their count. */
export class BoundedBytes {
  private chunks: ArrayBuffer[] = [];
  private total = 0;

  constructor(readonly limit: number = MAX_RESPONSE_BODY_BYTES) {}

  add(chunk: ArrayBuffer): void {
    this.total += chunk.byteLength;
    if (this.total > this.limit) this.chunks = [];
    else this.chunks.push(chunk);
  }

  /** Bytes seen, kept or not. */
  get size(): number {
    return this.total;
  }

  get overflowed(): boolean {
    return this.total > this.limit;
  }

  /** The whole body, or undefined once it went past the bound. */
  bytes(): Uint8Array | undefined {
    if (this.overflowed) return undefined;
    const bytes = new Uint8Array(this.total);
    let offset = 0;
    for (const chunk of this.chunks) {
      bytes.set(new Uint8Array(chunk), offset);
      offset += chunk.byteLength;
    }
    return bytes;
  }
}

/**
 * Copies a response's body through its stream filter. Resolves with the bytes once the response ended; past the
 * bound, at once, with the count of bytes seen (the filter let go); with undefined when the filter failed (the
 * request was cancelled, or served from somewhere the filter cannot read): what was copied is then incomplete and
 * is not used.
 */
export function tapResponse(filter: StreamFilterLike, limit = MAX_RESPONSE_BODY_BYTES): Promise<BoundedBytes | undefined> {
  return new Promise((resolve) => {
    const body = new BoundedBytes(limit);
    const letThrough = () => {
      try {
        filter.disconnect();
      } catch {
        // Already closed by the browser: nothing is held back.
      }
      resolve(undefined);
    };
    filter.ondata = (event) => {
      try {
        filter.write(event.data);
      } catch {
        letThrough();
        return;
      }
      body.add(event.data);
      if (!body.overflowed) return;
      // Past the bound nothing more is kept: the rest flows to the page without a detour through the add-on.
      try {
        filter.disconnect();
      } catch {
        // Already let go.
      }
      resolve(body);
    };
    filter.onstop = () => {
      try {
        filter.close();
      } catch {
        letThrough();
        return;
      }
      resolve(body);
    };
    filter.onerror = letThrough;
  });
}

export interface ResponseTapOptions {
  /** Bytes copied per response (MAX_RESPONSE_BODY_BYTES). */
  limit?: number;
  /**
   * Responses copied at once, at most: each holds up to `limit` bytes. Past it (a page polling a userinfo
   * endpoint) the oldest tap is forgotten; its bytes still flow to the page.
   */
  maxTaps?: number;
  /**
   * How long a completed request waits for its filter's last bytes. webRequest's onCompleted and the filter's
   * onstop arrive within milliseconds of each other, in either order; past this the exchange is kept without its
   * body ("not observed") rather than not at all.
   */
  waitMs?: number;
}

/**
 * The responses being copied, by webRequest request id: a tap opens when the request starts (the filter must
 * exist before the response does), and its body joins the exchange webRequest completes.
 */
export class ResponseTaps {
  private readonly taps = new Map<string, Promise<BoundedBytes | undefined>>();
  private readonly limit: number;
  private readonly maxTaps: number;
  private readonly waitMs: number;

  constructor(
    private readonly openFilter: (requestId: string) => StreamFilterLike,
    { limit = MAX_RESPONSE_BODY_BYTES, maxTaps = 32, waitMs = 10_000 }: ResponseTapOptions = {},
  ) {
    this.limit = limit;
    this.maxTaps = maxTaps;
    this.waitMs = waitMs;
  }

  get size(): number {
    return this.taps.size;
  }

  /** Starts copying a request's response (a redirect's next hop replaces the previous tap). */
  tap(requestId: string): void {
    this.taps.delete(requestId);
    // The oldest entry first: a Map keeps insertion order.
    if (this.taps.size >= this.maxTaps) this.taps.delete(this.taps.keys().next().value!);
    this.taps.set(requestId, tapResponse(this.openFilter(requestId), this.limit));
  }

  /** The completed exchange with its response body once that has ended; undefined when the request was not tapped. */
  withBody(exchange: Exchange, requestId: string): Promise<Exchange> | undefined {
    const pending = this.taps.get(requestId);
    if (!pending) return undefined;
    this.taps.delete(requestId);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.waitMs);
    });
    const contentType = exchange.responseHeaders.find((h) => h.name === 'content-type')?.value;
    return Promise.race([pending, late]).then((captured) => {
      clearTimeout(timer);
      return captured ? { ...exchange, responseBody: responseBodyOf(captured, contentType) } : exchange;
    });
  }

  /** Drops a request's tap: it redirected (the next hop gets its own) or failed. */
  forget(requestId: string): void {
    this.taps.delete(requestId);
  }
}

/** Media type (lower-cased, without parameters) and charset of a Content-Type header value. */
export function parseContentType(value: string | undefined): { mimeType?: string; charset?: string } {
  if (!value) return {};
  const mimeType = value.split(';', 1)[0]!.trim().toLowerCase();
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(value)?.[1];
  return { ...(mimeType ? { mimeType } : {}), ...(charset ? { charset } : {}) };
}

/**
 * A captured body in the core's model. A textual type is decoded with its charset, as XMLHttpRequest decodes it
 * for the page (an unknown label or none: UTF-8; malformed bytes become U+FFFD); JSON is UTF-8 whatever it says
 * (RFC 8259 §8.1), and TextDecoder drops a BOM. A body without a type is text only when it decodes as UTF-8
 * without control characters; anything else is binary, its size alone kept. Past the bound: the bytes seen when the
 * copy stopped (a lower bound of its size), marked as cut.
 */
export function responseBodyOf(captured: BoundedBytes, contentType: string | undefined): Body {
  if (captured.size === 0) return { kind: 'none' };
  const { mimeType, charset } = parseContentType(contentType);
  const typed = mimeType ? { mimeType } : {};
  const textual = mimeType === undefined ? undefined : TEXTUAL.test(mimeType);
  if (textual === false) return { kind: 'binary', size: captured.size, ...typed };
  const bytes = captured.bytes();
  if (!bytes)
    return textual ? { kind: 'text', text: '', truncated: true, size: captured.size, ...typed } : { kind: 'binary', size: captured.size };
  if (textual) return { kind: 'text', text: decoderFor(mimeType!, charset).decode(bytes), size: captured.size, ...typed };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { kind: 'binary', size: captured.size };
  }
  return /[\u0000-\u0008\u000e-\u001f]/.test(text.slice(0, 1024))
    ? { kind: 'binary', size: captured.size }
    : { kind: 'text', text, size: captured.size };
}

function decoderFor(mimeType: string, charset: string | undefined): TextDecoder {
  if (charset && !/json/.test(mimeType)) {
    try {
      return new TextDecoder(charset);
    } catch {
      // A label the Encoding Standard does not know: UTF-8, as XMLHttpRequest falls back to.
    }
  }
  return new TextDecoder('utf-8');
}
