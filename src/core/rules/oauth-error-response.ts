import { stringMember } from '../body.ts';
import { diagnoseInvalidGrant, type InvalidGrantCause } from '../diagnose-invalid-grant.ts';
import { capped, quotable } from '../evidence.ts';
import type { Callback, Evidence, Flow, TokenRequest } from '../model.ts';
import { firstParam } from '../params.ts';
import { defineRule, type RuleContext } from './rule.ts';

/**
 * RFC 6749 §4.1.2.1 (authorization error response: `error`, `error_description`, `error_uri` in the redirect)
 * and §5.2 (token endpoint error: a JSON body with the same members, usually HTTP 400); OIDC Core §3.1.2.6 adds
 * login_required, interaction_required, consent_required and friends.
 *
 * Reports every error response a flow received, with the decoded error, error_description and error_uri as
 * evidence (network strings: capped and never interpreted; the code is quoted in the message only when it is a
 * plain token), and the usual cause of the code. At the token endpoint the code lives only in the body: a 4xx
 * or 5xx answer whose body was not observed says the code is not observable. Info, or warning for server_error
 * and invalid_request. Other rules should not also report a missing code for an error callback.
 *
 * An invalid_grant is explained by the invalid_grant decoder (src/core/diagnose-invalid-grant.ts, catalogue
 * diagnostics §5): the likeliest cause the traffic shows goes in the message, every cause in the evidence. When
 * the traffic shows none, the usual causes are listed.
 */

/** Authorization error decoder (rules catalogue, stuck-redirect diagnostics §9). Exact codes only. */
const AUTHORIZATION_CAUSES: ReadonlyMap<string, string> = new Map([
  ['access_denied', 'the user refused (or the authorization server denied the request by policy)'],
  ['invalid_request', 'an unsupported or missing PKCE method, a missing required parameter, or a duplicated parameter'],
  ['unauthorized_client', 'this client is not allowed this grant or response type'],
  ['unsupported_response_type', 'this client is not allowed this grant or response type'],
  ['invalid_scope', 'a requested scope is unknown, malformed or not allowed for this client'],
  ['server_error', 'a failure at the authorization server: retry'],
  ['temporarily_unavailable', 'the authorization server is overloaded or in maintenance: retry'],
]);

const SILENT_FAILURES: ReadonlySet<string> = new Set([
  'login_required',
  'interaction_required',
  'consent_required',
  'account_selection_required',
]);

/** Token endpoint errors (RFC 6749 §5.2; catalogue §5, §7, §8), when the invalid_grant decoder finds nothing. */
const TOKEN_CAUSES: ReadonlyMap<string, string> = new Map([
  [
    'invalid_grant',
    "the code was already used or has expired, the redirect_uri differs from the authorization request, the PKCE verifier does not match the challenge, the client_id differs, or the code went to another issuer's token endpoint",
  ],
  [
    'invalid_client',
    'client authentication failed: a secret sent by a public client or missing for a confidential one, Basic credentials not form-urlencoded before base64, or two authentication methods at once',
  ],
  [
    'invalid_request',
    'a missing parameter (often redirect_uri, left out for an OAuth 2.0 server), a JSON body instead of a form, or a duplicated parameter',
  ],
  ['unauthorized_client', 'this client is not allowed this grant type'],
  ['unsupported_grant_type', 'the authorization server does not support this grant_type'],
  ['invalid_scope', 'a requested scope is unknown or exceeds what was granted'],
  ['use_dpop_nonce', 'the server requires a DPoP nonce: retry with a proof carrying the DPoP-Nonce header it returned'],
  ['invalid_dpop_proof', 'the DPoP proof was rejected (htm/htu, iat, jti, nonce or signature)'],
  ['server_error', 'a failure at the authorization server: retry'],
  ['temporarily_unavailable', 'the authorization server is overloaded or in maintenance: retry'],
]);

const RAISED: ReadonlySet<string> = new Set(['server_error', 'invalid_request']);

export default defineRule({
  meta: {
    id: 'oauth-error-response',
    severity: 'info',
    title: 'The authorization server returned an OAuth error',
    citation: 'RFC 6749 §4.1.2.1, §5.2; OIDC Core §3.1.2.6',
    fix: 'Read the decoded error and its likely cause, and fix the request it points to',
    evidence: 'W+B',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      for (const callback of [flow.callback, ...flow.repeatedCallbacks]) {
        if (callback?.error !== undefined) reportCallback(flow, callback, report);
      }
      for (const request of [...flow.codeExchanges, ...flow.refreshes]) reportToken(flow, request, report);
    }
  },
});

