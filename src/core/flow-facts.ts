/**
 * What rules and views read off a flow, spelled once: every authorization response it received, every token
 * request it made, and which client and which authorization server it is. Accessors rather than stored fields:
 * they are cheap, they cannot drift from the evidence they summarise, and they keep the flow that is posted
 * between the worker and the pages (and written to reports) free of copies.
 */
import type { Callback, ClientAuthentication, CorrelatedFlow, Exchange, Param, ParRequest, TokenRequest } from './model.ts';

/** The authorization responses, first the one that paired with the flow, then those processed again. */
export function callbacksOf(flow: CorrelatedFlow): Callback[] {
  return flow.callback ? [flow.callback, ...flow.repeatedCallbacks] : [...flow.repeatedCallbacks];
}

/** Every token request: the code grants (and other non-refresh grants), then the refreshes, each in time order. */
export function tokenRequestsOf(flow: CorrelatedFlow): TokenRequest[] {
  return [...flow.codeExchanges, ...flow.refreshes];
}

/** A request in which the browser authenticates a client: a token request or a pushed authorization request. */
export interface ClientRequest {
  exchange: Exchange;
  params: readonly Param[];
  auth: ClientAuthentication | undefined;
  kind: 'PAR' | 'token';
}

/**
 * The client-authenticating requests of each flow (its PAR request, then its token requests), then each PAR
 * request no flow took up on its own (RFC 9126 §2: a PAR request authenticates the client as the token endpoint
 * does).
 */
export function clientRequestsByFlow<F extends CorrelatedFlow>(
  flows: readonly F[],
  pars: readonly ParRequest[],
): { flow: F | undefined; requests: ClientRequest[] }[] {
  const parRequest = (par: ParRequest): ClientRequest => ({
    exchange: par.exchange,
    params: par.params,
    auth: par.clientAuth,
    kind: 'PAR',
  });
  const linkedPars = new Set<ParRequest>();
  const result = flows.map((flow): { flow: F | undefined; requests: ClientRequest[] } => {
    const par = flow.authorization?.par;
    if (par) linkedPars.add(par);
    const requests = [
      ...(par ? [parRequest(par)] : []),
      ...tokenRequestsOf(flow).map((r): ClientRequest => ({ exchange: r.exchange, params: r.params, auth: r.clientAuth, kind: 'token' })),
    ];
    return { flow, requests };
  });
  for (const par of pars) if (!linkedPars.has(par)) result.push({ flow: undefined, requests: [parRequest(par)] });
  return result;
}

/** The flow's first token request: its code exchange, or its first refresh when that is all that was seen. */
export function firstTokenRequestOf(flow: CorrelatedFlow): TokenRequest | undefined {
  return flow.codeExchanges[0] ?? flow.refreshes[0];
}

/** The client_id a token request names: the parameter, or the HTTP Basic user name (RFC 6749 §2.3.1). */
export function clientOfTokenRequest(request: TokenRequest): string | undefined {
  return request.clientId ?? request.clientAuth.basic?.clientId;
}

/** The flow's client_id: the authorization request's, or its first token request's when that is all that was seen. */
export function clientOf(flow: CorrelatedFlow): string | undefined {
  if (flow.authorization?.clientId !== undefined) return flow.authorization.clientId;
  const request = firstTokenRequestOf(flow);
  return request ? clientOfTokenRequest(request) : undefined;
}

/**
 * The authorization server, as well as it is known: the issuer identifier (from metadata, `iss`, or the
 * authorization endpoint's origin), else the authorization endpoint, else the token endpoint.
 */
export function serverOf(flow: CorrelatedFlow): string | undefined {
  return flow.issuer ?? flow.authorization?.endpoint ?? firstTokenRequestOf(flow)?.endpoint;
}
