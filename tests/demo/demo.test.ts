// The demo authorization server is real: sign in through its own interaction pages, from Node, with
// oauth4webapi as the client, and check what comes back.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIDENTIAL_CLIENT_SECRET } from '../../demo/authorization-server.ts';
import { browsePlan } from '../../demo/browse.ts';
import { startDemo, type RunningDemo } from '../../demo/index.ts';
import { variants } from '../../demo/variants.ts';

const INSECURE = { [oauth.allowInsecureRequests]: true };

/**
 * Just enough of a browser: keeps cookies (by name; the flow below never needs two with one name at once)
 * and follows no redirect by itself, so each hop can be checked.
 */
function browser() {
  const cookies = new Map<string, string>();
  return async (url: string, form?: Record<string, string>): Promise<Response> => {
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      body: form && new URLSearchParams(form),
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  };
}

/** Follows redirects until a page is shown or the browser is sent back to the client. */
async function follow(go: ReturnType<typeof browser>, first: Response, base: string, clientOrigin: string) {
  let response = first;
  for (;;) {
    const location = response.headers.get('location');
    if (!location) return { response, url: undefined };
    const url = new URL(location, base).href;
    if (url.startsWith(clientOrigin)) return { response, url };
    response = await go(url);
    base = url;
  }
}

