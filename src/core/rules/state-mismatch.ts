import { readable } from '../authorization-parameters.ts';
import type { AuthorizationRequest, Callback, Evidence, Flow } from '../model.ts';
import { splitUrl } from '../params.ts';
import { percentDecodeOnce } from '../redirect-uri.ts';
import { defineRule, type RuleContext } from './rule.ts';

/**
 * RFC 6749 §4.1.2 and §4.1.2.1: `state` is REQUIRED in the authorization response (success or error) if it
 * was present in the request, with "the exact value received from the client"; §10.12: the client must
 * reject a response whose state it did not issue for this user agent.
 *
 * Two findings:
 * - the callback's decoded state matches no authorization request seen before it (correlate.ts then makes a
 *   flow with a callback and no authorization). This is only claimed when an authorization request to the
 *   same redirect target (origin + path) was observed earlier; otherwise the capture may have started in
 *   the middle of the flow and the rule stays silent (flow.notes already says the request was not observed).
 *   It also stays silent when an earlier authorization request's state cannot be read (a `request_uri`
 *   without its PAR request, an encrypted request object). A state sent only in a readable request object
 *   counts: classify reads it, so correlation pairs the callback by it.
 * - the AS dropped the state: a callback without state that correlate.ts paired by redirect_uri to a flow
 *   whose authorization request sent one.
 */
export default defineRule({
  meta: {
    id: 'state-mismatch',
    severity: 'error',
    title: 'Authorization response state does not match',
    citation: 'RFC 6749 §4.1.2, §4.1.2.1, §10.12',
    fix: 'Reject the response; keep the exact state per pending flow (the AS must echo it unchanged)',
    evidence: 'W',
  },
  check({ flows, classified, report }) {
    for (const flow of flows) {
      const callback = flow.callback;
      if (!callback) continue;
      if (!flow.authorization && callback.state !== undefined) {
        checkOrphan(flow, callback, classified.authorizations, report);
      } else if (flow.authorization && callback.state === undefined) {
        const sent = readable(flow.authorization) ? flow.authorization.state : undefined;
        if (sent === undefined) continue;
        report({
          flow,
          message: `The ${callback.error !== undefined ? `error response (${callback.error})` : 'authorization response'} carries no state although the request sent one (paired by redirect_uri): the AS must echo state unchanged.`,
          exchanges: [flow.authorization.par?.exchange, flow.authorization.exchange, callback.exchange, callback.arrival],
          evidence: [
            { label: 'state sent', value: sent },
            { label: 'state returned', value: '(absent)' },
            { label: 'response', value: callback.error !== undefined ? `error=${callback.error}` : 'success' },
            { label: 'callback target', value: callback.target },
          ],
        });
      }
    }
  },
});

type ReportFn = RuleContext['report'];

function checkOrphan(flow: Flow, callback: Callback, authorizations: readonly AuthorizationRequest[], report: ReportFn): void {
  const state = callback.state!;
  const earlier = authorizations.filter((a) => a.exchange.time <= callback.exchange.time);
  // Cannot tell: an earlier request whose state is unreadable, or one that sent this state after all.
  if (earlier.some((auth) => !readable(auth) || auth.state === state)) return;
  const sameTarget = earlier.filter((auth) => targetOf(auth.redirectUri) === callback.target);
  if (!sameTarget.length) return;

  const pending = sameTarget.map((auth) => auth.state).filter((s): s is string => s !== undefined);
  const nearMiss = pending.map((sent) => nearMissOf(sent, state)).find((n) => n !== undefined);
  const latest = sameTarget[sameTarget.length - 1]!;
  const evidence: Evidence[] = [
    { label: 'state returned', value: state },
    ...[...new Set(pending)].slice(-5).map((value) => ({ label: 'state sent (earlier request to this redirect_uri)', value })),
    { label: 'callback target', value: callback.target },
  ];
  if (nearMiss) evidence.push({ label: 'near miss', value: nearMiss.kind });
  report({
    flow,
    message: `The authorization response's state matches no authorization request sent to this redirect_uri${nearMiss ? `; ${nearMiss.explanation}` : ''}.`,
    exchanges: [callback.exchange, callback.arrival, latest.exchange],
    evidence,
  });
}

function targetOf(uri: string | undefined): string | undefined {
  return uri ? splitUrl(uri)?.target : undefined;
}

/** Why a returned state may have been meant to be a sent one: an encoding slip, whitespace, truncation. */
function nearMissOf(sent: string, returned: string): { kind: string; explanation: string } | undefined {
  if (returned.replaceAll(' ', '+') === sent) {
    return { kind: 'plus-as-space', explanation: "a '+' in the state came back as a space (sent or echoed without percent-encoding)" };
  }
  if (percentDecodeOnce(returned) === sent)
    return { kind: 'encoded-twice', explanation: 'the returned state is still percent-encoded (encoded twice)' };
  if (percentDecodeOnce(sent) === returned)
    return { kind: 'decoded-twice', explanation: 'the returned state was percent-decoded once more than sent' };
  if (returned.trim() === sent.trim())
    return { kind: 'whitespace', explanation: 'the states differ only by leading or trailing whitespace' };
  if (returned.length > 0 && sent.startsWith(returned))
    return {
      kind: 'truncated',
      explanation: `the returned state is the first ${returned.length} of ${sent.length} characters of a sent one`,
    };
  if (returned.toLowerCase() === sent.toLowerCase()) return { kind: 'case', explanation: 'the states differ only in letter case' };
  return undefined;
}
