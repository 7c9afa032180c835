// Records a page's DevTools protocol events and turns them into a HAR shaped like Chrome's own "Export HAR".
// chrome-har does the conversion; around it, `keepFailed` keeps the requests that failed in the browser,
// `mergeExtraInfo` feeds it the headers as they went over the wire, and `shapeLikeChrome` puts back what it
// normalises away.
import { harFromMessages, type DevtoolsMessage } from 'chrome-har';
import type { Entry, Har, Header, PostData, QueryString } from 'har-format';
import type { CDPSession, Page, Protocol } from 'puppeteer';

/** The events chrome-har reads. */
const EVENTS = [
  'Page.frameStartedLoading',
  'Page.frameRequestedNavigation',
  'Page.navigatedWithinDocument',
  'Page.frameAttached',
  'Page.domContentEventFired',
  'Page.loadEventFired',
  'Network.requestWillBeSent',
  'Network.requestWillBeSentExtraInfo',
  'Network.requestServedFromCache',
  'Network.responseReceived',
  'Network.responseReceivedExtraInfo',
  'Network.dataReceived',
  'Network.loadingFinished',
  'Network.loadingFailed',
  'Network.resourceChangedPriority',
] as const;

/** Response bodies worth keeping: pages and API answers (not scripts, styles or images). */
const BODY_TYPES: ReadonlySet<string> = new Set(['Document', 'XHR', 'Fetch']);

export interface HarCapture {
  /** Stops recording and returns the HAR. */
  stop(browser: { name: string; version: string }): Promise<Har>;
}

export interface HarCaptureOptions {
  /**
   * Also record every window that the page, or one of those windows, opens (window.open, a target=_blank
   * link), from its first request on. Default true.
   */
  popups?: boolean;
}

/** A recorded event and the DevTools session (0: the page, then each popup) it came from. */
interface SourcedMessage extends DevtoolsMessage {
  source: number;
}

/**
 * Records `page` over its own DevTools session, and each popup it opens over a session of the popup's own
 * (a page-level session never sees another window's requests, and a page-level auto-attach does not reach
 * popups). A browser-level auto-attach reaches each new window as it is created, and its recording starts at
 * once. waitForDebuggerOnStart does not hold the window's first navigation for us (puppeteer's own session
 * lets it go), so the document that window.open names may be missed; whatever the popup's own scripts start
 * comes well after, and is in.
 */
