/**
 * How every view and diagnosis words what a request got back (one place, as they must agree).
 *
 * What a step or exchange got back, in words: its HTTP status; for a request rebuilt from its navigation (the
 * capture armed after it left) that nothing was observed, which is not the same as no response; else none came.
 */
export function statusWords(exchange: { status?: number; observedBy?: 'navigation' }): string {
  if (exchange.status !== undefined) return String(exchange.status);
  return exchange.observedBy === 'navigation' ? NAVIGATION_ONLY : 'no response';
}

export const NAVIGATION_ONLY = 'seen as a navigation';

/** The longer explanation, for a tooltip or an exchange's detail. */
export const NAVIGATION_ONLY_DETAIL =
  'Seen only as a navigation: the capture armed after this request left, so its URL is exact but its headers, status and redirects were not observed.';
