/**
 * The OAuth error codes, where each is defined and its usual cause: one table for the rule
 * oauth-error-response and the stuck-flow diagnoses. Exact codes only: an unknown code has no entry.
 *
 * Authorization endpoint: RFC 6749 §4.1.2.1, and OIDC Core §3.1.2.6 for the codes OpenID Connect adds.
 * Token endpoint: RFC 6749 §5.2, RFC 9449 for DPoP's, and RFC 8628 §3.5 for a device grant's polls.
 */
import { DEVICE_CODE_GRANT } from './device-grant.ts';
import type { Flow } from './model.ts';
import { firstParam } from './params.ts';

export interface OAuthErrorMeaning {
  /** Where the code is defined, e.g. `RFC 6749 §4.1.2.1`. */
  citation: string;
  /** Its usual cause, as a phrase (no final period). */
  cause: string;
}

const RETRY = {
  server_error: 'a failure at the authorization server: retry',
  temporarily_unavailable: 'the authorization server is overloaded or in maintenance: retry',
};

const AUTHORIZATION_ERRORS: ReadonlyMap<string, OAuthErrorMeaning> = new Map([
  [
    'access_denied',
    {
      citation: 'RFC 6749 §4.1.2.1',
      cause: 'the user refused or cancelled, or the authorization server denied the request by policy',
    },
  ],
  [
    'invalid_request',
    {
      citation: 'RFC 6749 §4.1.2.1',
      cause: 'a missing or unsupported parameter (often the PKCE method, or code_challenge itself), or a duplicated parameter',
    },
  ],
  ['unauthorized_client', { citation: 'RFC 6749 §4.1.2.1', cause: 'this client is not allowed this grant or response type' }],
  [
    'unsupported_response_type',
    { citation: 'RFC 6749 §4.1.2.1', cause: 'the server does not support this response type, or this client may not use it' },
  ],
  ['invalid_scope', { citation: 'RFC 6749 §4.1.2.1', cause: 'a requested scope is unknown, malformed or not allowed for this client' }],
  ['server_error', { citation: 'RFC 6749 §4.1.2.1', cause: RETRY.server_error }],
  ['temporarily_unavailable', { citation: 'RFC 6749 §4.1.2.1', cause: RETRY.temporarily_unavailable }],
  [
    'invalid_request_uri',
    {
      citation: 'OIDC Core §3.1.2.6',
      cause: 'the request_uri is unknown, expired or already used (a pushed request_uri is short-lived and meant for one use)',
    },
  ],
  [
    'invalid_request_object',
    { citation: 'OIDC Core §3.1.2.6', cause: 'the request object is invalid (its signature, claims or audience)' },
  ],
]);

/** OIDC Core §3.1.2.6: the answers of a request that could not complete without the user. */
const SILENT_FAILURES: ReadonlySet<string> = new Set([
  'login_required',
  'interaction_required',
  'consent_required',
  'account_selection_required',
]);

const TOKEN_ERRORS: ReadonlyMap<string, OAuthErrorMeaning> = new Map([
  [
    'invalid_grant',
    {
      citation: 'RFC 6749 §5.2',
      cause:
        'the code is invalid, expired, revoked or already used, its redirect_uri differs from the authorization request, its PKCE verifier does not match, or it was issued to another client or by another issuer',
    },
  ],
  [
    'invalid_client',
    {
      citation: 'RFC 6749 §5.2',
      cause:
        'client authentication failed: a secret sent by a public client or missing for a confidential one, Basic credentials not form-urlencoded before base64, or two authentication methods at once',
    },
  ],
  [
    'invalid_request',
    {
      citation: 'RFC 6749 §5.2',
      cause:
        'a missing parameter (often redirect_uri, left out for an OAuth 2.0 server), a JSON body instead of a form, or a duplicated parameter',
    },
  ],
  ['unauthorized_client', { citation: 'RFC 6749 §5.2', cause: 'this client is not allowed this grant type' }],
  ['unsupported_grant_type', { citation: 'RFC 6749 §5.2', cause: 'the authorization server does not support this grant_type' }],
  ['invalid_scope', { citation: 'RFC 6749 §5.2', cause: 'a requested scope is unknown or exceeds what was granted' }],
  [
    'use_dpop_nonce',
    { citation: 'RFC 9449 §8', cause: 'the server requires a DPoP nonce: retry with a proof carrying the DPoP-Nonce header it returned' },
  ],
  ['invalid_dpop_proof', { citation: 'RFC 9449 §5', cause: 'the DPoP proof was rejected (htm/htu, iat, jti, nonce or signature)' }],
  // Defined for the authorization endpoint; servers answer them at the token endpoint too.
  ['server_error', { citation: 'RFC 6749 §4.1.2.1', cause: RETRY.server_error }],
  ['temporarily_unavailable', { citation: 'RFC 6749 §4.1.2.1', cause: RETRY.temporarily_unavailable }],
]);

