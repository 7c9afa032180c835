/**
 * Small builders for exchanges in the shape the capture adapters produce, for rule tests. A flow written with
 * them reads like the traffic it stands for: authorize → AS redirect to the callback → token request.
 */
import type { Body, Exchange, Header, InitiatorType } from '../../src/core/model.ts';
import { parseForm } from '../../src/core/params.ts';

export const AS = 'https://as.example';
export const APP = 'https://app.example';
export const REDIRECT_URI = `${APP}/cb`;
/** RFC 7636 Appendix B. */
export const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
export const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

let counter = 0;
let clock = Date.parse('2026-11-22T10:00:00Z');

/** Reset ids and the clock (call in beforeEach for deterministic ids). */
export function resetBuilders(): void {
  counter = 0;
  clock = Date.parse('2026-11-22T10:00:00Z');
}

/** Advance the shared clock, e.g. to make a code exchange late. */
export function advance(ms: number): void {
  clock += ms;
}

export interface ExchangeInit {
  method?: string;
  url: string;
  initiator?: InitiatorType;
  tabId?: number;
  requestHeaders?: Record<string, string>;
  requestBody?: Body;
  status?: number;
  location?: string;
  responseHeaders?: Record<string, string>;
  responseBody?: Body;
  time?: number;
}

export function exchange(init: ExchangeInit): Exchange {
  clock += 100;
  const headers = (h: Record<string, string> = {}): Header[] =>
    Object.entries(h).map(([name, value]) => ({ name: name.toLowerCase(), value }));
  return {
    id: `x${++counter}`,
    time: init.time ?? clock,
    endTime: (init.time ?? clock) + 50,
    initiator: init.initiator ?? 'navigation',
    method: init.method ?? 'GET',
    url: init.url,
    ...(init.tabId !== undefined ? { tabId: init.tabId } : {}),
    requestHeaders: headers(init.requestHeaders),
    requestBody: init.requestBody ?? { kind: 'none' },
    ...(init.status !== undefined ? { status: init.status } : {}),
    responseHeaders: headers(init.responseHeaders),
    ...(init.location !== undefined ? { location: init.location } : {}),
    ...(init.responseBody !== undefined ? { responseBody: init.responseBody } : {}),
  };
}

/** Encode parameters as a query or form body; a value of `undefined` leaves the parameter out. */
export function encode(params: Record<string, string | undefined> | [string, string][]): string {
  const entries = Array.isArray(params) ? params : Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  return new URLSearchParams(entries).toString();
}

export function formBody(params: Record<string, string | undefined> | [string, string][] | string): Body {
  const raw = typeof params === 'string' ? params : encode(params);
  return { kind: 'form', raw, params: parseForm(raw).params };
}

export function jsonBody(value: unknown): Body {
  const text = JSON.stringify(value);
  return { kind: 'text', text, mimeType: 'application/json', size: text.length };
}

export const defaultAuthorizeParams = {
  response_type: 'code',
  client_id: 'spa',
  redirect_uri: REDIRECT_URI,
  scope: 'openid',
  state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm',
  nonce: 'n-0S6_WzA2Mj-Xq9Tr3Lp8Vc2Hh5Ke1',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
};

/** GET /authorize as a top-level navigation; the AS answers with its login page. */
export function authorize(params: Record<string, string | undefined> = {}, init: Partial<ExchangeInit> = {}): Exchange {
  return exchange({ url: `${AS}/authorize?${encode({ ...defaultAuthorizeParams, ...params })}`, status: 200, ...init });
}

/**
 * The AS's redirect carrying the authorization response (query mode by default), as seen in its
 * `Location`, followed by the browser's navigation to the redirect_uri. Returns both exchanges.
 */
export function callback(
  params: Record<string, string | undefined>,
  init: { mode?: 'query' | 'fragment'; redirectUri?: string; tabId?: number } = {},
): Exchange[] {
  const base = init.redirectUri ?? REDIRECT_URI;
  const location = `${base}${init.mode === 'fragment' ? '#' : '?'}${encode(params)}`;
  const redirect = exchange({ url: `${AS}/authorize/resume`, status: 303, location, tabId: init.tabId });
  const arrival = exchange({ url: init.mode === 'fragment' ? base : location, status: 200, tabId: init.tabId });
  return [redirect, arrival];
}

/** A form_post authorization response: the browser POSTs the parameters to the redirect_uri. */
export function formPostCallback(params: Record<string, string | undefined>, redirectUri = REDIRECT_URI): Exchange {
  return exchange({ method: 'POST', url: redirectUri, initiator: 'form', requestBody: formBody(params), status: 200 });
}

export const defaultTokenParams = {
  grant_type: 'authorization_code',
  code: 'SplxlOBeZQQYbYS6WxSbIA',
  redirect_uri: REDIRECT_URI,
  client_id: 'spa',
  code_verifier: VERIFIER,
};

/** POST /token from script (fetch), answered 200 with tokens unless told otherwise. */
export function token(params: Record<string, string | undefined> = {}, init: Partial<ExchangeInit> = {}): Exchange {
  return exchange({
    method: 'POST',
    url: `${AS}/token`,
    initiator: 'fetch',
    requestHeaders: { 'content-type': 'application/x-www-form-urlencoded' },
    requestBody: formBody({ ...defaultTokenParams, ...params }),
    status: 200,
    responseHeaders: { 'cache-control': 'no-store', 'content-type': 'application/json' },
    ...init,
  });
}

/** A complete, correct authorization-code + S256 PKCE flow (RFC 7636 App. B values). */
export function goodFlow(
  overrides: { authorize?: Record<string, string | undefined>; token?: Record<string, string | undefined>; code?: string } = {},
): Exchange[] {
  const auth = authorize(overrides.authorize);
  const state = overrides.authorize && 'state' in overrides.authorize ? overrides.authorize.state : defaultAuthorizeParams.state;
  const code = overrides.code ?? defaultTokenParams.code;
  return [auth, ...callback({ code, state, iss: AS }), token({ code, ...overrides.token })];
}
