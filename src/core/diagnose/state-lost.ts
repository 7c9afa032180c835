/**
 * The state may have been lost. The app keeps the state (and the PKCE verifier) where its callback page must
 * find it again: per tab (sessionStorage) or per origin (web storage, cookies). When the page cannot, the code
 * is never redeemed and the app often starts over. Only a code callback that no token request followed is
 * judged: once the code is redeemed, the state was found (or not checked, which the rule state-mismatch
 * reports).
 */
import { header, splitUrl } from '../params.ts';
import type { Evidence, Flow } from '../model.ts';
import { headerRemoved } from '../removed-headers.ts';
import { arrivalTime, type DiagnosisContext } from './context.ts';
import { DIAGNOSIS_TITLES, strongest, type Diagnosis, type DiagnosisHint, type Likelihood } from './types.ts';

/**
 * A new authorization request of the same app this soon after a callback whose code was never redeemed: the
 * app started over, the usual sign of a lost state.
 */
const RESTART_WINDOW_MS = 30_000;

export function stateLost(flow: Flow, context: DiagnosisContext): Diagnosis | undefined {
  const callback = flow.callback;
  if (callback?.code === undefined || flow.codeExchanges.length) return undefined;
  const arrival = callback.arrival ?? callback.exchange;
  const arrivedAt = splitUrl(callback.url)?.origin;
  const auth = flow.authorization;
  const found: { hint: DiagnosisHint; likelihood: Likelihood; evidence: Evidence[] }[] = [];

  if (auth) {
    const fromTab = auth.exchange.tabId;
    if (fromTab !== undefined && arrival.tabId !== undefined && arrival.tabId !== fromTab) {
      found.push({
        hint: { kind: 'callback-in-other-tab', authorizationTab: fromTab, callbackTab: arrival.tabId },
        likelihood: 'likely',
        evidence: [
          { label: 'authorization request tab', value: String(fromTab) },
          { label: 'callback tab', value: String(arrival.tabId) },
        ],
      });
    }
    const startedFrom = auth.exchange.initiatorOrigin;
    if (startedFrom !== undefined && arrivedAt !== undefined && startedFrom !== arrivedAt) {
      found.push({
        hint: { kind: 'callback-at-other-origin', startedFrom, arrivedAt },
        likelihood: 'likely',
        evidence: [
          { label: 'authorization request started by', value: startedFrom },
          { label: 'callback origin', value: arrivedAt },
        ],
      });
    }
  } else if (callback.state !== undefined) {
    // The capture began after the sign-in did, or the callback answers no request of this app (an old or
    // forged link, which the app must refuse: RFC 6749 §10.12).
    found.push({
      hint: {
        kind: 'state-matches-no-request',
        state: callback.state,
        pending: context.pendingStates(callback.target, arrivalTime(callback)),
      },
      likelihood: 'possible',
      evidence: [{ label: 'callback state', value: callback.state }],
    });
  }

  // A cookie marked SameSite=Lax or Strict is not sent with a cross-site POST (RFC 6265bis, the SameSite
  // attribute), which is how a form_post response arrives. Only judged when the request headers were captured
  // and the capture did not remove the Cookie header (a sanitized HAR).
  if (
    callback.mode === 'form_post' &&
    arrival.requestHeaders.length &&
    !headerRemoved(arrival, 'cookie') &&
    header(arrival.requestHeaders, 'sec-fetch-site') === 'cross-site' &&
    header(arrival.requestHeaders, 'cookie') === undefined
  ) {
    found.push({
      hint: { kind: 'form-post-without-cookie' },
      likelihood: 'possible',
      evidence: [
        { label: 'Sec-Fetch-Site', value: 'cross-site' },
        { label: 'Cookie', value: '(absent)' },
      ],
    });
  }

  const arrived = arrivalTime(callback);
  const nextStart = context.nextStartAfter(flow, callback, arrived);
  if (nextStart !== undefined && nextStart - arrived <= RESTART_WINDOW_MS) {
    found.push({
      hint: { kind: 'app-started-over', afterMs: nextStart - arrived, clientId: auth?.clientId ?? null },
      likelihood: 'likely',
      evidence: [{ label: 'next authorization request after', value: `${Math.round(nextStart - arrived)} ms` }],
    });
  }
  if (!found.length) return undefined;
  return {
    id: `${flow.id}:state-lost`,
    kind: 'state-lost',
    flowId: flow.id,
    title: DIAGNOSIS_TITLES['state-lost'],
    likelihood: strongest(found.map((f) => f.likelihood)),
    evidence: found.flatMap((f) => f.evidence),
    exchangeIds: [...new Set([...(auth ? [auth.exchange.id] : []), callback.exchange.id, arrival.id])],
    hints: found.map((f) => f.hint),
  };
}
