/**
 * Refresh token rotation, read from the traffic (RFC 6749 §6, RFC 9700 §4.14.2, OAuth 2.1 §4.3): what each
 * refresh response did with the token it was given, and which refresh requests present a token again after
 * an earlier presentation rotated it or while that presentation was still in flight. Shared by the refresh
 * rules and by the invalid_grant decoder. Pure functions over the model; nothing here throws.
 */
import { isSuccess } from './code-flow.ts';
import type { Flow, TokenRequest } from './model.ts';

/**
 * What a refresh request's response did with the presented refresh token:
 * - `rotated`: a 2xx whose observed body carries a different refresh_token;
 * - `not-rotated`: a 2xx whose observed body carries no refresh_token, or the same one;
 * - `body-not-observed`: a 2xx whose body was not observed or is not a JSON object (rotation unknown);
 * - `failed`: a non-2xx answer, or a 2xx whose body carries an error member;
 * - `no-response`: no response was observed.
 */
export type RefreshOutcome = 'rotated' | 'not-rotated' | 'body-not-observed' | 'failed' | 'no-response';

export function refreshOutcome(request: TokenRequest): RefreshOutcome {
  const status = request.exchange.status;
  if (status === undefined) return 'no-response';
  if (!isSuccess(status)) return 'failed';
  const response = request.response;
  if (!response?.json) return 'body-not-observed';
  if (response.json.error !== undefined) return 'failed';
  const issued = response.refreshToken;
  return issued !== undefined && issued !== request.refreshToken ? 'rotated' : 'not-rotated';
}

/**
 * A refresh token presented again:
 * - `after-rotation`: an earlier presentation of the same token was answered with a new refresh token, and
 *   this request started after that answer;
 * - `concurrent`: this request started while an earlier presentation of the same token was still in flight
 *   (a race between tabs), and that presentation got a 2xx (rotation observed or unknown);
 * - `rotation-unknown`: an earlier presentation got a 2xx whose body was not observed, so whether the
 *   authorization server rotated the token is unknown.
 * A token presented again after an answer that did not rotate it, after a failure, or after no response at all
 * is not a reuse.
 */
export interface RefreshReuse {
  request: TokenRequest;
  earlier: TokenRequest;
  kind: 'after-rotation' | 'concurrent' | 'rotation-unknown';
  /** What the earlier presentation's response did: `rotated` or `body-not-observed`. */
  earlierOutcome: Extract<RefreshOutcome, 'rotated' | 'body-not-observed'>;
}

/** Refresh grants of a flow that present a refresh token, in time order (stable). */
function presentations(flow: Flow): TokenRequest[] {
  return flow.refreshes
    .map((request, index) => ({ request, index }))
    .filter(({ request }) => request.grantType === 'refresh_token' && request.refreshToken !== undefined)
    .sort((a, b) => a.request.exchange.time - b.request.exchange.time || a.index - b.index)
    .map(({ request }) => request);
}

/** True when `later` started before `earlier`'s response arrived (unknown end: not concurrent). */
function startedDuring(earlier: TokenRequest, later: TokenRequest): boolean {
  const end = earlier.exchange.endTime;
  return end !== undefined && later.exchange.time < end;
}

/** Every reuse in the flow, one per reusing request, in time order. */
export function refreshReuses(flow: Flow): RefreshReuse[] {
  const ordered = presentations(flow);
  const reuses: RefreshReuse[] = [];
  for (let i = 1; i < ordered.length; i++) {
    const reuse = reuseAt(ordered, i);
    if (reuse) reuses.push(reuse);
  }
  return reuses;
}

/** The reuse `request` commits, if any (it must be one of the flow's refreshes). */
export function refreshReuseOf(flow: Flow, request: TokenRequest): RefreshReuse | undefined {
  const ordered = presentations(flow);
  const index = ordered.indexOf(request);
  return index > 0 ? reuseAt(ordered, index) : undefined;
}

function reuseAt(ordered: readonly TokenRequest[], index: number): RefreshReuse | undefined {
  const request = ordered[index]!;
  const earlier = ordered.slice(0, index).filter((e) => e.refreshToken === request.refreshToken);
  // Observed rotation is the strongest evidence; a 2xx with an unseen body comes next.
  const rotated = earlier.find((e) => refreshOutcome(e) === 'rotated');
  if (rotated)
    return {
      request,
      earlier: rotated,
      kind: startedDuring(rotated, request) ? 'concurrent' : 'after-rotation',
      earlierOutcome: 'rotated',
    };
  const unknown = earlier.find((e) => refreshOutcome(e) === 'body-not-observed');
  if (unknown)
    return {
      request,
      earlier: unknown,
      kind: startedDuring(unknown, request) ? 'concurrent' : 'rotation-unknown',
      earlierOutcome: 'body-not-observed',
    };
  return undefined;
}
