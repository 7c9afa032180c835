import { describe, expect, it } from 'vitest';
import { issuersNamedBy } from './discovery-url.ts';

describe('issuersNamedBy', () => {
  it.each([
    // OIDC Discovery §4: appended to the issuer.
    ['https://as.example/.well-known/openid-configuration', 'https://as.example'],
    ['https://kc.example/realms/demo/.well-known/openid-configuration', 'https://kc.example/realms/demo'],
    ['https://login.microsoftonline.com/tid/v2.0/.well-known/openid-configuration', 'https://login.microsoftonline.com/tid/v2.0'],
    // RFC 8414 §3.1: inserted after the host; §5: either name in either place.
    ['https://as.example/.well-known/oauth-authorization-server/tenant1', 'https://as.example/tenant1'],
    ['https://as.example/.well-known/openid-configuration/tenant1', 'https://as.example/tenant1'],
    ['https://kc.example/realms/demo/.well-known/oauth-authorization-server', 'https://kc.example/realms/demo'],
  ])('%s names %s, with or without a terminating slash', (url, issuer) => {
    expect(issuersNamedBy(url)).toEqual([issuer, `${issuer}/`]);
  });

  it.each([
    'https://as.example/.well-known/openid-configuration?x=1',
    'https://as.example/.well-known/openid-configurationx',
    'https://as.example/.well-known/jwks.json',
    'https://as.example/authorize',
    'not a url',
  ])('%s is no discovery URL', (url) => {
    expect(issuersNamedBy(url)).toBeUndefined();
  });
});
