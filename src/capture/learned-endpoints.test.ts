import { describe, expect, it } from 'vitest';
import { SCRIPT_URL_PATTERNS } from '../background/filters.ts';
import type { Exchange } from '../core/model.ts';
import { asViewMessage } from '../messaging/protocol.ts';
import {
  endpointOf,
  endpointsNamedBy,
  MAX_LEARNED_ENDPOINTS,
  patternsForLearnedEndpoints,
  rememberEndpoints,
  seenByPatterns,
} from './learned-endpoints.ts';
import { matchesPattern } from './match-pattern.ts';
import { emptyWatchlist, isRelevant, learn, learnEndpoints } from './relevance.ts';

const AS = 'https://id.example';

function ex(url: string, extra: Partial<Exchange> = {}): Exchange {
  return {
    id: 'e',
    time: 0,
    initiator: 'fetch',
    method: 'GET',
    url,
    requestHeaders: [],
    requestBody: { kind: 'none' },
    responseHeaders: [],
    ...extra,
  };
}

const text = (value: unknown) => {
  const t = JSON.stringify(value);
  return { kind: 'text' as const, text: t, size: t.length };
};

const discovery = ex(`${AS}/.well-known/openid-configuration`, {
  status: 200,
  responseBody: text({
    issuer: AS,
    authorization_endpoint: `${AS}/connect/authorize`,
    token_endpoint: `${AS}/api/auth/exchange?v=2`,
    pushed_authorization_request_endpoint: `${AS}/api/auth/push`,
    revocation_endpoint: `${AS}/api/auth/revoke`,
    userinfo_endpoint: `${AS}/api/me`,
    jwks_uri: `${AS}/api/keys.json`,
    device_authorization_endpoint: `${AS}/api/device`,
    end_session_endpoint: `${AS}/logout`,
  }),
});

describe('endpoints named by traffic', () => {
  it("reads a discovery document's script-called endpoints, without their query", () => {
    expect(endpointsNamedBy(discovery)).toEqual([
      `${AS}/api/auth/exchange`,
      `${AS}/api/auth/push`,
      `${AS}/api/auth/revoke`,
      `${AS}/api/me`,
      `${AS}/api/keys.json`,
      `${AS}/api/device`,
    ]);
  });

  it('names a token request by its own URL (form or JSON body), and nothing else', () => {
    const form = { kind: 'form' as const, raw: 'grant_type=authorization_code&code=c', params: [] };
    expect(endpointsNamedBy(ex(`${AS}/x/exchange?a=1`, { method: 'POST', requestBody: form }))).toEqual([`${AS}/x/exchange`]);
    expect(endpointsNamedBy(ex(`${AS}/x/json`, { method: 'POST', requestBody: text({ grant_type: 'refresh_token' }) }))).toEqual([
      `${AS}/x/json`,
    ]);
    expect(
      endpointsNamedBy(ex(`${AS}/api/cart`, { method: 'POST', requestBody: { kind: 'form', raw: 'code=SUMMER&state=NY', params: [] } })),
    ).toEqual([]);
    // A discovery document that is no JSON object, or names odd URLs, teaches nothing.
    expect(endpointsNamedBy(ex(`${AS}/.well-known/openid-configuration`, { responseBody: text(['x']) }))).toEqual([]);
    expect(
      endpointsNamedBy(
        ex(`${AS}/.well-known/oauth-authorization-server`, { responseBody: text({ token_endpoint: 'javascript:alert(1)' }) }),
      ),
    ).toEqual([]);
    expect(endpointOf(`${AS}/${'a'.repeat(3000)}`)).toBeUndefined();
  });
});

