import { observedAuthorizations, codeGrants } from '../code-flow.ts';
import type { AuthorizationRequest, Exchange, Flow } from '../model.ts';
import { bodyText } from '../body.ts';
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
    const add = (value: string, use: Use) => {
      const list = uses.get(value);
      if (!list) uses.set(value, [use]);
      else if (!list.some((u) => u.flow === use.flow && u.role === use.role)) list.push(use);
    };
    for (const auth of observedAuthorizations(flows, classified)) {
      if (!auth.flow || auth.codeChallenge === undefined || resent.has(auth.flow)) continue;
      add(auth.codeChallenge, { flow: auth.flow, role: 'challenge', exchange: auth.exchanges.at(-1)!, time: auth.time });
    }
    for (const flow of flows) {
      for (const request of codeGrants(flow)) {
        if (request.codeVerifier !== undefined)
          add(request.codeVerifier, { flow, role: 'verifier', exchange: request.exchange, time: request.exchange.time });
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
  const resent = new Set<Flow>();
  const withAuth = flows.filter((f) => f.authorization);
  for (let i = 0; i < withAuth.length; i++) {
    const earlier = withAuth[i]!;
    if (earlier.callback || earlier.codeExchanges.length) continue;
    if (
      withAuth.some(
        (later, j) =>
          j !== i &&
          later.authorization!.exchange.time >= earlier.authorization!.exchange.time &&
          sameRequest(earlier.authorization!, later.authorization!),
      )
    )
      resent.add(earlier);
  }
  return resent;
}

function sameRequest(a: AuthorizationRequest, b: AuthorizationRequest): boolean {
  if (a.par && a.par === b.par) return true;
  return (
    a.exchange.method === b.exchange.method &&
    a.exchange.url === b.exchange.url &&
    bodyText(a.exchange.requestBody) === bodyText(b.exchange.requestBody)
  );
}