export async function startHarCapture(page: Page, { popups = true }: HarCaptureOptions = {}): Promise<HarCapture> {
  const messages: SourcedMessage[] = [];
  const sessions: CDPSession[] = [];
  // By source, then request id: a request id is only unique within its session.
  const responses = new Map<string, Protocol.Network.ResponseReceivedEvent>();
  const pending: Promise<unknown>[] = [];
  let stopped = false;

  /**
   * `frameId`, for a worker's session: its requests carry no frame, and chrome-har files a request under the page
   * of its frame (it drops the others), so they are filed under the page's main frame, where DevTools lists them.
   */
  function record(session: CDPSession, frameId?: string): void {
    const source = sessions.push(session) - 1;
    const key = (requestId: string) => `${source} ${requestId}`;

    function onRequest({ requestId, request }: Protocol.Network.RequestWillBeSentEvent): void {
      // Large bodies are not inlined in the event; fetch them while the request is still known.
      if (request.hasPostData && request.postData === undefined) {
        pending.push(
          session
            .send('Network.getRequestPostData', { requestId })
            .then(({ postData }) => (request.postData = postData))
            .catch(() => undefined),
        );
      }
    }

    function onFinished(event: Protocol.Network.LoadingFinishedEvent): void {
      const received = responses.get(key(event.requestId));
      if (!received || !BODY_TYPES.has(received.type)) return;
      // chrome-har reads the body from `response.body` (it is not part of the protocol's Response).
      pending.push(
        session
          .send('Network.getResponseBody', { requestId: event.requestId })
          .then(({ body, base64Encoded }) => {
            if (!base64Encoded) Object.assign(received.response, { body });
          })
          .catch(() => undefined),
      );
    }

    for (const method of EVENTS) {
      session.on(method, (params: unknown) => {
        if (frameId && method === 'Network.requestWillBeSent') (params as Protocol.Network.RequestWillBeSentEvent).frameId ??= frameId;
        messages.push({ method, params, source });
        if (method === 'Network.requestWillBeSent') onRequest(params as Protocol.Network.RequestWillBeSentEvent);
        if (method === 'Network.responseReceived') {
          const event = params as Protocol.Network.ResponseReceivedEvent;
          responses.set(key(event.requestId), event);
        }
        if (method === 'Network.loadingFinished') onFinished(params as Protocol.Network.LoadingFinishedEvent);
      });
    }
  }

  async function enable(session: CDPSession): Promise<void> {
    await session.send('Page.enable');
    // Durable messages keep bodies in the browser process, so that they outlive the renderer's navigation.
    await session.send('Network.enable', {
      maxTotalBufferSize: 64 * 1024 * 1024,
      maxResourceBufferSize: 8 * 1024 * 1024,
      enableDurableMessages: true,
    });
  }

  const main = await page.createCDPSession();
  record(main);
  await enable(main);
  await recordWorkers(main);

  /**
   * Records the dedicated workers the page starts (an SDK may send its token requests from one: auth0-spa-js
   * with refresh tokens); a page session's events never include a worker's requests.
   */
  async function recordWorkers(session: CDPSession): Promise<void> {
    const { frameTree } = await session.send('Page.getFrameTree');
    session.on('Target.attachedToTarget', (event: Protocol.Target.AttachedToTargetEvent) => {
      const worker = session.connection()?.session(event.sessionId);
      if (!worker) return;
      const release = async () => {
        if (!stopped && event.targetInfo.type === 'worker') {
          record(worker, frameTree.frame.id);
          await worker.send('Network.enable');
        }
        if (event.waitingForDebugger) await worker.send('Runtime.runIfWaitingForDebugger');
      };
      release().catch(() => undefined);
    });
    await session.send('Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: true,
      flatten: true,
      filter: [{ type: 'worker' }],
    });
  }

  let browserSession: CDPSession | undefined;
  if (popups) {
    // The recorded windows, by target id: a window they open is recorded too.
    const recorded = new Set([(await main.send('Target.getTargetInfo')).targetInfo.targetId]);
    const auto = await page.browser().target().createCDPSession();
    browserSession = auto;
    auto.on('Target.attachedToTarget', (event: Protocol.Target.AttachedToTargetEvent) => {
      const { sessionId, targetInfo, waitingForDebugger } = event;
      const session = auto.connection()?.session(sessionId);
      if (!session) return;
      const ours = !stopped && targetInfo.openerId !== undefined && recorded.has(targetInfo.openerId);
      if (ours) {
        recorded.add(targetInfo.targetId);
        record(session);
      }
      const release = async () => {
        if (ours) await enable(session);
        if (waitingForDebugger) await session.send('Runtime.runIfWaitingForDebugger');
        // Any other page (those open already, and later ones of no concern) is let go at once.
        if (!ours) await auto.send('Target.detachFromTarget', { sessionId });
      };
      release().catch(() => undefined);
    });
    await auto.send('Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: true,
      flatten: true,
      filter: [{ type: 'page' }],
    });
  }

  return {
    async stop(browser) {
      stopped = true;
      await browserSession?.send('Target.setAutoAttach', { autoAttach: false, waitForDebuggerOnStart: false }).catch(() => undefined);
      await Promise.all(pending);
      // A popup that closed itself has taken its session with it.
      await Promise.all(sessions.map((session) => session.detach().catch(() => undefined)));
      await browserSession?.detach().catch(() => undefined);
      const all = distinctRequestIds(messages);
      const har = harFromMessages(mergeExtraInfo(keepFailed(all)), { includeTextFromResponseBody: true });
      shapeLikeChrome(har, all);
      dropStaticNoise(har);
      har.log.browser = browser;
      return har;
    },
  };
}

