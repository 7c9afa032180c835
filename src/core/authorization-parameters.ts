/**
 * The authorization request's parameters as the authorization server reads them, computed once by classify:
 * the front-channel parameters with the pushed ones merged in (RFC 9126 §4), and a readable request object's
 * claims winning over both (RFC 9101 §6.3; OIDC Core §6.3.3 lets the other parameters fill in what it lacks).
 * They cannot be read when a `request_uri`'s PAR request was not observed or a request object does not decode
 * (a JWE): `unreadable` then says why, and the rules that need them say nothing.
 */
import { decodeJwtParts, type DecodedJwt } from './jwt.ts';
import type { AuthorizationRequest, Param } from './model.ts';
import { firstParam } from './params.ts';

/** The parameters read, by field name; a request object's string claims of the same names override them. */
const NAMES = {
  clientId: 'client_id',
  responseType: 'response_type',
  responseMode: 'response_mode',
  redirectUri: 'redirect_uri',
  scope: 'scope',
  state: 'state',
  nonce: 'nonce',
  codeChallenge: 'code_challenge',
  codeChallengeMethod: 'code_challenge_method',
} as const;

export type AuthorizationParameters = { -readonly [K in keyof typeof NAMES]?: string };

export interface EffectiveParameters extends AuthorizationParameters {
  /** Where the parameters were read: the given carrier, or `request-object` when a readable one supplied them. */
  carrier: AuthorizationRequest['carrier'];
  /** One phrase why the parameters cannot be read; the fields then hold the parameters outside the object. */
  unreadable?: string;
}

/**
 * The effective parameters of one parameter list (front-channel parameters first, then pushed ones: the first
 * occurrence of a name wins). With a `request` object, the authorization server uses the parameters inside it
 * (RFC 9101 §6.3) and OIDC Core §6.3.3 lets the others fill in what it lacks, so its string claims win and
 * the others stay. The method belongs with its challenge: a challenge in the object brings the object's method.
 */
export function effectiveParameters(params: readonly Param[], carrier: 'query' | 'form' | 'par'): EffectiveParameters {
  const values = pick((name) => firstParam(params, name));
  const request = firstParam(params, 'request');
  if (request === undefined) return { ...values, carrier };
  const decoded = decodeJwtParts(request);
  if (!decoded.ok) return { ...values, carrier, unreadable: `the request object does not decode (${decoded.problem})` };
  const claims = pick((name) => {
    const value = decoded.claims[name];
    return typeof value === 'string' ? value : undefined;
  });
  const effective: EffectiveParameters = { ...values, carrier: 'request-object' };
  for (const key of Object.keys(NAMES) as (keyof typeof NAMES)[]) {
    if (key !== 'codeChallengeMethod') effective[key] = claims[key] ?? values[key];
  }
  if (claims.codeChallenge !== undefined) effective.codeChallengeMethod = claims.codeChallengeMethod;
  return effective;
}

/** Only the parameter fields of a request (or of effective parameters). */
export function parametersOf(source: AuthorizationParameters): AuthorizationParameters {
  return pick((_, key) => source[key]);
}

/**
 * The request object (RFC 9101 §2.1, the `request` parameter) of an authorization request, decoded without
 * verification: from the front channel, else from the pushed request (RFC 9126 §3); with the parameters that
 * travelled beside it.
 */
export function requestObjectOf(
  auth: AuthorizationRequest,
): { carrier: 'front channel' | 'pushed request'; token: string; decoded: DecodedJwt; beside: Param[] } | undefined {
  for (const [carrier, params] of [
    ['front channel', auth.params],
    ['pushed request', auth.par?.params ?? []],
  ] as const) {
    const token = firstParam(params, 'request');
    if (token !== undefined) return { carrier, token, decoded: decodeJwtParts(token), beside: params.filter((p) => p.name !== 'request') };
  }
  return undefined;
}

/** True when there is an authorization request and its effective parameters can be read. */
export function readable(auth: AuthorizationRequest | undefined): auth is AuthorizationRequest {
  return auth !== undefined && auth.unreadable === undefined;
}

function pick(read: (name: string, key: keyof typeof NAMES) => string | undefined): AuthorizationParameters {
  const values: AuthorizationParameters = {};
  for (const [key, name] of Object.entries(NAMES) as [keyof typeof NAMES, string][]) values[key] = read(name, key);
  return values;
}
