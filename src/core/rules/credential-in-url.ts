import type { Exchange, Flow } from '../model.ts';
import { capped, paramEvidence, quotable } from '../evidence.ts';
import { callbacksOf, tokenRequestsOf } from '../flow-facts.ts';
import { parseForm, splitUrl } from '../params.ts';
import { comparableSecret } from '../redaction-marker.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 6750 §2.3 and §5.3: bearer tokens SHOULD NOT be passed in page URLs (query parameters end up in logs,
 * browser history and Referer headers); RFC 6749 §2.3.1: client credentials MUST NOT be included in the
 * request URI; RFC 9700 §4.3.2: access tokens in URLs leak. Checked on every observed request, resource-server
 * calls included.
 *
 * Not flagged here: the authorization response's `code` (it is meant to travel in the redirect URI), tokens in
 * a callback fragment (never sent; `implicit-grant` speaks about them), and access_token / id_token in a
 * callback query, which `tokens-in-query-response` reports.
 */
const CREDENTIAL_PARAMS: ReadonlySet<string> = new Set([
  'access_token',
  'id_token',
  'refresh_token',
  'client_secret',
  'code_verifier',
  'password',
]);

// One cheap test on the raw URL: most of a 50,000-entry HAR is never parsed.
const CREDENTIAL_HINT = /[?&](?:access_token|id_token|refresh_token|client_secret|code_verifier|password)=/;

/** Callback parameters that `tokens-in-query-response` owns when they arrive in a query. */
const CALLBACK_TOKENS: ReadonlySet<string> = new Set(['access_token', 'id_token']);

export default defineRule({
  meta: {
    id: 'credential-in-url',
    severity: 'error',
    title: 'Credential sent in a URL query',
    citation: 'RFC 6750 §2.3, §5.3; RFC 6749 §2.3.1; RFC 9700 §4.3.2',
    fix: 'Send tokens in the Authorization header and credentials in a POST body, never in the URL',
    evidence: 'W',
  },
  check({ flows, exchanges, classified, report }) {
    const candidates: { exchange: Exchange; target: string; origin: string; query: string }[] = [];
    for (const exchange of exchanges) {
      if (!CREDENTIAL_HINT.test(exchange.url)) continue;
      const split = splitUrl(exchange.url);
      if (split && CREDENTIAL_HINT.test(`?${split.query}`)) candidates.push({ exchange, ...split });
    }
    if (!candidates.length) return;

    // A CORS preflight repeats the URL of the request it precedes: report the request, not both.
    const sentByNonPreflight = new Set(candidates.filter((c) => c.exchange.method !== 'OPTIONS').map((c) => c.exchange.url));
    const index = indexFlows(flows);
    const callbackArrivals = new Set<Exchange>();
    const callbackQueryTokens = new Set<string>();
    for (const callback of classified.callbacks) {
      if (callback.mode !== 'query') continue;
      if (callback.arrival) callbackArrivals.add(callback.arrival);
      for (const token of [callback.accessToken, callback.idToken]) {
        // A token redacted without a number (a redacted HAR) cannot be recognised elsewhere.
        const comparable = comparableSecret(token);
        if (comparable) callbackQueryTokens.add(comparable);
      }
    }

    for (const { exchange, target, origin, query } of candidates) {
      if (exchange.method === 'OPTIONS' && sentByNonPreflight.has(exchange.url)) continue;
      const frontChannel = exchange.initiator === 'navigation' || exchange.initiator === 'subframe';
      const found = parseForm(query).params.filter((p) => {
        if (!CREDENTIAL_PARAMS.has(p.name) || p.value === '') return false;
        // The callback itself (or the client's own redirect of it, http→https…): tokens-in-query-response.
        if (CALLBACK_TOKENS.has(p.name) && (callbackArrivals.has(exchange) || (frontChannel && callbackQueryTokens.has(p.value))))
          return false;
        return true;
      });
      if (!found.length) continue;
      const names = [...new Set(found.map((p) => p.name))];
      const flow = index.byExchange.get(exchange) ?? found.map((p) => index.byValue.get(p.value)).find((f) => f !== undefined);
      report({
        ...(flow ? { flow } : {}),
        message: `A ${quotable(exchange.method) ? `${exchange.method} ` : ''}request to ${origin} carries ${names.join(', ')} in its URL query, where it ends up in server logs, browser history and Referer headers.`,
        exchanges: [exchange],
        evidence: [
          { label: 'request', value: capped(`${exchange.method} ${target}`) },
          ...found.map((p) => paramEvidence(p.name, p.value)),
        ],
      });
    }
  },
});

/** The flow a request belongs to: by its role in the flow, else by a token or verifier value the flow holds. */
function indexFlows(flows: readonly Flow[]): { byExchange: Map<Exchange, Flow>; byValue: Map<string, Flow> } {
  const byExchange = new Map<Exchange, Flow>();
  const byValue = new Map<string, Flow>();
  const value = (v: string | undefined, flow: Flow) => {
    const comparable = comparableSecret(v);
    if (comparable && !byValue.has(comparable)) byValue.set(comparable, flow);
  };
  for (const flow of flows) {
    const auth = flow.authorization;
    for (const ex of [auth?.exchange, auth?.par?.exchange]) if (ex) byExchange.set(ex, flow);
    for (const callback of callbacksOf(flow)) {
      byExchange.set(callback.exchange, flow);
      if (callback.arrival) byExchange.set(callback.arrival, flow);
      value(callback.accessToken, flow);
      value(callback.idToken, flow);
    }
    for (const request of tokenRequestsOf(flow)) {
      byExchange.set(request.exchange, flow);
      value(request.response?.accessToken, flow);
      value(request.response?.idToken, flow);
      value(request.response?.refreshToken, flow);
      value(request.refreshToken, flow);
      value(request.codeVerifier, flow);
    }
  }
  return { byExchange, byValue };
}
