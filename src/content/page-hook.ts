/**
 * The page's side of the page-reported bodies (Chrome only, src/background/page-bodies.ts): registered at run time,
 * in the page's own world at document_start, for the origin of an observed redirect_uri only. It wraps fetch and
 * XMLHttpRequest, and the classic workers the page starts from a blob: URL (auth0-spa-js refreshes its tokens
 * from one), and copies the responses of requests to OAuth endpoints (the token, discovery, JWKS, userinfo,
 * revocation and PAR URLs the worker's body filter names, and any request whose body carries a grant_type), up to
 * MAX_RESPONSE_BODY_BYTES each; past that only the size. Copies go to the relay (src/content/relay.ts) as a DOM
 * event on `document`, which the page's own message listeners never see.
 *
 * The page gets every response unchanged: a fetch copy reads a clone (cancelled once past the bound, so the
 * browser keeps no second copy), an XMLHttpRequest copy reads the response once the page has it. Nothing here
 * throws into the page: each copy is wrapped, and a wrapper that cannot do its part calls the original.
 *
 * Not seen: module workers and workers loaded from a URL (wrapping them would change their base URL), service
 * workers, and requests a library makes with a reference to fetch taken before this script ran (none can: it runs
 * before the page's first script).
 */
import { BODY_URL_PATTERNS } from '../background/filters.ts';
import { MAX_RESPONSE_BODY_BYTES } from '../capture/stream-filter.ts';
import { PAGE_BODY_EVENT, patternRegExpSource } from '../capture/page-bodies.ts';

interface HookConfig {
  /** The DOM event the window side dispatches a report with; a worker posts `{ [channel]: report }` instead. */
  channel: string;
  /** Regular expressions (sources) over a URL without fragment: the endpoints whose responses are copied. */
  patterns: string[];
  limit: number;
}

/**
 * Installs the copies in a window or a worker's global scope. Self-contained (it refers to nothing outside its
 * own body): a worker runs its source text, as a prologue to the worker's own script.
 */
