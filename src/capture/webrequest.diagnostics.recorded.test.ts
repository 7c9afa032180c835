/**
 * The panel's stuck-flow diagnostics (src/devtools/diagnostics.ts) on what the extension really captures: the
 * webRequest details Chromium sent during the demo's stuck sign-ins (tests/fixtures/webrequest, recorded by
 * demo/record-webrequest.ts), replayed through the service worker's capture path (recorder → relevance filter)
 * into a live source, as the panel builds it. The extension sees what a HAR import does not give the panel: the
 * tab of each request, and both the status and the error of a response the browser then withheld.
 */
import { describe, expect, it } from 'vitest';
import { replayRecording } from '../../tests/support/webrequest-replay.ts';
import { diagnose, type Diagnosis } from '../devtools/diagnostics.ts';
import { buildSource } from '../devtools/sources.ts';

async function replay(name: string) {
  const recorded = replayRecording(name);
  const source = await buildSource('live', 'live capture', 'live', recorded.kept);
  const flows = source.analysis.flows.map((flow) => ({ flow, diagnoses: diagnose(flow, source.analysis.flows, source.exchangeById) }));
  return { ...recorded, flows };
}

const linesOf = (diagnoses: readonly Diagnosis[], id: Diagnosis['id']) => diagnoses.find((d) => d.id === id)?.lines;

describe('stuck sign-ins as the extension captures them', () => {
  it('token-cors-blocked: each token response lacks Access-Control-Allow-Origin, and the retry found the code used up', async () => {
    const {
      flows: [blocked, ...others],
      issuer,
      clientOrigin,
    } = await replay('token-cors-blocked');
    expect(others).toEqual([]);
    // webRequest reports the status (onHeadersReceived) of a request that then fails (onErrorOccurred).
    const blockedLine = (status: number) =>
      `The token request (authorization_code) from ${clientOrigin} to ${issuer}/token got HTTP ${status} and then failed in the browser (net::ERR_FAILED): its response has no Access-Control-Allow-Origin, so the browser keeps the response from the app, which sees a network error (Fetch Standard, "CORS check"). The token endpoint must answer Access-Control-Allow-Origin: ${clientOrigin} (or *).`;
    expect(blocked!.diagnoses.map((d) => d.id)).toEqual(['token-cors-blocked', 'invalid-grant']);
    expect(linesOf(blocked!.diagnoses, 'token-cors-blocked')).toEqual([
      blockedLine(200),
      expect.stringMatching(
        /^The same code was sent again \d+ ms later \(HTTP 400\): the blocked request had already redeemed it \(the server answered 200\), and a code is one-time \(RFC 6749 §4\.1\.2\), so the retry gets invalid_grant\. Fix the CORS response instead of retrying\.$/,
      ),
      blockedLine(400),
    ]);
    expect(linesOf(blocked!.diagnoses, 'invalid-grant')?.[0]).toBe(
      'The same code was already exchanged 1 time before (first: HTTP 200): codes are one-time (RFC 6749 §4.1.2).',
    );
    expect(JSON.stringify(blocked!.diagnoses)).not.toContain(blocked!.flow.callback!.code!);
  });

  it('token-preflight-blocked: the preflight refused the added header, and the POST failed unsent', async () => {
    const {
      flows: [blocked, ...others],
      issuer,
      clientOrigin,
    } = await replay('token-preflight-blocked');
    expect(others).toEqual([]);
    expect(blocked!.diagnoses.map((d) => d.id)).toEqual(['token-cors-blocked']);
    expect(linesOf(blocked!.diagnoses, 'token-cors-blocked')).toEqual([
      `The CORS preflight (OPTIONS ${issuer}/token from ${clientOrigin}, for POST with the headers x-requested-with) was answered HTTP 204, but its Access-Control-Allow-Headers (content-type, authorization, dpop) does not allow x-requested-with, and no token request was answered after it: the browser never sent the token request (Fetch Standard, "CORS-preflight fetch"). It shows in the capture as failed (net::ERR_FAILED), without a response. x-requested-with is a header the app added: without it, a form-encoded token request needs no preflight; with it, the server must list it in Access-Control-Allow-Headers.`,
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
    expect(linesOf(lost!.diagnoses, 'state-lost')).toEqual([
      expect.stringMatching(
        /^No token request followed the callback, and a new authorization request of client spa started \d+ ms after it: the app started over, the usual sign of a lost state\.$/,
      ),
    ]);
    // The specific diagnosis replaces the generic pointer.
    expect(linesOf(lost!.diagnoses, 'no-token-request')).toHaveLength(1);
    expect(again!.flow.codeExchanges).toHaveLength(1);
    expect(again!.diagnoses).toEqual([]);
  });
});
