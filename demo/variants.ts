// The demo's variants: one correct client flow and many deliberately broken ones. This is data, used by the
// client app's index page, the fixture recorder and the end-to-end tests. What each variant does in the
// browser is in demo/client/variants.js, under the same id, or for the clients built from a vendor's SDK (`sdk`)
// in demo/client/sdk/<sdk>.js.
import type { SdkClient } from './sdk-bundles.ts';

/**
 * Every rule id of the rule catalogue, implemented or planned (docs/rules/README.md lists both), so that a typo
 * here fails to compile.
 */
export type CatalogueRuleId =
  | 'pkce-challenge-mismatch'
  | 'pkce-missing'
  | 'state-mismatch'
  | 'client-secret-in-browser'
  | 'code-replayed'
  | 'redirect-uri-token-mismatch'
  | 'iss-mismatch'
  | 'token-endpoint-issuer-mismatch'
  | 'callback-uri-mismatch'
  | 'pkce-verifier-malformed'
  | 'pkce-challenge-malformed'
  | 'pkce-method-omitted'
  | 'pkce-plain-method'
  | 'pkce-downgrade'
  | 'pkce-verifier-missing'
  | 'pkce-value-reused'
  | 'state-missing'
  | 'oidc-nonce-missing'
  | 'oidc-nonce-mismatch'
  | 'id-token-invalid'
  | 'hash-claim-mismatch'
  | 'credential-in-url'
  | 'credential-in-referer'
  | 'implicit-grant'
  | 'ropc-grant'
  | 'redirect-uri-insecure'
  | 'redirect-uri-fragment'
  | 'tokens-in-query-response'
  | 'open-redirect-on-callback'
  | 'token-request-malformed'
  | 'token-client-id-mismatch'
  | 'client-auth-multiple'
  | 'duplicate-parameter'
  | 'value-reused'
  | 'weak-random'
  | 'code-exchange-late'
  | 'refresh-token-reused'
  | 'refresh-token-not-rotated'
  | 'iss-missing'
  | 'id-token-signature-invalid'
  | 'dpop-proof-invalid'
  | 'dpop-binding-mismatch'
  | 'par-misuse'
  | 'metadata-inconsistent'
  | 'authorize-via-cors'
  | 'as-307-credential-redirect'
  | 'token-response-cacheable'
  | 'oauth-error-response'
  | 'mcp-resource-mismatch'
  | 'device-code-polling';

export interface Variant {
  id: string;
  /** One line, shown on the index page. */
  description: string;
  /** What a correct auditor reports for a recording of this variant, at any severity. Empty: a clean flow. */
  expectedRuleIds: readonly CatalogueRuleId[];
  /** Rules that must stay quiet: near misses an auditor could confuse with the real finding. */
  absentRuleIds?: readonly CatalogueRuleId[];
  /**
   * Of the ids above, those whose verdict here rests on a response body that Chrome's capture, DevTools closed, does
   * not get: one fetched before any authorization request (so no page script is registered yet:
   * src/background/page-bodies.ts), or by a flow without a redirect_uri (the device grant). The token, refresh and
   * userinfo responses a sign-in's pages receive are reported by the page, and judged live.
   */
  bodyOnly?: readonly CatalogueRuleId[];
  /**
   * Of the ids above, those whose evidence here is a request the extension does not keep (a third party's pixel,
   * a navigation to an unrelated page): a HAR records every request, webRequest only those its filters select.
   */
  harOnly?: readonly CatalogueRuleId[];
  /**
   * Why the extension, in Chrome without DevTools, shows no flow for this variant: the client stops before any
   * authorization request, on a document or at an endpoint that only the metadata's body names.
   */
  noLiveFlow?: string;
  /** What the person (or the recorder) does on the authorization server's pages. Default 'sign-in'. */
  interaction?: 'sign-in' | 'cancel' | 'none';
  /**
   * How the run ends. Default 'client': the client page writes data-status "done". 'client-error': the client page
   * writes data-status "error", the app's own failure being the mistake shown (an SDK refusing a callback).
   * 'authorization-server-error': the server refuses to redirect back, so the browser stays on its error page
   * (`#as-error`).
   */
  endsAt?: 'client' | 'client-error' | 'authorization-server-error';
  /** The host name the client page must run on (its redirect URI uses it). Default 127.0.0.1. */
  host?: 'localhost';
  /** Takes over a minute; the recorder skips it unless asked. */
  slow?: boolean;
  /** Uses the deliberately misbehaving authorization server (demo/rogue-authorization-server.ts). */
  rogue?: boolean;
  /** Why the expectations are what they are, where it is not obvious. */
  note?: string;
  /** A client built from this vendor SDK (demo/client/sdk/<sdk>.js), unmodified, against its vendor's layout. */
  sdk?: SdkClient;
  /**
   * The most severe finding a correct auditor may report for a recording of this variant. 'info': a correct flow
   * that may still earn advice (a loopback redirect URI is fine on a development machine, not in production).
   */
  maxSeverity?: 'info';
}

