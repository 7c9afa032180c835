/**
 * A large, deterministic HAR shaped like Chrome's export (field names and nesting of
 * tests/fixtures/oidc-provider-code-pkce-good.har): a few hundred OAuth code + PKCE sign-ins
 * (discovery → authorize → login and consent pages → 303 Location callback → callback navigation → token POST
 * with a JSON token response → userinfo, some refreshes later) interleaved with a browsing session's
 * unrelated traffic: documents, scripts, stylesheets, images and fonts (base64), JSON APIs whose query strings
 * and bodies use the words `code` and `state`, JSON and form POSTs, beacons, redirects and blocked requests.
 *
 * A tenth of the flows carry one deliberate defect (plain PKCE, no nonce, late exchange, replayed code,
 * redirect_uri changed at /token) so the audit has findings to report.
 *
 * The file is written entry by entry (never held whole in memory) and reused when a file of the same generator
 * version and parameters exists.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../lib/rng.ts';

/** Bump when the output changes in any way: cached files of another version are regenerated. */
export const GENERATOR_VERSION = 2;

export interface HarSpec {
  seed: number;
  /** Total entries (flows included). */
  entries: number;
  flows: number;
}

export interface HarInfo extends HarSpec {
  version: number;
  path: string;
  bytes: number;
  flowEntries: number;
  defects: Record<string, number>;
  refreshes: number;
  generatedMs?: number;
  reused: boolean;
}

export function harPath(workDir: string, spec: HarSpec): string {
  return join(workDir, `har-audit-g${GENERATOR_VERSION}-s${spec.seed}-e${spec.entries}-f${spec.flows}.har`);
}

/** The HAR for `spec`, generated unless a complete file of this generator version is already there. */
export function ensureHar(workDir: string, spec: HarSpec, log: (line: string) => void): HarInfo {
  mkdirSync(workDir, { recursive: true });
  const path = harPath(workDir, spec);
  const metaPath = `${path}.meta.json`;
  if (existsSync(path) && existsSync(metaPath)) {
    try {
      const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as HarInfo;
      if (meta.version === GENERATOR_VERSION && meta.bytes === statSync(path).size) return { ...meta, path, reused: true };
    } catch {
      // regenerate
    }
  }
  log(`generating ${path} (${spec.entries} entries, ${spec.flows} flows, seed ${spec.seed})…`);
  const started = performance.now();
  const info = generate(path, spec);
  info.generatedMs = performance.now() - started;
  writeFileSync(metaPath, `${JSON.stringify(info, null, 2)}\n`);
  return info;
}

// ---------------------------------------------------------------------------------------------------------
// The world: client apps, authorization servers, unrelated sites

interface App {
  origin: string;
  clientId: string;
  callbackPath: string;
  h2: boolean;
  api: string;
}

interface Issuer {
  origin: string;
  issuer: string;
  authorize: string;
  token: string;
  userinfo: string;
  jwks: string;
  revoke: string;
  loginPath: string;
  resumePath: string;
  consentPath: string;
  issParam: boolean;
  jwtAccessTokens: boolean;
  h2: boolean;
}

const APPS: App[] = [
  { origin: 'https://shop.example', clientId: 'shop-web', callbackPath: '/auth/callback', h2: true, api: 'https://api.shop.example' },
  { origin: 'https://news.example', clientId: 'news-spa', callbackPath: '/callback', h2: true, api: 'https://news.example/api' },
  {
    origin: 'https://dashboard.corp.example',
    clientId: 'dash',
    callbackPath: '/oidc/cb',
    h2: true,
    api: 'https://dashboard.corp.example/api/v1',
  },
  { origin: 'http://localhost:5173', clientId: 'dev-spa', callbackPath: '/cb', h2: false, api: 'http://localhost:5173/api' },
  { origin: 'https://mail.example', clientId: 'mail-web', callbackPath: '/login/callback', h2: true, api: 'https://mail.example/api' },
];

const ISSUERS: Issuer[] = [
  {
    origin: 'https://login.acme-id.example',
    issuer: 'https://login.acme-id.example/',
    authorize: '/authorize',
    token: '/oauth/token',
    userinfo: '/userinfo',
    jwks: '/.well-known/jwks.json',
    revoke: '/oauth/revoke',
    loginPath: '/u/login',
    resumePath: '/authorize/resume',
    consentPath: '/u/consent',
    issParam: false,
    jwtAccessTokens: true,
    h2: true,
  },
  {
    origin: 'https://accounts.example.com',
    issuer: 'https://accounts.example.com',
    authorize: '/o/oauth2/v2/auth',
    token: '/token',
    userinfo: '/v1/userinfo',
    jwks: '/oauth2/v3/certs',
    revoke: '/revoke',
    loginPath: '/signin/identifier',
    resumePath: '/o/oauth2/v2/auth/resume',
    consentPath: '/signin/oauth/consent',
    issParam: true,
    jwtAccessTokens: false,
    h2: true,
  },
  {
    origin: 'https://idp.corp.example',
    issuer: 'https://idp.corp.example/realms/corp',
    authorize: '/realms/corp/protocol/openid-connect/auth',
    token: '/realms/corp/protocol/openid-connect/token',
    userinfo: '/realms/corp/protocol/openid-connect/userinfo',
    jwks: '/realms/corp/protocol/openid-connect/certs',
    revoke: '/realms/corp/protocol/openid-connect/revoke',
    loginPath: '/realms/corp/login-actions/authenticate',
    resumePath: '/realms/corp/login-actions/resume',
    consentPath: '/realms/corp/login-actions/required-action',
    issParam: true,
    jwtAccessTokens: true,
    h2: false,
  },
];

const SITES = [
  ...APPS.map((a) => ({ origin: a.origin, api: a.api, h2: a.h2 })),
  { origin: 'https://blog.example', api: 'https://blog.example/wp-json/wp/v2', h2: true },
  { origin: 'https://docs.example.org', api: 'https://docs.example.org/api', h2: true },
  { origin: 'https://weather.example', api: 'https://api.weather.example/v3', h2: true },
];
const CDNS = ['https://cdn.jsdelivr.example', 'https://static.cdn.example', 'https://img.cdn.example', 'https://fonts.gstatic.example'];
const ANALYTICS = ['https://collect.analytics.example', 'https://px.ads.tracker.example', 'https://rum.monitoring.example'];

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
const WORDS = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua ' +
  'state code order cart checkout account profile settings search result price shipping delivery payment review rating country ' +
  'region city postal address phone email newsletter subscribe weather forecast temperature article author comment share'
).split(' ');
const US_STATES = ['CA', 'NY', 'TX', 'WA', 'OR', 'MA', 'IL', 'FL'];
const ORDER_STATES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled', 'open', 'closed'];

