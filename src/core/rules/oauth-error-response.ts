import { stringMember } from '../body.ts';
import { DEVICE_CODE_GRANT } from '../device-grant.ts';
import { capped, quotable } from '../evidence.ts';
import type { Callback, Evidence, Flow, TokenRequest } from '../model.ts';
import { firstParam } from '../params.ts';
import { authorizationContextOf, authorizationErrorMeaning, tokenErrorMeaning } from '../oauth-errors.ts';
import { defineRule, type RuleContext } from './rule.ts';

/**
 * RFC 6749 §4.1.2.1 (authorization error response: `error`, `error_description`, `error_uri` in the redirect)
 * and §5.2 (token endpoint error: a JSON body with the same members, usually HTTP 400); OIDC Core §3.1.2.6 adds
 * login_required, interaction_required, consent_required and friends.
 *
 * Reports every error response a flow received, with the decoded error, error_description and error_uri as
 * evidence (network strings: capped and never interpreted; the code is quoted in the message only when it is a
 * plain token), and the usual cause of the code from the one table of OAuth error codes (src/core/oauth-errors.ts).
 * At the token endpoint the code lives only in the body: a 4xx or 5xx answer whose body was not observed says
 * the code is not observable. Info, or warning for server_error and invalid_request. Other rules should not also
 * report a missing code for an error callback.
 *
 * A device grant's poll answered authorization_pending or slow_down is the protocol going as designed (RFC 8628
 * §3.5: the client polls until the user decides), not an error to list; nor is a poll whose body was not observed
 * when the client polled the same device_code again (it would not after a final answer). The last answer,
 * expired_token or access_denied included, is the grant's outcome and is reported.
 *
 * Which cause the traffic shows (a code used twice, a redirect_uri difference…) is the stuck-flow diagnoses'
 * answer (src/core/diagnose/), not this finding's: one screen shows one answer.
 */

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
      const pending = pollsStillPending(flow);
      for (const request of [...flow.codeExchanges, ...flow.refreshes]) if (!pending.has(request)) reportToken(flow, request, report);
    }
  },
});

/** RFC 8628 §3.5: the answers that tell a device to keep polling. */
const KEEP_POLLING: ReadonlySet<string> = new Set(['authorization_pending', 'slow_down']);

/**
 * The flow's device-code polls that were answered "keep polling": authorization_pending or slow_down, or, with the
 * body not observed, a poll after which the client polled the same device_code again.
 */
function pollsStillPending(flow: Flow): Set<TokenRequest> {
  const pending = new Set<TokenRequest>();
  const polls = flow.codeExchanges.filter((r) => r.grantType === DEVICE_CODE_GRANT);
  const lastPollOf = new Map<string | undefined, TokenRequest>();
  for (const poll of polls) {
    const deviceCode = firstParam(poll.params, 'device_code');
    const last = lastPollOf.get(deviceCode);
    if (!last || poll.exchange.time >= last.exchange.time) lastPollOf.set(deviceCode, poll);
  }
  for (const poll of polls) {
    const error = poll.response?.error;
    const bodyUnread = error === undefined && poll.response?.json === undefined;
    if ((error !== undefined && KEEP_POLLING.has(error)) || (bodyUnread && lastPollOf.get(firstParam(poll.params, 'device_code')) !== poll))
      pending.add(poll);
  }
  return pending;
}

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
  const cause = authorizationErrorMeaning(error, authorizationContextOf(flow))?.cause;
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
    const cause = tokenErrorMeaning(error, request.grantType)?.cause;
    report({
      flow,
      severity: severityOf(error),
      message: `The token endpoint answered${status !== undefined ? ` HTTP ${status}` : ''} with ${named(error)}${cause ? `; likely cause: ${cause}` : ''}.`,
      exchanges: [request.exchange],
      evidence: [
        ...errorEvidence(error, response?.errorDescription, stringMember(response?.json, 'error_uri')),
        ...statusEvidence,
        ...grant,
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
