/**
 * The invalid_grant decoder (rules catalogue, stuck-redirect diagnostics §5). RFC 6749 §5.2: invalid_grant
 * means the authorization grant or refresh token "is invalid, expired, revoked, does not match the redirection
 * URI used in the authorization request, or was issued to another client". This decoder says which of those
 * the traffic shows, checked in the catalogue's order:
 *
 * 1. an earlier exchange of the same code (RFC 6749 §4.1.2: one use only) — when, its status, a double effect;
 * 2. the code's age (callback → token request; RFC 6749 §4.1.2 recommends at most 10 minutes, codes usually
 *    live 30–600 s, oidc-provider's default is 60 s);
 * 3. PKCE recomputed (RFC 7636 §4.6: `flow.pkce`, with its near miss), a missing verifier (§4.5), or a verifier
 *    for a code issued without a challenge (RFC 9700 §4.8.2);
 * 4. a redirect_uri difference (RFC 6749 §4.1.3, exact strings, classified by src/core/redirect-uri.ts);
 * 5. a client_id difference (RFC 6749 §4.1.3);
 * 6. the wrong issuer's token endpoint (RFC 9700 §4.4: outside the flow's issuer metadata, or, without
 *    metadata, outside the authorization endpoint's origin);
 * 7. DPoP binding: `dpop_jkt` sent at authorization, no DPoP proof at the token endpoint (RFC 9449 §10).
 *
 * For a refresh_token grant (RFC 6749 §6): the token was already rotated by an earlier refresh, or presented
 * while another presentation was in flight (RFC 9700 §4.14.2; src/core/refresh-tokens.ts), then the client_id
 * and token endpoint checks.
 *
 * Causes the request certainly breaks (a check the server must apply) come before merely possible ones; within
 * each, the catalogue's order. PAR binding is not checked. Pure and synchronous: the PKCE recomputation is the
 * one analyze() already made (`flow.pkce`), used only when this request sent the verifier it was made from.
 * Explanations are phrases for people and never contain a secret; the values are in `evidence`.
 */
import { readable } from './authorization-parameters.ts';
import { codeGrants, isSuccess, paramsObserved } from './code-flow.ts';
import { quotable } from './evidence.ts';
import type { Callback, Evidence, Exchange, Flow, PkceNearMissKind, TokenRequest } from './model.ts';
import { firstParam, header, splitUrl } from './params.ts';
import { compareRedirectUris } from './redirect-uri.ts';
import { refreshReuseOf } from './refresh-tokens.ts';

export type InvalidGrantCauseKind =
  | 'code-reused'
  | 'code-expired'
  | 'pkce'
  | 'redirect-uri'
  | 'client-id'
  | 'token-endpoint-issuer'
  | 'dpop-binding'
  | 'refresh-token-reused';

export interface InvalidGrantCause {
  kind: InvalidGrantCauseKind;
  /** `certain`: the request breaks a check the server must apply. `possible`: plausible, not established. */
  likelihood: 'certain' | 'possible';
  /** One phrase for people (no final period), without secret values. */
  explanation: string;
  evidence: Evidence[];
  /** The exchanges that show it (the failing request excluded). */
  exchanges: Exchange[];
}

/** Codes usually live 30–600 s; below this age the code's lifetime is not a likely cause. */
export const CODE_AGE_SUSPECT_MS = 30_000;
/** RFC 6749 §4.1.2: a maximum code lifetime of 10 minutes is RECOMMENDED. */
export const CODE_AGE_MAX_MS = 600_000;
/** Two exchanges of one code from one tab this close together look like one action that ran twice. */
const DOUBLE_EFFECT_MS = 2_000;

const ORDER: readonly InvalidGrantCauseKind[] = [
  'refresh-token-reused',
  'code-reused',
  'code-expired',
  'pkce',
  'redirect-uri',
  'client-id',
  'token-endpoint-issuer',
  'dpop-binding',
];

/**
 * Why the authorization server may have answered `request` (a token request of `flow`) with invalid_grant,
 * likeliest first. Empty when the traffic shows none of the causes, or for grants other than
 * authorization_code and refresh_token. The request's own answer is not read: the panel may ask before it.
 */
