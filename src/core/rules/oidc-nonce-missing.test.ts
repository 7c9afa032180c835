import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, goodFlow, resetBuilders } from '../../../tests/support/build.ts';
import { unsignedJwt } from '../../../tests/support/request-hygiene.ts';
import rule from './oidc-nonce-missing.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const noPkce = { code_challenge: undefined, code_challenge_method: undefined };

describe('oidc-nonce-missing', () => {
  beforeEach(resetBuilders);

  it('passes a request with a nonce', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('is info for a code flow with S256 PKCE', async () => {
    const auth = authorize({ nonce: undefined });
    const findings = await findingsOf([auth]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: 'oidc-nonce-missing',
      severity: 'info',
      flowId: `flow-${auth.id}`,
      exchangeIds: [auth.id],
    });
    expect(findings[0]!.evidence).toContainEqual({ label: 'nonce', value: '(absent)' });
  });

  it('is a warning for a code flow without PKCE, or with plain PKCE', async () => {
    const [withoutPkce] = await findingsOf([authorize({ nonce: undefined, ...noPkce })]);
    expect(withoutPkce).toMatchObject({ severity: 'warning' });
    expect(withoutPkce!.message).toContain('no S256 PKCE');
    expect(withoutPkce!.evidence).toContainEqual({ label: 'code_challenge_method', value: '(no PKCE)' });
    const [plain] = await findingsOf([authorize({ nonce: undefined, code_challenge_method: 'plain' })]);
    expect(plain).toMatchObject({ severity: 'warning' });
  });

  it.each(['id_token', 'id_token token', 'code id_token'])(
    'is an error when response_type=%s returns an ID token',
    async (responseType) => {
      const [finding] = await findingsOf([authorize({ response_type: responseType, nonce: undefined })]);
      expect(finding).toMatchObject({ severity: 'error' });
      expect(finding!.message).toContain('id_token');
    },
  );

  it('treats an empty nonce as missing', async () => {
    const [finding] = await findingsOf([authorize({ nonce: '' })]);
    expect(finding).toMatchObject({ severity: 'info' });
    expect(finding!.evidence).toContainEqual({ label: 'nonce', value: '(empty)' });
  });

  it('ignores requests without the openid scope, or without an ID token', async () => {
    expect(await findingsOf([authorize({ scope: 'profile email', nonce: undefined })])).toEqual([]);
    expect(await findingsOf([authorize({ scope: 'openidx', nonce: undefined })])).toEqual([]);
    expect(await findingsOf([authorize({ response_type: 'token', nonce: undefined })])).toEqual([]);
  });

  it('finds openid among several scopes', async () => {
    expect(await findingsOf([authorize({ scope: 'profile openid email', nonce: undefined })])).toHaveLength(1);
  });

  it('reads the nonce of a readable request object, and stays silent on an unreadable one', async () => {
    expect(await findingsOf([authorize({ nonce: undefined, request: unsignedJwt({ nonce: 'n-0S6_WzA2Mj-Xq9Tr3Lp8Vc2Hh5Ke1' }) })])).toEqual(
      [],
    );
    expect(await findingsOf([authorize({ nonce: undefined, request: 'a.b.c.d.e' })])).toEqual([]);
    const [finding] = await findingsOf([authorize({ request: unsignedJwt({ nonce: '', response_type: 'id_token' }) })]);
    expect(finding).toMatchObject({ severity: 'error' });
  });

  it('stays silent when a request_uri hides the parameters', async () => {
    expect(
      await findingsOf([authorize({ response_type: undefined, nonce: undefined, request_uri: 'urn:ietf:params:oauth:request_uri:abc' })]),
    ).toEqual([]);
  });
});
