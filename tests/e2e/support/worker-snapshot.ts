/** What the background sends its views, asked for from one of the extension's own pages (Chrome or Firefox). */
import type { Page } from 'puppeteer';
import type { Exchange } from '../../../src/core/model.ts';
import { PORT_NAME, PROTOCOL_VERSION, type WorkerMessage } from '../../../src/messaging/protocol.ts';

/** The captured exchanges of the background's current snapshot (the views' protocol: hello → snapshot). */
export function snapshotExchanges(extensionPage: Page): Promise<Exchange[]> {
  return extensionPage.evaluate(
    (portName, version) =>
      new Promise<Exchange[]>((resolve) => {
        // Firefox's pages have `browser` (and `chrome`); Chrome's only `chrome`.
        const api = (globalThis as { browser?: typeof chrome }).browser ?? chrome;
        const port = api.runtime.connect({ name: portName });
        port.onMessage.addListener((message: WorkerMessage) => {
          if (message.type !== 'snapshot') return;
          resolve(message.snapshot.exchanges);
          port.disconnect();
        });
        port.postMessage({ type: 'hello', version });
      }),
    PORT_NAME,
    PROTOCOL_VERSION,
  );
}
