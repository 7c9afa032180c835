import { requestObjectOf } from '../authorization-parameters.ts';
import { jsonObjectOf } from '../body.ts';
import { capped, paramEvidence } from '../evidence.ts';
import { callbacksOf } from '../flow-facts.ts';
import type { AuthorizationRequest, Flow } from '../model.ts';
import { firstParam, hasParam, splitUrl } from '../params.ts';
import { defineRule, type Report } from './rule.ts';

/** The parameters beside a request_uri or a request object: RFC 9126 §4, RFC 9101 §5, and OIDC Core §6.1's repeats. */
const FRONT_CHANNEL_PARAMETERS = new Set(['client_id', 'request_uri', 'response_type', 'scope']);

/** A request_uri used this long after the PAR response's expires_in counts as late (clock and transit slack). */
const EXPIRY_SLACK_MS = 1000;

/**
 * Pushed authorization requests (RFC 9126):
 * - §2.1: the PAR request carries the authorization request's parameters, "with the exception of request_uri",
 *   which "MUST NOT be provided" → error;
 * - §4: "the client MUST only use a request_uri value once" (its code_challenge and state are unique to one
 *   request) → error when a request_uri comes back in a new authorization request after the first one's
 *   authorization response was observed (a user reloading the sign-in page reuses it before any response, which
 *   §4 lets the server allow);
 * - §2.2, §4: a request_uri used after the PAR response's expires_in → error (the server must reject it);
 * - §5: metadata with require_pushed_authorization_requests=true, and an authorization request at its endpoint
 *   without request_uri → error (the server accepts authorization data only by PAR);
 * - RFC 9101 §6.3 (which RFC 9126 §4 builds on): the server uses only the pushed parameters; a parameter sent in
 *   the front channel beside request_uri with another value than the pushed one, or not pushed at all, is
 *   ignored → warning: the flow the client meant is not the one the server runs. client_id and request_uri
 *   belong there, and response_type and scope may be repeated (OIDC Core §6.1).
 *
 *
 * And JWT-secured authorization requests (RFC 9101), by value in the front channel or in the pushed request:
 * - §6.3: "The client ID values in the client_id request parameter and in the Request Object client_id claim
 *   MUST be identical" → error;
 * - alg none in the front channel: anyone on the way can change an unsigned object, which then protects nothing
 *   (RFC 8725 §3.2; OIDC Core §6.1 allows it) → info; pushed with client authentication it is protected, silent;
 * - §6.3: the server uses only the object's parameters; one beside it that the object lacks or contradicts is
 *   ignored → info.
 *
 * Silent: a request_uri whose PAR request was not observed (nothing to compare with); PAR responses without a
 * body (no expires_in); a request object that does not decode (a JWE: the flow's notes say so).
 */
export default defineRule({
  meta: {
    id: 'par-misuse',
    severity: 'error',
    title: 'Pushed or JWT-secured authorization request misused',
    citation: 'RFC 9126 §2.1, §4, §5; RFC 9101 §6.3',
    fix: 'Push every authorization parameter (or put them all in a signed request object), then send only client_id and a fresh, unexpired request_uri, once',
    evidence: 'W+B',
  },
  check({ flows, classified, report }) {
    const flowOfPar = new Map(flows.flatMap((f) => (f.authorization?.par ? [[f.authorization.par, f] as const] : [])));
    for (const par of classified.pars) {
      const requestUri = firstParam(par.params, 'request_uri');
      if (requestUri === undefined) continue;
      const flow = flowOfPar.get(par);
      report({
        ...(flow ? { flow } : {}),
        message: `The PAR request to ${capped(par.endpoint)} carries a request_uri: it MUST NOT (RFC 9126 §2.1).`,
        exchanges: [par.exchange],
        evidence: [{ label: 'request_uri', value: capped(requestUri) }],
      });
    }

    const firstUse = new Map<string, Flow>();
    for (const flow of flows) {
      const auth = flow.authorization;
      if (!auth) continue;
      if (auth.requestUri === undefined) {
        requiredButSkipped(flow, auth, report);
        continue;
      }
      const earlier = firstUse.get(auth.requestUri);
      if (!earlier) firstUse.set(auth.requestUri, flow);
      else reused(flow, auth, earlier, report);
      if (auth.par) {
        expired(flow, auth, report);
        ignoredParameters(flow, auth, report);
      }
    }
    for (const flow of flows) if (flow.authorization) requestObjectProblems(flow, flow.authorization, report);
  },
});

type Reporter = (report: Report) => void;

function requiredButSkipped(flow: Flow, auth: AuthorizationRequest, report: Reporter): void {
  const metadata = flow.metadata;
  if (metadata?.raw.require_pushed_authorization_requests !== true) return;
  if (metadata.authorizationEndpoint === undefined || splitUrl(metadata.authorizationEndpoint)?.target !== auth.endpoint) return;
  report({
    flow,
    message: `The authorization server's metadata requires pushed authorization requests, and this authorization request carries its parameters instead of a request_uri (RFC 9126 §5).`,
    exchanges: [metadata.exchange, auth.exchange],
    evidence: [
      { label: 'metadata', value: capped(metadata.url) },
      { label: 'require_pushed_authorization_requests', value: 'true' },
    ],
  });
}

