/**
 * Builders for the state, redirect and client rules' tests, on top of tests/support/build.ts: a discovery
 * document, a PAR request and its front-channel reference, HTTP Basic credentials and unsigned JWTs.
 */
import type { Exchange } from '../../src/core/model.ts';
import { AS, defaultAuthorizeParams, encode, exchange, formBody, jsonBody } from './build.ts';

/** GET the OpenID discovery document of `AS` (fetch), answered with the given members over sane defaults. */
export function discovery(members: Record<string, unknown> = {}): Exchange {
  return exchange({
    url: `${AS}/.well-known/openid-configuration`,
    initiator: 'fetch',
    status: 200,
    responseHeaders: { 'content-type': 'application/json' },
    responseBody: jsonBody({
      issuer: AS,
      authorization_endpoint: `${AS}/authorize`,
      token_endpoint: `${AS}/token`,
      pushed_authorization_request_endpoint: `${AS}/par`,
      code_challenge_methods_supported: ['S256'],
      ...members,
    }),
  });
}

export const REQUEST_URI = 'urn:ietf:params:oauth:request_uri:6esc_11ACC5bwc014ltc14eY22c';

/** A PAR request from script (RFC 9126 §2.1) with the default authorization parameters, answered 201. */
export function par(params: Record<string, string | undefined> = {}, headers: Record<string, string> = {}): Exchange {
  return exchange({
    method: 'POST',
    url: `${AS}/par`,
    initiator: 'fetch',
    requestHeaders: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    requestBody: formBody({ ...defaultAuthorizeParams, ...params }),
    status: 201,
    responseBody: jsonBody({ request_uri: REQUEST_URI, expires_in: 60 }),
  });
}

/** The front-channel authorization request that references a pushed request. */
export function authorizeByReference(requestUri = REQUEST_URI, clientId = 'spa'): Exchange {
  return exchange({ url: `${AS}/authorize?${encode({ client_id: clientId, request_uri: requestUri })}`, status: 200 });
}

/** RFC 6749 §2.3.1: form-urlencode id and secret, join with ':', base64. */
export function basic(clientId: string, secret: string): string {
  const form = (s: string) => new URLSearchParams({ v: s }).toString().slice(2);
  return `Basic ${Buffer.from(`${form(clientId)}:${form(secret)}`).toString('base64')}`;
}

/** A JWT with the given header and claims and a dummy signature (nothing here verifies signatures). */
export function unsignedJwt(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part(header)}.${part(claims)}.c2lnbmF0dXJl`;
}
