import { readable } from '../authorization-parameters.ts';
import type { AuthorizationRequest, Callback, Evidence, Flow } from '../model.ts';
import { splitUrl } from '../params.ts';
import { percentDecodeOnce } from '../redirect-uri.ts';
import { partitionPoint } from '../sorted.ts';
import { defineRule, type RuleContext } from './rule.ts';

/**
 * RFC 6749 §4.1.2 and §4.1.2.1: `state` is REQUIRED in the authorization response (success or error) if it
 * was present in the request, with "the exact value received from the client"; §10.12: the client must
 * reject a response whose state it did not issue for this user agent.
 *
 * Two findings:
 * - the callback's decoded state matches no authorization request seen before it (correlate.ts then makes a
 *   flow with a callback and no authorization). This is only claimed when an authorization request to the
 *   same redirect target (origin + path) was observed earlier; otherwise the capture may have started in
 *   the middle of the flow and the rule stays silent (flow.notes already says the request was not observed).
 *   It also stays silent when an earlier authorization request's state cannot be read (a `request_uri`
 *   without its PAR request, an encrypted request object). A state sent only in a readable request object
 *   counts: classify reads it, so correlation pairs the callback by it.
 * - the AS dropped the state: a callback without state that correlate.ts paired by redirect_uri to a flow
 *   whose authorization request sent one.
 */
export default defineRule({
  meta: {
    id: 'state-mismatch',
    severity: 'error',
    title: 'Authorization response state does not match',
    citation: 'RFC 6749 §4.1.2, §4.1.2.1, §10.12',
    fix: 'Reject the response; keep the exact state per pending flow (the AS must echo it unchanged)',
    evidence: 'W',
  },
  check({ flows, classified, report }) {
    let sent: SentStates | undefined;
    for (const flow of flows) {
      const callback = flow.callback;
      if (!callback) continue;
      if (!flow.authorization && callback.state !== undefined) {
        sent ??= new SentStates(classified.authorizations);
        checkOrphan(flow, callback, sent, report);
      } else if (flow.authorization && callback.state === undefined) {
        const sent = readable(flow.authorization) ? flow.authorization.state : undefined;
        if (sent === undefined) continue;
        report({
          flow,
          message: `The ${callback.error !== undefined ? `error response (${callback.error})` : 'authorization response'} carries no state although the request sent one (paired by redirect_uri): the AS must echo state unchanged.`,
          exchanges: [flow.authorization.par?.exchange, flow.authorization.exchange, callback.exchange, callback.arrival],
          evidence: [
            { label: 'state sent', value: sent },
            { label: 'state returned', value: '(absent)' },
            { label: 'response', value: callback.error !== undefined ? `error=${callback.error}` : 'success' },
            { label: 'callback target', value: callback.target },
          ],
        });
      }
    }
  },
});

type ReportFn = RuleContext['report'];

function checkOrphan(flow: Flow, callback: Callback, sent: SentStates, report: ReportFn): void {
  const state = callback.state!;
  const before = sent.countBy(callback.exchange.time);
  // Cannot tell: an earlier request whose state is unreadable, or one that sent this state after all.
  if (sent.firstUnreadable < before || (sent.firstWithState.get(state) ?? Number.POSITIVE_INFINITY) < before) return;
  const sameTarget = sent.byTarget.get(callback.target);
  const requests = sameTarget ? countBelow(sameTarget.positions, before) : 0;
  if (!sameTarget || !requests) return;

  // The distinct states sent to this target before the callback, and the first of them it nearly matches.
  const states = countBelow(sameTarget.firstUses, requests);
  const nearMissAt = sameTarget.firstNearMiss(state);
  const nearMiss = nearMissAt !== undefined && nearMissAt < states ? nearMissOf(sameTarget.distinct[nearMissAt]!, state) : undefined;
  const latest = sent.sorted[sameTarget.positions[requests - 1]!]!;
  const evidence: Evidence[] = [
    { label: 'state returned', value: state },
    ...sameTarget.distinct
      .slice(Math.max(0, states - 5), states)
      .map((value) => ({ label: 'state sent (earlier request to this redirect_uri)', value })),
    { label: 'callback target', value: callback.target },
  ];
  if (nearMiss) evidence.push({ label: 'near miss', value: nearMiss.kind });
  report({
    flow,
    message: `The authorization response's state matches no authorization request sent to this redirect_uri${nearMiss ? `; ${nearMiss.explanation}` : ''}.`,
    exchanges: [callback.exchange, callback.arrival, latest.exchange],
    evidence,
  });
}

/**
 * The authorization requests in time order, indexed for orphan callbacks: what was sent before a time is a
 * prefix found by binary search, and the states sent to each redirect target are looked up by value, so a
 * client that retries after every mismatched response costs O(N log N), not N² comparisons.
 */
class SentStates {
  readonly sorted: AuthorizationRequest[];
  private readonly times: number[];
  /** Position of the first request whose state cannot be read (Infinity: none). */
  readonly firstUnreadable: number;
  /** Position of the first request that sent each state. */
  readonly firstWithState = new Map<string, number>();
  readonly byTarget = new Map<string, TargetStates>();

