import { beforeEach, describe, expect, it } from 'vitest';
import { AS, authorize, callback, exchange, jsonBody, REDIRECT_URI, resetBuilders, token } from '../../../tests/support/build.ts';
import { recorded, recordedIdsNotExpecting } from '../../../tests/support/id-tokens.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';
import type { Exchange } from '../model.ts';
import rule from './token-endpoint-issuer-mismatch.ts';

const findingsOf = findingsOfRule(rule);
const CODE = 'SplxlOBeZQQYbYS6WxSbIA';
const STATE = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';

function discovery(document: Record<string, unknown> = {}): Exchange {
  return exchange({
    url: `${AS}/.well-known/openid-configuration`,
    initiator: 'fetch',
    status: 200,
    responseBody: jsonBody({ issuer: AS, authorization_endpoint: `${AS}/authorize`, token_endpoint: `${AS}/token`, ...document }),
  });
}

/** A code flow at AS whose code is redeemed at `tokenUrl`. */
function redeemedAt(tokenUrl: string, before: Exchange[] = [discovery()]): Exchange[] {
  return [...before, authorize(), ...callback({ code: CODE, state: STATE }), token({}, { url: tokenUrl })];
}

describe('token-endpoint-issuer-mismatch', () => {
  beforeEach(resetBuilders);

  it("reports a code redeemed outside the metadata's token endpoint origin", async () => {
    const findings = await findingsOf(redeemedAt('https://attacker.example/token'));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'token-endpoint-issuer-mismatch', severity: 'error' });
    expect(findings[0]!.evidence).toContainEqual({ label: 'token_endpoint in metadata', value: `${AS}/token` });
    expect(findings[0]!.evidence).toContainEqual({ label: 'code', value: CODE, secret: true });
  });

  it('is silent at the token endpoint the metadata names, on another host (Google)', async () => {
    const google = discovery({ token_endpoint: 'https://oauth2.googleapis.com/token' });
    expect(await findingsOf(redeemedAt('https://oauth2.googleapis.com/token', [google]))).toEqual([]);
  });

  it("is silent at the metadata's mTLS alias and on the issuer's origin", async () => {
    const mtls = discovery({ mtls_endpoint_aliases: { token_endpoint: 'https://mtls.as.example/token' } });
    expect(await findingsOf(redeemedAt('https://mtls.as.example/token', [mtls]))).toEqual([]);
    resetBuilders();
    expect(await findingsOf(redeemedAt(`${AS}/tenant2/token`))).toEqual([]);
  });

  it("is silent at the client's own back end (backend for frontend)", async () => {
    expect(await findingsOf(redeemedAt(new URL('/api/token', REDIRECT_URI).href))).toEqual([]);
  });

  it('is silent without metadata on hosts it does not know (a vendor layout proves nothing)', async () => {
    expect(await findingsOf(redeemedAt('https://tokens.elsewhere.example/token', []))).toEqual([]);
  });

  it("reports, without metadata, a provider's code redeemed at another known provider's endpoint", async () => {
    const github = exchange({ url: 'https://github.com/login/oauth/authorize?client_id=Iv1.abc&state=s1', status: 200 });
    const back = exchange({ url: 'https://app.example/cb?code=c1&state=s1', status: 200 });
    const facebook = token(
      { grant_type: undefined, code: 'c1', code_verifier: undefined },
      { url: 'https://graph.facebook.com/oauth/access_token' },
    );
    const [finding] = await findingsOf([github, back, facebook]);
    expect(finding?.evidence).toContainEqual({ label: 'code issued by', value: 'GitHub' });
  });

  it.each(recordedIdsNotExpecting('token-endpoint-issuer-mismatch'))('is silent on the recorded demo sign-in %s', async (id) => {
    expect(await findingsOf(recorded(id))).toEqual([]);
  });
});
