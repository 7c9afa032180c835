import { describe, expect, it } from 'vitest';
import { harToExchanges } from '../../src/capture/har.ts';
import {
  compareCandidates,
  compareField,
  compareFlows,
  fieldStatusText,
  lastPassingBefore,
  MAX_DIFFED_CHARS,
} from '../../src/devtools/compare.ts';
import type { FlowRowData } from '../../src/devtools/sources.ts';
import { createStore } from '../../src/devtools/store.ts';
import type { CaptureSnapshot } from '../../src/messaging/protocol.ts';
import { bigState, goodHarWithState } from './big-value-har.ts';
import { merge, openedDetail, snapshotOf } from './fixtures.ts';

async function opened(name: string, snapshot: CaptureSnapshot = snapshotOf(name, 1)) {
  const store = createStore({ tabId: undefined });
  await store.applySnapshot(snapshot);
  return openedDetail(store);
}

/**
 * `name`'s capture as if it had run against the same demo servers as `base`: each recording ran the client and the
 * authorization server on ports of its own, which would make every endpoint differ.
 */
async function onServersOf(base: string, name: string): Promise<CaptureSnapshot> {
  const origins = async (n: string) => {
    const { flow } = await opened(n);
    return [new URL(flow.authorization!.endpoint).origin, new URL(flow.callback!.target).origin];
  };
  const [from, to] = await Promise.all([origins(name), origins(base)]);
  let text = JSON.stringify(snapshotOf(name, 1));
  from.forEach((origin, i) => {
    text = text.replaceAll(origin, to[i]!).replaceAll(encodeURIComponent(origin), encodeURIComponent(to[i]!));
  });
  return JSON.parse(text) as CaptureSnapshot;
}

describe('comparing two flows', () => {
  it("shows a changed token-request redirect_uri character by character, and the broken flow's findings as its own", async () => {
    const good = await opened('good');
    const broken = await opened('redirect-uri-trailing-slash', await onServersOf('good', 'redirect-uri-trailing-slash'));
    const comparison = compareFlows(good, broken);
    const token = comparison.parameters.find((g) => g.step === 'token request')!;
    const redirect = token.fields.find((f) => f.name === 'redirect_uri')!;
    expect(redirect.status).toBe('changed');
    expect(redirect.diff?.filter((s) => s.op !== 'same')).toEqual([{ op: 'add', text: '/' }]);
    // The authorization request's redirect_uri is the same in both.
    expect(comparison.parameters[0]!.fields.find((f) => f.name === 'redirect_uri')!.status).toBe('same');
    expect(comparison.findings.filter((f) => f.where === 'only-b').map((f) => f.ruleId)).toContain('redirect-uri-token-mismatch');
    expect(comparison.findings.some((f) => f.where === 'only-a')).toBe(false);
    expect(comparison.client.find((f) => f.name === 'client_id')!.status).toBe('same');
    expect(comparison.endpoints.every((f) => f.status === 'same')).toBe(true);
    expect(comparison.differenceCount).toBeGreaterThanOrEqual(2);
  });

  it('never diffs secrets or fresh values: state, nonce and the challenge are compared by presence and length', async () => {
    const a = await opened('good');
    const b = await opened('good');
    const comparison = compareFlows(a, b);
    const all = comparison.parameters.flatMap((g) => g.fields);
    for (const name of ['state', 'nonce', 'code_challenge', 'code', 'code_verifier']) {
      const fields = all.filter((f) => f.name === name);
      expect(fields.length, name).toBeGreaterThan(0);
      for (const field of fields) expect(field.diff, name).toBeUndefined();
    }
    expect(comparison.differenceCount).toBe(0);
    expect(comparison.pkce.find((f) => f.name === 'verifier check')).toMatchObject({
      status: 'same',
      a: 'the verifier matches the challenge',
    });
  });

  it('shows a missing code_challenge as only in A, and the PKCE verdicts side by side', async () => {
    const good = await opened('good');
    const noPkce = await opened('no-pkce');
    const comparison = compareFlows(good, noPkce);
    const auth = comparison.parameters.find((g) => g.step === 'authorization request')!;
    expect(auth.fields.find((f) => f.name === 'code_challenge')!.status).toBe('only-a');
    expect(comparison.pkce.find((f) => f.name === 'method')).toMatchObject({ status: 'changed', a: 'S256', b: 'none' });
    expect(comparison.findings.find((f) => f.ruleId === 'pkce-missing')?.where).toBe('only-b');
  });

  it('says "values differ (N vs M chars)" past the size cap instead of diffing', () => {
    const big = 'x'.repeat(MAX_DIFFED_CHARS + 1);
    const field = compareField('state-like', big, `${big}y`);
    expect(field).toMatchObject({ status: 'changed', lengths: { a: MAX_DIFFED_CHARS + 1, b: MAX_DIFFED_CHARS + 2 } });
    expect(field.diff).toBeUndefined();
    expect(fieldStatusText(field)).toBe(`values differ (${MAX_DIFFED_CHARS + 1} vs ${MAX_DIFFED_CHARS + 2} chars)`);
    const secret = compareField('code', 'abc', 'abcd', { secret: true });
    expect(fieldStatusText(secret)).toBe('values differ (3 vs 4 chars)');
    expect(compareField('x', 'a', undefined).status).toBe('only-a');
    expect(compareField('x', undefined, 'b').status).toBe('only-b');
  });

  it('compares a flow carrying a 1 MB state and a 1 MB redirect_uri by length, in bounded time', async () => {
    const big = bigState();
    const good = await opened('good');
    const snapshot = { ...snapshotOf('good', 1), exchanges: harToExchanges(JSON.parse(goodHarWithState(big))).exchanges };
    const huge = await opened('good', snapshot);
    const started = performance.now();
    const comparison = compareFlows(good, huge);
    const redirect = compareField('redirect_uri', `https://app/${big}`, `https://app/${big}/`);
    const elapsed = performance.now() - started;
    const state = comparison.parameters[0]!.fields.find((f) => f.name === 'state')!;
    expect(state).toMatchObject({ status: 'changed', lengths: { b: big.length } });
    expect(state.diff).toBeUndefined();
    expect(fieldStatusText(redirect)).toBe(`values differ (${big.length + 12} vs ${big.length + 13} chars)`);
    expect(elapsed).toBeLessThan(200);
  });

  it('scopes as a set difference', async () => {
    const good = await opened('good');
    const refresh = await opened('refresh');
    const { scopes } = compareFlows(good, refresh);
    expect(scopes.onlyB).toContain('offline_access');
    expect(scopes.both).toContain('openid');
  });
});

