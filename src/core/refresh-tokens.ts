/**
 * Refresh token rotation, read from the traffic (RFC 6749 §6, RFC 9700 §4.14.2, OAuth 2.1 §4.3): what each
 * refresh response did with the token it was given, and which refresh requests present a token again after
 * an earlier presentation rotated it or while that presentation was still in flight. Shared by the refresh
 * rules and by the invalid_grant decoder. Pure functions over the model; nothing here throws.
 */
import { isSuccess } from './code-flow.ts';
import type { Flow, TokenRequest } from './model.ts';
import { header } from './params.ts';
import { comparableSecret } from './redaction-marker.ts';
import { partitionPoint } from './sorted.ts';

/**
 * What a refresh request's response did with the presented refresh token:
 * - `rotated`: a 2xx whose observed body carries a different refresh_token;
 * - `not-rotated`: a 2xx whose observed body carries no refresh_token, or the same one;
 * - `body-not-observed`: a 2xx whose body was not observed or is not a JSON object, or whose tokens were redacted
 *   without numbers (rotation unknown);
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
  if (issued === undefined) return 'not-rotated';
  // Redacted without numbers (a redacted HAR), the issued and the presented token cannot be compared.
  const presented = request.refreshToken;
  if (comparableSecret(issued) === undefined || (presented !== undefined && comparableSecret(presented) === undefined))
    return 'body-not-observed';
  return issued !== presented ? 'rotated' : 'not-rotated';
}

/**
 * A refresh token presented again:
 * - `after-rotation`: this request started after the answer to an earlier presentation of the same token, which
 *   rotated it: the answer carried a new refresh token, or (bodies unseen) the server refused this request right
 *   after accepting the earlier one (`repeatRefused`);
 * - `concurrent`: this request started while an earlier presentation of the same token was still in flight
 *   (a race between tabs), and that presentation got a 2xx (rotation observed or unknown);
 * - `rotation-unknown`: an earlier presentation got a 2xx whose body was not observed, and nothing since shows
 *   whether the authorization server rotated the token.
 * A token presented again after an answer that did not rotate it, after a failure, or after no response at all
 * is not a reuse.
 */
export interface RefreshReuse {
  request: TokenRequest;
  earlier: TokenRequest;
  kind: 'after-rotation' | 'concurrent' | 'rotation-unknown';
  /** What the earlier presentation's response did: `rotated` or `body-not-observed`. */
  earlierOutcome: Extract<RefreshOutcome, 'rotated' | 'body-not-observed'>;
  /**
   * The authorization server refused this presentation soon after it accepted the earlier one (see
   * `refusedAfterSuccess`): without any response body, that is the evidence that it invalidated the token on
   * first use, i.e. rotates refresh tokens (RFC 9700 §4.14.2).
   */
  repeatRefused: boolean;
}

/**
 * How soon after the earlier presentation's answer a refusal still speaks of rotation. A refresh token that
 * expired or was revoked explains a refusal hours later; a refusal within a minute of the same token working
 * is the server invalidating it on first use (a scheduled refresh never comes that soon: access tokens live
 * for minutes at least).
 */
const REFUSAL_WINDOW_MS = 60_000;

/**
 * True when `repeat` was refused for its refresh token right after `earlier` presented the same token with
 * success: a 4xx (RFC 6749 §5.2; not 408 or 429, which say nothing of the token) that started while `earlier`
 * was in flight or within `REFUSAL_WINDOW_MS` of its answer, with no revocation of the flow in between, no DPoP
 * nonce challenge (RFC 9449 §8: a retry is expected), and `invalid_grant` when the body is seen.
 */
function refusedAfterSuccess(earlier: TokenRequest, repeat: TokenRequest, revocationTimes: readonly number[]): boolean {
  const status = repeat.exchange.status;
  if (status === undefined || status < 400 || status > 499 || status === 408 || status === 429) return false;
  if (repeat.response?.json && repeat.response.error !== 'invalid_grant') return false;
  if (header(repeat.exchange.responseHeaders, 'dpop-nonce') !== undefined) return false;
  const answered = earlier.exchange.endTime;
  if (answered === undefined || repeat.exchange.time - answered > REFUSAL_WINDOW_MS) return false;
  // A revocation sent between the two presentations explains the refusal on its own.
  const from = partitionPoint(revocationTimes.length, (i) => revocationTimes[i]! < earlier.exchange.time);
  return !(from < revocationTimes.length && revocationTimes[from]! <= repeat.exchange.time);
}

/** Refresh grants of a flow that present a refresh token, in time order (stable). */
function presentations(flow: Flow): TokenRequest[] {
  return (
    flow.refreshes
      .map((request, index) => ({ request, index }))
      // A token redacted without a number (a redacted HAR) cannot be told from another: no reuse is concluded.
      .filter(({ request }) => request.grantType === 'refresh_token' && comparableSecret(request.refreshToken) !== undefined)
      .sort((a, b) => a.request.exchange.time - b.request.exchange.time || a.index - b.index)
      .map(({ request }) => request)
  );
}

/** True when `later` started before `earlier`'s response arrived (unknown end: not concurrent). */
function startedDuring(earlier: TokenRequest, later: TokenRequest): boolean {
  const end = earlier.exchange.endTime;
  return end !== undefined && later.exchange.time < end;
}

/** Every reuse in the flow, one per reusing request, in time order. */
export function refreshReuses(flow: Flow): RefreshReuse[] {
  const ordered = presentations(flow);
  const revocations = revocationTimes(flow);
  const reuses: RefreshReuse[] = [];
  for (let i = 1; i < ordered.length; i++) {
    const reuse = reuseAt(ordered, i, revocations);
    if (reuse) reuses.push(reuse);
  }
  return reuses;
}

/** The reuse `request` commits, if any (it must be one of the flow's refreshes). */
export function refreshReuseOf(flow: Flow, request: TokenRequest): RefreshReuse | undefined {
  const ordered = presentations(flow);
  const index = ordered.indexOf(request);
  return index > 0 ? reuseAt(ordered, index, revocationTimes(flow)) : undefined;
}

/** When the flow's revocation requests were sent, ascending. */
function revocationTimes(flow: Flow): number[] {
  return flow.steps
    .filter((step) => step.kind === 'revocation')
    .map((step) => step.time)
    .sort((a, b) => a - b);
}

function reuseAt(ordered: readonly TokenRequest[], index: number, revocations: readonly number[]): RefreshReuse | undefined {
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
      repeatRefused: refusedAfterSuccess(rotated, request, revocations),
    };
  const unknown = earlier.find((e) => refreshOutcome(e) === 'body-not-observed');
  if (!unknown) return undefined;
  const repeatRefused = refusedAfterSuccess(unknown, request, revocations);
  return {
    request,
    earlier: unknown,
    kind: startedDuring(unknown, request) ? 'concurrent' : repeatRefused ? 'after-rotation' : 'rotation-unknown',
    earlierOutcome: 'body-not-observed',
    repeatRefused,
  };
}
