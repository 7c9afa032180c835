// The demo client: a single-page app served from plain node:http. The server only hands out pages and the
// browser-side modules; every OAuth request is made by the browser (demo/client/*.js), as in a real SPA.
// It also serves an "ordinary browsing" page without OAuth (/browse, demo/browse.ts).
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { mcpResource } from './authorization-server.ts';
import { handleBrowse } from './browse.ts';
import { close, escapeHtml, HOST, listen, page, readBody, sendHtml } from './http.ts';
import { SDK_BUNDLE_DIR, SDK_CLIENTS, type SdkClient } from './sdk-bundles.ts';
import { variants, type Variant } from './variants.ts';
import type { Vendor } from './vendor-authorization-servers.ts';

export interface ClientAppOptions {
  /** 0 picks a free port. */
  port: number;
  /** The oidc-provider demo server. */
  issuer: string;
  /** The misbehaving server (demo/rogue-authorization-server.ts), for the variants marked `rogue`. */
  rogueIssuer?: string;
}

export interface RunningClientApp {
  /** http://127.0.0.1:<port> */
  origin: string;
  close(): Promise<void>;
}

/** A client app listening before it knows its servers: they need its origin for their redirect URIs. */
export interface ListeningClientApp extends RunningClientApp {
  configure(issuers: Issuers): void;
}

interface Issuers {
  issuer: string;
  rogueIssuer?: string;
  /** The servers laid out like the vendors', for the SDK clients (demo/vendor-authorization-servers.ts). */
  vendorIssuers?: Record<Vendor, string>;
}

const clientDir = fileURLToPath(new URL('./client/', import.meta.url));
// oauth4webapi's build is one dependency-free ES module, so the browser can load it as it is.
const oauth4webapiPath = createRequire(import.meta.url).resolve('oauth4webapi');

/** No Referer from any page, so a code in the address bar never leaks onwards. */
const PAGE_HEADERS = { 'referrer-policy': 'no-referrer' };

/** The origin a variant's page must run on: its redirect URI, and so its sessionStorage, lives there. */
export function variantOrigin(origin: string, variant: Pick<Variant, 'host'>): string {
  return variant.host === 'localhost' ? origin.replace('//127.0.0.1:', '//localhost:') : origin;
}

function indexPage(origin: string): string {
  const items = variants
    .map((v) => {
      const href = `${variantOrigin(origin, v)}/?variant=${encodeURIComponent(v.id)}`;
      const tags = [
        v.sdk && `the ${v.sdk} SDK`,
        v.rogue && 'rogue server',
        v.slow && 'takes a minute',
        v.interaction === 'cancel' && 'click Cancel',
      ]
        .filter(Boolean)
        .join(', ');
      return `<li><a href="${escapeHtml(href)}"><code>${escapeHtml(v.id)}</code></a>${tags ? ` <small>(${tags})</small>` : ''}
  — ${escapeHtml(v.description)}</li>`;
    })
    .join('\n');
  return page(
    'OAuth Lens demo',
    `<h1>OAuth Lens demo client</h1>
<p>Each link runs one sign-in against the demo authorization server. <code>good</code> is correct; the others are
broken on purpose, each in one way. The <code>sdk-*</code> ones run a vendor's own SPA SDK against a server laid out
like that vendor's. Sign in with any username and password (the form is pre-filled).</p>
<ul>
${items}
</ul>
<p><a href="/browse">Ordinary browsing (no OAuth)</a> — a shop page with 300 subresources (<code>?n=</code> sets the
number) whose requests say code, state, token and error in their everyday senses.</p>`,
  );
}

/**
 * The app shell: the browser module reads its configuration (and a form_post callback) from the page. The SDK
 * clients' pages load their bundle (demo/sdk-bundles.ts) instead of the hand-written client.
 */
function appPage(config: object, script = '/client/app.js'): string {
  // JSON inside <script> must not be able to close the element.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return page(
    'OAuth Lens demo client',
    `<p><a href="/">← all variants</a></p>
<h1 id="title">OAuth Lens demo client</h1>
<p id="description"></p>
<section id="result" data-status="running"><p id="status">Running…</p><pre id="result-json" hidden></pre></section>
<ol id="log"></ol>
<div id="frames"></div>
<script type="application/json" id="demo-config">${json}</script>
<script type="importmap">{"imports":{"oauth4webapi":"/vendor/oauth4webapi.js"}}</script>
<script type="module" src="${escapeHtml(script)}"></script>`,
  );
}

function sdkScript(sdk: SdkClient): string {
  return `/sdk/${sdk}.js`;
}

