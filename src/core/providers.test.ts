import { describe, expect, it } from 'vitest';
import { BODY_SCAN_CHARS, type ProviderId, providerSetting, providerTerm, readRefusal, recognizeProvider } from './providers.ts';

describe('recognising the authorization server', () => {
  it.each<[string, ProviderId, { authorizationEndpoint?: string; tokenEndpoint?: string; issuer?: string }]>([
    ['Auth0', 'auth0', { authorizationEndpoint: 'https://dev-abc.us.auth0.com/authorize' }],
    ['Okta', 'okta', { authorizationEndpoint: 'https://dev-1.okta.com/oauth2/default/v1/authorize' }],
    ['Okta preview', 'okta', { authorizationEndpoint: 'https://dev-387826.oktapreview.com/oauth2/v1/authorize' }],
    ['Entra ID', 'entra', { authorizationEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize' }],
    ['Cognito hosted UI', 'cognito', { authorizationEndpoint: 'https://shop.auth.eu-west-1.amazoncognito.com/oauth2/authorize' }],
    ['Cognito issuer', 'cognito', { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf' }],
    ['Google', 'google', { authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth' }],
    ['Google token', 'google', { tokenEndpoint: 'https://oauth2.googleapis.com/token' }],
    ['GitHub', 'github', { authorizationEndpoint: 'https://github.com/login/oauth/authorize' }],
  ])('%s by its host', (_, provider, traits) => {
    expect(recognizeProvider(traits)).toEqual({ provider, by: 'host' });
  });

  it.each<[string, ProviderId, Parameters<typeof recognizeProvider>[0]]>([
    ['Okta custom AS', 'okta', { authorizationEndpoint: 'http://127.0.0.1:4001/oauth2/default/v1/authorize' }],
    ['Okta org AS', 'okta', { authorizationEndpoint: 'https://id.example.com/oauth2/v1/authorize' }],
    ['Entra ID', 'entra', { authorizationEndpoint: 'https://127.0.0.1:4443/9188040d-6c67-4c5b-b112-36a304b66dad/oauth2/v2.0/authorize' }],
    ['Entra ID issuer', 'entra', { issuer: 'https://127.0.0.1:4443/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0' }],
    ['Keycloak', 'keycloak', { authorizationEndpoint: 'http://127.0.0.1:8080/realms/demo/protocol/openid-connect/auth' }],
    ['Keycloak before 17', 'keycloak', { authorizationEndpoint: 'https://sso.example/auth/realms/demo/protocol/openid-connect/auth' }],
    ['Google', 'google', { authorizationEndpoint: 'http://127.0.0.1:1/o/oauth2/v2/auth' }],
    ['PingFederate', 'pingfederate', { authorizationEndpoint: 'https://sso.example.com:9031/as/authorization.oauth2' }],
    ['GitHub Enterprise', 'github', { authorizationEndpoint: 'https://ghe.example.com/login/oauth/authorize' }],
    [
      'Auth0 by its two endpoints',
      'auth0',
      { authorizationEndpoint: 'http://127.0.0.1:4000/authorize', tokenEndpoint: 'http://127.0.0.1:4000/oauth/token' },
    ],
    [
      'Auth0 by its SDK parameter',
      'auth0',
      { authorizationEndpoint: 'http://127.0.0.1:4000/authorize', parameterNames: ['client_id', 'auth0Client'] },
    ],
    [
      'oidc-provider by its interaction page',
      'oidc-provider',
      { authorizationEndpoint: 'http://127.0.0.1:3000/auth', pages: ['http://127.0.0.1:3000/interaction/abc123'] },
    ],
    [
      'oidc-provider by its two endpoints',
      'oidc-provider',
      { authorizationEndpoint: 'http://as.test/auth', tokenEndpoint: 'http://as.test/token' },
    ],
  ])('%s by its endpoint layout, on any host', (_, provider, traits) => {
    expect(recognizeProvider(traits)).toEqual({ provider, by: 'layout' });
  });

  it('prefers the host to the layout', () => {
    expect(
      recognizeProvider({ authorizationEndpoint: 'https://x.okta.com/authorize', tokenEndpoint: 'https://x.okta.com/oauth/token' }),
    ).toEqual({
      provider: 'okta',
      by: 'host',
    });
  });

  it('does not guess from a path shared by many servers', () => {
    for (const authorizationEndpoint of [
      'https://as.example/authorize',
      'https://as.example/auth',
      'https://as.example/oauth2/authorize',
    ]) {
      expect(recognizeProvider({ authorizationEndpoint })).toBeUndefined();
    }
    // A host that merely contains a provider's name.
    expect(recognizeProvider({ authorizationEndpoint: 'https://auth0.com.evil.example/authorize' })).toBeUndefined();
    expect(recognizeProvider({ authorizationEndpoint: 'https://notgithub.com/login' })).toBeUndefined();
    expect(recognizeProvider({})).toBeUndefined();
    expect(recognizeProvider({ authorizationEndpoint: 'not a url' })).toBeUndefined();
  });
});

describe("reading a provider's refusal", () => {
  it.each<[string, string, string, ProviderId | null, string]>([
    [
      'Entra ID',
      "AADSTS50011: The redirect URI 'http://localhost:3000' specified in the request does not match the redirect URIs configured for the application",
      'AADSTS50011',
      'entra',
      'redirect-uri',
    ],
    [
      'Entra ID, unknown app',
      'AADSTS700016: Application with identifier x was not found in the directory',
      'AADSTS700016',
      'entra',
      'client-id',
    ],
    [
      'Entra ID at the token endpoint',
      "AADSTS9002326: Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type.",
      'AADSTS9002326',
      'entra',
      'spa-cross-origin',
    ],
    [
      'Auth0',
      '<h2>Callback URL mismatch.</h2><p>The provided redirect_uri is not in the list of allowed callback URLs.</p>',
      'Callback URL mismatch',
      'auth0',
      'redirect-uri',
    ],
    [
      'Okta',
      '<p>Error Code: invalid_request</p><p>Description: The &#x27;redirect_uri&#x27; parameter must be a Login redirect URI in the client app settings: https://x-admin.okta.com/admin/app/oidc_client/instance/0oa#tab-general</p>',
      "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings",
      'okta',
      'redirect-uri',
    ],
    ['Okta, unknown client', "Invalid value for 'client_id' parameter.", "Invalid value for 'client_id' parameter", 'okta', 'client-id'],
    [
      'Keycloak',
      '<h1 id="kc-page-title">We are sorry...</h1><p class="instruction">Invalid parameter: redirect_uri</p>',
      'Invalid parameter: redirect_uri',
      'keycloak',
      'redirect-uri',
    ],
    ['Keycloak, unknown client', '<p>Client not found.</p>', 'Client not found', 'keycloak', 'client-id'],
    ['Cognito', 'redirect_mismatch', 'redirect_mismatch', 'cognito', 'redirect-uri'],
    ['Google', 'Error 400: redirect_uri_mismatch', 'redirect_uri_mismatch', null, 'redirect-uri'],
    [
      'oidc-provider',
      '<pre><strong>error</strong>: invalid_redirect_uri</pre><pre><strong>error_description</strong>: redirect_uri did not match any of the client&#39;s registered redirect_uris</pre>',
      "redirect_uri did not match any of the client's registered redirect_uris",
      'oidc-provider',
      'redirect-uri',
    ],
    ['an OAuth code alone', '{"error":"invalid_scope"}', 'invalid_scope', null, 'scope'],
  ])('%s', (_, text, term, provider, cause) => {
    expect(readRefusal(text)).toMatchObject({ term, provider, cause });
  });

  it("prefers the provider's reason to the page's generic headline", () => {
    expect(readRefusal('invalid_request: Invalid parameter: redirect_uri')?.term).toBe('Invalid parameter: redirect_uri');
    expect(readRefusal('invalid_request AADSTS90014 AADSTS12345')?.term).toBe('AADSTS90014');
  });

  it('names an AADSTS or Okta code it cannot decode, without decoding it', () => {
    expect(readRefusal('AADSTS99999: something new')).toMatchObject({ term: 'AADSTS99999', provider: 'entra', cause: 'unknown' });
    expect(readRefusal('errorCode: E0000021')).toMatchObject({ term: 'E0000021', provider: 'okta', cause: 'unknown' });
  });

  it('matches whole words only', () => {
    expect(readRefusal('invalid_request_uri')).toBeUndefined();
    expect(readRefusal('AADSTS500111x')).toBeUndefined();
    expect(readRefusal('Welcome! Sign in to continue.')).toBeUndefined();
  });

  it('reads a bounded prefix of a huge body, in linear time', () => {
    const filler = 'a'.repeat(BODY_SCAN_CHARS);
    expect(readRefusal(`${filler}Invalid parameter: redirect_uri`)).toBeUndefined();
    const hostile = `${'invalid_request_ '.repeat(200_000)}${'AADSTS'.repeat(100_000)}`;
    const started = performance.now();
    readRefusal(hostile);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('answers with its own terms, never the text it read', () => {
    const found = readRefusal('<script>alert(1)</script>Callback URL mismatch<img src=x onerror=alert(1)>');
    expect(found?.term).toBe('Callback URL mismatch');
    expect(JSON.stringify(found)).not.toContain('<');
  });

  it('looks a term up by its spelling', () => {
    expect(providerTerm('redirect_mismatch')?.provider).toBe('cognito');
    expect(providerTerm('AADSTS65001')?.cause).toBe('consent-required');
    expect(providerTerm('no such term')).toBeUndefined();
  });
});

describe('where a provider keeps its settings', () => {
  it('names every provider’s redirect URI setting', () => {
    const expected: Record<ProviderId, string> = {
      auth0: 'Allowed Callback URLs',
      okta: 'Sign-in redirect URIs',
      entra: 'Redirect URIs',
      keycloak: 'Valid redirect URIs',
      cognito: 'Allowed callback URLs',
      google: 'Authorized redirect URIs',
      pingfederate: 'Redirect URIs',
      github: 'Authorization callback URL',
      'oidc-provider': 'redirect_uris',
    };
    for (const [provider, setting] of Object.entries(expected)) {
      expect(providerSetting(provider as ProviderId, 'redirect-uri')?.setting).toBe(setting);
    }
    expect(providerSetting('entra', 'redirect-uri')?.location).toContain('Single-page application');
  });

  it('has no setting for a cause that is not one', () => {
    expect(providerSetting('auth0', 'server-error')).toBeUndefined();
    expect(providerSetting('entra', 'spa-cross-origin')?.location).toContain('Platform configurations');
  });
});
