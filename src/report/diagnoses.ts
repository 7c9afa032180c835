/**
 * The stuck-flow diagnoses (src/core/diagnose/) in words, worded once for every view: the CLI's text and
 * Markdown, the DevTools panel, the popup. A diagnosis holds facts; this says them, with the spec or standard
 * each one rests on. Returns raw text: each view escapes it its own way. Takes the core's hints or the
 * report's (the same shape, redacted). Pure.
 */
import { CODE_AGE_SUSPECT_MS, CODE_LIFETIME_MAX_MS } from '../core/authorization-code.ts';
import type { CorsRefusal, DiagnosisHint, InvalidGrantCause, Likelihood, PreflightFailure, RefusalHint } from '../core/diagnose/types.ts';
import { quotable } from '../core/evidence.ts';
import type { PkceNearMissKind, PkceResult } from '../core/model.ts';
import { authorizationErrorMeaning } from '../core/oauth-errors.ts';
import { PROVIDER_NAMES, providerTerm, type RefusalCause } from '../core/providers.ts';
import { formatDuration } from './text.ts';

/** How sure the traffic makes a diagnosis, as a label. */
export const LIKELIHOOD_LABEL: Readonly<Record<Likelihood, string>> = {
  certain: 'certain',
  likely: 'likely',
  possible: 'possible',
};

/** A diagnosis's hints, one sentence each, in its order. */
export function diagnosisLines(diagnosis: { hints: readonly DiagnosisHint[] }): string[] {
  return diagnosis.hints.map(hintText);
}

export const NEAR_MISS_PHRASES: Readonly<Record<PkceNearMissKind, string>> = {
  'verifier-whitespace': 'whitespace around the verifier, e.g. a trailing newline',
  'challenge-padded': "the challenge kept its base64 '=' padding",
  'challenge-standard-base64': 'the challenge is standard base64, not base64url',
  'challenge-hex': 'the challenge is a hexadecimal digest',
  'method-omitted': 'code_challenge_method was omitted, so the server compares the verifier as plain',
  'wrong-method': 'the method sent does not match how the challenge was made',
  'other-flow-verifier': 'the verifier belongs to another pending flow',
};

const PKCE_STATUS: Readonly<Record<PkceResult['status'], string>> = {
  match: 'PKCE: the verifier matches the challenge.',
  mismatch: 'PKCE: the verifier does not match the challenge.',
  'no-challenge': 'PKCE: no code_challenge was sent.',
  'no-verifier': 'PKCE: a code_challenge was sent, but the token request has no code_verifier.',
  'not-observable': 'PKCE: not observable.',
};

const AUTHENTICATION_METHOD = {
  basic: 'HTTP Basic',
  client_secret: 'client_secret in the body',
  client_assertion: 'client_assertion',
} as const;

