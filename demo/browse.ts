// "Ordinary browsing": a page of the demo client app with a few hundred subresources and no OAuth at all. Its
// URLs, bodies and answers say code, state, token and error in their everyday senses (a promo code, a US
// state, a token count, an error count), as ordinary sites do. The end-to-end test "ordinary browsing records
// no flow" and the page-load overhead benchmark load it, the benchmark many times with and without the
// extension, so every response is small, made without waiting or randomness, and marked no-store (a repeated
// load is a real load). Everything is served by the client app itself, on loopback.
//
//   GET /browse?n=300   the page, with n subresources (default 300): 10% stylesheets, 10% scripts, 20% fetch
//                       GETs, 1/15 urlencoded fetch POSTs, 1/60 redirecting fetches, 1/60 form POSTs into
//                       frames, and images for the rest (for 300: 30, 30, 60, 20, 5, 5 and 150).
//                       Besides: one frame with an article whose link the page follows, and one same-document
//                       navigation (#reviews). #result gets data-status="done" once the window has loaded
//                       and every request has settled ("error" if any of them failed).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, readBody } from './http.ts';

export const DEFAULT_SUBRESOURCES = 300;
const MAX_SUBRESOURCES = 5000;

/** Nothing of the page or its subresources is kept by the browser, and no Referer leaves it. */
const HEADERS = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };

export interface BrowsePlan {
  stylesheets: number;
  scripts: number;
  images: number;
  gets: number;
  posts: number;
  redirects: number;
  forms: number;
}

/** How the n subresources are split; the counts add up to n. */
export function browsePlan(n: number): BrowsePlan {
  const share = (fraction: number) => Math.round(n * fraction);
  const plan = {
    stylesheets: share(1 / 10),
    scripts: share(1 / 10),
    gets: share(1 / 5),
    posts: share(1 / 15),
    redirects: share(1 / 60),
    forms: share(1 / 60),
  };
  const others = Object.values(plan).reduce((sum, count) => sum + count, 0);
  return { ...plan, images: Math.max(0, n - others) };
}

// --- What the page asks for. Deterministic: the i-th request of a kind is always the same. ---------------

const STATES = ['NY', 'CA', 'TX', 'WA', 'IL', 'MA', 'OR', 'CO'] as const;
const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;

/** The fetch GETs: a shop, a weather widget, search, a feed… */
function getUrl(i: number): string {
  const state = pick(STATES, i);
  switch (i % 6) {
    case 0:
      return `/api/products?code=A${100 + i}&state=${state}`;
    case 1:
      return `/api/orders?state=${pick(['shipped', 'pending', 'delivered'], i)}&page=${i}`;
    case 2:
      return `/api/search?q=${pick(['http+error+codes', 'state+parks', 'token+ring+network', 'zip+code+lookup'], i)}&page=${i}`;
    case 3:
      return `/api/weather?state=${state}&zip_code=1${String(i).padStart(4, '0')}`;
    case 4:
      return `/api/feed?page_token=p${i}&limit=10`;
    default:
      return `/api/translate?code=${pick(['fr', 'de', 'es', 'ja'], i)}&text=hello+world`;
  }
}

/** The urlencoded fetch POSTs. */
function postRequest(i: number): [url: string, body: string] {
  switch (i % 5) {
    case 0:
      return ['/api/coupons/validate', `code=SUMMER${10 + i}&state=active`];
    case 1:
      return ['/api/cart', `sku=A${100 + i}&qty=${1 + (i % 3)}&promo_code=WELCOME`];
    case 2:
      return ['/api/address/verify', `street=${i}+Main+St&city=Albany&state=NY&zip_code=12207`];
    case 3:
      return ['/api/telemetry', `event=click&target=tile-${i}&error=none&code=0`];
    default:
      return ['/api/chat/estimate', `text=hello+world+${i}&model=small`];
  }
}

