import { beforeEach, describe, expect, it } from 'vitest';
import {
  authorize,
  callback,
  defaultAuthorizeParams,
  encode,
  exchange,
  jsonBody,
  resetBuilders,
  token,
} from '../../../tests/support/build.ts';
import { demoFixture } from '../../../tests/support/token-responses.ts';
import { analyze } from '../analyze.ts';
import type { Body, Exchange } from '../model.ts';
import { flowProvider } from './provider-hints.ts';
import { BODY_SCAN_CHARS } from '../providers.ts';
import type { Diagnosis } from './types.ts';

beforeEach(resetBuilders);

async function diagnosesOf(exchanges: readonly Exchange[]): Promise<Diagnosis[]> {
  return (await analyze(exchanges, [])).diagnoses;
}

function html(text: string): Body {
  return { kind: 'text', text, mimeType: 'text/html', size: text.length };
}

/** An authorization request to `endpoint`, answered `status` with `body` and no redirect. */
function refused(endpoint: string, status: number, body?: string, params: Record<string, string> = {}): Exchange {
  const query = encode({ response_type: 'code', client_id: 'spa', redirect_uri: 'https://app.example/cb', state: 's-1', ...params });
  return exchange({ url: `${endpoint}?${query}`, status, ...(body !== undefined ? { responseBody: html(body) } : {}) });
}

const kinds = (diagnoses: readonly Diagnosis[]) => diagnoses.map((d) => `${d.kind}/${d.likelihood}`);

describe('the authorization server refusing the request (recorded)', () => {
  it("names the refusal, the server's words and where the setting lives, instead of 'callback not reached'", async () => {
    const diagnoses = await diagnosesOf(demoFixture('redirect-uri-fragment'));
    expect(kinds(diagnoses)).toEqual(['authorization-refused/certain']);
    const [diagnosis] = diagnoses;
    expect(diagnosis!.hints.map((h) => h.kind)).toEqual([
      'authorization-refused',
      'refusal-reason',
      'redirect-uri-has-fragment',
      'provider-setting',
    ]);
    expect(diagnosis!.hints[0]).toMatchObject({ status: 400, at: 'authorization-request', errorPage: false });
    expect(diagnosis!.hints[1]).toMatchObject({
      term: "redirect_uri did not match any of the client's registered redirect_uris",
      provider: 'oidc-provider',
      cause: 'redirect-uri',
      source: 'page',
    });
    // The demo server is oidc-provider with its default layout (/auth, /token from its discovery document); what
    // to register is the redirect_uri without the fragment the app must drop.
    expect(diagnosis!.hints[3]).toMatchObject({
      provider: 'oidc-provider',
      recognizedBy: 'layout',
      setting: 'redirect_uris',
      confirmed: true,
      redirectUri: 'http://127.0.0.1:45969/cb',
    });
  });

  it('is likely from the status alone when the capture has no bodies (the live Chrome capture)', async () => {
    const live = demoFixture('redirect-uri-fragment').map(({ responseBody: _, ...rest }) => rest);
    const [diagnosis] = await diagnosesOf(live);
    expect(diagnosis).toMatchObject({ kind: 'authorization-refused', likelihood: 'likely' });
    // Without the discovery document's body, /auth alone does not tell oidc-provider from any other server.
    expect(diagnosis!.hints.map((h) => h.kind)).toEqual(['authorization-refused', 'usual-refusal-causes', 'redirect-uri-has-fragment']);
    expect(diagnosis!.hints[1]).toEqual({ kind: 'usual-refusal-causes', status: 400, bodyObserved: false });
  });
});

describe('the vendor SDKs against vendor-shaped servers (recorded)', () => {
  it.each([
    ['sdk-auth0', 'auth0'],
    ['sdk-okta', 'okta'],
    ['sdk-msal', 'entra'],
    ['sdk-keycloak', 'keycloak'],
    ['sdk-oidc-client-ts', 'oidc-provider'],
  ])('%s: the server looks like %s by its endpoint layout', async (fixture, provider) => {
    const { flows } = await analyze(demoFixture(fixture), []);
    expect(flows.map((flow) => flowProvider(flow))).toEqual(flows.map(() => ({ provider, by: 'layout' })));
  });

  it.each([
    ['sdk-okta-redirect-uri-unregistered', 'okta', 'Sign-in redirect URIs'],
    ['sdk-msal-redirect-uri-unregistered', 'entra', 'Redirect URIs'],
  ])("%s names the vendor's setting", async (fixture, provider, setting) => {
    const [diagnosis] = await diagnosesOf(demoFixture(fixture));
    expect(diagnosis).toMatchObject({ kind: 'authorization-refused', likelihood: 'certain' });
    expect(diagnosis!.hints).toContainEqual(
      expect.objectContaining({ kind: 'provider-setting', provider, recognizedBy: 'layout', setting, cause: 'redirect-uri' }),
    );
  });
});