  constructor(authorizations: readonly AuthorizationRequest[]) {
    this.sorted = [...authorizations].sort((a, b) => a.exchange.time - b.exchange.time);
    this.times = this.sorted.map((a) => a.exchange.time);
    const unreadable = this.sorted.findIndex((a) => !readable(a));
    this.firstUnreadable = unreadable === -1 ? Number.POSITIVE_INFINITY : unreadable;
    this.sorted.forEach((auth, position) => {
      if (auth.state !== undefined && !this.firstWithState.has(auth.state)) this.firstWithState.set(auth.state, position);
      const target = targetOf(auth.redirectUri);
      if (target === undefined) return;
      let forTarget = this.byTarget.get(target);
      if (!forTarget) {
        forTarget = new TargetStates();
        this.byTarget.set(target, forTarget);
      }
      forTarget.add(position, auth.state);
    });
    for (const forTarget of this.byTarget.values()) forTarget.seal();
  }

  /** How many requests were sent at or before `time`. */
  countBy(time: number): number {
    return countBelow(this.times, time, true);
  }
}

/**
 * The requests to one redirect target: their positions, and their distinct states in order of first use,
 * with lookups for the near misses `nearMissOf` knows (each a key derived from the returned state, except a
 * truncation, a prefix range in the states sorted as strings with its earliest first use from a sparse table).
 */
class TargetStates {
  readonly positions: number[] = [];
  /** Distinct states in order of first use. */
  readonly distinct: string[] = [];
  /** For each distinct state, the index in `positions` of its first use (ascending). */
  readonly firstUses: number[] = [];
  private readonly firstUse = new Map<string, number>();
  private readonly byDecoded = new Map<string, number>();
  private readonly byTrimmed = new Map<string, number>();
  private readonly byLowerCase = new Map<string, number>();
  private sortedStates: { state: string; index: number }[] = [];
  /** earliest[j][i]: the smallest distinct index among sortedStates[i .. i + 2^j). */
  private earliest: number[][] = [];

  add(position: number, state: string | undefined): void {
    this.positions.push(position);
    if (state === undefined || this.firstUse.has(state)) return;
    const index = this.distinct.length;
    this.distinct.push(state);
    this.firstUses.push(this.positions.length - 1);
    this.firstUse.set(state, index);
    const first = (map: Map<string, number>, key: string) => {
      if (!map.has(key)) map.set(key, index);
    };
    first(this.byDecoded, percentDecodeOnce(state));
    first(this.byTrimmed, state.trim());
    first(this.byLowerCase, state.toLowerCase());
  }

  seal(): void {
    this.sortedStates = this.distinct
      .map((state, index) => ({ state, index }))
      .sort((a, b) => (a.state < b.state ? -1 : a.state > b.state ? 1 : 0));
    this.earliest = [this.sortedStates.map((s) => s.index)];
    for (let width = 1; width * 2 <= this.sortedStates.length; width *= 2) {
      const previous = this.earliest.at(-1)!;
      this.earliest.push(previous.slice(0, previous.length - width).map((value, i) => Math.min(value, previous[i + width]!)));
    }
  }

  /** The index in `distinct` of the first state sent that `returned` is a near miss of (see `nearMissOf`). */
  firstNearMiss(returned: string): number | undefined {
    const candidates = [
      this.firstUse.get(returned.replaceAll(' ', '+')),
      this.firstUse.get(percentDecodeOnce(returned)),
      this.byDecoded.get(returned),
      this.byTrimmed.get(returned.trim()),
      returned.length > 0 ? this.firstWithPrefix(returned) : undefined,
      this.byLowerCase.get(returned.toLowerCase()),
    ].filter((i): i is number => i !== undefined);
    return candidates.length ? Math.min(...candidates) : undefined;
  }

  /** The first state sent that starts with `prefix`: such states are contiguous once sorted. */
  private firstWithPrefix(prefix: string): number | undefined {
    const states = this.sortedStates;
    const firstAtLeast = (from: number, below: (state: string) => boolean) =>
      partitionPoint(states.length, (i) => below(states[i]!.state), from);
    const from = firstAtLeast(0, (state) => state < prefix);
    const to = firstAtLeast(from, (state) => state.startsWith(prefix));
    if (from === to) return undefined;
    const level = 31 - Math.clz32(to - from);
    const row = this.earliest[level]!;
    return Math.min(row[from]!, row[to - (1 << level)]!);
  }
}

/** How many of the ascending `values` are below `limit` (or equal to it, when `inclusive`). */
function countBelow(values: readonly number[], limit: number, inclusive = false): number {
  return partitionPoint(values.length, (i) => values[i]! < limit || (inclusive && values[i] === limit));
}

function targetOf(uri: string | undefined): string | undefined {
  return uri ? splitUrl(uri)?.target : undefined;
}

/** Why a returned state may have been meant to be a sent one: an encoding slip, whitespace, truncation. */
function nearMissOf(sent: string, returned: string): { kind: string; explanation: string } | undefined {
  if (returned.replaceAll(' ', '+') === sent) {
    return { kind: 'plus-as-space', explanation: "a '+' in the state came back as a space (sent or echoed without percent-encoding)" };
  }
  if (percentDecodeOnce(returned) === sent)
    return { kind: 'encoded-twice', explanation: 'the returned state is still percent-encoded (encoded twice)' };
  if (percentDecodeOnce(sent) === returned)
    return { kind: 'decoded-twice', explanation: 'the returned state was percent-decoded once more than sent' };
  if (returned.trim() === sent.trim())
    return { kind: 'whitespace', explanation: 'the states differ only by leading or trailing whitespace' };
  if (returned.length > 0 && sent.startsWith(returned))
    return {
      kind: 'truncated',
      explanation: `the returned state is the first ${returned.length} of ${sent.length} characters of a sent one`,
    };
  if (returned.toLowerCase() === sent.toLowerCase()) return { kind: 'case', explanation: 'the states differ only in letter case' };
  return undefined;
}
