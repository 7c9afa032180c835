/**
 * The stuck-flow diagnoses (src/core/diagnose/) on what the extension really captures: the webRequest details
 * Chromium sent during the demo's stuck sign-ins (tests/fixtures/webrequest, recorded by
 * demo/record-webrequest.ts), replayed through the service worker's capture path (recorder → relevance filter)
 * into a live source, as the panel builds it. The extension sees what a HAR import does not give the panel: the
 * tab of each request, and both the status and the error of a response the browser then withheld.
 */
import { describe, expect, it } from 'vitest';
import { replayRecording } from '../../tests/support/webrequest-replay.ts';
import { buildSource } from '../devtools/sources.ts';

async function replay(name: string) {
  const recorded = replayRecording(name);
  const { analysis } = await buildSource('live', 'live capture', 'live', recorded.kept);
  const flows = analysis.flows.map((flow) => ({ flow, diagnoses: analysis.diagnoses.filter((d) => d.flowId === flow.id) }));
  return { ...recorded, flows };
}

describe('stuck sign-ins as the extension captures them', () => {
  it('token-cors-blocked: each token response lacks Access-Control-Allow-Origin, and the retry found the code used up', async () => {
    const {
      flows: [blocked, ...others],
      issuer,
      clientOrigin,
    } = await replay('token-cors-blocked');
    expect(others).toEqual([]);
    const [first, retry] = blocked!.flow.codeExchanges;
    // webRequest reports the status (onHeadersReceived) of a request that then fails (onErrorOccurred).
    const blockedHint = (status: number) =>
      expect.objectContaining({
        kind: 'token-response-blocked',
        origin: clientOrigin,
        endpoint: `${issuer}/token`,
        status,
        browserError: 'net::ERR_FAILED',
        refusal: { kind: 'allow-origin-missing' },
      });
    expect(blocked!.diagnoses.map((d) => `${d.kind}/${d.likelihood}`)).toEqual(['token-cors-blocked/certain', 'invalid-grant/certain']);
    expect(blocked!.diagnoses[0]!.hints).toEqual([
      blockedHint(200),
      expect.objectContaining({
        kind: 'code-used-up-by-blocked-request',
        blockedExchangeId: first!.exchange.id,
        retryExchangeId: retry!.exchange.id,
        blockedStatus: 200,
        retryStatus: 400,
      }),
      blockedHint(400),
    ]);
    // The body of the 400 is not visible to webRequest: the error code is not observed, the earlier exchange is.
    expect(blocked!.diagnoses[1]!.hints.slice(0, 2)).toEqual([
      { kind: 'error-code-not-observed', status: 400 },
      expect.objectContaining({ kind: 'code-reused', likelihood: 'certain', earlierExchangeId: first!.exchange.id, earlierStatus: 200 }),
    ]);
    expect(JSON.stringify(blocked!.diagnoses.flatMap((d) => d.hints))).not.toContain(blocked!.flow.callback!.code!);
  });

  it('token-preflight-blocked: the preflight refused the added header, and the POST failed unsent', async () => {
    const {
      flows: [blocked, ...others],
      issuer,
      clientOrigin,
    } = await replay('token-preflight-blocked');
    expect(others).toEqual([]);
    expect(blocked!.diagnoses.map((d) => d.kind)).toEqual(['token-cors-blocked']);
    expect(blocked!.diagnoses[0]!.hints).toEqual([
      expect.objectContaining({
        kind: 'preflight-failed',
        endpoint: `${issuer}/token`,
        origin: clientOrigin,
        method: 'POST',
        requestedHeaders: ['x-requested-with'],
        failure: {
          kind: 'headers-not-allowed',
          status: 204,
          allowed: ['content-type', 'authorization', 'dpop'],
          refused: ['x-requested-with'],
        },
        unsentError: 'net::ERR_FAILED',
      }),
    ]);
  });

  it('state-lost-new-tab: the sign-in in a new tab is never redeemed, and the app starts over in its own tab', async () => {
    const {
      flows: [lost, again, ...others],
    } = await replay('state-lost-new-tab');
    expect(others).toEqual([]);
    // The new tab sent the authorization request and got the callback; the app's tab then signed in again.
    const newTab = lost!.flow.authorization!.exchange.tabId;
    expect(lost!.flow.callback!.arrival!.tabId).toBe(newTab);
    expect(again!.flow.authorization!.exchange.tabId).not.toBe(newTab);
    expect(lost!.diagnoses.map((d) => `${d.kind}/${d.likelihood}`)).toEqual(['state-lost/likely', 'no-token-request/possible']);
    expect(lost!.diagnoses[0]!.hints).toEqual([expect.objectContaining({ kind: 'app-started-over', clientId: 'spa' })]);
    // The specific diagnosis replaces the generic pointer.
    expect(lost!.diagnoses[1]!.hints.map((h) => h.kind)).toEqual(['code-exchange-not-seen']);
    expect(again!.flow.codeExchanges).toHaveLength(1);
    expect(again!.diagnoses).toEqual([]);
  });

  it.each(['good', 'fragment', 'form-post'])('%s: a correct sign-in has no diagnosis', async (name) => {
    const { flows } = await replay(name);
    expect(flows.length).toBeGreaterThan(0);
    expect(flows.flatMap((f) => f.diagnoses)).toEqual([]);
  });
});
