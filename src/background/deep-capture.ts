/**
 * Deep capture (Chrome, opt-in, one tab at a time): the response bodies of a tab's OAuth requests read through the
 * DevTools Protocol, for what the page's own script (page-bodies.ts) cannot see: requests of pages of another origin,
 * of module workers or workers loaded from a URL, of a page that loaded before the script was registered. The
 * `debugger` permission is optional: the popup asks for it (permissions.request, from the user's click) at the
 * moment the user turns deep capture on, after saying that Chrome shows its "started debugging this browser" bar
 * while it is on.
 *
 * Only script requests to the endpoints whose bodies the rules read are fetched (`Network.getResponseBody`, the
 * patterns of BODY_URL_PATTERNS and any request carrying a grant_type), bounded like every other copy; each body
 * joins the exchange webRequest captured in that tab exactly as a page report does, but is not marked page-reported:
 * it comes from the browser's network stack, as DevTools' own does. The debugger detaches when the user turns it off
 * or the tab closes (Chrome detaches it, `onDetach`); the tabs it is on are kept in storage.session.
 */
import { MAX_RESPONSE_BODY_BYTES } from '../capture/stream-filter.ts';
import { asPageBodyReport, patternRegExpSource, type PageBodyReport } from '../capture/page-bodies.ts';
import { DEEP_CAPTURE_MESSAGE, type DeepCaptureRequest, type DeepCaptureState } from '../messaging/deep-capture.ts';
import { BODY_URL_PATTERNS } from './filters.ts';

const TABS_KEY = 'deepCapture:tabs';
const PROTOCOL_VERSION = '1.3';
const BODY_PATTERNS = BODY_URL_PATTERNS.flatMap((pattern) => patternRegExpSource(pattern) ?? []).map((source) => new RegExp(source));
const GRANT_IN_BODY = /(?:^|&)grant_type=|"grant_type"\s*:/;

/** The members of the Network domain's events read here (all optional: the protocol is not checked by types). */
interface NetworkEvent {
  requestId?: string;
  type?: string;
  request?: { url?: string; method?: string; postData?: string };
  response?: { status?: number; headers?: Record<string, unknown>; mimeType?: string };
  encodedDataLength?: number;
}

interface Tracked {
  url: string;
  method: string;
  requestTime: number;
  status?: number;
  contentType?: string;
}

/**
 * Listens for the popup's requests, and for the debugger's events while it is attached; hands each body to
 * `receive` with the tab it came from.
 */
