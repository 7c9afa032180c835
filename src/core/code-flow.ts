/**
 * Facts about authorization-code flows that several PKCE and code rules share: which authorization requests
 * ask for a code and where their PKCE parameters can be read, which token requests are code grants, which
 * clients showed themselves to be public, and when a flow failed. Pure functions over the model.
 */
import { effectiveParameters, parametersOf, readable, type AuthorizationParameters } from './authorization-parameters.ts';
import type { Classified } from './classify.ts';
import { clientOfTokenRequest } from './flow-facts.ts';
import type { AuthorizationRequest, Exchange, Flow, Param, ParRequest, TokenRequest } from './model.ts';
import { firstParam, hasParam, header, splitUrl } from './params.ts';
import { headerRemoved } from './removed-headers.ts';

/** RFC 6749 §3.1.1: response_type is a space-separated list; any list containing `code` issues a code. */
export function isCodeResponseType(responseType: string | undefined): boolean {
  return responseType?.split(' ').includes('code') ?? false;
}

export function isSuccess(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 300;
}

/** The flow's authorization_code grants (a flow's `codeExchanges` may hold other grant types). */
export function codeGrants(flow: Flow): TokenRequest[] {
  return flow.codeExchanges.filter((r) => r.grantType === 'authorization_code');
}

/** True when the token request's parameters were read (a form, JSON or query); otherwise absence means nothing. */
export function paramsObserved(request: TokenRequest): boolean {
  return request.encoding === 'form' || request.encoding === 'json' || request.encoding === 'query';
}

/**
 * Any client authentication on a request: HTTP Basic (even undecodable), client_secret or client_assertion.
 * True also when the capture removed the Authorization header (a sanitized HAR): HTTP Basic may have been
 * there, so the request is never taken for a public client's.
 */
function authenticates(exchange: Exchange, params: readonly Param[]): boolean {
  return (
    /^\s*basic\s/i.test(header(exchange.requestHeaders, 'authorization') ?? '') ||
    headerRemoved(exchange, 'authorization') ||
    hasParam(params, 'client_secret') ||
    hasParam(params, 'client_assertion')
  );
}

/**
 * True when a token request carries client authentication (HTTP Basic, even undecodable; client_secret;
 * client_assertion), or may have carried it in an Authorization header the capture removed.
 */
export function authenticatesClient(request: TokenRequest): boolean {
  return authenticates(request.exchange, request.params);
}

/**
 * Clients that showed themselves to be public: they sent a token request or a PAR request from the browser
 * (in-browser code, so a public client) without any client authentication.
 */
export function publicClientIds(classified: Classified): Set<string> {
  const ids = new Set<string>();
  for (const request of classified.tokenRequests) {
    const id = clientOfTokenRequest(request);
    if (id !== undefined && paramsObserved(request) && !authenticates(request.exchange, request.params)) ids.add(id);
  }
  for (const par of classified.pars) {
    const id = firstParam(par.params, 'client_id');
    if (id !== undefined && !authenticates(par.exchange, par.params)) ids.add(id);
  }
  return ids;
}

/** One observed authorization request, as the PKCE rules read it: its parameters wherever they travelled (query, form, PAR, request object). */
export interface ObservedAuthorization extends AuthorizationParameters {
  /** The flow, or undefined for a PAR request whose front-channel request was not observed. */
  flow?: Flow;
  /** The PAR request and/or the front-channel request, in that order. */
  exchanges: Exchange[];
  /** Start of the authorization (the PAR request when there is one). */
  time: number;
  /** Origin + path of the authorization endpoint (or of the PAR endpoint for a lone PAR request). */
  endpoint: string;
  /** Where the parameters were read. */
  carrier: AuthorizationRequest['carrier'];
  /** The provider that implies `responseType` (not sent): AuthorizationRequest['responseTypeImpliedBy']. */
  responseTypeImpliedBy?: string;
}

/**
 * Every authorization request whose PKCE parameters are observable: each flow's authorization request (its
 * effective parameters, read by classify: pushed ones merged in, RFC 9126 §4, and a readable request object's
 * winning, RFC 9101 §6.3) and each PAR request whose front-channel request was not seen, read the same way.
 * Left out, because nothing can be said about their PKCE: a `request_uri` whose PAR request was not observed
 * (RFC 9126 §4, RFC 9101 §5.2), and a request object that does not decode (a JWE).
 */
export function observedAuthorizations(flows: readonly Flow[], classified: Classified): ObservedAuthorization[] {
  const result: ObservedAuthorization[] = [];
  for (const flow of flows) {
    const auth = flow.authorization;
    if (!readable(auth)) continue;
    result.push({
      flow,
      exchanges: [auth.par?.exchange, auth.exchange].filter((e): e is Exchange => !!e),
      time: (auth.par?.exchange ?? auth.exchange).time,
      endpoint: auth.endpoint,
      carrier: auth.carrier,
      ...parametersOf(auth),
      ...(auth.responseTypeImpliedBy !== undefined ? { responseTypeImpliedBy: auth.responseTypeImpliedBy } : {}),
    });
  }
  const linked = new Set(flows.map((f) => f.authorization?.par).filter((p): p is ParRequest => !!p));
  for (const par of classified.pars) {
    if (linked.has(par)) continue;
    const read = effectiveParameters(par.params, 'par');
    if (read.unreadable !== undefined) continue;
    result.push({
      exchanges: [par.exchange],
      time: par.exchange.time,
      endpoint: par.endpoint,
      carrier: read.carrier,
      ...parametersOf(read),
    });
  }
  return result;
}

/** Origin of a flow's authorization endpoint: "the same authorization server" for retry comparisons. */
export function authorizationOrigin(endpoint: string): string | undefined {
  return splitUrl(endpoint)?.origin;
}

export interface FlowFailure {
  /** The exchange that carried the failure: the error callback or the failed token response. */
  exchange: Exchange;
  /** When the failure was visible to the client. */
  time: number;
  /** One phrase for people, e.g. "error callback (invalid_request)" or "token response 400 (invalid_grant)". */
  description: string;
}

/** The first failure of a flow: an error authorization response, or a code grant answered with a non-2xx status. */
export function firstFailure(flow: Flow): FlowFailure | undefined {
  const failures: FlowFailure[] = [];
  const cb = flow.callback;
  if (cb?.error !== undefined)
    failures.push({ exchange: cb.exchange, time: cb.exchange.time, description: `error callback (${cb.error})` });
  for (const request of codeGrants(flow)) {
    const status = request.exchange.status;
    if (status === undefined || isSuccess(status)) continue;
    const error = request.response?.error;
    failures.push({
      exchange: request.exchange,
      time: request.exchange.endTime ?? request.exchange.time,
      description: `token response ${status}${error ? ` (${error})` : ''}`,
    });
  }
  return failures.sort((a, b) => a.time - b.time)[0];
}
