/**
 * invalid_request at the token endpoint (RFC 6749 §5.2): a parameter is missing, repeated or malformed. What
 * the request shows: a PKCE verifier with a near miss (a server may refuse a malformed verifier before it
 * compares it, RFC 7636 §4.1), a body that is not application/x-www-form-urlencoded (RFC 6749 §3.2), no
 * redirect_uri (an OAuth 2.1 client talking to an OAuth 2.0 server, RFC 6749 §4.1.3), a repeated parameter
 * (RFC 6749 §3.2). When it shows none, the server's error_description is the place to read.
 */
import { paramsObserved } from '../code-flow.ts';
import type { Evidence, Flow, TokenRequest } from '../model.ts';
import { duplicatedNames } from '../params.ts';
import { DIAGNOSIS_TITLES, strongest, type Diagnosis, type DiagnosisHint, type Likelihood } from './types.ts';

export function invalidRequest(flow: Flow, request: TokenRequest): Diagnosis | undefined {
  if (request.response?.error !== 'invalid_request') return undefined;
  const found: { hint: DiagnosisHint; likelihood: Likelihood; evidence: Evidence[] }[] = [];
  const nearMiss = flow.pkce.nearMiss;
  if (nearMiss && request.codeVerifier !== undefined && request.codeVerifier === flow.pkce.verifier) {
    found.push({
      hint: { kind: 'pkce-near-miss', nearMiss: nearMiss.kind, otherFlowId: nearMiss.otherFlowId ?? null },
      likelihood: 'likely',
      evidence: [
        { label: 'near miss', value: nearMiss.kind },
        { label: 'code_verifier', value: request.codeVerifier, secret: true },
      ],
    });
  }
  if (request.encoding !== 'form')
    found.push({
      hint: { kind: 'not-form-encoded', encoding: request.encoding },
      likelihood: 'certain',
      evidence: [{ label: 'encoding', value: request.encoding }],
    });
  if (request.grantType === 'authorization_code' && request.redirectUri === undefined && paramsObserved(request))
    found.push({
      hint: { kind: 'redirect-uri-missing' },
      // Required at the token endpoint when the authorization request had one (RFC 6749 §4.1.3).
      likelihood: flow.authorization?.redirectUri !== undefined ? 'likely' : 'possible',
      evidence: [{ label: 'redirect_uri', value: '(absent)' }],
    });
  const duplicated = duplicatedNames(request.params);
  if (duplicated.length)
    found.push({
      hint: { kind: 'duplicated-parameters', names: duplicated },
      likelihood: 'certain',
      evidence: [{ label: 'duplicated parameters', value: duplicated.join(', ') }],
    });
  const hints = found.length ? found.map((f) => f.hint) : [{ kind: 'read-error-description' as const }];
  return {
    id: `${flow.id}:invalid-request:${request.exchange.id}`,
    kind: 'invalid-request',
    flowId: flow.id,
    title: DIAGNOSIS_TITLES['invalid-request'],
    likelihood: strongest(found.map((f) => f.likelihood)),
    evidence: found.flatMap((f) => f.evidence),
    exchangeIds: [request.exchange.id],
    hints,
  };
}