describe('the providers, in their own words', () => {
  it('Entra ID, by its host and an AADSTS code', async () => {
    const page = '<div id="debugging">AADSTS50011: The redirect URI specified in the request does not match.</div>';
    const [diagnosis] = await diagnosesOf([
      refused('https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize', 400, page),
    ]);
    expect(diagnosis).toMatchObject({ kind: 'authorization-refused', likelihood: 'certain' });
    expect(diagnosis!.hints).toContainEqual(expect.objectContaining({ kind: 'refusal-reason', term: 'AADSTS50011', provider: 'entra' }));
    expect(diagnosis!.hints).toContainEqual(
      expect.objectContaining({ kind: 'provider-setting', provider: 'entra', recognizedBy: 'host', setting: 'Redirect URIs' }),
    );
  });

  it("Entra ID's error page answered 200: its AADSTS code makes it a refusal", async () => {
    const page = '<script>$Config={"strServiceExceptionMessage":"AADSTS50011: The redirect URI does not match."}</script>';
    const [diagnosis] = await diagnosesOf([refused('https://login.microsoftonline.com/common/oauth2/v2.0/authorize', 200, page)]);
    expect(diagnosis).toMatchObject({ kind: 'authorization-refused', likelihood: 'certain' });
    expect(diagnosis!.hints[0]).toMatchObject({ at: 'authorization-request', status: 200, errorPage: true });
  });

  it('a sign-in page answered 200 is not a refusal, even with an OAuth code or an unknown AADSTS code in it', async () => {
    for (const page of ['<form>invalid_request</form>', '<p>AADSTS99999999</p>', '<h1>Sign in</h1>']) {
      const diagnoses = await diagnosesOf([refused('https://login.microsoftonline.com/common/oauth2/v2.0/authorize', 200, page)]);
      expect(kinds(diagnoses)).toEqual(['callback-never-reached/possible']);
    }
  });

  it("Cognito's error page, reached by a redirect, by its URL", async () => {
    const errorPage = `https://shop.auth.eu-west-1.amazoncognito.com/error?${encode({ error: 'redirect_mismatch', client_id: 'spa' })}`;
    const request = refused('https://shop.auth.eu-west-1.amazoncognito.com/oauth2/authorize', 302);
    const withRedirect = { ...request, location: errorPage };
    const page = exchange({ url: errorPage, status: 200, responseBody: html('<p>An error was encountered with the requested page.</p>') });
    const [diagnosis] = await diagnosesOf([withRedirect, page]);
    expect(diagnosis).toMatchObject({ kind: 'authorization-refused', likelihood: 'certain' });
    expect(diagnosis!.hints[0]).toMatchObject({ at: 'server-page', errorPage: true, status: 200 });
    expect(diagnosis!.hints[1]).toMatchObject({ term: 'redirect_mismatch', provider: 'cognito', source: 'error-parameters' });
    expect(diagnosis!.hints[2]).toMatchObject({ provider: 'cognito', recognizedBy: 'host', setting: 'Allowed callback URLs' });
  });

  it("Google's error page after a redirect: the page's words, Google's setting", async () => {
    const errorPage = `https://accounts.google.com/signin/oauth/error/v2?${encode({ authError: 'Cg1yZWRpcmVjdF91cmk', client_id: 'x.apps.googleusercontent.com' })}`;
    const request = { ...refused('https://accounts.google.com/o/oauth2/v2/auth', 302), location: errorPage };
    const page = exchange({ url: errorPage, status: 400, responseBody: html('<div>Error 400: redirect_uri_mismatch</div>') });
    const [diagnosis] = await diagnosesOf([request, page]);
    expect(diagnosis).toMatchObject({ kind: 'authorization-refused', likelihood: 'certain' });
    expect(diagnosis!.hints[1]).toMatchObject({ term: 'redirect_uri_mismatch', source: 'page' });
    expect(diagnosis!.hints[2]).toMatchObject({ provider: 'google', recognizedBy: 'host', setting: 'Authorized redirect URIs' });
  });

  it("Auth0's Callback URL mismatch, by its host", async () => {
    const page = '<h2>Callback URL mismatch.</h2><p>The provided redirect_uri is not in the list of allowed callback URLs.</p>';
    const [diagnosis] = await diagnosesOf([refused('https://dev-abc.us.auth0.com/authorize', 400, page)]);
    expect(diagnosis!.hints).toContainEqual(
      expect.objectContaining({ kind: 'provider-setting', provider: 'auth0', recognizedBy: 'host', setting: 'Allowed Callback URLs' }),
    );
  });

  it("Keycloak's unknown client, by its layout on any host", async () => {
    const page = '<h1 id="kc-page-title">We are sorry...</h1><p>Client not found.</p>';
    const [diagnosis] = await diagnosesOf([refused('http://127.0.0.1:8080/realms/demo/protocol/openid-connect/auth', 400, page)]);
    expect(diagnosis!.hints).toContainEqual(
      expect.objectContaining({
        kind: 'provider-setting',
        provider: 'keycloak',
        recognizedBy: 'layout',
        cause: 'client-id',
        clientId: 'spa',
      }),
    );
    // Not a redirect_uri problem: no redirect_uri hints.
    expect(diagnosis!.hints.some((h) => h.kind === 'redirect-uri-has-fragment' || h.kind === 'redirect-uri-against-last-working')).toBe(
      false,
    );
  });

  it("a vendor-shaped oidc-provider: the vendor's setting, oidc-provider's words", async () => {
    const page = '<pre>invalid_redirect_uri</pre><pre>redirect_uri did not match any of the client&#39;s registered redirect_uris</pre>';
    const [diagnosis] = await diagnosesOf([refused('http://127.0.0.1:4001/oauth2/default/v1/authorize', 400, page)]);
    expect(diagnosis!.hints).toContainEqual(expect.objectContaining({ kind: 'refusal-reason', provider: 'oidc-provider' }));
    expect(diagnosis!.hints).toContainEqual(
      expect.objectContaining({ kind: 'provider-setting', provider: 'okta', recognizedBy: 'layout', setting: 'Sign-in redirect URIs' }),
    );
  });

  it('an unknown server: the refusal without a provider', async () => {
    const [diagnosis] = await diagnosesOf([refused('https://as.example/authorize', 400, '<h1>Bad request</h1>')]);
    expect(diagnosis).toMatchObject({ kind: 'authorization-refused', likelihood: 'likely' });
    expect(diagnosis!.hints.map((h) => h.kind)).toEqual(['authorization-refused', 'usual-refusal-causes']);
    expect(diagnosis!.hints[1]).toMatchObject({ bodyObserved: true });
  });

  it("names the provider's setting as the usual cause when there is no body to read", async () => {
    const [diagnosis] = await diagnosesOf([refused('https://dev-1.okta.com/oauth2/default/v1/authorize', 400)]);
    expect(diagnosis!.hints).toContainEqual(
      expect.objectContaining({
        kind: 'provider-setting',
        provider: 'okta',
        recognizedBy: 'host',
        cause: 'redirect-uri',
        confirmed: false,
      }),
    );
  });

  it('a server error is only possible: it may pass', async () => {
    const [diagnosis] = await diagnosesOf([refused('https://as.example/authorize', 500)]);
    expect(diagnosis).toMatchObject({ kind: 'authorization-refused', likelihood: 'possible' });
  });
});

