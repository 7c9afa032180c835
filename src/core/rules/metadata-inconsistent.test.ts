import { beforeEach, describe, expect, it } from 'vitest';
import { AS, exchange, jsonBody, resetBuilders } from '../../../tests/support/build.ts';
import { recorded, recordedIdsNotExpecting } from '../../../tests/support/id-tokens.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';
import rule from './metadata-inconsistent.ts';

const findingsOf = findingsOfRule(rule);

function metadataAt(url: string, document: Record<string, unknown>, status = 200) {
  return exchange({ url, initiator: 'fetch', status, responseBody: jsonBody(document) });
}

const complete = (issuer: string) => ({
  issuer,
  authorization_endpoint: `${issuer}/authorize`,
  token_endpoint: `${issuer}/token`,
  code_challenge_methods_supported: ['S256'],
});

describe('metadata-inconsistent', () => {
  beforeEach(resetBuilders);

  it.each([
    // OIDC Discovery §4: appended to the issuer, whose terminating slash is removed first.
    [`${AS}/.well-known/openid-configuration`, AS],
    [`${AS}/.well-known/openid-configuration`, `${AS}/`],
    [`${AS}/realms/demo/.well-known/openid-configuration`, `${AS}/realms/demo`],
    // RFC 8414 §3.1: inserted between host and path.
    [`${AS}/.well-known/oauth-authorization-server/tenant1`, `${AS}/tenant1`],
    // Microsoft's multi-tenant template, and a URL with a query (Entra B2C policies): nothing to compare.
    ['https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration', 'https://login.microsoftonline.com/{tenantid}/v2.0'],
    [`${AS}/tenant.onmicrosoft.com/v2.0/.well-known/openid-configuration?p=B2C_1_signin`, `${AS}/tfp/tenant/b2c_1_signin/v2.0/`],
    // Microsoft names the tenant by its GUID whatever alias the URL used.
    [
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration',
      'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0',
    ],
    [
      'https://login.microsoftonline.com/contoso.onmicrosoft.com/.well-known/openid-configuration',
      'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
    ],
    [
      'https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_signin/v2.0/.well-known/openid-configuration',
      'https://contoso.b2clogin.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/',
    ],
  ])('is silent on %s naming %s', async (url, issuer) => {
    expect(await findingsOf([metadataAt(url, complete(issuer))])).toEqual([]);
  });

  it('reports an issuer that is not the one the URL was built from, once per document', async () => {
    const url = `${AS}/.well-known/oauth-authorization-server/tenant1`;
    const findings = await findingsOf([metadataAt(url, complete(`${AS}/tenant2`)), metadataAt(url, complete(`${AS}/tenant2`))]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'metadata-inconsistent', severity: 'error' });
    expect(findings[0]!.evidence).toContainEqual({ label: 'issuer expected', value: `${AS}/tenant1` });
  });

  it('reports the issuer path the OIDC suffix form does not match', async () => {
    const [finding] = await findingsOf([metadataAt(`${AS}/realms/demo/.well-known/openid-configuration`, complete(AS))]);
    expect(finding!.severity).toBe('error');
  });

  it('notes metadata without S256 PKCE as info', async () => {
    const { code_challenge_methods_supported: _, ...without } = complete(AS);
    const absent = await findingsOf([metadataAt(`${AS}/.well-known/openid-configuration`, without)]);
    expect(absent).toMatchObject([{ severity: 'info' }]);
    expect(absent[0]!.message).toContain('no code_challenge_methods_supported');
    resetBuilders();
    const plainOnly = await findingsOf([
      metadataAt(`${AS}/.well-known/openid-configuration`, { ...complete(AS), code_challenge_methods_supported: ['plain'] }),
    ]);
    expect(plainOnly).toMatchObject([{ severity: 'info' }]);
    expect(plainOnly[0]!.message).toContain('"plain", not S256');
  });

  it('ignores a document that was not a success', async () => {
    expect(await findingsOf([metadataAt(`${AS}/.well-known/openid-configuration`, { issuer: 'https://other.example' }, 404)])).toEqual([]);
  });

  it.each(recordedIdsNotExpecting('metadata-inconsistent'))('is silent on the recorded demo sign-in %s', async (id) => {
    expect(await findingsOf(recorded(id))).toEqual([]);
  });
});
