/**
 * A view's connection to the worker: a port that reconnects when the MV3 worker is stopped (the port
 * disconnects) and says hello again, as React DevTools' panel does, and typed request/response over it.
 */
import type { Runtime } from 'webextension-polyfill';
import { asWorkerMessage, PORT_NAME, PROTOCOL_VERSION, type CaptureSnapshot, type Command, type ViewMessage } from './protocol.ts';

export interface WorkerConnection {
  /** Sends a command; resolves when the worker has carried it out, rejects if it could not. */
  request(command: Command): Promise<void>;
  close(): void;
}

export interface ConnectionHandlers {
  onSnapshot(snapshot: CaptureSnapshot): void;
  onStatus?(status: 'connected' | 'reconnecting' | 'incompatible'): void;
}

const RECONNECT_DELAY_MS = 250;

export function connectToWorker(runtime: Pick<Runtime.Static, 'connect'>, handlers: ConnectionHandlers): WorkerConnection {
  let port: Runtime.Port | undefined;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve(): void; reject(error: Error): void }>();

  const open = () => {
    port = runtime.connect({ name: PORT_NAME });
    port.onMessage.addListener((raw: unknown) => {
      const message = asWorkerMessage(raw);
      if (!message) return;
      switch (message.type) {
        case 'snapshot':
          handlers.onSnapshot(message.snapshot);
          return;
        case 'response': {
          const waiting = pending.get(message.id);
          pending.delete(message.id);
          if (message.ok) waiting?.resolve();
          else waiting?.reject(new Error(message.error));
          return;
        }
        case 'version-mismatch':
          handlers.onStatus?.('incompatible');
          return;
      }
    });
    port.onDisconnect.addListener(() => {
      port = undefined;
      // A command in flight when the worker stopped is lost with it: say so rather than wait forever.
      for (const waiting of pending.values()) waiting.reject(new Error('the extension worker stopped; try again'));
      pending.clear();
      if (closed) return;
      handlers.onStatus?.('reconnecting');
      timer = setTimeout(open, RECONNECT_DELAY_MS);
    });
    port.postMessage({ type: 'hello', version: PROTOCOL_VERSION } satisfies ViewMessage);
    handlers.onStatus?.('connected');
  };
  open();

  return {
    request(command) {
      if (!port) return Promise.reject(new Error('not connected to the extension worker'));
      const id = nextId++;
      const answered = new Promise<void>((resolve, reject) => pending.set(id, { resolve, reject }));
      port.postMessage({ type: 'request', id, command } satisfies ViewMessage);
      return answered;
    },
    close() {
      closed = true;
      clearTimeout(timer);
      port?.disconnect();
    },
  };
}
