import { jsonObjectOf, stringMember } from '../body.ts';
import { codeGrants, paramsObserved } from '../code-flow.ts';
import { capped } from '../evidence.ts';
import type { Evidence, Exchange, Flow } from '../model.ts';
import { splitUrl } from '../params.ts';
import { defineRule, type RuleContext } from './rule.ts';

/**
 * The Model Context Protocol's authorization (docs/mcp.md): an MCP client finds the authorization server through
 * the MCP server's protected resource metadata (RFC 9728) and names the MCP server in the `resource` parameter of
 * both its authorization and token requests (RFC 8707 §2), so that the token it gets is for that server alone.
 *
 * A flow counts as such when the client fetched the protected resource metadata of the resource its authorization
 * request names (the fetch's URL says which, body or not), or metadata naming its authorization server. A
 * `resource` parameter alone (ADFS, RFC 8707 without RFC 9728) is not held to MCP's requirements. Checked:
 * - `resource` missing from the authorization request (metadata observed) or from a code exchange, or a token
 *   request naming a resource the authorization request did not (RFC 8707 §2.2 allows a subset, not another);
 * - the authorization server not one of the metadata's `authorization_servers` (RFC 9728 §2, §7.6);
 * - a metadata document whose `resource` is not the identifier it was fetched for (RFC 9728 §3.3).
 * PKCE S256, which MCP also requires, is the business of the pkce-* rules.
 */
const PROTECTED_RESOURCE_METADATA = '/.well-known/oauth-protected-resource';

export default defineRule({
  meta: {
    id: 'mcp-resource-mismatch',
    severity: 'error',
    title: 'Resource indicator missing or inconsistent in an MCP (resource-bound) authorization',
    citation: 'RFC 8707 §2, §2.2; RFC 9728 §2, §3.3, §7.6',
    fix: "Send the MCP server's resource identifier (from its protected resource metadata) as resource on both the authorization and the token request, to an authorization server that metadata lists",
    evidence: 'W+B',
  },
  check({ flows, exchanges, report }) {
    const documents = protectedResourceMetadata(exchanges);
    for (const document of documents) {
      if (document.resource === undefined || document.resource === document.expectedResource) continue;
      report({
        message:
          'A protected resource metadata document names another resource than the one it was fetched for: the client must not use it.',
        exchanges: [document.exchange],
        evidence: [
          { label: 'metadata URL', value: capped(document.exchange.url) },
          { label: 'expected resource', value: capped(document.expectedResource) },
          { label: 'resource in the document', value: capped(document.resource) },
        ],
      });
    }
    const valid = documents.filter((d) => d.resource === undefined || d.resource === d.expectedResource);
    for (const flow of flows) checkFlow(flow, valid, report);
  },
});

interface ResourceMetadata {
  exchange: Exchange;
  /** RFC 9728 §3.1: the resource identifier the well-known path was inserted into. */
  expectedResource: string;
  /** The document's `resource` and `authorization_servers`, when its body was observed. */
  resource?: string;
  authorizationServers?: string[];
}

/** Every protected resource metadata response whose JSON body was observed. */
function protectedResourceMetadata(exchanges: readonly Exchange[]): ResourceMetadata[] {
  const documents: ResourceMetadata[] = [];
  for (const exchange of exchanges) {
    if (!exchange.url.includes(PROTECTED_RESOURCE_METADATA) || exchange.method !== 'GET') continue;
    const split = splitUrl(exchange.url);
    const path = split ? new URL(split.target).pathname : '';
    if (!split || !path.startsWith(PROTECTED_RESOURCE_METADATA)) continue;
    const suffix = path.slice(PROTECTED_RESOURCE_METADATA.length);
    if (suffix !== '' && !suffix.startsWith('/')) continue;
    const expectedResource = `${split.origin}${suffix}${split.query ? `?${split.query}` : ''}`;
    // Without the body (webRequest alone), the fetch still says which resource the client looked up.
    const body = jsonObjectOf(exchange.responseBody);
    if (!body.ok) {
      documents.push({ exchange, expectedResource });
      continue;
    }
    const servers = body.json.authorization_servers;
    documents.push({
      exchange,
      expectedResource,
      resource: stringMember(body.json, 'resource'),
      authorizationServers: Array.isArray(servers) ? servers.filter((s): s is string => typeof s === 'string') : [],
    });
  }
  return documents;
}

/** The same issuer identifier, up to a trailing slash. */
const sameIssuer = (a: string, b: string) => a.replace(/\/$/, '') === b.replace(/\/$/, '');

function checkFlow(flow: Flow, documents: readonly ResourceMetadata[], report: RuleContext['report']): void {
  const auth = flow.authorization;
  if (!auth || auth.unreadable !== undefined) return;
  const requested = [...new Set([...(auth.par?.params ?? []), ...auth.params].filter((p) => p.name === 'resource').map((p) => p.value))];
  const issuer = flow.issuer;
  const origin = splitUrl(auth.endpoint)?.origin;
  // The server counts as listed by its issuer, or by its origin when only that is known.
  const lists = (d: ResourceMetadata) =>
    !!d.authorizationServers?.some(
      (s) => (issuer && sameIssuer(s, issuer)) || (flow.issuerSource === 'authorization-origin' && splitUrl(s)?.origin === origin),
    );
  // A flow of a client that looked the resource up (RFC 9728): other uses of `resource` (ADFS, RFC 8707 alone)
  // are not held to MCP's requirements.
  const naming = documents.filter((d) => requested.includes(d.expectedResource));
  const listing = documents.filter(lists);
  if (!naming.length && !listing.length) return;
  const found: { message: string; exchanges: Exchange[]; evidence: Evidence[] }[] = [];

  if (!requested.length) {
    const document = listing[0]!;
    found.push({
      message:
        'The authorization request carries no resource, although the protected resource metadata observed names this authorization server: the token will not be bound to the resource.',
      exchanges: [document.exchange, auth.exchange],
      evidence: [{ label: 'resource in the metadata', value: capped(document.resource ?? document.expectedResource) }],
    });
  }
  for (const document of naming) {
    if (!document.authorizationServers || lists(document)) continue;
    found.push({
      message:
        'The authorization request names a resource whose protected resource metadata does not list this authorization server: the client took its server from elsewhere.',
      exchanges: [document.exchange, auth.exchange],
      evidence: [
        { label: 'resource', value: capped(document.expectedResource) },
        { label: 'authorization_servers', value: capped(document.authorizationServers.join(', ') || '(none)') },
        { label: 'authorization server used', value: capped(issuer ?? auth.endpoint) },
      ],
    });
  }
  if (requested.length) {
    for (const request of codeGrants(flow)) {
      if (!paramsObserved(request)) continue;
      const sent = request.params.filter((p) => p.name === 'resource').map((p) => p.value);
      const foreign = sent.filter((r) => !requested.includes(r));
      if (sent.length && !foreign.length) continue;
      found.push({
        message: sent.length
          ? 'The token request names a resource the authorization request did not: the token must be for a resource that was authorized.'
          : 'The token request carries no resource although the authorization request did: the token may be issued for another audience than the resource.',
        exchanges: [auth.exchange, request.exchange],
        evidence: [
          { label: 'resource (authorization request)', value: capped(requested.join(', ')) },
          { label: 'resource (token request)', value: capped(sent.join(', ') || '(none)') },
        ],
      });
    }
  }
  for (const finding of found) report({ flow, ...finding });
}