describe('the learned list', () => {
  it('keeps the most recently seen, at most the bound, and is the same array when nothing changes', () => {
    const many = Array.from({ length: MAX_LEARNED_ENDPOINTS + 5 }, (_, i) => `${AS}/e${i}`);
    const full = rememberEndpoints([], many);
    expect(full).toHaveLength(MAX_LEARNED_ENDPOINTS);
    expect(full[0]).toBe(`${AS}/e5`);
    expect(rememberEndpoints(full, [full.at(-1)!])).toBe(full);
    expect(rememberEndpoints(full, [])).toBe(full);
    const touched = rememberEndpoints(full, [`${AS}/e5`]);
    expect(touched.at(-1)).toBe(`${AS}/e5`);
    // The least recently seen goes first: e6 now, not e5.
    const next = rememberEndpoints(touched, [`${AS}/new`]);
    expect([next[0], next.includes(`${AS}/e5`), next.includes(`${AS}/e6`)]).toEqual([`${AS}/e7`, true, false]);
  });

  it('becomes exact match patterns, leaving out what the fixed patterns already see', () => {
    const patterns = patternsForLearnedEndpoints([`${AS}/api/auth/exchange`, `${AS}/oauth/token`], SCRIPT_URL_PATTERNS);
    expect(patterns).toEqual([`${AS}/api/auth/exchange`, `${AS}/api/auth/exchange?*`]);
    const seen = (url: string) => patterns.some((p) => matchesPattern(url, p));
    expect(seen(`${AS}/api/auth/exchange`)).toBe(true);
    expect(seen(`${AS}/api/auth/exchange?x=1`)).toBe(true);
    for (const url of [
      `${AS}/api/auth/exchange2`,
      `${AS}/api/auth/exchange/x`,
      `${AS}/api/auth`,
      'https://other.example/api/auth/exchange',
    ])
      expect(seen(url), url).toBe(false);
    // A request both see is the fixed listeners' (the learned ones drop it).
    expect(seenByPatterns(`${AS}/api/auth/exchange?grant_type=refresh_token`, SCRIPT_URL_PATTERNS)).toBe(true);
  });

  it('is learned by the worker from a token request it keeps, and from what a view sends', () => {
    // grant_type in the query: the worker saw it through the fixed `*grant_type=*` pattern.
    const learned = learn(emptyWatchlist(), ex(`${AS}/api/auth/exchange?grant_type=authorization_code&code=c`, { method: 'POST' }));
    expect(learned.endpoints).toEqual([`${AS}/api/auth/exchange`]);
    const refresh = ex(`${AS}/api/auth/exchange`, { method: 'POST', requestBody: { kind: 'text', text: '{"rt":"x"}', size: 10 } });
    expect(isRelevant(refresh, emptyWatchlist())).toBe(false);
    expect(isRelevant(refresh, learned)).toBe(true);
    const taught = learnEndpoints(emptyWatchlist(), [`${AS}/api/auth/exchange?x`, 'not a url']);
    expect(taught.endpoints).toEqual([`${AS}/api/auth/exchange`]);
    expect(learnEndpoints(taught, [`${AS}/api/auth/exchange`])).toBe(taught);
  });

  it('keeps a request to a known provider token endpoint', () => {
    const github = ex('https://github.com/login/oauth/access_token', {
      method: 'POST',
      requestBody: { kind: 'form', raw: 'client_id=a&code=c', params: [] },
    });
    expect(isRelevant(github, emptyWatchlist())).toBe(true);
    expect(isRelevant(ex('https://github.com/login/oauth/access_token_info'), emptyWatchlist())).toBe(false);
  });
});

describe('the learn-endpoints command', () => {
  const message = (urls: unknown) => asViewMessage({ type: 'request', id: 1, command: { type: 'learn-endpoints', urls } });

  it('carries a few URLs, and nothing else', () => {
    expect(message([`${AS}/a`])).toEqual({ type: 'request', id: 1, command: { type: 'learn-endpoints', urls: [`${AS}/a`] } });
    expect(message('x')).toBeUndefined();
    expect(message([1])).toBeUndefined();
    expect(message(Array.from({ length: 17 }, () => `${AS}/a`))).toBeUndefined();
    expect(message([`${AS}/${'a'.repeat(3000)}`])).toBeUndefined();
  });
});