async function sendScript(res: ServerResponse, path: string): Promise<void> {
  const source = await readFile(path);
  res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
  res.end(source);
}

export async function listenClientApp(port: number): Promise<ListeningClientApp> {
  let issuers: Issuers | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const route = `${req.method} ${url.pathname}`;
    const requested = url.searchParams.get('variant');

    if (route === 'GET /' && requested === null) return sendHtml(res, 200, indexPage(origin), PAGE_HEADERS);
    // The start page names its variant; the callbacks (/cb, and /callback where the rogue server's
    // wrong-path client lands) continue the run that the page keeps in sessionStorage.
    if (route === 'GET /') {
      const variant = variants.find((v) => v.id === requested);
      return sendHtml(res, 200, appPage({ ...issuers, variant }, variant?.sdk && sdkScript(variant.sdk)), PAGE_HEADERS);
    }
    // An SDK client's callback (/cb/<sdk>): the SDK reads the response, its stored state and the variant itself.
    const sdk = SDK_CLIENTS.find((name) => url.pathname === `/cb/${name}`);
    if (req.method === 'GET' && sdk) return sendHtml(res, 200, appPage({ ...issuers, sdk }, sdkScript(sdk)), PAGE_HEADERS);
    if (req.method === 'GET' && /^\/sdk\/(chunks\/)?[\w.-]+\.js$/.test(url.pathname)) {
      return sendScript(res, SDK_BUNDLE_DIR + url.pathname.slice('/sdk/'.length));
    }
    // POST /cb: a server that answers its sign-in form with a 307 makes the browser re-send that POST here
    // (as-307-credential-redirect); the page still reads the response from its query.
    if (route === 'GET /cb' || route === 'GET /callback' || route === 'POST /cb') {
      return sendHtml(res, 200, appPage({ ...issuers }), PAGE_HEADERS);
    }
    // Where the open-redirect-on-callback variant's callback page forwards to (on http://localhost: another origin):
    // it ends the run, since the page that ran it has gone.
    if (route === 'GET /welcome') {
      return sendHtml(
        res,
        200,
        page('Welcome', '<section id="result" data-status="done"><p id="status">Forwarded here by the callback page.</p></section>'),
        PAGE_HEADERS,
      );
    }
    // The demo's MCP server (docs/mcp.md): a protected resource whose metadata (RFC 9728 §3) names the demo
    // authorization server, and which answers a request without a token with where to find that metadata (§5.1).
    if (route === 'GET /.well-known/oauth-protected-resource/mcp') {
      const metadata = {
        resource: mcpResource(origin),
        authorization_servers: issuers ? [issuers.issuer] : [],
        scopes_supported: ['mcp:tools'],
        bearer_methods_supported: ['header'],
      };
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(metadata));
      return;
    }
    if (route === 'POST /mcp') {
      res.writeHead(401, {
        'www-authenticate': `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`,
        'content-type': 'application/json',
      });
      res.end(JSON.stringify({ error: 'invalid_token' }));
      return;
    }
    // The first page of a sign-in popup window (popup-window) or new tab (state-lost-new-tab): it tells its
    // opener that it is up.
    if (route === 'GET /popup') return sendHtml(res, 200, appPage({ ...issuers }), PAGE_HEADERS);
    // response_mode=form_post: the parameters arrive in this POST body; hand the raw body to the page.
    if (route === 'POST /cb/form-post') {
      const formPost = await readBody(req);
      return sendHtml(res, 200, appPage({ ...issuers, formPost }), PAGE_HEADERS);
    }
    if (req.method === 'GET' && /^\/client\/[\w-]+\.js$/.test(url.pathname)) {
      return sendScript(res, clientDir + url.pathname.slice('/client/'.length));
    }
    if (route === 'GET /vendor/oauth4webapi.js') return sendScript(res, oauth4webapiPath);
    // Ordinary browsing (no OAuth): /browse and its subresources.
    if (await handleBrowse(req, res, url)) return;
    sendHtml(res, 404, page('Not found', '<p>Not found</p>'), PAGE_HEADERS);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) sendHtml(res, 500, page('Error', `<p>${escapeHtml(error.message)}</p>`));
    });
  });
  const origin = `http://${HOST}:${await listen(server, port)}`;
  return {
    origin,
    configure(value) {
      issuers = value;
    },
    close: () => close(server),
  };
}

export async function startClientApp(options: ClientAppOptions): Promise<RunningClientApp> {
  const app = await listenClientApp(options.port);
  app.configure({ issuer: options.issuer, rogueIssuer: options.rogueIssuer });
  return app;
}