/** The redirecting fetches: an old API version that moved. */
const redirectUrl = (i: number) => `/api/v1/products?code=B${200 + i}&state=${pick(STATES, i)}`;

const newsletterBody = (i: number) => ({ email: `reader${i}@example.com`, code: `WELCOME${i}`, list: 'weekly' });

// --- The page ---------------------------------------------------------------------------------------------

const pageCache = new Map<number, string>();

function browsePage(n: number): string {
  const cached = pageCache.get(n);
  if (cached) return cached;
  const plan = browsePlan(n);
  const range = (count: number) => Array.from({ length: count }, (_, i) => i);
  const requests = {
    gets: range(plan.gets).map(getUrl),
    posts: range(plan.posts).map(postRequest),
    redirects: range(plan.redirects).map(redirectUrl),
  };
  // JSON inside <script> must not be able to close the element.
  const json = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ordinary browsing</title>
<link rel="icon" href="data:,">
${range(plan.stylesheets)
  .map((i) => `<link rel="stylesheet" href="/assets/style-${i}.css">`)
  .join('\n')}
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 44rem; padding: 0 1rem; color: #222; }
  .tiles img { width: 16px; height: 16px; margin: 1px; }
  iframe { display: block; width: 100%; height: 6rem; border: 1px solid #ccc; margin: .5rem 0; }
</style></head>
<body>
<p><a href="/">← all variants</a></p>
<h1>Ordinary browsing (no OAuth)</h1>
<p>A shop page with ${n} subresources and no sign-in. Its requests say <code>code</code>, <code>state</code>,
<code>token</code> and <code>error</code> in their everyday senses: promo codes, US states, token counts.</p>
<section id="result" data-status="running" data-subresources="${n}"><p id="status">Loading…</p></section>
<nav><a href="/articles/token-economy">Token economy</a> · <a href="#reviews">Reviews</a></nav>
<div class="tiles">
${range(plan.images)
  .map((i) => `<img src="/assets/image-${i}.${i % 2 ? 'svg' : 'png'}" alt="">`)
  .join('\n')}
</div>
<iframe name="article" title="Article" src="/articles/error-codes?page=1"></iframe>
${range(plan.forms)
  .map((i) => {
    const fields = Object.entries(newsletterBody(i))
      .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
      .join('');
    return `<form class="newsletter" method="post" action="/newsletter" target="newsletter-${i}">${fields}</form>
<iframe name="newsletter-${i}" title="Newsletter ${i + 1}"></iframe>`;
  })
  .join('\n')}
<h2 id="reviews">Reviews</h2>
<p>No reviews yet.</p>
${range(plan.scripts)
  .map((i) => `<script src="/assets/script-${i}.js"></script>`)
  .join('\n')}
<script type="application/json" id="browse-plan">${json({ ...plan, ...requests })}</script>
<script>${BROWSER_SCRIPT}</script>
</body></html>`;
  if (pageCache.size >= 16) pageCache.clear();
  pageCache.set(n, html);
  return html;
}

/** Runs in the page: makes the requests, follows the article's link, and reports when all have settled. */
const BROWSER_SCRIPT = `
(() => {
  const plan = JSON.parse(document.getElementById('browse-plan').textContent);
  const loaded = new Promise((resolve) => {
    if (document.readyState === 'complete') resolve();
    else addEventListener('load', () => resolve(), { once: true });
  });
  const json = async (response) => {
    if (!response.ok) throw new Error(response.url + ' answered ' + response.status);
    return response.json();
  };
  const frameLoad = (frame) => new Promise((resolve) => frame.addEventListener('load', () => resolve(), { once: true }));
  const form = 'application/x-www-form-urlencoded';
  const work = [
    ...plan.gets.map((url) => fetch(url).then(json)),
    ...plan.posts.map(([url, body]) => fetch(url, { method: 'POST', headers: { 'content-type': form }, body }).then(json)),
    ...plan.redirects.map((url) => fetch(url).then((response) => {
      if (!response.redirected) throw new Error(url + ' did not redirect');
      return json(response);
    })),
    ...[...document.querySelectorAll('form.newsletter')].map((newsletter) => {
      const done = frameLoad(document.querySelector('iframe[name="' + newsletter.target + '"]'));
      newsletter.submit();
      return done;
    }),
    // The article frame has loaded with the window; follow the link in it, as a reader would.
    loaded.then(() => {
      const frame = document.querySelector('iframe[name="article"]');
      const done = frameLoad(frame);
      frame.contentDocument.getElementById('next').click();
      return done;
    }),
  ];
  Promise.allSettled([loaded, ...work]).then((results) => {
    const failed = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason?.message ?? r.reason));
    const images = [...document.images].filter((img) => !img.complete || img.naturalWidth === 0).length;
    if (images) failed.push(images + ' image(s) did not load');
    if ((window.browseScripts ?? 0) !== plan.scripts) failed.push('scripts ran: ' + (window.browseScripts ?? 0) + ' of ' + plan.scripts);
    if (document.styleSheets.length !== plan.stylesheets + 1) failed.push('stylesheets: ' + (document.styleSheets.length - 1) + ' of ' + plan.stylesheets);
    location.hash = 'reviews';
    const result = document.getElementById('result');
    document.getElementById('status').textContent = failed.length
      ? 'Failed: ' + failed.join('; ')
      : 'Loaded ' + result.dataset.subresources + ' subresources: ' + plan.stylesheets + ' stylesheets, ' +
        plan.scripts + ' scripts, ' + plan.images + ' images, ' + plan.gets.length + ' GETs, ' + plan.posts.length +
        ' POSTs, ' + plan.redirects.length + ' redirects, ' + plan.forms + ' forms.';
    result.dataset.status = failed.length ? 'error' : 'done';
  });
})();
`;

// --- The responses ----------------------------------------------------------------------------------------

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const hue = (i: number) => (i * 37) % 360;

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, ...HEADERS, ...headers });
  res.end(body);
}

const sendJson = (res: ServerResponse, value: unknown) => send(res, 200, 'application/json', JSON.stringify(value));

function smallPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,"></head><body style="font: 14px system-ui, sans-serif">${body}</body></html>`;
}

