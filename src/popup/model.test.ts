import { describe, expect, it } from 'vitest';
import { demoFixture } from '../../tests/support/token-responses.ts';
import type { CaptureSnapshot } from '../messaging/protocol.ts';
import { describeCodeExchange, describeState, popupModel } from './model.ts';

function snapshot(exchanges: CaptureSnapshot['exchanges']): CaptureSnapshot {
  return { exchanges, evicted: { flows: 0, exchanges: 0 }, paused: false, since: 0 };
}

/** The popup's model of a recording, as if captured live in tab 1 without bodies (webRequest sees none). */
async function liveModel(name: string) {
  const exchanges = demoFixture(name).map(({ responseBody: _, ...rest }) => ({ ...rest, tabId: 1 }));
  return popupModel(snapshot(exchanges), 1);
}

describe('the popup', () => {
  it('says the authorization server refused the request, not that the callback is still to come', async () => {
    const { current } = await liveModel('redirect-uri-fragment');
    expect(current!.diagnostics.map((d) => `${d.kind}/${d.likelihood}`)).toEqual(['authorization-refused/likely']);
    expect(describeState(current!)).toBe('sent; no callback: the authorization server refused the request');
    expect(describeCodeExchange(current!)).toBe('none (no code was issued)');
  });

  it('keeps the pending wording for a sign-in still under way', async () => {
    const good = demoFixture('good');
    const firstCallback = good.findIndex((e) => e.url.includes('/cb?'));
    const exchanges = good.slice(0, firstCallback - 1).map((e) => ({ ...e, tabId: 1 }));
    const { current } = await popupModel(snapshot(exchanges), 1);
    expect(describeState(current!)).toBe('sent (callback not seen yet)');
  });

  it('names the flows whose token response body was not observed (live in Chrome), and none when it was (a HAR, Firefox)', async () => {
    const live = await liveModel('good');
    expect([...live.bodiesNotObserved]).toEqual([live.current!.id]);
    // The tab the panel opens the flow in ("Open in panel").
    expect(live.tabOfFlow.get(live.current!.id)).toBe(1);
    const withBodies = await popupModel(snapshot(demoFixture('good').map((e) => ({ ...e, tabId: 1 }))), 1);
    expect(withBodies.bodiesNotObserved.size).toBe(0);
  });

  it('phrases a device grant by its polls, and asks no state of it (RFC 8628)', async () => {
    const { current } = await liveModel('device-code-polling');
    expect(describeState(current!)).toBe('none: a device grant has no redirect (RFC 8628)');
    expect(describeCodeExchange(current!)).toBe('4 polls, the last answered HTTP 200');
  });
});
