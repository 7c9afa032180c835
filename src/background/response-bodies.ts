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
import { ResponseTaps } from '../capture/stream-filter.ts';

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
  const taps = new ResponseTaps((requestId) => webRequest.filterResponseData(requestId));

  return {
    listen(filter, accepts = () => true) {
      const listener = (details: WebRequest.OnBeforeRequestDetailsType) => {
        if (!accepts(details.url)) return undefined;
        try {
          taps.tap(details.requestId);
        } catch (error) {
          console.warn('OAuth Lens: cannot read the response body of', details.url, error);
        }
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
    withBody: (exchange, requestId) => taps.withBody(exchange, requestId),
    forget: (requestId) => taps.forget(requestId),
  };
}
