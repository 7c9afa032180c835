/**
 * Token endpoints of providers whose path does not end in `/token`, so neither the capture's generic script filter
 * (src/background/filters.ts) nor a reader of paths would take them for one. Each entry is taken from the
 * provider's own documentation (linked). Providers whose token endpoint does end in `/token` (Google, Okta,
 * Auth0, Keycloak, Entra ID, Twitter/X `/2/oauth2/token`, Dropbox and Cognito `/oauth2/token`, Salesforce
 * `/services/oauth2/token`, Spotify `/api/token`, Discord `/api/oauth2/token`, Atlassian and Zoom
 * `/oauth/token`) need no entry: the generic pattern sees them, and their requests carry grant_type.
 *
 * The table serves two readers: the capture turns each entry into Chrome match patterns, and classification
 * (classify.ts) takes a request to one of these endpoints for a token request even when its parameters are
 * not the RFC's (no grant_type, a JSON body, a query string).
 */
import { type KnownEndpoint, knownEndpointOf, pathAlternatives } from './known-endpoints.ts';

export interface KnownTokenEndpoint extends KnownEndpoint {
  /**
   * The provider documents its code exchange without grant_type (an RFC 6749 §4.1.3 REQUIRED parameter):
   * a request there that carries a code and no grant_type is that provider's authorization_code grant, not a
   * malformed request of the client's making.
   */
  codeGrantWithoutGrantType?: true;
}

export const KNOWN_TOKEN_ENDPOINTS: readonly KnownTokenEndpoint[] = [
  {
    provider: 'PingFederate',
    path: '/as/token.oauth2',
    source: 'https://docs.pingidentity.com/pingfederate/latest/developers_reference_guide/pf_token_endpoint.html',
  },
  {
    // github.com and GitHub Enterprise Server (`http(s)://HOSTNAME/login/oauth/access_token`). Its answer is
    // form-encoded unless the request asks for JSON with `Accept: application/json`.
    provider: 'GitHub',
    path: '/login/oauth/access_token',
    source:
      'https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#2-users-are-redirected-back-to-your-site-by-github',
    codeGrantWithoutGrantType: true,
  },
  {
    provider: 'LinkedIn',
    host: 'www.linkedin.com',
    path: '/oauth/v2/accessToken',
    source: 'https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow',
  },
  {
    // Slack's Web API methods take form or JSON bodies; grant_type is optional.
    provider: 'Slack',
    host: 'slack.com',
    path: '/api/oauth.v2.access',
    source: 'https://docs.slack.dev/reference/methods/oauth.v2.access',
    codeGrantWithoutGrantType: true,
  },
  {
    provider: 'Slack',
    host: 'slack.com',
    path: '/api/oauth.v2.user.access',
    source: 'https://docs.slack.dev/reference/methods/oauth.v2.user.access',
    codeGrantWithoutGrantType: true,
  },
  {
    // Sign in with Slack (OpenID Connect).
    provider: 'Slack',
    host: 'slack.com',
    path: '/api/openid.connect.token',
    source: 'https://docs.slack.dev/reference/methods/openid.connect.token',
    codeGrantWithoutGrantType: true,
  },
  {
    // The unversioned path answers with the app's default Graph API version.
    provider: 'Facebook',
    host: 'graph.facebook.com',
    path: '/oauth/access_token',
    source: 'https://developers.facebook.com/documentation/facebook-login/guides/advanced/manual-flow',
    codeGrantWithoutGrantType: true,
  },
  {
    provider: 'Facebook',
    host: 'graph.facebook.com',
    path: '/*/oauth/access_token',
    source: 'https://developers.facebook.com/documentation/facebook-login/guides/advanced/manual-flow',
    codeGrantWithoutGrantType: true,
  },
  {
    provider: 'Bitbucket Cloud',
    host: 'bitbucket.org',
    path: '/site/oauth2/access_token',
    source: 'https://developer.atlassian.com/cloud/bitbucket/oauth-2',
  },
  {
    // The trailing slash is part of it: `/v2/oauth/token` (what the generic pattern sees) is another path.
    provider: 'TikTok',
    host: 'open.tiktokapis.com',
    path: '/v2/oauth/token/',
    source: 'https://developers.tiktok.com/doc/oauth-user-access-token-management',
  },
  {
    provider: 'Yahoo',
    host: 'api.login.yahoo.com',
    path: '/oauth2/get_token',
    source: 'https://developer.yahoo.com/oauth2/guide/flows_authcode/',
  },
];

/**
 * A cheap test on a raw URL: does its path end like one of the known token endpoints? Classification and the
 * capture's relevance filter read every exchange, so the URL is parsed only when this says it may be one.
 */
export const KNOWN_TOKEN_PATH_HINT = new RegExp(`${pathAlternatives(KNOWN_TOKEN_ENDPOINTS)}(?:[?#]|$)`);

/** The known token endpoint a URL addresses (its query and fragment aside), if any. */
export function knownTokenEndpointOf(url: string): KnownTokenEndpoint | undefined {
  return knownEndpointOf(KNOWN_TOKEN_ENDPOINTS, KNOWN_TOKEN_PATH_HINT, url);
}
