import { capped, quotable } from '../evidence.ts';
import { tokenRequestsOf } from '../flow-facts.ts';
import type { Evidence } from '../model.ts';
import { header } from '../params.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 6749 §3.2: the client MUST use HTTP POST to the token endpoint, with the parameters in an
 * application/x-www-form-urlencoded body (§4.1.3, Appendix B); grant_type is REQUIRED, and the
 * authorization_code grant REQUIRES code.
 *
 * Trigger (one finding per token request, listing every problem): a method other than POST; parameters in the
 * URL query, a JSON body, another body type, no body, or a form body declared with another Content-Type; no
 * grant_type (when the parameters were readable); an authorization_code grant without code. A CORS preflight
 * (OPTIONS) is not the token request and is skipped.
 */
const FORM_TYPE = /^\s*application\/x-www-form-urlencoded\s*(?:;|$)/i;

export default defineRule({
  meta: {
    id: 'token-request-malformed',
    severity: 'error',
    title: 'Malformed token request',
    citation: 'RFC 6749 §3.2, §4.1.3',
    fix: 'POST an application/x-www-form-urlencoded body carrying grant_type (and code for the code grant)',
    evidence: 'W',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      for (const request of tokenRequestsOf(flow)) {
        const { exchange } = request;
        if (exchange.method === 'OPTIONS') continue;
        const problems: string[] = [];
        const contentType = header(exchange.requestHeaders, 'content-type');
        if (exchange.method !== 'POST') problems.push(`it is sent with ${quotable(exchange.method) ?? 'a method other than POST'}`);
        switch (request.encoding) {
          case 'query':
            problems.push('its parameters are in the URL query');
            break;
          case 'json':
            problems.push('its body is JSON');
            break;
          case 'other':
            problems.push('its body is not application/x-www-form-urlencoded');
            break;
          case 'none':
            problems.push('it has no body');
            break;
          case 'form':
            if (contentType !== undefined && !FORM_TYPE.test(contentType))
              problems.push('its Content-Type is not application/x-www-form-urlencoded');
            break;
        }
        const readable = request.encoding !== 'other';
        if (readable && !request.grantType) problems.push(request.grantType === '' ? 'grant_type is empty' : 'grant_type is missing');
        if (request.grantType === 'authorization_code' && !request.code)
          problems.push(request.code === '' ? 'the code is empty' : 'the code is missing');
        if (!problems.length) continue;
        const evidence: Evidence[] = [
          { label: 'request', value: capped(`${exchange.method} ${request.endpoint}`) },
          { label: 'parameters carried as', value: request.encoding },
          ...(contentType !== undefined ? [{ label: 'content-type', value: capped(contentType) }] : []),
          { label: 'grant_type', value: request.grantType === undefined ? '(absent)' : capped(request.grantType) },
        ];
        report({
          flow,
          message: `The token request is malformed: ${problems.join('; ')}.`,
          exchanges: [exchange],
          evidence,
        });
      }
    }
  },
});
