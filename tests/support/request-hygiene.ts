/**
 * Extra builders for the request-hygiene rule tests (credential-in-url, tokens-in-query-response,
 * token-request-malformed, oauth-error-response…), on top of tests/support/build.ts.
 */
import type { Body, Exchange } from '../../src/core/model.ts';
import { AS, defaultTokenParams, encode, exchange, type ExchangeInit, formBody, jsonBody, token } from './build.ts';

/** Response fields of a token endpoint answering `json` with `status` (the body was observed). */
export function tokenAnswer(json: Record<string, unknown>, status = 200): Partial<ExchangeInit> {
  return { status, responseBody: jsonBody(json) };
}

/** POST /token answered with tokens in the observed JSON body. */
export function tokenWithTokens(
  tokens: { access_token?: string; id_token?: string; refresh_token?: string },
  params: Record<string, string | undefined> = {},
): Exchange {
  return token(params, tokenAnswer({ token_type: 'Bearer', expires_in: 300, ...tokens }));
}

/** A token request whose parameters travel in the URL query (fetch, GET by default). */
export function queryToken(params: Record<string, string | undefined> = {}, init: Partial<ExchangeInit> = {}): Exchange {
  return exchange({
    method: 'GET',
    url: `${AS}/token?${encode({ ...defaultTokenParams, ...params })}`,
    initiator: 'fetch',
    status: 200,
    ...init,
  });
}

/** A token request with an arbitrary body (JSON, text…), from script. */
export function tokenWithBody(body: Body, init: Partial<ExchangeInit> = {}): Exchange {
  return exchange({ method: 'POST', url: `${AS}/token`, initiator: 'fetch', requestBody: body, status: 200, ...init });
}

/** A script call to a resource server. */
export function apiCall(url: string, init: Partial<ExchangeInit> = {}): Exchange {
  return exchange({ url, initiator: 'fetch', status: 200, ...init });
}

/** POST /token with a form body written as ordered entries (duplicates allowed). */
export function formToken(entries: [string, string][], init: Partial<ExchangeInit> = {}): Exchange {
  return exchange({
    method: 'POST',
    url: `${AS}/token`,
    initiator: 'fetch',
    requestHeaders: { 'content-type': 'application/x-www-form-urlencoded' },
    requestBody: formBody(entries),
    status: 200,
    ...init,
  });
}

/** The discovery document, so the token endpoint is known even for requests without grant_type. */
export function discovery(extra: Record<string, unknown> = {}): Exchange {
  return exchange({
    url: `${AS}/.well-known/openid-configuration`,
    initiator: 'fetch',
    status: 200,
    responseBody: jsonBody({
      issuer: AS,
      authorization_endpoint: `${AS}/authorize`,
      token_endpoint: `${AS}/token`,
      code_challenge_methods_supported: ['S256'],
      ...extra,
    }),
  });
}

/** An unsigned JWT (alg none) carrying `claims`, e.g. a request object whose contents are readable. */
export function unsignedJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.`;
}
