/**
 * How the DevTools response bodies travel from the devtools page to the panel page.
 *
 * Chrome loads the `devtools_page` (devtools.ts) as soon as DevTools opens, but the panel page only when the user
 * first shows the "OAuth" tab, so the capture lives in the devtools page and the panel pulls from it:
 * - the devtools page numbers each exchange (1, 2, 3…) and keeps the newest `MAX_NETWORK_EXCHANGES`;
 * - the panel, once loaded, asks for every exchange numbered above the last one it has (0 at first), and is then
 *   sent each new exchange as it is captured;
 * - numbers the panel already has are skipped, and a new exchange that does not follow its last one was sent
 *   before the answer to its pending question (which covers it) or, with no question pending, makes it ask again:
 *   nothing is lost or merged twice.
 *
 * The two pages talk over a `BroadcastChannel` named after the inspected tab. Both are frames of the same DevTools
 * window (docked or not), so the channel needs neither `ExtensionPanel.onShown` (which fires on every show, after
 * the panel's load, with a window DevTools finds by frame index) nor any reference to the other page: the panel can
 * load, hide, show or reload at any time. Each tab has at most one DevTools window, so the tab id keeps two DevTools
 * windows apart.
 */
import type { Exchange } from '../core/model.ts';
import { appendBounded } from './network.ts';

/** An exchange with the number the devtools page gave it. */
export interface NumberedExchange {
  seq: number;
  exchange: Exchange;
}

/** Devtools page → panel: every exchange still kept whose number is above `after`, in order. */
export interface ExchangesMessage {
  type: 'network-exchanges';
  after: number;
  exchanges: NumberedExchange[];
}

/** Panel → devtools page: send every exchange still kept whose number is above `after`. */
export interface RequestMessage {
  type: 'network-request';
  after: number;
}

export type NetworkBridgeMessage = ExchangesMessage | RequestMessage;

/** The channel of one inspected tab (exported for the Firefox end-to-end test, which asks the devtools page as the panel does). */
export function channelName(tabId: number): string {
  return `oauth-lens/network/${tabId}`;
}

/** The devtools page's side: numbers the exchanges and keeps the newest, as the panel's store does. */
export class NetworkBacklog {
  #kept: Exchange[] = [];
  #latest = 0;

  /** Keeps an exchange; returns the message that delivers it (alone) to a panel that is up to date. */
  add(exchange: Exchange): ExchangesMessage {
    this.#kept = appendBounded(this.#kept, [exchange]);
    const seq = ++this.#latest;
    return { type: 'network-exchanges', after: seq - 1, exchanges: [{ seq, exchange }] };
  }

  /** The answer to a panel that has everything up to `after` (older exchanges may have been dropped since). */
  since(after: number): ExchangesMessage {
    const firstKept = this.#latest - this.#kept.length + 1;
    const from = Math.max(after + 1, firstKept);
    const exchanges = this.#kept.slice(from - firstKept).map((exchange, i) => ({ seq: from + i, exchange }));
    return { type: 'network-exchanges', after, exchanges };
  }
}

/** What the panel does with a message: exchanges to merge, and a question to send when it is behind. */
export interface Reception {
  fresh: Exchange[];
  request?: RequestMessage;
}

/** The panel's side: which numbers it has, so an exchange is merged once and a gap is asked for again. */
export class NetworkReceiver {
  #received = 0;
  /** The `after` of a question not answered yet: its answer will cover every exchange sent before it. */
  #asked: number | undefined;

  /** The first question, when the panel loads. */
  start(): RequestMessage {
    return this.#ask();
  }

  receive(message: ExchangesMessage): Reception {
    if (message.after === this.#asked) this.#asked = undefined;
    if (message.after > this.#received) {
      // Sent before the answer to our question (which covers it), or we never asked for what came before.
      return this.#asked === undefined ? { fresh: [], request: this.#ask() } : { fresh: [] };
    }
    const fresh = message.exchanges.filter((n) => n.seq > this.#received);
    const last = fresh.at(-1);
    if (last) this.#received = last.seq;
    return { fresh: fresh.map((n) => n.exchange) };
  }

  #ask(): RequestMessage {
    this.#asked = this.#received;
    return { type: 'network-request', after: this.#received };
  }
}

/** Structured-cloned data from the channel, checked before use (only the extension's own pages can post). */
export function isNetworkBridgeMessage(data: unknown): data is NetworkBridgeMessage {
  if (data === null || typeof data !== 'object') return false;
  const { type, after, exchanges } = data as Record<string, unknown>;
  if (typeof after !== 'number') return false;
  return type === 'network-request' || (type === 'network-exchanges' && Array.isArray(exchanges));
}

/**
 * The devtools page's end: answers the panel's questions from the backlog and sends each new exchange.
 * Returns the function that captures an exchange.
 */
export function serveNetworkExchanges(tabId: number): (exchange: Exchange) => void {
  const channel = new BroadcastChannel(channelName(tabId));
  const backlog = new NetworkBacklog();
  const send = (message: NetworkBridgeMessage) => channel.postMessage(message);
  channel.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isNetworkBridgeMessage(event.data) && event.data.type === 'network-request') send(backlog.since(event.data.after));
  });
  return (exchange) => send(backlog.add(exchange));
}

/** The panel's end: asks for the backlog at once, then hands over each exchange once. */
export function receiveNetworkExchanges(tabId: number, onExchanges: (exchanges: Exchange[]) => void): void {
  const channel = new BroadcastChannel(channelName(tabId));
  const receiver = new NetworkReceiver();
  const send = (message: NetworkBridgeMessage) => channel.postMessage(message);
  channel.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (!isNetworkBridgeMessage(event.data) || event.data.type !== 'network-exchanges') return;
    const { fresh, request } = receiver.receive(event.data);
    if (request) send(request);
    if (fresh.length) onExchanges(fresh);
  });
  send(receiver.start());
}
