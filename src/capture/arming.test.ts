import { describe, expect, it } from 'vitest';
import {
  AFTER_RESPONSE_WINDOW_MS,
  armedUntil,
  authorizationRequestKey,
  authorizationResponseOf,
  disarmed,
  expire,
  isArmed,
  isArmingState,
  NavigationLedger,
  navigationExchange,
  SIGN_IN_WINDOW_MS,
  signInAnswered,
  signInStarted,
  startUp,
  WATCHED_PAGE_WINDOW_MS,
  watchedOriginFilters,
  watchedPageCommitted,
} from './arming.ts';

const AUTHORIZE = 'https://as.example/authorize?response_type=code&client_id=app&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=s1';
const none = { kind: 'none' } as const;

describe('arming decisions', () => {
  it('is disarmed at first, and a start-up then does nothing', () => {
    expect(isArmed(disarmed(), 0)).toBe(false);
    expect(startUp(disarmed(), 0)).toBe('nothing');
  });

  it('arms for the sign-in window when a sign-in starts, and a restarted worker arms again within it', () => {
    const state = signInStarted(disarmed(), 'state:s1', 1_000);
    expect(armedUntil(state)).toBe(1_000 + SIGN_IN_WINDOW_MS);
    expect(startUp(state, 1_000 + SIGN_IN_WINDOW_MS - 1)).toBe('arm');
    expect(isArmed(state, 1_000 + SIGN_IN_WINDOW_MS)).toBe(false);
  });

  it('lets a sign-in go once its response came back, bar the requests that follow it', () => {
    const started = signInStarted(disarmed(), 'state:s1', 1_000);
    const answered = signInAnswered(started, 'state:s1', 5_000);
    expect(answered.pending).toEqual([]);
    expect(armedUntil(answered)).toBe(5_000 + AFTER_RESPONSE_WINDOW_MS);
  });

  it('stays armed for another tab whose sign-in is still pending', () => {
    const both = signInStarted(signInStarted(disarmed(), 'state:a', 1_000), 'state:b', 2_000);
    const oneAnswered = signInAnswered(both, 'state:a', 3_000);
    expect(armedUntil(oneAnswered)).toBe(2_000 + SIGN_IN_WINDOW_MS);
  });

  it('keeps pending sign-ins when a response without state comes back (it cannot say which it answers)', () => {
    const started = signInStarted(disarmed(), 'state:s1', 1_000);
    expect(signInAnswered(started, undefined, 2_000).pending).toHaveLength(1);
  });

  it('arms for the watched-page window after a page of a watched origin, extended by the next one', () => {
    const state = watchedPageCommitted(watchedPageCommitted(disarmed(), 1_000), 60_000);
    expect(armedUntil(state)).toBe(60_000 + WATCHED_PAGE_WINDOW_MS);
  });

  it('unregisters what a stopped worker left listening once nothing is pending, and expires old sign-ins', () => {
    const state = { ...signInStarted(disarmed(), 'state:s1', 0), listening: true };
    const later = SIGN_IN_WINDOW_MS + 1;
    expect(startUp(state, later)).toBe('unregister');
    expect(expire(state, later).pending).toEqual([]);
  });

  it('bounds the pending sign-ins', () => {
    let state = disarmed();
    for (let i = 0; i < 40; i++) state = signInStarted(state, `state:${i}`, i);
    expect(state.pending.length).toBeLessThanOrEqual(16);
    expect(state.pending.at(-1)!.key).toBe('state:39');
  });

  it('reads back only a well-formed stored state', () => {
    expect(isArmingState(disarmed())).toBe(true);
    expect(isArmingState(undefined)).toBe(false);
    expect(isArmingState({ until: 'soon' })).toBe(false);
  });
});

