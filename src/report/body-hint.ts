/**
 * What a view says when a flow's token response body was not observed: the rules that read bodies (evidence `B`
 * and `W+B` in their meta: the ID token's claims and signature, the token endpoint's error code, refresh token
 * rotation) could not check it, and how to get the body. Worded once, here: Chrome's extension sees no response
 * body today, only DevTools' network log does (issue 12 adds capture without DevTools: update the words here), and
 * Firefox's add-on reads the bodies itself, so its views never show this line. Pure.
 */

/** The line under a flow whose token responses' bodies were not observed. */
export const MISSING_BODY_HINT =
  'Its token response body was not observed, so the checks that read it (ID token, token errors, refresh rotation) did not run: open DevTools on this tab before signing in, then sign in again.';
