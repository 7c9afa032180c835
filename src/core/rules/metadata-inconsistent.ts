import { issuersNamedBy } from '../discovery-url.ts';
import { capped } from '../evidence.ts';
import type { Evidence } from '../model.ts';
import { splitUrl } from '../params.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 8414 §3.3 and OIDC Discovery §4.3: the `issuer` of a metadata document MUST be identical to the issuer
 * the discovery URL was made from (RFC 8414 §3.1 inserts the well-known name between host and path, OIDC
 * Discovery §4 appends it to the issuer; src/core/discovery-url.ts reads both, and a terminating `/` either
 * way). A client must reject a document that names another issuer: it would otherwise accept another
 * server's endpoints under this issuer (the mix-up defence rests on it, RFC 9700 §4.4).
 * RFC 9700 §2.1.1: it is RECOMMENDED that a server publish `code_challenge_methods_supported`, so that
 * clients can tell PKCE is enforced; RFC 8414 §2 makes the member OPTIONAL, hence advice: info.
 *
 * Trigger, once per document (URL and issuer): the issuer is not one the URL names → error; the document has
 * no code_challenge_methods_supported, or one without S256 → info.
 *
 * Silent: a document whose URL names no issuer (a query string, as Entra B2C's `?p=` policy URLs carry, or a
 * path without a well-known name): nothing to compare with; an issuer holding Microsoft's `{tenantid}`
 * placeholder (its multi-tenant `common` metadata is a template, documented as such); Microsoft's identity
 * platform hosts, whose metadata names the tenant by its GUID whatever alias the URL used (a tenant's domain
 * name, `consumers`; v1.0 even names `sts.windows.net`): documented behaviour that no client can change; a
 * response that is not 2xx or not a JSON object (not parsed as metadata).
 */
/**
 * Microsoft Entra ID (public and national clouds), Entra External ID and Azure AD B2C: the issuer names the tenant
 * by its GUID (https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens#validate-the-issuer).
 */
const MICROSOFT_IDENTITY_HOST =
  /^https:\/\/(?:login\.microsoftonline\.(?:com|us)|login\.partner\.microsoftonline\.cn|login\.chinacloudapi\.cn|login\.windows\.net|[^/]+\.b2clogin\.com|[^/]+\.ciamlogin\.com)$/i;

export default defineRule({
  meta: {
    id: 'metadata-inconsistent',
    severity: 'error',
    title: 'The authorization server metadata is inconsistent',
    citation: 'RFC 8414 §2, §3.3; OIDC Discovery §4.3; RFC 9700 §2.1.1',
    fix: 'Serve metadata whose issuer is exactly the issuer the discovery URL was built from, and list S256 in code_challenge_methods_supported',
    evidence: 'B',
  },
  check({ flows, classified, report }) {
    const seen = new Set<string>();
    const flowOfMetadata = new Map(flows.flatMap((f) => (f.metadata ? [[f.metadata, f] as const] : [])));
    for (const metadata of classified.metadata) {
      const status = metadata.exchange.status;
      if (status === undefined || status < 200 || status >= 300) continue;
      const key = JSON.stringify([metadata.url, metadata.issuer, metadata.codeChallengeMethodsSupported]);
      if (seen.has(key)) continue;
      seen.add(key);
      const flow = flowOfMetadata.get(metadata);
      const base = { ...(flow ? { flow } : {}), exchanges: [metadata.exchange] };
      const source: Evidence = { label: 'metadata URL', value: capped(metadata.url) };

      const expected = MICROSOFT_IDENTITY_HOST.test(splitUrl(metadata.url)?.origin ?? '') ? undefined : issuersNamedBy(metadata.url);
      if (expected && metadata.issuer !== undefined && !metadata.issuer.includes('{tenantid}') && !expected.includes(metadata.issuer)) {
        report({
          ...base,
          message: `The metadata fetched from ${capped(metadata.url)} names the issuer ${JSON.stringify(capped(metadata.issuer))}, not the issuer its URL was built from (${expected[0]}): a client MUST reject it.`,
          evidence: [source, { label: 'issuer', value: capped(metadata.issuer) }, { label: 'issuer expected', value: expected[0]! }],
        });
      }

      const methods = metadata.codeChallengeMethodsSupported;
      if (!methods?.includes('S256')) {
        report({
          ...base,
          severity: 'info',
          message: methods
            ? `The metadata's code_challenge_methods_supported lists ${methods.map((m) => JSON.stringify(capped(m))).join(', ') || 'nothing'}, not S256: clients cannot tell that the server supports S256 PKCE.`
            : 'The metadata has no code_challenge_methods_supported: clients cannot tell that the server supports PKCE (RFC 9700 §2.1.1 recommends publishing it).',
          evidence: [source, { label: 'code_challenge_methods_supported', value: methods ? capped(JSON.stringify(methods)) : '(absent)' }],
        });
      }
    }
  },
});
