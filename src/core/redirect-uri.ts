/**
 * Redirect URIs compared the way OAuth compares them: as exact strings (RFC 6749 §4.1.3 "identical",
 * RFC 3986 §6.2.1 simple string comparison), and, when they differ, a classification of HOW they differ, in
 * the terms people fix them by: a trailing slash, letter case, a port (often the default port written out),
 * the scheme, percent-encoding (including double encoding such as `%253A`), localhost vs 127.0.0.1, the path,
 * the query. Used by the redirect-uri rules and by the stuck-redirect diagnostics.
 *
 * Everything here works on raw strings split with the RFC 3986 Appendix B regular expression: nothing is
 * normalised behind the caller's back, and nothing throws.
 */

/** The components of a URI reference, raw (still percent-encoded); `undefined` when the delimiter is absent. */
export interface UriParts {
  scheme?: string;
  /** Everything between `//` and the path, when there is a `//`. */
  authority?: string;
  userinfo?: string;
  host?: string;
  port?: string;
  path: string;
  query?: string;
  fragment?: string;
}

export type UriComponent = 'scheme' | 'userinfo' | 'host' | 'port' | 'path' | 'query' | 'fragment';

const COMPONENTS: readonly UriComponent[] = ['scheme', 'userinfo', 'host', 'port', 'path', 'query', 'fragment'];

// RFC 3986 Appendix B.
const URI_REFERENCE = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

export function uriParts(uri: string): UriParts {
  const m = URI_REFERENCE.exec(uri);
  // The expression matches every string; the fallback only satisfies the type checker.
  if (!m) return { path: uri };
  const [, scheme, authority, path = '', query, fragment] = m;
  const parts: UriParts = { path };
  if (scheme !== undefined) parts.scheme = scheme;
  if (query !== undefined) parts.query = query;
  if (fragment !== undefined) parts.fragment = fragment;
  if (authority !== undefined) {
    parts.authority = authority;
    const at = authority.lastIndexOf('@');
    if (at !== -1) parts.userinfo = authority.slice(0, at);
    const hostPort = authority.slice(at + 1);
    const colon = hostPort.startsWith('[') ? hostPort.indexOf(':', hostPort.indexOf(']')) : hostPort.lastIndexOf(':');
    if (colon === -1) {
      parts.host = hostPort;
    } else {
      parts.host = hostPort.slice(0, colon);
      parts.port = hostPort.slice(colon + 1);
    }
  }
  return parts;
}

/** Default ports of the schemes a redirect URI uses (RFC 9110 §4.2). */
export const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443', ws: '80', wss: '443' };

/** Components whose raw text differs (an absent component differs from an empty one: `?` alone is a query). */
export function differingComponents(a: UriParts, b: UriParts, only: readonly UriComponent[] = COMPONENTS): UriComponent[] {
  return only.filter((c) => a[c] !== b[c]);
}

