import { readable } from '../authorization-parameters.ts';
import { tokenRequestsOf } from '../flow-facts.ts';
import { decodeJwtParts } from '../jwt.ts';
import type { Evidence, TokenRequest } from '../model.ts';
import { firstParam } from '../params.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 6749 §4.1.3: the AS MUST ensure that the authorization code was issued to the authenticated
 * confidential client, or, for a public client, to the `client_id` in the request. So the client identified
 * at the token endpoint — `client_id` in the body, the decoded HTTP Basic user name (RFC 6749 §2.3.1), or
 * the `sub` of a readable client_assertion (RFC 7523 §3) — must equal the authorization request's client_id.
 * Checked for the flow's code grants and for refreshes paired by refresh token (a refresh paired by client
 * cannot differ). Silent when neither side's client is observable.
 */
export default defineRule({
  meta: {
    id: 'token-client-id-mismatch',
    severity: 'error',
    title: 'The token request names another client than the authorization request',
    citation: 'RFC 6749 §4.1.3',
    fix: 'Use the same client (the same client_id) for the authorization request and the token request',
    evidence: 'W',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      const auth = flow.authorization;
      if (!readable(auth) || auth.clientId === undefined) continue;
      const expected = auth.clientId;
      for (const request of tokenRequestsOf(flow)) {
        const different = clientIdsOf(request).filter((c) => c.value !== expected);
        if (!different.length) continue;
        const where = different.map((c) => c.source).join(' and ');
        const grant = request.grantType === 'refresh_token' ? 'refresh request' : 'token request';
        report({
          flow,
          message: `The ${grant} identifies client ${JSON.stringify(different[0]!.value)} (${where}) but the authorization request was made by ${JSON.stringify(expected)}.`,
          exchanges: [auth.par?.exchange, auth.exchange, request.exchange],
          evidence: [
            { label: 'client_id at /authorize', value: expected },
            ...different.map((c): Evidence => ({ label: `client_id at /token (${c.source})`, value: c.value })),
          ],
        });
      }
    }
  },
});

function clientIdsOf(request: TokenRequest): { source: string; value: string }[] {
  const ids: { source: string; value: string }[] = [];
  if (request.clientId !== undefined) ids.push({ source: 'body client_id', value: request.clientId });
  if (request.clientAuth.basic) ids.push({ source: 'Basic user', value: request.clientAuth.basic.clientId });
  const assertion = firstParam(request.params, 'client_assertion');
  if (assertion !== undefined) {
    const decoded = decodeJwtParts(assertion);
    if (decoded.ok && typeof decoded.claims.sub === 'string') ids.push({ source: 'client_assertion sub', value: decoded.claims.sub });
  }
  return ids;
}
