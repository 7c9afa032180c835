/**
 * A header the capture removed (Chrome's sanitized HAR export) is neither present nor absent: every check that
 * needs it says nothing, and the flow says why.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  authorize,
  callback,
  defaultAuthorizeParams,
  defaultTokenParams,
  jsonBody,
  resetBuilders,
  token,
} from '../../tests/support/build.ts';
import { demoFixture as demo } from '../../tests/support/token-responses.ts';
import { analyze } from './analyze.ts';
import type { Exchange, RemovableHeader } from './model.ts';
import { headersRemovedFrom } from './removed-headers.ts';

const SANITIZED: readonly RemovableHeader[] = ['authorization', 'cookie', 'set-cookie'];
const sanitized = (exchanges: readonly Exchange[]): Exchange[] => exchanges.map((e) => ({ ...e, headersRemoved: SANITIZED }));
const BASIC_NOTE = /^HTTP Basic client authentication not observable/;

beforeEach(resetBuilders);

describe('headers removed by the capture', () => {
  it('lists them once, in order', () => {
    expect(headersRemovedFrom(sanitized(demo('good')))).toEqual(SANITIZED);
    expect(headersRemovedFrom(demo('good'))).toEqual([]);
  });

  it('never take a refreshing client for a public one (refresh-token-not-rotated)', async () => {
    const exchanges = demo('refresh-token-not-rotated');
    const whole = await analyze(exchanges);
    expect(whole.findings.map((f) => f.ruleId)).toContain('refresh-token-not-rotated');
    const partial = await analyze(sanitized(exchanges));
    expect(partial.findings.map((f) => f.ruleId)).not.toContain('refresh-token-not-rotated');
    expect(partial.flows.flatMap((f) => f.notes)).toContainEqual(expect.stringMatching(BASIC_NOTE));
  });

  it('never call an invalid_client request unauthenticated', async () => {
    const refused = token({}, { status: 401, responseBody: jsonBody({ error: 'invalid_client' }) });
    const code = defaultTokenParams.code;
    const analysis = await analyze(sanitized([authorize(), ...callback({ code, state: defaultAuthorizeParams.state }), refused]), []);
    expect(analysis.diagnoses.find((d) => d.kind === 'invalid-client')).toMatchObject({
      hints: [{ kind: 'authorization-header-removed' }],
      evidence: [{ label: 'client authentication', value: '(not observable: Authorization header removed)' }],
    });
  });

  it('never blame a missing cookie on a cross-site form_post callback', async () => {
    // The form_post sign-in with its code never redeemed and its callback arriving cross-site without a cookie.
    const exchanges = demo('form-post')
      .filter((e) => !(e.method === 'POST' && e.url.endsWith('/token')))
      .map((e) =>
        e.method === 'POST' && e.url.endsWith('/cb/form-post')
          ? {
              ...e,
              requestHeaders: [
                ...e.requestHeaders.filter((h) => h.name !== 'cookie' && h.name !== 'sec-fetch-site'),
                { name: 'sec-fetch-site', value: 'cross-site' },
              ],
            }
          : e,
      );
    const hintKinds = async (input: readonly Exchange[]) => (await analyze(input, [])).diagnoses.flatMap((d) => d.hints.map((h) => h.kind));
    expect(await hintKinds(exchanges)).toContain('form-post-without-cookie');
    expect(await hintKinds(sanitized(exchanges))).not.toContain('form-post-without-cookie');
  });

  it('leave the credentials mode of a blocked token request unknown', async () => {
    const blocked = (diagnoses: readonly { hints: readonly { kind: string }[] }[]) =>
      diagnoses.flatMap((d) => d.hints).find((h) => h.kind === 'token-response-blocked');
    const exchanges = demo('token-cors-blocked');
    expect(blocked((await analyze(exchanges, [])).diagnoses)).toMatchObject({ withCredentials: false });
    expect(blocked((await analyze(sanitized(exchanges), [])).diagnoses)).toMatchObject({ withCredentials: null });
  });

  it('leave a clean flow clean', async () => {
    const analysis = await analyze(sanitized(demo('good')));
    expect(analysis.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(analysis.diagnoses).toEqual([]);
  });
});