// ---------------------------------------------------------------------------------------------------------
// Entry model and Chrome-shaped rendering

type ResourceType = 'document' | 'script' | 'stylesheet' | 'image' | 'font' | 'fetch' | 'xhr' | 'ping' | 'preflight' | 'other';

interface EntrySpec {
  time: number;
  seq: number;
  resourceType: ResourceType;
  method: string;
  url: string;
  h2: boolean;
  /** Page URL (Referer, initiator). */
  page?: string;
  initiatorUrl?: string;
  requestHeaders?: [string, string][];
  postData?: { mimeType: string; text: string };
  status: number;
  redirectURL?: string;
  mimeType: string;
  /** Response text (undefined: Chrome did not keep the body). */
  text?: string;
  base64?: boolean;
  /** Decoded body size when text is absent or base64. */
  size?: number;
  responseHeaders?: [string, string][];
  error?: string;
  pageref: string;
  /** Served from Chrome's cache: few (provisional) request headers, no body kept. */
  fromCache?: 'memory' | 'disk';
  /** Lazily produced content (bodies are built at write time, so the timeline stays small). */
  body?: (rng: Rng) => { text?: string; base64?: boolean; size: number };
  bodySeed?: number;
}

const httpDate = (t: number) => new Date(t).toUTCString();

function title(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

function renderEntry(e: EntrySpec, rng: Rng): unknown {
  const url = new URL(e.url);
  if (e.body) Object.assign(e, e.body(new Rng(e.bodySeed ?? 1)));
  const text = e.text;
  const bodyBytes = e.size ?? (text !== undefined ? Buffer.byteLength(text) : 0);
  const secFetch = secFetchOf(e);
  const reqHeaders: [string, string][] = [];
  if (e.h2 && !e.fromCache) {
    reqHeaders.push(
      [':authority', url.host],
      [':method', e.method],
      [':path', url.pathname + url.search],
      [':scheme', url.protocol.slice(0, -1)],
    );
  }
  reqHeaders.push(['accept', acceptOf(e.resourceType)]);
  if (!e.fromCache) reqHeaders.push(['accept-encoding', 'gzip, deflate, br, zstd'], ['accept-language', 'en-US,en;q=0.9']);
  if (!e.h2 && !e.fromCache) reqHeaders.push(['connection', 'keep-alive'], ['host', url.host]);
  if (e.postData) reqHeaders.push(['content-length', String(Buffer.byteLength(e.postData.text))], ['content-type', e.postData.mimeType]);
  if (!e.fromCache && rng.chance(0.25) && e.resourceType !== 'preflight') reqHeaders.push(['cookie', cookieFor(url.host, rng)]);
  if (
    (e.method !== 'GET' && e.method !== 'HEAD') ||
    ((e.resourceType === 'fetch' || e.resourceType === 'xhr') && e.page && new URL(e.page).origin !== url.origin)
  ) {
    reqHeaders.push(['origin', e.page ? new URL(e.page).origin : 'null']);
  }
  // strict-origin-when-cross-origin (Chrome's default): cross-origin requests get the page's origin only.
  if (e.page) reqHeaders.push(['referer', new URL(e.page).origin === url.origin ? e.page : `${new URL(e.page).origin}/`]);
  reqHeaders.push(...(e.requestHeaders ?? []));
  if (!e.fromCache) {
    reqHeaders.push(
      ['sec-ch-ua', '"Not:A-Brand";v="8", "Chromium";v="156", "Google Chrome";v="156"'],
      ['sec-ch-ua-mobile', '?0'],
      ['sec-ch-ua-platform', '"Linux"'],
    );
    reqHeaders.push(['sec-fetch-dest', secFetch.dest], ['sec-fetch-mode', secFetch.mode], ['sec-fetch-site', secFetch.site]);
  }
  if (e.resourceType === 'document') reqHeaders.push(['sec-fetch-user', '?1'], ['upgrade-insecure-requests', '1']);
  reqHeaders.push(['user-agent', UA]);

  const respHeaders: [string, string][] = [];
  if (e.status > 0) {
    respHeaders.push(['date', httpDate(e.time)]);
    if (e.mimeType)
      respHeaders.push(['content-type', e.mimeType.includes('charset') || e.base64 ? e.mimeType : `${e.mimeType}; charset=utf-8`]);
    respHeaders.push(['content-length', String(bodyBytes)]);
    if (e.redirectURL) respHeaders.push(['location', e.redirectURL]);
    respHeaders.push(...(e.responseHeaders ?? []));
    if (!e.responseHeaders?.some(([n]) => n === 'cache-control'))
      respHeaders.push([
        'cache-control',
        e.resourceType === 'image' || e.resourceType === 'font' || e.resourceType === 'script'
          ? 'public, max-age=31536000, immutable'
          : 'private, max-age=0',
      ]);
    if (rng.chance(0.6)) respHeaders.push(['server', rng.pick(['nginx', 'cloudflare', 'envoy', 'AmazonS3'])]);
    if (rng.chance(0.4)) respHeaders.push(['strict-transport-security', 'max-age=63072000'], ['x-content-type-options', 'nosniff']);
    if (rng.chance(0.4)) respHeaders.push(['etag', `W/"${rng.id(16, '0123456789abcdef')}"`]);
    if (rng.chance(0.3)) respHeaders.push(['vary', 'Accept-Encoding']);
    if (!e.h2) respHeaders.push(['connection', 'keep-alive'], ['keep-alive', 'timeout=5']);
  }
  const headerObjects = (list: [string, string][]) =>
    list.map(([name, value]) => ({ name: e.h2 || name.startsWith(':') ? name : title(name), value }));

  const duration = e.status === 0 || e.fromCache ? rng.int(0, 30) : rng.logInt(3, 900);
  const wait = duration * 0.7;
  const requestId = e.resourceType === 'document' ? rng.id(32, '0123456789ABCDEF') : `${29451 + (e.seq % 7)}.${e.seq}`;
  const content: Record<string, unknown> = { mimeType: e.mimeType, size: bodyBytes };
  if (text !== undefined) {
    content.text = text;
    if (e.base64) content.encoding = 'base64';
    else if (text.length > 400) content.compression = Math.round(bodyBytes * 0.6);
  }
  const initiatorType =
    e.resourceType === 'document'
      ? e.page
        ? 'script'
        : 'other'
      : e.resourceType === 'fetch' || e.resourceType === 'xhr' || e.resourceType === 'ping'
        ? 'script'
        : 'parser';
  const initiatorUrl = e.initiatorUrl ?? e.page;
  const entry: Record<string, unknown> = {
    cache: {},
    startedDateTime: new Date(e.time).toISOString(),
    _requestId: requestId,
    _initialPriority: e.resourceType === 'document' ? 'VeryHigh' : e.resourceType === 'image' ? 'Low' : 'High',
    _priority: e.resourceType === 'document' ? 'VeryHigh' : e.resourceType === 'image' ? 'Low' : 'High',
    pageref: e.pageref,
    request: {
      method: e.method,
      url: e.url,
      queryString: [...url.searchParams.entries()].length ? rawQueryPairs(url.search) : [],
      ...(e.postData
        ? {
            postData: {
              mimeType: e.postData.mimeType,
              text: e.postData.text,
              ...(e.postData.mimeType.startsWith('application/x-www-form-urlencoded')
                ? { params: rawQueryPairs(`?${e.postData.text}`) }
                : {}),
            },
          }
        : {}),
      headersSize: -1,
      bodySize: e.postData ? Buffer.byteLength(e.postData.text) : 0,
      cookies: [],
      headers: headerObjects(reqHeaders),
      httpVersion: e.h2 ? 'h2' : 'http/1.1',
    },
    time: duration,
    _initiator_detail: JSON.stringify(
      initiatorUrl && initiatorType !== 'other'
        ? { type: initiatorType, url: initiatorUrl, lineNumber: rng.int(0, 400), columnNumber: rng.int(0, 80) }
        : { type: 'other' },
    ),
    _initiator_type: initiatorType,
    _resourceType: e.resourceType,
    ...(initiatorUrl && initiatorType !== 'other' ? { _initiator: initiatorUrl, _initiator_line: rng.int(1, 400) } : {}),
    response: {
      httpVersion: e.h2 ? 'h2' : 'http/1.1',
      redirectURL: e.redirectURL ?? '',
      status: e.status,
      statusText: statusText(e.status),
      content,
      headersSize: -1,
      bodySize: e.status === 0 ? 0 : Math.round(bodyBytes * 0.6),
      cookies: [],
      headers: headerObjects(respHeaders),
      _transferSize: e.status === 0 ? 0 : Math.round(bodyBytes * 0.6) + 300,
      ...(e.error ? { _error: e.error } : {}),
      ...(e.fromCache ? { _fromCache: e.fromCache } : {}),
      fromDiskCache: e.fromCache === 'disk',
      fromEarlyHints: false,
      fromServiceWorker: false,
      fromPrefetchCache: false,
    },
    connection: String(rng.int(20, 900)),
    serverIPAddress: `203.0.113.${rng.int(1, 254)}`,
    timings: {
      blocked: round3(rng.next() * 2),
      dns: -1,
      connect: -1,
      send: round3(rng.next()),
      wait: round3(wait),
      receive: round3(duration - wait),
      ssl: -1,
      _queued: round3(rng.next() * 5),
    },
    _requestTime: round3((e.time - BASE_TIME) / 1000 + 4465),
  };
  return entry;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Chrome keeps query and form pairs percent-encoded, as sent. */
function rawQueryPairs(search: string): { name: string; value: string }[] {
  return search
    .slice(1)
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq === -1 ? { name: pair, value: '' } : { name: pair.slice(0, eq), value: pair.slice(eq + 1) };
    });
}