/** scheme + authority + path, raw: the URI without its query and fragment. */
export function endpointOf(uri: string): string {
  const cut = uri.search(/[?#]/);
  return cut === -1 ? uri : uri.slice(0, cut);
}

/**
 * `ip`: a loopback IP literal (127.0.0.0/8, [::1]), which RFC 8252 §8.3 recommends; `name`: `localhost`
 * (or a `.localhost` name), which RFC 8252 §8.3 says NOT RECOMMENDED; undefined: not loopback.
 */
export function loopbackKind(host: string | undefined): 'ip' | 'name' | undefined {
  if (host === undefined) return undefined;
  const h = host.toLowerCase().replace(/\.$/, '');
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '[::1]' || h === '[0:0:0:0:0:0:0:1]') return 'ip';
  if (h === 'localhost' || h.endsWith('.localhost')) return 'name';
  return undefined;
}

/** Decode the valid `%XX` escapes once (invalid UTF-8 runs are kept as they are); never throws. */
export function percentDecodeOnce(value: string): string {
  return value.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

const MAX_DECODE_ROUNDS = 4;

/** Decode until nothing changes (bounded); returns the result and how many rounds changed it. */
function percentDecodeFully(value: string): { value: string; rounds: number } {
  let current = value;
  for (let rounds = 0; rounds < MAX_DECODE_ROUNDS; rounds++) {
    const next = percentDecodeOnce(current);
    if (next === current) return { value: current, rounds };
    current = next;
  }
  return { value: current, rounds: MAX_DECODE_ROUNDS };
}

export type RedirectUriDifferenceKind =
  | 'trailing-slash'
  | 'case'
  | 'port'
  | 'scheme'
  | 'encoding'
  | 'localhost-vs-127.0.0.1'
  | 'path'
  | 'query'
  | 'other';

export interface RedirectUriDifference {
  kind: RedirectUriDifferenceKind;
  /** The raw components that differ (for `encoding` of a whole-string encoded URI, all the parsed ones may). */
  components: UriComponent[];
  /** One phrase for people, from `expected` to `actual`, e.g. "a trailing slash was added". */
  explanation: string;
}

/**
 * How `actual` differs from `expected`, or undefined when the two strings are identical. The first matching
 * class wins, from the most specific to the most general: encoding, trailing slash, port, case,
 * localhost vs 127.0.0.1, scheme, path, query, other.
 */
export function compareRedirectUris(
  expected: string,
  actual: string,
  names: { expected: string; actual: string } = { expected: 'expected', actual: 'actual' },
): RedirectUriDifference | undefined {
  if (expected === actual) return undefined;
  const e = uriParts(expected);
  const a = uriParts(actual);
  const components = differingComponents(e, a);
  const only = (...allowed: UriComponent[]) => components.length > 0 && components.every((c) => allowed.includes(c));
  const result = (kind: RedirectUriDifferenceKind, explanation: string): RedirectUriDifference => ({ kind, components, explanation });

  const de = percentDecodeFully(expected);
  const da = percentDecodeFully(actual);
  if (de.value === da.value) {
    const doubled = de.rounds !== da.rounds && Math.max(de.rounds, da.rounds) >= 2;
    if (doubled)
      return result('encoding', `double percent-encoding (%25XX) on the ${de.rounds > da.rounds ? names.expected : names.actual} side`);
    if (percentDecodeOnce(expected) === actual) return result('encoding', 'percent-escapes were decoded (e.g. %2F became /)');
    if (percentDecodeOnce(actual) === expected) return result('encoding', 'characters were percent-encoded (e.g. / became %2F)');
    return result('encoding', 'the percent-encoding differs (same characters once decoded)');
  }

  if (only('path') && (`${e.path}/` === a.path || `${a.path}/` === e.path)) {
    return result('trailing-slash', a.path.length > e.path.length ? 'a trailing slash was added' : 'the trailing slash was removed');
  }

  if (only('port')) {
    const bare = (p: UriParts) => p.port === undefined || p.port === '';
    const scheme = (e.scheme ?? '').toLowerCase();
    const written = bare(e) ? a.port : e.port;
    if (bare(e) !== bare(a) && written !== undefined && DEFAULT_PORTS[scheme] === written) {
      return result(
        'port',
        `the default port ${written} is written out on one side only (equivalent per RFC 3986 §6.2.3, but not identical)`,
      );
    }
    return result('port', `the port differs (${portText(e.port)} vs ${portText(a.port)})`);
  }

  if (expected.toLowerCase() === actual.toLowerCase()) {
    const equivalent = only('scheme', 'host');
    return result(
      'case',
      `the letter case of the ${components.join(' and ')} differs${equivalent ? ' (equivalent per RFC 3986 §6.2.2.1, but not identical)' : ''}`,
    );
  }

  if (components.includes('host') && only('host', 'port') && loopbackKind(e.host) && loopbackKind(a.host)) {
    const portToo = components.includes('port') ? ', and the port differs' : '';
    return result('localhost-vs-127.0.0.1', `loopback host ${e.host} vs ${a.host}${portToo}`);
  }

  if (components.includes('scheme') && only('scheme', 'port')) {
    const portIsDefault = (p: UriParts) =>
      p.port === undefined || p.port === '' || DEFAULT_PORTS[(p.scheme ?? '').toLowerCase()] === p.port;
    if (!components.includes('port') || (portIsDefault(e) && portIsDefault(a))) {
      return result('scheme', `the scheme differs (${e.scheme ?? 'none'} vs ${a.scheme ?? 'none'})`);
    }
  }

  if (expected.trim() === actual.trim()) {
    return result('other', 'leading or trailing whitespace differs (e.g. a newline or a space)');
  }
  if (only('path')) return result('path', 'the path differs');
  if (only('query'))
    return result(
      'query',
      e.query === undefined ? 'a query was added' : a.query === undefined ? 'the query was removed' : 'the query differs',
    );
  return result('other', `the ${components.join(', ')} differ${components.length === 1 ? 's' : ''}`);
}

function portText(port: string | undefined): string {
  return port === undefined ? 'none' : port === '' ? 'empty' : port;
}

/**
 * Where a callback actually went versus the redirect_uri requested: scheme, host, port and path only (the
 * AS appends its own query or fragment), raw, with an empty path counted as "/" (RFC 3986 §6.2.3; this
 * comparison only). Undefined when they agree; otherwise the classified difference of those components.
 */
export function compareRedirectTargets(
  requested: string,
  actual: string,
  names: { expected: string; actual: string } = { expected: 'requested', actual: 'actual' },
): RedirectUriDifference | undefined {
  const r = uriParts(requested);
  const a = uriParts(actual);
  const withSlash = (p: UriParts): UriParts => (p.path === '' ? { ...p, path: '/' } : p);
  if (differingComponents(withSlash(r), withSlash(a), ['scheme', 'host', 'port', 'path']).length === 0) return undefined;
  return compareRedirectUris(targetText(withSlash(r)), targetText(withSlash(a)), names);
}

/** scheme ":" ["//" host [":" port]] path — the parts compareRedirectTargets looks at, as one string. */
function targetText(p: UriParts): string {
  const scheme = p.scheme !== undefined ? `${p.scheme}:` : '';
  const authority = p.authority !== undefined ? `//${p.host ?? ''}${p.port !== undefined ? `:${p.port}` : ''}` : '';
  return `${scheme}${authority}${p.path}`;
}
