/**
 * Callback pairing (correlate.ts) against its specification, written out as the plain scan it describes: a
 * callback with a state pairs with the latest authorization request of that state sent at or before it —
 * one still pending of the issuer that answered (RFC 9207 §2.4), then any pending one, then (a repeated
 * callback) any one; a callback without state pairs by redirect target — a pending stateless request in the
 * same tab, then in any tab, then any pending request in the same tab, then in any. correlate indexes these
 * by value; on random interleavings of few states, targets, issuers, tabs and times (ties included) it must
 * pair every callback exactly as the scan does.
 *
 * Reproduce a failure: FC_SEED=<seed> [FC_PATH=<path>] npx vitest run --project unit tests/property/pairing
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify, inTimeOrder } from '../../src/core/classify.ts';
import { correlate } from '../../src/core/correlate.ts';
import type { AuthorizationRequest, Callback, Exchange } from '../../src/core/model.ts';
import { splitUrl } from '../../src/core/params.ts';
import { encode, exchange } from '../support/build.ts';
import { fcParams } from './check.ts';

const T0 = Date.parse('2026-11-22T10:00:00Z');
const SERVERS = ['https://as-one.example', 'https://as-two.example'];
const REDIRECT_URIS = ['https://app.example/cb', 'https://app.example/other-cb'];
const STATES = ['state-a', 'state-b', undefined];
const ISSUERS = [...SERVERS, `${SERVERS[0]}/`, 'https://elsewhere.example', '', undefined];
const TABS = [1, 2, undefined];

const eventArb = fc.record({
  kind: fc.constantFrom('authorize', 'callback'),
  server: fc.constantFrom(...SERVERS),
  redirectUri: fc.constantFrom(...REDIRECT_URIS),
  state: fc.constantFrom(...STATES),
  iss: fc.constantFrom(...ISSUERS),
  tab: fc.constantFrom(...TABS),
  // Few distinct times, so ties (and callbacks before their request) are common.
  time: fc.integer({ min: 0, max: 6 }),
});

type PairingEvent = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function trafficOf(events: readonly PairingEvent[]): Exchange[] {
  return events.map((e) => {
    const time = T0 + e.time * 1000;
    const tabId = e.tab;
    if (e.kind === 'authorize') {
      const query = encode({ response_type: 'code', client_id: 'spa', redirect_uri: e.redirectUri, state: e.state });
      return exchange({ url: `${e.server}/authorize?${query}`, status: 200, time, ...(tabId !== undefined ? { tabId } : {}) });
    }
    const location = `${e.redirectUri}?${encode({ error: 'login_required', state: e.state, iss: e.iss })}`;
    return exchange({ url: `${e.server}/resume`, status: 303, location, time, ...(tabId !== undefined ? { tabId } : {}) });
  });
}

/** The specification: every tier a scan over all authorization requests. */
function specifiedPairing(
  authorizations: readonly AuthorizationRequest[],
  callbacks: readonly Callback[],
): Map<Callback, AuthorizationRequest> {
  const paired = new Map<Callback, AuthorizationRequest>();
  const pending = new Set(authorizations);
  const latest = (list: AuthorizationRequest[]) =>
    list.length ? list.reduce((a, b) => (b.exchange.time >= a.exchange.time ? b : a)) : undefined;
  for (const callback of callbacks) {
    const preceding = authorizations.filter((a) => a.exchange.time <= callback.exchange.time);
    let found: AuthorizationRequest | undefined;
    if (callback.state !== undefined) {
      const sameState = preceding.filter((a) => a.state === callback.state);
      const origin = (a: AuthorizationRequest) => splitUrl(a.endpoint)?.origin;
      const issuerOk = (a: AuthorizationRequest) => !callback.iss || [origin(a), `${origin(a)}/`].includes(callback.iss);
      found =
        latest(sameState.filter((a) => pending.has(a) && issuerOk(a))) ??
        latest(sameState.filter((a) => pending.has(a))) ??
        latest(sameState);
    } else {
      const sameTarget = preceding.filter((a) => pending.has(a) && a.redirectUri && splitUrl(a.redirectUri)?.target === callback.target);
      const sameTab = sameTarget.filter((a) => a.exchange.tabId === callback.exchange.tabId);
      const stateless = (list: AuthorizationRequest[]) => list.filter((a) => a.state === undefined);
      found = latest(stateless(sameTab)) ?? latest(stateless(sameTarget)) ?? latest(sameTab) ?? latest(sameTarget);
    }
    if (found) {
      paired.set(callback, found);
      pending.delete(found);
    }
  }
  return paired;
}

describe('callback pairing', () => {
  it('pairs every callback as the specified scan does', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), (events) => {
        const ordered = inTimeOrder(trafficOf(events));
        const classified = classify(ordered);
        const flows = correlate(classified, ordered);
        const actual = new Map<Callback, AuthorizationRequest | undefined>();
        for (const flow of flows)
          for (const callback of [flow.callback, ...flow.repeatedCallbacks]) if (callback) actual.set(callback, flow.authorization);
        const expected = specifiedPairing(classified.authorizations, classified.callbacks);
        expect(classified.callbacks.map((c) => actual.get(c)?.exchange.id)).toEqual(
          classified.callbacks.map((c) => expected.get(c)?.exchange.id),
        );
      }),
      fcParams(500),
    );
  });
});
