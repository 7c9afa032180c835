import { capped } from '../evidence.ts';
import { callbacksOf } from '../flow-facts.ts';
import { splitUrl } from '../params.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 9700 §4.12: a 307 (or 308) redirect keeps the method and the body, so an authorization server that answers
 * the POST of its sign-in form with one sends the browser to POST that form, the user's name and password
 * included, to the client's redirect URI. "The authorization server MUST NOT use a 307 redirect" there; 303 is
 * the status that turns the request into a GET.
 *
 * Evidence: the response that delivered the authorization response in its `Location` answered a POST with 307 or
 * 308. A form_post response (the browser POSTs the response by design) is not a redirect and is not concerned.
 */
const PRESERVING = new Set([307, 308]);
/** Field names that carry what the user typed to sign in: named in the message when re-sent. */
const CREDENTIAL_FIELD = /pass|pwd|otp|pin|secret/i;

export default defineRule({
  meta: {
    id: 'as-307-credential-redirect',
    severity: 'error',
    title: 'The authorization server redirects a sign-in POST with 307/308 to the client',
    citation: 'RFC 9700 §4.12',
    fix: 'Answer the sign-in form with 303 See Other (or 302 from a GET), never 307 or 308, when redirecting to the client',
    evidence: 'W',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      for (const callback of callbacksOf(flow)) {
        const redirect = callback.exchange;
        if (callback.mode === 'form_post' || redirect.method !== 'POST' || !PRESERVING.has(redirect.status ?? 0)) continue;
        const body = (callback.arrival?.method === 'POST' ? callback.arrival : redirect).requestBody;
        const fields = body.kind === 'form' ? [...new Set(body.params.map((p) => p.name))] : [];
        const credentials = fields.filter((name) => CREDENTIAL_FIELD.test(name));
        report({
          flow,
          message: `The authorization server answered a POST with ${redirect.status} to the redirect URI, so the browser POSTs the same form body to the client${credentials.length ? `, ${credentials.join(', ')} included` : ''}.`,
          exchanges: [redirect, ...(callback.arrival ? [callback.arrival] : [])],
          evidence: [
            { label: 'request', value: capped(`POST ${splitUrl(redirect.url)?.target ?? redirect.url}`) },
            { label: 'status', value: String(redirect.status) },
            { label: 'redirected to', value: capped(callback.target) },
            ...(fields.length ? [{ label: 'fields re-sent', value: capped(fields.join(', ')) }] : []),
          ],
        });
        break;
      }
    }
  },
});
