/**
 * An authorization code's one use and short life (RFC 6749 §4.1.2: the code MUST expire shortly after it is
 * issued, and the client MUST NOT use it more than once). One answer, shared by the rule code-replayed, the
 * rule code-exchange-late and the stuck-flow diagnoses, to "which earlier exchange used this code up" and
 * "how old may a code be". Pure.
 */
import { codeGrants, isSuccess } from './code-flow.ts';
import type { Flow, TokenRequest } from './model.ts';
import { comparableSecret } from './redaction-marker.ts';

/**
 * RFC 6749 §4.1.2: "A maximum authorization code lifetime of 10 minutes is RECOMMENDED." A code presented
 * later has expired wherever the server follows the recommendation.
 */
export const CODE_LIFETIME_MAX_MS = 600_000;

/**
 * Beyond this age a code may already have expired: servers commonly keep codes for one minute (the default
 * of node oidc-provider's AuthorizationCode TTL and of Keycloak's "Client login timeout"), well inside the
 * RFC 6749 §4.1.2 maximum. Below it, the code's age is not a likely cause of a refusal.
 */
export const CODE_AGE_SUSPECT_MS = 60_000;

/**
 * The earlier exchange of the same code that used it up, for a request that presents the code again:
 * - `redeemed`: the earliest earlier exchange answered 2xx (the server redeemed the code then);
 * - `refused`: none was answered 2xx, but one was answered (the earliest answered one): the server refused
 *   it, and may or may not have spent the code;
 * - `unanswered`: none got a response (the earliest attempt): the server may have redeemed it unseen.
 */
export interface CodeUse {
  by: TokenRequest;
  outcome: 'redeemed' | 'refused' | 'unanswered';
  /** How many exchanges presented the code before this request. */
  earlier: number;
}

/**
 * For every authorization_code grant of the flow that presents a code already presented before it (in time
 * order; at equal times, in the flow's order), how the earlier exchanges used the code up. One pass per code.
 */
export function codeUses(flow: Flow): Map<TokenRequest, CodeUse> {
  const byCode = new Map<string, TokenRequest[]>();
  for (const request of codeGrants(flow)) {
    // A code redacted without a number (a redacted HAR) cannot be told from another: no replay is concluded.
    const code = comparableSecret(request.code);
    if (code === undefined) continue;
    const list = byCode.get(code);
    if (list) list.push(request);
    else byCode.set(code, [request]);
  }
  const uses = new Map<TokenRequest, CodeUse>();
  for (const requests of byCode.values()) {
    // Array.prototype.sort is stable: equal times keep the flow's order.
    const ordered = [...requests].sort((a, b) => a.exchange.time - b.exchange.time);
    let redeemed: TokenRequest | undefined;
    let answered: TokenRequest | undefined;
    for (let i = 1; i < ordered.length; i++) {
      const previous = ordered[i - 1]!;
      if (!redeemed && isSuccess(previous.exchange.status)) redeemed = previous;
      if (!answered && previous.exchange.status !== undefined) answered = previous;
      const by = redeemed ?? answered ?? ordered[0]!;
      uses.set(ordered[i]!, { by, outcome: redeemed ? 'redeemed' : answered ? 'refused' : 'unanswered', earlier: i });
    }
  }
  return uses;
}
