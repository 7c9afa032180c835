import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../src/core/model.ts';
import {
  isNetworkBridgeMessage,
  NetworkBacklog,
  NetworkReceiver,
  type ExchangesMessage,
  type RequestMessage,
} from '../../src/devtools/network-bridge.ts';
import { MAX_NETWORK_EXCHANGES } from '../../src/devtools/network.ts';

function exchange(n: number): Exchange {
  return {
    id: `devtools-${n}`,
    time: 1_000 + n,
    initiator: 'fetch',
    method: 'POST',
    url: 'https://as.example/token',
    requestHeaders: [],
    requestBody: { kind: 'none' },
    status: 200,
    responseHeaders: [],
    responseBody: { kind: 'text', text: `{"n":${n}}`, size: 8 },
  };
}

const ids = (exchanges: readonly Exchange[]) => exchanges.map((e) => e.id);
const seqs = (message: ExchangesMessage) => message.exchanges.map((n) => n.seq);

describe('the devtools page keeps a numbered backlog', () => {
  it('numbers exchanges from 1 and answers with everything above what the panel has', () => {
    const backlog = new NetworkBacklog();
    expect(backlog.add(exchange(0))).toEqual({ type: 'network-exchanges', after: 0, exchanges: [{ seq: 1, exchange: exchange(0) }] });
    backlog.add(exchange(1));
    backlog.add(exchange(2));
    expect(seqs(backlog.since(0))).toEqual([1, 2, 3]);
    expect(seqs(backlog.since(2))).toEqual([3]);
    expect(backlog.since(3)).toEqual({ type: 'network-exchanges', after: 3, exchanges: [] });
  });

  it('keeps only the newest MAX_NETWORK_EXCHANGES, with their numbers', () => {
    const backlog = new NetworkBacklog();
    for (let i = 0; i < MAX_NETWORK_EXCHANGES + 10; i++) backlog.add(exchange(i));
    const all = backlog.since(0);
    expect(all.exchanges).toHaveLength(MAX_NETWORK_EXCHANGES);
    expect(all.exchanges[0]).toEqual({ seq: 11, exchange: exchange(10) });
    expect(all.exchanges.at(-1)).toEqual({ seq: MAX_NETWORK_EXCHANGES + 10, exchange: exchange(MAX_NETWORK_EXCHANGES + 9) });
    expect(seqs(backlog.since(MAX_NETWORK_EXCHANGES + 8))).toEqual([MAX_NETWORK_EXCHANGES + 9, MAX_NETWORK_EXCHANGES + 10]);
  });
});

describe('the panel merges each exchange once', () => {
  it('asks for the backlog, then takes the new exchanges that follow it', () => {
    const backlog = new NetworkBacklog();
    backlog.add(exchange(0));
    backlog.add(exchange(1));
    const receiver = new NetworkReceiver();
    expect(receiver.start()).toEqual({ type: 'network-request', after: 0 });
    expect(ids(receiver.receive(backlog.since(0)).fresh)).toEqual(['devtools-0', 'devtools-1']);
    expect(receiver.receive(backlog.add(exchange(2)))).toEqual({ fresh: [exchange(2)] });
    // The same answer again (another question crossed it): nothing twice.
    expect(receiver.receive(backlog.since(0))).toEqual({ fresh: [] });
  });

  it('waits for its answer when a new exchange overtakes it, and asks again after a gap nobody answers', () => {
    const backlog = new NetworkBacklog();
    backlog.add(exchange(0));
    const receiver = new NetworkReceiver();
    receiver.start();
    // The devtools page captured #2 before it read the question: the answer (sent after) covers it.
    const overtaking = backlog.add(exchange(1));
    const answer = backlog.since(0);
    expect(receiver.receive(overtaking)).toEqual({ fresh: [] });
    expect(ids(receiver.receive(answer).fresh)).toEqual(['devtools-0', 'devtools-1']);
    // A gap with no question pending (a message lost): ask from the last number held.
    backlog.add(exchange(2));
    expect(receiver.receive(backlog.add(exchange(3)))).toEqual({ fresh: [], request: { type: 'network-request', after: 2 } });
    expect(ids(receiver.receive(backlog.since(2)).fresh)).toEqual(['devtools-2', 'devtools-3']);
  });

  it('accepts that what the bound dropped before the panel asked is gone', () => {
    const backlog = new NetworkBacklog();
    for (let i = 0; i < MAX_NETWORK_EXCHANGES + 1; i++) backlog.add(exchange(i));
    const receiver = new NetworkReceiver();
    receiver.start();
    expect(receiver.receive(backlog.since(0)).fresh).toHaveLength(MAX_NETWORK_EXCHANGES);
    expect(receiver.receive(backlog.add(exchange(MAX_NETWORK_EXCHANGES + 1)))).toEqual({ fresh: [exchange(MAX_NETWORK_EXCHANGES + 1)] });
  });

  it('gets every exchange exactly once, in order, however captures, the panel loading and deliveries interleave', () => {
    type Step = 'capture' | 'load-panel' | 'deliver-to-panel' | 'deliver-to-devtools';
    const step = fc.constantFrom<Step>('capture', 'load-panel', 'deliver-to-panel', 'deliver-to-devtools');
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const backlog = new NetworkBacklog();
        const receiver = new NetworkReceiver();
        // The channel keeps each sender's order; messages sent before the panel loaded never reach it.
        const toPanel: ExchangesMessage[] = [];
        const toDevtools: RequestMessage[] = [];
        let loaded = false;
        let captured = 0;
        const merged: Exchange[] = [];
        const panelReceives = (message: ExchangesMessage) => {
          const { fresh, request } = receiver.receive(message);
          merged.push(...fresh);
          if (request) toDevtools.push(request);
        };
        const devtoolsReceives = (request: RequestMessage) => toPanel.push(backlog.since(request.after));
        const send = (message: ExchangesMessage) => {
          if (loaded) toPanel.push(message);
        };
        for (const s of steps) {
          if (s === 'capture') send(backlog.add(exchange(captured++)));
          else if (s === 'load-panel' && !loaded) {
            loaded = true;
            toDevtools.push(receiver.start());
          } else if (s === 'deliver-to-panel' && toPanel.length) panelReceives(toPanel.shift()!);
          else if (s === 'deliver-to-devtools' && toDevtools.length) devtoolsReceives(toDevtools.shift()!);
        }
        if (!loaded) {
          loaded = true;
          toDevtools.push(receiver.start());
        }
        while (toPanel.length || toDevtools.length) {
          if (toDevtools.length) devtoolsReceives(toDevtools.shift()!);
          if (toPanel.length) panelReceives(toPanel.shift()!);
        }
        expect(ids(merged)).toEqual(Array.from({ length: captured }, (_, i) => `devtools-${i}`));
      }),
      { numRuns: 500 },
    );
  });
});

describe('messages from the channel', () => {
  it('are recognised by their type and fields', () => {
    expect(isNetworkBridgeMessage({ type: 'network-request', after: 0 })).toBe(true);
    expect(isNetworkBridgeMessage({ type: 'network-exchanges', after: 3, exchanges: [] })).toBe(true);
    expect(isNetworkBridgeMessage({ type: 'network-exchanges', after: 3 })).toBe(false);
    expect(isNetworkBridgeMessage({ type: 'network-request', after: '0' })).toBe(false);
    expect(isNetworkBridgeMessage({ type: 'snapshot', after: 0 })).toBe(false);
    expect(isNetworkBridgeMessage(null)).toBe(false);
  });
});
