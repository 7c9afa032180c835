import { type ClientRequest, clientRequestsByFlow } from '../flow-facts.ts';
import type { Evidence, Exchange, Flow } from '../model.ts';
import { firstParam } from '../params.ts';
import { endpointOf } from '../redirect-uri.ts';
import { defineRule, type RuleContext } from './rule.ts';

/**
 * RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request." Checked on the
 * requests where a browser authenticates a client: token requests (code exchanges, refreshes) and pushed
 * authorization requests (RFC 9126 §2: authenticated as at the token endpoint). The methods seen on the wire:
 * HTTP Basic (client_secret_basic), a `client_secret` parameter (client_secret_post) and a `client_assertion`
 * (RFC 7523 §2.2: private_key_jwt or client_secret_jwt). mTLS is out of sight of a browser capture.
 *
 * Not counted, so never a finding: an HTTP Basic header with an empty password or an empty `client_secret=` (no
 * credential sent: some public-client libraries send `client_id:` in Basic), `client_id` in the body beside
 * Basic (an identifier, not a method), and an `authorization` header a sanitized HAR removed.
 */
export default defineRule({
  meta: {
    id: 'client-auth-multiple',
    severity: 'error',
    title: 'The client authenticates with more than one method in one request',
    citation: 'RFC 6749 §2.3, §2.3.1; RFC 7523 §2.2',
    fix: 'Send exactly one client authentication: the Basic header, the body secret or the client assertion the client is registered for',
    evidence: 'W',
  },
  check({ flows, classified, report }) {
    for (const { flow, requests } of clientRequestsByFlow(flows, classified.pars)) reportMultiple(flow, requests, report);
  },
});

/** The client authentication methods one request uses, by their registered names (RFC 7591 §2), with evidence. */
function methodsOf({ params, auth }: ClientRequest): { method: string; evidence: Evidence }[] {
  const methods: { method: string; evidence: Evidence }[] = [];
  if (auth?.basic?.secret)
    methods.push({ method: 'client_secret_basic', evidence: { label: 'Basic password', value: auth.basic.secret, secret: true } });
  const secret = firstParam(params, 'client_secret');
  if (secret) methods.push({ method: 'client_secret_post', evidence: { label: 'client_secret', value: secret, secret: true } });
  const assertion = firstParam(params, 'client_assertion');
  if (assertion) {
    // RFC 7523 §2.2 / RFC 7591 §2: an HMAC assertion is client_secret_jwt, an asymmetric one private_key_jwt.
    const hmac = /^HS\d+$/i.test(auth?.assertion?.alg ?? '');
    methods.push({
      method: hmac ? 'client_secret_jwt' : 'private_key_jwt',
      evidence: { label: 'client_assertion', value: assertion, secret: true },
    });
  }
  return methods;
}

/** One finding per flow (a refreshing client repeats its authentication on every request), naming each request. */
function reportMultiple(flow: Flow | undefined, requests: readonly ClientRequest[], report: RuleContext['report']): void {
  const exchanges: Exchange[] = [];
  const combinations = new Set<string>();
  const kinds = new Set<string>();
  const evidence = new Map<string, Evidence>();
  for (const request of requests) {
    const methods = methodsOf(request);
    if (methods.length < 2) continue;
    exchanges.push(request.exchange);
    kinds.add(request.kind);
    combinations.add(methods.map((m) => m.method).join(' + '));
    for (const { evidence: item } of methods) evidence.set(`${item.label}\n${item.value}`, item);
  }
  if (!exchanges.length) return;
  // Endpoints without their query: a query-encoded token request would carry the secret there.
  const endpoints = [...new Set(exchanges.map((e) => `${e.method} ${endpointOf(e.url)}`))];
  const plural = exchanges.length > 1;
  report({
    ...(flow ? { flow } : {}),
    message: `${plural ? `${exchanges.length} ` : 'A '}${[...kinds].join(' and ')} request${plural ? 's' : ''} authenticated the client in more than one way at once (${[...combinations].join('; ')}); the server may reject the request or pick a method the client did not mean.`,
    exchanges,
    evidence: [
      { label: 'requests', value: endpoints.join('; ') },
      { label: 'methods', value: [...combinations].join('; ') },
      ...evidence.values(),
    ],
  });
}