function statusText(status: number): string {
  return (
    (
      {
        0: '',
        200: 'OK',
        201: 'Created',
        204: 'No Content',
        301: 'Moved Permanently',
        302: 'Found',
        303: 'See Other',
        304: 'Not Modified',
        400: 'Bad Request',
        401: 'Unauthorized',
        404: 'Not Found',
      } as Record<number, string>
    )[status] ?? ''
  );
}

function acceptOf(type: ResourceType): string {
  switch (type) {
    case 'document':
      return 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';
    case 'image':
      return 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';
    case 'stylesheet':
      return 'text/css,*/*;q=0.1';
    case 'fetch':
    case 'xhr':
      return 'application/json, text/plain, */*';
    default:
      return '*/*';
  }
}

function secFetchOf(e: EntrySpec): { dest: string; mode: string; site: string } {
  const site = !e.page ? 'none' : new URL(e.page).origin === new URL(e.url).origin ? 'same-origin' : 'cross-site';
  switch (e.resourceType) {
    case 'document':
      return { dest: 'document', mode: 'navigate', site };
    case 'script':
      return { dest: 'script', mode: 'no-cors', site };
    case 'stylesheet':
      return { dest: 'style', mode: 'no-cors', site };
    case 'image':
      return { dest: 'image', mode: 'no-cors', site };
    case 'font':
      return { dest: 'font', mode: 'cors', site };
    case 'ping':
      return { dest: 'empty', mode: 'no-cors', site };
    default:
      return { dest: 'empty', mode: 'cors', site };
  }
}

function cookieFor(host: string, rng: Rng): string {
  const n = rng.int(1, 6);
  const parts: string[] = [];
  for (let i = 0; i < n; i++)
    parts.push(
      `${rng.pick(['_ga', '_gid', 'sid', 'session', 'consent', 'pref', 'ab', `${host.split('.')[0]}_id`, 'csrftoken'])}${i}=${rng.id(rng.int(8, 64))}`,
    );
  return parts.join('; ');
}

// ---------------------------------------------------------------------------------------------------------
// Content corpora (built once per generation; entries slice them)

interface Corpora {
  html: string;
  js: string;
  css: string;
  b64: string;
}

function buildCorpora(rng: Rng): Corpora {
  const words = (n: number) => Array.from({ length: n }, () => rng.pick(WORDS)).join(' ');
  const html: string[] = [];
  while (html.reduce((s, p) => s + p.length, 0) < 600_000) {
    html.push(
      `<div class="c-${rng.id(5)}"><h2>${words(4)}</h2><p>${words(rng.int(20, 80))}</p><a href="/${rng.pick(WORDS)}/${rng.int(1, 9999)}?ref=${rng.pick(WORDS)}">${words(3)}</a><img src="https://img.cdn.example/${rng.id(12)}.webp" alt="${words(2)}"></div>\n`,
    );
  }
  const js: string[] = [];
  while (js.reduce((s, p) => s + p.length, 0) < 600_000) {
    const name = `${rng.pick(WORDS)}${rng.id(3)}`;
    js.push(
      `function ${name}(e,t){var n=e.${rng.pick(WORDS)}||{};if(n.state==="${rng.pick(ORDER_STATES)}"){t.code=${rng.int(0, 999)};return n}for(var r=0;r<${rng.int(2, 64)};r++)t.push("${words(3)}");return null}\n`,
    );
  }
  const css: string[] = [];
  while (css.reduce((s, p) => s + p.length, 0) < 300_000) {
    css.push(
      `.c-${rng.id(5)}{margin:${rng.int(0, 32)}px;padding:${rng.int(0, 16)}px ${rng.int(0, 16)}px;color:#${rng.id(6, '0123456789abcdef')};font:${rng.int(10, 24)}px/1.4 system-ui}\n`,
    );
  }
  return { html: html.join(''), js: js.join(''), css: css.join(''), b64: rng.bytes(3_000_000).toString('base64') };
}

