/**
 * Response bodies where the browser lets an extension read them: Firefox's `webRequest.filterResponseData` (a
 * stream filter, src/capture/stream-filter.ts). Chrome has no such API; there `responseBodyReader()` returns
 * undefined and nothing here runs, so the Chrome worker listens exactly as before.
 *
 * Only script requests to the endpoints whose bodies the rules read get a filter (BODY_REQUESTS in filters.ts,
 * and the learned endpoints): never a navigation, never unrelated traffic. A filter must be created before the
 * response starts, hence a blocking onBeforeRequest listener; it returns at once and changes nothing.
 *
 * The body joins its exchange before the exchange is kept, so it is written to storage.session with it and
 * survives the background being suspended; the bytes in flight live here only while their response streams.
 */
import browser, { type WebRequest } from 'webextension-polyfill';
import type { Exchange } from '../core/model.ts';
import { responseBodyOf, tapResponse, type BoundedBytes } from '../capture/stream-filter.ts';

/**
 * How long a completed request waits for its filter's last bytes. webRequest's onCompleted and the filter's
 * onstop arrive within milliseconds of each other, in either order; past this the exchange is kept without its
 * body ("not observed") rather than not at all.
 */
const BODY_WAIT_MS = 10_000;

/**
 * Responses copied at once, at most. Each holds up to MAX_RESPONSE_BODY_BYTES; when more are in flight (a page
 * polling a userinfo endpoint), the oldest tap is forgotten (its bytes still flow to the page).
 */
const MAX_TAPS = 32;

export interface ResponseBodyReader {
  /** Copies the response bodies of the requests the filter selects and `accepts`; returns what removes the listener. */
  listen(filter: WebRequest.RequestFilter, accepts?: (url: string) => boolean): () => void;
  /**
   * The completed exchange with its response body, once the body has ended, when its request was tapped;
   * undefined when it was not.
   */
  withBody(exchange: Exchange, requestId: string): Promise<Exchange> | undefined;
  /** Drops a request's tap: it redirected (the next hop gets its own) or failed. */
  forget(requestId: string): void;
}

/** The reader, where the browser has stream filters (Firefox); undefined elsewhere (Chrome). */
export function responseBodyReader(): ResponseBodyReader | undefined {
  const { webRequest } = browser;
  if (typeof webRequest.filterResponseData !== 'function') return undefined;
  const taps = new Map<string, Promise<BoundedBytes | undefined>>();

  const tap = (details: WebRequest.OnBeforeRequestDetailsType) => {
    // The oldest entry first: Map keeps insertion order.
    if (taps.size >= MAX_TAPS) taps.delete(taps.keys().next().value!);
    taps.delete(details.requestId);
    try {
      taps.set(details.requestId, tapResponse(webRequest.filterResponseData(details.requestId)));
    } catch (error) {
      console.warn('OAuth Lens: cannot read the response body of', details.url, error);
    }
  };

  return {
    listen(filter, accepts = () => true) {
      const listener = (details: WebRequest.OnBeforeRequestDetailsType) => {
        if (accepts(details.url)) tap(details);
        return undefined;
      };
      try {
        webRequest.onBeforeRequest.addListener(listener, filter, ['blocking']);
      } catch (error) {
        // Without webRequestBlocking (a manifest edited by hand) the capture must go on without bodies: a throw
        // here would leave the worker's later listeners unregistered.
        console.warn('OAuth Lens: cannot read response bodies', error);
        return () => undefined;
      }
      return () => webRequest.onBeforeRequest.removeListener(listener);
    },
    withBody(exchange, requestId) {
      const pending = taps.get(requestId);
      if (!pending) return undefined;
      taps.delete(requestId);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), BODY_WAIT_MS);
      });
      const contentType = exchange.responseHeaders.find((h) => h.name === 'content-type')?.value;
      return Promise.race([pending, late]).then((captured) => {
        clearTimeout(timer);
        return captured ? { ...exchange, responseBody: responseBodyOf(captured, contentType) } : exchange;
      });
    },
    forget(requestId) {
      taps.delete(requestId);
    },
  };
}
