/**
 * What the tables of providers' documented endpoints share (known-token-endpoints.ts,
 * known-authorization-endpoints.ts): an entry names a host and a path, a `*` in the path stands for one
 * version segment (Facebook's `v19.0`), and a raw URL is first tested against all paths at once with one
 * regular expression, since the capture's relevance filter runs on every navigation; the URL is parsed only
 * when that test says it may be one.
 */
export interface KnownEndpoint {
  provider: string;
  /**
   * The host the provider serves it from; `*.` before a domain also matches its subdomains. Absent for
   * products installed on the customer's own host (PingFederate, GitHub Enterprise Server): the path alone
   * is distinctive enough.
   */
  host?: string;
  /** The path. A `*` stands for one version segment (Facebook's `v19.0`). */
  path: string;
  /** Where the provider documents it. */
  source: string;
}

/** `(?:path|path…)`: every entry's path as one regular-expression group, `*` as one segment. */
export function pathAlternatives(entries: readonly KnownEndpoint[]): string {
  return `(?:${entries.map(({ path }) => path.split('*').map(escapeRegExp).join('[^/?#]+')).join('|')})`;
}

/** The entry a URL addresses (its query and fragment aside), if any; `hint` is tested on the raw URL first. */
export function knownEndpointOf<Entry extends KnownEndpoint>(entries: readonly Entry[], hint: RegExp, url: string): Entry | undefined {
  if (!hint.test(url) || !URL.canParse(url)) return undefined;
  const { hostname, pathname, protocol } = new URL(url);
  if (protocol !== 'https:' && protocol !== 'http:') return undefined;
  return entries.find((entry) => hostMatches(entry.host, hostname) && pathMatches(entry.path, pathname));
}

function hostMatches(pattern: string | undefined, hostname: string): boolean {
  if (pattern === undefined) return true;
  if (!pattern.startsWith('*.')) return hostname === pattern;
  const domain = pattern.slice(2);
  return hostname === domain || hostname.endsWith(`.${domain}`);
}

function pathMatches(pattern: string, pathname: string): boolean {
  const expected = pattern.split('/');
  const actual = pathname.split('/');
  return (
    expected.length === actual.length && expected.every((segment, i) => segment === actual[i] || (segment === '*' && actual[i] !== ''))
  );
}

/** The text as a literal in a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