function reused(flow: Flow, auth: AuthorizationRequest, earlier: Flow, report: Reporter): void {
  // Before the first use was answered, the second may be the user reloading the sign-in page (§4 allows it).
  const answered = callbacksOf(earlier).some((c) => c.exchange.time <= auth.exchange.time);
  if (!answered) return;
  report({
    flow,
    message: `The request_uri was used again in a new authorization request after the first one was answered: a client MUST use a request_uri only once (RFC 9126 §4).`,
    exchanges: [earlier.authorization?.exchange, earlier.callback?.exchange, auth.exchange],
    evidence: [{ label: 'request_uri', value: capped(auth.requestUri!) }],
  });
}

function expired(flow: Flow, auth: AuthorizationRequest, report: Reporter): void {
  const par = auth.par!;
  const body = jsonObjectOf(par.exchange.responseBody);
  const expiresIn = body.ok ? body.json.expires_in : undefined;
  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) return;
  const issuedAt = par.exchange.endTime ?? par.exchange.time;
  const late = auth.exchange.time - issuedAt - expiresIn * 1000;
  if (late <= EXPIRY_SLACK_MS) return;
  report({
    flow,
    message: `The request_uri was used ${Math.round((auth.exchange.time - issuedAt) / 1000)} s after the PAR response, which gave it ${expiresIn} s (expires_in): the server must reject it (RFC 9126 §2.2, §4).`,
    exchanges: [par.exchange, auth.exchange],
    evidence: [
      { label: 'expires_in', value: String(expiresIn) },
      { label: 'request_uri', value: capped(auth.requestUri!) },
    ],
  });
}

function ignoredParameters(flow: Flow, auth: AuthorizationRequest, report: Reporter): void {
  const pushed = auth.par!.params;
  const ignored = auth.params.filter(
    (p) => !FRONT_CHANNEL_PARAMETERS.has(p.name) && (!hasParam(pushed, p.name) || firstParam(pushed, p.name) !== p.value),
  );
  if (!ignored.length) return;
  const names = [...new Set(ignored.map((p) => p.name))];
  report({
    flow,
    severity: 'warning',
    message: `The authorization request sends ${names.map((n) => JSON.stringify(capped(n))).join(', ')} beside its request_uri, not as pushed: the server uses only the pushed parameters (RFC 9101 §6.3, RFC 9126 §4) and ignores ${names.length > 1 ? 'them' : 'it'}.`,
    exchanges: [auth.par!.exchange, auth.exchange],
    evidence: ignored.flatMap((p) => [
      paramEvidence(p.name, p.value, `${p.name} (front channel)`),
      ...(hasParam(pushed, p.name) ? [paramEvidence(p.name, firstParam(pushed, p.name)!, `${p.name} (pushed)`)] : []),
    ]),
  });
}

function requestObjectProblems(flow: Flow, auth: AuthorizationRequest, report: Reporter): void {
  const object = requestObjectOf(auth);
  if (!object?.decoded.ok) return;
  const { header, claims } = object.decoded;
  const exchanges = [object.carrier === 'pushed request' ? auth.par?.exchange : undefined, auth.exchange];
  const outsideClientId = firstParam(object.beside, 'client_id');
  if (typeof claims.client_id === 'string' && outsideClientId !== undefined && claims.client_id !== outsideClientId) {
    report({
      flow,
      message: `The request object's client_id ${JSON.stringify(capped(claims.client_id))} is not the client_id sent beside it, ${JSON.stringify(capped(outsideClientId))}: they MUST be identical (RFC 9101 §6.3).`,
      exchanges,
      evidence: [
        { label: 'client_id (request object)', value: capped(claims.client_id) },
        { label: `client_id (${object.carrier})`, value: capped(outsideClientId) },
      ],
    });
  }
  if (object.carrier === 'front channel' && typeof header.alg === 'string' && /^none$/i.test(header.alg)) {
    report({
      flow,
      severity: 'info',
      message:
        'The request object in the URL is unsigned (alg none): anyone on its way can change it, so it protects nothing that query parameters do not (RFC 8725 §3.2).',
      exchanges,
      evidence: [{ label: 'alg', value: capped(header.alg) }],
    });
  }
  const ignored = object.beside.filter(
    (p) => !FRONT_CHANNEL_PARAMETERS.has(p.name) && (typeof claims[p.name] !== 'string' || claims[p.name] !== p.value),
  );
  if (ignored.length) {
    const names = [...new Set(ignored.map((p) => p.name))];
    report({
      flow,
      severity: 'info',
      message: `The ${object.carrier} sends ${names.map((n) => JSON.stringify(capped(n))).join(', ')} beside the request object, which does not carry ${names.length > 1 ? 'them' : 'it'} with that value: the server uses only the request object's parameters (RFC 9101 §6.3).`,
      exchanges,
      evidence: ignored.map((p) => paramEvidence(p.name, p.value, `${p.name} (beside the request object)`)),
    });
  }
}