export function diagnoseInvalidGrant(flow: Flow, request: TokenRequest): InvalidGrantCause[] {
  const causes: InvalidGrantCause[] = [];
  if (request.grantType === 'authorization_code') {
    causes.push(...earlierExchange(flow, request), ...codeAge(flow, request), ...pkce(flow, request), ...redirectUri(flow, request));
  } else if (request.grantType === 'refresh_token') {
    causes.push(...refreshReuse(flow, request));
  } else {
    return [];
  }
  causes.push(...clientId(flow, request), ...tokenEndpoint(flow, request));
  if (request.grantType === 'authorization_code') causes.push(...dpopBinding(flow, request));
  const rank = (c: InvalidGrantCause) => (c.likelihood === 'certain' ? 0 : 1) * ORDER.length + ORDER.indexOf(c.kind);
  return causes
    .map((cause, index) => ({ cause, index }))
    .sort((a, b) => rank(a.cause) - rank(b.cause) || a.index - b.index)
    .map(({ cause }) => cause);
}

function iso(time: number): string {
  // Date throws beyond ±8.64e15 ms.
  return Math.abs(time) <= 8.64e15 ? new Date(time).toISOString() : String(time);
}

function seconds(ms: number): number {
  return Number((ms / 1000).toFixed(1));
}

function statusText(exchange: Exchange, error: string | undefined): string {
  if (exchange.status === undefined) return `no response${exchange.error ? ` (${exchange.error})` : ''}`;
  const code = quotable(error);
  return `${exchange.status}${code ? ` ${code}` : ''}`;
}

/** 1. The same code presented before this request (RFC 6749 §4.1.2, §10.5). */
function earlierExchange(flow: Flow, request: TokenRequest): InvalidGrantCause[] {
  if (request.code === undefined) return [];
  const grants = codeGrants(flow);
  const position = grants.indexOf(request);
  const earlier = grants.filter(
    (g, i) =>
      g !== request &&
      g.code === request.code &&
      (g.exchange.time < request.exchange.time || (g.exchange.time === request.exchange.time && position !== -1 && i < position)),
  );
  if (!earlier.length) return [];
  // The earliest answered exchange is the one that used the code up; otherwise the earliest attempt.
  const first = earlier.find((g) => isSuccess(g.exchange.status)) ?? earlier.find((g) => g.exchange.status !== undefined) ?? earlier[0]!;
  const gap = request.exchange.time - first.exchange.time;
  const sameTab = first.exchange.tabId !== undefined && first.exchange.tabId === request.exchange.tabId;
  const otherTab = first.exchange.tabId !== undefined && request.exchange.tabId !== undefined && !sameTab;
  const inFlight = first.exchange.endTime !== undefined && request.exchange.time < first.exchange.endTime;
  const status = statusText(first.exchange, first.response?.error);
  const how = inFlight
    ? ', while that exchange was still in flight (a double submit)'
    : !otherTab && gap <= DOUBLE_EFFECT_MS
      ? `, ${Math.round(gap)} ms earlier${sameTab ? ' in the same tab' : ''} (one action that ran twice, e.g. an effect run twice or a retry)`
      : otherTab
        ? ', from another tab (two tabs handled the same callback)'
        : '';
  const answered = first.exchange.status !== undefined;
  return [
    {
      kind: 'code-reused',
      likelihood: isSuccess(first.exchange.status) ? 'certain' : 'possible',
      explanation: answered
        ? `the code was already exchanged at ${iso(first.exchange.time)} (${first.exchange.id}, answered ${status})${how}; a code may be used only once`
        : `the code was already sent at ${iso(first.exchange.time)} (${first.exchange.id}), which got no response; the server may have redeemed it${how}`,
      evidence: [
        { label: 'code', value: request.code, secret: true },
        { label: 'earlier exchange', value: first.exchange.id },
        { label: 'earlier exchange at', value: iso(first.exchange.time) },
        { label: 'earlier exchange status', value: status },
        { label: 'time between the exchanges', value: `${Math.round(gap)} ms` },
        ...(first.exchange.tabId !== undefined && request.exchange.tabId !== undefined
          ? [{ label: 'same tab', value: sameTab ? 'yes' : 'no' }]
          : []),
        ...(earlier.length > 1 ? [{ label: 'earlier exchanges of this code', value: String(earlier.length) }] : []),
      ],
      exchanges: [first.exchange],
    },
  ];
}