export function listenForDeepCapture(receive: (report: PageBodyReport, tabId: number) => void): void {
  const tracked = new Map<string, Tracked>();
  const key = (tabId: number, requestId: string) => `${tabId}:${requestId}`;
  let listening = false;

  const tabs = async (): Promise<number[]> => {
    const stored = (await chrome.storage.session.get(TABS_KEY))[TABS_KEY];
    return Array.isArray(stored) ? stored.filter((id): id is number => typeof id === 'number') : [];
  };
  const setTab = async (tabId: number, on: boolean) => {
    const others = (await tabs()).filter((id) => id !== tabId);
    await chrome.storage.session.set({ [TABS_KEY]: on ? [...others, tabId] : others });
  };

  function listen(): void {
    if (listening || !chrome.debugger) return;
    listening = true;
    chrome.debugger.onEvent.addListener((source, method, params) => {
      const tabId = source.tabId;
      if (tabId === undefined) return;
      const p = (params ?? {}) as NetworkEvent;
      if (typeof p.requestId !== 'string') return;
      const requestId = p.requestId;
      if (method === 'Network.requestWillBeSent') {
        const request = p.request;
        const isScript = p.type === 'XHR' || p.type === 'Fetch';
        if (!isScript || typeof request?.url !== 'string' || typeof request.method !== 'string') return;
        const url = request.url.split('#')[0]!;
        if (!BODY_PATTERNS.some((pattern) => pattern.test(url)) && !GRANT_IN_BODY.test((request.postData ?? '').slice(0, 4096))) return;
        // A redirect's next hop comes with the same request id: the latest hop is the one whose body is read.
        tracked.set(key(tabId, requestId), { url, method: request.method, requestTime: Date.now() });
        // Bounded by what is in flight; a request that never finishes is dropped past a few hundred.
        if (tracked.size > 256) tracked.delete(tracked.keys().next().value!);
      } else if (method === 'Network.responseReceived') {
        const entry = tracked.get(key(tabId, requestId));
        if (!entry) return;
        entry.status = p.response?.status;
        const headers = p.response?.headers ?? {};
        const contentType = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
        entry.contentType = typeof contentType === 'string' ? contentType : p.response?.mimeType;
      } else if (method === 'Network.loadingFinished' || method === 'Network.loadingFailed') {
        const entry = tracked.get(key(tabId, requestId));
        tracked.delete(key(tabId, requestId));
        if (!entry || method === 'Network.loadingFailed' || entry.status === undefined) return;
        const size = typeof p.encodedDataLength === 'number' ? p.encodedDataLength : 0;
        void readBody(tabId, requestId, entry, size);
      }
    });
    chrome.debugger.onDetach.addListener((source) => {
      if (source.tabId !== undefined) void setTab(source.tabId, false);
    });
  }

  async function readBody(tabId: number, requestId: string, entry: Tracked, encodedSize: number): Promise<void> {
    const base = { url: entry.url, method: entry.method, status: entry.status, requestTime: entry.requestTime, responseTime: Date.now() };
    const typed = entry.contentType ? { contentType: entry.contentType } : {};
    try {
      const result = (await chrome.debugger.sendCommand({ tabId }, 'Network.getResponseBody', { requestId })) as
        | { body: string; base64Encoded: boolean }
        | undefined;
      if (!result) return;
      const bytes = result.base64Encoded ? decodedBase64Length(result.body) : new TextEncoder().encode(result.body).byteLength;
      const report =
        bytes > MAX_RESPONSE_BODY_BYTES
          ? { ...base, ...typed, size: bytes }
          : {
              ...base,
              ...typed,
              body: result.base64Encoded ? result.body : toBase64(new TextEncoder().encode(result.body)),
              size: bytes,
            };
      const checked = asPageBodyReport(report);
      if (checked) receive(checked, tabId);
    } catch {
      // The body is gone (evicted from the tab's buffer) or the tab is: nothing to join. Past the bound the
      // protocol may refuse it outright: keep its size alone.
      const checked = encodedSize > MAX_RESPONSE_BODY_BYTES ? asPageBodyReport({ ...base, ...typed, size: encodedSize }) : undefined;
      if (checked) receive(checked, tabId);
    }
  }

  async function turn(tabId: number, on: boolean): Promise<DeepCaptureState> {
    if (!chrome.debugger) return { on: false, error: 'The debugger permission was not granted.' };
    listen();
    const ours = (await tabs()).includes(tabId);
    if (on && !ours) {
      // Chrome lets several clients debug one tab (DevTools too); it refuses where it must (another extension's
      // session on a page it may not share), and the refusal is said in the popup.
      await chrome.debugger.attach({ tabId }, PROTOCOL_VERSION);
      await chrome.debugger.sendCommand({ tabId }, 'Network.enable', {});
      await setTab(tabId, true);
    } else if (!on && ours) {
      await setTab(tabId, false);
      await chrome.debugger.detach({ tabId }).catch(() => undefined);
    }
    return { on };
  }

  // Once granted, the events are listened to from the worker's first turn, so they wake a stopped worker.
  listen();

  chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
    const request = message as Partial<DeepCaptureRequest> | null;
    if (typeof request !== 'object' || request === null || request.type !== DEEP_CAPTURE_MESSAGE) return undefined;
    // Only the extension's own pages (the popup) may ask: a content script's sender has the page's URL.
    if (sender.id !== chrome.runtime.id || !sender.url?.startsWith(chrome.runtime.getURL(''))) return undefined;
    const tabId = request.tabId;
    if (typeof tabId !== 'number' || !Number.isInteger(tabId) || tabId < 0) return undefined;
    const answer = request.on === undefined ? tabs().then((on) => ({ on: on.includes(tabId) })) : turn(tabId, request.on === true);
    answer.then(sendResponse, (error: unknown) =>
      sendResponse({ on: false, error: error instanceof Error ? error.message : String(error) }),
    );
    return true;
  });
}

function decodedBase64Length(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor(base64.length / 4) * 3 - padding;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
