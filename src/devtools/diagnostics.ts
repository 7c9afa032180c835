/**
 * "Why is my sign-in stuck?": the rule catalogue's stuck-redirect diagnostics, turned into short checklists
 * for the flow on screen. Rules say what is wrong against the spec; these say where to look when a flow did
 * not finish. Pure; every line is computed from the flow (no secret value is ever quoted).
 */
import type { Flow, Exchange, TokenRequest } from '../core/model.ts';
import { duplicatedNames } from '../core/params.ts';
import { compareRedirectUris } from '../core/redirect-uri.ts';
import { formatDuration } from './detail.ts';

export interface Diagnosis {
  id: 'callback-never-reached' | 'callback-redirected' | 'no-token-request' | 'invalid-grant' | 'invalid-client' | 'invalid-request' | 'authorization-error';
  title: string;
  lines: string[];
}

const AUTHORIZATION_ERRORS: Record<string, string> = {
  access_denied: 'the user refused (or cancelled) at the authorization server.',
  login_required: 'a prompt=none request found no session, or an iframe had its third-party cookies blocked.',
  interaction_required: 'a prompt=none request needs the user (consent, account choice), or third-party cookies are blocked in an iframe.',
  consent_required: 'a prompt=none request needs consent the user has not given.',
  invalid_request: 'a parameter is missing, unsupported or duplicated (often the PKCE method, or code_challenge itself).',
  unauthorized_client: 'the client is not allowed this grant or response type.',
  unsupported_response_type: 'the client is not allowed this response type.',
  invalid_scope: 'a requested scope is unknown or not allowed for this client.',
  server_error: 'the authorization server failed: retry.',
  temporarily_unavailable: 'the authorization server is overloaded or in maintenance: retry.',
};

/** `others`: the other flows of the same source, to find the last redirect_uri that worked for the client. */
export function diagnose(flow: Flow, others: readonly Flow[], exchangeById: ReadonlyMap<string, Exchange>): Diagnosis[] {
  const out: Diagnosis[] = [];
  const auth = flow.authorization;
  const callback = flow.callback;

  if (auth && !callback) {
    const last = flow.steps[flow.steps.length - 1];
    const lines = [last
      ? `The authorization chain ends at the authorization server (${last.method} ${last.status ?? 'no response'}), without a redirect to the redirect_uri.`
      : 'No step after the authorization request was observed.'];
    lines.push('An authorization server must not redirect when the redirect_uri is invalid (RFC 6749 §4.1.2.1): check its error page.');
    const worked = [...others]
      .filter((o) => o !== flow && o.callback && o.authorization?.clientId === auth.clientId && o.authorization?.redirectUri !== undefined)
      .sort((a, b) => (b.steps[0]?.time ?? 0) - (a.steps[0]?.time ?? 0))[0];
    if (worked && auth.redirectUri !== undefined) {
      const difference = compareRedirectUris(worked.authorization!.redirectUri!, auth.redirectUri, { expected: 'the last one that worked', actual: 'this one' });
      lines.push(difference
        ? `Against the last redirect_uri that worked for this client: ${difference.explanation} (${difference.kind}).`
        : 'The redirect_uri is the same as in the last flow that worked for this client.');
    }
    out.push({ id: 'callback-never-reached', title: 'The callback was never reached', lines });
  }

  const arrivalStatus = callback?.arrival?.status;
  if (arrivalStatus !== undefined && [301, 302, 303, 307, 308].includes(arrivalStatus)) {
    out.push({
      id: 'callback-redirected',
      title: 'The client\'s infrastructure redirected the callback',
      lines: [
        `The redirect_uri answered ${arrivalStatus} (an http→https, www or trailing-slash rewrite is typical).`,
        'A redirect drops the fragment (fragment mode), and a 301/302 turns a form_post into a GET without its body.',
      ],
    });
  }

  if (callback?.error) {
    const meaning = AUTHORIZATION_ERRORS[callback.error];
    out.push({
      id: 'authorization-error',
      title: 'The authorization server returned an error',
      lines: [meaning ? `${callback.error}: ${meaning}` : 'An error code outside RFC 6749 §4.1.2.1 and OIDC Core §3.1.2.6: see the server\'s documentation.'],
    });
  }

  if (callback?.code !== undefined && flow.codeExchanges.length === 0) {
    out.push({
      id: 'no-token-request',
      title: 'Callback seen, but no token request followed',
      lines: [
        `Either the code is exchanged by a server (invisible to the browser: the callback page answered ${callback.arrival?.status ?? 'without an observed response'}), or the app stopped before exchanging it.`,
        'If a new authorization request started right after, the state was probably lost (another tab or origin, or a state cookie not sent on a cross-site form_post).',
      ],
    });
  }

  flow.codeExchanges.forEach((request, index) => {
    const error = request.response?.error;
    const failed = error === 'invalid_grant' || (error === undefined && request.response?.status === 400 && request.response.json === undefined);
    if (failed) out.push(invalidGrant(flow, request, index, exchangeById));
    if (error === 'invalid_client') out.push(invalidClient(request));
    if (error === 'invalid_request') out.push(invalidRequest(flow, request));
  });
  return out;
}

