/**
 * Authorization endpoints of providers whose authorization request carries no `response_type` by design:
 * RFC 6749 §4.1.1 makes it REQUIRED, but these providers document their request without it and answer with a
 * code. Each entry is taken from the provider's own documentation (linked). Providers that require
 * response_type (LinkedIn `/oauth/v2/authorization`, Slack's OpenID Connect `/openid/connect/authorize`, every
 * OpenID Connect provider) need no entry: their requests are recognised by their parameters.
 *
 * The table serves two readers, like the known token endpoints (known-token-endpoints.ts): classification
 * (classify.ts) takes a GET to one of these endpoints with a client_id for an authorization request whose
 * response type, `code`, is implied by the provider; the capture's relevance filter keeps navigations to them.
 */
import { type KnownEndpoint, knownEndpointOf, pathAlternatives } from './known-endpoints.ts';

/**
 * An entry (known-endpoints.ts); `source` is where the provider documents its request without response_type. The
 * host is absent for GitHub Enterprise Server, installed on the customer's own host, as for its token endpoint.
 */
export type KnownAuthorizationEndpoint = KnownEndpoint;

/** What every entry's provider answers a request without response_type with. */
export const IMPLIED_RESPONSE_TYPE = 'code';

export const KNOWN_AUTHORIZATION_ENDPOINTS: readonly KnownAuthorizationEndpoint[] = [
  {
    // github.com and GitHub Enterprise Server (`http(s)://HOSTNAME/login/oauth/authorize`): client_id,
    // redirect_uri, scope, state, code_challenge and code_challenge_method; the implicit grant is not supported.
    provider: 'GitHub',
    path: '/login/oauth/authorize',
    source: 'https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#1-request-a-users-github-identity',
  },
  {
    // "Add to Slack": client_id, scope, user_scope, redirect_uri, state, team.
    provider: 'Slack',
    host: 'slack.com',
    path: '/oauth/v2/authorize',
    source: 'https://docs.slack.dev/authentication/installing-with-oauth',
  },
  {
    // The Login dialog: response_type is optional and defaults to code. The unversioned path answers with the
    // app's default Graph API version.
    provider: 'Facebook',
    host: 'www.facebook.com',
    path: '/dialog/oauth',
    source: 'https://developers.facebook.com/documentation/facebook-login/guides/advanced/manual-flow',
  },
  {
    provider: 'Facebook',
    host: 'www.facebook.com',
    path: '/*/dialog/oauth',
    source: 'https://developers.facebook.com/documentation/facebook-login/guides/advanced/manual-flow',
  },
];

/**
 * A cheap test on a raw URL: is its path one of the known authorization endpoints' (a query may follow)? The
 * capture's relevance filter runs it on every navigation, so it is one anchored regular expression; the URL is
 * parsed only when it says yes.
 */
const KNOWN_AUTHORIZATION_PATH_HINT = new RegExp(`^https?://[^/?#]+${pathAlternatives(KNOWN_AUTHORIZATION_ENDPOINTS)}(?:[?#]|$)`);

/** The known authorization endpoint a URL addresses (its query and fragment aside), if any. */
export function knownAuthorizationEndpointOf(url: string): KnownAuthorizationEndpoint | undefined {
  return knownEndpointOf(KNOWN_AUTHORIZATION_ENDPOINTS, KNOWN_AUTHORIZATION_PATH_HINT, url);
}
