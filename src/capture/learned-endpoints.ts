/**
 * OAuth endpoints learned at run time. An authorization server may put its token endpoint at any path
 * (`/api/auth/exchange`); its discovery document names it (RFC 8414 §2, OpenID Connect Discovery 1.0 §3), and so
 * does a token request seen by a route that sees everything (the DevTools panel, a form navigation). The worker
 * widens its script filter to the learned endpoints, so a page's later calls there (the code exchange after the
 * discovery, the refreshes after the first exchange) are captured even with DevTools closed.
 *
 * Learned endpoints are exact URLs (origin and path, any query): never a wider pattern, so ordinary requests keep
 * not reaching the worker. The list is bounded and drops the endpoint seen least recently.
 */
import { jsonObjectOf, stringMember } from '../core/body.ts';
import type { Exchange } from '../core/model.ts';
import { exactUrlPatterns, matchesPattern } from './match-pattern.ts';

export const MAX_LEARNED_ENDPOINTS = 64;
/** Longer URLs are no endpoint anyone configured. */
const MAX_ENDPOINT_LENGTH = 2048;

/**
 * Discovery members naming the endpoints a page calls by script: RFC 8414 §2 (token, revocation, JWKS), RFC 9126
 * §5 (PAR), OpenID Connect Discovery 1.0 §3 (userinfo), RFC 8628 §4 (device authorization).
 */
const DISCOVERED_MEMBERS = [
  'token_endpoint',
  'pushed_authorization_request_endpoint',
  'revocation_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
  'device_authorization_endpoint',
];
const DISCOVERY_URL = /\/\.well-known\/(?:openid-configuration|oauth-authorization-server)(?:[/?#]|$)/;
const FORM_GRANT = /(?:^|&)grant_type=/;
const QUERY_GRANT = /[?&]grant_type=/;
const JSON_GRANT = /"grant_type"\s*:/;

/** An endpoint as learned: the http(s) URL's origin and path, without query or fragment. */
export function endpointOf(url: string): string | undefined {
  if (url.length > MAX_ENDPOINT_LENGTH || !URL.canParse(url)) return undefined;
  const { protocol, origin, pathname } = new URL(url);
  return protocol === 'https:' || protocol === 'http:' ? origin + pathname : undefined;
}

/**
 * The endpoints an exchange names: the ones a discovery document it answered lists, or its own URL when it
 * is a token request (RFC 6749 §4.1.3: grant_type in its body, or in a script request's query, where the fixed
 * filter sees it and a later request with a proper body would not be). Reads a body only after a cheap test.
 */
export function endpointsNamedBy(exchange: Exchange): string[] {
  if (DISCOVERY_URL.test(exchange.url) && exchange.responseBody) {
    const document = jsonObjectOf(exchange.responseBody);
    if (!document.ok) return [];
    return DISCOVERED_MEMBERS.flatMap((member) => endpointOf(stringMember(document.json, member) ?? '') ?? []);
  }
  const body = exchange.requestBody;
  const isTokenRequest =
    (body.kind === 'form' && FORM_GRANT.test(body.raw)) ||
    (body.kind === 'text' && JSON_GRANT.test(body.text.slice(0, 4096))) ||
    (exchange.initiator === 'fetch' && QUERY_GRANT.test(exchange.url));
  const own = isTokenRequest ? endpointOf(exchange.url) : undefined;
  return own ? [own] : [];
}

/**
 * The list with these endpoints as the most recently seen, oldest dropped past the bound. The very same array
 * when nothing changes (each is already there, in that order at the end), so callers can tell by identity.
 */
export function rememberEndpoints(known: readonly string[], seen: readonly string[]): readonly string[] {
  const fresh = [...new Set(seen)];
  if (!fresh.length) return known;
  const tail = known.slice(known.length - fresh.length);
  if (tail.length === fresh.length && tail.every((endpoint, i) => endpoint === fresh[i])) return known;
  return [...known.filter((endpoint) => !fresh.includes(endpoint)), ...fresh].slice(-MAX_LEARNED_ENDPOINTS);
}

/**
 * Match patterns for the learned endpoints that the fixed patterns do not see already, with or without a query.
 * Fixed patterns may still see some of their requests (`?grant_type=…`): whoever listens with both must drop,
 * from the learned listeners, what the fixed ones see (`seenByPatterns`), or such a request is recorded twice.
 */
export function patternsForLearnedEndpoints(endpoints: readonly string[], fixedPatterns: readonly string[]): string[] {
  const seen = (url: string) => seenByPatterns(url, fixedPatterns);
  return endpoints.filter((endpoint) => !(seen(endpoint) && seen(`${endpoint}?q=1`))).flatMap(exactUrlPatterns);
}

export function seenByPatterns(url: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesPattern(url, pattern));
}