const ARTICLES: Record<string, { title: string; text: string; next?: string }> = {
  'error-codes': {
    title: 'HTTP error codes, explained',
    text: 'A 404 error code means the page is gone; a 503 means the server is in a bad state for now.',
    next: '/articles/state-parks?page=2',
  },
  'state-parks': { title: 'The best state parks', text: 'Every state has its favourite; here are ten, with their zip codes.' },
  'token-economy': { title: 'The token economy', text: 'Arcade tokens, subway tokens and what they cost.' },
};

/** The JSON APIs: a few fields echoing the request, in ordinary words. */
function apiAnswer(path: string, params: URLSearchParams): unknown {
  const page = Number(params.get('page') ?? 0);
  switch (path) {
    case '/api/products':
      return {
        code: 200,
        state: 'ok',
        token_count: 3,
        error: null,
        items: [{ sku: params.get('code'), name: 'Desk lamp', price: 24.5, ships_to: params.get('state') }],
      };
    case '/api/orders':
      return { code: 200, state: params.get('state'), page, orders: [{ id: 1000 + page, total: 42.1 }] };
    case '/api/search':
      return { query: params.get('q'), page, results: ['HTTP error codes, explained', 'The best state parks'], error_count: 0 };
    case '/api/weather':
      return { state: params.get('state'), zip_code: params.get('zip_code'), forecast: 'sunny', code: 1000, error: null };
    case '/api/feed':
      return { items: [{ title: 'Ten state parks to visit' }], next_page_token: `${params.get('page_token')}-next`, state: 'ok' };
    case '/api/translate':
      return { code: params.get('code'), text: params.get('text'), state: 'translated', token_count: 2 };
    default:
      return undefined;
  }
}