/** Most static subresources of a browsing session come from Chrome's memory or disk cache. */
function cached(rng: Rng): 'memory' | 'disk' | undefined {
  return rng.chance(0.55) ? rng.pick(['memory', 'disk'] as const) : undefined;
}

function slice(corpus: string, length: number, rng: Rng): string {
  const len = Math.min(length, corpus.length);
  const start = rng.int(0, corpus.length - len);
  return corpus.slice(start, start + len);
}

/** Valid base64 of `bytes` bytes: a window of the random corpus, aligned on 4 characters. */
function base64Of(bytes: number, corpora: Corpora, rng: Rng): string {
  const chars = Math.min(Math.ceil(bytes / 3) * 4, corpora.b64.length - 4);
  const start = rng.int(0, Math.floor((corpora.b64.length - chars) / 4)) * 4;
  return corpora.b64.slice(start, start + chars);
}

// ---------------------------------------------------------------------------------------------------------
// Timeline: unrelated browsing and OAuth flows

const BASE_TIME = Date.parse('2026-11-22T08:00:00.000Z');

const b64u = (s: string | Buffer) => Buffer.from(s).toString('base64url');
const s256 = (v: string) => createHash('sha256').update(v).digest('base64url');
const leftHalfHash = (v: string) => b64u(createHash('sha256').update(v).digest().subarray(0, 16));

type Defect = 'pkce-plain' | 'no-nonce' | 'late-exchange' | 'code-replayed' | 'redirect-uri-changed';
const DEFECTS: Defect[] = ['pkce-plain', 'no-nonce', 'late-exchange', 'code-replayed', 'redirect-uri-changed'];

class Timeline {
  readonly specs: EntrySpec[] = [];
  private seq = 0;
  pages: { id: string; time: number; title: string }[] = [];
  currentPage = 'page_1';

  add(spec: Omit<EntrySpec, 'seq' | 'pageref'> & { pageref?: string }): EntrySpec {
    const full = { ...spec, seq: this.seq++, pageref: spec.pageref ?? this.currentPage } as EntrySpec;
    this.specs.push(full);
    return full;
  }

  newPage(time: number, url: string): string {
    const id = `page_${this.pages.length + 1}`;
    this.pages.push({ id, time, title: url });
    this.currentPage = id;
    return id;
  }
}