/** 2. The code's age when it was presented (RFC 6749 §4.1.2). */
function codeAge(flow: Flow, request: TokenRequest): InvalidGrantCause[] {
  const callback = [flow.callback, ...flow.repeatedCallbacks].find(
    (c): c is Callback => c !== undefined && c.code !== undefined && c.code === request.code && c.error === undefined,
  );
  if (!callback) return [];
  const age = request.exchange.time - callback.exchange.time;
  if (!(age > CODE_AGE_SUSPECT_MS)) return [];
  const beyondMaximum = age > CODE_AGE_MAX_MS;
  return [
    {
      kind: 'code-expired',
      likelihood: beyondMaximum ? 'certain' : 'possible',
      explanation: beyondMaximum
        ? `the code was presented ${seconds(age)} s after the authorization response, beyond the 10-minute maximum lifetime RFC 6749 §4.1.2 recommends: it has expired`
        : `the code was presented ${seconds(age)} s after the authorization response and may have expired (codes usually live 30–600 s; oidc-provider's default is 60 s)`,
      evidence: [
        { label: 'code age', value: `${seconds(age)} s` },
        { label: 'authorization response at', value: iso(callback.exchange.time) },
        { label: 'token request at', value: iso(request.exchange.time) },
      ],
      exchanges: [callback.exchange],
    },
  ];
}

const NEAR_MISS_PHRASES: Readonly<Record<PkceNearMissKind, string>> = {
  'verifier-whitespace': 'whitespace around the verifier, e.g. a trailing newline',
  'challenge-padded': "the challenge kept its base64 '=' padding",
  'challenge-standard-base64': 'the challenge is standard base64, not base64url',
  'challenge-hex': 'the challenge is a hexadecimal digest',
  'method-omitted': 'code_challenge_method was omitted, so the server compares the verifier as plain',
  'wrong-method': 'the method sent does not match how the challenge was made',
  'other-flow-verifier': 'the verifier belongs to another pending flow',
};

/** 3. PKCE (RFC 7636 §4.5–4.6; RFC 9700 §4.8.2), from analyze()'s recomputation. */
function pkce(flow: Flow, request: TokenRequest): InvalidGrantCause[] {
  const result = flow.pkce;
  const auth = flow.authorization;
  const exchanges = [auth?.par?.exchange, auth?.exchange].filter((e): e is Exchange => e !== undefined);
  if (result.status === 'mismatch' && request.codeVerifier !== undefined && request.codeVerifier === result.verifier) {
    const nearMiss = result.nearMiss;
    const phrase = nearMiss
      ? `: ${NEAR_MISS_PHRASES[nearMiss.kind]}${nearMiss.otherFlowId !== undefined ? ` (${nearMiss.otherFlowId})` : ''}`
      : '';
    return [
      {
        kind: 'pkce',
        likelihood: 'certain',
        explanation: `the PKCE code_verifier does not match the code_challenge${phrase}`,
        evidence: [
          { label: 'code_challenge_method', value: auth?.codeChallengeMethod ?? '(absent: plain applies)' },
          { label: 'code_challenge', value: result.challenge ?? '' },
          { label: 'S256(code_verifier)', value: result.computedS256 ?? '' },
          { label: 'code_verifier', value: request.codeVerifier, secret: true },
          ...(nearMiss
            ? [
                { label: 'near miss', value: nearMiss.kind },
                { label: 'near miss explanation', value: nearMiss.explanation },
              ]
            : []),
        ],
        exchanges,
      },
    ];
  }
  if (result.status === 'no-verifier' && request.codeVerifier === undefined && paramsObserved(request)) {
    return [
      {
        kind: 'pkce',
        likelihood: 'certain',
        explanation: 'the token request has no code_verifier although the authorization request sent a code_challenge',
        evidence: [
          { label: 'code_challenge', value: result.challenge ?? '' },
          { label: 'code_verifier', value: '(absent)' },
        ],
        exchanges,
      },
    ];
  }
  if (result.status === 'no-challenge' && request.codeVerifier !== undefined) {
    return [
      {
        kind: 'pkce',
        likelihood: 'certain',
        explanation: 'a code_verifier was sent for a code issued without a code_challenge, which the server must refuse (RFC 9700 §4.8.2)',
        evidence: [
          { label: 'code_challenge', value: '(absent)' },
          { label: 'code_verifier', value: request.codeVerifier, secret: true },
        ],
        exchanges,
      },
    ];
  }
  return [];
}

