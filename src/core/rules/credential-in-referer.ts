import { capped, paramEvidence } from '../evidence.ts';
import { callbacksOf, tokenRequestsOf } from '../flow-facts.ts';
import type { Evidence, Exchange, Flow } from '../model.ts';
import { header, parseForm, splitUrl } from '../params.ts';
import { comparableSecret } from '../redaction-marker.ts';
import { defineRule, type RuleContext } from './rule.ts';

/**
 * RFC 9700 §4.2.4: the URL of the page that received the authorization response carries the code and the state,
 * and a Referer header hands them to every other site that page loads from or links to. Evidence: the `Referer`
 * request header of a cross-origin request (webRequest shows it in Chrome with 'extraHeaders'; a HAR keeps it).
 *
 * Browsers send only the origin across origins unless the page asks otherwise (`strict-origin-when-cross-origin`
 * is the default of the Referrer Policy spec, §3), so a leak on the wire means the page chose `unsafe-url` or
 * `no-referrer-when-downgrade`. A callback response that sets such a policy is noted at info even when no request
 * to another origin was observed; a callback without any policy is not, since the default protects it.
 *
 * `code` and `state` are generic names (`?code=SUMMER24`): they count only with a value an observed flow holds.
 * Tokens count by name. A request to the flow's own authorization server is no leak: it issued these values.
 */
const TOKEN_PARAMS: ReadonlySet<string> = new Set(['access_token', 'id_token', 'refresh_token']);
const REFERER_HINT = /[?&](?:code|state|access_token|id_token|refresh_token)=/;
/** Referrer policies that send the full URL, query included, to other origins (Referrer Policy §3). */
const LEAKING_POLICIES: ReadonlySet<string> = new Set(['unsafe-url', 'no-referrer-when-downgrade']);
const POLICY_TOKENS: ReadonlySet<string> = new Set([
  'no-referrer',
  'no-referrer-when-downgrade',
  'same-origin',
  'origin',
  'strict-origin',
  'origin-when-cross-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
]);

export default defineRule({
  meta: {
    id: 'credential-in-referer',
    severity: 'error',
    title: 'Code, state or token sent to another origin in a Referer header',
    citation: 'RFC 9700 §4.2.4',
    fix: 'Serve the callback page with Referrer-Policy: no-referrer (or keep the default) and remove the code from the URL with history.replaceState before loading anything else',
    evidence: 'W',
  },
  check({ flows, exchanges, report }) {
    const known = knownValues(flows);
    const leaks = new Map<Flow | undefined, Leak[]>();
    for (const exchange of exchanges) {
      const referer = header(exchange.requestHeaders, 'referer');
      if (!referer || !REFERER_HINT.test(referer)) continue;
      const from = splitUrl(referer);
      const to = splitUrl(exchange.url);
      if (!from || !to || from.origin === to.origin || !from.query) continue;
      let flow: Flow | undefined;
      const carried = parseForm(from.query).params.filter((p) => {
        if (p.value === '') return false;
        if (TOKEN_PARAMS.has(p.name)) return true;
        if (p.name !== 'code' && p.name !== 'state') return false;
        const owner = known.get(`${p.name}\n${comparableSecret(p.value) ?? ''}`);
        if (owner) flow ??= owner;
        return owner !== undefined;
      });
      if (!carried.length || (flow && serverOrigins(flow).has(to.origin))) continue;
      const list = leaks.get(flow);
      const leak = { exchange, to: to.origin, referer, carried };
      if (list) list.push(leak);
      else leaks.set(flow, [leak]);
    }
    for (const [flow, list] of leaks) reportLeaks(flow, list, report);
    noteLeakingPolicies(flows, report);
  },
});

interface Leak {
  exchange: Exchange;
  to: string;
  referer: string;
  carried: { name: string; value: string }[];
}

/** The code and state values of every flow (`name\nvalue`), a redacted value only when it still compares. */
function knownValues(flows: readonly Flow[]): Map<string, Flow> {
  const known = new Map<string, Flow>();
  const add = (name: string, value: string | undefined, flow: Flow) => {
    const comparable = comparableSecret(value);
    if (comparable && !known.has(`${name}\n${comparable}`)) known.set(`${name}\n${comparable}`, flow);
  };
  for (const flow of flows) {
    add('state', flow.authorization?.state, flow);
    for (const callback of callbacksOf(flow)) {
      add('code', callback.code, flow);
      add('state', callback.state, flow);
    }
  }
  return known;
}

/** The origins of the flow's authorization server: its endpoints' and its issuer's. */
function serverOrigins(flow: Flow): Set<string> {
  const urls = [
    flow.issuer,
    flow.authorization?.endpoint,
    flow.authorization?.par?.endpoint,
    ...tokenRequestsOf(flow).map((r) => r.endpoint),
  ];
  return new Set(urls.map((u) => (u ? splitUrl(u)?.origin : undefined)).filter((o): o is string => !!o));
}

/** One finding per flow: every origin that received its values, the parameters, and one Referer as sent. */
function reportLeaks(flow: Flow | undefined, leaks: readonly Leak[], report: RuleContext['report']): void {
  const origins = [...new Set(leaks.map((l) => l.to))];
  const evidence = new Map<string, Evidence>();
  for (const { carried } of leaks) for (const p of carried) evidence.set(`${p.name}\n${p.value}`, paramEvidence(p.name, p.value));
  const names = [...new Set(leaks.flatMap((l) => l.carried.map((p) => p.name)))];
  report({
    ...(flow ? { flow } : {}),
    message: `${leaks.length === 1 ? 'A request' : `${leaks.length} requests`} to ${origins.length === 1 ? 'another origin' : `${origins.length} other origins`} carried ${names.join(', ')} in the Referer header: the page that received them passed its full URL on.`,
    exchanges: leaks.map((l) => l.exchange),
    evidence: [
      { label: 'sent to', value: capped(origins.join(', ')) },
      // The Referer holds the values themselves.
      { label: 'Referer', value: leaks[0]!.referer, secret: true },
      ...evidence.values(),
    ],
  });
}

/** The policy a Referrer-Policy header sets: its last token the browser knows (Referrer Policy §11.1). */
function effectivePolicy(value: string): string | undefined {
  const tokens = value
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter((t) => POLICY_TOKENS.has(t));
  return tokens.at(-1);
}

/** A callback page whose URL carries a code, served with a policy that sends that URL to other origins. */
function noteLeakingPolicies(flows: readonly Flow[], report: RuleContext['report']): void {
  for (const flow of flows) {
    for (const callback of callbacksOf(flow)) {
      const arrival = callback.arrival;
      if (!arrival || callback.mode !== 'query' || callback.code === undefined) continue;
      const policies = arrival.responseHeaders.filter((h) => h.name === 'referrer-policy').map((h) => h.value);
      const policy = policies.length ? effectivePolicy(policies.join(',')) : undefined;
      if (!policy || !LEAKING_POLICIES.has(policy)) continue;
      report({
        flow,
        severity: 'info',
        message: `The callback page is served with Referrer-Policy: ${policy}, so anything it loads from or links to another origin receives its URL, code and state included.`,
        exchanges: [arrival],
        evidence: [{ label: 'Referrer-Policy', value: capped(policies.join(', ')) }],
      });
      break;
    }
  }
}
