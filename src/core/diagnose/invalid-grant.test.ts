import { beforeEach, describe, expect, it } from 'vitest';
import {
  advance,
  AS,
  authorize,
  callback,
  defaultAuthorizeParams,
  defaultTokenParams,
  jsonBody,
  resetBuilders,
  token,
  VERIFIER,
} from '../../../tests/support/build.ts';
import { discovery } from '../../../tests/support/request-hygiene.ts';
import { demoFixture, refresh, tokens } from '../../../tests/support/token-responses.ts';
import { analyze } from '../analyze.ts';
import type { Exchange } from '../model.ts';
import { s256 } from '../pkce.ts';
import type { Diagnosis, DiagnosisHint, InvalidGrantCause } from './types.ts';

const CODE = defaultTokenParams.code;
const STATE = defaultAuthorizeParams.state;
const refused = { status: 400, responseBody: jsonBody({ error: 'invalid_grant' }) };

/** The invalid-grant diagnosis of the token request sent by `exchange` (the request is its first exchange). */
async function diagnosisOf(exchanges: Exchange[], exchange: Exchange): Promise<Diagnosis | undefined> {
  const { diagnoses } = await analyze(exchanges, []);
  return diagnoses.find((d) => d.kind === 'invalid-grant' && d.exchangeIds[0] === exchange.id);
}

const isCause = (hint: DiagnosisHint): hint is InvalidGrantCause => 'likelihood' in hint;

async function causesOf(exchanges: Exchange[], exchange: Exchange): Promise<InvalidGrantCause[]> {
  const diagnosis = await diagnosisOf(exchanges, exchange);
  expect(diagnosis, 'an invalid-grant diagnosis').toBeDefined();
  return diagnosis!.hints.filter(isCause);
}

const kinds = (causes: readonly InvalidGrantCause[]) => causes.map((c) => `${c.kind}/${c.likelihood}`);

/** authorize → callback, then `tokenRequests` built after it. */
function flow(tokenRequests: () => Exchange[], authorizeParams: Record<string, string | undefined> = {}): Exchange[] {
  return [authorize(authorizeParams), ...callback({ code: CODE, state: STATE }), ...tokenRequests()];
}

