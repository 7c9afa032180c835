import { capped } from '../evidence.ts';
import { knownAuthorizationEndpointOf } from '../known-authorization-endpoints.ts';
import { knownTokenEndpointOf } from '../known-token-endpoints.ts';
import type { Evidence, Exchange, Flow, TokenRequest } from '../model.ts';
import { splitUrl } from '../params.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 9700 §4.4 (mix-up): a client that talks to several authorization servers may be tricked into sending the
 * code one server issued to another server's token endpoint, which then holds the code (and, without PKCE, can
 * redeem it). §4.4.2 has the client remember, per flow, the server it started with and use that server's
 * endpoints; §2.1 makes that defence a MUST for clients of more than one server.
 *
 * Trigger, for each code exchange of a flow (only with evidence of which server issued the code):
 * - the authorization endpoint is the one of an observed metadata document: the token request went to an origin
 *   that is neither its token_endpoint's (nor its mTLS alias', RFC 8705 §5) nor its issuer's. Only the metadata
 *   counts: a vendor whose token endpoint sits on another host (Google: accounts.google.com and
 *   oauth2.googleapis.com; Microsoft) names that host in its metadata;
 * - no metadata: the authorization endpoint and the token endpoint are both documented endpoints of known
 *   providers (src/core/known-authorization-endpoints.ts, known-token-endpoints.ts), of two different providers.
 *
 * Silent: a token endpoint on the origin of the redirect_uri (the client's own back end, as in the
 * backend-for-frontend pattern: the code stays with the client); without metadata and a known pair, whatever
 * the hosts (an unknown vendor's layout proves nothing).
 */
export default defineRule({
  meta: {
    id: 'token-endpoint-issuer-mismatch',
    severity: 'error',
    title: "The code is redeemed at another server's token endpoint",
    citation: 'RFC 9700 §4.4, §2.1',
    fix: "Bind each flow to the authorization server it started with and redeem its code only at that server's token endpoint",
    evidence: 'W+B',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      const auth = flow.authorization;
      if (!auth) continue;
      for (const request of flow.codeExchanges) {
        const mismatch = mismatchOf(flow, request);
        if (!mismatch) continue;
        report({
          flow,
          message: `The code from the authorization endpoint ${capped(auth.endpoint)} was sent to the token endpoint ${capped(request.endpoint)}, ${mismatch.why}: a mix-up hands the code to another server.`,
          exchanges: [auth.exchange, flow.callback?.exchange, request.exchange, mismatch.metadataExchange],
          evidence: [
            { label: 'authorization endpoint', value: capped(auth.endpoint) },
            { label: 'token endpoint used', value: capped(request.endpoint) },
            ...mismatch.evidence,
            ...(request.code !== undefined ? [{ label: 'code', value: request.code, secret: true }] : []),
          ],
        });
      }
    }
  },
});

interface Mismatch {
  why: string;
  evidence: Evidence[];
  metadataExchange?: Exchange;
}

function mismatchOf(flow: Flow, request: TokenRequest): Mismatch | undefined {
  const auth = flow.authorization!;
  const used = splitUrl(request.endpoint)?.origin;
  if (used === undefined) return undefined;
  // The client's own back end redeeming the code is the client, not another server.
  const clientOrigin = auth.redirectUri !== undefined ? splitUrl(auth.redirectUri)?.origin : undefined;
  if (used === clientOrigin) return undefined;

  const metadata = flow.metadata;
  if (metadata?.authorizationEndpoint !== undefined && splitUrl(metadata.authorizationEndpoint)?.target === auth.endpoint) {
    const aliases = metadata.raw.mtls_endpoint_aliases;
    const mtlsToken =
      aliases !== null && typeof aliases === 'object' && typeof (aliases as Record<string, unknown>).token_endpoint === 'string'
        ? ((aliases as Record<string, unknown>).token_endpoint as string)
        : undefined;
    const allowed = [metadata.tokenEndpoint, mtlsToken, metadata.issuer].flatMap((url) => (url ? [splitUrl(url)?.origin] : []));
    if (metadata.tokenEndpoint === undefined || allowed.includes(used)) return undefined;
    return {
      why: `not the token_endpoint of that server's metadata (${capped(metadata.tokenEndpoint)})`,
      evidence: [
        { label: 'metadata', value: capped(metadata.url) },
        { label: 'token_endpoint in metadata', value: capped(metadata.tokenEndpoint) },
      ],
      metadataExchange: metadata.exchange,
    };
  }
  if (metadata) return undefined;
  const issuedBy = knownAuthorizationEndpointOf(auth.exchange.url)?.provider;
  const redeemedAt = knownTokenEndpointOf(request.exchange.url)?.provider;
  if (issuedBy === undefined || redeemedAt === undefined || issuedBy === redeemedAt) return undefined;
  return {
    why: `${redeemedAt}'s, while the code is ${issuedBy}'s (their documented endpoints)`,
    evidence: [
      { label: 'code issued by', value: issuedBy },
      { label: 'token endpoint of', value: redeemedAt },
    ],
  };
}
