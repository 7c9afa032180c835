import { beforeEach, describe, expect, it } from 'vitest';
import { AS, authorize, callback, defaultAuthorizeParams, resetBuilders } from '../../../tests/support/build.ts';
import {
  ACCESS_TOKEN,
  CODE,
  frontChannelResponse,
  idClaims,
  JWE_ID_TOKEN,
  recorded,
  recordedIdsNotExpecting,
  refreshWithIdToken,
  signedIdToken,
  tokenWithIdToken,
} from '../../../tests/support/id-tokens.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';
import { authorizeByReference, par } from '../../../tests/support/state-redirect-client.ts';
import { analyze } from '../analyze.ts';
import type { Exchange } from '../model.ts';
import rule from './oidc-nonce-mismatch.ts';

const findingsOf = findingsOfRule(rule);
const STATE = defaultAuthorizeParams.state;
const NONCE = defaultAuthorizeParams.nonce;

/** authorize → callback with a code → token response carrying `idToken` (and refresh token rt-1). */
const codeFlow = (idToken: string, authorizeParams: Record<string, string | undefined> = {}): Exchange[] => [
  authorize(authorizeParams),
  ...callback({ code: CODE, state: STATE, iss: AS }),
  tokenWithIdToken(idToken, { body: { refresh_token: 'rt-1' } }),
];

