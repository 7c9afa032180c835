import { beforeEach, describe, expect, it } from 'vitest';
import { AS, authorize, callback, defaultAuthorizeParams, formPostCallback, resetBuilders } from '../../../tests/support/build.ts';
import {
  ACCESS_TOKEN,
  CODE,
  frontChannelResponse,
  halfHash,
  idClaims,
  JWE_ID_TOKEN,
  recorded,
  signedIdToken,
  tokenWithIdToken,
  unsecuredIdToken,
} from '../../../tests/support/id-tokens.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';
import { analyze } from '../analyze.ts';
import type { Exchange } from '../model.ts';
import rule from './hash-claim-mismatch.ts';

const findingsOf = findingsOfRule(rule);
const STATE = defaultAuthorizeParams.state;
const noPkce = { code_challenge: undefined, code_challenge_method: undefined };

/** Implicit `id_token token`: the ID token and the access token arrive together in the fragment. */
const implicitFlow = (idToken: string): Exchange[] => [
  authorize({ response_type: 'id_token token', ...noPkce }),
  ...frontChannelResponse({ access_token: ACCESS_TOKEN, token_type: 'Bearer', id_token: idToken, state: STATE }),
];

/** Hybrid `code id_token`: the ID token and the code arrive together, then the code is exchanged. */
const hybridFlow = (idToken: string): Exchange[] => [
  authorize({ response_type: 'code id_token' }),
  ...frontChannelResponse({ code: CODE, id_token: idToken, state: STATE }),
  tokenWithIdToken(undefined),
];

/** Code flow: the ID token comes from the token response, with the access token. */
const codeFlow = (idToken: string): Exchange[] => [
  authorize(),
  ...callback({ code: CODE, state: STATE, iss: AS }),
  tokenWithIdToken(idToken),
];