describe('authorization requests and responses', () => {
  it('keys an authorization request by its state, else its URL', () => {
    expect(authorizationRequestKey(AUTHORIZE)).toBe('state:s1');
    const stateless = 'https://as.example/authorize?response_type=code&client_id=app';
    expect(authorizationRequestKey(stateless)).toBe(`url:${stateless}`);
    expect(authorizationRequestKey('https://as.example/authorize?request_uri=urn%3Apar%3A1&client_id=app')).toBeDefined();
    // GitHub's authorization request carries no response_type.
    expect(
      authorizationRequestKey('https://github.com/login/oauth/authorize?client_id=x&redirect_uri=https%3A%2F%2Fa.example%2Fcb'),
    ).toBeDefined();
  });

  it('takes no ordinary page for an authorization request', () => {
    expect(authorizationRequestKey('https://shop.example/products?code=A100&state=NY')).toBeUndefined();
    expect(authorizationRequestKey('https://docs.example/api?client_id=abc')).toBeUndefined();
    expect(authorizationRequestKey('https://as.example/token?grant_type=authorization_code&response_type=x')).toBeUndefined();
    expect(authorizationRequestKey('not a url')).toBeUndefined();
  });

  it('finds the response in a query, a fragment, a Location and a form_post body', () => {
    expect(authorizationResponseOf({ url: 'https://app.example/cb?code=c&state=s1', requestBody: none })).toEqual({ key: 'state:s1' });
    expect(authorizationResponseOf({ url: 'https://app.example/cb#access_token=t&state=s1', requestBody: none })).toEqual({
      key: 'state:s1',
    });
    expect(
      authorizationResponseOf({
        url: 'https://as.example/resume',
        location: 'https://app.example/cb?error=access_denied&state=s2',
        requestBody: none,
      }),
    ).toEqual({ key: 'state:s2' });
    expect(
      authorizationResponseOf({ url: 'https://app.example/cb', requestBody: { kind: 'form', params: [], raw: 'code=c&state=s3' } }),
    ).toEqual({
      key: 'state:s3',
    });
    expect(authorizationResponseOf({ url: 'https://app.example/cb?code=c', requestBody: none })).toEqual({});
  });

  it('takes no token request, authorization request or ordinary error page for a response', () => {
    expect(authorizationResponseOf({ url: AUTHORIZE, requestBody: none })).toBeUndefined();
    expect(
      authorizationResponseOf({
        url: 'https://as.example/token',
        requestBody: { kind: 'form', params: [], raw: 'grant_type=authorization_code&code=c' },
      }),
    ).toBeUndefined();
    expect(authorizationResponseOf({ url: 'https://site.example/page?error=none', requestBody: none })).toBeUndefined();
  });
});

describe('watched origins', () => {
  it('are the servers and the redirect targets’ origins, as prefixes that match no other site', () => {
    const filters = watchedOriginFilters({
      serverOrigins: ['https://as.example'],
      redirectTargets: ['https://app.example/cb', 'https://app.example/other', 'com.example.app:/cb'],
    });
    expect(filters).toEqual([{ urlPrefix: 'https://app.example/' }, { urlPrefix: 'https://as.example/' }]);
  });
});

describe('navigations missed by webRequest', () => {
  it('knows the requests webRequest saw, per frame, fragment aside', () => {
    const ledger = new NavigationLedger();
    ledger.saw(1, 0, AUTHORIZE);
    expect(ledger.hasSeen(1, 0, `${AUTHORIZE}#x`)).toBe(true);
    expect(ledger.hasSeen(1, 1, AUTHORIZE)).toBe(false);
    expect(ledger.hasSeen(2, 0, AUTHORIZE)).toBe(false);
  });

  it('forgets the oldest frames past its bound', () => {
    const ledger = new NavigationLedger(2);
    for (const tab of [1, 2, 3]) ledger.saw(tab, 0, AUTHORIZE);
    expect(ledger.hasSeen(1, 0, AUTHORIZE)).toBe(false);
    expect(ledger.hasSeen(3, 0, AUTHORIZE)).toBe(true);
  });

  it('rebuilds the request line only, saying how it was observed', () => {
    const exchange = navigationExchange('n-1', { url: `${AUTHORIZE}#frag`, tabId: 4, frameId: 0, timeStamp: 123 });
    expect(exchange).toEqual({
      id: 'n-1',
      time: 123,
      tabId: 4,
      frameId: 0,
      initiator: 'navigation',
      method: 'GET',
      url: AUTHORIZE,
      requestHeaders: [],
      requestBody: { kind: 'none' },
      responseHeaders: [],
      observedBy: 'navigation',
    });
    expect(navigationExchange('n-2', { url: AUTHORIZE, tabId: -1, frameId: 3, timeStamp: 1 })).toMatchObject({ initiator: 'subframe' });
    expect(navigationExchange('n-2', { url: AUTHORIZE, tabId: -1, frameId: 3, timeStamp: 1 }).tabId).toBeUndefined();
  });
});
