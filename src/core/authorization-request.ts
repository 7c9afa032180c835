/**
 * The authorization request's parameters as the authorization server reads them: the front-channel
 * parameters with the pushed ones merged in (RFC 9126 §4, done by classify), and a readable request object's
 * claims winning over both (RFC 9101 §6.3; OIDC Core §6.3.3 lets query parameters fill in what it lacks).
 * Undefined when they cannot be read: a `request_uri` whose PAR request was not observed, or a request object
 * that does not decode (a JWE). Then the rules that need them say nothing.
 */
import { decodeJwtParts } from './jwt.ts';
import type { AuthorizationRequest } from './model.ts';
import { firstParam } from './params.ts';

export interface RequestedValues {
  carrier: 'query' | 'form' | 'par' | 'request-object';
  clientId?: string;
  redirectUri?: string;
  state?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
}

export function requestedValues(auth: AuthorizationRequest): RequestedValues | undefined {
  if (auth.requestUri !== undefined && !auth.par) return undefined;
  const base: RequestedValues = {
    carrier: auth.par ? 'par' : auth.via,
    clientId: auth.clientId,
    redirectUri: auth.redirectUri,
    state: auth.state,
    codeChallenge: auth.codeChallenge,
    codeChallengeMethod: auth.codeChallengeMethod,
  };
  const request = firstParam(auth.params, 'request') ?? (auth.par ? firstParam(auth.par.params, 'request') : undefined);
  if (request === undefined) return base;
  const decoded = decodeJwtParts(request);
  if (!decoded.ok) return undefined;
  const claim = (name: string) => {
    const value = decoded.claims[name];
    return typeof value === 'string' ? value : undefined;
  };
  const challenge = claim('code_challenge');
  return {
    carrier: 'request-object',
    clientId: claim('client_id') ?? base.clientId,
    redirectUri: claim('redirect_uri') ?? base.redirectUri,
    state: claim('state') ?? base.state,
    // The method belongs with its challenge: a challenge in the object comes with the object's method.
    ...(challenge !== undefined
      ? { codeChallenge: challenge, codeChallengeMethod: claim('code_challenge_method') }
      : { codeChallenge: base.codeChallenge, codeChallengeMethod: base.codeChallengeMethod }),
  };
}