function jsonApiBody(rng: Rng, words: (n: number) => string, target: number): string {
  const items: unknown[] = [];
  let size = 0;
  while (size < target) {
    const item = {
      id: rng.int(1, 9_999_999),
      name: words(rng.int(2, 5)),
      state: rng.chance(0.5) ? rng.pick(US_STATES) : rng.pick(ORDER_STATES),
      code: rng.chance(0.5) ? rng.id(6, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789') : `${rng.pick(['SKU', 'PROMO', 'ERR'])}-${rng.int(100, 999)}`,
      postal_code: String(rng.int(10000, 99999)),
      price: { amount: rng.int(100, 99999) / 100, currency: 'USD' },
      description: words(rng.int(3, 15)),
      updated_at: new Date(BASE_TIME - rng.int(0, 9e9)).toISOString(),
    };
    size += JSON.stringify(item).length;
    items.push(item);
  }
  return JSON.stringify({
    data: items,
    meta: { page: rng.int(1, 40), state: rng.pick(ORDER_STATES), next: `/items?state=open&code=${rng.id(5)}&cursor=${rng.id(24)}` },
  });
}

function unrelatedPageLoad(tl: Timeline, t: number, rng: Rng, wordsOf: (n: number) => string, budget: number): number {
  const site = rng.pick(SITES);
  const path = `/${rng.pick(WORDS)}/${rng.pick(WORDS)}-${rng.int(1, 99999)}`;
  const promo = rng.chance(0.05)
    ? `?code=${rng.pick(['SPRING', 'WELCOME10', 'FREESHIP'])}`
    : rng.chance(0.3)
      ? `?utm_source=${rng.pick(WORDS)}&utm_medium=email&utm_campaign=${rng.id(8)}`
      : '';
  const url = `${site.origin}${path}${promo}`;
  let count = 0;
  if (rng.chance(0.04)) {
    // An unrelated redirect: http → https, or an added slash.
    tl.add({
      time: t,
      resourceType: 'document',
      method: 'GET',
      url: `${url.replace('https://', 'http://')}`,
      h2: false,
      status: 301,
      redirectURL: url,
      mimeType: 'text/html',
      size: 0,
    });
    t += rng.int(5, 60);
    count++;
  }
  tl.newPage(t, url);
  const htmlSize = rng.logInt(1_000, 8_000);
  tl.add({
    time: t,
    resourceType: 'document',
    method: 'GET',
    url,
    h2: site.h2,
    status: 200,
    mimeType: 'text/html',
    body: (r) => ({
      text: `<!doctype html><html><head><title>${wordsOf(4)}</title></head><body>${slice(CORPORA!.html, htmlSize, r)}</body></html>`,
      size: htmlSize,
    }),
    bodySeed: rng.uint32(),
  });
  count++;
  const page = url;
  const subresources = Math.min(budget - count, rng.int(8, 45));
  let st = t + rng.int(40, 400);
  for (let i = 0; i < subresources; i++) {
    st += rng.int(0, 120);
    const kind = rng.weighted<ResourceType | 'json-post' | 'form-post' | 'blocked' | 'svg'>([
      ['script', 18],
      ['stylesheet', 6],
      ['image', 38],
      ['svg', 3],
      ['font', 3],
      ['fetch', 18],
      ['xhr', 4],
      ['json-post', 4],
      ['form-post', 2],
      ['ping', 3],
      ['blocked', 1],
    ]);
    const cdn = rng.pick(CDNS);
    switch (kind) {
      case 'script': {
        const size = rng.logInt(500, 15_000);
        const fromCache = cached(rng);
        const kept = !fromCache && rng.chance(0.12);
        tl.add({
          time: st,
          resourceType: 'script',
          method: 'GET',
          url: `${rng.chance(0.5) ? cdn : site.origin}/assets/${rng.pick(WORDS)}.${rng.id(8, '0123456789abcdef')}.js`,
          h2: true,
          page,
          status: 200,
          mimeType: 'application/javascript',
          ...(fromCache ? { fromCache } : {}),
          ...(kept ? { body: (r: Rng) => ({ text: slice(CORPORA!.js, size, r), size }), bodySeed: rng.uint32() } : { size }),
        });
        break;
      }
      case 'stylesheet': {
        const size = rng.logInt(500, 20_000);
        const fromCache = cached(rng);
        tl.add({
          time: st,
          resourceType: 'stylesheet',
          method: 'GET',
          url: `${cdn}/css/${rng.pick(WORDS)}.${rng.id(8, '0123456789abcdef')}.css`,
          h2: true,
          page,
          status: 200,
          mimeType: 'text/css',
          ...(fromCache || rng.chance(0.5)
            ? { ...(fromCache ? { fromCache } : {}), size }
            : { body: (r: Rng) => ({ text: slice(CORPORA!.css, size, r), size }), bodySeed: rng.uint32() }),
        });
        break;
      }
      case 'image':
      case 'font': {
        const size = kind === 'font' ? rng.logInt(8_000, 30_000) : rng.logInt(100, 1_600);
        const fromCache = cached(rng) ?? (rng.chance(kind === 'font' ? 0.85 : 0.3) ? 'disk' : undefined);
        const mime = kind === 'font' ? 'font/woff2' : rng.pick(['image/webp', 'image/png', 'image/jpeg', 'image/avif']);
        tl.add({
          time: st,
          resourceType: kind,
          method: 'GET',
          url: `${kind === 'font' ? CDNS[3] : rng.chance(0.7) ? CDNS[2] : site.origin}/${kind === 'font' ? 'fonts' : 'i'}/${rng.id(16)}.${mime.split('/')[1]}${rng.chance(0.3) ? `?w=${rng.pick([320, 640, 1280])}&q=80` : ''}`,
          h2: true,
          page,
          status: 200,
          mimeType: mime,
          ...(fromCache
            ? { fromCache, size }
            : { body: (r: Rng) => ({ text: base64Of(size, CORPORA!, r), base64: true, size }), bodySeed: rng.uint32() }),
        });
        break;
      }
      case 'svg': {
        const size = rng.logInt(300, 6_000);
        tl.add({
          time: st,
          resourceType: 'image',
          method: 'GET',
          url: `${cdn}/icons/${rng.pick(WORDS)}.svg`,
          h2: true,
          page,
          status: 200,
          mimeType: 'image/svg+xml',
          body: (r) => ({
            text: `<svg xmlns="http://www.w3.org/2000/svg"><path d="M${slice(CORPORA!.b64, size, r).replace(/[^0-9]/g, ' ')}"/></svg>`,
            size,
          }),
          bodySeed: rng.uint32(),
        });
        break;
      }
      case 'fetch':
      case 'xhr': {
        const q = rng.weighted([
          [`?state=${rng.pick(ORDER_STATES)}&page=${rng.int(1, 20)}`, 3],
          [`?code=${rng.id(6)}&country=US&state=${rng.pick(US_STATES)}`, 2],
          [`?q=${rng.pick(WORDS)}+${rng.pick(WORDS)}&limit=20`, 3],
          [`?zip=${rng.int(10000, 99999)}&units=metric`, 1],
          ['', 3],
        ]);
        const size = rng.logInt(80, 1_000);
        tl.add({
          time: st,
          resourceType: kind,
          method: 'GET',
          url: `${site.api}/${rng.pick(['items', 'orders', 'cart', 'search', 'regions', 'forecast', 'comments'])}${q}`,
          h2: site.h2,
          page,
          initiatorUrl: `${site.origin}/assets/app.js`,
          status: rng.chance(0.97) ? 200 : 404,
          mimeType: 'application/json',
          requestHeaders: rng.chance(0.3) ? [['authorization', `Bearer ${rng.id(43)}`]] : [],
          body: (r) => {
            const text = jsonApiBody(r, (n) => Array.from({ length: n }, () => r.pick(WORDS)).join(' '), size);
            return { text, size: text.length };
          },
          bodySeed: rng.uint32(),
        });
        break;
      }
      case 'json-post': {
        const req = JSON.stringify({
          code: rng.pick(['WELCOME10', 'FREESHIP', rng.id(8)]),
          state: rng.pick(ORDER_STATES),
          items: Array.from({ length: rng.int(1, 12) }, () => ({ sku: rng.id(8), qty: rng.int(1, 4) })),
          note: wordsOf(rng.int(3, 30)),
        });
        const size = rng.logInt(100, 4_000);
        tl.add({
          time: st,
          resourceType: 'fetch',
          method: 'POST',
          url: `${site.api}/${rng.pick(['cart/apply', 'orders', 'events', 'graphql'])}`,
          h2: site.h2,
          page,
          initiatorUrl: `${site.origin}/assets/app.js`,
          status: rng.pick([200, 200, 201, 400]),
          mimeType: 'application/json',
          postData: { mimeType: 'application/json', text: req },
          body: (r) => {
            const text = jsonApiBody(r, (n) => Array.from({ length: n }, () => r.pick(WORDS)).join(' '), size);
            return { text, size: text.length };
          },
          bodySeed: rng.uint32(),
        });
        break;
      }
      case 'form-post': {
        const form = new URLSearchParams({
          q: wordsOf(2),
          state: rng.pick(US_STATES),
          postal_code: String(rng.int(10000, 99999)),
          code: rng.id(6),
          csrf: rng.id(32),
        }).toString();
        tl.add({
          time: st,
          resourceType: 'xhr',
          method: 'POST',
          url: `${site.api}/${rng.pick(['search', 'address/validate', 'newsletter'])}`,
          h2: site.h2,
          page,
          initiatorUrl: `${site.origin}/assets/app.js`,
          status: 200,
          mimeType: 'application/json',
          postData: { mimeType: 'application/x-www-form-urlencoded;charset=UTF-8', text: form },
          body: (r) => {
            const text = jsonApiBody(r, (n) => Array.from({ length: n }, () => r.pick(WORDS)).join(' '), 400);
            return { text, size: text.length };
          },
          bodySeed: rng.uint32(),
        });
        break;
      }
      case 'ping': {
        const body = JSON.stringify({
          v: 2,
          tid: `G-${rng.id(10)}`,
          cid: `${rng.int(1e8, 9e8)}.${rng.int(1e8, 9e8)}`,
          en: rng.pick(['page_view', 'scroll', 'click']),
          dl: page,
          dt: wordsOf(4),
        });
        tl.add({
          time: st,
          resourceType: 'ping',
          method: 'POST',
          url: `${rng.pick(ANALYTICS)}/g/collect?v=2&tid=G-${rng.id(10)}&_p=${rng.int(1, 1e9)}`,
          h2: true,
          page,
          status: 204,
          mimeType: '',
          size: 0,
          postData: { mimeType: 'text/plain;charset=UTF-8', text: body },
        });
        break;
      }
      case 'blocked': {
        tl.add({
          time: st,
          resourceType: 'script',
          method: 'GET',
          url: `${ANALYTICS[1]}/tag.js?id=${rng.id(10)}`,
          h2: true,
          page,
          status: 0,
          mimeType: '',
          size: 0,
          error: 'net::ERR_BLOCKED_BY_CLIENT',
        });
        break;
      }
    }
    count++;
  }
  // A checkout-style form navigation now and then: `state=CA` in a front-channel POST, no OAuth in sight.
  if (count < budget && rng.chance(0.06)) {
    st += rng.int(2_000, 20_000);
    const form = new URLSearchParams({
      first_name: rng.pick(['Ada', 'Alan', 'Grace']),
      city: rng.pick(WORDS),
      state: rng.pick(US_STATES),
      postal_code: String(rng.int(10000, 99999)),
      promo_code: 'WELCOME10',
    }).toString();
    tl.add({
      time: st,
      resourceType: 'document',
      method: 'POST',
      url: `${site.origin}/checkout/address`,
      h2: site.h2,
      page,
      status: 303,
      redirectURL: `${site.origin}/checkout/review`,
      mimeType: 'text/html',
      size: 0,
      postData: { mimeType: 'application/x-www-form-urlencoded', text: form },
    });
    count++;
  }
  return count;
}

interface FlowPlan {
  app: App;
  issuer: Issuer;
  start: number;
  defect?: Defect;
  refresh: boolean;
  consent: boolean;
  discovery: boolean;
  userinfo: boolean;
}

function metadataOf(iss: Issuer): string {
  const o = iss.origin;
  return JSON.stringify({
    issuer: iss.issuer,
    authorization_endpoint: `${o}${iss.authorize}`,
    token_endpoint: `${o}${iss.token}`,
    userinfo_endpoint: `${o}${iss.userinfo}`,
    jwks_uri: `${o}${iss.jwks}`,
    revocation_endpoint: `${o}${iss.revoke}`,
    end_session_endpoint: `${o}/logout`,
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    response_types_supported: ['code', 'code id_token', 'id_token'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256', 'ES256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'private_key_jwt'],
    code_challenge_methods_supported: ['S256'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'name', 'email', 'email_verified'],
    authorization_response_iss_parameter_supported: iss.issParam,
    request_uri_parameter_supported: false,
  });
}

/** Adds one sign-in flow; returns its entry count. */
function addFlow(tl: Timeline, plan: FlowPlan, rng: Rng, _wordsOf: (n: number) => string): { entries: number; refresh: boolean } {
  const { app, issuer: iss } = plan;
  const redirectUri = `${app.origin}${app.callbackPath}`;
  const appPage = `${app.origin}/`;
  const verifier = rng.id(43);
  const state = rng.id(43);
  const nonce = rng.id(43);
  const plain = plan.defect === 'pkce-plain';
  let t = plan.start;
  let n = 0;
  const step = (min: number, max: number) => (t += rng.int(min, max));
  const add = (s: Omit<EntrySpec, 'seq' | 'pageref'>) => {
    tl.add(s);
    n++;
  };

  if (plan.discovery) {
    add({
      time: t,
      resourceType: 'fetch',
      method: 'GET',
      url: `${iss.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
      h2: iss.h2,
      page: appPage,
      initiatorUrl: `${app.origin}/assets/auth.js`,
      status: 200,
      mimeType: 'application/json',
      text: metadataOf(iss),
      responseHeaders: [
        ['access-control-allow-origin', '*'],
        ['cache-control', 'public, max-age=3600'],
      ],
    });
    step(40, 300);
  }
  const authParams = new URLSearchParams({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: redirectUri,
    scope: rng.pick(['openid', 'openid profile email', 'openid profile email offline_access']),
    state,
    ...(plan.defect === 'no-nonce' ? {} : { nonce }),
    code_challenge: plain ? verifier : s256(verifier),
    code_challenge_method: plain ? 'plain' : 'S256',
    ...(rng.chance(0.2) ? { prompt: 'login' } : {}),
  });
  const authorizeUrl = `${iss.origin}${iss.authorize}?${authParams.toString()}`;
  const interaction = rng.id(43);
  tl.newPage(t, authorizeUrl);
  add({
    time: t,
    resourceType: 'document',
    method: 'GET',
    url: authorizeUrl,
    h2: iss.h2,
    page: appPage,
    initiatorUrl: `${app.origin}/assets/auth.js`,
    status: 303,
    redirectURL: `${iss.loginPath}?i=${interaction}`,
    mimeType: 'text/html',
    size: 0,
    responseHeaders: [
      ['cache-control', 'no-store'],
      ['set-cookie', `_interaction=${interaction}; path=/; secure; httponly; samesite=lax`],
    ],
  });
  step(20, 120);
  const loginUrl = `${iss.origin}${iss.loginPath}?i=${interaction}`;
  const loginSize = rng.logInt(6_000, 40_000);
  add({
    time: t,
    resourceType: 'document',
    method: 'GET',
    url: loginUrl,
    h2: iss.h2,
    status: 200,
    mimeType: 'text/html',
    responseHeaders: [['cache-control', 'no-store']],
    body: (r) => ({
      text: `<!doctype html><html><head><title>Sign in</title><link rel="stylesheet" href="/static/login.css"></head><body><form method="post" action="${iss.loginPath}?i=${interaction}"><input name="login"><input type="password" name="password"><input type="hidden" name="csrf" value="${r.id(32)}"></form>${slice(CORPORA!.html, loginSize, r)}</body></html>`,
      size: loginSize,
    }),
    bodySeed: rng.uint32(),
  });
  for (const [type, path, mime] of [
    ['stylesheet', '/static/login.css', 'text/css'],
    ['script', '/static/login.js', 'application/javascript'],
    ['image', '/static/logo.png', 'image/png'],
  ] as const) {
    step(5, 60);
    const size = rng.logInt(2_000, 20_000);
    add({
      time: t,
      resourceType: type,
      method: 'GET',
      url: `${iss.origin}${path}`,
      h2: iss.h2,
      page: loginUrl,
      status: 200,
      mimeType: mime,
      body: (r) =>
        type === 'image'
          ? { text: base64Of(size, CORPORA!, r), base64: true, size }
          : { text: slice(type === 'script' ? CORPORA!.js : CORPORA!.css, size, r), size },
      bodySeed: rng.uint32(),
    });
  }
  if (rng.chance(0.5)) {
    step(10, 80);
    add({
      time: t,
      resourceType: 'other',
      method: 'GET',
      url: `${iss.origin}/favicon.ico`,
      h2: iss.h2,
      page: loginUrl,
      status: 404,
      mimeType: 'text/plain',
      text: 'Not Found',
    });
  }
  step(3_000, 20_000); // the user types
  const resume = `${iss.origin}${iss.resumePath}?i=${interaction}`;
  add({
    time: t,
    resourceType: 'document',
    method: 'POST',
    url: loginUrl,
    h2: iss.h2,
    page: loginUrl,
    status: 303,
    redirectURL: resume,
    mimeType: '',
    size: 0,
    postData: {
      mimeType: 'application/x-www-form-urlencoded',
      text: `login=alice%40example.com&password=${rng.id(14)}&csrf=${rng.id(32)}`,
    },
  });
  step(5, 40);
  const code = rng.id(43);
  const callbackParams = new URLSearchParams({ code, state, ...(iss.issParam ? { iss: iss.issuer } : {}) });
  const callbackUrl = `${redirectUri}?${callbackParams.toString()}`;
  if (plan.consent) {
    const consentUrl = `${iss.origin}${iss.consentPath}?i=${interaction}`;
    add({
      time: t,
      resourceType: 'document',
      method: 'GET',
      url: resume,
      h2: iss.h2,
      page: loginUrl,
      status: 303,
      redirectURL: consentUrl,
      mimeType: 'text/html',
      size: 0,
    });
    step(10, 80);
    const consentSize = rng.logInt(4_000, 20_000);
    add({
      time: t,
      resourceType: 'document',
      method: 'GET',
      url: consentUrl,
      h2: iss.h2,
      page: loginUrl,
      status: 200,
      mimeType: 'text/html',
      responseHeaders: [['cache-control', 'no-store']],
      body: (r) => ({
        text: `<!doctype html><html><body><h1>Allow ${app.clientId}?</h1>${slice(CORPORA!.html, consentSize, r)}</body></html>`,
        size: consentSize,
      }),
      bodySeed: rng.uint32(),
    });
    step(1_000, 6_000);
    add({
      time: t,
      resourceType: 'document',
      method: 'POST',
      url: consentUrl,
      h2: iss.h2,
      page: consentUrl,
      status: 303,
      redirectURL: resume,
      mimeType: '',
      size: 0,
      postData: { mimeType: 'application/x-www-form-urlencoded', text: `prompt=consent&decision=allow&csrf=${rng.id(32)}` },
    });
    step(5, 40);
  }
  // The authorization response: 303 with the callback in Location.
  add({
    time: t,
    resourceType: 'document',
    method: 'GET',
    url: resume,
    h2: iss.h2,
    page: loginUrl,
    status: 303,
    redirectURL: callbackUrl,
    mimeType: 'text/html',
    size: 0,
    responseHeaders: [['cache-control', 'no-store']],
  });
  step(10, 80);
  tl.newPage(t, callbackUrl);
  const shell = rng.logInt(1_500, 9_000);
  add({
    time: t,
    resourceType: 'document',
    method: 'GET',
    url: callbackUrl,
    h2: app.h2,
    status: 200,
    mimeType: 'text/html',
    responseHeaders: [
      ['referrer-policy', 'no-referrer'],
      ['cache-control', 'no-store'],
    ],
    body: (r) => ({
      text: `<!doctype html><html><head><script src="/assets/auth.js"></script></head><body>${slice(CORPORA!.html, shell, r)}</body></html>`,
      size: shell,
    }),
    bodySeed: rng.uint32(),
  });
  step(20, 150);
  const bundle = rng.logInt(10_000, 80_000);
  add({
    time: t,
    resourceType: 'script',
    method: 'GET',
    url: `${app.origin}/assets/auth.js`,
    h2: app.h2,
    page: callbackUrl,
    status: 200,
    mimeType: 'application/javascript',
    body: (r) => ({ text: slice(CORPORA!.js, bundle, r), size: bundle }),
    bodySeed: rng.uint32(),
  });
  step(50, 400);
  if (plan.defect === 'late-exchange') t += rng.int(65_000, 120_000);

  const tokenUrl = `${iss.origin}${iss.token}`;
  const tokenBody = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: plan.defect === 'redirect-uri-changed' ? `${redirectUri}/` : redirectUri,
    client_id: app.clientId,
    code_verifier: verifier,
  }).toString();
  const tokens = tokenResponse(iss, app, nonce, code, t, rng);
  const cors: [string, string][] = [
    ['access-control-allow-origin', app.origin],
    ['vary', 'Origin'],
    ['cache-control', 'no-store'],
    ['pragma', 'no-cache'],
  ];
  const failed = plan.defect === 'redirect-uri-changed';
  add({
    time: t,
    resourceType: 'fetch',
    method: 'POST',
    url: tokenUrl,
    h2: iss.h2,
    page: callbackUrl,
    initiatorUrl: `${app.origin}/assets/auth.js`,
    status: failed ? 400 : 200,
    mimeType: 'application/json',
    responseHeaders: cors,
    postData: { mimeType: 'application/x-www-form-urlencoded;charset=UTF-8', text: tokenBody },
    text: failed ? JSON.stringify({ error: 'invalid_grant', error_description: 'redirect_uri mismatch' }) : tokens.json,
  });
  if (plan.defect === 'code-replayed') {
    step(30, 300);
    add({
      time: t,
      resourceType: 'fetch',
      method: 'POST',
      url: tokenUrl,
      h2: iss.h2,
      page: callbackUrl,
      initiatorUrl: `${app.origin}/assets/auth.js`,
      status: 400,
      mimeType: 'application/json',
      responseHeaders: cors,
      postData: { mimeType: 'application/x-www-form-urlencoded;charset=UTF-8', text: tokenBody },
      text: JSON.stringify({ error: 'invalid_grant', error_description: 'grant request is invalid' }),
    });
  }
  if (plan.userinfo && !failed) {
    step(20, 200);
    add({
      time: t,
      resourceType: 'preflight',
      method: 'OPTIONS',
      url: `${iss.origin}${iss.userinfo}`,
      h2: iss.h2,
      page: callbackUrl,
      status: 204,
      mimeType: '',
      size: 0,
      requestHeaders: [
        ['access-control-request-method', 'GET'],
        ['access-control-request-headers', 'authorization'],
      ],
      responseHeaders: [
        ['access-control-allow-origin', app.origin],
        ['access-control-allow-headers', 'authorization'],
      ],
    });
    step(5, 50);
    add({
      time: t,
      resourceType: 'fetch',
      method: 'GET',
      url: `${iss.origin}${iss.userinfo}`,
      h2: iss.h2,
      page: callbackUrl,
      initiatorUrl: `${app.origin}/assets/auth.js`,
      status: 200,
      mimeType: 'application/json',
      requestHeaders: [['authorization', `Bearer ${tokens.accessToken}`]],
      responseHeaders: [['access-control-allow-origin', app.origin]],
      text: JSON.stringify({
        sub: `user-${rng.int(1, 99999)}`,
        name: 'Alice Example',
        email: 'alice@example.com',
        email_verified: true,
        locale: 'en-US',
      }),
    });
  }
  let refreshed = false;
  if (plan.refresh && !failed && tokens.refreshToken) {
    let rt = tokens.refreshToken;
    for (let i = 0, count = rng.int(1, 2); i < count; i++) {
      t += rng.int(5 * 60_000, 50 * 60_000);
      const next = tokenResponse(iss, app, undefined, undefined, t, rng);
      add({
        time: t,
        resourceType: 'fetch',
        method: 'POST',
        url: tokenUrl,
        h2: iss.h2,
        page: callbackUrl,
        initiatorUrl: `${app.origin}/assets/auth.js`,
        status: 200,
        mimeType: 'application/json',
        responseHeaders: cors,
        postData: {
          mimeType: 'application/x-www-form-urlencoded;charset=UTF-8',
          text: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: rt, client_id: app.clientId }).toString(),
        },
        text: next.json,
      });
      rt = next.refreshToken ?? rt;
      refreshed = true;
    }
  }
  return { entries: n, refresh: refreshed };
}

function tokenResponse(
  iss: Issuer,
  app: App,
  nonce: string | undefined,
  code: string | undefined,
  t: number,
  rng: Rng,
): { json: string; accessToken: string; refreshToken?: string } {
  const now = Math.floor(t / 1000);
  const accessToken = iss.jwtAccessTokens
    ? `${b64u(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid: 'k-2026' }))}.${b64u(JSON.stringify({ iss: iss.issuer, sub: 'alice', aud: `${app.api}`, client_id: app.clientId, scope: 'openid profile email', exp: now + 3600, iat: now, jti: rng.id(22) }))}.${rng.id(342)}`
    : rng.id(rng.int(43, 86));
  const refreshToken = rng.chance(0.95) ? rng.id(rng.int(43, 64)) : undefined;
  const idToken = `${b64u(JSON.stringify({ alg: 'RS256', kid: 'k-2026', typ: 'JWT' }))}.${b64u(
    JSON.stringify({
      iss: iss.issuer,
      sub: 'alice',
      aud: app.clientId,
      exp: now + 3600,
      iat: now,
      auth_time: now - 30,
      ...(nonce ? { nonce } : {}),
      at_hash: leftHalfHash(accessToken),
      ...(code ? { c_hash: leftHalfHash(code) } : {}),
      sid: rng.id(36),
      email: 'alice@example.com',
      name: 'Alice Example',
    }),
  )}.${rng.id(342)}`;
  const json = JSON.stringify({
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: 3600,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    id_token: idToken,
    scope: 'openid profile email',
  });
  return { json, accessToken, ...(refreshToken ? { refreshToken } : {}) };
}

let CORPORA: Corpora | undefined;

function generate(path: string, spec: HarSpec): HarInfo {
  const rng = new Rng(spec.seed);
  CORPORA = buildCorpora(new Rng(spec.seed ^ 0x5eed));
  const wordsOf = (n: number) => Array.from({ length: n }, () => rng.pick(WORDS)).join(' ');
  const tl = new Timeline();

  // Flows first (their entry count is known exactly), then unrelated page loads fill up to `entries`.
  const defects: Record<string, number> = {};
  const defective = Math.round(spec.flows / 10);
  const plans: FlowPlan[] = [];
  // The unrelated session lasts roughly entries × 0.35 s; flows are spread over it.
  const span = spec.entries * 350;
  for (let i = 0; i < spec.flows; i++) {
    const defect = i < defective ? DEFECTS[i % DEFECTS.length] : undefined;
    if (defect) defects[defect] = (defects[defect] ?? 0) + 1;
    plans.push({
      app: rng.pick(APPS),
      issuer: rng.pick(ISSUERS),
      start: BASE_TIME + 30_000 + rng.int(0, span - 60 * 60_000),
      defect,
      refresh: rng.chance(0.3),
      consent: rng.chance(0.4),
      discovery: rng.chance(0.8),
      userinfo: rng.chance(0.5),
    });
  }
  let flowEntries = 0;
  let refreshes = 0;
  for (const plan of plans) {
    const r = addFlow(tl, plan, rng, wordsOf);
    flowEntries += r.entries;
    if (r.refresh) refreshes++;
  }
  let t = BASE_TIME;
  let unrelated = 0;
  const target = spec.entries - flowEntries;
  while (unrelated < target) {
    unrelated += unrelatedPageLoad(tl, t, rng, wordsOf, target - unrelated);
    t += rng.int(2_000, Math.max(2_001, Math.round((2 * span) / (spec.entries / 25)) - 2_000));
  }

  tl.specs.sort((a, b) => a.time - b.time || a.seq - b.seq);
  tl.pages.sort((a, b) => a.time - b.time);

  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  let bytes = 0;
  let pending: string[] = [];
  let pendingLength = 0;
  const write = (s: string) => {
    pending.push(s);
    pendingLength += s.length;
    if (pendingLength > 8_000_000) flush();
  };
  const flush = () => {
    const buffer = Buffer.from(pending.join(''), 'utf8');
    writeSync(fd, buffer);
    bytes += buffer.length;
    pending = [];
    pendingLength = 0;
  };
  const indent = (json: string, spaces: string) => json.replace(/\n/g, `\n${spaces}`);
  const head = {
    version: '1.2',
    creator: { name: 'WebInspector', version: '537.36' },
    pages: tl.pages.map((p) => ({
      startedDateTime: new Date(p.time).toISOString(),
      id: p.id,
      title: p.title,
      pageTimings: { onContentLoad: 800 + (p.time % 700), onLoad: 1200 + (p.time % 900) },
    })),
  };
  write(
    `{\n "log": {\n  "version": ${JSON.stringify(head.version)},\n  "creator": ${indent(JSON.stringify(head.creator, null, 1), '  ')},\n  "pages": ${indent(JSON.stringify(head.pages, null, 1), '  ')},\n  "entries": [\n`,
  );
  const renderRng = new Rng(spec.seed ^ 0xbeef);
  tl.specs.forEach((spec2, i) => {
    const entry = renderEntry(spec2, renderRng);
    write(`   ${indent(JSON.stringify(entry, null, 1), '   ')}${i === tl.specs.length - 1 ? '' : ','}\n`);
  });
  write(`  ],\n  "browser": {\n   "name": "Chrome",\n   "version": "156.0.8078.79"\n  }\n }\n}\n`);
  flush();
  closeSync(fd);
  renameSync(tmp, path);
  CORPORA = undefined;
  return {
    version: GENERATOR_VERSION,
    seed: spec.seed,
    entries: tl.specs.length,
    flows: spec.flows,
    path,
    bytes,
    flowEntries,
    defects,
    refreshes,
    reused: false,
  };
}
