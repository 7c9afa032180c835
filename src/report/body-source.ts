/** Where a response body came from, in words, where it matters: the token card and the exchange view. Pure. */
import type { Exchange } from '../core/model.ts';

/** A body the page reported (src/capture/page-bodies.ts): what it is, and what it means for trust. */
export const PAGE_REPORTED_BODY =
  'Body reported by the page that made the request (copied in the page, in Chrome without DevTools), not read from the network: the page could have altered it.';

/** ` · body reported by the page` after where a token was seen, when its response body came from the page. */
export function bodySourceSuffix(exchange: Pick<Exchange, 'responseBodyFrom'>): string {
  return exchange.responseBodyFrom === 'page' ? ' · body reported by the page' : '';
}
