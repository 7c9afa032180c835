/**
 * invalid_client at the token endpoint (RFC 6749 §5.2): client authentication failed. What the request sent:
 * no authentication from a client registered as confidential, more than one method at once (RFC 6749 §2.3
 * forbids it), or HTTP Basic credentials, which must be form-urlencoded before base64 (RFC 6749 §2.3.1).
 */
import type { TokenRequest } from '../model.ts';
import { headerRemoved } from '../removed-headers.ts';
import { DIAGNOSIS_TITLES, type Diagnosis, type DiagnosisHint } from './types.ts';

export function invalidClient(flowId: string, request: TokenRequest): Diagnosis | undefined {
  if (request.response?.error !== 'invalid_client') return undefined;
  const auth = request.clientAuth;
  const methods = [
    ...(auth.basic ? ['basic' as const] : []),
    ...(auth.secretInBody ? ['client_secret' as const] : []),
    ...(auth.assertion ? ['client_assertion' as const] : []),
  ];
  // A sanitized HAR removed the Authorization header: HTTP Basic may have been sent, so "none" is not known.
  const basicUnobservable = !auth.basic && headerRemoved(request.exchange, 'authorization');
  const hints: DiagnosisHint[] = basicUnobservable && !methods.length ? [] : [{ kind: 'client-authentication-sent', methods }];
  if (basicUnobservable) hints.push({ kind: 'authorization-header-removed' });
  if (methods.length > 1) hints.push({ kind: 'several-authentication-methods' });
  if (auth.basic) hints.push({ kind: 'basic-credentials-encoding' });
  return {
    id: `${flowId}:invalid-client:${request.exchange.id}`,
    kind: 'invalid-client',
    flowId,
    title: DIAGNOSIS_TITLES['invalid-client'],
    likelihood: methods.length > 1 ? 'certain' : 'possible',
    evidence: [
      {
        label: 'client authentication',
        value: methods.length ? methods.join(', ') : basicUnobservable ? '(not observable: Authorization header removed)' : '(none)',
      },
    ],
    exchangeIds: [request.exchange.id],
    hints,
  };
}
