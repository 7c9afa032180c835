import { beforeEach, describe, expect, it } from 'vitest';
import { authorize, callback, goodFlow, jsonBody, resetBuilders, token } from '../../../tests/support/build.ts';
import { authorizeByReference, basic, par, unsignedJwt } from '../../../tests/support/state-redirect-client.ts';
import rule from './client-secret-in-browser.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const SECRET = 'do-not-print-this-secret';

describe('client-secret-in-browser', () => {
  beforeEach(resetBuilders);

  it('passes a public client without a secret', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('reports client_secret in the token request body, keeping the value out of the message', async () => {
    const exchanges = goodFlow({ token: { client_secret: SECRET } });
    const [finding, ...rest] = await findingsOf(exchanges);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      ruleId: 'client-secret-in-browser',
      severity: 'error',
      flowId: `flow-${exchanges[0]!.id}`,
      exchangeIds: [exchanges[3]!.id],
    });
    expect(finding!.message).toContain('client_secret in the body');
    expect(finding!.message).not.toContain(SECRET);
    expect(finding!.evidence).toContainEqual({ label: 'client_secret', value: SECRET, secret: true });
    expect(finding!.evidence).toContainEqual({ label: 'requests', value: 'POST https://as.example/token' });
  });

  it('reports an HTTP Basic password, and not an empty one', async () => {
    const [finding] = await findingsOf(
      goodFlow()
        .slice(0, 3)
        .concat(token({}, { requestHeaders: { ...FORM, authorization: basic('spa', SECRET) } })),
    );
    expect(finding!.evidence).toContainEqual({ label: 'Basic password', value: SECRET, secret: true });
    expect(finding!.message).not.toContain(SECRET);
    resetBuilders();
    expect(
      await findingsOf(
        goodFlow()
          .slice(0, 3)
          .concat(token({}, { requestHeaders: { ...FORM, authorization: basic('spa', '') } })),
      ),
    ).toEqual([]);
  });

  it('does not report an empty client_secret', async () => {
    expect(await findingsOf(goodFlow({ token: { client_secret: '' } }))).toEqual([]);
  });

  it('reports an HS256 client_assertion, not an RS256 one', async () => {
    const hs = unsignedJwt({ alg: 'HS256', typ: 'JWT' }, { iss: 'spa', sub: 'spa' });
    const [finding] = await findingsOf(goodFlow({ token: { client_assertion: hs } }));
    expect(finding!.message).toContain('HS256');
    expect(finding!.evidence).toContainEqual({ label: 'client_assertion alg', value: 'HS256' });
    expect(finding!.evidence).toContainEqual({ label: 'client_assertion', value: hs, secret: true });
    resetBuilders();
    const rs = unsignedJwt({ alg: 'RS256' }, { iss: 'spa', sub: 'spa' });
    expect(await findingsOf(goodFlow({ token: { client_assertion: rs } }))).toEqual([]);
  });

  it('reports a PAR request with a secret on its flow', async () => {
    const pushed = par({ client_secret: SECRET });
    const front = authorizeByReference();
    const [finding] = await findingsOf([pushed, front]);
    expect(finding).toMatchObject({ flowId: `flow-${pushed.id}`, exchangeIds: [pushed.id] });
    expect(finding!.message).toContain('a PAR request');
  });

  it('reports a PAR request whose front-channel request was not seen, without a flow', async () => {
    const pushed = par({}, { authorization: basic('spa', SECRET) });
    const [finding] = await findingsOf([pushed]);
    expect(finding!.flowId).toBeUndefined();
    expect(finding!.exchangeIds).toEqual([pushed.id]);
  });

  it('reports a flow once, with every request that carried the secret', async () => {
    const auth = authorize();
    const returned = callback({ code: 'SplxlOBeZQQYbYS6WxSbIA', state: 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm' });
    const first = token(
      { client_secret: SECRET },
      { responseBody: jsonBody({ access_token: 'at', token_type: 'Bearer', refresh_token: 'rt-1' }) },
    );
    const refresh = token({
      grant_type: 'refresh_token',
      refresh_token: 'rt-1',
      client_secret: SECRET,
      code: undefined,
      code_verifier: undefined,
      redirect_uri: undefined,
    });
    const findings = await findingsOf([auth, ...returned, first, refresh]);
    expect(findings[0]!.flowId).toBe(`flow-${auth.id}`);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.exchangeIds).toEqual([first.id, refresh.id]);
    expect(findings[0]!.evidence.filter((e) => e.label === 'client_secret')).toHaveLength(1);
    expect(findings[0]!.message).toContain('token requests');
  });
});
