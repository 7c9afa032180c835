/**
 * Chrome match patterns (`<scheme>://<host><path>`), as webRequest filters read them: written here from an
 * endpoint, and evaluated here the way the browser does, so the capture can tell whether a URL already reaches
 * the worker and tests can check the filters without a browser.
 * https://developer.chrome.com/docs/extensions/develop/concepts/match-patterns
 *
 * Semantics kept: scheme `*` is http or https; host `*` is any host, `*.example.com` is example.com or any
 * subdomain, and a host without a port matches every port; in the path, which webRequest matches together with
 * the query, `*` matches any run of characters (slashes included) and everything else is literal and
 * case-sensitive.
 */
import { escapeRegExp } from '../core/known-endpoints.ts';

/** Patterns for exactly one URL without its query, and for it with any query (webRequest sees both). */
export function exactUrlPatterns(url: string): string[] {
  if (!URL.canParse(url)) return [];
  const { protocol, host, pathname } = new URL(url);
  if (protocol !== 'https:' && protocol !== 'http:') return [];
  // `*` is a wildcard in a pattern's path and cannot be escaped: such a URL cannot be named exactly.
  if (pathname.includes('*')) return [];
  const base = `${protocol}//${host}${pathname}`;
  return [base, `${base}?*`];
}

/** Whether Chrome would match the URL (without fragment) against the pattern. */
export function matchesPattern(url: string, pattern: string): boolean {
  if (pattern === '<all_urls>') return /^(?:https?|wss?|ftp|file):/.test(url);
  const parts = /^(\*|https?|wss?|file|ftp):\/\/([^/]*)(\/.*)$/.exec(pattern);
  if (!parts || !URL.canParse(url)) return false;
  const [, scheme = '', host = '', path = ''] = parts;
  const parsed = new URL(url);
  const urlScheme = parsed.protocol.slice(0, -1);
  if (scheme === '*' ? urlScheme !== 'http' && urlScheme !== 'https' : scheme !== urlScheme) return false;
  if (!hostMatches(host, parsed.hostname, parsed.port)) return false;
  return globToRegExp(path).test(parsed.pathname + parsed.search);
}

function hostMatches(pattern: string, hostname: string, port: string): boolean {
  const portAt = pattern.lastIndexOf(':');
  const withPort = portAt > pattern.lastIndexOf(']');
  const name = withPort ? pattern.slice(0, portAt) : pattern;
  if (withPort && pattern.slice(portAt + 1) !== '*' && pattern.slice(portAt + 1) !== port) return false;
  if (name === '*') return true;
  if (name.startsWith('*.')) return hostname === name.slice(2) || hostname.endsWith(name.slice(1));
  return hostname === name;
}

const compiledGlobs = new Map<string, RegExp>();

/** Compiled once per pattern: the worker tests each learned endpoint's events against every fixed pattern. */
function globToRegExp(glob: string): RegExp {
  let compiled = compiledGlobs.get(glob);
  if (!compiled) {
    compiled = new RegExp(`^${glob.split('*').map(escapeRegExp).join('.*')}$`, 's');
    compiledGlobs.set(glob, compiled);
  }
  return compiled;
}