type ReportFn = RuleContext['report'];

function named(error: string): string {
  const code = quotable(error);
  return code ? `error ${code}` : 'an error whose code is not a plain token (see evidence)';
}

function severityOf(error: string | undefined): 'warning' | 'info' {
  return error !== undefined && RAISED.has(error) ? 'warning' : 'info';
}

function errorEvidence(error: string | undefined, description: string | undefined, uri: string | undefined): Evidence[] {
  return [
    ...(error !== undefined ? [{ label: 'error', value: capped(error) }] : []),
    ...(description !== undefined ? [{ label: 'error_description', value: capped(description) }] : []),
    ...(uri !== undefined ? [{ label: 'error_uri', value: capped(uri) }] : []),
  ];
}

function reportCallback(flow: Flow, callback: Callback, report: ReportFn): void {
  const error = callback.error!;
  let cause = AUTHORIZATION_CAUSES.get(error);
  if (SILENT_FAILURES.has(error)) {
    const auth = flow.authorization;
    const silent = auth ? firstParam(auth.params, 'prompt')?.split(' ').includes('none') : false;
    const framed = auth?.exchange.initiator === 'subframe';
    cause =
      silent && framed
        ? 'this prompt=none request ran in an iframe, where blocked third-party cookies hide the session, or the user must sign in or consent interactively'
        : silent
          ? 'this prompt=none request found no usable session, so the user must sign in or consent interactively'
          : framed
            ? 'the request ran in an iframe, where blocked third-party cookies hide the session from the authorization server'
            : 'a prompt=none request, or an iframe whose third-party cookies are blocked, found no usable session: the user must sign in or consent interactively';
  }
  report({
    flow,
    severity: severityOf(error),
    message: `The authorization response carries ${named(error)}${cause ? `; likely cause: ${cause}` : ''}.`,
    exchanges: [callback.exchange, callback.arrival],
    evidence: [...errorEvidence(error, callback.errorDescription, callback.errorUri), { label: 'response mode', value: callback.mode }],
  });
}

function reportToken(flow: Flow, request: TokenRequest, report: ReportFn): void {
  const response = request.response;
  const status = response?.status;
  const statusEvidence: Evidence[] = status !== undefined ? [{ label: 'HTTP status', value: String(status) }] : [];
  const grant = request.grantType !== undefined ? [{ label: 'grant_type', value: capped(request.grantType) }] : [];
  const error = response?.error;
  if (error !== undefined) {
    const diagnosed = error === 'invalid_grant' ? diagnoseInvalidGrant(flow, request) : [];
    let cause = TOKEN_CAUSES.get(error);
    if (error === 'invalid_grant' && request.grantType === 'refresh_token') {
      cause = 'the refresh token was revoked, expired, or already used once and rotated (another tab may have refreshed first)';
    }
    if (diagnosed.length)
      cause = `${diagnosed[0]!.explanation}${diagnosed.length > 1 ? ` (${diagnosed.length - 1} more in the evidence)` : ''}`;
    report({
      flow,
      severity: severityOf(error),
      message: `The token endpoint answered${status !== undefined ? ` HTTP ${status}` : ''} with ${named(error)}${cause ? `; likely cause: ${cause}` : ''}.`,
      exchanges: [request.exchange, ...diagnosed.flatMap((c) => c.exchanges)],
      evidence: [
        ...errorEvidence(error, response?.errorDescription, stringMember(response?.json, 'error_uri')),
        ...statusEvidence,
        ...grant,
        ...diagnosed.flatMap(causeEvidence),
      ],
    });
    return;
  }
  if (status === undefined || status < 400) return;
  const why = response?.json
    ? response.json.error === undefined
      ? 'the JSON body has no error member'
      : "the JSON body's error member is not a string"
    : (response?.bodyProblem ?? 'response body not observed');
  report({
    flow,
    severity: 'info',
    message: `The token endpoint answered HTTP ${status}; the error code is not observable (${why}).`,
    exchanges: [request.exchange],
    evidence: [...statusEvidence, ...grant, { label: 'response body', value: why }],
  });
}

/** One invalid_grant cause as evidence: a numbered headline, then what shows it. */
function causeEvidence(cause: InvalidGrantCause, index: number): Evidence[] {
  return [{ label: `cause ${index + 1}`, value: `${cause.kind} (${cause.likelihood}): ${cause.explanation}` }, ...cause.evidence];
}
