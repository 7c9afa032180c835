/**
 * The issuer a discovery request names by its URL alone, for when its response body (the metadata) was not
 * observed, as in the extension's webRequest capture. OIDC Discovery §4 appends `/.well-known/openid-configuration`
 * to the issuer, any terminating `/` of its path removed first; RFC 8414 §3.1 inserts
 * `/.well-known/oauth-authorization-server` between the host and the issuer's path (§5 allows either name in
 * either place). The URL cannot tell whether the issuer ended with a `/`, so both spellings are returned. Pure.
 */
import { splitUrl } from './params.ts';

const WELL_KNOWN_NAMES = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'];

/** The issuer identifiers the discovery URL can stand for; undefined when it is not a discovery URL. */
export function issuersNamedBy(url: string): string[] | undefined {
  const split = splitUrl(url);
  // An issuer has no query or fragment (RFC 8414 §2), nor has the URL made from it.
  if (split?.query !== '' || split.fragment !== '') return undefined;
  const path = split.target.slice(split.origin.length);
  for (const name of WELL_KNOWN_NAMES) {
    // Inserted after the host (RFC 8414 §3.1), or appended to the issuer's path (OIDC Discovery §4).
    const issuerPath = path.startsWith(name) ? path.slice(name.length) : path.endsWith(name) ? path.slice(0, -name.length) : undefined;
    if (issuerPath === undefined || (issuerPath !== '' && !issuerPath.startsWith('/'))) continue;
    const issuer = `${split.origin}${issuerPath.replace(/\/$/, '')}`;
    return [issuer, `${issuer}/`];
  }
  return undefined;
}
