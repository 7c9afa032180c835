/**
 * Extra builders for the PKCE and code rules' tests: pushed authorization requests, failed token responses
 * and unsigned request objects. Built on tests/support/build.ts.
 */
import type { Exchange } from '../../src/core/model.ts';
import { AS, authorize, defaultAuthorizeParams, exchange, formBody, jsonBody, token, type ExchangeInit } from './build.ts';

/** POST /par from script (RFC 9126 §2.1), answered 201 with a request_uri unless told otherwise. */
export function par(params: Record<string, string | undefined> = {}, init: Partial<ExchangeInit> & { requestUri?: string } = {}): Exchange {
  const { requestUri = 'urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c', ...rest } = init;
  return exchange({
    method: 'POST',
    url: `${AS}/par`,
    initiator: 'fetch',
    requestHeaders: { 'content-type': 'application/x-www-form-urlencoded' },
    requestBody: formBody({ ...defaultAuthorizeParams, ...params }),
    status: 201,
    responseBody: jsonBody({ request_uri: requestUri, expires_in: 60 }),
    ...rest,
  });
}

/** The front-channel /authorize that only references a pushed request (RFC 9126 §4). */
export function parAuthorize(requestUri = 'urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c', clientId = 'spa'): Exchange {
  return authorize({
    ...Object.fromEntries(Object.keys(defaultAuthorizeParams).map((k) => [k, undefined])),
    client_id: clientId,
    request_uri: requestUri,
  });
}

/** A token request answered with an OAuth error (RFC 6749 §5.2). */
export function failedToken(params: Record<string, string | undefined> = {}, status = 400, error = 'invalid_grant'): Exchange {
  return token(params, { status, responseBody: jsonBody({ error }) });
}

/** An unsecured JWT (alg none) carrying authorization request parameters, as a `request` object (RFC 9101). */
export function requestObject(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.`;
}