function postAnswer(path: string, form: URLSearchParams): unknown {
  switch (path) {
    case '/api/coupons/validate':
      return { code: form.get('code'), state: 'valid', discount: 10, error: null };
    case '/api/cart':
      return { code: 200, state: 'updated', items: Number(form.get('qty') ?? 0), promo_code: form.get('promo_code') };
    case '/api/address/verify':
      return { state: form.get('state'), zip_code: form.get('zip_code'), valid: true };
    case '/api/telemetry':
      return { ok: true, error: null };
    case '/api/chat/estimate':
      return { token_count: (form.get('text') ?? '').split(' ').length, state: 'ok' };
    default:
      return undefined;
  }
}

/** Serves /browse and its subresources; false when the request is none of them. */
export async function handleBrowse(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname;
  let match: RegExpExecArray | null;
  if (req.method === 'GET') {
    if (path === '/browse') {
      const raw = url.searchParams.get('n') ?? String(DEFAULT_SUBRESOURCES);
      const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
      if (!(n <= MAX_SUBRESOURCES)) {
        send(res, 400, 'text/plain; charset=utf-8', `n must be a whole number from 0 to ${MAX_SUBRESOURCES}\n`);
      } else {
        send(res, 200, 'text/html; charset=utf-8', browsePage(n));
      }
      return true;
    }
    if ((match = /^\/assets\/style-(\d+)\.css$/.exec(path))) {
      const i = Number(match[1]);
      send(res, 200, 'text/css; charset=utf-8', `.tile-${i} { border: 1px solid hsl(${hue(i)} 60% 50%); }\n`);
      return true;
    }
    if ((match = /^\/assets\/script-(\d+)\.js$/.exec(path))) {
      send(res, 200, 'text/javascript; charset=utf-8', `window.browseScripts = (window.browseScripts ?? 0) + 1; // widget ${match[1]}\n`);
      return true;
    }
    if ((match = /^\/assets\/image-(\d+)\.(png|svg)$/.exec(path))) {
      if (match[2] === 'png') send(res, 200, 'image/png', PNG);
      else
        send(
          res,
          200,
          'image/svg+xml',
          `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect width="16" height="16" fill="hsl(${hue(Number(match[1]))} 60% 50%)"/></svg>`,
        );
      return true;
    }
    if ((match = /^\/articles\/([\w-]+)$/.exec(path)) && ARTICLES[match[1]!]) {
      const { title, text, next } = ARTICLES[match[1]!]!;
      const link = next ? `<p><a id="next" href="${escapeHtml(next)}">Next: the best state parks</a></p>` : '';
      send(res, 200, 'text/html; charset=utf-8', smallPage(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${link}`));
      return true;
    }
    if (path.startsWith('/api/v1/')) {
      // Moved for good: the old API version answers with the new address, query and all.
      send(res, 301, 'text/plain; charset=utf-8', 'Moved\n', { location: `/api/${path.slice('/api/v1/'.length)}${url.search}` });
      return true;
    }
    const answer = apiAnswer(path, url.searchParams);
    if (answer !== undefined) {
      sendJson(res, answer);
      return true;
    }
    return false;
  }
  if (req.method === 'POST') {
    if (path === '/newsletter') {
      const form = new URLSearchParams(await readBody(req));
      send(
        res,
        200,
        'text/html; charset=utf-8',
        smallPage(
          'Subscribed',
          `<p>Thanks, ${escapeHtml(form.get('email') ?? '')}: your welcome code ${escapeHtml(form.get('code') ?? '')} is on its way.</p>`,
        ),
      );
      return true;
    }
    if (!path.startsWith('/api/')) return false;
    const answer = postAnswer(path, new URLSearchParams(await readBody(req)));
    if (answer === undefined) return false;
    sendJson(res, answer);
    return true;
  }
  return false;
}
