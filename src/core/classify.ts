/**
 * Classification: which exchanges are authorization requests, PAR requests, callbacks, token requests,
 * discovery documents and the other OAuth endpoints. Endpoints are recognized by their parameters and by
 * discovery metadata, not by path names (oidc-provider's authorization endpoint is `/auth`, Okta's
 * `/v1/authorize`…).
 */
import { effectiveParameters } from './authorization-parameters.ts';
import { jsonObjectOf, MAX_PARSED_BODY, stringMember } from './body.ts';
import { IMPLIED_RESPONSE_TYPE, knownAuthorizationEndpointOf } from './known-authorization-endpoints.ts';
import { knownTokenEndpointOf } from './known-token-endpoints.ts';
import type {
  AuthorizationRequest,
  Body,
  Callback,
  ClientAuthentication,
  DeviceAuthorization,
  Exchange,
  Param,
  ParRequest,
  ServerMetadata,
  TokenRequest,
  TokenResponse,
} from './model.ts';
import { firstParam, hasParam, header, parseForm, splitUrl } from './params.ts';
import { decodeJwtHeader } from './jwt.ts';

export interface Classified {
  metadata: ServerMetadata[];
  authorizations: AuthorizationRequest[];
  pars: ParRequest[];
  callbacks: Callback[];
  tokenRequests: TokenRequest[];
  deviceAuthorizations: DeviceAuthorization[];
  userinfo: Exchange[];
  revocations: Exchange[];
  jwks: Exchange[];
}

