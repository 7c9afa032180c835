/**
 * A view's connection to the worker: a port that reconnects when the MV3 worker is stopped (the port
 * disconnects) and says hello again, as React DevTools' panel does.
 */
import type { Runtime } from 'webextension-polyfill';
import { asWorkerMessage, PORT_NAME, PROTOCOL_VERSION, type CaptureSnapshot, type ViewMessage } from './protocol.ts';

export interface WorkerConnection {
  send(message: ViewMessage): void;
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

  const open = () => {
    port = runtime.connect({ name: PORT_NAME });
    port.onMessage.addListener((raw: unknown) => {
      const message = asWorkerMessage(raw);
      if (message?.type === 'snapshot') handlers.onSnapshot(message.snapshot);
      else if (message?.type === 'version-mismatch') handlers.onStatus?.('incompatible');
    });
    port.onDisconnect.addListener(() => {
      port = undefined;
      if (closed) return;
      handlers.onStatus?.('reconnecting');
      timer = setTimeout(open, RECONNECT_DELAY_MS);
    });
    port.postMessage({ type: 'hello', version: PROTOCOL_VERSION } satisfies ViewMessage);
    handlers.onStatus?.('connected');
  };
  open();

  return {
    send(message) {
      port?.postMessage(message);
    },
    close() {
      closed = true;
      clearTimeout(timer);
      port?.disconnect();
    },
  };
}
