/**
 * What a view says when a flow's token response body was not observed: the rules that read bodies (evidence `B`
 * and `W+B` in their meta: the ID token's claims and signature, the token endpoint's error code, refresh token
 * rotation) could not check it, and how to get the body. Worded once, here: Chrome's extension gets the bodies the
 * pages of a sign-in report (src/background/page-bodies.ts), which misses a request the page's script did not see
 * (made by a page of another origin, or before the sign-in started); deep capture or DevTools' network log read
 * those. Firefox's add-on reads the bodies itself, so its views never show this line. Pure.
 */

/** The line under a flow whose token responses' bodies were not observed. */
export const MISSING_BODY_HINT =
  'Its token response body was not observed, so the checks that read it (ID token, token errors, refresh rotation) did not run: turn on deep capture for this tab (below) or open DevTools on it, then sign in again.';
