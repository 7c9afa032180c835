/**
 * The cheap first filter: does an exchange possibly belong to an OAuth flow? Every navigation of every tab
 * and every pattern-matched script request passes through it, so it tests raw strings with a few regular
 * expressions and set look-ups, and never parses a body.
 */
import { knownAuthorizationEndpointOf } from '../core/known-authorization-endpoints.ts';
import { KNOWN_TOKEN_PATH_HINT } from '../core/known-token-endpoints.ts';
import type { Exchange } from '../core/model.ts';
import { endpointOf, endpointsNamedBy, rememberEndpoints } from './learned-endpoints.ts';

/** What earlier traffic taught us: authorization servers and the redirect targets of pending flows. */
export interface Watchlist {
  /** Origins of authorization, token and discovery endpoints seen so far. */
  serverOrigins: string[];
  /** Origin + path of every redirect_uri seen in an authorization request. */
  redirectTargets: string[];
  /**
   * Origin + path of token and other OAuth endpoints learned from discovery documents and token requests
   * (learned-endpoints.ts), least recently seen first: the worker's script filter widens to them.
   */
  endpoints: readonly string[];
}

export const emptyWatchlist = (): Watchlist => ({ serverOrigins: [], redirectTargets: [], endpoints: [] });

// Parameters that only OAuth traffic carries in a URL (query or fragment); user_code: a device grant's
// verification_uri_complete (RFC 8628 §3.3.1).
const URL_HINT =
  /[?&#](?:response_type|request_uri|code|error|access_token|id_token|refresh_token|grant_type|client_secret|code_verifier|iss|user_code)=/;
// RFC 9728 protected resource metadata names the authorization servers of a resource (MCP authorization, docs/mcp.md).
const METADATA_PATH =
  /\/\.well-known\/(?:openid-configuration|oauth-authorization-server|oauth-protected-resource)|\/jwks|\/certs\b|\/userinfo\b/i;
// Form body parameters of authorization (form), PAR, token and revocation requests, and of a device grant's
// user_code entry (RFC 8628 §3.3).
const FORM_HINT = /(?:^|&)(?:grant_type|response_type|request_uri|id_token|token|client_assertion|user_code)=/;
// A form_post response carries a code or an error with the state; a lone `code=` is a coupon or a zip code.
const FORM_CALLBACK_HINT = /(?:^|&)(?:code|error)=/;
const FORM_STATE_HINT = /(?:^|&)state=/;
// A JSON body only matters as a (malformed) token request.
const JSON_GRANT_HINT = /"grant_type"\s*:/;
const CLIENT_ID_IN_QUERY = /[?&]client_id=/;

/**
 * A request to a provider's authorization endpoint whose documented request has no response_type (GitHub's
 * `/login/oauth/authorize`, Slack, Facebook: known-authorization-endpoints.ts), with a client_id, as classify
 * reads it. Two string tests on the raw URL; it is parsed only when its path is one of them.
 */
function isKnownAuthorizationRequest(url: string): boolean {
  return CLIENT_ID_IN_QUERY.test(url) && knownAuthorizationEndpointOf(url) !== undefined;
}

export function isRelevant(exchange: Exchange, watch: Watchlist): boolean {
  const url = exchange.url;
  if (URL_HINT.test(url) || METADATA_PATH.test(url) || KNOWN_TOKEN_PATH_HINT.test(url) || isKnownAuthorizationRequest(url)) return true;
  if (exchange.location && URL_HINT.test(exchange.location)) return true;
  const body = exchange.requestBody;
  if (body.kind === 'form' && (FORM_HINT.test(body.raw) || (FORM_CALLBACK_HINT.test(body.raw) && FORM_STATE_HINT.test(body.raw))))
    return true;
  if (body.kind === 'text' && JSON_GRANT_HINT.test(body.text.slice(0, 4096))) return true;
  // Requests to a known authorization server (sign-in pages, token, userinfo) and arrivals at a
  // redirect_uri without parameters in the query (fragment responses).
  return (
    watch.serverOrigins.some((origin) => url.startsWith(`${origin}/`)) ||
    watch.redirectTargets.some((target) => url === target || url.startsWith(`${target}?`)) ||
    watch.endpoints.some((endpoint) => url === endpoint || url.startsWith(`${endpoint}?`))
  );
}

/** Learn endpoints a view saw named (the DevTools panel reads discovery documents and every token request). */
export function learnEndpoints(watch: Watchlist, urls: readonly string[]): Watchlist {
  const endpoints = rememberEndpoints(
    watch.endpoints,
    urls.flatMap((url) => endpointOf(url) ?? []),
  );
  return endpoints === watch.endpoints ? watch : { ...watch, endpoints };
}

/**
 * Learn from a kept exchange: an authorization request names its server and its redirect_uri; a token request
 * names its endpoint.
 */
export function learn(previous: Watchlist, exchange: Exchange): Watchlist {
  const endpoints = rememberEndpoints(previous.endpoints, endpointsNamedBy(exchange));
  const watch = endpoints === previous.endpoints ? previous : { ...previous, endpoints };
  const query = exchange.url.includes('?') ? exchange.url.slice(exchange.url.indexOf('?') + 1) : '';
  const params = exchange.requestBody.kind === 'form' ? new URLSearchParams(exchange.requestBody.raw) : new URLSearchParams(query);
  if (!params.has('response_type') && !params.has('request_uri') && !params.has('grant_type') && !isKnownAuthorizationRequest(exchange.url))
    return watch;
  // The known endpoints without response_type live on sites people browse (github.com, www.facebook.com,
  // slack.com): watching their whole origin would keep every later page there. Their requests and redirects
  // back carry the hints above, so only their redirect_uri is learned.
  const origin =
    URL.canParse(exchange.url) && knownAuthorizationEndpointOf(exchange.url) === undefined ? new URL(exchange.url).origin : undefined;
  const redirectUri = params.get('redirect_uri');
  const target = redirectUri && URL.canParse(redirectUri) ? (({ origin: o, pathname }) => o + pathname)(new URL(redirectUri)) : undefined;
  const serverOrigins = origin && !watch.serverOrigins.includes(origin) ? [...watch.serverOrigins, origin].slice(-32) : watch.serverOrigins;
  const redirectTargets =
    target && !watch.redirectTargets.includes(target) ? [...watch.redirectTargets, target].slice(-32) : watch.redirectTargets;
  return serverOrigins === watch.serverOrigins && redirectTargets === watch.redirectTargets
    ? watch
    : { serverOrigins, redirectTargets, endpoints: watch.endpoints };
}
