/**
 * The invalid_grant decoder. RFC 6749 §5.2: invalid_grant means the authorization grant or refresh token "is
 * invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was
 * issued to another client". This says which of those the traffic shows, checked in this order:
 *
 * 1. an earlier exchange of the same code (RFC 6749 §4.1.2: one use only; src/core/authorization-code.ts says
 *    which exchange used it up) — when, its status, a double effect;
 * 2. the code's age (RFC 6749 §4.1.2; the thresholds of src/core/authorization-code.ts);
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
 * Causes the request certainly breaks come before merely possible ones; within each, the order above. Checks
 * that found nothing are hints too (a checklist: what is ruled out matters when debugging). PAR binding is
 * not checked. The PKCE recomputation is the one analyze() already made, used only when this request sent the
 * verifier it was made from.
 */
import { readable } from '../authorization-parameters.ts';
import { CODE_AGE_SUSPECT_MS, CODE_LIFETIME_MAX_MS, type CodeUse } from '../authorization-code.ts';
import { paramsObserved } from '../code-flow.ts';
import { quotable } from '../evidence.ts';
import { callbacksOf, clientOfTokenRequest } from '../flow-facts.ts';
import type { Evidence, Exchange, Flow, TokenRequest } from '../model.ts';
import { firstParam, header, splitUrl } from '../params.ts';
import { compareRedirectUris } from '../redirect-uri.ts';
import { comparableSecret } from '../redaction-marker.ts';
import type { RefreshReuse } from '../refresh-tokens.ts';
import { arrivalTime } from './context.ts';
import {
  byLikelihood,
  DIAGNOSIS_TITLES,
  strongest,
  type CodeReusePattern,
  type Diagnosis,
  type DiagnosisHint,
  type InvalidGrantCause,
} from './types.ts';

/** Two exchanges of one code from one tab this close together look like one action that ran twice. */
const DOUBLE_EFFECT_MS = 2_000;

const ORDER: readonly InvalidGrantCause['kind'][] = [
  'refresh-token-reused',
  'code-reused',
  'code-expired',
  'pkce-mismatch',
  'pkce-verifier-missing',
  'pkce-verifier-without-challenge',
  'redirect-uri-differs',
  'redirect-uri-omitted',
  'client-id-differs',
  'token-endpoint-not-in-metadata',
  'token-endpoint-other-origin',
  'dpop-proof-missing',
];

/** One cause, what shows it, and the exchanges it points at (the failing request excluded). */
interface Found {
  cause: InvalidGrantCause;
  evidence: Evidence[];
  exchanges: Exchange[];
}

/** What the flow's other requests say about this one: how earlier exchanges used its code, refresh reuses. */
export interface GrantHistory {
  codeUses: ReadonlyMap<TokenRequest, CodeUse>;
  refreshReuses: ReadonlyMap<TokenRequest, RefreshReuse>;
}

/** Whether the token endpoint answered this request with invalid_grant, or with a 400 whose body was not observed. */
function refusedGrant(request: TokenRequest): 'invalid_grant' | 'not-observed' | undefined {
  const response = request.response;
  if (response?.error === 'invalid_grant') return 'invalid_grant';
  if (response?.error === undefined && request.exchange.status === 400 && response?.json === undefined) return 'not-observed';
  return undefined;
}

/**
 * The diagnosis of a refused authorization_code or refresh_token grant; undefined for other grants, and for a
 * request the server did not refuse.
 */
export function invalidGrant(flow: Flow, request: TokenRequest, history: GrantHistory): Diagnosis | undefined {
  const refused = refusedGrant(request);
  if (refused === undefined) return undefined;
  const code = request.grantType === 'authorization_code';
  if (!code && request.grantType !== 'refresh_token') return undefined;
  const found = [...causesOf(flow, request, history)]
    .map((f, index) => ({ f, index }))
    .sort(
      (a, b) => byLikelihood(a.f.cause, b.f.cause) || ORDER.indexOf(a.f.cause.kind) - ORDER.indexOf(b.f.cause.kind) || a.index - b.index,
    )
    .map(({ f }) => f);
  const hints: DiagnosisHint[] = [
    ...(refused === 'not-observed' ? [{ kind: 'error-code-not-observed' as const, status: 400 }] : []),
    ...found.map((f) => f.cause),
    ...(code ? checksPassed(flow, request, new Set(found.map((f) => f.cause.kind))) : []),
  ];
  return {
    id: `${flow.id}:invalid-grant:${request.exchange.id}`,
    kind: 'invalid-grant',
    flowId: flow.id,
    title: DIAGNOSIS_TITLES['invalid-grant'],
    likelihood: strongest(found.map((f) => f.cause.likelihood)),
    evidence: found.flatMap((f) => f.evidence),
    exchangeIds: [...new Set([request.exchange.id, ...found.flatMap((f) => f.exchanges.map((e) => e.id))])],
    hints,
  };
}

