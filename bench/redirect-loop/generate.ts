/**
 * A HAR of a client stuck in a redirect loop: one SPA sends the same authorization request (same client, same
 * redirect_uri) and the authorization server answers each at once with an error redirect to the callback
 * (RFC 6749 §4.1.2.1; `login_required` for `prompt=none`, OIDC Core §3.1.2.6), whose page starts the next
 * attempt. Three clients:
 *
 * - `same`: a buggy client that re-sends the very same request (the same state, nonce and PKCE challenge)
 * - `fresh`: a fresh state, nonce and PKCE verifier for every attempt
 * - `none`: no state at all (the callback can only be paired by its redirect target)
 *
 * With `mangled`, the state holds a '+' that the authorization server echoes as a space (RFC 6749 §4.1.2 wants
 * the exact value): no callback pairs with its request, every one is an orphan (state-mismatch) and every
 * request stays pending.
 *
 * Each attempt is three Chrome-shaped entries: the authorization request (302 to the callback with `error`,
 * `state` and `iss`, RFC 9207 §2), the callback page, and the app's script from the memory cache. Deterministic
 * (seeded); pure, so the unit test builds the same input in memory.
 */
import { createHash } from 'node:crypto';
import { Rng } from '../lib/rng.ts';

export type LoopState = 'same' | 'fresh' | 'none';

export interface RedirectLoopSpec {
  repeats: number;
  state: LoopState;
  /** The state comes back with its '+' as a space. */
  mangled?: boolean;
  /** The authorization server's error (default `login_required`, with `prompt=none` in the request). */
  error?: string;
  seed?: number;
}

export const LOOP_APP = 'https://app.example';
export const LOOP_REDIRECT_URI = `${LOOP_APP}/callback`;
export const LOOP_ISSUER = 'https://login.example';
export const LOOP_CLIENT_ID = 'loop-spa';
/** Entries per attempt: authorization request, callback page, the app's script. */
export const LOOP_ENTRIES_PER_REPEAT = 3;

const BASE_TIME = Date.parse('2026-11-22T09:00:00.000Z');
const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

interface HarEntry {
  startedDateTime: string;
  time: number;
  _resourceType: string;
  _initiator?: string;
  request: Record<string, unknown>;
  response: Record<string, unknown>;
  cache: Record<string, never>;
  timings: Record<string, number>;
  pageref: string;
}

export interface LoopHar {
  log: { version: string; creator: { name: string; version: string }; pages: unknown[]; entries: HarEntry[] };
}

export function redirectLoopHar(spec: RedirectLoopSpec): LoopHar {
  const rng = new Rng(spec.seed ?? 20261122);
  const error = spec.error ?? 'login_required';
  const newState = () => (spec.mangled ? `${rng.id(16)}+${rng.id(15)}` : rng.id(32));
  const fixed = { state: newState(), nonce: rng.id(32), verifier: rng.id(43) };
  const entries: HarEntry[] = [];
  const pages: unknown[] = [];
  let t = BASE_TIME;
  let previous = `${LOOP_APP}/`;
  for (let i = 0; i < spec.repeats; i++) {
    const fresh = spec.state === 'fresh';
    const state = spec.state === 'none' ? undefined : fresh ? newState() : fixed.state;
    const nonce = fresh ? rng.id(32) : fixed.nonce;
    const verifier = fresh ? rng.id(43) : fixed.verifier;
    const authorize = `${LOOP_ISSUER}/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: LOOP_CLIENT_ID,
      redirect_uri: LOOP_REDIRECT_URI,
      scope: 'openid profile',
      ...(state !== undefined ? { state } : {}),
      nonce,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...(error === 'login_required' ? { prompt: 'none' } : {}),
    })}`;
    const callback = `${LOOP_REDIRECT_URI}?${new URLSearchParams({
      error,
      ...(state !== undefined ? { state: spec.mangled ? state.replaceAll('+', ' ') : state } : {}),
      iss: LOOP_ISSUER,
    })}`;
    const page = `page_${i + 1}`;
    pages.push({ startedDateTime: new Date(t).toISOString(), id: page, title: callback, pageTimings: {} });
    entries.push(entry(t, 'document', 'GET', authorize, page, { status: 302, location: callback, referer: previous }));
    previous = callback;
    t += rng.int(20, 60);
    entries.push(entry(t, 'document', 'GET', callback, page, { status: 200, mimeType: 'text/html', body: SHELL }));
    t += rng.int(5, 20);
    entries.push(
      entry(t, 'script', 'GET', `${LOOP_APP}/assets/app.js`, page, {
        status: 200,
        mimeType: 'application/javascript',
        initiator: callback,
        fromCache: true,
      }),
    );
    t += rng.int(40, 150);
  }
  return { log: { version: '1.2', creator: { name: 'oauth-lens bench/redirect-loop', version: '1' }, pages, entries } };
}

const SHELL = '<!doctype html><html><head><script src="/assets/app.js"></script></head><body><div id="app"></div></body></html>';

interface EntryInit {
  status: number;
  location?: string;
  mimeType?: string;
  body?: string;
  referer?: string;
  initiator?: string;
  fromCache?: boolean;
}

function entry(time: number, resourceType: string, method: string, url: string, pageref: string, init: EntryInit): HarEntry {
  const requestHeaders = [
    { name: 'accept', value: resourceType === 'document' ? 'text/html,application/xhtml+xml,*/*;q=0.8' : '*/*' },
    ...(init.referer ? [{ name: 'referer', value: init.referer }] : []),
    { name: 'sec-fetch-dest', value: resourceType },
    { name: 'sec-fetch-mode', value: resourceType === 'document' ? 'navigate' : 'no-cors' },
    { name: 'user-agent', value: UA },
  ];
  const responseHeaders = [
    { name: 'cache-control', value: init.fromCache ? 'public, max-age=31536000, immutable' : 'no-store' },
    ...(init.mimeType ? [{ name: 'content-type', value: init.mimeType }] : []),
    ...(init.location ? [{ name: 'location', value: init.location }] : []),
  ];
  const duration = init.fromCache ? 0 : 12;
  return {
    startedDateTime: new Date(time).toISOString(),
    time: duration,
    _resourceType: resourceType,
    ...(init.initiator ? { _initiator: init.initiator } : {}),
    request: {
      method,
      url,
      httpVersion: 'h2',
      headers: requestHeaders,
      queryString: [...new URL(url).searchParams].map(([name, value]) => ({ name, value })),
      cookies: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: init.status,
      statusText: init.status === 302 ? 'Found' : 'OK',
      httpVersion: 'h2',
      headers: responseHeaders,
      cookies: [],
      content: { size: init.body?.length ?? 0, mimeType: init.mimeType ?? '', ...(init.body ? { text: init.body } : {}) },
      redirectURL: init.location ?? '',
      headersSize: -1,
      bodySize: init.body?.length ?? 0,
      ...(init.fromCache ? { _fromCache: 'memory' } : {}),
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: duration, receive: 0 },
    pageref,
  };
}
