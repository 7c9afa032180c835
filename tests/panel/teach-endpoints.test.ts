import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/core/model.ts';
import type { Command } from '../../src/messaging/protocol.ts';
import { createStore } from '../../src/devtools/store.ts';

const AS = 'https://id.example';
const json = (value: unknown) => {
  const text = JSON.stringify(value);
  return { kind: 'text' as const, text, size: text.length, mimeType: 'application/json' };
};
const exchange = (id: string, url: string, extra: Partial<Exchange> = {}): Exchange => ({
  id,
  time: 1,
  initiator: 'fetch',
  method: 'GET',
  url,
  requestHeaders: [],
  requestBody: { kind: 'none' },
  responseHeaders: [],
  status: 200,
  ...extra,
});

describe('the panel teaches the worker the endpoints it sees', () => {
  it('sends the endpoints a discovery document and a token request name, each once', async () => {
    const sent: Command[] = [];
    const store = createStore({ tabId: 1, request: async (command) => void sent.push(command) });
    const discovery = exchange('d', `${AS}/.well-known/openid-configuration`, {
      responseBody: json({ issuer: AS, token_endpoint: `${AS}/api/auth/exchange`, userinfo_endpoint: `${AS}/api/me` }),
    });
    const token = exchange('t', `${AS}/api/auth/exchange`, {
      method: 'POST',
      requestBody: { kind: 'form', raw: 'grant_type=refresh_token&refresh_token=r', params: [] },
      responseBody: json({ access_token: 'a', token_type: 'Bearer' }),
    });
    await store.addNetworkExchanges([discovery]);
    await store.addNetworkExchanges([token]);
    expect(sent).toEqual([{ type: 'learn-endpoints', urls: [`${AS}/api/auth/exchange`, `${AS}/api/me`] }]);
  });

  it('sends again what a stopped worker did not take', async () => {
    let fail = true;
    const sent: Command[] = [];
    const store = createStore({
      tabId: 1,
      request: async (command) => {
        sent.push(command);
        if (fail) throw new Error('the extension worker stopped; try again');
      },
    });
    const discovery = exchange('d', `${AS}/.well-known/oauth-authorization-server`, { responseBody: json({ token_endpoint: `${AS}/x` }) });
    await store.addNetworkExchanges([discovery]);
    await new Promise((r) => setTimeout(r, 0));
    fail = false;
    await store.addNetworkExchanges([{ ...discovery, id: 'd2' }]);
    expect(sent).toHaveLength(2);
  });
});
