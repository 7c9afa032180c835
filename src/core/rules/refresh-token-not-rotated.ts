import { authenticatesClient } from '../code-flow.ts';
import { quotable } from '../evidence.ts';
import { clientOfTokenRequest } from '../flow-facts.ts';
import type { Evidence, TokenRequest } from '../model.ts';
import { header } from '../params.ts';
import { refreshOutcome } from '../refresh-tokens.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 9700 §2.2.2: refresh tokens for public clients MUST be sender-constrained or use refresh token
 * rotation (§4.14.2). A client that refreshes from the browser without client authentication is public.
 *
 * Reported: a refresh_token grant with no client authentication (no HTTP Basic, client_secret or
 * client_assertion), answered 2xx with an observed JSON body that carries no refresh_token or the very token
 * presented, where nothing shows sender-constraining: the response's token_type is not DPoP (compared
 * case-insensitively, RFC 6749 §7.1) and the request carries no DPoP header (RFC 9449). One finding per flow,
 * naming every such refresh.
 * Not reported: refreshes whose response body was not observed (rotation is not observable), failed refreshes,
 * confidential clients, and DPoP-bound tokens. mTLS-bound tokens (RFC 8705) cannot be recognised from the
 * traffic and would be reported.
 */
export default defineRule({
  meta: {
    id: 'refresh-token-not-rotated',
    severity: 'warning',
    title: "A public client's refresh token is neither rotated nor sender-constrained",
    citation: 'RFC 9700 §2.2.2',
    fix: 'Have the authorization server rotate refresh tokens for public clients, or sender-constrain them with DPoP',
    evidence: 'B',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      const unrotated = flow.refreshes.filter(isUnrotatedPublicRefresh);
      if (!unrotated.length) continue;
      const first = unrotated[0]!;
      const issued = first.response?.refreshToken;
      const client = clientOfTokenRequest(first);
      const clientText = client !== undefined && quotable(client) ? ` (client ${client})` : '';
      const what = issued === undefined ? 'carries no new refresh_token' : 'returns the same refresh_token';
      report({
        flow,
        message: `The refresh response to a public client${clientText} ${what}, and nothing shows the token is sender-constrained (no DPoP), so a leaked refresh token stays usable${unrotated.length > 1 ? ` (${unrotated.length} refreshes)` : ''}.`,
        exchanges: unrotated.map((r) => r.exchange),
        evidence: [
          ...(client !== undefined ? [{ label: 'client_id', value: client }] : []),
          { label: 'client authentication', value: 'none (public client)' },
          { label: 'refresh_token presented', value: first.refreshToken ?? '', secret: true },
          issued === undefined
            ? { label: 'refresh_token in response', value: '(absent)' }
            : { label: 'refresh_token in response', value: issued, secret: true },
          { label: 'token_type', value: first.response?.tokenType ?? '(absent)' },
          { label: 'DPoP header on the request', value: '(absent)' },
          ...(unrotated.length > 1
            ? [{ label: 'refreshes not rotated', value: unrotated.map((r) => r.exchange.id).join(', ') } satisfies Evidence]
            : []),
        ],
      });
    }
  },
});

function isUnrotatedPublicRefresh(request: TokenRequest): boolean {
  if (request.grantType !== 'refresh_token' || request.refreshToken === undefined) return false;
  if (authenticatesClient(request)) return false;
  if (refreshOutcome(request) !== 'not-rotated') return false;
  return !senderConstrained(request);
}

/** DPoP (RFC 9449 §5): a DPoP proof on the request, or a DPoP-bound token in the response. */
function senderConstrained(request: TokenRequest): boolean {
  if (header(request.exchange.requestHeaders, 'dpop') !== undefined) return true;
  return request.response?.tokenType?.toLowerCase() === 'dpop';
}
