import { observedAuthorizations, codeGrants, isCodeResponseType, publicClientIds } from '../code-flow.ts';
import { responseTypeEvidence } from '../evidence.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 9700 §2.1.1: public clients MUST use PKCE, and it is RECOMMENDED for confidential clients; OAuth 2.1
 * §4.1.1: the client MUST send a code_challenge with every authorization-code request (unless it is a
 * confidential client using the OIDC nonce, which a browser-side client is not). A client whose token requests
 * the browser sends is public (RFC 6749 §2.1), so a missing challenge there is an error; when no exchange is
 * visible the client may be a confidential server-side one, and it is a warning.
 */
export default defineRule({
  meta: {
    id: 'pkce-missing',
    severity: 'error',
    title: 'Authorization code flow without PKCE',
    citation: 'RFC 9700 §2.1.1; OAuth 2.1 §4.1.1',
    fix: 'Send an S256 code_challenge on every authorization request',
    evidence: 'W',
  },
  check({ flows, classified, report }) {
    const publicClients = publicClientIds(classified);
    for (const auth of observedAuthorizations(flows, classified)) {
      if (!isCodeResponseType(auth.responseType) || auth.codeChallenge !== undefined) continue;
      const exchangeVisible = auth.flow ? codeGrants(auth.flow).length > 0 : false;
      const isPublic = auth.clientId !== undefined && publicClients.has(auth.clientId);
      const where =
        auth.carrier === 'par'
          ? 'pushed authorization request'
          : auth.carrier === 'request-object'
            ? 'request object'
            : 'authorization request';
      const why = exchangeVisible
        ? 'and its code is exchanged by the browser (a public client, which must use PKCE)'
        : isPublic
          ? `and client ${auth.clientId} sends its token or PAR requests from the browser without client authentication (a public client, which must use PKCE)`
          : 'and no code exchange is visible: the client may be a confidential server-side one, for which PKCE is still recommended and required by OAuth 2.1';
      // GitHub's request has no response_type; its provider implies the code (known-authorization-endpoints.ts).
      const asks =
        auth.responseTypeImpliedBy === undefined
          ? `response_type=${auth.responseType}`
          : `no response_type: ${auth.responseTypeImpliedBy} implies code`;
      report({
        flow: auth.flow,
        severity: exchangeVisible || isPublic ? 'error' : 'warning',
        message: `The ${where} asks for a code (${asks}) without a code_challenge, ${why}.`,
        exchanges: [...auth.exchanges, ...(auth.flow ? codeGrants(auth.flow).map((r) => r.exchange) : [])],
        evidence: [
          ...responseTypeEvidence(auth),
          { label: 'client_id', value: auth.clientId ?? '(absent)' },
          { label: 'parameters read from', value: auth.carrier },
          { label: 'code exchange visible', value: exchangeVisible ? 'yes' : 'no' },
          ...(auth.flow?.callback?.error !== undefined ? [{ label: 'authorization response error', value: auth.flow.callback.error }] : []),
        ],
      });
    }
  },
});
