import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../capture/match-pattern.ts';
import { KNOWN_TOKEN_ENDPOINTS, knownTokenEndpointOf } from '../core/known-token-endpoints.ts';
import { BODY_URL_PATTERNS, SCRIPT_URL_PATTERNS } from './filters.ts';

const seenByScriptFilter = (url: string) => SCRIPT_URL_PATTERNS.some((pattern) => matchesPattern(url, pattern));

/** Each provider's token endpoint as its documentation writes it (sources in known-token-endpoints.ts). */
const PROVIDER_TOKEN_ENDPOINTS = [
  'https://sso.example.com:9031/as/token.oauth2',
  'https://github.com/login/oauth/access_token',
  'https://github.example.com/login/oauth/access_token',
  'https://www.linkedin.com/oauth/v2/accessToken',
  'https://slack.com/api/oauth.v2.access',
  'https://slack.com/api/oauth.v2.user.access',
  'https://slack.com/api/openid.connect.token',
  'https://graph.facebook.com/v19.0/oauth/access_token',
  'https://graph.facebook.com/oauth/access_token?client_id=1&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&code=c',
  'https://api.login.yahoo.com/oauth2/get_token',
  'https://bitbucket.org/site/oauth2/access_token',
  'https://open.tiktokapis.com/v2/oauth/token/',
  // Seen by the generic /token patterns.
  'https://api.twitter.com/2/oauth2/token',
  'https://api.dropboxapi.com/oauth2/token',
  'https://login.salesforce.com/services/oauth2/token',
  'https://accounts.spotify.com/api/token',
  'https://discord.com/api/oauth2/token',
  'https://discord.com/api/v10/oauth2/token',
  'https://example.auth.eu-west-1.amazoncognito.com/oauth2/token',
  'https://auth.atlassian.com/oauth/token',
  'https://zoom.us/oauth/token',
  'https://oauth2.googleapis.com/token',
  'https://login.microsoftonline.com/common/oauth2/v2.0/token',
];

/** What pages fetch all day: none of it may wake the worker. */
const ORDINARY_URLS = [
  'https://shop.example/api/tokens',
  'https://shop.example/api/tokens?page=2',
  'https://shop.example/page_token',
  'https://shop.example/api/feed?page_token=p1&limit=10',
  'https://docs.example/oauth-guide.html',
  'https://api.example/access_tokens/list',
  'https://cdn.example/assets/token.svg',
  'https://api.example/token-count',
  'https://github.com/settings/tokens',
  'https://api.github.com/user',
  'https://github.com/login/oauth/access_token_info',
  'https://slack.com/api/chat.postMessage',
  'https://slack.com/api/oauth.v2.exchange',
  'https://graph.facebook.com/v19.0/me/accounts',
  'https://www.linkedin.com/feed/',
  'https://sso.example.com/as/token.oauth2.bak',
  'https://api.login.yahoo.com/oauth2/request_auth_fe',
  'https://open.tiktokapis.com/v2/user/info/',
];

describe('script filter', () => {
  it.each(PROVIDER_TOKEN_ENDPOINTS)('sees the token endpoint %s', (url) => {
    expect(seenByScriptFilter(url)).toBe(true);
  });

  it.each(ORDINARY_URLS)('leaves %s alone', (url) => {
    expect(seenByScriptFilter(url)).toBe(false);
  });

  it('names the host where the provider serves the endpoint from one', () => {
    // The LinkedIn and Slack paths elsewhere are some other application's.
    expect(seenByScriptFilter('https://app.example/oauth/v2/accessToken')).toBe(false);
    expect(seenByScriptFilter('https://app.example/api/oauth.v2.access')).toBe(false);
    expect(seenByScriptFilter('https://slack.com.evil.example/api/oauth.v2.access')).toBe(false);
  });
});

describe('known token endpoints', () => {
  it('recognises each provider endpoint, and only at its host and exact path', () => {
    for (const url of PROVIDER_TOKEN_ENDPOINTS.slice(0, 12)) expect(knownTokenEndpointOf(url), url).toBeDefined();
    expect(knownTokenEndpointOf('https://graph.facebook.com/v19.0/oauth/access_token')?.provider).toBe('Facebook');
    expect(knownTokenEndpointOf('https://github.com/login/oauth/access_token?x=1')?.codeGrantWithoutGrantType).toBe(true);
    for (const url of ORDINARY_URLS) expect(knownTokenEndpointOf(url), url).toBeUndefined();
    expect(knownTokenEndpointOf('https://graph.facebook.com//oauth/access_token')).toBeUndefined();
    expect(knownTokenEndpointOf('https://app.example/oauth/v2/accessToken')).toBeUndefined();
    expect(knownTokenEndpointOf('not a url')).toBeUndefined();
  });

  it('cites a source for every entry', () => {
    for (const entry of KNOWN_TOKEN_ENDPOINTS) expect(entry.source).toMatch(/^https:\/\//);
  });
});

describe('matchesPattern (Chrome match-pattern semantics)', () => {
  it.each([
    ['https://a.example/x/token', '*://*/*/token', true],
    ['http://a.example/x/token', '*://*/*/token', true],
    ['ftp://a.example/x/token', '*://*/*/token', false],
    ['https://a.example/x/token?grant_type=1', '*://*/*/token', false],
    ['https://a.example/x/token?grant_type=1', '*://*/*/token?*', true],
    ['https://a.example:8443/token', '*://*/token', true],
    ['https://a.example:8443/token', 'https://a.example:443/token', false],
    ['https://a.example:8443/token', 'https://a.example:8443/token', true],
    ['https://sub.a.example/token', 'https://*.a.example/token', true],
    ['https://a.example/token', 'https://*.a.example/token', true],
    ['https://evila.example/token', 'https://*.a.example/token', false],
    ['https://a.example/Token', '*://*/token', false],
    ['https://a.example/a.b', '*://*/a?b', false],
    ['https://a.example/anything', '<all_urls>', true],
  ])('%s against %s: %s', (url, pattern, expected) => {
    expect(matchesPattern(url, pattern)).toBe(expected);
  });
});

describe('body filter (Firefox stream filters)', () => {
  const seenByBodyFilter = (url: string) => BODY_URL_PATTERNS.some((pattern) => matchesPattern(url, pattern));

  it('is part of the script filter: only requests the worker observes anyway get a stream filter', () => {
    for (const pattern of BODY_URL_PATTERNS) expect(SCRIPT_URL_PATTERNS).toContain(pattern);
  });

  it.each([
    ...PROVIDER_TOKEN_ENDPOINTS,
    'https://as.example/.well-known/openid-configuration',
    'https://as.example/jwks',
    'https://www.googleapis.com/oauth2/v3/certs',
    'https://login.microsoftonline.com/common/discovery/v2.0/keys',
    'https://openidconnect.googleapis.com/v1/userinfo',
    'https://as.example/oauth2/revoke',
    'https://as.example/realms/r/protocol/openid-connect/ext/par/request',
  ])('reads the body of %s', (url) => {
    expect(seenByBodyFilter(url)).toBe(true);
  });

  it.each([
    ...ORDINARY_URLS,
    'https://api.example/feed?access_token=abc',
    'https://app.example/search?response_type=code',
    'https://as.example/authorize?client_id=c',
  ])('leaves the body of %s alone', (url) => {
    expect(seenByBodyFilter(url)).toBe(false);
  });
});
