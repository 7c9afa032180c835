import { beforeEach, describe, expect, it } from 'vitest';
import { AS, authorize, callback, defaultAuthorizeParams, formPostCallback, resetBuilders, token } from '../../../tests/support/build.ts';
import { ACCESS_TOKEN, frontChannelResponse, recorded, signedIdToken } from '../../../tests/support/id-tokens.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';
import { discovery } from '../../../tests/support/state-redirect-client.ts';
import rule from './iss-missing.ts';

const findingsOf = findingsOfRule(rule);
const STATE = defaultAuthorizeParams.state;
const SUPPORTED = { authorization_response_iss_parameter_supported: true };

describe('iss-missing', () => {
  beforeEach(resetBuilders);

  it('passes a response with iss from a server that advertises it', async () => {
    expect(
      await findingsOf([discovery(SUPPORTED), authorize(), ...callback({ code: 'c1', state: STATE, iss: AS }), token({ code: 'c1' })]),
    ).toEqual([]);
  });

  it('reports a response without iss from a server that advertises it, as an error', async () => {
    const meta = discovery(SUPPORTED);
    const auth = authorize();
    const response = callback({ code: 'c1', state: STATE });
    const findings = await findingsOf([meta, auth, ...response, token({ code: 'c1' })]);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({ ruleId: 'iss-missing', severity: 'error', flowId: `flow-${auth.id}` });
    expect(finding!.message).toContain('must reject');
    expect(finding!.exchangeIds).toEqual([auth.id, response[0]!.id, response[1]!.id, meta.id]);
    expect(finding!.evidence).toContainEqual({ label: 'authorization_response_iss_parameter_supported', value: 'true' });
    expect(finding!.evidence).toContainEqual({ label: 'issuer (metadata)', value: AS });
  });

  it('reports an error response without iss too (RFC 9207 §2: error responses included)', async () => {
    const [finding] = await findingsOf([discovery(SUPPORTED), authorize(), ...callback({ error: 'access_denied', state: STATE })]);
    expect(finding).toMatchObject({ severity: 'error' });
    expect(finding!.message).toContain('error response');
  });

  it('reports info when the metadata does not advertise iss', async () => {
    const [finding] = await findingsOf([discovery(), authorize(), ...callback({ code: 'c1', state: STATE })]);
    expect(finding).toMatchObject({ severity: 'info' });
    expect(finding!.evidence).toContainEqual({ label: 'authorization_response_iss_parameter_supported', value: '(absent: false)' });
    resetBuilders();
    const [explicit] = await findingsOf([
      discovery({ authorization_response_iss_parameter_supported: false }),
      authorize(),
      formPostCallback({ code: 'c1', state: STATE }),
    ]);
    expect(explicit).toMatchObject({ severity: 'info' });
    expect(explicit!.evidence).toContainEqual({ label: 'response mode', value: 'form_post' });
  });

  it('says nothing without metadata', async () => {
    expect(await findingsOf([authorize(), ...callback({ code: 'c1', state: STATE })])).toEqual([]);
  });

  it('says nothing when the response carries an ID token, whose iss claim identifies the issuer (RFC 9207 §4)', async () => {
    const exchanges = [
      discovery(SUPPORTED),
      authorize({ response_type: 'id_token token', code_challenge: undefined, code_challenge_method: undefined }),
      ...frontChannelResponse({ access_token: ACCESS_TOKEN, token_type: 'Bearer', id_token: await signedIdToken(), state: STATE }),
    ];
    expect(await findingsOf(exchanges)).toEqual([]);
  });

  it('reports one finding for a response processed twice', async () => {
    const exchanges = [
      discovery(SUPPORTED),
      authorize(),
      ...callback({ code: 'c1', state: STATE }),
      ...callback({ code: 'c1', state: STATE }),
    ];
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.evidence).toContainEqual({ label: 'responses without iss', value: '2' });
  });

  describe('recorded demo sign-ins (oidc-provider advertises iss)', () => {
    it('passes the good flow, and the implicit one whose ID token carries the issuer', async () => {
      expect(await findingsOf(recorded('good'))).toEqual([]);
      expect(await findingsOf(recorded('implicit'))).toEqual([]);
    });

    it('reports the rogue callback without iss', async () => {
      expect(await findingsOf(recorded('iss-missing'))).toMatchObject([{ ruleId: 'iss-missing', severity: 'error' }]);
    });

    it('reports the forged error callback without iss', async () => {
      expect(await findingsOf(recorded('hostile-error-response'))).toMatchObject([{ ruleId: 'iss-missing', severity: 'error' }]);
    });
  });
});
