import { beforeEach, describe, expect, it } from 'vitest';
import { analyze } from '../analyze.ts';
import type { Exchange } from '../model.ts';
import {
  authorize,
  callback,
  defaultAuthorizeParams,
  defaultTokenParams,
  jsonBody,
  resetBuilders,
  token,
} from '../../../tests/support/build.ts';
import { demoFixture, refresh, tokens } from '../../../tests/support/token-responses.ts';
import rule from './refresh-token-reused.ts';

const findingsOf = async (exchanges: Exchange[]) => (await analyze(exchanges, [rule])).findings;
const refused = { error: 'invalid_grant' };

/** A code flow whose token response hands out rt1 (body observed unless `bodies` is false), then `after`. */
function session(after: () => Exchange[], bodies = true): { auth: Exchange; exchanges: Exchange[] } {
  const auth = authorize();
  const head = [
    auth,
    ...callback({ code: defaultTokenParams.code, state: defaultAuthorizeParams.state }),
    token({}, bodies ? { responseBody: jsonBody(tokens('rt1')) } : {}),
  ];
  return { auth, exchanges: [...head, ...after()] };
}

describe('refresh-token-reused', () => {
  beforeEach(resetBuilders);

  it('passes a rotation chain where each refresh presents the newest token', async () => {
    const { exchanges } = session(() => [refresh('rt1', tokens('rt2')), refresh('rt2', tokens('rt3')), refresh('rt3', tokens('rt4'))]);
    expect(await findingsOf(exchanges)).toEqual([]);
  });

  it('reports a token presented again after a refresh rotated it', async () => {
    let rotating!: Exchange;
    let stale!: Exchange;
    const { auth, exchanges } = session(() => [
      (rotating = refresh('rt1', tokens('rt2'))),
      (stale = refresh('rt1', refused, { status: 400 })),
    ]);
    const findings = await findingsOf(exchanges);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({
      ruleId: 'refresh-token-reused',
      severity: 'error',
      flowId: `flow-${auth.id}`,
      exchangeIds: [rotating.id, stale.id],
    });
    expect(finding!.message).toBe(`A refresh token was presented again after an earlier refresh (${rotating.id}) rotated it.`);
    expect(finding!.evidence).toContainEqual({ label: 'refresh_token', value: 'rt1', secret: true });
    expect(finding!.evidence).toContainEqual({ label: 'new refresh_token', value: 'rt2', secret: true });
    expect(finding!.evidence).toContainEqual({ label: 'rotation', value: 'the earlier refresh response carried a new refresh_token' });
    expect(finding!.evidence).toContainEqual({ label: 'repeat status', value: '400' });
    expect(finding!.message).not.toContain('rt1');
  });

  it('flags an authorization server that accepts a rotated token', async () => {
    const { exchanges } = session(() => [refresh('rt1', tokens('rt2')), refresh('rt1', tokens('rt3'))]);
    const [finding] = await findingsOf(exchanges);
    expect(finding!.message).toContain('answered 200 to it, so it does not detect refresh token reuse');
    expect(finding!.evidence).toContainEqual({ label: 'authorization server', value: 'accepted a rotated refresh token' });
  });

  it('reports the same token presented twice at once (a race between tabs)', async () => {
    let first!: Exchange;
    const { exchanges } = session(() => {
      first = refresh('rt1', tokens('rt2'), { tabId: 1 });
      return [first, refresh('rt1', refused, { status: 400, tabId: 2, time: first.time + 10 })];
    });
    const [finding] = await findingsOf(exchanges);
    expect(finding).toMatchObject({ severity: 'error' });
    expect(finding!.message).toContain(
      `presented twice at once (a race between tabs): this request started before the response to ${first.id}, which rotated the token, arrived`,
    );
    expect(finding!.evidence).toContainEqual({ label: 'tabs', value: 'tabs 1 and 2' });
    expect(finding!.message).not.toContain('does not detect');
  });

  it('without bodies, reports a repeat after a 2xx and says rotation is unknown', async () => {
    const { exchanges } = session(() => [refresh('rt1', undefined), refresh('rt1', undefined)], false);
    const [finding] = await findingsOf(exchanges);
    expect(finding).toMatchObject({ ruleId: 'refresh-token-reused', severity: 'info' });
    expect(finding!.message).toContain('whether the authorization server rotated it is not observable');
    expect(finding!.evidence).toContainEqual({ label: 'rotation', value: 'not observable (response body not observed)' });
  });

  // What the extension sees through webRequest: statuses and request bodies, no response body.
  describe('from metadata alone, rotation shown by the refusal of the repeat', () => {
    it('is an error for the same token sent twice at once, the second refused', async () => {
      let first!: Exchange;
      const { exchanges } = session(() => {
        first = refresh('rt1', undefined, { tabId: 1 });
        return [first, refresh('rt1', undefined, { status: 400, tabId: 2, time: first.time + 10 })];
      }, false);
      const [finding] = await findingsOf(exchanges);
      expect(finding).toMatchObject({ severity: 'error' });
      expect(finding!.message).toContain('refused it while accepting the other');
      expect(finding!.evidence).toContainEqual({
        label: 'rotation',
        value: 'shown by the refusal of this presentation (400) right after the earlier one succeeded',
      });
    });

    it('is an error for a token refused right after it worked', async () => {
      const { exchanges } = session(() => [refresh('rt1', undefined), refresh('rt1', undefined, { status: 400 })], false);
      const [finding] = await findingsOf(exchanges);
      expect(finding).toMatchObject({ severity: 'error' });
      expect(finding!.message).toContain('and the authorization server refused it');
    });

    it('reads the repeat body when it is seen: only invalid_grant speaks of the token', async () => {
      const { exchanges } = session(() => [refresh('rt1', undefined), refresh('rt1', refused, { status: 400 })], false);
      expect(await findingsOf(exchanges)).toMatchObject([{ severity: 'error' }]);
      resetBuilders();
      const other = session(() => [refresh('rt1', undefined), refresh('rt1', { error: 'invalid_client' }, { status: 400 })], false);
      expect(await findingsOf(other.exchanges)).toMatchObject([{ severity: 'info' }]);
    });

    it('stays info when the refusal has another explanation', async () => {
      // Long after: the token may have expired. A DPoP nonce challenge (RFC 9449 §8) or rate limiting: not the token.
      const late = session(() => {
        const first = refresh('rt1', undefined);
        return [first, refresh('rt1', undefined, { status: 400, time: first.endTime! + 60_001 })];
      }, false);
      const nonce = session(
        () => [
          refresh('rt1', undefined),
          refresh('rt1', undefined, { status: 400, responseHeaders: { 'dpop-nonce': 'eyJ7S_zG.eyJH0-Z.HX4w-7v' } }),
        ],
        false,
      );
      const limited = session(() => [refresh('rt1', undefined), refresh('rt1', undefined, { status: 429 })], false);
      for (const { exchanges } of [late, nonce, limited]) expect(await findingsOf(exchanges)).toMatchObject([{ severity: 'info' }]);
    });

    it('gives the recorded reuse the verdict it gets with bodies', async () => {
      const withoutBodies = demoFixture('refresh-token-reused').map(({ responseBody: _, ...exchange }) => exchange);
      const [finding, ...rest] = await findingsOf(withoutBodies);
      expect(rest).toEqual([]);
      expect(finding).toMatchObject({ severity: 'error' });
      expect(await findingsOf(demoFixture('refresh').map(({ responseBody: _, ...exchange }) => exchange))).toEqual([]);
    });
  });

  it('without bodies, stays silent when the first presentation failed or got no response', async () => {
    const failed = session(() => [refresh('rt1', undefined, { status: 400 }), refresh('rt1', undefined)], false);
    expect(await findingsOf(failed.exchanges)).toEqual([]);
    resetBuilders();
    const unanswered = session(() => [refresh('rt1', undefined, { status: undefined }), refresh('rt1', undefined)], false);
    expect(await findingsOf(unanswered.exchanges)).toEqual([]);
  });

  it('stays silent when the server does not rotate (presenting the same token again is then expected)', async () => {
    const { exchanges } = session(() => [refresh('rt1', tokens()), refresh('rt1', tokens('rt1'))]);
    expect(await findingsOf(exchanges)).toEqual([]);
  });

  it('reports each stale presentation once', async () => {
    const { exchanges } = session(() => [
      refresh('rt1', tokens('rt2')),
      refresh('rt1', refused, { status: 400 }),
      refresh('rt1', refused, { status: 400 }),
    ]);
    expect(await findingsOf(exchanges)).toHaveLength(2);
  });

  it('finds the recorded reuse, and nothing in the recorded correct rotation', async () => {
    const [finding, ...rest] = await findingsOf(demoFixture('refresh-token-reused'));
    expect(rest).toEqual([]);
    expect(finding!.message).toMatch(/^A refresh token was presented again after an earlier refresh \(har-\d+\) rotated it\.$/);
    expect(await findingsOf(demoFixture('refresh'))).toEqual([]);
  });
});
