import { observedAuthorizations, codeGrants } from '../code-flow.ts';
import type { AuthorizationRequest, Exchange, Flow, ParRequest } from '../model.ts';
import { bodyText } from '../body.ts';
import { comparableSecret } from '../redaction-marker.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 7636 §7.1: the code_verifier must be a fresh high-entropy value per authorization request; RFC 9700
 * §2.1.1: PKCE binds one authorization request to one token request, which a verifier or challenge used in
 * two flows no longer does (a leaked value serves again, and codes of one flow redeem with another's verifier).
 */
export default defineRule({
  meta: {
    id: 'pkce-value-reused',
    severity: 'error',
    title: 'PKCE verifier or challenge reused across flows',
    citation: 'RFC 9700 §2.1.1; RFC 7636 §7.1',
    fix: 'Generate a fresh verifier (and challenge) for every authorization request',
    evidence: 'W',
  },
  check({ flows, classified, report }) {
    const resent = resentAuthorizations(flows);
    const uses = new Map<string, Use[]>();
    // One use per flow and role: the flows already counted, by role then value (a Set, not a scan of the list).
    const counted = { challenge: new Map<string, Set<Flow>>(), verifier: new Map<string, Set<Flow>>() };
    const add = (value: string, use: Use) => {
      const flows = counted[use.role].get(value);
      if (flows?.has(use.flow)) return;
      if (flows) flows.add(use.flow);
      else counted[use.role].set(value, new Set([use.flow]));
      const list = uses.get(value);
      if (list) list.push(use);
      else uses.set(value, [use]);
    };
    for (const auth of observedAuthorizations(flows, classified)) {
      if (!auth.flow || auth.codeChallenge === undefined || resent.has(auth.flow)) continue;
      add(auth.codeChallenge, { flow: auth.flow, role: 'challenge', exchange: auth.exchanges.at(-1)!, time: auth.time });
    }
    for (const flow of flows) {
      for (const request of codeGrants(flow)) {
        // A verifier redacted without a number (a redacted HAR) cannot be told from another.
        const verifier = comparableSecret(request.codeVerifier);
        if (verifier !== undefined) add(verifier, { flow, role: 'verifier', exchange: request.exchange, time: request.exchange.time });
      }
    }
    for (const [value, list] of uses) {
      const flowsUsing = [...new Set(list.map((u) => u.flow))];
      if (flowsUsing.length < 2) continue;
      const last = list.reduce((a, b) => (b.time > a.time ? b : a));
      const roles = [...new Set(list.map((u) => u.role))].sort();
      const what = roles.length === 2 ? 'PKCE value (as verifier and challenge)' : `PKCE ${roles[0]}`;
      const others = flowsUsing.filter((f) => f !== last.flow);
      report({
        flow: last.flow,
        message: `The same ${what} is used in ${flowsUsing.length} flows; each authorization request needs a fresh one.`,
        exchanges: list.map((u) => u.exchange),
        evidence: [
          { label: roles.includes('verifier') ? 'code_verifier' : 'code_challenge', value, secret: roles.includes('verifier') },
          ...others.map((f) => ({ label: 'also used in flow', value: f.id })),
        ],
      });
    }
  },
});

interface Use {
  flow: Flow;
  role: 'challenge' | 'verifier';
  exchange: Exchange;
  time: number;
}

/**
 * Flows whose authorization request is the very same request as a later flow's (a reload or back navigation
 * re-sent it, or the same PAR request_uri was loaded again) and that got nothing back: one request seen twice,
 * not a challenge reused by the client. par-misuse and value-reused speak for a re-sent request_uri or state.
 */
function resentAuthorizations(flows: readonly Flow[]): Set<Flow> {
  // The same request: the same PAR request, or the same method, URL and body. Grouped by each, so a request
  // repeated N times is one group, not N² comparisons.
  const byPar = new Map<ParRequest, Latest>();
  const byRequest = new Map<string, Latest>();
  const note = <K>(map: Map<K, Latest>, key: K, time: number) => {
    const group = map.get(key);
    if (!group) map.set(key, { time, count: 1 });
    else if (time > group.time) map.set(key, { time, count: 1 });
    else if (time === group.time) group.count++;
  };
  for (const flow of flows) {
    const auth = flow.authorization;
    if (!auth) continue;
    if (auth.par) note(byPar, auth.par, auth.exchange.time);
    note(byRequest, requestKey(auth), auth.exchange.time);
  }
  // Another request of the group was sent at the same time or later: the group's latest is later than this
  // one, or as late and shared.
  const repeated = (group: Latest | undefined, time: number) => !!group && (group.time > time || group.count > 1);
  const resent = new Set<Flow>();
  for (const flow of flows) {
    const auth = flow.authorization;
    if (!auth || flow.callback || flow.codeExchanges.length) continue;
    const time = auth.exchange.time;
    if ((auth.par && repeated(byPar.get(auth.par), time)) || repeated(byRequest.get(requestKey(auth)), time)) resent.add(flow);
  }
  return resent;
}

/** The latest time a request of a group was sent, and how many were sent then. */
interface Latest {
  time: number;
  count: number;
}

function requestKey(auth: AuthorizationRequest): string {
  return JSON.stringify([auth.exchange.method, auth.exchange.url, bodyText(auth.exchange.requestBody) ?? null]);
}
