import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Runtime } from 'webextension-polyfill';
import { connectToWorker } from './connection.ts';
import { asViewMessage, asWorkerMessage, PORT_NAME, PROTOCOL_VERSION } from './protocol.ts';

/** A stand-in for runtime.connect: records what the view posts and lets the test play the worker. */
function fakeRuntime() {
  const ports: { posted: unknown[]; receive(message: unknown): void; drop(): void }[] = [];
  const runtime = {
    connect({ name }: { name?: string }) {
      expect(name).toBe(PORT_NAME);
      const messageListeners: ((m: unknown) => void)[] = [];
      const disconnectListeners: (() => void)[] = [];
      const posted: unknown[] = [];
      ports.push({
        posted,
        receive: (m) => {
          for (const l of messageListeners) l(m);
        },
        drop: () => {
          for (const l of disconnectListeners) l();
        },
      });
      return {
        postMessage: (m: unknown) => posted.push(m),
        disconnect: () => undefined,
        onMessage: { addListener: (l: (m: unknown) => void) => messageListeners.push(l) },
        onDisconnect: { addListener: (l: () => void) => disconnectListeners.push(l) },
      } as unknown as Runtime.Port;
    },
  };
  return { runtime: runtime as unknown as Pick<Runtime.Static, 'connect'>, ports };
}

const snapshot = { exchanges: [], evicted: { flows: 0, exchanges: 0 }, paused: false, since: 1 };

describe('connectToWorker', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('says hello with its version and delivers snapshots', () => {
    const { runtime, ports } = fakeRuntime();
    const onSnapshot = vi.fn();
    connectToWorker(runtime, { onSnapshot });
    expect(ports[0]!.posted).toEqual([{ type: 'hello', version: PROTOCOL_VERSION }]);
    ports[0]!.receive({ type: 'snapshot', version: PROTOCOL_VERSION, snapshot });
    ports[0]!.receive({ type: 'nonsense' });
    expect(onSnapshot).toHaveBeenCalledTimes(1);
  });

  it('answers a request when the worker responds with its id', async () => {
    const { runtime, ports } = fakeRuntime();
    const connection = connectToWorker(runtime, { onSnapshot: vi.fn() });
    const done = connection.request({ type: 'clear' });
    expect(ports[0]!.posted[1]).toEqual({ type: 'request', id: 1, command: { type: 'clear' } });
    ports[0]!.receive({ type: 'response', id: 1, ok: true });
    await expect(done).resolves.toBeUndefined();
    const failed = connection.request({ type: 'set-paused', paused: true });
    ports[0]!.receive({ type: 'response', id: 2, ok: false, error: 'storage is full' });
    await expect(failed).rejects.toThrow('storage is full');
  });

  it('reconnects after the worker stops, and fails the requests that were in flight', async () => {
    const { runtime, ports } = fakeRuntime();
    const statuses: string[] = [];
    const connection = connectToWorker(runtime, { onSnapshot: vi.fn(), onStatus: (s) => statuses.push(s) });
    const lost = connection.request({ type: 'clear' });
    ports[0]!.drop();
    await expect(lost).rejects.toThrow(/stopped/);
    vi.advanceTimersByTime(300);
    expect(ports).toHaveLength(2);
    expect(ports[1]!.posted).toEqual([{ type: 'hello', version: PROTOCOL_VERSION }]);
    expect(statuses).toEqual(['connected', 'reconnecting', 'connected']);
  });
});

describe('protocol narrowing', () => {
  it('accepts the messages of the protocol and nothing else', () => {
    expect(asViewMessage({ type: 'request', id: 3, command: { type: 'set-paused', paused: false } })).toEqual({
      type: 'request',
      id: 3,
      command: { type: 'set-paused', paused: false },
    });
    expect(asViewMessage({ type: 'request', id: 3, command: { type: 'drop-tables' } })).toBeUndefined();
    expect(asViewMessage({ type: 'hello', version: '1' })).toBeUndefined();
    expect(asWorkerMessage({ type: 'response', id: 1 })).toBeUndefined();
    expect(asWorkerMessage('snapshot')).toBeUndefined();
  });
});