function installBodyHook(scope: typeof globalThis, config: HookConfig): void {
  const marker = Symbol.for('oauth-lens.page-hook');
  const flagged = scope as unknown as Record<symbol, boolean>;
  if (flagged[marker]) return;
  flagged[marker] = true;
  const inWindow = typeof (scope as { document?: unknown }).document === 'object';
  const patterns = config.patterns.map((source) => new RegExp(source));
  const GRANT_IN_BODY = /(?:^|&)grant_type=|"grant_type"\s*:/;

  const post = (report: Record<string, unknown>): void => {
    try {
      if (inWindow) scope.document.dispatchEvent(new CustomEvent(config.channel, { detail: JSON.stringify(report) }));
      else (scope as unknown as { postMessage(message: unknown): void }).postMessage({ [config.channel]: report });
    } catch {
      // The report is lost, the page is not.
    }
  };

  const absolute = (url: string): string | undefined => {
    try {
      const parsed = new URL(url, scope.location.href);
      parsed.hash = '';
      return parsed.href;
    } catch {
      return undefined;
    }
  };

  const bodyText = (body: unknown): string =>
    typeof body === 'string' ? body.slice(0, 4096) : body instanceof URLSearchParams ? body.toString().slice(0, 4096) : '';

  const isOAuthRequest = (url: string, body: unknown): boolean =>
    patterns.some((pattern) => pattern.test(url)) || GRANT_IN_BODY.test(bodyText(body));

  const base64 = (bytes: Uint8Array): string => {
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  };

  const report = (
    request: { url: string; method: string; requestTime: number },
    response: { url: string; status: number; contentType: string | null },
    bytes: Uint8Array | undefined,
    size: number,
  ): void => {
    post({
      url: absolute(response.url || request.url) ?? request.url,
      method: request.method.toUpperCase(),
      status: response.status,
      requestTime: request.requestTime,
      responseTime: Date.now(),
      ...(response.contentType ? { contentType: response.contentType } : {}),
      ...(bytes ? { body: base64(bytes) } : {}),
      size,
    });
  };

  /** Reads a fetch response's clone up to the bound; past it, cancels the clone and reports the size alone. */
  const copyFetchResponse = async (request: { url: string; method: string; requestTime: number }, response: Response) => {
    const meta = { url: response.url, status: response.status, contentType: response.headers.get('content-type') };
    const reader = response.body?.getReader();
    if (!reader) {
      report(request, meta, new Uint8Array(0), 0);
      return;
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > config.limit) {
        void reader.cancel().catch(() => undefined);
        report(request, meta, undefined, size);
        return;
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    report(request, meta, bytes, size);
  };

  const nativeFetch = scope.fetch;
  if (typeof nativeFetch === 'function') {
    scope.fetch = function fetch(this: unknown, ...args: Parameters<typeof nativeFetch>): Promise<Response> {
      // The page's own arguments go to the original untouched, however many it passed.
      const pending = nativeFetch.apply(this, args);
      try {
        const [input, init] = args;
        const isRequest = typeof Request === 'function' && input instanceof Request;
        const url = absolute(isRequest ? input.url : String(input));
        const method = init?.method ?? (isRequest ? input.method : 'GET');
        if (url && isOAuthRequest(url, init?.body)) {
          const request = { url, method, requestTime: Date.now() };
          // Attached before the page gets the promise, so the clone is taken before the page reads the body.
          pending.then(
            (response) => copyFetchResponse(request, response.clone()).catch(() => undefined),
            () => undefined,
          );
        }
      } catch {
        // Never in the page's way.
      }
      return pending;
    } as typeof fetch;
  }

  const Xhr = scope.XMLHttpRequest;
  if (typeof Xhr === 'function') {
    const opened = new WeakMap<XMLHttpRequest, { url: string; method: string }>();
    const nativeOpen = Xhr.prototype.open;
    const nativeSend = Xhr.prototype.send;
    Xhr.prototype.open = function open(this: XMLHttpRequest, ...args: Parameters<typeof nativeOpen>) {
      try {
        const [method, url] = args;
        const resolved = absolute(String(url));
        if (resolved) opened.set(this, { url: resolved, method: String(method) });
      } catch {
        // Never in the page's way.
      }
      return nativeOpen.apply(this, args);
    } as typeof nativeOpen;
    Xhr.prototype.send = function send(this: XMLHttpRequest, ...args: Parameters<typeof nativeSend>) {
      try {
        const [body] = args;
        const target = opened.get(this);
        if (target && isOAuthRequest(target.url, body)) {
          const request = { ...target, requestTime: Date.now() };
          this.addEventListener('loadend', () => {
            try {
              if (this.readyState !== 4 || !this.status) return;
              const meta = { url: this.responseURL, status: this.status, contentType: this.getResponseHeader('content-type') };
              let bytes: Uint8Array | undefined;
              if (this.responseType === '' || this.responseType === 'text') bytes = new TextEncoder().encode(this.responseText);
              else if (this.responseType === 'json') bytes = new TextEncoder().encode(JSON.stringify(this.response) ?? '');
              else if (this.responseType === 'arraybuffer' && this.response instanceof ArrayBuffer) bytes = new Uint8Array(this.response);
              if (!bytes) return;
              if (bytes.byteLength > config.limit) report(request, meta, undefined, bytes.byteLength);
              else report(request, meta, bytes, bytes.byteLength);
            } catch {
              // The report is lost, the page is not.
            }
          });
        }
      } catch {
        // Never in the page's way.
      }
      return nativeSend.apply(this, args);
    };
  }

  // A classic worker started from a blob: URL runs this hook first, then its own script (importScripts), and posts
  // its reports to the window, which passes them on and keeps them from the page's own message listeners.
  const NativeWorker = inWindow ? scope.Worker : undefined;
  if (typeof NativeWorker === 'function') {
    const hookSource = `(${installBodyHook.toString()})(self, ${JSON.stringify(config)});`;
    const Worker = function Worker(this: unknown, url: string | URL, options?: WorkerOptions) {
      if (!new.target) return Reflect.apply(NativeWorker, this, [url, options]);
      const href = String(url);
      if (options?.type !== 'module' && href.startsWith('blob:')) {
        try {
          const prologue = new Blob([`${hookSource}\nimportScripts(${JSON.stringify(href)});`], { type: 'text/javascript' });
          const worker: Worker = Reflect.construct(NativeWorker, [URL.createObjectURL(prologue), options], new.target);
          worker.addEventListener('message', (event: MessageEvent) => {
            const data = event.data as Record<string, unknown> | null;
            if (typeof data !== 'object' || data === null || !(config.channel in data)) return;
            event.stopImmediatePropagation();
            post(data[config.channel] as Record<string, unknown>);
          });
          return worker;
        } catch {
          // A page whose policy refuses the prologue (Trusted Types, worker-src) gets its worker as it asked.
        }
      }
      return Reflect.construct(NativeWorker, [url, options], new.target);
    };
    Worker.prototype = NativeWorker.prototype;
    scope.Worker = Worker as unknown as typeof globalThis.Worker;
  }
}

installBodyHook(globalThis, {
  channel: PAGE_BODY_EVENT,
  patterns: BODY_URL_PATTERNS.flatMap((pattern) => patternRegExpSource(pattern) ?? []),
  limit: MAX_RESPONSE_BODY_BYTES,
});