describe('the invalid-grant diagnosis', () => {
  beforeEach(resetBuilders);

  it('finds no cause for a correct exchange, and says what it ruled out', async () => {
    let failed!: Exchange;
    const exchanges = flow(() => [(failed = token({}, refused))]);
    const diagnosis = await diagnosisOf(exchanges, failed);
    expect(diagnosis).toMatchObject({ kind: 'invalid-grant', likelihood: 'possible', evidence: [] });
    expect(diagnosis!.hints.map((h) => h.kind)).toEqual([
      'no-earlier-exchange',
      'code-age',
      'pkce-status',
      'redirect-uri-identical',
      'client-id-same',
    ]);
    expect(diagnosis!.hints).toContainEqual({ kind: 'pkce-status', status: 'match' });
  });

  it('is not raised for a request the server accepted', async () => {
    expect(
      (
        await analyze(
          flow(() => [token()]),
          [],
        )
      ).diagnoses,
    ).toEqual([]);
  });

  it('names an earlier exchange of the same code: when, its status, and a double effect', async () => {
    let first!: Exchange;
    let second!: Exchange;
    const exchanges = flow(() => [(first = token({}, { tabId: 7 })), (second = token({}, { ...refused, tabId: 7 }))]);
    const diagnosis = await diagnosisOf(exchanges, second);
    const causes = diagnosis!.hints.filter(isCause);
    expect(kinds(causes)).toEqual(['code-reused/certain']);
    expect(causes[0]).toEqual({
      kind: 'code-reused',
      likelihood: 'certain',
      earlierExchangeId: first.id,
      earlierTime: first.time,
      earlierStatus: 200,
      earlierError: null,
      earlierNetworkError: null,
      gapMs: 100,
      sameTab: true,
      pattern: 'double-effect',
      earlierCount: 1,
    });
    expect(diagnosis!.likelihood).toBe('certain');
    expect(diagnosis!.evidence).toContainEqual({ label: 'code', value: CODE, secret: true });
    expect(diagnosis!.evidence).toContainEqual({ label: 'earlier exchange status', value: '200' });
    expect(diagnosis!.evidence).toContainEqual({ label: 'same tab', value: 'yes' });
    expect(diagnosis!.exchangeIds).toEqual([second.id, first.id]);
    expect(JSON.stringify(diagnosis!.hints)).not.toContain(CODE);
  });

  it('says a double submit when the first exchange was still in flight, and is only possible when it got no answer', async () => {
    let second!: Exchange;
    const inFlight = flow(() => {
      const first = token();
      return [first, (second = token({}, { ...refused, time: first.time + 10 }))];
    });
    expect((await causesOf(inFlight, second))[0]).toMatchObject({ kind: 'code-reused', pattern: 'in-flight' });
    resetBuilders();
    const unanswered = flow(() => [token({}, { status: undefined }), (second = token({}, refused))]);
    expect((await causesOf(unanswered, second))[0]).toMatchObject({ kind: 'code-reused', likelihood: 'possible', earlierStatus: null });
  });

  it('names another tab when two tabs redeemed the same callback', async () => {
    let second!: Exchange;
    const exchanges = flow(() => [token({}, { tabId: 1 }), (second = token({}, { ...refused, tabId: 2 }))]);
    expect((await causesOf(exchanges, second))[0]).toMatchObject({ kind: 'code-reused', sameTab: false, pattern: 'other-tab' });
  });

  it("weighs the code's age: within a minute a checked fact, then possible, beyond 10 minutes certain", async () => {
    const aged = async (ms: number) => {
      resetBuilders();
      let failed!: Exchange;
      const exchanges = flow(() => {
        advance(ms);
        return [(failed = token({}, refused))];
      });
      return (await diagnosisOf(exchanges, failed))!;
    };
    const young = await aged(20_000);
    expect(young.hints.filter(isCause)).toEqual([]);
    expect(young.hints).toContainEqual({ kind: 'code-age', ageMs: 20_200 });
    const possible = await aged(61_000);
    expect(possible.hints.filter(isCause)).toEqual([{ kind: 'code-expired', likelihood: 'possible', ageMs: 61_200, beyondMaximum: false }]);
    expect(possible.evidence).toContainEqual({ label: 'code age', value: '61.2 s' });
    expect(possible.hints.some((h) => h.kind === 'code-age')).toBe(false);
    const certain = await aged(700_000);
    expect(certain.hints.filter(isCause)).toEqual([{ kind: 'code-expired', likelihood: 'certain', ageMs: 700_200, beyondMaximum: true }]);
  });

  it('names a PKCE mismatch with its near miss, a missing verifier, and a verifier without a challenge', async () => {
    let failed!: Exchange;
    const newline = flow(() => [(failed = token({ code_verifier: `${VERIFIER}\n` }, refused))]);
    const mismatch = (await diagnosisOf(newline, failed))!;
    expect(mismatch.hints.filter(isCause)).toEqual([
      { kind: 'pkce-mismatch', likelihood: 'certain', nearMiss: 'verifier-whitespace', otherFlowId: null },
    ]);
    expect(mismatch.evidence).toContainEqual({ label: 'near miss', value: 'verifier-whitespace' });
    expect(mismatch.evidence).toContainEqual({ label: 'code_verifier', value: `${VERIFIER}\n`, secret: true });
    expect(mismatch.hints.some((h) => h.kind === 'pkce-status')).toBe(false);
    resetBuilders();
    const missing = flow(() => [(failed = token({ code_verifier: undefined }, refused))]);
    expect(kinds(await causesOf(missing, failed))).toEqual(['pkce-verifier-missing/certain']);
    resetBuilders();
    const downgrade = flow(() => [(failed = token({}, refused))], { code_challenge: undefined, code_challenge_method: undefined });
    expect(kinds(await causesOf(downgrade, failed))).toEqual(['pkce-verifier-without-challenge/certain']);
  });

  it('names the verifier of another pending flow', async () => {
    const otherVerifier = 'another-verifier-of-43-characters-0123456789';
    const a = authorize({ state: 'state-a' });
    const b = authorize({ state: 'state-b', code_challenge: await s256(otherVerifier) });
    const failed = token({ code: 'code-a', code_verifier: otherVerifier }, refused);
    const [cause] = await causesOf([a, b, ...callback({ code: 'code-a', state: 'state-a' }), failed], failed);
    expect(cause).toEqual({ kind: 'pkce-mismatch', likelihood: 'certain', nearMiss: 'other-flow-verifier', otherFlowId: `flow-${b.id}` });
  });

  it('names a redirect_uri difference (certain) and an omitted redirect_uri (possible)', async () => {
    let failed!: Exchange;
    const slash = flow(() => [(failed = token({ redirect_uri: 'https://app.example/cb/' }, refused))]);
    const [cause] = await causesOf(slash, failed);
    expect(cause).toMatchObject({
      kind: 'redirect-uri-differs',
      likelihood: 'certain',
      atAuthorize: 'https://app.example/cb',
      atToken: 'https://app.example/cb/',
      difference: { kind: 'trailing-slash' },
    });
    resetBuilders();
    const omitted = flow(() => [(failed = token({ redirect_uri: undefined }, refused))]);
    expect(kinds(await causesOf(omitted, failed))).toEqual(['redirect-uri-omitted/possible']);
  });

  it('names a client_id difference, in the body or the Basic user name', async () => {
    let failed!: Exchange;
    const body = flow(() => [(failed = token({ client_id: 'legacy' }, refused))]);
    expect((await causesOf(body, failed))[0]).toEqual({
      kind: 'client-id-differs',
      likelihood: 'certain',
      atAuthorize: 'spa',
      atToken: 'legacy',
      source: 'body',
      grant: 'code',
    });
    resetBuilders();
    const basic = flow(() => [
      (failed = token({ client_id: undefined }, { ...refused, requestHeaders: { authorization: `Basic ${btoa('other:secret')}` } })),
    ]);
    const diagnosis = (await diagnosisOf(basic, failed))!;
    expect(diagnosis.hints.filter(isCause)[0]).toMatchObject({ kind: 'client-id-differs', atToken: 'other', source: 'basic' });
    expect(diagnosis.evidence).toContainEqual({ label: 'client_id at /token (Basic user)', value: 'other' });
  });

  it("names a token endpoint outside the issuer's metadata (certain) or origin (possible)", async () => {
    let failed!: Exchange;
    const withMetadata = [discovery(), ...flow(() => [(failed = token({}, { ...refused, url: 'https://mix-up.example/token' }))])];
    const [cause] = await causesOf(withMetadata, failed);
    expect(cause).toEqual({
      kind: 'token-endpoint-not-in-metadata',
      likelihood: 'certain',
      used: 'https://mix-up.example/token',
      inMetadata: `${AS}/token`,
      grant: 'code',
    });
    resetBuilders();
    const withoutMetadata = flow(() => [(failed = token({}, { ...refused, url: 'https://mix-up.example/token' }))]);
    expect(kinds(await causesOf(withoutMetadata, failed))).toEqual(['token-endpoint-other-origin/possible']);
  });

  it('names a DPoP-bound code redeemed without a proof', async () => {
    let failed!: Exchange;
    const unbound = flow(() => [(failed = token({}, refused))], { dpop_jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' });
    expect(kinds(await causesOf(unbound, failed))).toEqual(['dpop-proof-missing/certain']);
    resetBuilders();
    const bound = flow(() => [(failed = token({}, { ...refused, requestHeaders: { dpop: 'eyJ.proof.sig' } }))], {
      dpop_jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
    });
    expect(await causesOf(bound, failed)).toEqual([]);
  });

  it('puts certain causes first, each group in the checklist order', async () => {
    let failed!: Exchange;
    const exchanges = flow(() => {
      const first = token({ code_verifier: 'x'.repeat(43) }, { status: undefined });
      advance(65_000);
      return [
        first,
        (failed = token({ redirect_uri: 'https://app.example/cb/', client_id: 'legacy', code_verifier: 'x'.repeat(43) }, refused)),
      ];
    });
    expect(kinds(await causesOf(exchanges, failed))).toEqual([
      'pkce-mismatch/certain',
      'redirect-uri-differs/certain',
      'client-id-differs/certain',
      'code-reused/possible',
      'code-expired/possible',
    ]);
  });

  it('claims nothing about PKCE for a verifier other than the one analyze() recomputed', async () => {
    let failed!: Exchange;
    const exchanges = flow(() => [token({}, { status: undefined }), (failed = token({ code_verifier: 'x'.repeat(43) }, refused))]);
    const diagnosis = (await diagnosisOf(exchanges, failed))!;
    expect(kinds(diagnosis.hints.filter(isCause))).toEqual(['code-reused/possible']);
    expect(diagnosis.hints.some((h) => h.kind === 'pkce-status')).toBe(false);
  });

  it('says the error code was not observed for a 400 without a body, and still runs the checks', async () => {
    let failed!: Exchange;
    const exchanges = flow(() => [(failed = token({ redirect_uri: 'https://app.example/cb/' }, { status: 400 }))]);
    const diagnosis = (await diagnosisOf(exchanges, failed))!;
    expect(diagnosis.hints.map((h) => h.kind).slice(0, 2)).toEqual(['error-code-not-observed', 'redirect-uri-differs']);
  });

  it('explains a refresh with a token an earlier refresh rotated', async () => {
    let stale!: Exchange;
    let rotating!: Exchange;
    const exchanges = flow(() => [
      token({}, { responseBody: jsonBody(tokens('rt1')) }),
      (rotating = refresh('rt1', tokens('rt2'))),
      (stale = refresh('rt1', { error: 'invalid_grant' }, { status: 400 })),
    ]);
    const diagnosis = (await diagnosisOf(exchanges, stale))!;
    expect(diagnosis.hints.filter(isCause)[0]).toEqual({
      kind: 'refresh-token-reused',
      likelihood: 'certain',
      reuse: 'after-rotation',
      earlierExchangeId: rotating.id,
      earlierTime: rotating.time,
      earlierStatus: 200,
      earlierError: null,
    });
    expect(diagnosis.evidence).toContainEqual({ label: 'refresh_token', value: 'rt1', secret: true });
    // A refresh has no code checklist.
    expect(diagnosis.hints.some((h) => h.kind === 'no-earlier-exchange')).toBe(false);
  });

  it('says nothing about other grants, and never throws on a request without parameters', async () => {
    const password = token({ grant_type: 'password', code: undefined, code_verifier: undefined }, refused);
    expect((await analyze([password], [])).diagnoses).toEqual([]);
    const bare = token({ code: undefined, code_verifier: undefined, redirect_uri: undefined, client_id: undefined }, refused);
    const diagnosis = await diagnosisOf([bare], bare);
    expect(diagnosis?.hints.filter(isCause)).toEqual([]);
  });
});

describe('the invalid-grant diagnosis on the recorded demo fixtures', () => {
  /** The invalid-grant diagnoses of a recording, with their causes. */
  async function refusals(id: string) {
    const { diagnoses } = await analyze(demoFixture(id), []);
    return diagnoses.filter((d) => d.kind === 'invalid-grant').map((d) => ({ diagnosis: d, causes: d.hints.filter(isCause) }));
  }

  it.each([
    ['code-twice', 'code-reused'],
    ['code-exchange-late', 'code-expired'],
    ['redirect-uri-trailing-slash', 'redirect-uri-differs'],
    ['token-client-id-mismatch', 'client-id-differs'],
    ['refresh-token-reused', 'refresh-token-reused'],
  ])('%s: the first cause is %s', async (id, kind) => {
    const found = await refusals(id);
    expect(found).toHaveLength(1);
    expect(found[0]!.causes[0]).toMatchObject({ kind });
  });

  it("other-flow-verifier: each flow names the other flow's verifier", async () => {
    const found = await refusals('other-flow-verifier');
    expect(found).toHaveLength(2);
    for (const { diagnosis, causes } of found) {
      const other = found.find((f) => f.diagnosis !== diagnosis)!.diagnosis.flowId;
      expect(causes[0]).toEqual({ kind: 'pkce-mismatch', likelihood: 'certain', nearMiss: 'other-flow-verifier', otherFlowId: other });
    }
  });

  it('a clean recording has no refused grant', async () => {
    expect(await refusals('good')).toEqual([]);
  });
});
