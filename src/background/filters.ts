/**
 * Which requests reach the worker at all. Chrome matches these filters in the browser process, so a request
 * that matches none costs the page nothing (shared/capture-cost.md: the cost is per event dispatched).
 *
 * - Navigations (top-level and frames) are few per page and carry every authorization request and every
 *   callback: query, fragment (via the AS redirect's Location) and form_post bodies.
 * - Script requests (fetch/XHR) are many, so only URLs that look like OAuth endpoints or carry OAuth
 *   parameters are observed. Match-pattern paths include the query string.
 */
import type { WebRequest } from 'webextension-polyfill';
import { KNOWN_TOKEN_ENDPOINTS } from '../core/known-token-endpoints.ts';

export const NAVIGATIONS: WebRequest.RequestFilter = {
  urls: ['<all_urls>'],
  types: ['main_frame', 'sub_frame'],
};

/**
 * The token endpoints of providers whose path does not end in /token (src/core/known-token-endpoints.ts), each
 * as its exact path, with or without a query: `*access_token*` would catch every API that lists or refreshes
 * its own tokens. Where the provider serves the endpoint from one host (slack.com, graph.facebook.com…), the
 * host is part of the pattern; self-hosted products (PingFederate, GitHub Enterprise) match on any host. What
 * match patterns cannot say: a `*` in a path spans slashes (Facebook's one version segment becomes any run of
 * characters, harmless on graph.facebook.com alone), and a path is matched case-sensitively (as documented).
 */
function knownTokenEndpointPatterns(): string[] {
  return KNOWN_TOKEN_ENDPOINTS.flatMap(({ host, path }) => {
    const base = host === undefined ? `*://*${path}` : `https://${host}${path}`;
    return [base, `${base}?*`];
  });
}

export const SCRIPT_URL_PATTERNS = [
  // Token endpoints end their path in /token (oidc-provider, Okta, Auth0, Keycloak, Entra ID, Google), with no
  // query. Not `*token*`: ordinary APIs say page_token or token_count.
  '*://*/token',
  '*://*/*/token',
  '*://*/*/token?*',
  ...knownTokenEndpointPatterns(),
  // Tokens in a query string (credential-in-url).
  '*://*/*access_token=*',
  '*://*/*id_token=*',
  '*://*/*refresh_token=*',
  '*://*/*.well-known/*', // discovery (RFC 8414, OIDC Discovery)
  '*://*/*jwks*',
  '*://*/*/certs*',
  '*://*/*/keys*',
  '*://*/*userinfo*',
  '*://*/*revo*', // revoke, revocation
  '*://*/*/par*', // pushed authorization requests (RFC 9126)
  '*://*/*authorize*', // an authorization request sent by script (authorize-via-cors)
  '*://*/*response_type=*',
  '*://*/*grant_type=*',
  '*://*/*client_secret=*',
  '*://*/*code_verifier=*',
  '*://*/*password=*',
];

export const SCRIPT_REQUESTS: WebRequest.RequestFilter = {
  urls: SCRIPT_URL_PATTERNS,
  types: ['xmlhttprequest'],
};

/**
 * The script requests whose response body the rules read, where the browser lets the extension read it (Firefox's
 * stream filters: src/background/response-bodies.ts): the endpoints among SCRIPT_URL_PATTERNS (token, discovery,
 * JWKS, userinfo, revocation, PAR), not the OAuth parameters in any query, which may be any site's API.
 */
export const BODY_URL_PATTERNS = [
  '*://*/token',
  '*://*/*/token',
  '*://*/*/token?*',
  ...knownTokenEndpointPatterns(),
  '*://*/*.well-known/*',
  '*://*/*jwks*',
  '*://*/*/certs*',
  '*://*/*/keys*',
  '*://*/*userinfo*',
  '*://*/*revo*',
  '*://*/*/par*',
];

export const BODY_REQUESTS: WebRequest.RequestFilter = {
  urls: BODY_URL_PATTERNS,
  types: SCRIPT_REQUESTS.types,
};