describe('hash-claim-mismatch', () => {
  beforeEach(resetBuilders);

  describe('at_hash in the implicit flow (REQUIRED)', () => {
    it('passes the right at_hash (RS256: SHA-256)', async () => {
      expect(await findingsOf(implicitFlow(await signedIdToken(idClaims({ at_hash: halfHash(ACCESS_TOKEN) }))))).toEqual([]);
    });

    it('reports a wrong at_hash, with the recomputed value and the secrets flagged', async () => {
      const idToken = await signedIdToken(idClaims({ at_hash: halfHash('another-access-token') }));
      const exchanges = implicitFlow(idToken);
      const findings = await findingsOf(exchanges);
      expect(findings).toHaveLength(1);
      const [finding] = findings;
      expect(finding).toMatchObject({ ruleId: 'hash-claim-mismatch', severity: 'error', flowId: `flow-${exchanges[0]!.id}` });
      expect(finding!.message).toContain('at_hash');
      expect(finding!.message).not.toContain(ACCESS_TOKEN);
      expect(finding!.evidence).toContainEqual({ label: 'at_hash recomputed', value: halfHash(ACCESS_TOKEN) });
      expect(finding!.evidence).toContainEqual({ label: 'hash', value: 'SHA-256' });
      expect(finding!.evidence).toContainEqual({ label: 'access_token', value: ACCESS_TOKEN, secret: true });
      expect(finding!.evidence).toContainEqual({ label: 'id_token', value: idToken, secret: true });
      expect(finding!.exchangeIds).toEqual(exchanges.map((e) => e.id));
    });

    it('reports an absent at_hash', async () => {
      const [finding] = await findingsOf(implicitFlow(await signedIdToken()));
      expect(finding!.message).toContain('has no at_hash although it is REQUIRED');
      expect(finding!.evidence).toContainEqual({ label: 'at_hash', value: '(absent, REQUIRED)' });
    });

    it('reports an absent at_hash even when the alg gives no hash (none)', async () => {
      expect(await findingsOf(implicitFlow(unsecuredIdToken()))).toHaveLength(1);
      resetBuilders();
      // Present, but its hash cannot be told from alg none: nothing to compare.
      expect(await findingsOf(implicitFlow(unsecuredIdToken(idClaims({ at_hash: 'anything' }))))).toEqual([]);
    });
  });

  describe('the hash follows the alg', () => {
    it('uses SHA-384 for ES384 and SHA-512 for PS512', async () => {
      expect(await findingsOf(implicitFlow(await signedIdToken(idClaims({ at_hash: halfHash(ACCESS_TOKEN, 'sha384') }), 'ES384')))).toEqual(
        [],
      );
      resetBuilders();
      const [finding] = await findingsOf(
        implicitFlow(await signedIdToken(idClaims({ at_hash: halfHash(ACCESS_TOKEN, 'sha256') }), 'ES384')),
      );
      expect(finding!.evidence).toContainEqual({ label: 'hash', value: 'SHA-384' });
      resetBuilders();
      expect(await findingsOf(implicitFlow(await signedIdToken(idClaims({ at_hash: halfHash(ACCESS_TOKEN, 'sha512') }), 'PS512')))).toEqual(
        [],
      );
    });

    it('uses SHA-512 for EdDSA over Ed25519, saying so when the curve is assumed', async () => {
      expect(await findingsOf(implicitFlow(await signedIdToken(idClaims({ at_hash: halfHash(ACCESS_TOKEN, 'sha512') }), 'EdDSA')))).toEqual(
        [],
      );
      resetBuilders();
      expect(
        await findingsOf(implicitFlow(await signedIdToken(idClaims({ at_hash: halfHash(ACCESS_TOKEN, 'sha512') }), 'Ed25519'))),
      ).toEqual([]);
      resetBuilders();
      const [assumed] = await findingsOf(
        implicitFlow(await signedIdToken(idClaims({ at_hash: halfHash(ACCESS_TOKEN, 'sha256') }), 'EdDSA')),
      );
      expect(assumed!.evidence).toContainEqual({ label: 'hash', value: 'SHA-512' });
      expect(assumed!.evidence.find((e) => e.label === 'assumed')?.value).toContain('Ed25519');
      resetBuilders();
      const [named] = await findingsOf(
        implicitFlow(await signedIdToken(idClaims({ at_hash: halfHash(ACCESS_TOKEN, 'sha256') }), 'EdDSA', { crv: 'Ed25519' })),
      );
      expect(named!.evidence.find((e) => e.label === 'assumed')).toBeUndefined();
    });
  });

  describe('c_hash in the hybrid flow (REQUIRED)', () => {
    it('passes the right c_hash', async () => {
      expect(await findingsOf(hybridFlow(await signedIdToken(idClaims({ c_hash: halfHash(CODE) }))))).toEqual([]);
    });

    it('reports a wrong or absent c_hash, with the code flagged secret', async () => {
      const [wrong] = await findingsOf(hybridFlow(await signedIdToken(idClaims({ c_hash: halfHash('injected-code') }))));
      expect(wrong!.message).toContain('c_hash');
      expect(wrong!.evidence).toContainEqual({ label: 'c_hash recomputed', value: halfHash(CODE) });
      expect(wrong!.evidence).toContainEqual({ label: 'code', value: CODE, secret: true });
      resetBuilders();
      const [absent] = await findingsOf(hybridFlow(await signedIdToken()));
      expect(absent!.evidence).toContainEqual({ label: 'c_hash', value: '(absent, REQUIRED)' });
    });

    it('lists both claims of `code id_token token` in one finding (form_post)', async () => {
      const idToken = await signedIdToken(idClaims({ at_hash: 'wrong', c_hash: 'wrong' }));
      const exchanges = [
        authorize({ response_type: 'code id_token token', response_mode: 'form_post' }),
        formPostCallback({ code: CODE, access_token: ACCESS_TOKEN, token_type: 'Bearer', id_token: idToken, state: STATE }),
      ];
      const findings = await findingsOf(exchanges);
      expect(findings).toHaveLength(1);
      expect(findings[0]!.evidence.map((e) => e.label)).toEqual(
        expect.arrayContaining(['at_hash', 'c_hash', 'at_hash recomputed', 'c_hash recomputed']),
      );
    });
  });

  describe('token responses (at_hash OPTIONAL)', () => {
    it('passes a code-flow ID token without at_hash, or with the right one', async () => {
      expect(await findingsOf(codeFlow(await signedIdToken()))).toEqual([]);
      resetBuilders();
      expect(await findingsOf(codeFlow(await signedIdToken(idClaims({ at_hash: halfHash(ACCESS_TOKEN) }))))).toEqual([]);
    });

    it('reports a wrong at_hash when present', async () => {
      const [finding] = await findingsOf(codeFlow(await signedIdToken(idClaims({ at_hash: halfHash('other') }))));
      expect(finding!.message).toContain('from the token response');
    });
  });

  it('keeps the recomputed hashes on the flow, without secrets', async () => {
    const { flows } = await analyze(implicitFlow(await signedIdToken(idClaims({ at_hash: halfHash(ACCESS_TOKEN) }))), []);
    expect(flows[0]!.idTokenHashes).toEqual([
      expect.objectContaining({ claim: 'at_hash', status: 'match', required: true, hash: 'SHA-256', computed: halfHash(ACCESS_TOKEN) }),
    ]);
    expect(JSON.stringify(flows[0]!.idTokenHashes)).not.toContain(ACCESS_TOKEN);
  });

  it('says nothing about a JWE (its claims are not readable)', async () => {
    expect(await findingsOf(implicitFlow(JWE_ID_TOKEN))).toEqual([]);
  });

  it("agrees with oidc-provider's at_hash (recorded implicit sign-in)", async () => {
    const exchanges = recorded('implicit');
    const { flows } = await analyze(exchanges, []);
    expect(flows.flatMap((f) => f.idTokenHashes ?? [])).toEqual([
      expect.objectContaining({ claim: 'at_hash', required: true, status: 'match' }),
    ]);
    expect(await findingsOf(exchanges)).toEqual([]);
  });

  it('reports the recorded rogue at_hash', async () => {
    const [finding, ...rest] = await findingsOf(recorded('hash-claim-mismatch'));
    expect(rest).toEqual([]);
    expect(finding!.message).toContain('an at_hash');
  });
});