// Cheap pre-tests on raw strings, so unrelated traffic (most of a HAR) is never parsed.
const AUTHORIZATION_HINT = /(?:^|[?&])(?:response_type|request_uri)=/;
const CALLBACK_HINT = /(?:^|[?&#])(?:code|error|access_token|id_token)=/;
const GRANT_HINT = /(?:^|[?&"])grant_type["=]/;
const FORM_TYPE = /^\s*application\/x-www-form-urlencoded\s*(?:;|$)/i;
/** A JSON token request is a few hundred characters: a larger text body is not parsed as one. */
const MAX_JSON_TOKEN_REQUEST = 100_000;
const WELL_KNOWN = /\/\.well-known\/(?:openid-configuration|oauth-authorization-server)(?:\/|$)/;

const isFrontChannel = (ex: Exchange) => ex.initiator === 'navigation' || ex.initiator === 'subframe' || ex.initiator === 'form';

/** Sort by time, stably: classification and pairing read the exchanges in the order they happened. */
export function inTimeOrder(exchanges: readonly Exchange[]): Exchange[] {
  return exchanges
    .map((ex, index) => ({ ex, index }))
    .sort((a, b) => a.ex.time - b.ex.time || a.index - b.index)
    .map(({ ex }) => ex);
}

export function classify(ordered: readonly Exchange[]): Classified {
  const metadata = ordered.filter((ex) => WELL_KNOWN.test(ex.url)).flatMap((ex) => parseMetadata(ex) ?? []);
  const endpoints = endpointSets(metadata);
  const result: Classified = {
    metadata,
    authorizations: [],
    pars: [],
    callbacks: [],
    tokenRequests: [],
    deviceAuthorizations: [],
    userinfo: [],
    revocations: [],
    jwks: [],
  };
  const frontChannel: FrontChannelRequest[] = [];
  const resumed = new ResumedAuthorizations();

  // First pass: requests that carry their own meaning (authorization, PAR, token, endpoints by metadata).
  for (const ex of ordered) {
    resumed.see(ex);
    const split = splitUrl(ex.url);
    if (!split) continue;
    const form = ex.requestBody.kind === 'form' ? ex.requestBody : undefined;
    if (resumed.isResumption(ex)) continue;

    if (split.query && AUTHORIZATION_HINT.test(split.query) && ex.method === 'GET') {
      const params = parseForm(split.query).params;
      if (hasAuthorizationRequestParameters(params)) {
        resumed.requested(ex);
        frontChannel.push({ exchange: ex, via: 'query', endpoint: split.target, params, requestUri: firstParam(params, 'request_uri') });
        continue;
      }
    }
    // GitHub, Slack and Facebook document their authorization request without response_type (RFC 6749 §4.1.1
    // requires it) and answer it with a code: at their endpoint, a client_id is enough to recognise one.
    const knownAuthorization = split.query && ex.method === 'GET' ? knownAuthorizationEndpointOf(ex.url) : undefined;
    if (knownAuthorization) {
      const params = parseForm(split.query).params;
      if (hasParam(params, 'client_id')) {
        resumed.requested(ex);
        frontChannel.push({
          exchange: ex,
          via: 'query',
          endpoint: split.target,
          params,
          requestUri: undefined,
          responseTypeImpliedBy: knownAuthorization.provider,
        });
        continue;
      }
    }
    if (form && ex.method === 'POST' && AUTHORIZATION_HINT.test(form.raw) && hasAuthorizationRequestParameters(form.params)) {
      // A POSTed authorization request is a form navigation; from script it is a PAR (RFC 9126 §2.1).
      if (isFrontChannel(ex) && !endpoints.par.has(split.target)) {
        frontChannel.push({
          exchange: ex,
          via: 'form',
          endpoint: split.target,
          params: form.params,
          requestUri: firstParam(form.params, 'request_uri'),
        });
      } else {
        result.pars.push(parFrom(ex, split.target, form.params));
      }
      continue;
    }
    const tokenRequest = tokenRequestFrom(ex, split.target, split.query, endpoints.token);
    if (tokenRequest) {
      result.tokenRequests.push(tokenRequest);
      continue;
    }
    const deviceAuthorization = ex.method === 'POST' ? deviceAuthorizationFrom(ex, split.target, endpoints.deviceAuthorization) : undefined;
    if (deviceAuthorization) {
      result.deviceAuthorizations.push(deviceAuthorization);
      continue;
    }
    if (endpoints.userinfo.has(split.target) || /\/userinfo$/i.test(split.target)) result.userinfo.push(ex);
    else if (endpoints.revocation.has(split.target)) result.revocations.push(ex);
    else if (endpoints.jwks.has(split.target) || /\/(?:jwks(?:\.json)?|certs)$/i.test(split.target)) result.jwks.push(ex);
  }

  result.authorizations = frontChannel.map((request) => authorizationFrom(request, result.pars));
  result.callbacks = findCallbacks(ordered, result.authorizations);
  return result;
}

/**
 * The authorization server resuming a request it was sent: GitHub answers an authorization request with its
 * sign-in page and, once the user signed in, redirects to the very same authorization URL (`return_to`). That
 * is the same authorization request, not a second one of the client's: a GET whose URL an earlier
 * authorization request had, reached by a redirect from the server's own origin, is left to the first one's flow
 * (as a page of its server). A user reloading the page, or a client starting over with a new state, is not a
 * redirect or not the same URL.
 */
class ResumedAuthorizations {
  private readonly urls = new Set<string>();
  private readonly sameOriginRedirects = new Set<string>();

  /** Remember where a same-origin redirect leads. */
  see(ex: Exchange): void {
    if (!ex.location || ex.status === undefined || ex.status < 300 || ex.status >= 400) return;
    const from = splitUrl(ex.url)?.origin;
    if (from !== undefined && splitUrl(ex.location)?.origin === from) this.sameOriginRedirects.add(ex.location);
  }

  requested(ex: Exchange): void {
    this.urls.add(ex.url);
  }

  isResumption(ex: Exchange): boolean {
    return ex.method === 'GET' && this.urls.has(ex.url) && this.sameOriginRedirects.has(ex.url);
  }
}

function hasAuthorizationRequestParameters(params: readonly Param[]): boolean {
  // RFC 6749 §4.1.1 requires response_type; RFC 9126 §4 replaces the parameters by request_uri.
  return hasParam(params, 'response_type') || (hasParam(params, 'request_uri') && hasParam(params, 'client_id'));
}

/**
 * A device authorization request (RFC 8628 §3.1): a POST to the device_authorization_endpoint of observed
 * metadata, or one whose response issued a device_code, a user_code and the verification_uri (§3.2 requires all
 * three), which no other endpoint answers with.
 */
function deviceAuthorizationFrom(ex: Exchange, target: string, endpoints: ReadonlySet<string>): DeviceAuthorization | undefined {
  const body = ex.responseBody;
  const mayIssueCodes = body?.kind === 'text' && body.text.includes('"device_code"');
  if (!endpoints.has(target) && !mayIssueCodes) return undefined;
  const json = mayIssueCodes ? jsonObjectOf(body) : undefined;
  const issued = json?.ok ? json.json : undefined;
  const deviceCode = issued && stringMember(issued, 'device_code');
  const userCode = issued && stringMember(issued, 'user_code');
  const verificationUri = issued && stringMember(issued, 'verification_uri');
  if (!endpoints.has(target) && (deviceCode === undefined || userCode === undefined || verificationUri === undefined)) return undefined;
  const form = ex.requestBody.kind === 'form' ? ex.requestBody.params : [];
  return {
    exchange: ex,
    endpoint: target,
    clientId: firstParam(form, 'client_id') ?? clientAuthenticationOf(ex, form).basic?.clientId,
    deviceCode,
    userCode,
    verificationUri,
    verificationUriComplete: issued && stringMember(issued, 'verification_uri_complete'),
  };
}

function parFrom(exchange: Exchange, endpoint: string, params: Param[]): ParRequest {
  const body = jsonObjectOf(exchange.responseBody);
  return {
    exchange,
    endpoint,
    params,
    requestUri: body.ok ? stringMember(body.json, 'request_uri') : undefined,
    clientAuth: clientAuthenticationOf(exchange, params),
  };
}

/** An authorization request as sent in the front channel, before its effective parameters are read. */
type FrontChannelRequest = Pick<AuthorizationRequest, 'exchange' | 'via' | 'endpoint' | 'params' | 'requestUri' | 'responseTypeImpliedBy'>;

/**
 * The authorization request with its effective parameters, computed once here. A front-channel request that
 * only carries `request_uri` takes its parameters from the PAR request that returned that URI (RFC 9126 §4):
 * the pushed parameters are the authorization request's parameters (RFC 9126 §2.1); one also sent in the
 * front channel keeps its pushed value, since the server relies on what was pushed and authenticated, not on
 * front-channel copies (RFC 9126 §4, as RFC 9101 §6.3 for request objects; par-misuse reports copies that
 * differ). Without the PAR response body, pair with the latest earlier PAR of the same
 * client at the same server (and say so through `requestUri` staying unmatched). A readable request object's
 * claims then win (RFC 9101 §6.3). Unreadable: a `request_uri` whose PAR request was not observed (RFC 9126
 * §4, RFC 9101 §5.2), or a request object that does not decode.
 */
function authorizationFrom(request: FrontChannelRequest, pars: readonly ParRequest[]): AuthorizationRequest {
  const par = request.requestUri ? pushedRequestOf(request, pars) : undefined;
  const effective = par ? effectiveParameters([...par.params, ...request.params], 'par') : effectiveParameters(request.params, request.via);
  const { responseTypeImpliedBy, ...sent } = request;
  return {
    ...sent,
    ...effective,
    // What the provider answers a request without response_type with, marked as not sent.
    ...(responseTypeImpliedBy !== undefined && effective.responseType === undefined
      ? { responseType: IMPLIED_RESPONSE_TYPE, responseTypeImpliedBy }
      : {}),
    ...(par ? { par } : {}),
    ...(request.requestUri !== undefined && !par ? { unreadable: 'the PAR request behind its request_uri was not observed' } : {}),
  };
}

function pushedRequestOf(request: FrontChannelRequest, pars: readonly ParRequest[]): ParRequest | undefined {
  const clientId = firstParam(request.params, 'client_id');
  return (
    pars.find((p) => p.requestUri === request.requestUri) ??
    [...pars]
      .reverse()
      .find(
        (p) =>
          p.exchange.time <= request.exchange.time &&
          !p.requestUri &&
          firstParam(p.params, 'client_id') === clientId &&
          splitUrl(p.endpoint)?.origin === splitUrl(request.endpoint)?.origin,
      )
  );
}

function tokenRequestFrom(ex: Exchange, target: string, query: string, tokenEndpoints: Set<string>): TokenRequest | undefined {
  const body = ex.requestBody;
  const known = ex.method === 'OPTIONS' ? undefined : knownTokenEndpointOf(ex.url);
  let encoding: TokenRequest['encoding'];
  let params: Param[];
  if (known) {
    // A provider's documented token endpoint (known-token-endpoints.ts): a token request whatever carries its
    // parameters. Slack takes JSON bodies, Facebook documents a GET with a query; each is read as sent.
    ({ encoding, params } = parametersAtKnownEndpoint(body, query));
  } else if (body.kind === 'form' && GRANT_HINT.test(body.raw)) {
    encoding = 'form';
    params = body.params;
  } else if (body.kind === 'text' && body.text.length < MAX_JSON_TOKEN_REQUEST && GRANT_HINT.test(body.text)) {
    // RFC 6749 §3.2 requires a form body; a JSON body is a finding, but still a token request.
    const json = jsonObjectOf(body);
    if (!json.ok || typeof json.json.grant_type !== 'string') return undefined;
    encoding = 'json';
    params = stringMembersOf(json.json);
  } else if (query && GRANT_HINT.test(query) && !isFrontChannel(ex) && ex.method !== 'OPTIONS') {
    encoding = 'query';
    params = parseForm(query).params;
  } else if (tokenEndpoints.has(target) && ex.method !== 'OPTIONS') {
    encoding = body.kind === 'form' ? 'form' : body.kind === 'none' ? 'none' : 'other';
    params = body.kind === 'form' ? body.params : [];
  } else {
    return undefined;
  }
  const grantType = firstParam(params, 'grant_type');
  return {
    exchange: ex,
    endpoint: target,
    encoding,
    params,
    // The provider's documented code exchange has no grant_type: its meaning is the code grant's.
    grantType: grantType === undefined && known?.codeGrantWithoutGrantType && hasParam(params, 'code') ? 'authorization_code' : grantType,
    code: firstParam(params, 'code'),
    codeVerifier: firstParam(params, 'code_verifier'),
    redirectUri: firstParam(params, 'redirect_uri'),
    clientId: firstParam(params, 'client_id'),
    refreshToken: firstParam(params, 'refresh_token'),
    clientAuth: clientAuthenticationOf(ex, params),
    response: tokenResponseOf(ex),
  };
}

function parametersAtKnownEndpoint(body: Body, query: string): Pick<TokenRequest, 'encoding' | 'params'> {
  if (body.kind === 'form') return { encoding: 'form', params: body.params };
  if (body.kind === 'text' && body.text.length < MAX_JSON_TOKEN_REQUEST) {
    const json = jsonObjectOf(body);
    if (json.ok) return { encoding: 'json', params: stringMembersOf(json.json) };
  }
  if (body.kind === 'none' && query) return { encoding: 'query', params: parseForm(query).params };
  return { encoding: body.kind === 'none' ? 'none' : 'other', params: [] };
}

function stringMembersOf(json: Record<string, unknown>): Param[] {
  return Object.entries(json)
    .filter(([, v]) => typeof v === 'string')
    .map(([name, value]) => ({ name, value: value as string }));
}

function clientAuthenticationOf(ex: Exchange, params: readonly Param[]): ClientAuthentication {
  const auth: ClientAuthentication = {};
  const authorization = header(ex.requestHeaders, 'authorization');
  const basic = authorization && /^basic\s+(.+)$/i.exec(authorization.trim());
  if (basic?.[1]) auth.basic = decodeBasic(basic[1]);
  if (hasParam(params, 'client_secret')) auth.secretInBody = true;
  const assertion = firstParam(params, 'client_assertion');
  if (assertion !== undefined) auth.assertion = { alg: decodeJwtHeader(assertion)?.alg };
  return auth;
}

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded, joined by ':', then base64. */
function decodeBasic(encoded: string): { clientId: string; secret: string } | undefined {
  let decoded: string;
  try {
    decoded = new TextDecoder().decode(Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  const formDecode = (s: string) => parseForm(`v=${s}`).params[0]?.value ?? s;
  return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

function tokenResponseOf(ex: Exchange): TokenResponse | undefined {
  if (ex.status === undefined && ex.responseBody === undefined) return undefined;
  const body = formEncodedResponseOf(ex) ?? jsonObjectOf(ex.responseBody);
  if (!body.ok) return { status: ex.status, bodyProblem: body.problem };
  const json = body.json;
  return {
    status: ex.status,
    json,
    error: stringMember(json, 'error'),
    errorDescription: stringMember(json, 'error_description'),
    accessToken: stringMember(json, 'access_token'),
    idToken: stringMember(json, 'id_token'),
    refreshToken: stringMember(json, 'refresh_token'),
    tokenType: stringMember(json, 'token_type'),
  };
}

/**
 * GitHub answers its token requests form-encoded unless asked for JSON (RFC 6749 §5.1 says JSON): read such an
 * answer by its declared Content-Type, so its tokens are known to the analysis and to the redaction.
 */
function formEncodedResponseOf(ex: Exchange): { ok: true; json: Record<string, unknown> } | undefined {
  const body = ex.responseBody;
  const text = body?.kind === 'text' ? body.text : body?.kind === 'form' ? body.raw : undefined;
  if (text === undefined || text.length > MAX_PARSED_BODY || (body?.kind === 'text' && body.truncated)) return undefined;
  if (!FORM_TYPE.test(header(ex.responseHeaders, 'content-type') ?? '')) return undefined;
  return { ok: true, json: Object.fromEntries(parseForm(text).params.map(({ name, value }) => [name, value])) };
}

function parseMetadata(ex: Exchange): ServerMetadata | undefined {
  const body = jsonObjectOf(ex.responseBody);
  if (!body.ok) return undefined;
  const raw = body.json;
  const methods = raw.code_challenge_methods_supported;
  return {
    exchange: ex,
    url: ex.url,
    raw,
    issuer: stringMember(raw, 'issuer'),
    authorizationEndpoint: stringMember(raw, 'authorization_endpoint'),
    tokenEndpoint: stringMember(raw, 'token_endpoint'),
    parEndpoint: stringMember(raw, 'pushed_authorization_request_endpoint'),
    userinfoEndpoint: stringMember(raw, 'userinfo_endpoint'),
    revocationEndpoint: stringMember(raw, 'revocation_endpoint'),
    jwksUri: stringMember(raw, 'jwks_uri'),
    deviceAuthorizationEndpoint: stringMember(raw, 'device_authorization_endpoint'),
    codeChallengeMethodsSupported: Array.isArray(methods) ? methods.filter((m): m is string => typeof m === 'string') : undefined,
    authorizationResponseIssParameterSupported: raw.authorization_response_iss_parameter_supported === true,
  };
}

function endpointSets(metadata: readonly ServerMetadata[]) {
  const targetOf = (url: string | undefined) => (url ? splitUrl(url)?.target : undefined);
  const collect = (pick: (m: ServerMetadata) => string | undefined) =>
    new Set(metadata.map((m) => targetOf(pick(m))).filter((t): t is string => t !== undefined));
  return {
    token: collect((m) => m.tokenEndpoint),
    par: collect((m) => m.parEndpoint),
    userinfo: collect((m) => m.userinfoEndpoint),
    revocation: collect((m) => m.revocationEndpoint),
    jwks: collect((m) => m.jwksUri),
    deviceAuthorization: collect((m) => m.deviceAuthorizationEndpoint),
  };
}

/**
 * Authorization responses, read where they are visible: the AS redirect's `Location` (query and
 * fragment: a fragment never reaches a server), the browser's request to the redirect_uri, or a
 * form_post body (OAuth 2.0 Form Post Response Mode §2).
 */
function findCallbacks(ordered: readonly Exchange[], authorizations: readonly AuthorizationRequest[]): Callback[] {
  const redirectTargets = new Set(
    authorizations.map((a) => (a.redirectUri ? splitUrl(a.redirectUri)?.target : undefined)).filter((t): t is string => !!t),
  );
  const callbacks: Callback[] = [];
  // Callbacks read from a Location, waiting for the browser to follow them (keyed by URL without fragment).
  const awaitingArrival = new Map<string, Callback>();

  const withoutFragment = (url: string) => (url.includes('#') ? url.slice(0, url.indexOf('#')) : url);
  // The client's own infrastructure may redirect the callback again (http→https, an added slash): the
  // same authorization response, not a second one.
  const followRedirect = (ex: Exchange, callback: Callback) => {
    if (ex.location && ex.status !== undefined && ex.status >= 300 && ex.status < 400)
      awaitingArrival.set(withoutFragment(ex.location), callback);
  };

  for (const ex of ordered) {
    if (isFrontChannel(ex) && ex.method === 'GET') {
      const followed = awaitingArrival.get(ex.url);
      if (followed) {
        awaitingArrival.delete(ex.url);
        followed.arrival ??= ex;
        followRedirect(ex, followed);
        continue;
      }
      const fromUrl = callbackFrom(ex, ex.url, 'query', redirectTargets);
      if (fromUrl) {
        fromUrl.arrival = ex;
        callbacks.push(fromUrl);
        followRedirect(ex, fromUrl);
        continue;
      }
    }
    if (ex.method === 'POST' && isFrontChannel(ex) && ex.requestBody.kind === 'form' && CALLBACK_HINT.test(ex.requestBody.raw)) {
      const split = splitUrl(ex.url);
      const params = ex.requestBody.params;
      if (split && !hasAuthorizationRequestParameters(params) && isCallbackParams(params, split.target, redirectTargets)) {
        callbacks.push(callbackOf(ex, ex.url, 'form_post', split.target, params, ex));
        continue;
      }
    }
    if (ex.location && ex.status !== undefined && ex.status >= 300 && ex.status < 400) {
      const fromLocation = callbackFrom(ex, ex.location, undefined, redirectTargets);
      if (fromLocation) {
        callbacks.push(fromLocation);
        followRedirect(ex, fromLocation);
      }
    }
  }
  return callbacks;
}

function callbackFrom(ex: Exchange, url: string, only: 'query' | undefined, redirectTargets: ReadonlySet<string>): Callback | undefined {
  if (!CALLBACK_HINT.test(url)) return undefined;
  const split = splitUrl(url);
  if (!split) return undefined;
  const fragmentParams = only ? [] : parseForm(split.fragment).params;
  const useFragment = fragmentParams.some((p) => CALLBACK_PARAMS.has(p.name));
  const params = useFragment ? fragmentParams : parseForm(split.query).params;
  if (hasAuthorizationRequestParameters(params) || hasParam(params, 'grant_type')) return undefined;
  if (!isCallbackParams(params, split.target, redirectTargets)) return undefined;
  return callbackOf(ex, url, useFragment ? 'fragment' : 'query', split.target, params);
}

const CALLBACK_PARAMS = new Set(['code', 'error', 'access_token', 'id_token']);

function isCallbackParams(params: readonly Param[], target: string, redirectTargets: ReadonlySet<string>): boolean {
  if (!params.some((p) => CALLBACK_PARAMS.has(p.name))) return false;
  // Without a known redirect_uri, require what only an authorization response carries besides the code.
  return redirectTargets.has(target) || hasParam(params, 'state') || hasParam(params, 'iss');
}

function callbackOf(
  exchange: Exchange,
  url: string,
  mode: Callback['mode'],
  target: string,
  params: Param[],
  arrival?: Exchange,
): Callback {
  return {
    exchange,
    arrival,
    mode,
    url,
    target,
    params,
    code: firstParam(params, 'code'),
    state: firstParam(params, 'state'),
    iss: firstParam(params, 'iss'),
    error: firstParam(params, 'error'),
    errorDescription: firstParam(params, 'error_description'),
    errorUri: firstParam(params, 'error_uri'),
    accessToken: firstParam(params, 'access_token'),
    idToken: firstParam(params, 'id_token'),
  };
}