/** One hint as one sentence. */
export function hintText(hint: DiagnosisHint): string {
  switch (hint.kind) {
    case 'authorization-chain-ended':
      return `The authorization chain ends at the authorization server (${hint.method} ${hint.status ?? 'no response'}), without a redirect to the redirect_uri.`;
    case 'sign-in-loop':
      return `The sign-in page ${hint.page} was loaded ${hint.loads} times in this flow: a sign-in loop. In its steps, look for the authorization server's session cookie: set (Set-Cookie) but not sent back (Cookie), e.g. refused for its SameSite or Secure attributes or blocked as a third-party cookie in a frame.`;
    case 'error-page-instead-of-redirect':
      return 'An authorization server must not redirect when the redirect_uri is invalid (RFC 6749 §4.1.2.1): check its error page.';
    case 'redirect-uri-against-last-working':
      return hint.difference
        ? `Against the last redirect_uri that worked for this client: ${hint.difference.explanation} (${hint.difference.kind}).`
        : 'The redirect_uri is the same as in the last flow that worked for this client.';
    case 'callback-rewritten':
      return `The redirect_uri answered ${hint.status}, redirecting ${hint.from} to ${hint.to}${hint.difference ? ` (${hint.difference.explanation})` : ''}: a rewrite by the client's own infrastructure (http→https, www, a trailing slash).`;
    case 'form-post-body-dropped':
      return `A ${hint.status} turns the form_post POST into a GET without its body (Fetch Standard, "HTTP-redirect fetch"), so the code and state never reach the app: serve the redirect_uri as registered, or redirect with 307 or 308.`;
    case 'callback-origin-changed':
      return `The rewrite moves the callback from ${hint.from} to ${hint.to}: web storage and cookies are kept per origin, so a state the app kept on the other origin is not found.`;
    case 'callback-in-other-tab':
      return `The authorization request was sent from tab ${hint.authorizationTab}, and the callback arrived in tab ${hint.callbackTab}: sessionStorage is per tab (HTML Standard, "The sessionStorage getter"), so a state or PKCE verifier kept there is not found.`;
    case 'callback-at-other-origin':
      return `The authorization request was started by a page of ${hint.startedFrom}, and the callback arrived at ${hint.arrivedAt}: web storage and cookies are kept per origin (localhost and 127.0.0.1, www and the bare host are different origins), so a state kept there is not found. Compare the app's address with its redirect_uri.`;
    case 'state-matches-no-request':
      return `The callback's state "${shortened(hint.state)}" matches no authorization request in this capture: the capture began after the sign-in did, or the callback answers no request of this app (an old or forged link), which the app must refuse (RFC 6749 §10.12).${hint.pending.length ? ` Pending for the same redirect_uri: ${hint.pending.map((s) => `"${shortened(s)}"`).join(', ')}.` : ''}`;
    case 'form-post-without-cookie':
      return 'The form_post callback arrived as a cross-site POST (Sec-Fetch-Site: cross-site) with no Cookie header: a state cookie set with SameSite=Lax or Strict is not sent with it (OAuth 2.0 Form Post Response Mode §2; RFC 6265bis, SameSite).';
    case 'app-started-over':
      return `No token request followed the callback, and a new authorization request ${hint.clientId !== null ? `of client ${hint.clientId}` : 'to the same redirect_uri'} started ${formatDuration(hint.afterMs)} after it: the app started over, the usual sign of a lost state.`;
    case 'callback-loaded-again': {
      const how =
        hint.sameTab === false
          ? 'in another tab (a second tab opened on the callback URL, or a restored session)'
          : 'the page that holds it in its URL was reloaded, reached again with Back, or navigated to again';
      return `The same authorization response (the same code and state) arrived at the redirect_uri ${hint.loads} times: ${formatDuration(hint.afterMs)} after its code was redeemed, ${how}. The sign-in itself succeeded; a reload is no protocol error, but the app's callback handler ran again on a response already used.`;
    }
    case 'repeat-found-no-transaction':
      return 'No token request followed the later arrival: the client had removed what it stored for this sign-in when it redeemed the code, so its handler found nothing and failed in the page. This is where an SDK\'s own error comes from: oidc-client-ts\'s "No matching state found in storage", auth0-spa-js\'s "Invalid state" (missing_transaction), MSAL\'s no_token_request_cache_error or state_not_found, okta-auth-js\'s "Unable to retrieve OAuth redirect params from storage" or "Could not load PKCE codeVerifier from storage"; keycloak-js ignores it silently.';
    case 'repeat-sent-code-again':
      return `The later arrival sent the code again (${hint.exchangeId}, answered ${hint.status === null ? 'nothing' : answer(hint.status, hint.error)}): a code is one-time (RFC 6749 §4.1.2), so a server refuses it with invalid_grant, as the invalid_grant diagnosis of that request says.`;
    case 'strip-code-after-handling':
      return "Once the callback is handled, remove the code and state from the address (history.replaceState, or a redirect to the app's own page) and don't run the callback handler on a page load whose response was already handled.";
    case 'code-exchange-not-seen':
      return `Either a server redeems the code (invisible to the browser, and normal for a confidential client: the callback page answered ${hint.callbackStatus ?? 'without an observed response'}), or the app stopped before redeeming it.`;
    case 'state-loss-leaves-no-trace':
      return 'If the app reports a state error, the state it stored was lost without a trace here (kept in memory across a page load, or in a state cookie the browser did not send).';
    case 'token-response-blocked':
      return tokenResponseBlocked(hint);
    case 'code-used-up-by-blocked-request': {
      const answer = hint.retryError ?? (hint.retryStatus !== null ? `HTTP ${hint.retryStatus}` : 'no observed response');
      const redeemed =
        hint.blockedStatus !== null && hint.blockedStatus >= 200 && hint.blockedStatus < 300
          ? `the blocked request had already redeemed it (the server answered ${hint.blockedStatus}), and a code is one-time (RFC 6749 §4.1.2), so the retry gets invalid_grant`
          : 'the blocked request had already reached the server (a response came back), and a code is one-time (RFC 6749 §4.1.2): if the server redeemed it then, the retry gets invalid_grant';
      return `The same code was sent again ${formatDuration(hint.afterMs)} later (${answer}): ${redeemed}. Fix the CORS response instead of retrying.`;
    }
    case 'preflight-failed':
      return preflightFailed(hint);
    case 'error-code-not-observed':
      return `The token request failed with HTTP ${hint.status}, and its body (the error code) was not observed: these are the checks for an invalid_grant.`;
    case 'no-earlier-exchange':
      return 'No earlier exchange of this code was observed.';
    case 'code-age':
      return `The code was ${formatDuration(hint.ageMs)} old when presented: within the ${CODE_AGE_SUSPECT_MS / 1000} s servers commonly allow (RFC 6749 §4.1.2 recommends at most ${CODE_LIFETIME_MAX_MS / 60_000} minutes).`;
    case 'pkce-status':
      return PKCE_STATUS[hint.status];
    case 'redirect-uri-identical':
      return 'redirect_uri is identical in both requests.';
    case 'client-id-same':
      return 'client_id is the same in both requests.';
    case 'client-authentication-sent':
      return hint.methods.length
        ? `Client authentication sent: ${hint.methods.map((m) => AUTHENTICATION_METHOD[m]).join(' and ')}.`
        : 'No client authentication was sent (a public client): is the client registered as confidential?';
    case 'several-authentication-methods':
      return 'More than one authentication method at once is an error (RFC 6749 §2.3).';
    case 'basic-credentials-encoding':
      return 'Basic credentials must be form-urlencoded before base64 (RFC 6749 §2.3.1).';
    case 'authorization-header-removed':
      return 'HTTP Basic authentication is not observable: the HAR was exported without its Authorization headers (sanitized).';
    case 'pkce-near-miss':
      return `PKCE near miss: ${nearMiss(hint.nearMiss, hint.otherFlowId)}; a server may refuse a malformed verifier before it compares it with the challenge (RFC 7636 §4.1).`;
    case 'not-form-encoded':
      return `The parameters were sent as ${hint.encoding}, not application/x-www-form-urlencoded (RFC 6749 §3.2).`;
    case 'redirect-uri-missing':
      return 'redirect_uri is missing (an OAuth 2.1 client talking to an OAuth 2.0 server?): RFC 6749 §4.1.3 requires it when the authorization request had one.';
    case 'duplicated-parameters':
      return `Duplicated parameters: ${hint.names.join(', ')} (RFC 6749 §3.2: a parameter must not be sent more than once).`;
    case 'read-error-description':
      return 'The request looks well-formed: read the error_description.';
    case 'authorization-error': {
      if (hint.error === null) return "An error whose code is not a plain token (see the evidence): see the server's documentation.";
      const meaning = authorizationErrorMeaning(hint.error, hint);
      return meaning
        ? `${hint.error}: ${meaning.cause} (${meaning.citation}).`
        : `${hint.error}: an error code outside RFC 6749 §4.1.2.1 and OIDC Core §3.1.2.6: see the server's documentation.`;
    }
    case 'authorization-refused':
    case 'refusal-reason':
    case 'usual-refusal-causes':
    case 'redirect-uri-has-fragment':
    case 'provider-setting':
      return refusedText(hint);
    default:
      return causeText(hint);
  }
}