function invalidGrant(flow: Flow, request: TokenRequest, index: number, exchangeById: ReadonlyMap<string, Exchange>): Diagnosis {
  const known = request.response?.error === 'invalid_grant';
  const lines: string[] = [];
  const earlier = flow.codeExchanges.slice(0, index);
  if (earlier.length) lines.push(`The same code was already exchanged ${earlier.length} time${earlier.length === 1 ? '' : 's'} before (first: HTTP ${earlier[0]!.response?.status ?? earlier[0]!.exchange.status ?? '?'}): codes are one-time (RFC 6749 §4.1.2).`);
  else lines.push('No earlier exchange of this code was observed.');
  const callbackTime = flow.callback ? (exchangeById.get(flow.callback.exchange.id)?.time ?? flow.callback.exchange.time) : undefined;
  if (callbackTime !== undefined) lines.push(`The code was ${formatDuration(request.exchange.time - callbackTime)} old when exchanged (servers typically accept 30–60 s, RFC 6749 §4.1.2 recommends at most 10 min).`);
  const { pkce } = flow;
  if (pkce.status === 'mismatch') lines.push(`PKCE: the verifier does not match the challenge${pkce.nearMiss ? ` (${pkce.nearMiss.kind}: ${pkce.nearMiss.explanation})` : ''}.`);
  else if (pkce.status === 'match') lines.push('PKCE: the verifier matches the challenge.');
  else lines.push(`PKCE: ${pkce.status}.`);
  const sent = flow.authorization?.redirectUri;
  if (sent !== undefined && request.redirectUri !== undefined) {
    const d = compareRedirectUris(sent, request.redirectUri, { expected: 'authorize', actual: 'token' });
    lines.push(d ? `redirect_uri differs from the authorization request: ${d.explanation}.` : 'redirect_uri is identical in both requests.');
  } else if (sent !== undefined) {
    lines.push('The token request has no redirect_uri, but the authorization request had one (required by RFC 6749 §4.1.3).');
  }
  const authClient = flow.authorization?.clientId;
  const tokenClient = request.clientId ?? request.clientAuth.basic?.clientId;
  if (authClient !== undefined && tokenClient !== undefined) lines.push(authClient === tokenClient ? 'client_id is the same in both requests.' : 'client_id differs between the authorization and token requests.');
  const metadataToken = flow.metadata?.tokenEndpoint;
  if (metadataToken !== undefined && metadataToken !== request.endpoint) lines.push('The token request went to a different endpoint than the issuer\'s metadata names (wrong issuer?).');
  return {
    id: 'invalid-grant',
    title: known ? 'invalid_grant: what to check' : `The token request failed (HTTP ${request.response?.status ?? '?'}, body not observed): what to check`,
    lines,
  };
}

function invalidClient(request: TokenRequest): Diagnosis {
  const auth = request.clientAuth;
  const methods = [auth.basic && 'HTTP Basic', auth.secretInBody && 'client_secret in the body', auth.assertion && 'client_assertion'].filter(Boolean);
  return {
    id: 'invalid-client',
    title: 'invalid_client: what to check',
    lines: [
      methods.length ? `Client authentication sent: ${methods.join(' and ')}.` : 'No client authentication was sent (a public client): is the client registered as confidential?',
      ...(methods.length > 1 ? ['More than one authentication method at once is an error (RFC 6749 §2.3).'] : []),
      ...(auth.basic ? ['Basic credentials must be form-urlencoded before base64 (RFC 6749 §2.3.1).'] : []),
    ],
  };
}

function invalidRequest(flow: Flow, request: TokenRequest): Diagnosis {
  const lines: string[] = [];
  // A server may reject a malformed verifier as invalid_request before it compares it with the challenge.
  if (flow.pkce.nearMiss) lines.push(`PKCE ${flow.pkce.nearMiss.kind}: ${flow.pkce.nearMiss.explanation}`);
  if (request.encoding !== 'form') lines.push(`The parameters were sent as ${request.encoding}, not application/x-www-form-urlencoded (RFC 6749 §3.2).`);
  if (request.grantType === 'authorization_code' && request.redirectUri === undefined) lines.push('redirect_uri is missing (an OAuth 2.1 client talking to an OAuth 2.0 server?).');
  const duplicated = duplicatedNames(request.params);
  if (duplicated.length) lines.push(`Duplicated parameters: ${duplicated.join(', ')}.`);
  if (!lines.length) lines.push('The request looks well-formed: read the error_description.');
  return { id: 'invalid-request', title: 'invalid_request at the token endpoint: what to check', lines };
}
