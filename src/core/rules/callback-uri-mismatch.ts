import { readable } from '../authorization-parameters.ts';
import { callbacksOf } from '../flow-facts.ts';
import { compareRedirectTargets, endpointOf } from '../redirect-uri.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 6749 §4.1.2: the AS sends the authorization response to the client's redirection endpoint, the
 * redirect_uri of the request (§3.1.2, which it must match against the registered one: RFC 9700 §4.1 requires
 * exact matching). A callback that lands elsewhere (another scheme, host, port or path) means the AS, a
 * proxy or an open redirector moved it. The AS's `Location` (or, when only the arrival was seen, the URL the
 * browser opened) is compared with the requested redirect_uri on those four components, raw, counting an
 * empty path as "/" (this check only). The query and fragment are not compared: the AS adds its own.
 * Silent when the request had no redirect_uri (the registered one applies) or its parameters are unreadable.
 */
export default defineRule({
  meta: {
    id: 'callback-uri-mismatch',
    severity: 'error',
    title: 'The authorization response went to another URI than the requested redirect_uri',
    citation: 'RFC 6749 §3.1.2, §4.1.2; RFC 9700 §4.1',
    fix: 'Investigate the AS or the proxy that rewrote the redirect: the response must go to the exact redirect_uri requested',
    evidence: 'W',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      const auth = flow.authorization;
      if (!readable(auth) || auth.redirectUri === undefined) continue;
      const requested = auth.redirectUri;
      const reported = new Set<string>();
      for (const callback of callbacksOf(flow)) {
        // Never the whole callback URL: its query or fragment carries the code.
        const landed = endpointOf(callback.url);
        if (reported.has(landed)) continue;
        const difference = compareRedirectTargets(requested, callback.url, { expected: 'requested', actual: 'callback' });
        if (!difference) continue;
        reported.add(landed);
        report({
          flow,
          message: `The authorization response was sent to ${landed} instead of the requested redirect_uri: ${difference.explanation}.`,
          exchanges: [auth.par?.exchange, auth.exchange, callback.exchange, callback.arrival],
          evidence: [
            { label: 'redirect_uri requested', value: requested },
            { label: 'callback sent to', value: landed },
            { label: 'difference', value: difference.kind },
            { label: 'differing components', value: difference.components.join(', ') },
            {
              label: 'read from',
              value:
                callback.exchange.location !== undefined && callback.exchange !== callback.arrival
                  ? 'AS Location header'
                  : `${callback.mode} callback request`,
            },
          ],
        });
      }
    }
  },
});