/** Rules that a clean code + S256 flow must not trigger. */
const CLEAN: readonly CatalogueRuleId[] = [
  'pkce-challenge-mismatch',
  'pkce-missing',
  'state-mismatch',
  'state-missing',
  'oidc-nonce-missing',
  'iss-missing',
  'iss-mismatch',
  'redirect-uri-token-mismatch',
  'code-replayed',
  'weak-random',
  'credential-in-referer',
  'token-response-cacheable',
  'oauth-error-response',
  'metadata-inconsistent',
  'redirect-uri-insecure',
];

/**
 * A correct SDK sign-in on loopback: nothing above info. The loopback redirect URI (redirect-uri-insecure) and an
 * SDK's UUID-shaped random values (weak-random) may earn advice at info, so they are judged by maxSeverity instead.
 */
const SDK_CLEAN: readonly CatalogueRuleId[] = CLEAN.filter((id) => id !== 'redirect-uri-insecure' && id !== 'weak-random');

export const variants: readonly Variant[] = [
  {
    id: 'good',
    description: 'Correct: oauth4webapi, code + S256 PKCE, state, nonce, scope openid, redirect to http://127.0.0.1.',
    expectedRuleIds: [],
    absentRuleIds: CLEAN,
  },
  {
    id: 'form-post',
    description: 'Correct, with response_mode=form_post: the callback arrives as a POST body.',
    expectedRuleIds: [],
    absentRuleIds: CLEAN,
  },
  {
    id: 'fragment',
    description: 'Correct, with response_mode=fragment: the code arrives after #.',
    expectedRuleIds: [],
    absentRuleIds: CLEAN,
  },
  {
    id: 'par',
    description: 'Correct, via Pushed Authorization Requests: /authorize carries only client_id and request_uri.',
    expectedRuleIds: [],
    absentRuleIds: [...CLEAN, 'par-misuse'],
  },
  {
    id: 'popup-window',
    description: 'Correct: the authorization request runs in a popup window, whose callback page hands the response to the opener.',
    expectedRuleIds: [],
    absentRuleIds: CLEAN,
    note: 'The authorization request and the callback happen in the popup (another tab), the token request in the opener.',
  },
  {
    id: 'concurrent',
    description: 'Correct: two sign-ins pending at once in two frames, each callback paired with its own flow by state.',
    expectedRuleIds: [],
    absentRuleIds: [...CLEAN, 'value-reused', 'pkce-value-reused'],
  },
  {
    id: 'refresh',
    description: 'Correct: code flow with offline_access, then two refresh_token grants, each with the rotated token.',
    expectedRuleIds: [],
    absentRuleIds: [...CLEAN, 'refresh-token-reused', 'refresh-token-not-rotated'],
  },
  {
    id: 'access-denied',
    description: 'The user clicks Cancel on the login page: the callback carries error=access_denied.',
    expectedRuleIds: ['oauth-error-response'],
    absentRuleIds: ['state-mismatch', 'pkce-missing'],
    interaction: 'cancel',
  },
  {
    id: 'no-state',
    description: 'No state parameter (S256 PKCE is present, so the finding is a warning).',
    expectedRuleIds: ['state-missing'],
    absentRuleIds: ['state-mismatch', 'pkce-missing'],
  },
  {
    id: 'oidc-no-nonce',
    description: 'scope=openid without a nonce (code flow with S256 PKCE).',
    expectedRuleIds: ['oidc-nonce-missing'],
    absentRuleIds: ['oidc-nonce-mismatch'],
  },
  {
    id: 'verifier-trailing-newline',
    description: 'The code_verifier is sent with a trailing newline; the challenge was made from the clean value.',
    expectedRuleIds: ['pkce-verifier-malformed', 'pkce-challenge-mismatch', 'oauth-error-response'],
    note: 'oidc-provider rejects the malformed verifier with invalid_request before comparing it.',
  },
  {
    id: 'padded-challenge',
    description: 'The S256 code_challenge keeps its base64 "=" padding (44 characters).',
    expectedRuleIds: ['pkce-challenge-malformed', 'oauth-error-response'],
    note: 'oidc-provider rejects the challenge at /authorize (invalid_request), so no token request follows.',
  },
  {
    id: 'method-omitted',
    description: 'code_challenge is sent without code_challenge_method.',
    expectedRuleIds: ['pkce-method-omitted', 'oauth-error-response'],
    note: 'oidc-provider requires the method and answers invalid_request at /authorize.',
  },
  {
    id: 'plain',
    description: 'code_challenge_method=plain.',
    expectedRuleIds: ['pkce-plain-method', 'oauth-error-response'],
    note: 'oidc-provider supports S256 only and answers invalid_request at /authorize.',
  },
  {
    id: 'no-pkce',
    description: 'No PKCE at all: the legacy client completes without it, then the spa client is refused.',
    expectedRuleIds: ['pkce-missing', 'oauth-error-response'],
  },
  {
    id: 'pkce-downgrade',
    description: 'Legacy client: no code_challenge at /authorize, but a code_verifier at /token.',
    expectedRuleIds: ['pkce-downgrade', 'pkce-missing', 'oauth-error-response'],
    note: 'oidc-provider refuses a verifier for a code issued without a challenge (invalid_grant).',
  },
  {
    id: 'pkce-verifier-missing',
    description: 'The authorization request has a challenge, the token request has no code_verifier.',
    expectedRuleIds: ['pkce-verifier-missing', 'oauth-error-response'],
  },
  {
    id: 'pkce-value-reused',
    description: 'Two sign-ins one after the other with the same code_verifier (and so the same challenge).',
    expectedRuleIds: ['pkce-value-reused'],
    absentRuleIds: ['pkce-challenge-mismatch'],
  },
  {
    id: 'value-reused',
    description: 'Two sign-ins, each with a fresh PKCE pair and nonce, but the same state (kept from the first).',
    expectedRuleIds: ['value-reused'],
    absentRuleIds: ['pkce-value-reused', 'code-replayed', 'state-mismatch'],
  },
  {
    id: 'other-flow-verifier',
    description: "Two sign-ins pending at once; each token request sends the other flow's code_verifier.",
    expectedRuleIds: ['pkce-challenge-mismatch', 'oauth-error-response'],
    absentRuleIds: ['pkce-value-reused'],
  },
  {
    id: 'redirect-uri-trailing-slash',
    description: 'The token request sends redirect_uri …/cb/ where the authorization request had …/cb.',
    expectedRuleIds: ['redirect-uri-token-mismatch', 'oauth-error-response'],
  },
  {
    id: 'code-twice',
    description: 'The same code is exchanged twice (the second attempt gets invalid_grant).',
    expectedRuleIds: ['code-replayed', 'oauth-error-response'],
  },
  {
    id: 'code-exchange-late',
    description: 'The app waits 61 s between the callback and the token request; the code has expired.',
    expectedRuleIds: ['code-exchange-late', 'oauth-error-response'],
    slow: true,
    note: "oidc-provider's default authorization code lifetime is 60 s, so the late exchange gets invalid_grant.",
  },
  {
    id: 'token-client-id-mismatch',
    description: 'Authorized as spa, the code is redeemed with client_id=legacy.',
    expectedRuleIds: ['token-client-id-mismatch', 'oauth-error-response'],
  },
  {
    id: 'token-request-malformed',
    description: 'The token request body is JSON instead of application/x-www-form-urlencoded.',
    expectedRuleIds: ['token-request-malformed', 'oauth-error-response'],
    absentRuleIds: ['pkce-verifier-missing', 'redirect-uri-token-mismatch'],
    note: 'The JSON body carries every parameter correctly; only its encoding is wrong.',
  },
  {
    id: 'duplicate-parameter',
    description: 'state appears twice in the authorization request (two different values).',
    expectedRuleIds: ['duplicate-parameter', 'oauth-error-response', 'state-mismatch'],
    note: 'oidc-provider answers invalid_request without any state (it cannot tell which one to echo): a state that was sent is dropped.',
  },
  {
    id: 'weak-random',
    description: 'Predictable values: state "1" with nonce "abc", then a second sign-in with state "2".',
    expectedRuleIds: ['weak-random'],
    absentRuleIds: ['value-reused'],
  },
  {
    id: 'client-secret-in-browser',
    description: 'Confidential clients used from the browser: client_secret in the body, then in a Basic header.',
    expectedRuleIds: ['client-secret-in-browser'],
    absentRuleIds: ['client-auth-multiple'],
  },
  {
    id: 'client-auth-multiple',
    description: 'A confidential client authenticates twice in one token request: an HTTP Basic header and client_secret in the body.',
    expectedRuleIds: ['client-auth-multiple', 'client-secret-in-browser', 'oauth-error-response'],
    note: 'oidc-provider refuses a request with two client authentication methods (invalid_request); the secret in the browser is a finding of its own.',
  },
  {
    id: 'credential-in-referer',
    description:
      'The callback page sends its URL, code and state included, to an analytics pixel on another origin (Referrer-Policy unsafe-url).',
    expectedRuleIds: ['credential-in-referer'],
    absentRuleIds: ['credential-in-url'],
    harOnly: ['credential-in-referer'],
    note: "The pixel is on http://localhost at the client's port: another origin than the app's http://127.0.0.1, and not the authorization server.",
  },
  {
    id: 'open-redirect-on-callback',
    description: 'The callback page forwards to the URL in its returnTo parameter, on another origin (an open redirect).',
    expectedRuleIds: ['open-redirect-on-callback'],
    absentRuleIds: ['callback-uri-mismatch', 'redirect-uri-token-mismatch'],
    harOnly: ['open-redirect-on-callback'],
    note: "The return URL is on http://localhost at the client's port, another origin than the app's http://127.0.0.1; its page ends the run.",
  },
  {
    id: 'authorize-via-cors',
    description:
      'Before signing in, the app fetches the authorization endpoint (prompt=none) from script; the browser withholds the answer.',
    expectedRuleIds: ['authorize-via-cors', 'oauth-error-response'],
    // The redirect that answers the script, which the browser's CORS check refuses, reaches the extension as no callback.
    harOnly: ['oauth-error-response'],
    note: 'oidc-provider answers the script with a redirect carrying error=login_required (the OAuth error, at info) and sends no CORS headers from its authorization endpoint, so the finding is the warning about the client; the error for an endpoint that allows CORS is tested with hand-made exchanges.',
  },
  {
    id: 'mcp',
    description:
      'Correct MCP authorization: the MCP server names its metadata, the metadata its authorization server, and resource is sent on the authorization and token requests (RFC 9728, RFC 8707).',
    expectedRuleIds: [],
    absentRuleIds: [...CLEAN, 'mcp-resource-mismatch'],
  },
  {
    id: 'mcp-resource-missing',
    description: 'An MCP client sends resource on the authorization request but not on the token request.',
    expectedRuleIds: ['mcp-resource-mismatch'],
    note: 'oidc-provider then issues an access token for its userinfo endpoint, not for the MCP server: the request succeeds and the token is for the wrong audience.',
  },
  {
    id: 'credential-in-url',
    description: 'After a correct sign-in, the access token is sent to userinfo in the query string.',
    expectedRuleIds: ['credential-in-url'],
    note: 'oidc-provider ignores query-string access tokens by default, so userinfo answers with an error.',
  },
  {
    id: 'implicit',
    description: 'Implicit grant: response_type "id_token token", tokens returned in the fragment.',
    expectedRuleIds: ['implicit-grant'],
    absentRuleIds: ['tokens-in-query-response', 'credential-in-url', 'pkce-missing', 'oidc-nonce-missing', 'iss-missing'],
    note: 'oidc-provider leaves iss out of a response that carries an ID token: its iss claim serves instead (RFC 9207 §4).',
  },
  {
    id: 'ropc',
    description: "grant_type=password with the user's password, POSTed from the browser; the server refuses it.",
    expectedRuleIds: ['ropc-grant', 'oauth-error-response'],
  },
  {
    id: 'redirect-uri-insecure',
    description: 'A correct flow whose registered redirect URI is http://localhost (prefer 127.0.0.1).',
    expectedRuleIds: ['redirect-uri-insecure'],
    host: 'localhost',
  },
  {
    id: 'redirect-uri-fragment',
    description: 'redirect_uri contains "#"; the server refuses it and stays on its error page.',
    expectedRuleIds: ['redirect-uri-fragment'],
    endsAt: 'authorization-server-error',
    interaction: 'none',
  },
  {
    id: 'state-mismatch',
    description: 'While a sign-in is pending, a forged callback (code=forged&state=forged) reaches the app.',
    expectedRuleIds: ['state-mismatch'],
    interaction: 'none',
  },
  {
    id: 'state-lost-new-tab',
    description:
      'The sign-in opens in a new tab whose sessionStorage has no record of it (as a target=_blank link opens one); the app signs in again in its own tab.',
    expectedRuleIds: [],
    absentRuleIds: CLEAN,
    note: 'Every request is correct on its own, so no rule applies: the lost state shows in the stuck-flow diagnoses (Why it may be stuck) (a callback, no token request, and a new authorization request of the same client right after).',
  },
  {
    id: 'hostile-error-response',
    description:
      'While a sign-in is pending, an error callback with markup in error_description and a javascript: error_uri reaches the app.',
    expectedRuleIds: ['oauth-error-response', 'iss-missing'],
    absentRuleIds: ['state-mismatch'],
    interaction: 'none',
    note: 'The callback echoes the pending state, so it pairs; every tool that shows it must render its strings inert. It carries no iss although the server promises one (RFC 9207 §2.4).',
  },
  {
    id: 'refresh-token-reused',
    description: 'After one refresh rotates the refresh token, the old one is presented again.',
    expectedRuleIds: ['refresh-token-reused', 'oauth-error-response'],
    absentRuleIds: ['refresh-token-not-rotated'],
  },
  {
    id: 'tokens-in-query-response',
    description: "Rogue server: answers an implicit request with the tokens in the callback's query string.",
    expectedRuleIds: ['tokens-in-query-response', 'implicit-grant'],
    absentRuleIds: ['credential-in-url'],
    rogue: true,
    note: 'The tokens travel in the callback query: tokens-in-query-response names that exactly, so credential-in-url does not repeat it.',
  },
  {
    id: 'callback-uri-mismatch',
    description: 'Rogue server: redirects to /callback although the request said /cb.',
    expectedRuleIds: ['callback-uri-mismatch'],
    absentRuleIds: ['redirect-uri-token-mismatch'],
    rogue: true,
  },
  {
    id: 'iss-mismatch',
    description: "Rogue server: the callback's iss names the other (real) demo server, a mix-up; the client rejects it.",
    expectedRuleIds: ['iss-mismatch'],
    rogue: true,
  },
  {
    id: 'code-replay-accepted',
    description: 'Rogue server: the same code is exchanged twice and both exchanges succeed.',
    expectedRuleIds: ['code-replayed'],
    rogue: true,
  },
  {
    id: 'token-response-cacheable',
    description: 'Rogue server: the token response carries tokens without Cache-Control: no-store.',
    expectedRuleIds: ['token-response-cacheable'],
    rogue: true,
  },
  {
    id: 'refresh-token-not-rotated',
    description: 'Rogue server: a public client refreshes twice with the same refresh token, which is never rotated.',
    expectedRuleIds: ['refresh-token-not-rotated'],
    absentRuleIds: ['refresh-token-reused'],
    rogue: true,
    note: 'Presenting the same token again is no reuse when the server never rotated it; the missing rotation is the finding.',
  },
  {
    id: 'id-token-nonce-mismatch',
    description: 'Rogue server: the ID token carries another nonce than the request sent.',
    expectedRuleIds: ['oidc-nonce-mismatch'],
    absentRuleIds: ['id-token-invalid', 'hash-claim-mismatch'],
    rogue: true,
  },
  {
    id: 'id-token-invalid',
    description: 'Rogue server: the ID token expired before it was issued and names another audience.',
    expectedRuleIds: ['id-token-invalid'],
    absentRuleIds: ['oidc-nonce-mismatch', 'hash-claim-mismatch'],
    rogue: true,
  },
  {
    id: 'hash-claim-mismatch',
    description: "Rogue server: the ID token's at_hash does not match the access token it came with.",
    expectedRuleIds: ['hash-claim-mismatch'],
    absentRuleIds: ['oidc-nonce-mismatch', 'id-token-invalid'],
    rogue: true,
  },
  {
    id: 'iss-missing',
    description: 'Rogue server: the callback has no iss although the server metadata says it sends one (RFC 9207).',
    expectedRuleIds: ['iss-missing'],
    absentRuleIds: ['iss-mismatch'],
    rogue: true,
  },
  {
    id: 'id-token-signature-verified',
    description: "Correct, and the client fetches the server's JWKS after the code exchange: the ID token verifies with its key.",
    expectedRuleIds: [],
    absentRuleIds: [...CLEAN, 'id-token-signature-invalid', 'id-token-invalid'],
  },
  {
    id: 'id-token-signature-invalid',
    description: "Rogue server: the ID token is signed with a key the server does not publish, under its published key's kid.",
    expectedRuleIds: ['id-token-signature-invalid'],
    absentRuleIds: ['id-token-invalid', 'hash-claim-mismatch', 'oidc-nonce-mismatch'],
    rogue: true,
  },
  {
    id: 'metadata-inconsistent',
    description:
      'Rogue server: the RFC 8414 metadata of tenant-a names tenant-b as its issuer and lists no PKCE method; the client fetches it.',
    expectedRuleIds: ['metadata-inconsistent'],
    bodyOnly: ['metadata-inconsistent'],
    noLiveFlow: 'the client stops at the discovery document',
    rogue: true,
    note: 'No sign-in: the document alone is the finding (a client must not use it, RFC 8414 §3.3).',
  },
  {
    id: 'dpop',
    description: 'Correct, with DPoP (oauth4webapi): the code exchange carries a proof and the access token is DPoP-bound.',
    expectedRuleIds: [],
    absentRuleIds: [...CLEAN, 'dpop-proof-invalid', 'dpop-binding-mismatch'],
  },
  {
    id: 'dpop-proof-invalid',
    description: "The token request's DPoP proof names the token endpoint with a trailing slash (htu); the server refuses it.",
    expectedRuleIds: ['dpop-proof-invalid'],
    absentRuleIds: ['dpop-binding-mismatch'],
  },
  {
    id: 'dpop-binding-mismatch',
    description: 'The authorization request binds the code to one DPoP key (dpop_jkt), the token request proves another.',
    expectedRuleIds: ['dpop-binding-mismatch'],
    absentRuleIds: ['dpop-proof-invalid'],
  },
  {
    id: 'request-object-client-id-mismatch',
    description:
      "The request object (request=, RFC 9101) names another client_id than the URL's; the demo server does not take request objects and says so.",
    expectedRuleIds: ['par-misuse', 'oauth-error-response'],
    note: 'An unsigned object in the URL is noted too (info). oidc-provider answers request_not_supported (its requestObjects feature is off).',
  },
  {
    id: 'par-request-uri-pushed',
    description: 'The client pushes a request_uri to the PAR endpoint (a retry that re-sends the old one); the server refuses it.',
    expectedRuleIds: ['par-misuse'],
    // oidc-provider's PAR endpoint is /request: only the discovery document's body names it, so the capture
    // selects it where it reads bodies (Firefox, DevTools open, a HAR).
    bodyOnly: ['par-misuse'],
    noLiveFlow: 'the server refuses the pushed request, so no authorization request follows',
    note: 'RFC 9126 §2.1: every authorization parameter is pushed except request_uri.',
  },
  {
    id: 'token-endpoint-issuer-mismatch',
    description: "Mix-up: signed in at the demo server, the client redeems the code at the rogue server's token endpoint.",
    expectedRuleIds: ['token-endpoint-issuer-mismatch'],
    absentRuleIds: ['iss-mismatch', 'code-replayed', 'token-client-id-mismatch'],
    rogue: true,
    note: 'The rogue server refuses the code it never issued (invalid_grant), but it has received it.',
  },
  {
    id: 'as-307-credential-redirect',
    description:
      "Rogue server: answers its sign-in form's POST with a 307 to the redirect URI, so the browser re-POSTs the user's name and password to the client.",
    expectedRuleIds: ['as-307-credential-redirect'],
    rogue: true,
  },
  {
    id: 'device-code-polling',
    description:
      'Rogue server: a device authorization grant (RFC 8628) whose client polls every 300 ms despite a 1 s interval, and keeps that pace after slow_down; the user enters the user_code on the verification page meanwhile.',
    expectedRuleIds: ['device-code-polling'],
    // RFC 8628 §3.5: slow_down and authorization_pending are the protocol's answers while the user decides.
    absentRuleIds: ['oauth-error-response'],
    // The interval is in the device authorization response's body, and a device grant has no redirect_uri whose
    // pages would report it.
    bodyOnly: ['device-code-polling'],
    rogue: true,
    note: 'One flow: the device authorization, the verification page and its user_code entry, then the polls, paired by device_code.',
  },
  {
    id: 'token-cors-blocked',
    description: 'Rogue server: the token endpoint answers without Access-Control-Allow-Origin; the app retries the used-up code.',
    expectedRuleIds: ['code-replayed'],
    rogue: true,
    note: 'Both token requests got a response (a 200, then a 400) that the browser withheld from the app; the recording keeps them as DevTools exports them (status, headers, _error), and the stuck-flow diagnoses (Why it may be stuck) explain the CORS failure (token-cors-blocked).',
  },
  {
    id: 'token-preflight-blocked',
    description:
      "The token request carries X-Requested-With, which the token endpoint's CORS preflight does not allow: the POST is never sent.",
    expectedRuleIds: [],
    rogue: true,
    note: 'No request breaks a rule: the failed preflight shows in the stuck-flow diagnoses (Why it may be stuck) (token-cors-blocked). The rogue server allows only the request headers it reads; oidc-provider allows any, so against it the POST would go through.',
  },
  {
    id: 'sdk-auth0',
    description: "Correct: Auth0's SPA SDK (@auth0/auth0-spa-js) with loginWithRedirect, against a server laid out like Auth0.",
    expectedRuleIds: [],
    absentRuleIds: SDK_CLEAN,
    maxSeverity: 'info',
    sdk: 'auth0',
  },
  {
    id: 'sdk-auth0-refresh-twice',
    description:
      "Auth0's SPA SDK with refresh tokens (useRefreshTokens, rotating, token calls from its Web Worker) asked for two fresh access tokens at once: its lock sends them one after the other, each with the latest refresh token.",
    expectedRuleIds: [],
    absentRuleIds: [...SDK_CLEAN, 'refresh-token-reused', 'refresh-token-not-rotated'],
    maxSeverity: 'info',
    sdk: 'auth0',
    note: 'The near miss of one refresh token sent twice at once: the SDK guards it, so a correct auditor reports nothing.',
  },
  {
    id: 'sdk-auth0-callback-reloaded',
    description:
      "Auth0's SPA SDK signs in, but the app leaves the code and state in the callback page's URL, and the user reloads it: handleRedirectCallback runs again and fails with Invalid state.",
    expectedRuleIds: [],
    absentRuleIds: SDK_CLEAN,
    maxSeverity: 'info',
    endsAt: 'client-error',
    sdk: 'auth0',
    note: 'The SDK removed its transaction before redeeming the code, so the reload sends no token request: every request is correct, and the stuck-flow diagnoses name the callback handled twice (callback-loaded-again).',
  },
  {
    id: 'sdk-auth0-redirect-uri-unregistered',
    description:
      "Auth0's SPA SDK with the quickstarts' redirect_uri, the app's origin, which was never registered: the server refuses it on its error page.",
    expectedRuleIds: [],
    absentRuleIds: ['state-mismatch', 'pkce-missing'],
    endsAt: 'authorization-server-error',
    interaction: 'none',
    sdk: 'auth0',
    note: 'Auth0 shows its "Callback URL mismatch" page here; no request breaks a rule, the refusal shows in the stuck-flow diagnoses.',
  },
  {
    id: 'sdk-auth0-state-lost-new-tab',
    description:
      "Auth0's SPA SDK opens the sign-in in a new tab (openUrl), whose sessionStorage lacks the SDK's transaction: the callback there fails with Invalid state; the app signs in again in its own tab.",
    expectedRuleIds: [],
    absentRuleIds: SDK_CLEAN,
    maxSeverity: 'info',
    sdk: 'auth0',
    note: 'Every request is correct on its own: the lost state shows in the stuck-flow diagnoses (state-lost, no-token-request).',
  },
  {
    id: 'sdk-okta',
    description:
      "Correct: Okta's auth SDK (@okta/okta-auth-js) with signInWithRedirect and PKCE, against a server laid out like Okta (/oauth2/default).",
    expectedRuleIds: [],
    absentRuleIds: SDK_CLEAN,
    maxSeverity: 'info',
    sdk: 'okta',
  },
  {
    id: 'sdk-okta-callback-twice',
    description:
      "Okta's auth SDK is asked to handle the callback twice (a React effect run twice under StrictMode, each parsing the callback URL): the SDK redeems the code once and refuses the second run itself.",
    expectedRuleIds: [],
    absentRuleIds: [...SDK_CLEAN, 'code-replayed'],
    maxSeverity: 'info',
    sdk: 'okta',
    note: 'okta-auth-js queues its token calls and drops the PKCE transaction once the first exchange is answered, so the second run fails in the app ("Could not load PKCE codeVerifier from storage") without a second token request: on the wire this is one correct sign-in, and an auditor must not call it a replay. The other four SDKs guard the same way (auth0-spa-js, oidc-client-ts and keycloak-js remove the stored state before redeeming; MSAL answers a second handleRedirectPromise with the first one\'s promise).',
  },
  {
    id: 'sdk-okta-no-pkce',
    description:
      "Okta's auth SDK with PKCE switched off (pkce: false), for an app that still allows the implicit grant: the tokens come back in the fragment.",
    expectedRuleIds: ['implicit-grant'],
    absentRuleIds: ['tokens-in-query-response', 'pkce-downgrade'],
    sdk: 'okta',
    note: 'With pkce: false the SDK does not run the code flow without PKCE: it asks for response_type "token id_token" (the implicit grant).',
  },
  {
    id: 'sdk-okta-redirect-uri-unregistered',
    description:
      "Okta's auth SDK with a redirect URI that was never registered (…/cb/okta/, a trailing slash): the server refuses it on its error page.",
    expectedRuleIds: [],
    absentRuleIds: ['state-mismatch', 'pkce-missing'],
    endsAt: 'authorization-server-error',
    interaction: 'none',
    sdk: 'okta',
    note: 'No request breaks a rule: the refusal shows in the stuck-flow diagnoses.',
  },
  {
    id: 'sdk-oidc-client-ts',
    description: 'Correct: oidc-client-ts (UserManager) with signinRedirect, against the demo oidc-provider server.',
    expectedRuleIds: [],
    absentRuleIds: SDK_CLEAN.filter((id) => id !== 'oidc-nonce-missing'),
    maxSeverity: 'info',
    sdk: 'oidc-client-ts',
    note: 'oidc-client-ts sends no nonce in a code flow with PKCE, which OpenID Connect allows (Core §3.1.2.1: nonce is optional there): advice at most.',
  },
  {
    id: 'sdk-oidc-client-ts-callback-reloaded',
    description:
      'oidc-client-ts signs in, but the app leaves the code and state in the callback page\'s URL, and the user reloads it: signinRedirectCallback runs again and fails with "No matching state found in storage".',
    expectedRuleIds: [],
    absentRuleIds: SDK_CLEAN.filter((id) => id !== 'oidc-nonce-missing'),
    maxSeverity: 'info',
    endsAt: 'client-error',
    sdk: 'oidc-client-ts',
    note: "The SDK removed the state it stored once it read the response, so the reload sends no token request: every request is correct, and the stuck-flow diagnoses name the callback handled twice (callback-loaded-again). Of the five SDKs only this one and Auth0's leave the response in the URL for the app to remove: keycloak-js, okta-auth-js and MSAL strip it themselves (history.replaceState), so a reload there does not repeat it.",
  },
  {
    id: 'sdk-oidc-client-ts-refresh-twice',
    description:
      'oidc-client-ts renews twice at once (two signinSilent calls): one refresh token is sent twice, and the server rotates it.',
    expectedRuleIds: ['refresh-token-reused', 'oauth-error-response'],
    absentRuleIds: ['refresh-token-not-rotated'],
    sdk: 'oidc-client-ts',
    note: 'The first refresh rotates the token, so the second, sent with the same one, is refused (invalid_grant).',
  },
  {
    id: 'sdk-keycloak',
    description:
      "Correct: Keycloak's adapter (keycloak-js) with onLoad login-required and pkceMethod S256, against a server laid out like a Keycloak realm.",
    expectedRuleIds: [],
    absentRuleIds: SDK_CLEAN,
    maxSeverity: 'info',
    sdk: 'keycloak',
  },
  {
    id: 'sdk-keycloak-no-pkce',
    description: "Keycloak's adapter with PKCE switched off (pkceMethod: false), against a client that does not require it.",
    expectedRuleIds: ['pkce-missing'],
    absentRuleIds: ['pkce-downgrade', 'state-missing'],
    sdk: 'keycloak',
  },
  {
    id: 'sdk-msal',
    description:
      "Correct: Microsoft's MSAL (@azure/msal-browser) with loginRedirect, against a server laid out like an Entra ID tenant, on https.",
    expectedRuleIds: [],
    absentRuleIds: SDK_CLEAN,
    maxSeverity: 'info',
    sdk: 'msal',
  },
  {
    id: 'sdk-msal-popup',
    description: 'Correct: MSAL with loginPopup: the sign-in runs in a popup window whose redirect bridge page hands the response back.',
    expectedRuleIds: [],
    absentRuleIds: SDK_CLEAN,
    maxSeverity: 'info',
    sdk: 'msal',
    note: 'The authorization request and the callback happen in the popup (another tab), the token request in the opener.',
  },
  {
    id: 'sdk-msal-redirect-uri-unregistered',
    description:
      "MSAL without a redirectUri, so it sends the page's own URL, which was never registered: the server refuses it on its error page.",
    expectedRuleIds: [],
    absentRuleIds: ['state-mismatch', 'pkce-missing'],
    endsAt: 'authorization-server-error',
    interaction: 'none',
    sdk: 'msal',
    note: 'Entra ID answers this with AADSTS50011 on its own page; no request breaks a rule, the refusal shows in the stuck-flow diagnoses.',
  },
];
