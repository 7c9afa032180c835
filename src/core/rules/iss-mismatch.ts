import { isSuccess } from '../code-flow.ts';
import { issuersNamedBy } from '../discovery-url.ts';
import { callbacksOf } from '../flow-facts.ts';
import type { Callback, Exchange, Flow } from '../model.ts';
import { splitUrl } from '../params.ts';
import { partitionPoint } from '../sorted.ts';
import { defineRule, type RuleContext } from './rule.ts';

/**
 * RFC 9207 §2.4: a client that receives `iss` in the authorization response MUST compare it with the issuer
 * identifier of the AS it sent the request to (from its metadata, RFC 8414 §2) by simple string comparison
 * (RFC 3986 §6.2.1) and reject the response on a mismatch; RFC 9700 §4.4.2.1 makes this the mix-up defence.
 * - With discovery metadata bound to the flow (issuerSource `metadata`): exact string comparison → error.
 * - Without it, the issuer the client expects is unknown (RFC 9207 §2.4 compares with the issuer of the server's
 *   metadata), so there is no evidence of a mix-up and nothing above info is reported. An issuer's path need not
 *   lead to the endpoints (Entra ID: issuer https://login.microsoftonline.com/{tenant}/v2.0, authorization
 *   endpoint …/{tenant}/oauth2/v2.0/authorize), so an `iss` on the authorization endpoint's origin says nothing.
 *   An `iss` on another origin is noted (info): it may be a mix-up, or a server whose issuer and endpoints
 *   live on different hosts; the metadata (a HAR, the DevTools panel) settles it. Unless the client fetched
 *   the metadata of the authorization endpoint's origin before the request (a 2xx discovery request, its body
 *   unseen): the discovery URL names the issuer the client expects (OIDC Discovery §4, RFC 8414 §3.1), which
 *   is on that origin, so an `iss` on another origin is a mismatch → error.
 * No `iss` in the response → nothing here (iss-missing speaks). No authorization request and no metadata →
 * nothing to compare with.
 */
export default defineRule({
  meta: {
    id: 'iss-mismatch',
    severity: 'error',
    title: 'The authorization response iss is not the expected issuer',
    citation: 'RFC 9207 §2.4; RFC 9700 §4.4.2.1; RFC 8414 §3.1; OIDC Discovery §4',
    fix: 'Reject the response: compare iss with the issuer of the AS the request was sent to',
    evidence: 'W+B',
  },
  check({ flows, exchanges, report }) {
    const discoveries = discoveriesByOrigin(exchanges);
    for (const flow of flows) {
      const seen = new Set<string>();
      for (const callback of callbacksOf(flow)) {
        if (callback.iss === undefined || seen.has(callback.iss)) continue;
        seen.add(callback.iss);
        checkCallback(flow, callback, callback.iss, discoveries, report);
      }
    }
  },
});

interface Discovery {
  exchange: Exchange;
  issuers: string[];
}

/** Answered discovery requests by origin, in time order (the exchanges are). */
function discoveriesByOrigin(exchanges: readonly Exchange[]): Map<string, Discovery[]> {
  const byOrigin = new Map<string, Discovery[]>();
  for (const exchange of exchanges) {
    if (!isSuccess(exchange.status)) continue;
    const issuers = issuersNamedBy(exchange.url);
    const origin = issuers && splitUrl(exchange.url)?.origin;
    if (!issuers || !origin) continue;
    const list = byOrigin.get(origin);
    if (list) list.push({ exchange, issuers });
    else byOrigin.set(origin, [{ exchange, issuers }]);
  }
  return byOrigin;
}

function checkCallback(
  flow: Flow,
  callback: Callback,
  iss: string,
  discoveries: ReadonlyMap<string, readonly Discovery[]>,
  report: RuleContext['report'],
): void {
  const auth = flow.authorization;
  const exchanges = [auth?.par?.exchange, auth?.exchange, callback.exchange, callback.arrival];
  const issuer = flow.issuerSource === 'metadata' ? flow.metadata?.issuer : undefined;
  if (issuer !== undefined) {
    if (iss === issuer) return;
    report({
      flow,
      message: `The authorization response's iss ${JSON.stringify(iss)} is not the issuer ${JSON.stringify(issuer)} from the discovery metadata.`,
      exchanges: [...exchanges, flow.metadata?.exchange],
      evidence: [
        { label: 'iss', value: iss },
        { label: 'issuer (metadata)', value: issuer },
        { label: 'metadata URL', value: flow.metadata?.url ?? '' },
        { label: 'compared with', value: 'metadata' },
      ],
    });
    return;
  }
  if (!auth) return;
  const endpoint = splitUrl(auth.endpoint);
  if (!endpoint || splitUrl(iss)?.origin === endpoint.origin) return;
  // The latest metadata the client fetched from the endpoint's origin before the request.
  const onOrigin = discoveries.get(endpoint.origin) ?? [];
  const fetched = onOrigin[partitionPoint(onOrigin.length, (i) => onOrigin[i]!.exchange.time <= auth.exchange.time) - 1];
  if (fetched) {
    report({
      flow,
      message: `The authorization response's iss ${JSON.stringify(iss)} is not the issuer the client fetched the metadata of before the request, ${fetched.issuers[0]} (named by its discovery URL, whose response was not observed).`,
      exchanges: [...exchanges, fetched.exchange],
      evidence: [
        { label: 'iss', value: iss },
        { label: 'issuer (discovery URL)', value: fetched.issuers[0]! },
        { label: 'metadata URL', value: fetched.exchange.url },
        { label: 'compared with', value: 'the issuer the discovery URL names (OIDC Discovery §4, RFC 8414 §3.1)' },
      ],
    });
    return;
  }
  report({
    flow,
    severity: 'info',
    message: `The authorization response's iss ${JSON.stringify(iss)} is not on the origin of the authorization endpoint the request went to, ${endpoint.origin}: a mix-up if this is not the server's issuer, which its discovery metadata (not observed) would tell.`,
    exchanges,
    evidence: [
      { label: 'iss', value: iss },
      { label: 'authorization endpoint', value: auth.endpoint },
      { label: 'compared with', value: 'authorization endpoint origin (metadata not observed)' },
    ],
  });
}
