/**
 * "Why is my sign-in stuck?": the rule catalogue's stuck-redirect diagnostics, turned into short checklists
 * for the flow on screen. Rules say what is wrong against the spec; these say where to look when a flow did
 * not finish. Pure; every line is computed from what the capture holds (the flow, the source's other flows and
 * exchanges) and says what was observed; no secret value is ever quoted (state values are public).
 */
import { isSuccess } from '../core/code-flow.ts';
import type { Callback, Exchange, Flow, Header, TokenRequest } from '../core/model.ts';
import { duplicatedNames, header, splitUrl } from '../core/params.ts';
import { compareRedirectUris } from '../core/redirect-uri.ts';
import { formatDuration } from '../report/text.ts';

export interface Diagnosis {
  id:
    | 'callback-never-reached'
    | 'callback-redirected'
    | 'state-lost'
    | 'no-token-request'
    | 'token-cors-blocked'
    | 'invalid-grant'
    | 'invalid-client'
    | 'invalid-request'
    | 'authorization-error';
  title: string;
  lines: string[];
}

/**
 * A new authorization request of the same app this soon after a callback whose code was never redeemed: the
 * app started over (the catalogue's sign of a lost state).
 */
const RESTART_WINDOW_MS = 30_000;
/** A sign-in page loaded this often in one flow is a loop, not a login form sent again after a typo. */
const LOOP_LOADS = 3;
/** How far a CORS preflight and the token request it precedes may lie apart in a capture. */
const PREFLIGHT_PAIRING_MS = 10_000;
/** How long after a flow's last step a preflight to its token endpoint may still belong to it. */
const PREFLIGHT_WINDOW_MS = 60_000;

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

/**
 * `others`: the flows of the same source (the last redirect_uri that worked for the client, an app starting
 * over, the requests still pending); `exchangeById`: all its exchanges (CORS preflights belong to no flow).
 */