/** 4. redirect_uri at /token versus /authorize (RFC 6749 §4.1.3). */
function redirectUri(flow: Flow, request: TokenRequest): InvalidGrantCause[] {
  const auth = flow.authorization;
  if (!readable(auth) || auth.redirectUri === undefined || !paramsObserved(request)) return [];
  const requested = auth.redirectUri;
  const sent = request.redirectUri;
  const exchanges = [auth.par?.exchange, auth.exchange].filter((e): e is Exchange => e !== undefined);
  if (sent === undefined) {
    return [
      {
        kind: 'redirect-uri',
        likelihood: 'possible',
        explanation:
          'redirect_uri was left out of the token request although the authorization request sent one (an OAuth 2.0 server requires it)',
        evidence: [
          { label: 'redirect_uri at /authorize', value: requested },
          { label: 'redirect_uri at /token', value: '(absent)' },
        ],
        exchanges,
      },
    ];
  }
  const difference = compareRedirectUris(requested, sent, { expected: '/authorize', actual: '/token' });
  if (!difference) return [];
  return [
    {
      kind: 'redirect-uri',
      likelihood: 'certain',
      explanation: `redirect_uri at /token is not identical to the one at /authorize (${difference.explanation})`,
      evidence: [
        { label: 'redirect_uri at /authorize', value: requested },
        { label: 'redirect_uri at /token', value: sent },
        { label: 'difference', value: difference.kind },
      ],
      exchanges,
    },
  ];
}

/** 5. The client at /token (body client_id, Basic user name) versus the authorization request (RFC 6749 §4.1.3). */
function clientId(flow: Flow, request: TokenRequest): InvalidGrantCause[] {
  const auth = flow.authorization;
  if (!readable(auth) || auth.clientId === undefined) return [];
  const expected = auth.clientId;
  const sent = [
    ...(request.clientId !== undefined ? [{ source: 'body client_id', value: request.clientId }] : []),
    ...(request.clientAuth.basic ? [{ source: 'Basic user', value: request.clientAuth.basic.clientId }] : []),
  ].filter((c) => c.value !== expected);
  if (!sent.length) return [];
  const named = (value: string) => (quotable(value) ? `client ${value}` : 'another client (see evidence)');
  return [
    {
      kind: 'client-id',
      likelihood: 'certain',
      explanation: `the token request identifies ${named(sent[0]!.value)} but the ${request.grantType === 'refresh_token' ? 'flow was authorized' : 'code was issued'} for ${named(expected)}`,
      evidence: [
        { label: 'client_id at /authorize', value: expected },
        ...sent.map((c): Evidence => ({ label: `client_id at /token (${c.source})`, value: c.value })),
      ],
      exchanges: [auth.par?.exchange, auth.exchange].filter((e): e is Exchange => e !== undefined),
    },
  ];
}

