import { readable } from '../authorization-parameters.ts';
import { loopbackKind, uriParts } from '../redirect-uri.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 9700 §2.6: authorization responses MUST NOT be sent over unencrypted connections; redirect URIs use
 * https, except loopback redirects of native apps (RFC 8252 §7.3), for which RFC 8252 §8.3 says the IP
 * literals 127.0.0.1 / [::1] are RECOMMENDED and `localhost` NOT RECOMMENDED.
 * - http to a non-loopback host → error: the code crosses a network in clear.
 * - http to a loopback IP literal (127.0.0.0/8, [::1]) → nothing: the response never leaves the machine, and it is
 *   the form RFC 8252 §7.3 defines and §8.3 recommends (native apps in production, every developer's machine).
 * - http to `localhost` (or a *.localhost name) → info, not RFC 8252 §8.3's NOT RECOMMENDED warning: that advice
 *   is for native apps (a resolver may map the name elsewhere), while `http://localhost` is how every developer
 *   runs a web app, and the rule cannot tell the two apart. The note says the IP literal is preferred and that a
 *   web app in production needs https.
 * - https and custom schemes → nothing.
 */
export default defineRule({
  meta: {
    id: 'redirect-uri-insecure',
    severity: 'error',
    title: 'redirect_uri uses plain http',
    citation: 'RFC 9700 §2.6; RFC 8252 §7.3, §8.3',
    fix: 'Use an https redirect_uri (native apps on loopback: http://127.0.0.1 or http://[::1] with any port)',
    evidence: 'W',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      const auth = flow.authorization;
      if (!readable(auth) || auth.redirectUri === undefined) continue;
      const redirectUri = auth.redirectUri;
      const parts = uriParts(redirectUri);
      if (parts.scheme?.toLowerCase() !== 'http') continue;
      const host = hostOf(redirectUri, parts.host);
      const loopback = loopbackKind(host);
      const exchanges = [auth.par?.exchange, auth.exchange];
      const evidence = [
        { label: 'redirect_uri', value: redirectUri },
        { label: 'host', value: host ?? '(none)' },
      ];
      if (loopback === undefined) {
        report({
          flow,
          message: `The redirect_uri uses plain http to ${host ?? 'a host'}, so the authorization code travels unencrypted.`,
          exchanges,
          evidence,
        });
        continue;
      }
      if (loopback === 'ip') continue;
      const message = `The redirect_uri uses http://${host}: fine on a development machine; a web app in production needs https, and a native app should listen on 127.0.0.1 or [::1] rather than localhost (RFC 8252 §8.3).`;
      report({ flow, severity: 'info', message, exchanges, evidence });
    }
  },
});

/** The host as the browser resolves it (e.g. 0x7f.1 is 127.0.0.1), falling back to the raw text. */
function hostOf(uri: string, raw: string | undefined): string | undefined {
  return URL.canParse(uri) ? new URL(uri).hostname : raw;
}
