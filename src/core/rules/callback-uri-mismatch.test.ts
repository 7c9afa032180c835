import { beforeEach, describe, expect, it } from 'vitest';
import { APP, authorize, callback, exchange, goodFlow, REDIRECT_URI, resetBuilders } from '../../../tests/support/build.ts';
import rule from './callback-uri-mismatch.ts';
import { findingsOfRule } from '../../../tests/support/rule.ts';

const findingsOf = findingsOfRule(rule);
const STATE = 'Jb3zQ0ntWXbQ8bV6pQ1aN7hJb5vG3kLm';
const CODE = 'code-that-must-not-leak';

describe('callback-uri-mismatch', () => {
  beforeEach(resetBuilders);

  it('passes a callback to the requested redirect_uri', async () => {
    expect(await findingsOf(goodFlow())).toEqual([]);
  });

  it('reports a callback sent to another path, without leaking the code', async () => {
    const auth = authorize();
    const [redirect, arrival] = callback({ code: CODE, state: STATE }, { redirectUri: `${REDIRECT_URI}/` });
    const [finding, ...rest] = await findingsOf([auth, redirect!, arrival!]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ ruleId: 'callback-uri-mismatch', severity: 'error', flowId: `flow-${auth.id}` });
    expect(finding!.exchangeIds).toEqual([auth.id, redirect!.id, arrival!.id]);
    expect(finding!.evidence).toContainEqual({ label: 'difference', value: 'trailing-slash' });
    expect(finding!.evidence).toContainEqual({ label: 'callback sent to', value: `${REDIRECT_URI}/` });
    expect(finding!.evidence).toContainEqual({ label: 'read from', value: 'AS Location header' });
    expect(JSON.stringify(finding)).not.toContain(CODE);
  });

  it.each([
    ['scheme', 'http://app.example/cb'],
    ['case', 'https://APP.EXAMPLE/cb'],
    ['port', 'https://app.example:443/cb'],
    ['other', 'https://evil.example/cb'],
    ['path', 'https://app.example/other'],
  ])('classifies a %s difference', async (kind, landed) => {
    const [finding] = await findingsOf([authorize(), ...callback({ code: CODE, state: STATE }, { redirectUri: landed })]);
    expect(finding!.evidence).toContainEqual({ label: 'difference', value: kind });
  });

  it('checks fragment-mode callbacks read from the Location', async () => {
    const [finding] = await findingsOf([
      authorize({ response_mode: 'fragment' }),
      ...callback({ code: CODE, state: STATE }, { mode: 'fragment', redirectUri: `${APP}/elsewhere` }),
    ]);
    expect(finding!.evidence).toContainEqual({ label: 'callback sent to', value: `${APP}/elsewhere` });
    expect(JSON.stringify(finding)).not.toContain(CODE);
  });

  it('treats an empty path as "/" on either side', async () => {
    expect(
      await findingsOf([authorize({ redirect_uri: APP }), ...callback({ code: CODE, state: STATE }, { redirectUri: `${APP}/` })]),
    ).toEqual([]);
    resetBuilders();
    expect(
      await findingsOf([authorize({ redirect_uri: `${APP}/` }), ...callback({ code: CODE, state: STATE }, { redirectUri: APP })]),
    ).toEqual([]);
  });

  it('ignores the query of the redirect_uri and the parameters the AS adds', async () => {
    const withQuery = `${REDIRECT_URI}?tenant=a`;
    const location = `${withQuery}&code=${CODE}&state=${STATE}`;
    const exchanges = [
      authorize({ redirect_uri: withQuery }),
      exchange({ url: 'https://as.example/resume', status: 302, location }),
      exchange({ url: location, status: 200 }),
    ];
    expect(await findingsOf(exchanges)).toEqual([]);
  });

  it('reports a callback processed twice at the same wrong target once', async () => {
    const wrong = `${APP}/elsewhere`;
    const auth = authorize();
    const first = callback({ code: CODE, state: STATE }, { redirectUri: wrong });
    const again = callback({ code: CODE, state: STATE }, { redirectUri: wrong });
    const findings = await findingsOf([auth, ...first, ...again]);
    expect(findings).toHaveLength(1);
  });

  it('says nothing without a requested redirect_uri', async () => {
    expect(
      await findingsOf([
        authorize({ redirect_uri: undefined }),
        ...callback({ code: CODE, state: STATE }, { redirectUri: 'https://evil.example/cb' }),
      ]),
    ).toEqual([]);
  });
});
