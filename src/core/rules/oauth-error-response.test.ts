import { beforeEach, describe, expect, it } from 'vitest';
import {
  authorize,
  callback,
  defaultAuthorizeParams,
  defaultTokenParams,
  goodFlow,
  resetBuilders,
  token,
} from '../../../tests/support/build.ts';
import { tokenAnswer } from '../../../tests/support/request-hygiene.ts';
import { analyze } from '../analyze.ts';
import rule from './oauth-error-response.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const STATE = defaultAuthorizeParams.state;
const errorCallback = (
  params: Record<string, string>,
  authorizeParams: Record<string, string | undefined> = {},
  init: Parameters<typeof authorize>[1] = {},
) => {
  const auth = authorize(authorizeParams, init);
  return { auth, exchanges: [auth, ...callback({ state: STATE, ...params })] };
};

describe('oauth-error-response', () => {
  beforeEach(resetBuilders);

  it('stays silent on a successful flow', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('decodes an authorization error, with its likely cause', async () => {
    const { auth, exchanges } = errorCallback({
      error: 'access_denied',
      error_description: 'The user said no',
      error_uri: 'https://as.example/errors#denied',
    });
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({
      ruleId: 'oauth-error-response',
      severity: 'info',
      flowId: `flow-${auth.id}`,
      exchangeIds: [exchanges[1]!.id, exchanges[2]!.id],
    });
    expect(finding!.message).toContain('error access_denied');
    expect(finding!.message).toContain('the user refused');
    expect(finding!.evidence).toEqual([
      { label: 'error', value: 'access_denied' },
      { label: 'error_description', value: 'The user said no' },
      { label: 'error_uri', value: 'https://as.example/errors#denied' },
      { label: 'response mode', value: 'query' },
    ]);
  });

  it('is a warning for invalid_request and server_error', async () => {
    const [invalid] = await findingsOf(errorCallback({ error: 'invalid_request' }).exchanges);
    expect(invalid).toMatchObject({ severity: 'warning' });
    expect(invalid!.message).toContain('duplicated parameter');
    resetBuilders();
    const [server] = await findingsOf(errorCallback({ error: 'server_error' }).exchanges);
    expect(server).toMatchObject({ severity: 'warning' });
    expect(server!.message).toContain('retry');
  });

  it('explains login_required after prompt=none in an iframe', async () => {
    const [finding] = await findingsOf(errorCallback({ error: 'login_required' }, { prompt: 'none' }, { initiator: 'subframe' }).exchanges);
    expect(finding).toMatchObject({ severity: 'info' });
    expect(finding!.message).toContain('prompt=none request ran in an iframe');
  });

  it('gives the generic silent-authentication cause when the request is not known', async () => {
    const [finding] = await findingsOf(callback({ error: 'interaction_required', state: STATE }));
    expect(finding!.message).toContain('third-party cookies');
  });

  it('decodes a token endpoint error from its JSON body', async () => {
    const request = token(
      {},
      tokenAnswer({ error: 'invalid_grant', error_description: 'grant request is invalid', error_uri: 'https://as.example/e' }, 400),
    );
    const [auth, redirect, arrival] = goodFlow();
    const [finding] = await findingsOf([auth!, redirect!, arrival!, request]);
    expect(finding).toMatchObject({ severity: 'info', flowId: `flow-${auth!.id}`, exchangeIds: [request.id] });
    expect(finding!.message).toContain('HTTP 400 with error invalid_grant');
    expect(finding!.message).toContain('already used');
    expect(finding!.evidence).toEqual([
      { label: 'error', value: 'invalid_grant' },
      { label: 'error_description', value: 'grant request is invalid' },
      { label: 'error_uri', value: 'https://as.example/e' },
      { label: 'HTTP status', value: '400' },
      { label: 'grant_type', value: 'authorization_code' },
    ]);
  });

  it('leaves the cause of an invalid_grant to the diagnosis: the meaning of the code only, the request only', async () => {
    const auth = authorize();
    const refused = token({ redirect_uri: 'https://app.example/cb/', client_id: 'legacy' }, tokenAnswer({ error: 'invalid_grant' }, 400));
    const exchanges = [auth, ...callback({ code: defaultTokenParams.code, state: STATE }), refused];
    const [finding] = await findingsOf(exchanges);
    expect(finding).toMatchObject({ severity: 'info', flowId: `flow-${auth.id}`, exchangeIds: [refused.id] });
    expect(finding!.evidence.map((e) => e.label)).toEqual(['error', 'HTTP status', 'grant_type']);
    // The same analysis finds the causes, once, in the invalid-grant diagnosis.
    const { diagnoses } = await analyze(exchanges, [rule]);
    expect(diagnoses.filter((d) => d.kind === 'invalid-grant').map((d) => d.hints.map((h) => h.kind).slice(0, 2))).toEqual([
      ['redirect-uri-differs', 'client-id-differs'],
    ]);
  });

  it('gives the meaning of other token errors', async () => {
    const refused = token({ redirect_uri: 'https://app.example/cb/' }, tokenAnswer({ error: 'invalid_client' }, 401));
    const [auth, redirect, arrival] = goodFlow();
    const [finding] = await findingsOf([auth!, redirect!, arrival!, refused]);
    expect(finding!.message).toContain('client authentication failed');
    expect(finding!.evidence.some((e) => e.label.startsWith('cause'))).toBe(false);
  });

  it('gives refresh-token causes for invalid_grant on a refresh', async () => {
    const refresh = token(
      { grant_type: 'refresh_token', refresh_token: 'rt-1', code: undefined, code_verifier: undefined },
      tokenAnswer({ error: 'invalid_grant' }, 400),
    );
    const [finding] = await findingsOf([refresh]);
    expect(finding!.message).toContain('rotated');
  });

  it('says the code is not observable when only the status is known', async () => {
    const [finding] = await findingsOf([token({}, { status: 401 })]);
    expect(finding).toMatchObject({ severity: 'info' });
    expect(finding!.message).toBe('The token endpoint answered HTTP 401; the error code is not observable (response body not observed).');
    const [noMember] = await findingsOf([token({}, tokenAnswer({ message: 'boom' }, 500))]);
    expect(noMember!.message).toContain('the JSON body has no error member');
  });

  it('does not report successful or unanswered token requests', async () => {
    expect(
      await findingsOf([token({}, tokenAnswer({ access_token: 'a', token_type: 'Bearer' })), token({}, { status: undefined })]),
    ).toEqual([]);
  });

  it('keeps hostile strings as capped evidence and out of the message', async () => {
    const description = `<script>alert(1)</script>${'A'.repeat(10_000)}`;
    const [finding] = await findingsOf(errorCallback({ error: '<b>x</b>', error_description: description }).exchanges);
    expect(finding!.message).not.toContain('<');
    expect(finding!.message).not.toContain('AAAA');
    expect(finding!.message).toContain('not a plain token');
    const descriptionEvidence = finding!.evidence.find((e) => e.label === 'error_description')!;
    expect(descriptionEvidence.value.length).toBeLessThanOrEqual(500);
    expect(descriptionEvidence.value.startsWith('<script>')).toBe(true);
  });

  it('does not look error codes up on the object prototype', async () => {
    for (const error of ['__proto__', 'constructor', 'toString']) {
      resetBuilders();
      const [finding] = await findingsOf([token({}, tokenAnswer({ error }, 400))]);
      expect(finding!.message).toBe(`The token endpoint answered HTTP 400 with error ${error}.`);
    }
  });

  describe('device grant polls (RFC 8628 §3.5)', () => {
    const grant = 'urn:ietf:params:oauth:grant-type:device_code';
    const poll = (answer: Record<string, string> | undefined, status: number, deviceCode = 'dc-1') =>
      token(
        { grant_type: grant, device_code: deviceCode, code: undefined, code_verifier: undefined, redirect_uri: undefined },
        answer ? tokenAnswer(answer, status) : { status },
      );

    it('does not list authorization_pending and slow_down, the answers that keep a device polling', async () => {
      const exchanges = [
        poll({ error: 'authorization_pending' }, 400),
        poll({ error: 'slow_down' }, 400),
        poll({ access_token: 'at', token_type: 'Bearer' }, 200),
      ];
      expect(await findingsOf(exchanges)).toEqual([]);
    });

    it('says expired_token and access_denied, the grant’s outcome, with their meaning', async () => {
      for (const [error, cause] of [
        ['expired_token', 'the device_code expired before the user approved'],
        ['access_denied', 'the user denied the device authorization request'],
      ] as const) {
        resetBuilders();
        const findings = await findingsOf([poll({ error: 'authorization_pending' }, 400), poll({ error }, 400)]);
        expect(findings).toHaveLength(1);
        expect(findings[0]!.message).toContain(`with error ${error}; likely cause: ${cause}`);
      }
    });

    it('without bodies, reports only the last poll of a device_code: the client polled again after the others', async () => {
      const findings = await findingsOf([poll(undefined, 400), poll(undefined, 400), poll(undefined, 400)]);
      expect(findings).toHaveLength(1);
      expect(findings[0]!.message).toContain('the error code is not observable');
    });
  });
});