/** 6. The token endpoint versus the flow's issuer (RFC 9700 §4.4): its metadata, else its authorization origin. */
function tokenEndpoint(flow: Flow, request: TokenRequest): InvalidGrantCause[] {
  const metadataEndpoint = flow.metadata?.tokenEndpoint;
  const expectedTarget = metadataEndpoint !== undefined ? splitUrl(metadataEndpoint)?.target : undefined;
  if (flow.metadata && expectedTarget !== undefined) {
    if (expectedTarget === request.endpoint) return [];
    return [
      {
        kind: 'token-endpoint-issuer',
        likelihood: 'certain',
        explanation: `the ${grantNoun(request)} was sent to a token endpoint that is not the one in the issuer's metadata (a mix-up between servers)`,
        evidence: [
          { label: 'token endpoint used', value: request.endpoint },
          { label: 'token endpoint in metadata', value: metadataEndpoint! },
          ...(flow.issuer !== undefined ? [{ label: 'issuer', value: flow.issuer }] : []),
        ],
        exchanges: [flow.metadata.exchange],
      },
    ];
  }
  const auth = flow.authorization;
  const authorizationOrigin = auth ? splitUrl(auth.endpoint)?.origin : undefined;
  const tokenOrigin = splitUrl(request.endpoint)?.origin;
  if (!auth || authorizationOrigin === undefined || tokenOrigin === undefined || authorizationOrigin === tokenOrigin) return [];
  return [
    {
      kind: 'token-endpoint-issuer',
      likelihood: 'possible',
      explanation:
        "the token endpoint is on another origin than the authorization endpoint and no metadata says it is this issuer's (a mix-up, unless the server splits its endpoints)",
      evidence: [
        { label: 'token endpoint used', value: request.endpoint },
        { label: 'authorization endpoint', value: auth.endpoint },
      ],
      exchanges: [auth.exchange],
    },
  ];
}

function grantNoun(request: TokenRequest): string {
  return request.grantType === 'refresh_token' ? 'refresh token' : 'code';
}

/** 7. DPoP binding of the code (RFC 9449 §10): dpop_jkt at authorization requires a proof at the token endpoint. */
function dpopBinding(flow: Flow, request: TokenRequest): InvalidGrantCause[] {
  const auth = flow.authorization;
  if (!auth) return [];
  const jkt = firstParam(auth.params, 'dpop_jkt') ?? (auth.par ? firstParam(auth.par.params, 'dpop_jkt') : undefined);
  if (jkt === undefined || header(request.exchange.requestHeaders, 'dpop') !== undefined) return [];
  return [
    {
      kind: 'dpop-binding',
      likelihood: 'certain',
      explanation: 'the authorization request bound the code to a DPoP key (dpop_jkt) but the token request carries no DPoP proof',
      evidence: [
        { label: 'dpop_jkt', value: jkt },
        { label: 'DPoP header at /token', value: '(absent)' },
      ],
      exchanges: [auth.par?.exchange, auth.exchange].filter((e): e is Exchange => e !== undefined),
    },
  ];
}

/** Refresh grants: a token already rotated, or presented twice at once (RFC 9700 §4.14.2). */
function refreshReuse(flow: Flow, request: TokenRequest): InvalidGrantCause[] {
  const reuse = refreshReuseOf(flow, request);
  if (!reuse) return [];
  const earlier = reuse.earlier.exchange;
  const status = statusText(earlier, reuse.earlier.response?.error);
  const explanation =
    reuse.kind === 'after-rotation'
      ? `this refresh token had already been rotated by an earlier refresh at ${iso(earlier.time)} (${earlier.id}, answered ${status}): the client presented a stale token`
      : reuse.kind === 'concurrent'
        ? `this refresh token was presented while an earlier refresh with the same token (${earlier.id}) was still in flight (a race between tabs)`
        : `this refresh token was already used by an earlier refresh at ${iso(earlier.time)} (${earlier.id}, answered ${status}); whether the server rotates refresh tokens is not observable`;
  return [
    {
      kind: 'refresh-token-reused',
      likelihood: reuse.earlierOutcome === 'rotated' ? 'certain' : 'possible',
      explanation,
      evidence: [
        { label: 'refresh_token', value: request.refreshToken ?? '', secret: true },
        { label: 'earlier refresh', value: earlier.id },
        { label: 'earlier refresh status', value: status },
        {
          label: 'rotation',
          value:
            reuse.earlierOutcome === 'rotated'
              ? 'the earlier response carried a new refresh_token'
              : 'not observable (response body not observed)',
        },
      ],
      exchanges: [earlier],
    },
  ];
}
