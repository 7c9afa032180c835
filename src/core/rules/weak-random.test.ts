import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { SDKS, seededBytes, uuidV4 } from '../../../tests/support/sdk-random.ts';
import { authorize, callback, goodFlow, resetBuilders, token } from '../../../tests/support/build.ts';
import rule from './weak-random.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const RANDOM = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';

describe('weak-random', () => {
  beforeEach(resetBuilders);

  it('passes random state, nonce and verifier (RFC 7636 App. B)', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('warns about a short state, showing it', async () => {
    const [auth] = goodFlow({ authorize: { state: 'af0ifjsldkj' } });
    const findings = await findingsOf([auth!]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'weak-random', severity: 'warning', flowId: `flow-${auth!.id}`, exchangeIds: [auth!.id] });
    expect(findings[0]!.message).toMatch(/^The state is estimated at \d+ bits of entropy \(11 characters\), below 128\.$/);
    expect(findings[0]!.evidence).toContainEqual({ label: 'state', value: 'af0ifjsldkj' });
  });

  it('warns about a repetitive nonce', async () => {
    const [finding] = await findingsOf([authorize({ nonce: 'abcabcabcabcabcabcabcabcabcabcabcabcabcabc' })]);
    expect(finding!.message).toContain('The nonce is estimated at');
    expect(finding!.evidence).toContainEqual({ label: 'estimator', value: 'repeat' });
  });

  it('warns about a weak verifier without showing it', async () => {
    const verifier = '0000000000000000000000000000000000000000001';
    const auth = authorize({ code_challenge: verifier, code_challenge_method: 'plain' });
    const request = token({ code_verifier: verifier });
    const findings = await findingsOf([auth, ...callback({ code: 'SplxlOBeZQQYbYS6WxSbIA', state: RANDOM }), request]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ flowId: `flow-${auth.id}`, exchangeIds: [request.id] });
    expect(findings[0]!.message).toContain('PKCE code_verifier');
    expect(findings[0]!.message).not.toContain(verifier);
    expect(findings[0]!.evidence).toContainEqual({ label: 'code_verifier', value: verifier, secret: true });
  });

  it('judges a UUID by its version (RFC 9562 §5)', async () => {
    // Version 4: 122 random bits from a CSPRNG, no evidence of predictability.
    expect(await findingsOf([authorize({ state: '3f0c9a1e-8b7d-4c2a-9e6f-1a2b3c4d5e6f' })])).toEqual([]);
    resetBuilders();
    // Version 7 (MSAL's nonce): the time, then at most 74 random bits.
    const [v7] = await findingsOf([authorize({ state: '019a4f3e-8b7d-7c2a-9e6f-1a2b3c4d5e6f' })]);
    expect(v7).toMatchObject({ severity: 'info' });
    expect(v7!.evidence).toContainEqual({ label: 'estimated bits', value: '74' });
    resetBuilders();
    // Version 1 (RFC 9562 App. A.1): a timestamp, a clock sequence and a network address.
    const [v1] = await findingsOf([authorize({ state: 'C232AB00-9414-11EC-B3C8-9F6BDECED846' })]);
    expect(v1).toMatchObject({ severity: 'warning' });
    expect(v1!.message).toContain('time-based version-1 UUID');
  });

  it('gives a UUID the same verdict with or without dashes, in either case', async () => {
    // RFC 9562 App. A.1, A.5, A.6 examples, all made at 2022-02-22T19:22:22Z.
    const sent = Date.parse('2022-02-22T19:22:22Z');
    const verdicts = async (uuid: string) => {
      const forms = [uuid, uuid.toUpperCase(), uuid.replaceAll('-', ''), uuid.replaceAll('-', '').toUpperCase()];
      const found = [];
      for (const state of forms) {
        resetBuilders();
        found.push((await findingsOf([authorize({ state }, { time: sent + 5_000 })])).map((f) => f.severity));
      }
      return found;
    };
    expect(await verdicts('c232ab00-9414-11ec-b3c8-9f6bdeced846')).toEqual(Array(4).fill(['warning']));
    expect(await verdicts('1ec9414c-232a-6b00-b3c8-9f6bdeced846')).toEqual(Array(4).fill(['warning']));
    expect(await verdicts('017f22e2-79b0-7cc3-98c4-dc0c0c07398f')).toEqual(Array(4).fill(['info']));
    await fc.assert(
      fc.asyncProperty(fc.integer(), async (seed) => {
        const uuid = uuidV4(seededBytes(seed));
        expect(await verdicts(uuid)).toEqual(Array(4).fill([]));
      }),
      { numRuns: 50 },
    );
  });

  it('does not read 32 random hex digits as a time-based UUID unless they hold the time of the request', async () => {
    // Version nibble 7 and variant bits 10, but the first 48 bits are no time near 2026.
    expect(await findingsOf([authorize({ state: 'f3c09a1e8b7d7c2a9e6f1a2b3c4d5e6f' })])).toEqual([]);
  });

  it('warns about values counting up across flows, each of them', async () => {
    const auths = [1, 2, 3].map((n) => authorize({ state: `${RANDOM}${n}` }));
    const findings = await findingsOf(auths);
    expect(findings.map((f) => f.flowId)).toEqual(auths.map((a) => `flow-${a.id}`));
    expect(findings[2]!.message).toBe('The state counts up by 1 across 3 flows, so the next one can be predicted.');
    // Each finding names its neighbours in the sequence, not every member (that would grow quadratically).
    expect(findings[2]!.exchangeIds).toEqual([auths[2]!.id, auths[1]!.id]);
    expect(findings[2]!.evidence).toContainEqual({ label: `state of flow-${auths[1]!.id}`, value: `${RANDOM}2` });
    expect(findings[2]!.evidence).toContainEqual({ label: 'sequence length', value: `3 flows, from flow-${auths[0]!.id}` });
    expect(findings[1]!.exchangeIds).toEqual([auths[1]!.id, auths[0]!.id, auths[2]!.id]);
  });

  it('combines both reasons for a counter', async () => {
    const findings = await findingsOf(['10', '20', '30'].map((state) => authorize({ state })));
    expect(findings).toHaveLength(3);
    expect(findings[0]!.message).toMatch(/^The state is estimated at \d+ bits .*, and counts up by 10 across 3 flows/);
  });

  it('does not see a sequence in two flows', async () => {
    expect(await findingsOf([authorize({ state: `${RANDOM}1` }), authorize({ state: `${RANDOM}2` })])).toEqual([]);
  });

  it('notes a state over 128 characters or outside VSCHAR (info)', async () => {
    const long = `${RANDOM}${RANDOM}${RANDOM}${RANDOM}${RANDOM}`;
    const [tooLong] = await findingsOf([authorize({ state: long })]);
    expect(tooLong).toMatchObject({ severity: 'info' });
    expect(tooLong!.message).toContain('160 characters long');

    resetBuilders();
    const [outside] = await findingsOf([authorize({ state: `${RANDOM}é\n` })]);
    expect(outside).toMatchObject({ severity: 'info' });
    expect(outside!.evidence).toContainEqual({ label: 'characters outside VSCHAR', value: 'U+00E9, U+000A' });
  });

  // RFC 6749 Appendix A.5: state = 1*VSCHAR (%x20-7E). Base64 (Auth0, MSAL), MSAL's `|` user state: legal.
  it('says nothing of VSCHAR characters outside the unreserved set', async () => {
    for (const state of ['q83vEjRWeJq8PxAy/xO+Aw8Kj2Lm9Nq1Rs3Tu5Vw7Xy==', `${RANDOM}|/profile?tab=1 &x`]) {
      resetBuilders();
      expect(await findingsOf([authorize({ state })])).toEqual([]);
    }
  });

  it('gives a weak state outside VSCHAR both findings', async () => {
    const findings = await findingsOf([authorize({ state: 'a\tb' })]);
    expect(findings.map((f) => f.severity).sort()).toEqual(['info', 'warning']);
  });

  // What the five vendor SDKs send (tests/support/sdk-random.ts, after their code in node_modules).
  it.each(Object.keys(SDKS))('reports nothing above info for the values %s generates', async (sdk) => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), async (seed) => {
        resetBuilders();
        const sent = Date.parse('2026-11-22T10:00:00Z');
        const { state, nonce, verifier } = SDKS[sdk]!(seededBytes(seed), sent);
        const auth = authorize({ state, nonce, code_challenge: undefined, code_challenge_method: undefined });
        const findings = await findingsOf([
          auth,
          ...callback({ code: 'SplxlOBeZQQYbYS6WxSbIA', state }),
          token({ code_verifier: verifier }),
        ]);
        expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
        // MSAL's nonce is a version-7 UUID: the only note.
        expect(findings.map((f) => f.evidence.find((e) => e.label === 'nonce')?.value)).toEqual(
          sdk === '@azure/msal-browser' ? [nonce] : [],
        );
      }),
      { numRuns: 40 },
    );
  });
});