/** RFC 8628 §3.5: the answers to a device grant's poll, read before the token endpoint's own codes. */
const DEVICE_POLL_ERRORS: ReadonlyMap<string, OAuthErrorMeaning> = new Map([
  [
    'authorization_pending',
    { citation: 'RFC 8628 §3.5', cause: 'the user has not yet approved or denied the request: poll again after the interval' },
  ],
  ['slow_down', { citation: 'RFC 8628 §3.5', cause: 'the client polls too often: it must add 5 seconds to its interval' }],
  ['access_denied', { citation: 'RFC 8628 §3.5', cause: 'the user denied the device authorization request' }],
  [
    'expired_token',
    { citation: 'RFC 8628 §3.5', cause: 'the device_code expired before the user approved: start a new device authorization request' },
  ],
]);

const REFRESH_INVALID_GRANT: OAuthErrorMeaning = {
  citation: 'RFC 6749 §5.2',
  cause: 'the refresh token was revoked, expired, or already used once and rotated (another tab may have refreshed first)',
};

/** How an authorization request was made, which changes what a silent failure means. */
export interface AuthorizationContext {
  /** The request asked for no interaction (OIDC Core §3.1.2.1 prompt=none). */
  promptNone: boolean;
  /** It ran in a frame, where a browser may block the authorization server's cookies as third-party. */
  framed: boolean;
}

export function authorizationContextOf(flow: Flow): AuthorizationContext {
  const auth = flow.authorization;
  return {
    promptNone: auth ? (firstParam(auth.params, 'prompt')?.split(' ').includes('none') ?? false) : false,
    framed: auth?.exchange.initiator === 'subframe',
  };
}

/** What an error code from the authorization endpoint means; undefined for a code outside the table. */
export function authorizationErrorMeaning(error: string, context: AuthorizationContext): OAuthErrorMeaning | undefined {
  if (SILENT_FAILURES.has(error)) {
    const { promptNone, framed } = context;
    return {
      citation: 'OIDC Core §3.1.2.6',
      cause:
        promptNone && framed
          ? 'this prompt=none request ran in an iframe, where blocked third-party cookies hide the session, or the user must sign in or consent interactively'
          : promptNone
            ? 'this prompt=none request found no usable session, so the user must sign in or consent interactively'
            : framed
              ? 'the request ran in an iframe, where blocked third-party cookies hide the session from the authorization server'
              : 'a prompt=none request, or an iframe whose third-party cookies are blocked, found no usable session: the user must sign in or consent interactively',
    };
  }
  return AUTHORIZATION_ERRORS.get(error);
}

/** What an error code from the token endpoint means for this grant; undefined for a code outside the table. */
export function tokenErrorMeaning(error: string, grantType: string | undefined): OAuthErrorMeaning | undefined {
  if (error === 'invalid_grant' && grantType === 'refresh_token') return REFRESH_INVALID_GRANT;
  if (grantType === DEVICE_CODE_GRANT) return DEVICE_POLL_ERRORS.get(error) ?? TOKEN_ERRORS.get(error);
  return TOKEN_ERRORS.get(error);
}
