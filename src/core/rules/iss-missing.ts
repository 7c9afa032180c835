import { capped } from '../evidence.ts';
import { callbacksOf } from '../flow-facts.ts';
import type { Callback } from '../model.ts';
import { hasParam } from '../params.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 9207 §2: an authorization server that supports issuer identification includes `iss` in every
 * authorization response, error responses included; §3: it says so with
 * `authorization_response_iss_parameter_supported: true` in its metadata; §2.4: a client "MUST reject
 * authorization responses without the iss parameter from authorization servers that do support the
 * parameter". Without that support the response carries no issuer, and the client has no in-band defence
 * against mix-up (RFC 9700 §4.4.2).
 *
 * Trigger, for each authorization response (success or error) of a flow whose discovery metadata was observed:
 * no `iss` parameter, and the metadata says authorization_response_iss_parameter_supported=true → error (the
 * client must reject it; it may not come from that server at all); the metadata does not say so → info.
 *
 * Not flagged: a response that carries an ID token (implicit and hybrid flows). RFC 9207 §4: when the response
 * already carries the issuer identifier by other means, as OpenID Connect response types that return an ID
 * token from the authorization endpoint do (its iss claim, checked by id-token-invalid), the iss parameter "is
 * not necessary and MAY be omitted"; RFC 9700 §4.4.2.1 lists the ID token's iss as a transport of the issuer
 * too. oidc-provider omits it there. A JARM response (`response=`) carries iss inside its JWT.
 * Silent without metadata (support is unknown), and when iss is present (iss-mismatch compares it).
 */
export default defineRule({
  meta: {
    id: 'iss-missing',
    severity: 'error',
    title: 'The authorization response has no iss parameter',
    citation: 'RFC 9207 §2.4, §3',
    fix: 'Validate iss: reject a response without it from a server that advertises it; otherwise ask the server to support RFC 9207',
    evidence: 'B',
  },
  check({ flows, report }) {
    for (const flow of flows) {
      const metadata = flow.metadata;
      if (!metadata) continue;
      const missing = callbacksOf(flow).filter(lacksIssuer);
      if (!missing.length) continue;
      const supported = metadata.authorizationResponseIssParameterSupported === true;
      const kind = missing.some((c) => c.error === undefined) ? 'authorization response' : 'error response';
      report({
        flow,
        severity: supported ? 'error' : 'info',
        message: supported
          ? `The ${kind} has no iss parameter although the server's metadata says it always sends one, so the client must reject it: it may not come from this server (mix-up or a forged response).`
          : `The ${kind} has no iss parameter and the server does not advertise RFC 9207 issuer identification, so the client cannot tell which server answered (no in-band mix-up defence).`,
        exchanges: [
          flow.authorization?.par?.exchange,
          flow.authorization?.exchange,
          ...missing.flatMap((c) => [c.exchange, c.arrival]),
          metadata.exchange,
        ],
        evidence: [
          {
            label: 'authorization_response_iss_parameter_supported',
            value: advertised(metadata.raw.authorization_response_iss_parameter_supported),
          },
          { label: 'issuer (metadata)', value: metadata.issuer ?? '(absent)' },
          { label: 'metadata URL', value: metadata.url },
          { label: 'response mode', value: missing[0]!.mode },
          ...(missing.length > 1 ? [{ label: 'responses without iss', value: String(missing.length) }] : []),
        ],
      });
    }
  },
});

/** No iss, no ID token standing in for it, and not a JARM response. */
function lacksIssuer(callback: Callback): boolean {
  return !hasParam(callback.params, 'iss') && callback.idToken === undefined && !hasParam(callback.params, 'response');
}

function advertised(value: unknown): string {
  return value === undefined ? '(absent: false)' : capped(JSON.stringify(value));
}
