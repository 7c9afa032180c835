import type { Header, Param } from './model.ts';

// RFC 3986 §2.1: a '%' must start a two-hex-digit escape. WHATWG decoding keeps a broken escape as-is
// (it never throws), so we detect it separately to say so.
const BROKEN_PERCENT = /%(?![0-9A-Fa-f]{2})/;

/**
 * Decode `a=1&b=2` once with application/x-www-form-urlencoded rules (`+` is a space), keeping order and
 * duplicates. Never throws: broken percent-escapes are kept literally and reported.
 */
export function parseForm(raw: string): { params: Param[]; malformedEncoding: boolean } {
  const params: Param[] = [];
  for (const [name, value] of new URLSearchParams(raw)) params.push({ name, value });
  return { params, malformedEncoding: hasBrokenPercentEncoding(raw) };
}

export function hasBrokenPercentEncoding(raw: string): boolean {
  return BROKEN_PERCENT.test(raw);
}

export function firstParam(params: readonly Param[], name: string): string | undefined {
  for (const p of params) if (p.name === name) return p.value;
  return undefined;
}

export function hasParam(params: readonly Param[], name: string): boolean {
  return params.some((p) => p.name === name);
}

/** Names that occur more than once (RFC 6749 §3.1: parameters MUST NOT be included more than once). */
export function duplicatedNames(params: readonly Param[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const p of params) (seen.has(p.name) ? repeated : seen).add(p.name);
  return [...repeated];
}

export function header(headers: readonly Header[], name: string): string | undefined {
  for (const h of headers) if (h.name === name) return h.value;
  return undefined;
}

export interface SplitUrl {
  /** Origin + path, no query or fragment. */
  target: string;
  origin: string;
  query: string;
  fragment: string;
}

/** Split an absolute URL; undefined when it does not parse (the caller reports that, it never throws). */
export function splitUrl(url: string): SplitUrl | undefined {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed) return undefined;
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  // Custom schemes (native apps' `com.example.app:/cb`) have an opaque origin: keep them apart by scheme.
  const opaque = parsed.origin === 'null';
  return {
    target: opaque ? (queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt)) : parsed.origin + parsed.pathname,
    origin: opaque ? parsed.protocol : parsed.origin,
    // Raw (still percent-encoded) text, so it is decoded exactly once by parseForm.
    query: queryAt === -1 ? '' : beforeHash.slice(queryAt + 1),
    fragment: hashAt === -1 ? '' : url.slice(hashAt + 1),
  };
}

const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/**
 * Resolve a Location header against the request URL. An absolute Location is kept byte for byte (no
 * normalising: a changed case or port is exactly what the callback checks look for); a relative one is
 * resolved. Undefined when it cannot be resolved.
 */
export function resolveLocation(location: string, base: string): string | undefined {
  if (HAS_SCHEME.test(location)) return URL.canParse(location) ? location : undefined;
  return URL.canParse(location, base) ? new URL(location, base).href : undefined;
}
