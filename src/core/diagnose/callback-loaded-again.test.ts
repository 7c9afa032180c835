import { beforeEach, describe, expect, it } from 'vitest';
import {
  advance,
  AS,
  authorize,
  callback,
  defaultAuthorizeParams,
  defaultTokenParams,
  encode,
  exchange,
  goodFlow,
  jsonBody,
  REDIRECT_URI,
  resetBuilders,
  token,
} from '../../../tests/support/build.ts';
import { analyze } from '../analyze.ts';
import type { Exchange } from '../model.ts';
import { redactionMarker } from '../redaction-marker.ts';
import type { Diagnosis } from './types.ts';

const CODE = defaultTokenParams.code;
const STATE = defaultAuthorizeParams.state;
const refused = { status: 400, responseBody: jsonBody({ error: 'invalid_grant' }) };

/** The browser loads the callback URL again (a reload, Back, a second tab): a GET of the same URL, no redirect. */
function loadedAgain(params: Record<string, string> = { code: CODE, state: STATE, iss: AS }, tabId?: number): Exchange {
  return exchange({ url: `${REDIRECT_URI}?${encode(params)}`, status: 200, tabId });
}

async function diagnosesOf(exchanges: readonly Exchange[]): Promise<Diagnosis[]> {
  return (await analyze(exchanges, [])).diagnoses;
}

beforeEach(() => resetBuilders());

describe('a callback handled twice', () => {
  it('is named when the same response loads again after its code was redeemed and no token request follows', async () => {
    const flow = goodFlow();
    advance(2_000);
    const again = loadedAgain();
    const analysis = await analyze([...flow, again], []);
    expect(analysis.diagnoses.map((d) => `${d.kind}/${d.likelihood}`)).toEqual(['callback-loaded-again/possible']);
    const diagnosis = analysis.diagnoses[0]!;
    expect(diagnosis.hints.map((h) => h.kind)).toEqual([
      'callback-loaded-again',
      'repeat-found-no-transaction',
      'strip-code-after-handling',
    ]);
    expect(diagnosis.hints[0]).toMatchObject({ loads: 2, sameTab: null });
    expect(diagnosis.exchangeIds).toEqual(expect.arrayContaining([flow[2]!.id, flow[3]!.id, again.id]));
    // Not a finding: the flow's own verdict is untouched.
    expect(analysis.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('says whether the second load was in the same tab', async () => {
    const same = [authorize({}, { tabId: 7 }), ...callback({ code: CODE, state: STATE, iss: AS }, { tabId: 7 }), token({}, { tabId: 7 })];
    expect((await diagnosesOf([...same, loadedAgain(undefined, 7)]))[0]!.hints[0]).toMatchObject({ sameTab: true });
    resetBuilders();
    const other = [authorize({}, { tabId: 7 }), ...callback({ code: CODE, state: STATE, iss: AS }, { tabId: 7 }), token({}, { tabId: 7 })];
    expect((await diagnosesOf([...other, loadedAgain(undefined, 9)]))[0]!.hints[0]).toMatchObject({ sameTab: false });
  });

  it('points at the invalid_grant diagnosis when the later load sent the code again', async () => {
    const flow = goodFlow();
    const again = loadedAgain();
    const replay = token({}, refused);
    const diagnoses = await diagnosesOf([...flow, again, replay]);
    expect(diagnoses.map((d) => `${d.kind}/${d.likelihood}`).sort()).toEqual(['callback-loaded-again/likely', 'invalid-grant/certain']);
    const loaded = diagnoses.find((d) => d.kind === 'callback-loaded-again')!;
    expect(loaded.hints.map((h) => h.kind)).toEqual(['callback-loaded-again', 'repeat-sent-code-again', 'strip-code-after-handling']);
    expect(loaded.hints[1]).toEqual({ kind: 'repeat-sent-code-again', exchangeId: replay.id, status: 400, error: 'invalid_grant' });
    // The invalid_grant diagnosis names the earlier exchange of the same code, and the load in between.
    const invalidGrant = diagnoses.find((d) => d.kind === 'invalid-grant')!;
    expect(invalidGrant.hints[0]).toMatchObject({ kind: 'code-reused', earlierExchangeId: flow[3]!.id, pattern: 'callback-loaded-again' });
  });

  it('counts every later load', async () => {
    const diagnoses = await diagnosesOf([...goodFlow(), loadedAgain(), loadedAgain()]);
    expect(diagnoses[0]!.hints.slice(0, 2)).toEqual([
      expect.objectContaining({ kind: 'callback-loaded-again', loads: 3 }),
      { kind: 'repeat-found-no-transaction' },
    ]);
  });

  it('stays quiet on one load of the callback, and on a reload of the app page without code and state', async () => {
    expect(await diagnosesOf(goodFlow())).toEqual([]);
    resetBuilders();
    expect(await diagnosesOf([...goodFlow(), exchange({ url: REDIRECT_URI, status: 200 })])).toEqual([]);
  });

  it('stays quiet when the page loaded twice before the code was redeemed (one sign-in, one exchange)', async () => {
    const flow = [authorize(), ...callback({ code: CODE, state: STATE, iss: AS }), loadedAgain(), token()];
    expect(await diagnosesOf(flow)).toEqual([]);
  });

  it('stays quiet when the code was never redeemed, or another response arrives', async () => {
    const [auth, redirect, arrival] = goodFlow();
    const kinds = (await diagnosesOf([auth!, redirect!, arrival!, token({}, refused), loadedAgain()])).map((d) => d.kind);
    expect(kinds).not.toContain('callback-loaded-again');
    resetBuilders();
    expect(await diagnosesOf([...goodFlow(), loadedAgain({ code: 'another-code', state: STATE, iss: AS })])).not.toContainEqual(
      expect.objectContaining({ kind: 'callback-loaded-again' }),
    );
  });

  it('concludes nothing from codes redacted without a number', async () => {
    const code = redactionMarker('code', CODE);
    const flow = [authorize(), ...callback({ code, state: STATE, iss: AS }), token({ code })];
    expect(await diagnosesOf([...flow, loadedAgain({ code, state: STATE, iss: AS })])).toEqual([]);
  });
});
