/**
 * A callback handled twice. The same authorization response (the same code and state) arrived at the redirect_uri
 * again after its code was redeemed: the page that holds it in its URL was reloaded, reached again with Back, or
 * navigated to again (by the app, or in a second tab). An SDK removes what it stored for the sign-in once it reads
 * the response, so its second run finds nothing and fails in the page without a request (its "state not found"
 * error), or, if the app keeps no such record, it sends the code again and the server refuses it: a code is
 * one-time (RFC 6749 §4.1.2), which the invalid_grant diagnosis says.
 *
 * Nothing here breaks a spec (a person may reload a page), so it is no rule finding; the flow itself succeeded.
 * Only a response whose code was redeemed before it arrived again is judged: two arrivals before any token request
 * are one sign-in whose page loaded twice, and say nothing about a handler running on a used response.
 */
import { isSuccess } from '../code-flow.ts';
import { quotable } from '../evidence.ts';
import { callbacksOf } from '../flow-facts.ts';
import type { Callback, Evidence, Flow, TokenRequest } from '../model.ts';
import { comparableSecret } from '../redaction-marker.ts';
import { arrivalTime } from './context.ts';
import { DIAGNOSIS_TITLES, type Diagnosis, type DiagnosisHint } from './types.ts';

export function callbackLoadedAgain(flow: Flow): Diagnosis | undefined {
  const first = flow.callback;
  // A code redacted without a number (a redacted HAR) cannot be told from another: no repeat is concluded.
  const code = comparableSecret(first?.code);
  if (!first || code === undefined || first.error !== undefined) return undefined;
  const sameResponse = (c: Callback) => c !== first && comparableSecret(c.code) === code && c.state === first.state;
  const firstArrival = arrivalTime(first);
  const exchangesOfCode = flow.codeExchanges
    .filter((r) => r.grantType === 'authorization_code' && comparableSecret(r.code) === code)
    .sort((a, b) => a.exchange.time - b.exchange.time);
  const redeemed = exchangesOfCode.find((r) => r.exchange.time >= firstArrival && isSuccess(r.exchange.status));
  if (!redeemed) return undefined;
  const later = callbacksOf(flow)
    .filter((c) => sameResponse(c) && arrivalTime(c) > redeemed.exchange.time)
    .sort((a, b) => arrivalTime(a) - arrivalTime(b));
  if (!later.length) return undefined;

  // What followed each later arrival, up to the next one: no token request, or the code sent again.
  let withoutRequest = 0;
  const sentAgain: TokenRequest[] = [];
  later.forEach((arrival, i) => {
    const from = arrivalTime(arrival);
    const until = i + 1 < later.length ? arrivalTime(later[i + 1]!) : Number.POSITIVE_INFINITY;
    const next = exchangesOfCode.find((r) => r.exchange.time >= from && r.exchange.time < until);
    if (next) sentAgain.push(next);
    else withoutRequest++;
  });

  const tabOf = (c: Callback) => (c.arrival ?? c.exchange).tabId;
  const firstTab = tabOf(first);
  const tabs = later.map(tabOf);
  const sameTab = firstTab === undefined || tabs.some((t) => t === undefined) ? null : tabs.every((t) => t === firstTab);
  const afterMs = arrivalTime(later[0]!) - redeemed.exchange.time;
  const hints: DiagnosisHint[] = [{ kind: 'callback-loaded-again', loads: later.length + 1, afterMs, sameTab }];
  if (withoutRequest) hints.push({ kind: 'repeat-found-no-transaction' });
  for (const request of sentAgain) {
    hints.push({
      kind: 'repeat-sent-code-again',
      exchangeId: request.exchange.id,
      status: request.exchange.status ?? null,
      error: quotable(request.response?.error) ?? null,
    });
  }
  hints.push({ kind: 'strip-code-after-handling' });

  const evidence: Evidence[] = [
    { label: 'code', value: first.code!, secret: true },
    { label: 'redeemed by', value: `${redeemed.exchange.id} (HTTP ${redeemed.exchange.status})` },
    { label: 'loads of the same response', value: String(later.length + 1) },
    { label: 'loaded again after the redemption', value: `${Math.round(afterMs)} ms` },
    ...(sameTab !== null ? [{ label: 'same tab', value: sameTab ? 'yes' : 'no' }] : []),
  ];
  const arrivalIds = (c: Callback) => [c.exchange.id, ...(c.arrival ? [c.arrival.id] : [])];
  return {
    id: `${flow.id}:callback-loaded-again`,
    kind: 'callback-loaded-again',
    flowId: flow.id,
    title: DIAGNOSIS_TITLES['callback-loaded-again'],
    // The repeat is on the wire. The code sent again shows the handler ran on it; without a request, an app may
    // also have handled the reload well (keycloak-js ignores it): the same traffic fits a working app, and the
    // sign-in itself finished, so this must not read as a stuck flow (src/report/verdict.ts counts likely ones).
    likelihood: sentAgain.length ? 'likely' : 'possible',
    evidence,
    exchangeIds: [
      ...new Set([...arrivalIds(first), redeemed.exchange.id, ...later.flatMap(arrivalIds), ...sentAgain.map((r) => r.exchange.id)]),
    ],
    hints,
  };
}