export function diagnose(flow: Flow, others: readonly Flow[], exchangeById: ReadonlyMap<string, Exchange>): Diagnosis[] {
  const out: Diagnosis[] = [];
  const auth = flow.authorization;
  const callback = flow.callback;

  if (auth && !callback) {
    const last = flow.steps[flow.steps.length - 1];
    const lines = [
      last
        ? `The authorization chain ends at the authorization server (${last.method} ${last.status ?? 'no response'}), without a redirect to the redirect_uri.`
        : 'No step after the authorization request was observed.',
    ];
    lines.push(...signInLoops(flow));
    lines.push('An authorization server must not redirect when the redirect_uri is invalid (RFC 6749 §4.1.2.1): check its error page.');
    const worked = [...others]
      .filter((o) => o !== flow && o.callback && o.authorization?.clientId === auth.clientId && o.authorization?.redirectUri !== undefined)
      .sort((a, b) => (b.steps[0]?.time ?? 0) - (a.steps[0]?.time ?? 0))[0];
    if (worked && auth.redirectUri !== undefined) {
      const difference = compareRedirectUris(worked.authorization!.redirectUri!, auth.redirectUri, {
        expected: 'the last one that worked',
        actual: 'this one',
      });
      lines.push(
        difference
          ? `Against the last redirect_uri that worked for this client: ${difference.explanation} (${difference.kind}).`
          : 'The redirect_uri is the same as in the last flow that worked for this client.',
      );
    }
    out.push({ id: 'callback-never-reached', title: 'The callback was never reached', lines });
  }

  const arrivalStatus = callback?.arrival?.status;
  if (arrivalStatus !== undefined && [301, 302, 303, 307, 308].includes(arrivalStatus)) {
    out.push({
      id: 'callback-redirected',
      title: "The client's infrastructure redirected the callback",
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
      lines: [
        meaning
          ? `${callback.error}: ${meaning}`
          : "An error code outside RFC 6749 §4.1.2.1 and OIDC Core §3.1.2.6: see the server's documentation.",
      ],
    });
  }

  const lostState = stateLost(flow, others);
  if (lostState) out.push(lostState);
  const cors = tokenCorsBlocked(flow, others, exchangeById);

  // A failed preflight already says why no token request was answered.
  if (callback?.code !== undefined && flow.codeExchanges.length === 0 && !cors) {
    out.push({
      id: 'no-token-request',
      title: 'Callback seen, but no token request followed',
      lines: [
        `Either the code is exchanged by a server (invisible to the browser: the callback page answered ${callback.arrival?.status ?? 'without an observed response'}), or the app stopped before exchanging it.`,
        // Without evidence of a lost state, the causes that leave none in a capture are still worth a look.
        ...(lostState
          ? []
          : [
              'If the app reports a state error, the state it stored was lost without a trace here (kept in memory across a page load, or in a state cookie the browser did not send).',
            ]),
      ],
    });
  }
  if (cors) out.push(cors);

  flow.codeExchanges.forEach((request, index) => {
    const error = request.response?.error;
    const failed =
      error === 'invalid_grant' || (error === undefined && request.response?.status === 400 && request.response.json === undefined);
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
  if (earlier.length)
    lines.push(
      `The same code was already exchanged ${earlier.length} time${earlier.length === 1 ? '' : 's'} before (first: HTTP ${earlier[0]!.response?.status ?? earlier[0]!.exchange.status ?? '?'}): codes are one-time (RFC 6749 §4.1.2).`,
    );
  else lines.push('No earlier exchange of this code was observed.');
  const callbackTime = flow.callback ? (exchangeById.get(flow.callback.exchange.id)?.time ?? flow.callback.exchange.time) : undefined;
  if (callbackTime !== undefined)
    lines.push(
      `The code was ${formatDuration(request.exchange.time - callbackTime)} old when exchanged (servers typically accept 30–60 s, RFC 6749 §4.1.2 recommends at most 10 min).`,
    );
  const { pkce } = flow;
  if (pkce.status === 'mismatch')
    lines.push(
      `PKCE: the verifier does not match the challenge${pkce.nearMiss ? ` (${pkce.nearMiss.kind}: ${pkce.nearMiss.explanation})` : ''}.`,
    );
  else if (pkce.status === 'match') lines.push('PKCE: the verifier matches the challenge.');
  else lines.push(`PKCE: ${pkce.status}.`);
  const sent = flow.authorization?.redirectUri;
  if (sent !== undefined && request.redirectUri !== undefined) {
    const d = compareRedirectUris(sent, request.redirectUri, { expected: 'authorize', actual: 'token' });
    lines.push(
      d ? `redirect_uri differs from the authorization request: ${d.explanation}.` : 'redirect_uri is identical in both requests.',
    );
  } else if (sent !== undefined) {
    lines.push('The token request has no redirect_uri, but the authorization request had one (required by RFC 6749 §4.1.3).');
  }
  const authClient = flow.authorization?.clientId;
  const tokenClient = request.clientId ?? request.clientAuth.basic?.clientId;
  if (authClient !== undefined && tokenClient !== undefined)
    lines.push(
      authClient === tokenClient
        ? 'client_id is the same in both requests.'
        : 'client_id differs between the authorization and token requests.',
    );
  const metadataToken = flow.metadata?.tokenEndpoint;
  if (metadataToken !== undefined && metadataToken !== request.endpoint)
    lines.push("The token request went to a different endpoint than the issuer's metadata names (wrong issuer?).");
  return {
    id: 'invalid-grant',
    title: known
      ? 'invalid_grant: what to check'
      : `The token request failed (HTTP ${request.response?.status ?? '?'}, body not observed): what to check`,
    lines,
  };
}

function invalidClient(request: TokenRequest): Diagnosis {
  const auth = request.clientAuth;
  const methods = [
    auth.basic && 'HTTP Basic',
    auth.secretInBody && 'client_secret in the body',
    auth.assertion && 'client_assertion',
  ].filter(Boolean);
  return {
    id: 'invalid-client',
    title: 'invalid_client: what to check',
    lines: [
      methods.length
        ? `Client authentication sent: ${methods.join(' and ')}.`
        : 'No client authentication was sent (a public client): is the client registered as confidential?',
      ...(methods.length > 1 ? ['More than one authentication method at once is an error (RFC 6749 §2.3).'] : []),
      ...(auth.basic ? ['Basic credentials must be form-urlencoded before base64 (RFC 6749 §2.3.1).'] : []),
    ],
  };
}

function invalidRequest(flow: Flow, request: TokenRequest): Diagnosis {
  const lines: string[] = [];
  // A server may reject a malformed verifier as invalid_request before it compares it with the challenge.
  if (flow.pkce.nearMiss) lines.push(`PKCE ${flow.pkce.nearMiss.kind}: ${flow.pkce.nearMiss.explanation}`);
  if (request.encoding !== 'form')
    lines.push(`The parameters were sent as ${request.encoding}, not application/x-www-form-urlencoded (RFC 6749 §3.2).`);
  if (request.grantType === 'authorization_code' && request.redirectUri === undefined)
    lines.push('redirect_uri is missing (an OAuth 2.1 client talking to an OAuth 2.0 server?).');
  const duplicated = duplicatedNames(request.params);
  if (duplicated.length) lines.push(`Duplicated parameters: ${duplicated.join(', ')}.`);
  if (!lines.length) lines.push('The request looks well-formed: read the error_description.');
  return { id: 'invalid-request', title: 'invalid_request at the token endpoint: what to check', lines };
}

/**
 * Catalogue 1, a sign-in loop: one page of the authorization server loaded again and again (GET) among the
 * flow's sign-in steps, and never a redirect to the redirect_uri.
 */
function signInLoops(flow: Flow): string[] {
  const loads = new Map<string, number>();
  for (const step of flow.steps) {
    if (step.kind !== 'sign-in' || step.method !== 'GET') continue;
    // The same page whatever its query (a login page that says "try again" is still the login page).
    const page = splitUrl(step.url)?.target ?? step.url;
    loads.set(page, (loads.get(page) ?? 0) + 1);
  }
  return [...loads]
    .filter(([, count]) => count >= LOOP_LOADS)
    .sort((a, b) => b[1] - a[1])
    .map(
      ([page, count]) =>
        `The sign-in page ${page} was loaded ${count} times in this flow: a sign-in loop. In its steps, look for the authorization server's session cookie: set (Set-Cookie) but not sent back (Cookie), e.g. refused for its SameSite or Secure attributes or blocked as a third-party cookie in a frame.`,
    );
}

/**
 * Catalogue 3, state lost: the app keeps the state (and the PKCE verifier) where the callback page must find it
 * again, per tab (sessionStorage) or per origin (web storage, cookies). When the page cannot, the code is never
 * redeemed and the app often starts over. Only a code callback that no token request followed is judged: once
 * the code is redeemed, the state was found (or not checked, which state-mismatch reports).
 */
function stateLost(flow: Flow, others: readonly Flow[]): Diagnosis | undefined {
  const callback = flow.callback;
  if (callback?.code === undefined || flow.codeExchanges.length) return undefined;
  const arrival = callback.arrival ?? callback.exchange;
  const arrivedAt = splitUrl(callback.url)?.origin;
  const auth = flow.authorization;
  const lines: string[] = [];

  if (auth) {
    const fromTab = auth.exchange.tabId;
    if (fromTab !== undefined && arrival.tabId !== undefined && arrival.tabId !== fromTab) {
      lines.push(
        `The authorization request was sent from tab ${fromTab}, and the callback arrived in tab ${arrival.tabId}: sessionStorage is per tab (HTML Standard, "The sessionStorage getter"), so a state or PKCE verifier kept there is not found.`,
      );
    }
    const startedFrom = auth.exchange.initiatorOrigin;
    if (startedFrom !== undefined && arrivedAt !== undefined && startedFrom !== arrivedAt) {
      lines.push(
        `The authorization request was started by a page of ${startedFrom}, and the callback arrived at ${arrivedAt}: web storage and cookies are kept per origin (localhost and 127.0.0.1, www and the bare host are different origins), so a state kept there is not found. Compare the app's address with its redirect_uri.`,
      );
    }
  } else if (callback.state !== undefined) {
    const pending = pendingStates(callback, others);
    lines.push(
      `The callback's state "${shortened(callback.state)}" matches no authorization request in this capture: the capture began after the sign-in did, or the callback answers no request of this app (an old or forged link), which the app must refuse (RFC 6749 §10.12).${pending.length ? ` Pending for the same redirect_uri: ${pending.map((s) => `"${shortened(s)}"`).join(', ')}.` : ''}`,
    );
  }

  // A cookie marked SameSite=Lax or Strict is not sent with a cross-site POST (RFC 6265bis, the SameSite
  // attribute), which is how a form_post response arrives. Only judged when the request headers were captured.
  if (
    callback.mode === 'form_post' &&
    arrival.requestHeaders.length &&
    header(arrival.requestHeaders, 'sec-fetch-site') === 'cross-site' &&
    header(arrival.requestHeaders, 'cookie') === undefined
  ) {
    lines.push(
      'The form_post callback arrived as a cross-site POST (Sec-Fetch-Site: cross-site) with no Cookie header: a state cookie set with SameSite=Lax or Strict is not sent with it (OAuth 2.0 Form Post Response Mode §2; RFC 6265bis, SameSite).',
    );
  }

  const restartedAfter = delayToNextStart(flow, callback, others);
  if (restartedAfter !== undefined && restartedAfter <= RESTART_WINDOW_MS) {
    const who = auth?.clientId !== undefined ? `of client ${auth.clientId}` : 'to the same redirect_uri';
    lines.push(
      `No token request followed the callback, and a new authorization request ${who} started ${formatDuration(restartedAfter)} after it: the app started over, the usual sign of a lost state.`,
    );
  }
  return lines.length ? { id: 'state-lost', title: 'The state may have been lost', lines } : undefined;
}

/** When the callback arrived: the browser's request to the redirect_uri, else the response that carried it. */
function arrivalTime(callback: Callback): number {
  return (callback.arrival ?? callback.exchange).time;
}

/**
 * How long after this flow's callback the next flow of the same app started: the same client when the
 * authorization request was observed, else an authorization request to the same redirect_uri.
 */
function delayToNextStart(flow: Flow, callback: Callback, others: readonly Flow[]): number | undefined {
  const clientId = flow.authorization?.clientId;
  const sameApp = (other: Flow) =>
    clientId !== undefined
      ? other.authorization?.clientId === clientId
      : other.authorization?.redirectUri !== undefined && splitUrl(other.authorization.redirectUri)?.target === callback.target;
  const arrived = arrivalTime(callback);
  let next: number | undefined;
  for (const other of others) {
    if (other === flow || !sameApp(other)) continue;
    const delay = (other.steps[0]?.time ?? Number.NEGATIVE_INFINITY) - arrived;
    if (delay > 0 && (next === undefined || delay < next)) next = delay;
  }
  return next;
}

/** States of the authorization requests to the callback's redirect_uri that were still waiting for theirs. */
function pendingStates(callback: Callback, others: readonly Flow[]): string[] {
  const arrived = arrivalTime(callback);
  return others.flatMap((other) => {
    const auth = other.authorization;
    if (!auth?.state || !auth.redirectUri || splitUrl(auth.redirectUri)?.target !== callback.target) return [];
    const answeredBefore = other.callback !== undefined && arrivalTime(other.callback) < arrived;
    return auth.exchange.time <= arrived && !answeredBefore ? [auth.state] : [];
  });
}

/** A state is public, but may be long (some libraries pack JSON or a JWT in it): enough to recognise it. */
function shortened(value: string): string {
  return value.length > 48 ? `${value.slice(0, 48)}…` : value;
}

/**
 * Catalogue 6, an opaque failure after a 200: the token request reached the server (which may have redeemed
 * the code), but the browser kept the response from the app, which sees a network error. Either the response
 * fails the CORS check, or the CORS preflight before the request failed and the POST was never sent.
 */
function tokenCorsBlocked(flow: Flow, others: readonly Flow[], exchangeById: ReadonlyMap<string, Exchange>): Diagnosis | undefined {
  const found: { time: number; line: string }[] = [];
  const requests = [...flow.codeExchanges, ...flow.refreshes].sort((a, b) => a.exchange.time - b.exchange.time);
  let usedUpReported = false;
  for (const request of requests) {
    const refusal = responseRefusal(request.exchange);
    if (!refusal) continue;
    const { exchange } = request;
    const answer = exchange.status !== undefined ? `HTTP ${exchange.status}` : 'a response (its status was not captured)';
    found.push({
      time: exchange.time,
      line: `The token request (${request.grantType ?? 'no grant_type'}) from ${refusal.origin} to ${request.endpoint} got ${answer}${exchange.error ? ` and then failed in the browser (${exchange.error})` : ''}: ${refusal.reason}. ${refusal.fix}`,
    });
    // A server that refused the code (an error status) has not used it up.
    const mayHaveRedeemed = exchange.status === undefined || isSuccess(exchange.status);
    const retry =
      usedUpReported || !mayHaveRedeemed || request.code === undefined
        ? undefined
        : flow.codeExchanges.find((r) => r.code === request.code && r.exchange.time > exchange.time);
    if (retry) {
      usedUpReported = true;
      found.push({ time: retry.exchange.time, line: usedUpLine(request, retry) });
    }
  }
  found.push(...failedPreflights(flow, others, exchangeById));
  if (!found.length) return undefined;
  return {
    id: 'token-cors-blocked',
    title: 'CORS kept the token exchange from the app',
    lines: found.sort((a, b) => a.time - b.time).map((f) => f.line),
  };
}

/**
 * Why the browser refuses this token response to the script that sent it, and what fixes it; undefined when
 * it is allowed or cannot be judged.
 */
function responseRefusal(exchange: Exchange): { origin: string; reason: string; fix: string } | undefined {
  const origin = scriptOrigin(exchange);
  // A response is judged only when it was observed (its headers), and only for a cross-origin request.
  if (origin === undefined || origin === splitUrl(exchange.url)?.origin || !exchange.responseHeaders.length) return undefined;
  if (header(exchange.requestHeaders, 'sec-fetch-mode') === 'no-cors') {
    return {
      origin,
      reason:
        'it was sent with mode "no-cors", so the app gets an opaque response, status 0 and no body, whatever the server answered (Fetch Standard, "opaque filtered response")',
      fix: 'Send it with mode "cors", fetch\'s default.',
    };
  }
  // Cookies on a cross-origin request mean the credentials mode was "include".
  const withCredentials = header(exchange.requestHeaders, 'cookie') !== undefined;
  const reason = corsCheckFailure(exchange.responseHeaders, origin, withCredentials);
  if (!reason) return undefined;
  return {
    origin,
    reason: `${reason}, so the browser keeps the response from the app, which sees a network error (Fetch Standard, "CORS check")`,
    fix: withCredentials
      ? `The token endpoint must answer Access-Control-Allow-Origin: ${origin} and Access-Control-Allow-Credentials: true, or the app must send the request without credentials.`
      : `The token endpoint must answer Access-Control-Allow-Origin: ${origin} (or *).`,
  };
}

/** The origin a script sent the request from (its Origin header, else a fetch's initiator); none for a navigation, which CORS does not apply to. */
function scriptOrigin(exchange: Exchange): string | undefined {
  if (exchange.initiator === 'navigation' || exchange.initiator === 'subframe' || exchange.initiator === 'form') return undefined;
  return header(exchange.requestHeaders, 'origin') ?? (exchange.initiator === 'fetch' ? exchange.initiatorOrigin : undefined);
}

/**
 * The Fetch Standard's "CORS check" of a response for a request from `origin`: why it fails, or undefined when
 * it passes. `withCredentials`: the request's credentials mode was "include".
 */
function corsCheckFailure(responseHeaders: readonly Header[], origin: string, withCredentials: boolean): string | undefined {
  const allowOrigin = responseHeaders.filter((h) => h.name === 'access-control-allow-origin').map((h) => h.value.trim());
  if (!allowOrigin.length) return 'its response has no Access-Control-Allow-Origin';
  if (allowOrigin.length > 1 || allowOrigin[0]!.includes(','))
    return `its Access-Control-Allow-Origin holds more than one value (${allowOrigin.join(', ')}), and only one origin is allowed`;
  const allowed = allowOrigin[0]!;
  if (allowed === '*')
    return withCredentials
      ? 'its Access-Control-Allow-Origin is *, which does not allow a request with credentials (it carried cookies)'
      : undefined;
  if (allowed !== origin) return `its Access-Control-Allow-Origin is ${allowed}, not ${origin}`;
  if (withCredentials && header(responseHeaders, 'access-control-allow-credentials') !== 'true') {
    return 'the request carried credentials (cookies), and its response lacks Access-Control-Allow-Credentials: true';
  }
  return undefined;
}

/** Why a blocked code exchange's retry gets invalid_grant: the blocked request had already reached the server. Quotes no code. */
function usedUpLine(blocked: TokenRequest, retry: TokenRequest): string {
  const after = formatDuration(retry.exchange.time - blocked.exchange.time);
  const retryAnswer =
    retry.response?.error ?? (retry.exchange.status !== undefined ? `HTTP ${retry.exchange.status}` : 'no observed response');
  const redeemed = isSuccess(blocked.exchange.status)
    ? `the blocked request had already redeemed it (the server answered ${blocked.exchange.status}), and a code is one-time (RFC 6749 §4.1.2), so the retry gets invalid_grant`
    : 'the blocked request had already reached the server (a response came back), and a code is one-time (RFC 6749 §4.1.2): if the server redeemed it then, the retry gets invalid_grant';
  return `The same code was sent again ${after} later (${retryAnswer}): ${redeemed}. Fix the CORS response instead of retrying.`;
}

/**
 * CORS preflights (OPTIONS with Access-Control-Request-Method) to the flow's token endpoint that failed, with no
 * token request of the flow answered around them: the browser never sent the POST (Fetch Standard,
 * "CORS-preflight fetch"). A form body without custom headers needs no preflight at all.
 */
function failedPreflights(
  flow: Flow,
  others: readonly Flow[],
  exchangeById: ReadonlyMap<string, Exchange>,
): { time: number; line: string }[] {
  const requests = [...flow.codeExchanges, ...flow.refreshes];
  const metadataEndpoint = flow.metadata?.tokenEndpoint !== undefined ? splitUrl(flow.metadata.tokenEndpoint)?.target : undefined;
  const endpoints = new Set([...requests.map((r) => r.endpoint), ...(metadataEndpoint !== undefined ? [metadataEndpoint] : [])]);
  const from = flow.callback ? arrivalTime(flow.callback) : flow.steps[0]?.time;
  if (from === undefined || !endpoints.size) return [];
  // Up to the next flow of the same app: its own preflights are its own.
  const nextStart = flow.callback ? delayToNextStart(flow, flow.callback, others) : undefined;
  const until = Math.min(
    (flow.steps.at(-1)?.time ?? from) + PREFLIGHT_WINDOW_MS,
    nextStart !== undefined ? from + nextStart : Number.POSITIVE_INFINITY,
  );
  const near = (a: Exchange, b: Exchange) => Math.abs(a.time - b.time) <= PREFLIGHT_PAIRING_MS;

  const found: { time: number; line: string }[] = [];
  for (const preflight of exchangeById.values()) {
    if (preflight.method !== 'OPTIONS' || preflight.time < from || preflight.time > until) continue;
    const requestedMethod = header(preflight.requestHeaders, 'access-control-request-method');
    const origin = header(preflight.requestHeaders, 'origin');
    const endpoint = splitUrl(preflight.url)?.target;
    if (requestedMethod === undefined || origin === undefined || endpoint === undefined || !endpoints.has(endpoint)) continue;
    const failure = preflightFailure(preflight, origin, requestedMethod);
    if (!failure) continue;
    const sameEndpoint = requests.filter((r) => r.endpoint === endpoint && near(r.exchange, preflight));
    if (sameEndpoint.some((r) => r.exchange.status !== undefined)) continue; // a POST was answered: not this preflight's failure
    const requestedHeaders = listValues(preflight.requestHeaders, 'access-control-request-headers', true);
    const unsent = sameEndpoint.find((r) => r.exchange.error !== undefined);
    found.push({
      time: preflight.time,
      line:
        `The CORS preflight (OPTIONS ${endpoint} from ${origin}, for ${requestedMethod}${requestedHeaders.length ? ` with the headers ${requestedHeaders.join(', ')}` : ''}) ${failure}, and no token request was answered after it: the browser never sent the token request (Fetch Standard, "CORS-preflight fetch").` +
        (unsent ? ` It shows in the capture as failed (${unsent.exchange.error}), without a response.` : '') +
        preflightCause(requestedHeaders),
    });
  }
  return found;
}

/**
 * What made the browser send a preflight at all: a form-encoded POST without added headers needs none (its
 * Content-Type and the browser's own headers are CORS-safelisted).
 */
function preflightCause(requestedHeaders: readonly string[]): string {
  const added = requestedHeaders.filter((name) => name !== 'content-type');
  const causes: string[] = [];
  if (requestedHeaders.includes('content-type'))
    causes.push(' Its Content-Type is not a form: RFC 6749 §4.1.3 asks for application/x-www-form-urlencoded, which needs no preflight.');
  if (added.length) {
    const them = added.length === 1 ? 'it' : 'them';
    causes.push(
      ` ${added.join(', ')} ${added.length === 1 ? 'is a header' : 'are headers'} the app added: without ${them}, a form-encoded token request needs no preflight; with ${them}, the server must list ${them} in Access-Control-Allow-Headers.`,
    );
  }
  return causes.join('');
}

/** CORS-safelisted methods (Fetch Standard): a preflight for them needs no Access-Control-Allow-Methods. */
const SAFELISTED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST']);

/** Why a CORS preflight failed (Fetch Standard, "CORS-preflight fetch"), or undefined when it succeeded. */
function preflightFailure(preflight: Exchange, origin: string, requestedMethod: string): string | undefined {
  const { status } = preflight;
  if (status === undefined) return `got no response${preflight.error ? ` (${preflight.error})` : ''}`;
  if (!isSuccess(status)) return `was answered HTTP ${status}, not an ok status (2xx)`;
  // The preflight itself never carries credentials; the request's own mode is not observed here.
  const originFailure = corsCheckFailure(preflight.responseHeaders, origin, false);
  if (originFailure) return `was answered HTTP ${status}, but ${originFailure}`;
  const allowedMethods = listValues(preflight.responseHeaders, 'access-control-allow-methods', false);
  if (!SAFELISTED_METHODS.has(requestedMethod) && !allowedMethods.includes(requestedMethod) && !allowedMethods.includes('*')) {
    return `was answered HTTP ${status}, but its Access-Control-Allow-Methods (${allowedMethods.join(', ') || 'absent'}) does not allow ${requestedMethod}`;
  }
  const allowedHeaders = listValues(preflight.responseHeaders, 'access-control-allow-headers', true);
  // The wildcard never covers Authorization (Fetch Standard, "CORS-preflight fetch").
  const refused = listValues(preflight.requestHeaders, 'access-control-request-headers', true).filter(
    (name) => !allowedHeaders.includes(name) && !(allowedHeaders.includes('*') && name !== 'authorization'),
  );
  if (refused.length)
    return `was answered HTTP ${status}, but its Access-Control-Allow-Headers (${allowedHeaders.join(', ') || 'absent'}) does not allow ${refused.join(', ')}`;
  return undefined;
}

/** A comma-separated header as a list; header names compare case-insensitively, methods do not. */
function listValues(headers: readonly Header[], name: string, lowerCase: boolean): string[] {
  return headers
    .filter((h) => h.name === name)
    .flatMap((h) => h.value.split(','))
    .map((v) => (lowerCase ? v.trim().toLowerCase() : v.trim()))
    .filter((v) => v !== '');
}