describe('what is not a refusal', () => {
  it('a sign-in page the user is still on, or an unanswered request', async () => {
    expect(kinds(await diagnosesOf([authorize()]))).toEqual(['callback-never-reached/possible']);
    const { status: _, ...pending } = authorize();
    expect(kinds(await diagnosesOf([pending]))).toEqual(['callback-never-reached/possible']);
  });

  it('an authentication challenge (401 with WWW-Authenticate), which the browser answers by sending the request again', async () => {
    const challenged = {
      ...refused('https://adfs.example/adfs/oauth2/authorize', 401),
      responseHeaders: [{ name: 'www-authenticate', value: 'Negotiate' }],
    };
    expect(kinds(await diagnosesOf([challenged]))).toEqual(['callback-never-reached/likely']);
  });

  it('a page the user navigated to by hand after signing in', async () => {
    const request = authorize({}, { status: 303, location: 'https://as.example/login' });
    const login = exchange({ url: 'https://as.example/login', status: 200 });
    const lost = exchange({ url: 'https://as.example/help/missing', status: 404 });
    expect(kinds(await diagnosesOf([request, login, lost]))).toEqual(['callback-never-reached/likely']);
  });
});

describe('hostile pages and parameters', () => {
  it('quotes only its own terms; the page and the URL stay in capped evidence', async () => {
    const page = `<script>alert(1)</script>\u001b[31m${'x'.repeat(BODY_SCAN_CHARS)}Callback URL mismatch`;
    const description = `<img src=x onerror=alert(1)>${'y'.repeat(5000)}`;
    const errorPage = `https://as.example/error?${encode({ error: '<b>redirect_mismatch</b>', error_description: description })}`;
    const request = { ...refused('https://as.example/authorize', 302), location: errorPage };
    const diagnoses = await diagnosesOf([request, exchange({ url: errorPage, status: 400, responseBody: html(page) })]);
    const [diagnosis] = diagnoses;
    expect(diagnosis!.kind).toBe('authorization-refused');
    const reason = diagnosis!.hints.find((h) => h.kind === 'refusal-reason');
    expect(reason).toMatchObject({ term: 'redirect_mismatch', source: 'error-parameters' });
    for (const hint of diagnosis!.hints) {
      if (hint.kind === 'authorization-refused') continue; // its URL, redacted and escaped like every URL
      expect(JSON.stringify(hint)).not.toMatch(/<|\u001b/);
    }
    for (const evidence of diagnosis!.evidence) expect(evidence.value.length).toBeLessThanOrEqual(500);
  });
});