/**
 * One timeline of every session's events, with each request id unique across them: a request id that an
 * earlier session already used (unlikely, as the ids name the process) gets its session's number appended.
 */
function distinctRequestIds(messages: readonly SourcedMessage[]): DevtoolsMessage[] {
  const owner = new Map<string, number>();
  return messages.map(({ method, params, source }) => {
    const requestId = (params as { requestId?: string }).requestId;
    if (requestId === undefined) return { method, params };
    if (!owner.has(requestId)) owner.set(requestId, source);
    if (owner.get(requestId) === source) return { method, params };
    return { method, params: { ...(params as object), requestId: `${requestId}.${source}` } };
  });
}

type Event<T> = DevtoolsMessage & { params: T };
const isEvent = <T>(message: DevtoolsMessage, method: string): message is Event<T> => message.method === method;

/**
 * chrome-har leaves out every request that failed in the browser: it deletes the entry at a `loadingFailed`
 * (other than an abort), and drops one that never got `responseReceived`, which is how a request the browser
 * blocked ends: refused by the CORS check (the server's answer shows only in `responseReceivedExtraInfo`), or
 * never sent after a failed preflight. DevTools' own export keeps them, with `_error`, and with the status and
 * headers of the response when the network got one (its NetworkRequest takes them from the ExtraInfo event,
 * also when no `responseReceived` follows), status 0 and no headers when it got none. So a failed request
 * without a response gets one made from its last hop's ExtraInfo (whose wire headers `mergeExtraInfo` then
 * puts in), chrome-har is not told of the failure, and `shapeLikeChrome` adds `_error`.
 */
function keepFailed(messages: readonly DevtoolsMessage[]): DevtoolsMessage[] {
  const sent = new Map<string, Protocol.Network.RequestWillBeSentEvent[]>();
  const responseExtra = new Map<string, Protocol.Network.ResponseReceivedExtraInfoEvent[]>();
  // Requests whose last hop got responseReceived (a redirect's response comes with the next hop instead).
  const responded = new Set<string>();
  const push = <T>(map: Map<string, T[]>, id: string, value: T) => map.set(id, [...(map.get(id) ?? []), value]);
  for (const message of messages) {
    if (isEvent<Protocol.Network.RequestWillBeSentEvent>(message, 'Network.requestWillBeSent')) {
      push(sent, message.params.requestId, message.params);
      responded.delete(message.params.requestId);
    } else if (isEvent<Protocol.Network.ResponseReceivedExtraInfoEvent>(message, 'Network.responseReceivedExtraInfo')) {
      push(responseExtra, message.params.requestId, message.params);
    } else if (isEvent<Protocol.Network.ResponseReceivedEvent>(message, 'Network.responseReceived')) {
      responded.add(message.params.requestId);
    }
  }

  return messages.map((message) => {
    if (!isEvent<Protocol.Network.LoadingFailedEvent>(message, 'Network.loadingFailed')) return message;
    const { requestId, timestamp, type } = message.params;
    const hops = sent.get(requestId) ?? [];
    const last = hops.at(-1);
    if (!last) return message;
    // After a response, the failure ends loading: chrome-har finalises the entry from it as it does after an abort.
    if (responded.has(requestId)) return { method: 'Network.loadingFinished', params: { requestId, timestamp, encodedDataLength: -1 } };
    // The last hop has an ExtraInfo of its own only when there is one per hop.
    const extras = responseExtra.get(requestId) ?? [];
    const extra = extras.length === hops.length ? extras.at(-1) : undefined;
    // HTTP/1 only: the status line, for the version (in the protocol's lower case) and the reason phrase.
    const [, version = '', statusText = ''] = /^(HTTP\/[\d.]+) \d+ ?(.*)/.exec(extra?.headersText ?? '') ?? [];
    const params: Protocol.Network.ResponseReceivedEvent = {
      requestId,
      loaderId: last.loaderId,
      timestamp,
      type,
      hasExtraInfo: extra !== undefined,
      ...(last.frameId !== undefined && { frameId: last.frameId }),
      response: {
        url: last.request.url,
        status: extra?.statusCode ?? 0,
        statusText,
        protocol: version.toLowerCase(),
        headers: {},
        // DevTools' content type for a response whose body it never got.
        mimeType: 'x-unknown',
        charset: '',
        connectionReused: false,
        connectionId: 0,
        encodedDataLength: 0,
        securityState: 'unknown',
      },
    };
    return { method: 'Network.responseReceived', params };
  });
}

