/**
 * When the worker listens to webRequest at all. In Chrome, merely having a webRequest listener, however narrow its
 * filter, makes the network service route every request of every page through the browser process: that, not our
 * code, is what an installed OAuth Lens cost each page (bench/page-load). So the webRequest listeners are added
 * ("armed") only while a sign-in may be under way, and removed ("disarmed") when none is.
 *
 * What arms, all seen through `webNavigation`, whose URL filters Chrome evaluates without routing requests:
 * - a navigation that looks like an authorization request (RFC 6749 §4.1.1: `response_type`; RFC 9126 §4:
 *   `request_uri`; the providers without response_type send `client_id`): armed for SIGN_IN_WINDOW_MS, or until
 *   its authorization response (§4.1.2) has come back;
 * - a page committed at an origin that already took part in a sign-in (a client's redirect_uri origin, an
 *   authorization server): armed for WATCHED_PAGE_WINDOW_MS after each such page, so a sign-in that starts with
 *   a script request (PAR from the page, a discovery fetch) is seen whole from its first request;
 * - an authorization response navigation (`code=`, `error=`), which wakes a worker stopped mid-sign-in.
 *
 * Pure: plain data in, plain data out; src/background/arming.ts applies the decisions.
 */
import { knownAuthorizationEndpointOf } from '../core/known-authorization-endpoints.ts';
import type { Exchange } from '../core/model.ts';
import { splitUrl } from '../core/params.ts';
import type { Watchlist } from './relevance.ts';

/** Long enough for a person to sign in (a password manager, a second factor, a consent page). */
export const SIGN_IN_WINDOW_MS = 10 * 60_000;
/** How long a page of a watched origin keeps the capture armed: a sign-in usually starts within it. */
export const WATCHED_PAGE_WINDOW_MS = 5 * 60_000;
/** After an authorization response: the page's code exchange, userinfo and JWKS requests follow within seconds. */
export const AFTER_RESPONSE_WINDOW_MS = 30_000;
/** At most this many sign-ins are tracked at once (tabs signing in together); the oldest is dropped. */
const MAX_PENDING = 16;

/**
 * A `webNavigation` URL filter (events.UrlFilter): the conditions of one object must all hold, one object of the
 * list suffices. Conditions test the URL without its fragment.
 */
export interface NavigationUrlFilter {
  queryContains?: string;
  urlPrefix?: string;
}

/**
 * Navigations that start a sign-in or bring its response back. A GET authorization request carries all its
 * parameters in its URL; a fragment response (`#code=`) cannot be matched here (filters never see the fragment),
 * but its navigation goes to a watched origin (the redirect_uri's), which WATCHED_ORIGIN filters match.
 */
export const SIGN_IN_NAVIGATIONS: readonly NavigationUrlFilter[] = [
  { queryContains: 'response_type=' },
  { queryContains: 'request_uri=' },
  { queryContains: 'client_id=' },
  { queryContains: 'code=' },
  { queryContains: 'error=' },
];

/** What is stored (storage.session) so a restarted worker knows whether to listen. */
export interface ArmingState {
  /** Each pending sign-in (by its state, or its authorization request's URL) and when it stops counting. */
  pending: { key: string; until: number }[];
  /** Armed at least until then: a watched page, an authorization response's follow-up requests. */
  until: number;
  /**
   * The listeners were added and perhaps not yet removed: Chrome keeps a stopped worker's webRequest listeners
   * registered (they wake it), and only an instance adding and removing the same listeners unregisters them.
   */
  listening: boolean;
}

export const disarmed = (): ArmingState => ({ pending: [], until: 0, listening: false });

export function isArmingState(value: unknown): value is ArmingState {
  const state = value as ArmingState | undefined;
  return typeof state === 'object' && state !== null && Array.isArray(state.pending) && typeof state.until === 'number';
}

/** The moment the capture may disarm: the last of the pending sign-ins' and the other windows' ends. */
export function armedUntil(state: ArmingState): number {
  return state.pending.reduce((latest, p) => Math.max(latest, p.until), state.until);
}

export function isArmed(state: ArmingState, now: number): boolean {
  return armedUntil(state) > now;
}

/** What a (re)started worker does: listen, unregister what a stopped instance left listening, or nothing. */
export function startUp(state: ArmingState, now: number): 'arm' | 'unregister' | 'nothing' {
  if (isArmed(state, now)) return 'arm';
  return state.listening ? 'unregister' : 'nothing';
}

/** Drops what has expired. */
export function expire(state: ArmingState, now: number): ArmingState {
  const pending = state.pending.filter((p) => p.until > now);
  return pending.length === state.pending.length ? state : { ...state, pending };
}

/** A sign-in starts (an authorization request's navigation, or one seen by webRequest). */
export function signInStarted(state: ArmingState, key: string, now: number): ArmingState {
  const others = state.pending.filter((p) => p.key !== key && p.until > now);
  return { ...state, pending: [...others, { key, until: now + SIGN_IN_WINDOW_MS }].slice(-MAX_PENDING) };
}

/** An authorization response came back: its sign-in is over, bar the requests that follow it. */
export function signInAnswered(state: ArmingState, key: string | undefined, now: number): ArmingState {
  const pending = key === undefined ? state.pending : state.pending.filter((p) => p.key !== key);
  return { ...state, pending, until: Math.max(state.until, now + AFTER_RESPONSE_WINDOW_MS) };
}