/** The causes of an invalid_grant (src/core/diagnose/invalid-grant.ts). */
function causeText(cause: InvalidGrantCause): string {
  switch (cause.kind) {
    case 'code-reused': {
      const how =
        cause.pattern === 'in-flight'
          ? ', while that exchange was still in flight (a double submit)'
          : cause.pattern === 'callback-loaded-again'
            ? ', and the callback page loaded the same response again in between (a reload or Back: a callback handled twice, see that diagnosis)'
            : cause.pattern === 'double-effect'
              ? `, ${Math.round(cause.gapMs)} ms earlier${cause.sameTab ? ' in the same tab' : ''} (one action that ran twice, e.g. an effect run twice or a retry)`
              : cause.pattern === 'other-tab'
                ? ', from another tab (two tabs handled the same callback)'
                : '';
      const count = cause.earlierCount > 1 ? ` It was sent ${cause.earlierCount} times before.` : '';
      if (cause.earlierStatus === null)
        return `The code was already sent at ${iso(cause.earlierTime)} (${cause.earlierExchangeId}), which got no response${cause.earlierNetworkError ? ` (${cause.earlierNetworkError})` : ''}; the server may have redeemed it${how}.${count}`;
      return `The code was already exchanged at ${iso(cause.earlierTime)} (${cause.earlierExchangeId}, answered ${answer(cause.earlierStatus, cause.earlierError)})${how}; a code may be used only once (RFC 6749 §4.1.2).${count}`;
    }
    case 'code-expired':
      return cause.beyondMaximum
        ? `The code was presented ${seconds(cause.ageMs)} s after the authorization response, beyond the ${CODE_LIFETIME_MAX_MS / 60_000}-minute maximum lifetime RFC 6749 §4.1.2 recommends: it has expired.`
        : `The code was presented ${seconds(cause.ageMs)} s after the authorization response and may have expired: servers commonly keep codes for ${CODE_AGE_SUSPECT_MS / 1000} s (RFC 6749 §4.1.2 recommends at most ${CODE_LIFETIME_MAX_MS / 60_000} minutes).`;
    case 'pkce-mismatch':
      return `The PKCE code_verifier does not match the code_challenge (RFC 7636 §4.6)${cause.nearMiss ? `: ${nearMiss(cause.nearMiss, cause.otherFlowId)}` : ''}.`;
    case 'pkce-verifier-missing':
      return 'The token request has no code_verifier although the authorization request sent a code_challenge (RFC 7636 §4.5).';
    case 'pkce-verifier-without-challenge':
      return 'A code_verifier was sent for a code issued without a code_challenge, which the server must refuse (RFC 9700 §4.8.2).';
    case 'redirect-uri-differs':
      return `redirect_uri at /token is not identical to the one at /authorize: ${cause.difference.explanation} (RFC 6749 §4.1.3).`;
    case 'redirect-uri-omitted':
      return 'redirect_uri was left out of the token request although the authorization request sent one: an OAuth 2.0 server requires it (RFC 6749 §4.1.3).';
    case 'client-id-differs':
      return `The token request identifies ${client(cause.atToken)} (${cause.source === 'basic' ? 'its Basic user name' : 'its client_id'}), but the ${cause.grant === 'refresh' ? 'flow was authorized' : 'code was issued'} for ${client(cause.atAuthorize)} (RFC 6749 §4.1.3).`;
    case 'token-endpoint-not-in-metadata':
      return `The ${cause.grant === 'refresh' ? 'refresh token' : 'code'} was sent to ${cause.used}, not to the token endpoint the issuer's metadata names (${cause.inMetadata}): a mix-up between servers (RFC 9700 §4.4).`;
    case 'token-endpoint-other-origin':
      return `The token endpoint ${cause.used} is on another origin than the authorization endpoint ${cause.authorizationEndpoint}, and no metadata says it is this issuer's: a mix-up (RFC 9700 §4.4), unless the server splits its endpoints.`;
    case 'dpop-proof-missing':
      return 'The authorization request bound the code to a DPoP key (dpop_jkt), but the token request carries no DPoP proof (RFC 9449 §10).';
    case 'refresh-token-reused': {
      const earlier = `${cause.earlierExchangeId}, answered ${cause.earlierStatus === null ? 'nothing' : answer(cause.earlierStatus, cause.earlierError)}`;
      switch (cause.reuse) {
        case 'after-rotation':
          return `This refresh token had already been rotated by an earlier refresh at ${iso(cause.earlierTime)} (${earlier}): the client presented a stale token (RFC 9700 §4.14.2).`;
        case 'concurrent':
          return `This refresh token was presented while an earlier refresh with the same token (${cause.earlierExchangeId}) was still in flight: a race between tabs (RFC 9700 §4.14.2).`;
        case 'rotation-unknown':
          return `This refresh token was already used by an earlier refresh at ${iso(cause.earlierTime)} (${earlier}); whether the server rotates refresh tokens is not observable.`;
      }
    }
  }
}

