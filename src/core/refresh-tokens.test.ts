import { beforeEach, describe, expect, it } from 'vitest';
import { analyze } from './analyze.ts';
import type { Exchange, Flow } from './model.ts';
import { refreshOutcome, refreshReuseOf, refreshReuses } from './refresh-tokens.ts';
import { authorize, callback, defaultAuthorizeParams, jsonBody, resetBuilders, token } from '../../tests/support/build.ts';
import { refresh, tokens } from '../../tests/support/token-responses.ts';

const CODE = 'SplxlOBeZQQYbYS6WxSbIA';

/** A code flow whose token response (body observed or not) hands out `rt1`, followed by `after`. */
function withRefreshes(after: () => Exchange[], bodies = true): Exchange[] {
  const head = [
    authorize(),
    ...callback({ code: CODE, state: defaultAuthorizeParams.state }),
    token({ code: CODE }, bodies ? { responseBody: jsonBody(tokens('rt1')) } : {}),
  ];
  return [...head, ...after()];
}

async function flowOf(exchanges: Exchange[]): Promise<Flow> {
  const { flows } = await analyze(exchanges, []);
  expect(flows).toHaveLength(1);
  return flows[0]!;
}

describe('refreshOutcome', () => {
  beforeEach(resetBuilders);

  it('tells rotation, no rotation, unknown, failure and no response apart', async () => {
    const flow = await flowOf(
      withRefreshes(() => [
        refresh('rt1', tokens('rt2')),
        refresh('rt2', tokens('rt2')),
        refresh('rt2', tokens()),
        refresh('rt2', undefined),
        refresh('rt2', { error: 'invalid_grant' }, { status: 400 }),
        refresh('rt2', undefined, { status: undefined }),
        refresh('rt2', { error: 'invalid_grant' }),
      ]),
    );
    expect(flow.refreshes.map(refreshOutcome)).toEqual([
      'rotated',
      'not-rotated',
      'not-rotated',
      'body-not-observed',
      'failed',
      'no-response',
      'failed',
    ]);
  });
});

describe('refreshReuses', () => {
  beforeEach(resetBuilders);

  it('finds nothing in a correct rotation chain', async () => {
    const flow = await flowOf(
      withRefreshes(() => [refresh('rt1', tokens('rt2')), refresh('rt2', tokens('rt3')), refresh('rt3', tokens('rt4'))]),
    );
    expect(flow.refreshes).toHaveLength(3);
    expect(refreshReuses(flow)).toEqual([]);
  });

  it('finds a token presented again after it was rotated', async () => {
    const flow = await flowOf(
      withRefreshes(() => [
        refresh('rt1', tokens('rt2')),
        refresh('rt2', tokens('rt3')),
        refresh('rt1', { error: 'invalid_grant' }, { status: 400 }),
      ]),
    );
    const [reuse] = refreshReuses(flow);
    expect(reuse).toMatchObject({ kind: 'after-rotation', earlierOutcome: 'rotated' });
    expect(reuse!.request).toBe(flow.refreshes[2]);
    expect(reuse!.earlier).toBe(flow.refreshes[0]);
    expect(refreshReuseOf(flow, flow.refreshes[2]!)).toEqual(reuse);
    expect(refreshReuseOf(flow, flow.refreshes[1]!)).toBeUndefined();
  });

  it('finds a token presented while its first presentation was in flight', async () => {
    const flow = await flowOf(
      withRefreshes(() => {
        const first = refresh('rt1', tokens('rt2'));
        return [first, refresh('rt1', { error: 'invalid_grant' }, { status: 400, time: first.time + 10 })];
      }),
    );
    expect(refreshReuses(flow)).toMatchObject([{ kind: 'concurrent', earlierOutcome: 'rotated' }]);
  });

  it('without bodies, counts a repeat only after a 2xx, and says rotation is unknown', async () => {
    const after2xx = await flowOf(withRefreshes(() => [refresh('rt1', undefined), refresh('rt1', undefined)], false));
    expect(refreshReuses(after2xx)).toMatchObject([{ kind: 'rotation-unknown', earlierOutcome: 'body-not-observed' }]);
    resetBuilders();
    const afterFailure = await flowOf(withRefreshes(() => [refresh('rt1', undefined, { status: 400 }), refresh('rt1', undefined)], false));
    expect(refreshReuses(afterFailure)).toEqual([]);
    resetBuilders();
    const afterNoResponse = await flowOf(
      withRefreshes(() => [refresh('rt1', undefined, { status: undefined }), refresh('rt1', undefined)], false),
    );
    expect(refreshReuses(afterNoResponse)).toEqual([]);
  });

  it('without bodies, reads a refusal right after a success as rotation, unless a revocation came between', async () => {
    const refused = await flowOf(withRefreshes(() => [refresh('rt1', undefined), refresh('rt1', undefined, { status: 400 })], false));
    expect(refreshReuses(refused)).toMatchObject([{ kind: 'after-rotation', earlierOutcome: 'body-not-observed', repeatRefused: true }]);
    const [earlier, repeat] = refused.refreshes;
    // A logout's revocation (RFC 7009) between the two presentations explains the refusal on its own.
    const revoked: Flow = {
      ...refused,
      steps: [
        ...refused.steps,
        {
          kind: 'revocation',
          exchangeId: 'revoke',
          time: earlier!.exchange.endTime! + 1,
          method: 'POST',
          url: 'https://as.example/revoke',
        },
      ],
    };
    expect(refreshReuseOf(revoked, repeat!)).toMatchObject({ kind: 'rotation-unknown', repeatRefused: false });
  });

  it('does not count a token the server did not rotate', async () => {
    const flow = await flowOf(withRefreshes(() => [refresh('rt1', tokens()), refresh('rt1', tokens('rt1')), refresh('rt1', tokens())]));
    expect(refreshReuses(flow)).toEqual([]);
  });
});