/**
 * The requestWillBeSent and responseReceived events carry provisional headers (no Cookie, no Set-Cookie, no
 * Host); the *ExtraInfo events carry what went over the wire, one per hop of a redirect chain, in order. Put
 * the wire headers into the main events and drop the ExtraInfo ones: chrome-har would append them to the
 * provisional ones (duplicates) and, in a redirect chain, give the final response the first hop's headers.
 * A request whose ExtraInfo events do not line up one-to-one with its hops keeps its provisional headers.
 */
function mergeExtraInfo(messages: readonly DevtoolsMessage[]): DevtoolsMessage[] {
  const hops = new Map<string, number>();
  const requestExtra = new Map<string, Protocol.Network.Headers[]>();
  const responseExtra = new Map<string, Protocol.Network.ResponseReceivedExtraInfoEvent[]>();
  const push = <T>(map: Map<string, T[]>, id: string, value: T) => map.set(id, [...(map.get(id) ?? []), value]);
  for (const message of messages) {
    if (isEvent<Protocol.Network.RequestWillBeSentEvent>(message, 'Network.requestWillBeSent')) {
      hops.set(message.params.requestId, (hops.get(message.params.requestId) ?? 0) + 1);
    } else if (isEvent<Protocol.Network.RequestWillBeSentExtraInfoEvent>(message, 'Network.requestWillBeSentExtraInfo')) {
      push(requestExtra, message.params.requestId, message.params.headers);
    } else if (isEvent<Protocol.Network.ResponseReceivedExtraInfoEvent>(message, 'Network.responseReceivedExtraInfo')) {
      push(responseExtra, message.params.requestId, message.params);
    }
  }
  const lineUp = <T>(map: Map<string, T[]>, id: string, hop: number): T | undefined => {
    const list = map.get(id);
    return list && list.length === hops.get(id) ? list[hop] : undefined;
  };
  const wireHeaders = (id: string, hop: number, response: Protocol.Network.Response) => {
    const extra = lineUp(responseExtra, id, hop);
    return extra?.statusCode === response.status ? extra.headers : response.headers;
  };

  const seen = new Map<string, number>();
  const merged: DevtoolsMessage[] = [];
  for (const message of messages) {
    if (message.method.endsWith('ExtraInfo')) continue;
    if (isEvent<Protocol.Network.RequestWillBeSentEvent>(message, 'Network.requestWillBeSent')) {
      const { requestId, request, redirectResponse } = message.params;
      const hop = seen.get(requestId) ?? 0;
      seen.set(requestId, hop + 1);
      const params = {
        ...message.params,
        request: { ...request, headers: lineUp(requestExtra, requestId, hop) ?? request.headers },
        ...(redirectResponse && {
          redirectResponse: { ...redirectResponse, headers: wireHeaders(requestId, hop - 1, redirectResponse) },
        }),
      };
      merged.push({ method: message.method, params });
    } else if (isEvent<Protocol.Network.ResponseReceivedEvent>(message, 'Network.responseReceived')) {
      const { requestId, response } = message.params;
      const last = (hops.get(requestId) ?? 1) - 1;
      // Keep the same response object: the body is attached to it once loading finishes.
      response.headers = wireHeaders(requestId, last, response);
      merged.push(message);
    } else {
      merged.push(message);
    }
  }
  return merged;
}

