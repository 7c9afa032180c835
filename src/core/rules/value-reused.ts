import { bodyText } from '../body.ts';
import { observedAuthorizations, type ObservedAuthorization } from '../code-flow.ts';
import { paramEvidence } from '../evidence.ts';
import { callbacksOf } from '../flow-facts.ts';
import type { Callback, Exchange, Flow } from '../model.ts';
import { comparableSecret } from '../redaction-marker.ts';
import { defineRule, type RuleContext } from './rule.ts';

/**
 * RFC 9700 §2.1: the CSRF token in `state` is one-time; §2.1.1: the OpenID Connect `nonce` MUST be
 * transaction-specific; §4.2.4: the state SHOULD be invalidated by the client after its first use at the
 * redirection endpoint, so a state leaked through a Referer (or a log) cannot be used again.
 *
 * Two ways a value shows on the wire as reused:
 * - The same `state` or `nonce` in the authorization requests of two transactions: requests that differ in
 *   their other per-transaction values (`state`, `nonce`, `code_challenge`). The very same request sent again (a
 *   retry after a refusal, a reload, an SDK that loads its stored request again, two loads of one PAR
 *   `request_uri`) is one transaction, not a reuse; a value shared with nothing else to tell the requests apart
 *   is judged by the whole request (method, URL, body).
 * - One `state` accepted at the callback twice: two authorization responses carrying it, with different codes,
 *   and both codes redeemed. The same response loaded again (the same code) is the stuck-flow diagnosis
 *   `callback-loaded-again`, and its code sent twice is `code-replayed`; an error response is not counted.
 * PKCE values reused are `pkce-value-reused`'s.
 */
export default defineRule({
  meta: {
    id: 'value-reused',
    severity: 'warning',
    title: 'state or nonce reused across sign-ins',
    citation: 'RFC 9700 §2.1, §2.1.1, §4.2.4',
    fix: 'Generate a fresh state and nonce for every authorization request, and discard them once its response is handled',
    evidence: 'W',
  },
  check({ flows, classified, report }) {
    const authorizations = observedAuthorizations(flows, classified);
    const reportedStates = new Set<string>();
    for (const role of ['state', 'nonce'] as const) {
      for (const [value, uses] of groupBy(authorizations, (a) => comparableSecret(nonEmpty(a[role])))) {
        const transactions = new Map<string, ObservedAuthorization>();
        for (const use of uses) {
          const key = transactionKey(use, role);
          if (!transactions.has(key)) transactions.set(key, use);
        }
        if (transactions.size < 2) continue;
        if (role === 'state') reportedStates.add(value);
        reportAcrossFlows(role, value, [...transactions.values()], report);
      }
    }
    reportStateAcceptedTwice(flows, classified.callbacks, classified.tokenRequests, reportedStates, report);
  },
});

/** The values that tell one transaction from another, besides the one reused; the whole request when there are none. */
function transactionKey(use: ObservedAuthorization, role: 'state' | 'nonce'): string {
  const others = [role === 'state' ? use.nonce : use.state, use.codeChallenge];
  if (others.some((v) => v !== undefined)) return JSON.stringify(others);
  const sent = use.exchanges.at(-1)!;
  return JSON.stringify([sent.method, sent.url, bodyText(sent.requestBody) ?? null]);
}

function reportAcrossFlows(
  role: 'state' | 'nonce',
  value: string,
  transactions: readonly ObservedAuthorization[],
  report: RuleContext['report'],
): void {
  const last = transactions.reduce((a, b) => (b.time > a.time ? b : a));
  const others = transactions.filter((t) => t !== last);
  report({
    ...(last.flow ? { flow: last.flow } : {}),
    // RFC 9700 §2.1.1: a nonce MUST be transaction-specific; a state reused is the SHOULD of §4.2.4.
    severity: role === 'nonce' ? 'error' : 'warning',
    message: `The same ${role} is sent by the authorization requests of ${transactions.length} different sign-ins (they differ in their other per-request values); each authorization request needs a fresh one.`,
    exchanges: transactions.flatMap((t) => t.exchanges),
    evidence: [
      paramEvidence(role, value),
      ...others.map((t) =>
        t.flow ? { label: 'also sent in flow', value: t.flow.id } : { label: 'also sent by', value: t.exchanges[0]!.id },
      ),
    ],
  });
}

/** A state whose callback was accepted twice: two authorization responses with different codes, each code redeemed. */
function reportStateAcceptedTwice(
  flows: readonly Flow[],
  callbacks: readonly Callback[],
  tokenRequests: readonly { grantType?: string; code?: string; exchange: Exchange }[],
  alreadyReported: ReadonlySet<string>,
  report: RuleContext['report'],
): void {
  const redemptions = new Map<string, Exchange>();
  for (const request of tokenRequests) {
    const code = comparableSecret(nonEmpty(request.code));
    if (request.grantType === 'authorization_code' && code !== undefined && !redemptions.has(code)) redemptions.set(code, request.exchange);
  }
  const flowOf = new Map<Callback, Flow>();
  for (const flow of flows) for (const callback of callbacksOf(flow)) flowOf.set(callback, flow);
  const redeemedCode = (c: Callback) => comparableSecret(nonEmpty(c.code));
  const accepted = callbacks.filter((c) => {
    const code = redeemedCode(c);
    return c.error === undefined && code !== undefined && redemptions.has(code);
  });
  for (const [state, group] of groupBy(accepted, (c) => comparableSecret(nonEmpty(c.state)))) {
    if (alreadyReported.has(state)) continue;
    const byCode = new Map<string, Callback>();
    for (const callback of group) {
      const code = redeemedCode(callback)!;
      if (!byCode.has(code)) byCode.set(code, callback);
    }
    if (byCode.size < 2) continue;
    const responses = [...byCode.values()];
    const flow = flowOf.get(responses.at(-1)!);
    report({
      ...(flow ? { flow } : {}),
      message: `${responses.length} authorization responses carrying the same state, each with its own code, were accepted and their codes redeemed: the state was not discarded after its first use at the callback.`,
      exchanges: responses.flatMap((c) => [c.arrival ?? c.exchange, redemptions.get(redeemedCode(c)!)!]),
      evidence: [
        paramEvidence('state', state),
        { label: 'responses accepted', value: String(responses.length) },
        ...responses.map((c) => ({ label: 'redeemed by', value: redemptions.get(redeemedCode(c)!)!.id })),
      ],
    });
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

/** Groups in first-seen order; items whose key is undefined are left out. */
function groupBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