describe("a provider's words in an error response", () => {
  const ENTRA = 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0';
  const state = defaultAuthorizeParams.state;

  it("GitHub's redirect_uri_mismatch, sent as an error redirect: decoded, with GitHub's setting", async () => {
    const request = exchange({
      url: `https://github.com/login/oauth/authorize?${encode({ response_type: 'code', client_id: 'Iv1.abc', redirect_uri: 'https://app.example/cb', state })}`,
    });
    const error = {
      error: 'redirect_uri_mismatch',
      error_description: 'The redirect_uri MUST match the registered callback URL for this application.',
      state,
    };
    const [diagnosis] = await diagnosesOf([{ ...request, status: 302 }, ...callback(error)]);
    expect(diagnosis).toMatchObject({ kind: 'authorization-error', likelihood: 'likely' });
    expect(diagnosis!.hints.map((h) => h.kind)).toEqual(['authorization-error', 'refusal-reason', 'provider-setting']);
    expect(diagnosis!.hints[1]).toMatchObject({ term: 'redirect_uri_mismatch', source: 'error-code' });
    expect(diagnosis!.hints[2]).toMatchObject({ provider: 'github', recognizedBy: 'host', setting: 'Authorization callback URL' });
  });

  it("Entra's AADSTS65001 in an error_description", async () => {
    const request = exchange({ url: `${ENTRA}/authorize?${encode({ ...defaultAuthorizeParams, prompt: 'none' })}`, status: 302 });
    const error = {
      error: 'interaction_required',
      error_description: 'AADSTS65001: The user or administrator has not consented to use the application.',
      state,
    };
    const [diagnosis] = await diagnosesOf([request, ...callback(error)]);
    expect(diagnosis!.hints).toContainEqual(
      expect.objectContaining({ kind: 'refusal-reason', term: 'AADSTS65001', cause: 'consent-required', source: 'error-description' }),
    );
  });

  it("an OAuth code alone adds nothing to the authorization error's own decoding", async () => {
    const [diagnosis] = await diagnosesOf([authorize({}, { status: 302 }), ...callback({ error: 'invalid_scope', state })]);
    expect(diagnosis!.hints.map((h) => h.kind)).toEqual(['authorization-error']);
  });

  it("Entra's AADSTS9002326 at the token endpoint: the redirect URI belongs under the single-page application platform", async () => {
    const request = exchange({ url: `${ENTRA}/authorize?${encode(defaultAuthorizeParams)}`, status: 302 });
    const description = "AADSTS9002326: Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type.";
    const refusedToken = token(
      {},
      { url: `${ENTRA}/token`, status: 400, responseBody: jsonBody({ error: 'invalid_request', error_description: description }) },
    );
    const diagnoses = await diagnosesOf([request, ...callback({ code: 'SplxlOBeZQQYbYS6WxSbIA', state }), refusedToken]);
    const diagnosis = diagnoses.find((d) => d.kind === 'invalid-request')!;
    expect(diagnosis.likelihood).toBe('likely');
    expect(diagnosis.hints.slice(0, 2)).toEqual([
      { kind: 'refusal-reason', term: 'AADSTS9002326', provider: 'entra', cause: 'spa-cross-origin', source: 'error-description' },
      expect.objectContaining({ kind: 'provider-setting', provider: 'entra', setting: 'Single-page application redirect URIs' }),
    ]);
  });
});
