import { isSuccess } from '../code-flow.ts';
import { capped, quotable } from '../evidence.ts';
import { tokenRequestsOf } from '../flow-facts.ts';
import type { Evidence, Header, TokenRequest } from '../model.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 6749 §5.1: the authorization server MUST include the HTTP `Cache-Control` response header field with a
 * value of `no-store` in any response containing tokens, credentials, or other sensitive information. (§5.1 also
 * asked for `Pragma: no-cache`; RFC 9700 and OAuth 2.1 no longer require it, so it is not checked.)
 *
 * Reported: a 2xx token endpoint response (any grant) whose `Cache-Control` directives, from every
 * Cache-Control field combined as one list (RFC 9110 §5.3), do not include `no-store` (directive names are
 * case-insensitive, RFC 9111 §5.2; a `no-store` inside a quoted argument does not count). Needs only the
 * response headers, so it works from webRequest alone; when the body was observed it must carry a token.
 * Not reported: error responses (§5.2 does not require no-store), responses whose headers were not observed
 * (none at all), and 2xx responses whose observed body carries no token.
 */
export default defineRule({
  meta: {
    id: 'token-response-cacheable',
    // A MUST, and the evidence (the response's own headers) is certain.
    severity: 'error',
    title: 'Token response does not forbid caching (no Cache-Control: no-store)',
    citation: 'RFC 6749 §5.1',
    fix: 'Have the authorization server send Cache-Control: no-store on every token response',
    evidence: 'W',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      for (const request of tokenRequestsOf(flow)) {
        if (!carriesTokens(request)) continue;
        const headers = request.exchange.responseHeaders;
        if (!headers.length) continue;
        const cacheControl = fieldValues(headers, 'cache-control');
        if (cacheControl.length && cacheDirectives(cacheControl.join(', ')).includes('no-store')) continue;
        const pragma = fieldValues(headers, 'pragma');
        const grant = quotable(request.grantType);
        report({
          flow,
          message: `The token endpoint's ${request.exchange.status} response${grant ? ` (grant_type ${grant})` : ''} ${cacheControl.length ? 'has a Cache-Control header without no-store' : 'has no Cache-Control header'}, so a browser or proxy cache may keep the tokens.`,
          exchanges: [request.exchange],
          evidence: [
            { label: 'Cache-Control', value: cacheControl.length ? capped(cacheControl.join(', ')) : '(absent)' },
            ...(pragma.length ? [{ label: 'Pragma', value: capped(pragma.join(', ')) }] : []),
            { label: 'HTTP status', value: String(request.exchange.status) },
            ...(request.grantType !== undefined ? [{ label: 'grant_type', value: capped(request.grantType) } satisfies Evidence] : []),
          ],
        });
      }
    }
  },
});

/** A successful token response: 2xx, and, when its body was observed, a JSON object carrying a token. */
function carriesTokens(request: TokenRequest): boolean {
  if (!isSuccess(request.exchange.status)) return false;
  if (request.exchange.responseBody === undefined) return true;
  const response = request.response;
  if (!response?.json || response.json.error !== undefined) return false;
  return response.accessToken !== undefined || response.idToken !== undefined || response.refreshToken !== undefined;
}

function fieldValues(headers: readonly Header[], name: string): string[] {
  return headers.filter((h) => h.name === name).map((h) => h.value);
}

/**
 * The directive names of a Cache-Control value (RFC 9111 §5.2: `#cache-directive`, each `token [ "=" ( token /
 * quoted-string ) ]`), lower-cased; commas inside a quoted string do not separate directives.
 */
export function cacheDirectives(value: string): string[] {
  const names: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ',') {
      names.push(current);
      current = '';
    } else current += ch;
  }
  names.push(current);
  return names.map((d) => d.split('=')[0]!.trim().toLowerCase()).filter((d) => d !== '');
}