function* causesOf(flow: Flow, request: TokenRequest, history: GrantHistory): Generator<Found> {
  if (request.grantType === 'authorization_code') {
    yield* earlierExchange(flow, request, history.codeUses.get(request));
    yield* codeAge(flow, request);
    yield* pkce(flow, request);
    yield* redirectUri(flow, request);
  } else {
    yield* refreshReuse(request, history.refreshReuses.get(request));
  }
  yield* clientId(flow, request);
  yield* tokenEndpoint(flow, request);
  if (request.grantType === 'authorization_code') yield* dpopBinding(flow, request);
}

/** The checks of a code grant that found nothing, said as such. */
function checksPassed(flow: Flow, request: TokenRequest, causes: ReadonlySet<InvalidGrantCause['kind']>): DiagnosisHint[] {
  const hints: DiagnosisHint[] = [];
  if (!causes.has('code-reused')) hints.push({ kind: 'no-earlier-exchange' });
  const age = codeAgeOf(flow, request);
  if (age !== undefined && !causes.has('code-expired')) hints.push({ kind: 'code-age', ageMs: age.ms });
  const pkceCause = causes.has('pkce-mismatch') || causes.has('pkce-verifier-missing') || causes.has('pkce-verifier-without-challenge');
  // The recomputation speaks for this request only when it sent the verifier the recomputation used.
  if (!pkceCause && request.codeVerifier === flow.pkce.verifier) hints.push({ kind: 'pkce-status', status: flow.pkce.status });
  const auth = flow.authorization;
  if (!causes.has('redirect-uri-differs') && !causes.has('redirect-uri-omitted') && readable(auth) && auth.redirectUri !== undefined) {
    if (request.redirectUri === auth.redirectUri) hints.push({ kind: 'redirect-uri-identical' });
  }
  if (!causes.has('client-id-differs') && readable(auth) && auth.clientId !== undefined && clientOfTokenRequest(request) !== undefined) {
    hints.push({ kind: 'client-id-same' });
  }
  return hints;
}

/** 1. The same code presented before this request (RFC 6749 §4.1.2, §10.5). */
function earlierExchange(flow: Flow, request: TokenRequest, use: CodeUse | undefined): Found[] {
  if (!use || request.code === undefined) return [];
  const first = use.by.exchange;
  const gap = request.exchange.time - first.time;
  const sameTab = first.tabId !== undefined && request.exchange.tabId !== undefined ? first.tabId === request.exchange.tabId : null;
  const inFlight = first.endTime !== undefined && request.exchange.time < first.endTime;
  // The callback page loaded the same response again between the two (a reload, Back): the callback-loaded-again
  // diagnosis of the flow.
  const code = comparableSecret(request.code);
  const loadedAgain = flow.repeatedCallbacks.some((c) => {
    const arrived = arrivalTime(c);
    return comparableSecret(c.code) === code && arrived > first.time && arrived <= request.exchange.time;
  });
  const pattern: CodeReusePattern | null = inFlight
    ? 'in-flight'
    : loadedAgain
      ? 'callback-loaded-again'
      : sameTab !== false && gap <= DOUBLE_EFFECT_MS
        ? 'double-effect'
        : sameTab === false
          ? 'other-tab'
          : null;
  const status = statusText(first, use.by.response?.error);
  return [
    {
      cause: {
        kind: 'code-reused',
        likelihood: use.outcome === 'redeemed' ? 'certain' : 'possible',
        earlierExchangeId: first.id,
        earlierTime: first.time,
        earlierStatus: first.status ?? null,
        earlierError: quotable(use.by.response?.error) ?? null,
        earlierNetworkError: first.error ?? null,
        gapMs: gap,
        sameTab,
        pattern,
        earlierCount: use.earlier,
      },
      evidence: [
        { label: 'code', value: request.code, secret: true },
        { label: 'earlier exchange', value: first.id },
        { label: 'earlier exchange at', value: iso(first.time) },
        { label: 'earlier exchange status', value: status },
        { label: 'time between the exchanges', value: `${Math.round(gap)} ms` },
        ...(sameTab !== null ? [{ label: 'same tab', value: sameTab ? 'yes' : 'no' }] : []),
        ...(use.earlier > 1 ? [{ label: 'earlier exchanges of this code', value: String(use.earlier) }] : []),
      ],
      exchanges: [first],
    },
  ];
}

