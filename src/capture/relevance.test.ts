import { describe, expect, it } from 'vitest';
import type { Exchange } from '../core/model.ts';
import { emptyWatchlist, isRelevant, learn } from './relevance.ts';

const navigation = (url: string): Exchange => ({
  id: 'n',
  time: 0,
  initiator: 'navigation',
  method: 'GET',
  url,
  requestHeaders: [],
  requestBody: { kind: 'none' },
  responseHeaders: [],
});

/** GitHub's documented authorization request: no response_type. */
const GITHUB_REQUEST =
  'https://github.com/login/oauth/authorize?client_id=Iv1.8a61f9b3a7aba766&redirect_uri=https%3A%2F%2Fapp.example%2Fauth%2Fgithub%2Fcallback%3Fnext%3D%2F&scope=repo&state=Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';

describe('relevance of authorization requests without response_type', () => {
  it('keeps a navigation to a known authorization endpoint with a client_id', () => {
    const watch = emptyWatchlist();
    for (const url of [
      GITHUB_REQUEST,
      'https://ghe.example.com/login/oauth/authorize?client_id=abc&state=s',
      'https://slack.com/oauth/v2/authorize?scope=chat%3Awrite&client_id=1234.5678&state=s',
      'https://www.facebook.com/v19.0/dialog/oauth?client_id=1234&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=s',
    ])
      expect(isRelevant(navigation(url), watch), url).toBe(true);
  });

  it('drops GitHub pages that are no authorization request, and the same paths at other hosts or without client_id', () => {
    const watch = emptyWatchlist();
    for (const url of [
      'https://github.com/login/oauth/authorize',
      'https://github.com/login/oauth/authorize?scope=repo',
      'https://github.com/login',
      'https://github.com/login?return_to=%2Flogin%2Foauth%2Fauthorize%3Fclient_id%3Dabc',
      'https://github.com/settings/applications',
      'https://github.com/octocat/login/oauth/authorize?client_id=abc',
      'https://slack.example/oauth/v2/authorize?client_id=abc',
      'https://www.facebook.com/groups/dialog/oauth/x?client_id=abc',
      'https://news.example/article?client_id=abc',
    ])
      expect(isRelevant(navigation(url), watch), url).toBe(false);
  });

  it('learns the redirect target of such a request, not the whole site it lives on', () => {
    const watch = learn(emptyWatchlist(), navigation(GITHUB_REQUEST));
    expect(watch).toEqual({ serverOrigins: [], redirectTargets: ['https://app.example/auth/github/callback'], endpoints: [] });
    // A callback whose parameters came in the fragment is kept; the rest of github.com is ordinary browsing.
    expect(isRelevant(navigation('https://app.example/auth/github/callback'), watch)).toBe(true);
    expect(isRelevant(navigation('https://github.com/octocat/hello-world'), watch)).toBe(false);
  });

  it('learns nothing from a GitHub page that is no authorization request', () => {
    const watch = emptyWatchlist();
    expect(learn(watch, navigation('https://github.com/login/oauth/authorize?scope=repo'))).toBe(watch);
  });
});

describe('relevance of metadata documents', () => {
  it('keeps a fetch of protected resource metadata (RFC 9728), as of authorization server metadata', () => {
    const fetched = (url: string): Exchange => ({ ...navigation(url), initiator: 'fetch' });
    for (const url of [
      'https://mcp.example/.well-known/oauth-protected-resource',
      'https://mcp.example/.well-known/oauth-protected-resource/tools',
      'https://as.example/.well-known/oauth-authorization-server',
    ])
      expect(isRelevant(fetched(url), emptyWatchlist()), url).toBe(true);
  });
});

describe('relevance of a device grant’s verification page (RFC 8628 §3.3)', () => {
  it('keeps the user_code entry and verification_uri_complete, which carry the user_code', () => {
    const watch = emptyWatchlist();
    const entry: Exchange = {
      ...navigation('https://as.example/device'),
      initiator: 'form',
      method: 'POST',
      requestBody: { kind: 'form', raw: 'user_code=WDJBMJHT', params: [{ name: 'user_code', value: 'WDJBMJHT' }] },
    };
    expect(isRelevant(entry, watch)).toBe(true);
    expect(isRelevant(navigation('https://as.example/device?user_code=WDJB-MJHT'), watch)).toBe(true);
    expect(isRelevant(navigation('https://shop.example/device?code_of_user=1'), watch)).toBe(false);
  });
});
