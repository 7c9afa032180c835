/**
 * An opaque failure after a 200: the token request reached the server (which may have redeemed the code),
 * but the browser kept the response from the app, which sees a network error. Either the response fails the
 * CORS check, or the CORS preflight before the request failed and the POST was never sent (Fetch Standard).
 * A retry of a code the blocked request already redeemed gets invalid_grant (RFC 6749 §4.1.2: one use).
 */
import type { CodeUse } from '../authorization-code.ts';
import { quotable } from '../evidence.ts';
import { tokenRequestsOf } from '../flow-facts.ts';
import type { Evidence, Flow, TokenRequest } from '../model.ts';
import { header, splitUrl } from '../params.ts';
import { arrivalTime, type DiagnosisContext } from './context.ts';
import { preflightFailure, requestedHeaders, responseRefusal } from './cors.ts';
import { DIAGNOSIS_TITLES, type Diagnosis, type DiagnosisHint } from './types.ts';

/** How far a CORS preflight and the token request it precedes may lie apart in a capture. */
const PREFLIGHT_PAIRING_MS = 10_000;
/** How long after a flow's last step a preflight to its token endpoint may still belong to it. */
const PREFLIGHT_WINDOW_MS = 60_000;

interface Found {
  time: number;
  /** At the same time, a retry's used-up code is said before the retry's own blocked response. */
  rank: number;
  hint: DiagnosisHint;
  exchangeIds: string[];
  evidence: Evidence[];
}

export function tokenCorsBlocked(flow: Flow, context: DiagnosisContext, uses: ReadonlyMap<TokenRequest, CodeUse>): Diagnosis | undefined {
  const found: Found[] = [];
  const requests = tokenRequestsOf(flow).sort((a, b) => a.exchange.time - b.exchange.time);
  const blocked = new Set<TokenRequest>();
  for (const request of requests) {
    const judged = responseRefusal(request.exchange);
    if (!judged) continue;
    blocked.add(request);
    const { exchange } = request;
    found.push({
      time: exchange.time,
      rank: 1,
      hint: {
        kind: 'token-response-blocked',
        exchangeId: exchange.id,
        grantType: request.grantType ?? null,
        origin: judged.origin,
        endpoint: request.endpoint,
        status: exchange.status ?? null,
        browserError: exchange.error ?? null,
        refusal: judged.refusal,
        withCredentials: judged.withCredentials,
      },
      exchangeIds: [exchange.id],
      evidence: [
        { label: 'token request origin', value: judged.origin },
        {
          label: 'Access-Control-Allow-Origin',
          value: exchange.responseHeaders.find((h) => h.name === 'access-control-allow-origin')?.value ?? '(absent)',
        },
      ],
    });
  }
  // The first retry of a code that a blocked request used up (a server that refused the code has not).
  const retry = requests.find((r) => {
    const use = uses.get(r);
    return use !== undefined && use.outcome !== 'refused' && blocked.has(use.by);
  });
  if (retry) {
    const by = uses.get(retry)!.by.exchange;
    found.push({
      time: retry.exchange.time,
      rank: 0,
      hint: {
        kind: 'code-used-up-by-blocked-request',
        blockedExchangeId: by.id,
        retryExchangeId: retry.exchange.id,
        afterMs: retry.exchange.time - by.time,
        blockedStatus: by.status ?? null,
        retryStatus: retry.exchange.status ?? null,
        retryError: quotable(retry.response?.error) ?? null,
      },
      exchangeIds: [by.id, retry.exchange.id],
      evidence: [],
    });
  }
  found.push(...failedPreflights(flow, requests, context));
  if (!found.length) return undefined;
  found.sort((a, b) => a.time - b.time || a.rank - b.rank);
  return {
    id: `${flow.id}:token-cors-blocked`,
    kind: 'token-cors-blocked',
    flowId: flow.id,
    title: DIAGNOSIS_TITLES['token-cors-blocked'],
    likelihood: 'certain',
    evidence: uniqueEvidence(found.flatMap((f) => f.evidence)),
    exchangeIds: [...new Set(found.flatMap((f) => f.exchangeIds))],
    hints: found.map((f) => f.hint),
  };
}

/**
 * CORS preflights to the flow's token endpoint that failed, with no token request of the flow answered around
 * them: the browser never sent the token request ("CORS-preflight fetch"). Looked for from the callback (or the
 * flow's start) to a minute after its last step, and never into the next flow of the same app.
 */
function failedPreflights(flow: Flow, requests: readonly TokenRequest[], context: DiagnosisContext): Found[] {
  const metadataEndpoint = flow.metadata?.tokenEndpoint !== undefined ? splitUrl(flow.metadata.tokenEndpoint)?.target : undefined;
  const endpoints = new Set([...requests.map((r) => r.endpoint), ...(metadataEndpoint !== undefined ? [metadataEndpoint] : [])]);
  const callback = flow.callback;
  const from = callback ? arrivalTime(callback) : flow.steps[0]?.time;
  if (from === undefined || !endpoints.size) return [];
  const nextStart = callback ? context.nextStartAfter(flow, callback, from) : undefined;
  const until = Math.min((flow.steps.at(-1)?.time ?? from) + PREFLIGHT_WINDOW_MS, nextStart ?? Number.POSITIVE_INFINITY);

  const found: Found[] = [];
  for (const endpoint of endpoints) {
    for (const preflight of context.preflightsTo(endpoint, from, until)) {
      const method = header(preflight.requestHeaders, 'access-control-request-method')!;
      const origin = header(preflight.requestHeaders, 'origin')!;
      const failure = preflightFailure(preflight, origin, method);
      if (!failure) continue;
      const near = requests.filter((r) => r.endpoint === endpoint && Math.abs(r.exchange.time - preflight.time) <= PREFLIGHT_PAIRING_MS);
      // A token request answered around it: not this preflight's failure.
      if (near.some((r) => r.exchange.status !== undefined)) continue;
      const unsent = near.find((r) => r.exchange.error !== undefined);
      found.push({
        time: preflight.time,
        rank: 1,
        hint: {
          kind: 'preflight-failed',
          exchangeId: preflight.id,
          endpoint,
          origin,
          method,
          requestedHeaders: requestedHeaders(preflight),
          failure,
          unsentError: unsent?.exchange.error ?? null,
        },
        exchangeIds: [preflight.id, ...(unsent ? [unsent.exchange.id] : [])],
        evidence: [
          { label: 'preflight origin', value: origin },
          {
            label: 'Access-Control-Allow-Headers',
            value: preflight.responseHeaders.find((h) => h.name === 'access-control-allow-headers')?.value ?? '(absent)',
          },
        ],
      });
    }
  }
  return found;
}

function uniqueEvidence(evidence: readonly Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return evidence.filter((e) => {
    const key = `${e.label}\u0000${e.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