/** How old the code was when this request presented it: from the authorization response that carried it. */
function codeAgeOf(flow: Flow, request: TokenRequest): { ms: number; response: Exchange } | undefined {
  // A code redacted without a number (a redacted HAR) cannot be matched to its callback.
  const code = comparableSecret(request.code);
  const callback =
    code !== undefined ? callbacksOf(flow).find((c) => comparableSecret(c.code) === code && c.error === undefined) : undefined;
  return callback ? { ms: request.exchange.time - callback.exchange.time, response: callback.exchange } : undefined;
}

/** 2. The code's age when it was presented (RFC 6749 §4.1.2). */
function codeAge(flow: Flow, request: TokenRequest): Found[] {
  const age = codeAgeOf(flow, request);
  if (!age || !(age.ms > CODE_AGE_SUSPECT_MS)) return [];
  const beyondMaximum = age.ms > CODE_LIFETIME_MAX_MS;
  return [
    {
      cause: { kind: 'code-expired', likelihood: beyondMaximum ? 'certain' : 'possible', ageMs: age.ms, beyondMaximum },
      evidence: [
        { label: 'code age', value: `${seconds(age.ms)} s` },
        { label: 'authorization response at', value: iso(age.response.time) },
        { label: 'token request at', value: iso(request.exchange.time) },
      ],
      exchanges: [age.response],
    },
  ];
}