/**
 * What Chrome's export keeps and chrome-har changes:
 * - the request URL exactly as sent (chrome-har re-serialises it through the legacy url module);
 * - queryString and postData.params split on & and = but NOT decoded (raw percent-encoding);
 * - postData.text, always present when there was a body (chrome-har drops it for forms and JSON);
 * - one header entry per line of a multi-line value (several Set-Cookie headers arrive joined by "\n");
 * - `response._error`, the error of a request that failed (chrome-har has no field for it).
 */
function shapeLikeChrome(har: Har, messages: readonly DevtoolsMessage[]): void {
  // Every request sent, by request id, in order: a redirect chain reuses its id.
  const sent = new Map<string, Protocol.Network.Request[]>();
  const failed = new Map<string, string>();
  for (const message of messages) {
    if (isEvent<Protocol.Network.RequestWillBeSentEvent>(message, 'Network.requestWillBeSent')) {
      const { requestId, request } = message.params;
      sent.set(requestId, [...(sent.get(requestId) ?? []), request]);
    } else if (isEvent<Protocol.Network.LoadingFailedEvent>(message, 'Network.loadingFailed')) {
      failed.set(message.params.requestId, message.params.errorText);
    }
  }

  const seen = new Map<string, number>();
  for (const entry of har.log.entries) {
    // chrome-har marks the earlier requests of a redirect chain by appending "r" to the id; entries of one
    // chain appear in the order they were sent.
    const requestId = String((entry as Entry & { _requestId: string })._requestId);
    const id = requestId.replace(/r+$/, '');
    const hop = seen.get(id) ?? 0;
    seen.set(id, hop + 1);
    entry.request.headers = splitLines(entry.request.headers);
    entry.response.headers = splitLines(entry.response.headers);
    // A failure ends the last hop, the one entry that keeps the plain request id.
    const error = failed.get(requestId);
    if (error !== undefined) Object.assign(entry.response, { _error: error });
    const request = sent.get(id)?.[hop];
    if (!request) continue;

    const url = request.url + (request.urlFragment ?? '');
    entry.request.url = url;
    entry.request.queryString = queryParameters(url);
    const postData = postDataOf(request);
    if (postData) entry.request.postData = postData;
    else delete entry.request.postData;
  }
}

const STATIC_TYPES: ReadonlySet<string> = new Set(['script', 'stylesheet', 'image', 'font']);

/**
 * Keeps the fixtures small: drops the demo page's own scripts (and any style, image or font) and
 * /favicon.ico. None of them says anything about OAuth; documents, fetches and preflights all stay.
 */
function dropStaticNoise(har: Har): void {
  har.log.entries = har.log.entries.filter((entry) => {
    const type = (entry as Entry & { _resourceType?: string })._resourceType ?? '';
    return !STATIC_TYPES.has(type) && new URL(entry.request.url).pathname !== '/favicon.ico';
  });
}

function splitLines(headers: Header[]): Header[] {
  return headers.flatMap(({ name, value }) => value.split('\n').map((line) => ({ name, value: line })));
}

/** DevTools' own parsing: split on "&", then at the first "="; no decoding. */
function splitParameters(text: string): QueryString[] {
  return text.split('&').map((pair) => {
    const at = pair.indexOf('=');
    return at === -1 ? { name: pair, value: '' } : { name: pair.slice(0, at), value: pair.slice(at + 1) };
  });
}

function queryParameters(url: string): QueryString[] {
  const withoutFragment = url.split('#')[0] ?? '';
  const at = withoutFragment.indexOf('?');
  const query = at === -1 ? '' : withoutFragment.slice(at + 1);
  return query ? splitParameters(query) : [];
}

/**
 * Chrome writes `text` and, for forms, `params` side by side, although HAR 1.2 calls them mutually exclusive
 * (and so do the har-format types, hence the cast).
 */
function postDataOf(request: Protocol.Network.Request): PostData | undefined {
  const text = request.postData;
  if (text === undefined) return undefined;
  const contentType = Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  const isForm = /^application\/x-www-form-urlencoded/i.test(contentType);
  return { mimeType: contentType, text, ...(isForm && { params: splitParameters(text) }) } as PostData;
}
