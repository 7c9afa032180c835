import { capped, quotable } from '../evidence.ts';
import { callbacksOf } from '../flow-facts.ts';
import type { Exchange, Param } from '../model.ts';
import { parseForm, splitUrl } from '../params.ts';
import { partitionPoint } from '../sorted.ts';
import { defineRule } from './rule.ts';

/**
 * RFC 9700 §4.11.1: clients MUST NOT expose open redirectors. A redirect URI that forwards the browser to a URL
 * taken from one of its own parameters (`next=`, `returnTo=`, `url=`…) lets anyone build a link to the client
 * that lands on their site, and, with a redirect URI matched loosely, carries codes or tokens there (§4.1, §4.11.1).
 *
 * Evidence on the wire: the page at the redirect URI (the request that delivered an authorization response) is
 * answered with a redirect whose `Location` is the value of one of its parameters, or the tab's next navigation
 * is to that value (a script's `location.assign(returnTo)`), and that URL is on another site. Same-origin
 * targets (`returnTo=/dashboard`) are the ordinary, safe use, and sibling hosts of one site are left out. The authorization response's own parameters
 * (`iss`, `error_uri`…) are the server's, not the client's to forward to.
 */
const RESPONSE_PARAMS: ReadonlySet<string> = new Set([
  'code',
  'state',
  'iss',
  'error',
  'error_description',
  'error_uri',
  'session_state',
  'access_token',
  'token_type',
  'expires_in',
  'id_token',
  'scope',
]);
/** Cheap test: only parameter values that can be an absolute or scheme-relative URL are parsed. */
const URL_LIKE = /^(?:https?:)?\/\//i;

export default defineRule({
  meta: {
    id: 'open-redirect-on-callback',
    severity: 'error',
    title: 'The callback forwards to another origin named by a parameter (open redirect)',
    citation: 'RFC 9700 §4.11.1, §4.1',
    fix: 'Forward only to paths of the app itself (an allow-list), or keep the return path in the stored sign-in state instead of the URL',
    evidence: 'W',
  },
  check({ flows, exchanges, report }) {
    const navigations = navigationsByTab(exchanges);
    for (const flow of flows) {
      for (const callback of callbacksOf(flow)) {
        const page = callback.arrival ?? (callback.mode === 'form_post' ? callback.exchange : undefined);
        if (!page) continue;
        const targets = offOriginTargets(page);
        if (!targets.size) continue;
        const redirect = page.location !== undefined ? targets.get(normalized(page.location, page.url) ?? '') : undefined;
        const next = redirect ? undefined : nextNavigation(navigations, page);
        const forwarded = redirect ?? (next ? targets.get(normalized(next.url, next.url) ?? '') : undefined);
        if (!forwarded) continue;
        const how = redirect ? `answers with a redirect${page.status ? ` (HTTP ${page.status})` : ''}` : 'is followed by a navigation';
        const name = quotable(forwarded.param.name);
        report({
          flow,
          message: `The redirect URI ${how} to another origin, ${forwarded.origin}, taken from its ${name ? `${name} ` : ''}parameter: anyone can link to it and send the browser anywhere.`,
          exchanges: [page, ...(next ? [next] : [])],
          evidence: [
            { label: 'callback page', value: capped(`${page.method} ${splitUrl(page.url)?.target ?? page.url}`) },
            { label: 'parameter', value: capped(forwarded.param.name, 100) },
            { label: 'forwarded to', value: capped(forwarded.href) },
          ],
        });
        break;
      }
    }
  },
});

interface Target {
  param: Param;
  href: string;
  origin: string;
}

/** The page's own parameters (query, and a form_post body) whose value is a URL on another origin, by that URL. */
function offOriginTargets(page: Exchange): Map<string, Target> {
  const split = splitUrl(page.url);
  const targets = new Map<string, Target>();
  if (!split) return targets;
  const params = [...parseForm(split.query).params, ...(page.requestBody.kind === 'form' ? page.requestBody.params : [])];
  for (const param of params) {
    if (RESPONSE_PARAMS.has(param.name) || !URL_LIKE.test(param.value)) continue;
    const href = normalized(param.value, page.url);
    const origin = href ? new URL(href).origin : undefined;
    if (href && origin && origin !== split.origin && !sameSiteAtMost(origin, split.origin) && !targets.has(href))
      targets.set(href, { param, href, origin });
  }
  return targets;
}

/**
 * Whether two origins may belong to one site: their host names end with the same two labels (`login.example.com`
 * and `app.example.com`). Central sign-in pages forwarding to sibling apps are common and usually allow-listed,
 * which the wire cannot show; without the public suffix list this also lumps `a.co.uk` with `b.co.uk`, so it
 * can only miss a finding, never make one.
 */
function sameSiteAtMost(a: string, b: string): boolean {
  const lastLabels = (origin: string) => new URL(origin).hostname.split('.').slice(-2).join('.');
  const hostA = new URL(a).hostname;
  // IP addresses and single-label hosts (localhost) have no site of their own to share.
  if (/^[\d.]+$|^\[|^[^.]+$/.test(hostA)) return false;
  return lastLabels(a) === lastLabels(b);
}

function normalized(url: string, base: string): string | undefined {
  return URL.canParse(url, base) ? new URL(url, base).href : undefined;
}

/** Top-level navigations in time order: all of them under `undefined`, and each tab's under its id. */
function navigationsByTab(exchanges: readonly Exchange[]): Map<number | undefined, Exchange[]> {
  const byTab = new Map<number | undefined, Exchange[]>([[undefined, []]]);
  for (const exchange of exchanges) {
    if (exchange.initiator !== 'navigation') continue;
    byTab.get(undefined)!.push(exchange);
    if (exchange.tabId === undefined) continue;
    const tab = byTab.get(exchange.tabId);
    if (tab) tab.push(exchange);
    else byTab.set(exchange.tabId, [exchange]);
  }
  for (const list of byTab.values()) list.sort((a, b) => a.time - b.time);
  return byTab;
}

/** The first top-level navigation after the page, in its tab when the capture says which (a HAR does not). */
function nextNavigation(byTab: Map<number | undefined, Exchange[]>, page: Exchange): Exchange | undefined {
  const navigations = byTab.get(page.tabId) ?? [];
  const from = partitionPoint(navigations.length, (i) => navigations[i]!.time <= page.time);
  return navigations.slice(from).find((candidate) => candidate !== page);
}