/** 3. PKCE (RFC 7636 §4.5–4.6; RFC 9700 §4.8.2), from analyze()'s recomputation. */
function pkce(flow: Flow, request: TokenRequest): Found[] {
  const result = flow.pkce;
  const auth = flow.authorization;
  const exchanges = authorizationExchanges(flow);
  if (result.status === 'mismatch' && request.codeVerifier !== undefined && request.codeVerifier === result.verifier) {
    const nearMiss = result.nearMiss;
    return [
      {
        cause: {
          kind: 'pkce-mismatch',
          likelihood: 'certain',
          nearMiss: nearMiss?.kind ?? null,
          otherFlowId: nearMiss?.otherFlowId ?? null,
        },
        evidence: [
          { label: 'code_challenge_method', value: auth?.codeChallengeMethod ?? '(absent: plain applies)' },
          { label: 'code_challenge', value: result.challenge ?? '' },
          { label: 'S256(code_verifier)', value: result.computedS256 ?? '' },
          { label: 'code_verifier', value: request.codeVerifier, secret: true },
          ...(nearMiss ? [{ label: 'near miss', value: nearMiss.kind }] : []),
        ],
        exchanges,
      },
    ];
  }
  if (result.status === 'no-verifier' && request.codeVerifier === undefined && paramsObserved(request)) {
    return [
      {
        cause: { kind: 'pkce-verifier-missing', likelihood: 'certain' },
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
        cause: { kind: 'pkce-verifier-without-challenge', likelihood: 'certain' },
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
function redirectUri(flow: Flow, request: TokenRequest): Found[] {
  const auth = flow.authorization;
  if (!readable(auth) || auth.redirectUri === undefined || !paramsObserved(request)) return [];
  const requested = auth.redirectUri;
  const sent = request.redirectUri;
  const exchanges = authorizationExchanges(flow);
  if (sent === undefined) {
    return [
      {
        // An OAuth 2.0 server requires it when the authorization request had one; an OAuth 2.1 one does not.
        cause: { kind: 'redirect-uri-omitted', likelihood: 'possible', atAuthorize: requested },
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
      cause: {
        kind: 'redirect-uri-differs',
        likelihood: 'certain',
        atAuthorize: requested,
        atToken: sent,
        difference: { kind: difference.kind, explanation: difference.explanation },
      },
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
function clientId(flow: Flow, request: TokenRequest): Found[] {
  const auth = flow.authorization;
  if (!readable(auth) || auth.clientId === undefined) return [];
  const expected = auth.clientId;
  const sent = [
    ...(request.clientId !== undefined ? [{ source: 'body' as const, value: request.clientId }] : []),
    ...(request.clientAuth.basic ? [{ source: 'basic' as const, value: request.clientAuth.basic.clientId }] : []),
  ].filter((c) => c.value !== expected);
  const first = sent[0];
  if (!first) return [];
  return [
    {
      cause: {
        kind: 'client-id-differs',
        likelihood: 'certain',
        atAuthorize: expected,
        atToken: first.value,
        source: first.source,
        grant: request.grantType === 'refresh_token' ? 'refresh' : 'code',
      },
      evidence: [
        { label: 'client_id at /authorize', value: expected },
        ...sent.map(
          (c): Evidence => ({ label: `client_id at /token (${c.source === 'body' ? 'body client_id' : 'Basic user'})`, value: c.value }),
        ),
      ],
      exchanges: authorizationExchanges(flow),
    },
  ];
}

/** 6. The token endpoint versus the flow's issuer (RFC 9700 §4.4): its metadata, else its authorization origin. */
function tokenEndpoint(flow: Flow, request: TokenRequest): Found[] {
  const metadataEndpoint = flow.metadata?.tokenEndpoint;
  const expectedTarget = metadataEndpoint !== undefined ? splitUrl(metadataEndpoint)?.target : undefined;
  if (flow.metadata && metadataEndpoint !== undefined && expectedTarget !== undefined) {
    if (expectedTarget === request.endpoint) return [];
    return [
      {
        cause: {
          kind: 'token-endpoint-not-in-metadata',
          likelihood: 'certain',
          used: request.endpoint,
          inMetadata: metadataEndpoint,
          grant: request.grantType === 'refresh_token' ? 'refresh' : 'code',
        },
        evidence: [
          { label: 'token endpoint used', value: request.endpoint },
          { label: 'token endpoint in metadata', value: metadataEndpoint },
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
      // A mix-up, unless the server splits its endpoints across origins.
      cause: { kind: 'token-endpoint-other-origin', likelihood: 'possible', used: request.endpoint, authorizationEndpoint: auth.endpoint },
      evidence: [
        { label: 'token endpoint used', value: request.endpoint },
        { label: 'authorization endpoint', value: auth.endpoint },
      ],
      exchanges: [auth.exchange],
    },
  ];
}

/** 7. DPoP binding of the code (RFC 9449 §10): dpop_jkt at authorization requires a proof at the token endpoint. */
function dpopBinding(flow: Flow, request: TokenRequest): Found[] {
  const auth = flow.authorization;
  if (!auth) return [];
  const jkt = firstParam(auth.params, 'dpop_jkt') ?? (auth.par ? firstParam(auth.par.params, 'dpop_jkt') : undefined);
  if (jkt === undefined || header(request.exchange.requestHeaders, 'dpop') !== undefined) return [];
  return [
    {
      cause: { kind: 'dpop-proof-missing', likelihood: 'certain' },
      evidence: [
        { label: 'dpop_jkt', value: jkt },
        { label: 'DPoP header at /token', value: '(absent)' },
      ],
      exchanges: authorizationExchanges(flow),
    },
  ];
}

/** Refresh grants: a token already rotated, or presented twice at once (RFC 9700 §4.14.2). */
function refreshReuse(request: TokenRequest, reuse: RefreshReuse | undefined): Found[] {
  if (!reuse) return [];
  const earlier = reuse.earlier.exchange;
  return [
    {
      cause: {
        kind: 'refresh-token-reused',
        likelihood: reuse.earlierOutcome === 'rotated' || reuse.repeatRefused ? 'certain' : 'possible',
        reuse: reuse.kind,
        earlierExchangeId: earlier.id,
        earlierTime: earlier.time,
        earlierStatus: earlier.status ?? null,
        earlierError: quotable(reuse.earlier.response?.error) ?? null,
      },
      evidence: [
        { label: 'refresh_token', value: request.refreshToken ?? '', secret: true },
        { label: 'earlier refresh', value: earlier.id },
        { label: 'earlier refresh status', value: statusText(earlier, reuse.earlier.response?.error) },
        {
          label: 'rotation',
          value:
            reuse.earlierOutcome === 'rotated'
              ? 'the earlier response carried a new refresh_token'
              : reuse.repeatRefused
                ? 'shown by this refusal right after the earlier refresh succeeded'
                : 'not observable (response body not observed)',
        },
      ],
      exchanges: [earlier],
    },
  ];
}

function authorizationExchanges(flow: Flow): Exchange[] {
  const auth = flow.authorization;
  return [auth?.par?.exchange, auth?.exchange].filter((e): e is Exchange => e !== undefined);
}

function iso(time: number): string {
  // Date throws beyond ±8.64e15 ms.
  return Math.abs(time) <= 8.64e15 ? new Date(time).toISOString() : String(time);
}

function seconds(ms: number): number {
  return Number((ms / 1000).toFixed(1));
}

/** `200`, `400 invalid_grant`, `no response (net::ERR_FAILED)`: for evidence; a network string only when a plain token. */
function statusText(exchange: Exchange, error: string | undefined): string {
  if (exchange.status === undefined) return `no response${exchange.error ? ` (${exchange.error})` : ''}`;
  const code = quotable(error);
  return `${exchange.status}${code ? ` ${code}` : ''}`;
}