type Row = Pick<FlowRowData, 'key' | 'clientId' | 'server' | 'started' | 'verdict' | 'stuck'>;
const row = (key: string, started: number, verdict: 'pass' | 'error' | 'info', extra: Partial<Row> = {}): Row => ({
  key,
  clientId: 'spa',
  server: 'http://as',
  started,
  verdict: { verdict, errors: verdict === 'error' ? 1 : 0, warnings: 0, infos: 0 } as Row['verdict'],
  stuck: false,
  ...extra,
});

describe('the last passing flow of a client', () => {
  it('is the latest passing flow of the same client at the same server that started before', () => {
    const failing = row('f', 100, 'error');
    const rows = [
      failing,
      row('old', 10, 'pass'),
      row('newer', 50, 'info'),
      row('after', 150, 'pass'),
      row('other-client', 90, 'pass', { clientId: 'web' }),
      row('other-server', 95, 'pass', { server: 'http://other' }),
      row('stuck', 97, 'pass', { stuck: true }),
      row('failing-too', 99, 'error'),
    ];
    expect(lastPassingBefore(failing, rows)?.key).toBe('newer');
    expect(lastPassingBefore(row('x', 5, 'error'), rows)).toBeUndefined();
    expect(lastPassingBefore(row('y', 200, 'error', { clientId: undefined }), rows)).toBeUndefined();
  });

  it('offers the same client first, newest first, at most the limit', () => {
    const current = row('c', 100, 'error');
    const rows = [current, row('a', 1, 'pass', { clientId: 'web' }), row('b', 2, 'pass'), row('d', 3, 'pass', { clientId: 'web' })];
    const { candidates, omitted } = compareCandidates(current, rows, 2);
    expect(candidates.map((r) => r.key)).toEqual(['b', 'd']);
    expect(omitted).toBe(1);
  });
});

describe('comparing in the store', () => {
  it('compares the selected failing flow with the last passing one, older as A', async () => {
    const store = createStore({ tabId: undefined });
    const good = snapshotOf('good', 1);
    const broken = await onServersOf('good', 'redirect-uri-trailing-slash');
    // The broken sign-in comes an hour after the good one.
    const later = broken.exchanges.map((e) => ({
      ...e,
      time: e.time + 3_600_000 + (good.exchanges.at(-1)!.time - broken.exchanges[0]!.time),
      endTime: undefined,
    }));
    await store.applySnapshot(merge(good, { ...broken, exchanges: later }));
    const failing = store.visible.value.find((r) => r.verdict.verdict === 'error')!;
    store.select(failing.key);
    const { compareKeep } = store;
    expect(compareKeep.lastPassing.value?.verdict.verdict).toBe('pass');
    compareKeep.compareWithLastPassing();
    for (let i = 0; i < 50 && !compareKeep.comparison.value; i++) await new Promise((r) => setTimeout(r, 0));
    const comparison = compareKeep.comparison.value!;
    expect(comparison.a.row.verdict.verdict).toBe('pass');
    expect(comparison.b.row.key).toBe(failing.key);
    // Moving the selection ends the comparison.
    store.select(store.visible.value.find((r) => r.key !== failing.key)!.key);
    expect(compareKeep.comparing.value).toBe(false);
    expect(compareKeep.comparison.value).toBeUndefined();
  });
});