/** A page of a watched origin committed. */
export function watchedPageCommitted(state: ArmingState, now: number): ArmingState {
  return { ...state, until: Math.max(state.until, now + WATCHED_PAGE_WINDOW_MS) };
}

/** How a sign-in is known across its steps: its state (RFC 6749 §4.1.2 echoes it), else the request's URL. */
export function signInKey(params: URLSearchParams, url: string): string {
  const state = params.get('state');
  return state ? `state:${state}` : `url:${url}`;
}

/**
 * The sign-in an authorization request navigation starts, or undefined when the URL is not one: the filters
 * above are coarse (`client_id=`, `code=`), this is what they caught.
 */
export function authorizationRequestKey(url: string): string | undefined {
  const split = splitUrl(url);
  if (!split) return undefined;
  const params = new URLSearchParams(split.query);
  // GitHub, Slack and Facebook document a request without response_type, GitHub's without redirect_uri too.
  const looksLike =
    params.has('response_type') ||
    params.has('request_uri') ||
    (params.has('client_id') && (params.has('redirect_uri') || knownAuthorizationEndpointOf(url) !== undefined));
  return looksLike && !params.has('grant_type') ? signInKey(params, url) : undefined;
}

/**
 * The authorization response (RFC 6749 §4.1.2, §4.1.2.1) an exchange carries, in its URL's query or fragment,
 * in the Location it redirects to, or in a form_post body (OAuth 2.0 Form Post Response Mode §2): undefined when
 * it carries none; `key` is the sign-in it answers when a state came back.
 */
export function authorizationResponseOf(exchange: Pick<Exchange, 'url' | 'location' | 'requestBody'>): { key?: string } | undefined {
  const candidates = [exchange.url, exchange.location].flatMap((url) => {
    const split = url === undefined ? undefined : splitUrl(url);
    return split ? [split.query, split.fragment] : [];
  });
  if (exchange.requestBody.kind === 'form') candidates.push(exchange.requestBody.raw);
  for (const candidate of candidates) {
    if (!candidate) continue;
    const params = new URLSearchParams(candidate);
    if (params.has('response_type') || params.has('grant_type')) continue;
    if (!params.has('code') && !params.has('error') && !params.has('id_token') && !params.has('access_token')) continue;
    if (!params.has('state') && !params.has('iss') && !params.has('code')) continue;
    const state = params.get('state');
    return state ? { key: `state:${state}` } : {};
  }
  return undefined;
}

/**
 * The origins whose pages keep the capture armed: the authorization servers and the redirect_uri origins (the
 * clients) of earlier sign-ins, as URL prefixes (`https://app.example/`), so no other site matches.
 */
export function watchedOriginFilters(watch: Pick<Watchlist, 'serverOrigins' | 'redirectTargets'>): NavigationUrlFilter[] {
  const origins = new Set<string>(watch.serverOrigins);
  for (const target of watch.redirectTargets) if (URL.canParse(target)) origins.add(new URL(target).origin);
  return [...origins]
    .filter((origin) => origin.startsWith('https://') || origin.startsWith('http://'))
    .sort()
    .map((origin) => ({ urlPrefix: `${origin}/` }));
}

/** A navigation as webNavigation reports it. */
export interface NavigationDetails {
  url: string;
  tabId: number;
  frameId: number;
  timeStamp: number;
}

/**
 * The requests webRequest saw for each frame lately, so a navigation whose request left before the listeners
 * were armed is known as missed. Bounded: the last few URLs of the last few frames.
 */
export class NavigationLedger {
  private readonly seen = new Map<string, string[]>();

  constructor(private readonly maxFrames = 64) {}

  /** webRequest saw a request of this frame (any of its events). */
  saw(tabId: number, frameId: number, url: string): void {
    const frame = `${tabId}:${frameId}`;
    const urls = this.seen.get(frame) ?? [];
    this.seen.delete(frame);
    this.seen.set(frame, [...urls.filter((u) => u !== withoutFragment(url)), withoutFragment(url)].slice(-8));
    if (this.seen.size > this.maxFrames) this.seen.delete(this.seen.keys().next().value!);
  }

  /** Whether webRequest saw this frame request this URL. */
  hasSeen(tabId: number, frameId: number, url: string): boolean {
    return this.seen.get(`${tabId}:${frameId}`)?.includes(withoutFragment(url)) ?? false;
  }
}

function withoutFragment(url: string): string {
  const hashAt = url.indexOf('#');
  return hashAt === -1 ? url : url.slice(0, hashAt);
}

/**
 * The request a navigation made, rebuilt from the navigation event when webRequest did not see it (the request
 * left before the listeners were armed). A GET's URL is the request line, all of it: the parameters are exact.
 * Nothing else was observed, so nothing else is said: no request or response headers, no status, no Location
 * (the redirects in between are not known), and `observedBy` tells every reader so.
 */
export function navigationExchange(id: string, navigation: NavigationDetails): Exchange {
  return {
    id,
    time: navigation.timeStamp,
    ...(navigation.tabId >= 0 ? { tabId: navigation.tabId } : {}),
    frameId: navigation.frameId,
    initiator: navigation.frameId === 0 ? 'navigation' : 'subframe',
    method: 'GET',
    url: withoutFragment(navigation.url),
    requestHeaders: [],
    requestBody: { kind: 'none' },
    responseHeaders: [],
    observedBy: 'navigation',
  };
}