/** The refusal hints (src/core/diagnose/authorization-refused.ts and the provider hints of the error diagnoses). */
function refusedText(hint: RefusalHint): string {
  switch (hint.kind) {
    case 'authorization-refused': {
      const why =
        'a server shows a refusal to the user, not to the app, when the redirect_uri or the client_id is wrong (RFC 6749 §4.1.2.1)';
      if (hint.at === 'authorization-request' && hint.errorPage)
        return `The authorization server answered the authorization request (${hint.method} ${withoutQuery(hint.url)}) with its error page${hint.status !== null ? ` (HTTP ${hint.status})` : ''} and did not redirect back to the redirect_uri: it refused the request before sign-in; ${why}.`;
      if (hint.at === 'authorization-request')
        return `The authorization server answered ${hint.status ?? 'with an error'} to the authorization request (${hint.method} ${withoutQuery(hint.url)}) and did not redirect back to the redirect_uri: it refused the request before sign-in; ${why}.`;
      const page = hint.errorPage
        ? `its error page (${hint.url}${hint.status !== null ? `, HTTP ${hint.status}` : ''})`
        : `${hint.method} ${withoutQuery(hint.url)}, answered ${hint.status ?? 'with an error'},`;
      return `The authorization server's redirects ended at ${page} instead of the redirect_uri: it refused the request; ${why}.`;
    }
    case 'refusal-reason': {
      const known = providerTerm(hint.term);
      const whose = hint.provider !== null ? `${PROVIDER_NAMES[hint.provider]}'s ` : '';
      const where = REFUSAL_SOURCES[hint.source];
      return `${where} ${whose}"${hint.term}": ${known?.meaning ?? CAUSE_PHRASES[hint.cause]}.`;
    }
    case 'usual-refusal-causes': {
      const seen = hint.bodyObserved
        ? 'its page names no cause this tool recognises'
        : 'its page was not captured (a live capture has no bodies: open the page, or record a HAR)';
      return hint.status !== null && hint.status >= 500
        ? `A server error (${hint.status}), and ${seen}: retry; if it persists, the server's logs say why (some servers answer 500 to an unknown client).`
        : `${seen[0]!.toUpperCase()}${seen.slice(1)}: usually the redirect_uri is not registered for the client (compared exactly, character for character), or the client_id is unknown; also check the scope and response_type.`;
    }
    case 'redirect-uri-has-fragment':
      return `The redirect_uri ${hint.redirectUri} has a fragment (#…): a redirection endpoint must not include one (RFC 6749 §3.1.2), so it matches no registered redirect URI. Drop the fragment.`;
    case 'provider-setting': {
      const provider = PROVIDER_NAMES[hint.provider];
      const action = `${settingAction(hint)} (${hint.location})`;
      if (hint.recognizedBy === 'host') return `${hint.confirmed ? '' : 'If that is the cause: '}In ${provider}, ${action}.`;
      const looks = `This looks like ${provider} (by its ${hint.recognizedBy === 'layout' ? 'endpoint layout' : 'error vocabulary'})`;
      return `${looks}${hint.confirmed ? ':' : '; if that is the cause,'} ${action}.`;
    }
  }
}

