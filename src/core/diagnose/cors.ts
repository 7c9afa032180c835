/**
 * The Fetch Standard's CORS checks, applied to captured headers: whether the browser hands a cross-origin
 * response to the script that asked ("CORS check"), and whether a preflight allows the request it precedes
 * ("CORS-preflight fetch"). Judged only on what was captured; undefined means allowed or not judgeable.
 */
import { isSuccess } from '../code-flow.ts';
import type { Exchange, Header } from '../model.ts';
import { header, splitUrl } from '../params.ts';
import { headerRemoved } from '../removed-headers.ts';
import type { CorsRefusal, PreflightFailure } from './types.ts';

/** The origin a script sent the request from (its Origin header, else a fetch's initiator); none for a navigation, which CORS does not apply to. */
function scriptOrigin(exchange: Exchange): string | undefined {
  if (exchange.initiator === 'navigation' || exchange.initiator === 'subframe' || exchange.initiator === 'form') return undefined;
  return header(exchange.requestHeaders, 'origin') ?? (exchange.initiator === 'fetch' ? exchange.initiatorOrigin : undefined);
}

/** Why the browser withholds this response from the script that sent the request, with the script's origin. */
export function responseRefusal(exchange: Exchange): { origin: string; refusal: CorsRefusal; withCredentials: boolean | null } | undefined {
  const origin = scriptOrigin(exchange);
  // A response is judged only when it was observed (its headers), and only for a cross-origin request.
  if (origin === undefined || origin === splitUrl(exchange.url)?.origin || !exchange.responseHeaders.length) return undefined;
  // Cookies on a cross-origin request mean the credentials mode was "include". Without the Cookie header (a
  // sanitized HAR removed it) the mode is unknown: only the refusals that hold in either mode are judged.
  const withCredentials = headerRemoved(exchange, 'cookie') ? null : header(exchange.requestHeaders, 'cookie') !== undefined;
  // Mode "no-cors" gives the script an opaque response whatever the server answered ("opaque filtered response").
  if (header(exchange.requestHeaders, 'sec-fetch-mode') === 'no-cors')
    return { origin, refusal: { kind: 'no-cors-mode' }, withCredentials };
  const refusal = corsCheckFailure(exchange.responseHeaders, origin, withCredentials);
  return refusal ? { origin, refusal, withCredentials } : undefined;
}

/** The "CORS check" of a response for a request from `origin`; `withCredentials`: its credentials mode was "include". */
function corsCheckFailure(responseHeaders: readonly Header[], origin: string, withCredentials: boolean | null): CorsRefusal | undefined {
  const allowOrigin = responseHeaders.filter((h) => h.name === 'access-control-allow-origin').map((h) => h.value.trim());
  if (!allowOrigin.length) return { kind: 'allow-origin-missing' };
  if (allowOrigin.length > 1 || allowOrigin[0]!.includes(',')) return { kind: 'allow-origin-several', values: allowOrigin };
  const allowed = allowOrigin[0]!;
  if (allowed === '*') return withCredentials === true ? { kind: 'allow-origin-wildcard-with-credentials' } : undefined;
  if (allowed !== origin) return { kind: 'allow-origin-other', allowed };
  if (withCredentials === true && header(responseHeaders, 'access-control-allow-credentials') !== 'true')
    return { kind: 'allow-credentials-missing' };
  return undefined;
}

/** CORS-safelisted methods: a preflight for them needs no Access-Control-Allow-Methods. */
const SAFELISTED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST']);

/** Why a CORS preflight failed, or undefined when it succeeded. */
export function preflightFailure(preflight: Exchange, origin: string, requestedMethod: string): PreflightFailure | undefined {
  const { status } = preflight;
  if (status === undefined) return { kind: 'no-response', error: preflight.error ?? null };
  if (!isSuccess(status)) return { kind: 'status-not-ok', status };
  // The preflight itself never carries credentials; the request's own mode is not observed here.
  const refusal = corsCheckFailure(preflight.responseHeaders, origin, false);
  if (refusal) return { kind: 'origin-refused', status, refusal };
  const allowedMethods = listValues(preflight.responseHeaders, 'access-control-allow-methods', false);
  if (!SAFELISTED_METHODS.has(requestedMethod) && !allowedMethods.includes(requestedMethod) && !allowedMethods.includes('*')) {
    return { kind: 'method-not-allowed', status, allowed: allowedMethods };
  }
  const allowedHeaders = listValues(preflight.responseHeaders, 'access-control-allow-headers', true);
  // The wildcard never covers Authorization.
  const refused = requestedHeaders(preflight).filter(
    (name) => !allowedHeaders.includes(name) && !(allowedHeaders.includes('*') && name !== 'authorization'),
  );
  return refused.length ? { kind: 'headers-not-allowed', status, allowed: allowedHeaders, refused } : undefined;
}

/** The headers a preflight asks for (Access-Control-Request-Headers), lower-cased. */
export function requestedHeaders(preflight: Exchange): string[] {
  return listValues(preflight.requestHeaders, 'access-control-request-headers', true);
}

/** A comma-separated header as a list; header names compare case-insensitively, methods do not. */
function listValues(headers: readonly Header[], name: string, lowerCase: boolean): string[] {
  return headers
    .filter((h) => h.name === name)
    .flatMap((h) => h.value.split(','))
    .map((v) => (lowerCase ? v.trim().toLowerCase() : v.trim()))
    .filter((v) => v !== '');
}
