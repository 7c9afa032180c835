/**
 * Headers a capture removed before we saw an exchange (`Exchange.headersRemoved`, set by the HAR adapter for
 * Chrome's sanitized export). A removed header is neither present nor absent: nothing may be concluded from
 * it, so a check that needs it says "not observable" instead of passing or failing.
 */
import type { Exchange, RemovableHeader } from './model.ts';

export function headerRemoved(exchange: Exchange, name: RemovableHeader): boolean {
  return exchange.headersRemoved?.includes(name) === true;
}

/** Every header removed from any of the exchanges, in a stable order (for the report's notice). */
export function headersRemovedFrom(exchanges: readonly Exchange[]): RemovableHeader[] {
  const removed = new Set<RemovableHeader>();
  for (const exchange of exchanges) for (const name of exchange.headersRemoved ?? []) removed.add(name);
  return [...removed].sort();
}
