import { type ClientRequest, clientRequestsByFlow } from '../flow-facts.ts';
import type { Evidence, Exchange, Flow } from '../model.ts';
import { firstParam } from '../params.ts';
import { endpointOf } from '../redirect-uri.ts';
import { defineRule, type RuleContext } from './rule.ts';

/**
 * RFC 6749 §2.1: a client running in a user agent is a public client — it cannot keep credentials
 * confidential; §10.1: secrets embedded in such clients are not confidential. RFC 9700 §2.5: use
 * asymmetric client authentication (or none) instead of shared secrets. Every request this tool captures
 * was sent by the browser, so a token or PAR request carrying a `client_secret`, an HTTP Basic password or a
 * client_assertion signed with a shared secret (HS256/384/512) puts that secret in the browser.
 * Not flagged: an empty `client_secret=` or an empty Basic password (no secret), and asymmetric assertions.
 */
export default defineRule({
  meta: {
    id: 'client-secret-in-browser',
    severity: 'error',
    title: 'A client secret is used from the browser',
    citation: 'RFC 6749 §2.1, §10.1; RFC 9700 §2.5',
    fix: 'Register the app as a public client (PKCE, no secret) or move the token exchange to a backend (BFF)',
    evidence: 'W',
  },
  check({ flows, classified, report }) {
    for (const { flow, requests } of clientRequestsByFlow(flows, classified.pars)) reportSecrets(flow, requests, report);
  },
});

/** The secrets one request carries: how, and the evidence (secret values flagged). */
function secretsOf({ params, auth }: ClientRequest): { way: string; evidence: Evidence[] }[] {
  const found: { way: string; evidence: Evidence[] }[] = [];
  const secret = firstParam(params, 'client_secret');
  if (secret) found.push({ way: 'client_secret in the body', evidence: [{ label: 'client_secret', value: secret, secret: true }] });
  if (auth?.basic?.secret)
    found.push({ way: 'an HTTP Basic password', evidence: [{ label: 'Basic password', value: auth.basic.secret, secret: true }] });
  const alg = auth?.assertion?.alg;
  if (alg !== undefined && /^HS\d+$/i.test(alg)) {
    const assertion = firstParam(params, 'client_assertion');
    found.push({
      way: `a client_assertion signed with ${alg} (a shared secret)`,
      evidence: [
        { label: 'client_assertion alg', value: alg },
        ...(assertion !== undefined ? [{ label: 'client_assertion', value: assertion, secret: true }] : []),
      ],
    });
  }
  return found;
}

/** One finding per flow (a refreshing SPA repeats the same secret on every request), naming each way it was sent. */
function reportSecrets(flow: Flow | undefined, requests: readonly ClientRequest[], report: RuleContext['report']): void {
  const ways = new Set<string>();
  const kinds = new Set<string>();
  const exchanges: Exchange[] = [];
  const evidence = new Map<string, Evidence>();
  for (const request of requests) {
    const found = secretsOf(request);
    if (!found.length) continue;
    exchanges.push(request.exchange);
    kinds.add(request.kind);
    for (const { way, evidence: items } of found) {
      ways.add(way);
      for (const item of items) evidence.set(`${item.label}\n${item.value}`, item);
    }
  }
  if (!exchanges.length) return;
  // Endpoints without their query: a query-encoded token request would carry the secret there.
  const endpoints = [...new Set(exchanges.map((e) => `${e.method} ${endpointOf(e.url)}`))];
  report({
    ...(flow ? { flow } : {}),
    message: `The browser sent ${exchanges.length > 1 ? '' : 'a '}${[...kinds].join(' and ')} request${exchanges.length > 1 ? 's' : ''} carrying ${[...ways].join(', ')}: a secret in browser code is not confidential.`,
    exchanges,
    evidence: [{ label: 'requests', value: endpoints.join('; ') }, ...evidence.values()],
  });
}