/** A URL without its query: enough to name an endpoint (its parameters are in the evidence and the steps). */
function withoutQuery(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** What to do with the provider's setting for the cause. */
function settingAction(hint: Extract<RefusalHint, { kind: 'provider-setting' }>): string {
  switch (hint.cause) {
    case 'redirect-uri':
      return hint.redirectUri !== null ? `list ${hint.redirectUri} in ${hint.setting}, character for character` : `check ${hint.setting}`;
    case 'client-id':
      return hint.clientId !== null ? `check that ${client(hint.clientId)} matches ${hint.setting}` : `check ${hint.setting}`;
    default:
      return `check ${hint.setting}`;
  }
}

const REFUSAL_SOURCES: Readonly<Record<Extract<RefusalHint, { kind: 'refusal-reason' }>['source'], string>> = {
  page: 'Its page says',
  'error-parameters': "Its error page's address names",
  'error-code': 'The error code is',
  'error-description': 'Its error_description says',
};

const CAUSE_PHRASES: Readonly<Record<RefusalCause, string>> = {
  'redirect-uri': 'the redirect_uri is not registered for the client',
  'client-id': 'the client_id is unknown',
  'client-not-allowed': 'this client is not allowed this grant or response type',
  scope: 'a requested scope is unknown or not allowed',
  'response-type': 'this response_type is not allowed for the client',
  request: 'a parameter is missing, invalid or sent twice',
  'consent-required': 'consent is required',
  'login-required': 'there is no session to sign in silently',
  'missing-parameter': 'a required parameter is missing',
  'spa-cross-origin': 'the client is not registered as a single-page application',
  'client-authentication': 'client authentication is required',
  pkce: 'the PKCE verifier does not match',
  'code-redeemed': 'the code was already redeemed',
  'grant-expired': 'the grant expired or was revoked',
  'server-error': 'a failure at the authorization server',
  unknown: "a code this tool does not decode: see the provider's documentation",
};

/** Why the browser withheld a token response, and what fixes it. */
function tokenResponseBlocked(hint: Extract<DiagnosisHint, { kind: 'token-response-blocked' }>): string {
  const got = hint.status !== null ? `HTTP ${hint.status}` : 'a response (its status was not captured)';
  const failed = hint.browserError !== null ? ` and then failed in the browser (${hint.browserError})` : '';
  const request = `The token request (${hint.grantType ?? 'no grant_type'}) from ${hint.origin} to ${hint.endpoint} got ${got}${failed}`;
  if (hint.refusal.kind === 'no-cors-mode')
    return `${request}: it was sent with mode "no-cors", so the app gets an opaque response, status 0 and no body, whatever the server answered (Fetch Standard, "opaque filtered response"). Send it with mode "cors", fetch's default.`;
  const fix =
    hint.withCredentials === true
      ? `The token endpoint must answer Access-Control-Allow-Origin: ${hint.origin} and Access-Control-Allow-Credentials: true, or the app must send the request without credentials.`
      : hint.withCredentials === false
        ? `The token endpoint must answer Access-Control-Allow-Origin: ${hint.origin} (or *).`
        : `The token endpoint must answer Access-Control-Allow-Origin: ${hint.origin}, with Access-Control-Allow-Credentials: true if the app sends credentials (the HAR was exported without its Cookie headers, so whether it did is not observable).`;
  return `${request}: ${refusalText(hint.refusal, hint.origin)}, so the browser keeps the response from the app, which sees a network error (Fetch Standard, "CORS check"). ${fix}`;
}

function refusalText(refusal: CorsRefusal, origin: string): string {
  switch (refusal.kind) {
    case 'no-cors-mode':
      return 'it was sent with mode "no-cors"';
    case 'allow-origin-missing':
      return 'its response has no Access-Control-Allow-Origin';
    case 'allow-origin-several':
      return `its Access-Control-Allow-Origin holds more than one value (${refusal.values.join(', ')}), and only one origin is allowed`;
    case 'allow-origin-wildcard-with-credentials':
      return 'its Access-Control-Allow-Origin is *, which does not allow a request with credentials (it carried cookies)';
    case 'allow-origin-other':
      return `its Access-Control-Allow-Origin is ${refusal.allowed}, not ${origin}`;
    case 'allow-credentials-missing':
      return 'the request carried credentials (cookies), and its response lacks Access-Control-Allow-Credentials: true';
  }
}

function preflightFailed(hint: Extract<DiagnosisHint, { kind: 'preflight-failed' }>): string {
  const headers = hint.requestedHeaders.length ? ` with the headers ${hint.requestedHeaders.join(', ')}` : '';
  const unsent = hint.unsentError !== null ? ` It shows in the capture as failed (${hint.unsentError}), without a response.` : '';
  return `The CORS preflight (OPTIONS ${hint.endpoint} from ${hint.origin}, for ${hint.method}${headers}) ${preflightFailureText(hint.failure, hint.origin, hint.method)}, and no token request was answered after it: the browser never sent the token request (Fetch Standard, "CORS-preflight fetch").${unsent}${preflightCause(hint.requestedHeaders)}`;
}

function preflightFailureText(failure: PreflightFailure, origin: string, method: string): string {
  switch (failure.kind) {
    case 'no-response':
      return `got no response${failure.error !== null ? ` (${failure.error})` : ''}`;
    case 'status-not-ok':
      return `was answered HTTP ${failure.status}, not an ok status (2xx)`;
    case 'origin-refused':
      return `was answered HTTP ${failure.status}, but ${refusalText(failure.refusal, origin)}`;
    case 'method-not-allowed':
      return `was answered HTTP ${failure.status}, but its Access-Control-Allow-Methods (${failure.allowed.join(', ') || 'absent'}) does not allow ${method}`;
    case 'headers-not-allowed':
      return `was answered HTTP ${failure.status}, but its Access-Control-Allow-Headers (${failure.allowed.join(', ') || 'absent'}) does not allow ${failure.refused.join(', ')}`;
  }
}

/**
 * What made the browser send a preflight at all: a form-encoded POST without added headers needs none (its
 * Content-Type and the browser's own headers are CORS-safelisted).
 */
function preflightCause(requestedHeaders: readonly string[]): string {
  const added = requestedHeaders.filter((name) => name !== 'content-type');
  let causes = '';
  if (requestedHeaders.includes('content-type'))
    causes += ' Its Content-Type is not a form: RFC 6749 §4.1.3 asks for application/x-www-form-urlencoded, which needs no preflight.';
  if (added.length) {
    const them = added.length === 1 ? 'it' : 'them';
    causes += ` ${added.join(', ')} ${added.length === 1 ? 'is a header' : 'are headers'} the app added: without ${them}, a form-encoded token request needs no preflight; with ${them}, the server must list ${them} in Access-Control-Allow-Headers.`;
  }
  return causes;
}

function nearMiss(kind: PkceNearMissKind, otherFlowId: string | null): string {
  return `${NEAR_MISS_PHRASES[kind]}${otherFlowId !== null ? ` (${otherFlowId})` : ''}`;
}

/** A client id from the network, quoted only when it is a plain token. */
function client(id: string): string {
  const plain = quotable(id);
  return plain ? `client ${plain}` : 'another client (see the evidence)';
}

function answer(status: number, error: string | null): string {
  return `${status}${error !== null ? ` ${error}` : ''}`;
}

/** A state is public, but may be long (some libraries pack JSON or a JWT in it): enough to recognise it. */
function shortened(value: string): string {
  return value.length > 48 ? `${value.slice(0, 48)}…` : value;
}

function iso(time: number): string {
  // Date throws beyond ±8.64e15 ms.
  return Math.abs(time) <= 8.64e15 ? new Date(time).toISOString() : String(time);
}

function seconds(ms: number): number {
  return Number((ms / 1000).toFixed(1));
}