describe('oidc-nonce-mismatch', () => {
  beforeEach(resetBuilders);

  it('passes an ID token whose nonce is the one sent', async () => {
    expect(await findingsOf(codeFlow(await signedIdToken()))).toEqual([]);
  });

  it('reports a different nonce, without the token in the message', async () => {
    const idToken = await signedIdToken(idClaims({ nonce: 'another-sessions-nonce' }));
    const exchanges = codeFlow(idToken);
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({ ruleId: 'oidc-nonce-mismatch', severity: 'error', flowId: `flow-${exchanges[0]!.id}` });
    expect(finding!.message).toContain('not the one the authorization request sent');
    expect(finding!.message).not.toContain(idToken);
    expect(finding!.exchangeIds).toEqual([exchanges[0]!.id, exchanges[3]!.id]);
    expect(finding!.evidence).toContainEqual({ label: 'nonce claim', value: 'another-sessions-nonce' });
    expect(finding!.evidence).toContainEqual({ label: 'nonce (authorization request)', value: NONCE });
    expect(finding!.evidence).toContainEqual({ label: 'id_token', value: idToken, secret: true });
  });

  it('compares exact strings (a trailing space is a mismatch)', async () => {
    expect(await findingsOf(codeFlow(await signedIdToken(idClaims({ nonce: `${NONCE} ` }))))).toHaveLength(1);
  });

  it('reports a nonce that is absent although one was sent', async () => {
    const [finding] = await findingsOf(codeFlow(await signedIdToken(idClaims({ nonce: undefined }))));
    expect(finding!.message).toContain('has no nonce');
    expect(finding!.evidence).toContainEqual({ label: 'nonce claim', value: '(absent)' });
  });

  it('reports a nonce that is present although none was sent', async () => {
    const [finding] = await findingsOf(codeFlow(await signedIdToken(), { nonce: undefined }));
    expect(finding!.message).toContain('although the authorization request sent none');
    expect(finding!.evidence).toContainEqual({ label: 'nonce (authorization request)', value: '(none sent)' });
  });

  it('passes when no nonce was sent and none came back, or an empty one was sent and echoed', async () => {
    expect(await findingsOf(codeFlow(await signedIdToken(idClaims({ nonce: undefined })), { nonce: undefined }))).toEqual([]);
    resetBuilders();
    expect(await findingsOf(codeFlow(await signedIdToken(idClaims({ nonce: '' })), { nonce: '' }))).toEqual([]);
  });

  it('reports a non-string nonce claim', async () => {
    const [finding] = await findingsOf(codeFlow(await signedIdToken(idClaims({ nonce: 42 }))));
    expect(finding!.evidence).toContainEqual({ label: 'nonce claim', value: '42' });
  });

  it('checks an ID token from the authorization endpoint (implicit, fragment)', async () => {
    const idToken = await signedIdToken(idClaims({ nonce: 'replayed' }));
    const auth = authorize({ response_type: 'id_token token', code_challenge: undefined, code_challenge_method: undefined });
    const response = frontChannelResponse({ access_token: ACCESS_TOKEN, token_type: 'Bearer', id_token: idToken, state: STATE });
    const [finding, ...rest] = await findingsOf([auth, ...response]);
    expect(rest).toEqual([]);
    expect(finding!.message).toContain('from the authorization response');
    expect(finding!.exchangeIds).toEqual([auth.id, response[0]!.id, response[1]!.id]);
  });

  it('compares with the effective nonce of a pushed request (PAR)', async () => {
    const pushed = (idToken: string) => [
      par({ nonce: 'pushed-nonce-0123456789' }),
      authorizeByReference(),
      ...callback({ code: CODE, state: STATE, iss: AS }),
      tokenWithIdToken(idToken),
    ];
    expect(await findingsOf(pushed(await signedIdToken(idClaims({ nonce: 'pushed-nonce-0123456789' }))))).toEqual([]);
    resetBuilders();
    expect(await findingsOf(pushed(await signedIdToken()))).toMatchObject([{ ruleId: 'oidc-nonce-mismatch' }]);
  });

  it('says nothing without the authorization request, or for a JWE', async () => {
    expect(await findingsOf([tokenWithIdToken(await signedIdToken(idClaims({ nonce: 'x' })))])).toEqual([]);
    resetBuilders();
    expect(await findingsOf(codeFlow(JWE_ID_TOKEN))).toEqual([]);
  });

  it('says nothing when the request_uri cannot be resolved (parameters unreadable)', async () => {
    const exchanges = [
      authorizeByReference(),
      ...callback({ code: CODE, state: STATE, iss: AS }),
      tokenWithIdToken(await signedIdToken(idClaims({ nonce: 'x' }))),
    ];
    expect(await findingsOf(exchanges)).toEqual([]);
  });

  describe('refresh responses (OIDC Core §12.2)', () => {
    it('passes a refresh ID token without nonce or with the original one', async () => {
      const exchanges = [
        ...codeFlow(await signedIdToken()),
        refreshWithIdToken(await signedIdToken(idClaims({ nonce: undefined })), 'rt-1', 'rt-2'),
        refreshWithIdToken(await signedIdToken(), 'rt-2', 'rt-3'),
      ];
      expect(await findingsOf(exchanges)).toEqual([]);
    });

    it('reports a refresh ID token with another nonce', async () => {
      const flow = codeFlow(await signedIdToken());
      const refresh = refreshWithIdToken(await signedIdToken(idClaims({ nonce: 'other' })), 'rt-1');
      const [finding, ...rest] = await findingsOf([...flow, refresh]);
      expect(rest).toEqual([]);
      expect(finding!.message).toContain('refresh response');
      expect(finding!.exchangeIds).toContain(refresh.id);
      expect(finding!.evidence).toContainEqual({ label: 'ID token from', value: 'the refresh token response' });
    });

    it('reports a refresh ID token with a nonce when the sign-in had none', async () => {
      const exchanges = [
        ...codeFlow(await signedIdToken(idClaims({ nonce: undefined })), { nonce: undefined }),
        refreshWithIdToken(await signedIdToken(), 'rt-1'),
      ];
      const [finding] = await findingsOf(exchanges);
      expect(finding!.message).toContain('original sign-in had none');
    });

    it('compares with the original ID token when the authorization request is unreadable', async () => {
      const original = await signedIdToken(idClaims({ nonce: 'original' }));
      const unreadable = (refreshNonce: string) => async () => [
        authorizeByReference(),
        ...callback({ code: CODE, state: STATE, iss: AS }),
        tokenWithIdToken(original, { body: { refresh_token: 'rt-1' } }),
        refreshWithIdToken(await signedIdToken(idClaims({ nonce: refreshNonce })), 'rt-1'),
      ];
      expect(await findingsOf(await unreadable('original')())).toEqual([]);
      resetBuilders();
      const [finding] = await findingsOf(await unreadable('other')());
      expect(finding!.evidence).toContainEqual({ label: 'nonce (original ID token)', value: 'original' });
    });

    it('says nothing for a refresh attached to the flow by client only', async () => {
      // The code exchange's response has no refresh token, so the refresh pairs by client and endpoint only.
      const exchanges = [
        authorize(),
        ...callback({ code: CODE, state: STATE, iss: AS }),
        tokenWithIdToken(await signedIdToken()),
        refreshWithIdToken(await signedIdToken(idClaims({ nonce: 'other' })), 'rt-unknown'),
      ];
      const { flows } = await analyze(exchanges, []);
      expect(flows[0]!.steps.find((s) => s.kind === 'refresh')).toMatchObject({ pairedBy: 'client' });
      expect(await findingsOf(exchanges)).toEqual([]);
    });
  });

  it.each(recordedIdsNotExpecting('oidc-nonce-mismatch'))(
    'passes the recorded %s sign-in (refresh ID tokens there repeat the original nonce)',
    async (id) => {
      expect(await findingsOf(recorded(id))).toEqual([]);
    },
  );

  it('reports the recorded rogue ID token with another nonce', async () => {
    expect(await findingsOf(recorded('id-token-nonce-mismatch'))).toMatchObject([{ ruleId: 'oidc-nonce-mismatch', severity: 'error' }]);
  });
});