describe('demo', () => {
  let demo: RunningDemo;
  let as: oauth.AuthorizationServer;
  const client: oauth.Client = { client_id: 'spa' };

  beforeAll(async () => {
    demo = await startDemo();
    const issuer = new URL(demo.issuer);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, INSECURE));
  });
  afterAll(() => demo?.close());

  /** A correct request; `changes` replace parameters, or drop them when undefined. */
  async function authorizationRequest(changes: Record<string, string | undefined> = {}) {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const redirectUri = `${demo.clientOrigin}/cb`;
    const url = new URL(as.authorization_endpoint!);
    const params = new URLSearchParams({
      client_id: client.client_id,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid',
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) params.delete(name);
      else params.set(name, value);
    }
    url.search = params.toString();
    return { url: url.href, verifier, state, nonce, redirectUri };
  }

  /** Opens the interaction page that `response` leads to and submits its form with `fields`. */
  async function submitPrompt(go: ReturnType<typeof browser>, response: Response, base: string, fields: Record<string, string>) {
    const shown = await follow(go, response, base, demo.clientOrigin);
    expect(shown.url).toBeUndefined();
    const html = await shown.response.text();
    const action = /<form method="post" action="([^"]+)" data-prompt="(\w+)"/.exec(html);
    expect(action?.[2]).toBe(fields.prompt);
    const target = new URL(action![1]!, demo.issuer).href;
    return { response: await go(target, fields), base: target };
  }

  it('publishes discovery with S256 PKCE, RFC 9207 iss and PAR', () => {
    expect(as.issuer).toBe(demo.issuer);
    expect(as.code_challenge_methods_supported).toEqual(['S256']);
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
    expect(as.pushed_authorization_request_endpoint).toBe(`${demo.issuer}/request`);
    expect(as.response_modes_supported).toEqual(expect.arrayContaining(['form_post', 'fragment']));
  });

  it('completes a code + PKCE sign-in through the login and consent pages', async () => {
    const go = browser();
    const request = await authorizationRequest();
    const login = await submitPrompt(go, await go(request.url), request.url, {
      prompt: 'login',
      login: 'alice',
      password: 'wonderland',
    });
    const consent = await submitPrompt(go, login.response, login.base, { prompt: 'consent' });
    const callback = await follow(go, consent.response, consent.base, demo.clientOrigin);
    expect(callback.response.status).toBe(303);

    const params = oauth.validateAuthResponse(as, client, new URL(callback.url!), request.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      params,
      request.redirectUri,
      request.verifier,
      INSECURE,
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: request.nonce,
      requireIdToken: true,
    });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(oauth.getValidatedIdTokenClaims(tokens)?.sub).toBe('alice');
  });

  it('answers access_denied, with the state, when the user cancels', async () => {
    const go = browser();
    const request = await authorizationRequest();
    const cancelled = await submitPrompt(go, await go(request.url), request.url, { prompt: 'login', action: 'cancel' });
    const callback = await follow(go, cancelled.response, cancelled.base, demo.clientOrigin);
    const params = new URL(callback.url!).searchParams;
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe(request.state);
  });

  it('refuses the spa client without PKCE', async () => {
    const request = await authorizationRequest({ code_challenge: undefined, code_challenge_method: undefined });
    const response = await browser()(request.url);
    const params = new URL(response.headers.get('location')!).searchParams;
    expect(params.get('error')).toBe('invalid_request');
  });

  it('has a browser script for every variant, and lists every variant on its index page', async () => {
    const scriptsUrl = new URL('../../demo/client/variants.js', import.meta.url);
    const { scripts } = (await import(scriptsUrl.href)) as { scripts: Record<string, unknown> };
    expect(Object.keys(scripts).sort()).toEqual(
      variants
        .filter((v) => !v.sdk)
        .map((v) => v.id)
        .sort(),
    );
    // An SDK client's variants are handled by its page module (demo/client/sdk/<sdk>.js), keyed by variant id.
    for (const variant of variants.filter((v) => v.sdk)) {
      const source = await readFile(new URL(`../../demo/client/sdk/${variant.sdk}.js`, import.meta.url), 'utf8');
      expect(source, variant.id).toContain(`'${variant.id}'`);
    }

    const index = await (await fetch(`${demo.clientOrigin}/`)).text();
    for (const variant of variants) expect(index).toContain(`?variant=${variant.id}"`);
  });

  it('has a recording of every variant (npm run fixtures:record)', () => {
    const missing = variants.filter((v) => !existsSync(new URL(`../fixtures/demo/${v.id}.har`, import.meta.url)));
    expect(missing.map((v) => v.id)).toEqual([]);
  });

  it('serves an ordinary browsing page with n subresources, none of them cacheable', async () => {
    const index = await (await fetch(`${demo.clientOrigin}/`)).text();
    expect(index).toContain('<a href="/browse">Ordinary browsing (no OAuth)</a>');

    const response = await fetch(`${demo.clientOrigin}/browse`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    const count = (pattern: RegExp) => html.match(pattern)?.length ?? 0;
    expect(count(/<link rel="stylesheet"/g)).toBe(30);
    expect(count(/<script src=/g)).toBe(30);
    expect(count(/<img /g)).toBe(150);
    expect(count(/<form class="newsletter"/g)).toBe(5);
    expect(html).toContain('data-subresources="300"');
    expect(html).not.toMatch(/client_id|redirect_uri|response_type|access_token|grant_type/);
    // Deterministic: the same page every time.
    expect(await (await fetch(`${demo.clientOrigin}/browse?n=300`)).text()).toBe(html);

    expect((await fetch(`${demo.clientOrigin}/browse?n=oops`)).status).toBe(400);
    const small = await (await fetch(`${demo.clientOrigin}/browse?n=7`)).text();
    expect(small).toContain('data-subresources="7"');
  });

  it("splits the browsing page's subresources as asked, adding up to n", () => {
    expect(browsePlan(300)).toEqual({ stylesheets: 30, scripts: 30, images: 150, gets: 60, posts: 20, redirects: 5, forms: 5 });
    for (const n of [0, 1, 2, 5, 7, 59, 100, 301, 1000]) {
      expect(Object.values(browsePlan(n)).reduce((a, b) => a + b, 0)).toBe(n);
    }
  });

  it("answers the browsing page's API requests with everyday codes, states and tokens", async () => {
    const products = await fetch(`${demo.clientOrigin}/api/products?code=A12&state=NY`);
    expect(products.headers.get('cache-control')).toBe('no-store');
    expect(await products.json()).toMatchObject({ code: 200, state: 'ok', token_count: 3 });

    const coupon = await fetch(`${demo.clientOrigin}/api/coupons/validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'code=SUMMER10&state=active',
    });
    expect(await coupon.json()).toMatchObject({ code: 'SUMMER10', state: 'valid' });

    const moved = await fetch(`${demo.clientOrigin}/api/v1/products?code=B7&state=TX`, { redirect: 'manual' });
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe('/api/products?code=B7&state=TX');
  });

  it('uses the same throwaway secret in the browser variant as on the server', async () => {
    const source = await readFile(new URL('../../demo/client/variants.js', import.meta.url), 'utf8');
    expect(source).toContain(`'${CONFIDENTIAL_CLIENT_SECRET}'`);
  });
});
